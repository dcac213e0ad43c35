"""Review and adjudication as an editing session: gold's spans, the groups of disagreement,
and the edits that settle them — undoable like any other edit.

`ReviewSession(store, article_id, annotators, reviewer)` is an `ArticleSession`
whose annotator is gold (label keys and Delete edit gold) and which adds
`take(group, index)` (gold takes annotator N's version) and `accept_agreed()`
(every group all annotators agree on). Each is one `Edit`, one transaction;
`accept_agreed_everywhere` is the CLI's `accept-agreed` over a whole project.
Also the one check of which annotators and label may be compared, used by the
CLI's `agreement` and by the window's review mode.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from annotator.core import edits
from annotator.core.agreement import Disagreement, disagreement_counts, disagreements
from annotator.core.edits import Changed, Edit
from annotator.core.errors import InputError
from annotator.core.event_agreement import EventDisagreement, event_disagreements
from annotator.core.model import GOLD, Span, Status
from annotator.core.session import ArticleSession, NothingToDo, Refresh


def parse_names(text: str | None) -> list[str] | None:
    """'ana, ben' → ['ana', 'ben']; empty → None (every annotator)."""
    names = [n.strip() for n in (text or "").split(",") if n.strip()]
    return names or None


def check_agreement_args(store, annotators: Sequence[str] | None, label: str | None = None) -> None:
    """Annotators to compare must be in the project, and a label in its scheme."""
    known = set(store.annotators())
    for n in annotators or []:
        if n not in known:
            raise InputError(f"no annotator {n!r} in this project")
    if label and label not in store.scheme.names:
        raise InputError(f"unknown label {label!r}")


def judged_annotators(store) -> list[str]:
    """Everyone (but gold) who marked at least one article done: who review compares by default."""
    return sorted(
        {n for (_a, n), st in store.all_statuses().items() if st == Status.DONE and n != GOLD}
    )


def review_counts(
    store, article_ids: Sequence[int] | None, annotators: Sequence[str]
) -> dict[int, int]:
    """Open disagreements per article, for the article list (None: every marked article)."""
    return disagreement_counts(store, article_ids, annotators)


class ReviewSession(ArticleSession):
    """Gold's spans of one article and the groups where the compared annotators differ."""

    reviewing = True

    def __init__(self, store, article_id: int, annotators: Sequence[str], reviewer: str):
        self.compared = list(annotators)
        self.reviewer = reviewer
        self.groups: list[Disagreement] = []
        self.event_groups: list[EventDisagreement] = []
        super().__init__(store, article_id, GOLD)

    def load(self) -> None:
        self.spans = self.store.spans(self.article_id, GOLD)
        self.suggestions = []  # review shows the annotators' versions, not a model's
        self.boilerplate = self.store.boilerplate(self.article_id)
        self.groups = disagreements(self.store, self.article_id, self.compared)
        self._load_events()

    def _load_events(self) -> None:
        """Gold's events and the groups of events where the compared annotators differ."""
        self.events = self.store.events(self.article_id, GOLD)
        self.event_suggestions = []
        self.event_groups = event_disagreements(self.store, self.article_id, self.compared)

    def show_suggestions(self, suggestions, reset: bool = True) -> None:
        return None

    def refresh(self, changed: Changed) -> Refresh:
        # any gold edit may settle or reopen a group: groups are few, read them again
        if changed.header:
            self.article = self.store.article(self.article_id)
        self.load()
        return Refresh(full=True, events=True)

    @property
    def annotators(self) -> list[str]:
        return self.compared

    def open_groups(self) -> list[Disagreement]:
        return [g for g in self.groups if not g.resolved]

    def group(self, key: Hashable) -> Disagreement | None:
        return next((g for g in self.groups if g.key == key), None)

    def take(self, group: Disagreement | None, index: int) -> Edit:
        """Gold takes annotator number `index` (0-based) of `group`, or of the first open one."""
        if not 0 <= index < len(self.compared):
            raise NothingToDo(f"only {len(self.compared)} annotator(s) are compared "
                              f"({', '.join(self.compared)})")  # fmt: skip
        name = self.compared[index]
        if group is None:
            open_ = self.open_groups()
            if not open_:
                raise NothingToDo("No open disagreement in this article: nothing to take")
            group = open_[0]
        if not group.versions.get(name):
            raise NothingToDo(f"{name} marked nothing here, so there is nothing to take; "
                              "take another version, or select the text and mark gold yourself")  # fmt: skip
        step = edits.Adjudicate(self.article_id, group.start, group.end, group, name, self.reviewer)
        return self._edit(f"Take {name}'s version", [step], gone=self._gold_in(group))

    def _gold_in(self, *groups) -> set[str]:
        """Gold spans adjudicating GROUPS replaces (their events follow in the same step)."""
        return {s.uuid for g in groups for s in self.spans if s.start < g.end and g.start < s.end}

    def accept_agreed(self) -> Edit:
        """Copy every open group all annotators agree on into gold, as one edit."""
        agreed = [g for g in self.groups if g.agreed]
        if not agreed:
            raise NothingToDo("0 agreed span group(s) copied into gold")
        first = self.compared[0]
        steps = [
            edits.Adjudicate(self.article_id, g.start, g.end, g, first, self.reviewer)
            for g in agreed
        ]
        return self._edit("Accept all agreed", steps, len(agreed), gone=self._gold_in(*agreed))

    # -- events --------------------------------------------------------------------------------

    def open_event_groups(self) -> list[EventDisagreement]:
        """Event groups still to settle: frames that differ (or not everyone's), gold has none."""
        return [g for g in self.event_groups if not g.resolved]

    def event_group(self, key: Hashable) -> EventDisagreement | None:
        return next((g for g in self.event_groups if g.key == key), None)

    def take_event(self, group: EventDisagreement | None, index: int) -> Edit:
        """Gold takes annotator number INDEX's events of GROUP (or of the first open group):
        gold's events there go, the spans they name are gold's where gold has them at the
        same offsets and label, else copied into gold (gold spans in the way make way), and
        the event is copied. One edit, one undo step."""
        if not 0 <= index < len(self.compared):
            raise NothingToDo(f"only {len(self.compared)} annotator(s) are compared "
                              f"({', '.join(self.compared)})")  # fmt: skip
        name = self.compared[index]
        if group is None:
            open_ = self.open_event_groups()
            if not open_:
                raise NothingToDo("No open event disagreement in this article: nothing to take")
            group = open_[0]
        chosen = group.versions.get(name) or []
        if not chosen:
            raise NothingToDo(f"{name} made no event here, so there is nothing to take")
        return self._edit(f"Take {name}'s event", self._take_steps([(group, name)]))

    def _take_steps(self, choices: Sequence[tuple[EventDisagreement, str]]) -> list:
        """The steps by which gold takes each (group, annotator)'s events; spans several
        events name are copied once."""
        steps: list = []
        gold = {(s.start, s.end, s.label): s.uuid for s in self.spans}
        made: dict[tuple, edits.AddSpan] = {}
        gone: set[str] = set()

        def ref(span: Span, origin: str) -> str | edits.AddSpan:
            place = (span.start, span.end, span.label)
            if place in gold and gold[place] not in gone:
                return gold[place]
            if place not in made:
                steps.extend(edits.make_way(self.spans, span.start, span.end, span.label,
                                            self.scheme, gone))  # fmt: skip
                made[place] = edits.AddSpan(self.article_id, span.start, span.end, span.label,
                                            dict(span.attrs), origin=origin)  # fmt: skip
                steps.append(made[place])
            return made[place]

        for group, name in choices:
            theirs = {s.uuid: s for s in self.store.spans(self.article_id, name)}
            origin = f"adjudicated:{name};by={self.reviewer}"
            for e in self.events:
                t = self.span(e.trigger)
                if t is not None and t.start < group.end and group.start < t.end:
                    steps.append(edits.RemoveEvent(self.article_id, e.uuid))
            for ev in group.versions.get(name) or []:
                trigger = ref(theirs[ev.trigger], origin)
                args = [(role, ref(theirs[uid], origin)) for role, uid in ev.args if uid in theirs]
                steps.append(edits.AddEvent(self.article_id, ev.label, trigger, args,
                                            dict(ev.attrs), origin=origin))  # fmt: skip
        return steps

    def accept_agreed_events(self) -> Edit:
        """Copy every open event group all annotators agree on into gold, as one edit."""
        agreed = [g for g in self.event_groups if g.kind == "agree" and not g.resolved]
        if not agreed:
            raise NothingToDo("0 agreed event(s) copied into gold")
        steps = self._take_steps([(g, self.compared[0]) for g in agreed])
        return self._edit("Accept all agreed events", steps, len(agreed))


def accept_agreed_everywhere(
    store, annotators: Sequence[str] | None, reviewer: str
) -> tuple[int, int]:
    """`accept_agreed` on every article each compared annotator finished (status done), one
    edit (one transaction) per article: (articles changed, span groups copied into gold).
    The annotators default to everyone who finished an article; at least two are compared."""
    names = list(annotators) if annotators else judged_annotators(store)
    check_agreement_args(store, names)
    if GOLD in names:
        raise InputError(f"{GOLD!r} holds the adjudicated spans: compare the annotators")
    if len(names) < 2:
        raise InputError(
            f"compare at least two annotators (found: {', '.join(names) or 'none'} "
            "with a finished article)"
        )
    statuses = store.all_statuses()
    finished = sorted(
        aid
        for (aid, who), st in statuses.items()
        if who == names[0] and all(statuses.get((aid, n)) == Status.DONE for n in names)
    )
    articles = groups = 0
    for aid in finished:
        try:
            edit = ReviewSession(store, aid, names, reviewer).accept_agreed()
        except NothingToDo:
            continue
        edit.apply()
        articles += 1
        groups += edit.count
    return articles, groups
