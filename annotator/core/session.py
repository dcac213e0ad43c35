"""An editing session on one article: every rule of editing, without Qt.

`ArticleSession(store, article_id, annotator)` holds what an annotator sees of
an article (their spans, the open suggestions, the boilerplate) and turns a
user's intent into an `Edit` (see `core/edits.py`): mark, relabel, remove, set
attributes, accept, accept all, reject, reject in a range, set the status,
mark boilerplate, edit the header. Nothing is written until the caller applies
the edit; after it is applied (or reverted) `refresh(changed)` brings the
session up to date reading only what changed, and says what the views must
redraw. The window and the CLI both edit through it; `core/review_session.py`
is the same shape for adjudication.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.core import edits
from annotator.core.boilerplate import spans_outside_boilerplate
from annotator.core.editing import carry_attrs, plan_mark
from annotator.core.edits import Changed, Edit
from annotator.core.errors import InputError
from annotator.core.model import Event, EventRole, EventSuggestion, Span, Status, Suggestion
from annotator.core.span_rules import in_the_way, precedence


class NothingToDo(Exception):
    """The action has nothing to write; `str(exc)` says why (for a status line), and
    `select` names the item to select instead (marking a span that is already there)."""

    def __init__(self, message: str = "", select: Hashable | None = None):
        super().__init__(message)
        self.select = select


@dataclass
class Refresh:
    """What the views redraw after a change: everything, or the keys to remove and what to add."""

    full: bool
    removed: set[Hashable] = field(default_factory=set)
    spans: list[Span] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    events: bool = False  # the article's events or suggested frames changed: list them again


def unique_suggestions(suggestions: Iterable[Suggestion]) -> dict[tuple, Suggestion]:
    """Several models may propose the same span: it is shown (and settled) once, by its key."""
    unique: dict[tuple, Suggestion] = {}
    for s in suggestions:
        unique.setdefault(s.key, s)
    return unique


def choose_accept_all(
    suggestions: Sequence[Suggestion], spans: Sequence[Span], scheme
) -> list[Suggestion]:
    """What "accept all" takes: none over your spans, none over another one it takes;
    where suggestions overlap, the one `precedence` puts first ("Russia's Supreme Court"
    rather than "Russia")."""
    taken: list = list(spans)
    chosen = []
    for sug in sorted(suggestions, key=lambda s: precedence(s.start, s.end, s.label)):
        if in_the_way(taken, sug.start, sug.end, sug.label, scheme):
            continue
        chosen.append(sug)
        taken.append(sug)
    return chosen


def next_unfinished(
    store, annotator: str, ids: Sequence[int], after: int | None = None, chunk: int = 500
) -> int | None:
    """The first article in `ids` order (after `after`, wrapping round) not done or skipped.

    Reads IDS a chunk at a time from `after`'s row and the chunk's statuses in one query:
    a list of 1,000,000 (`store.article_id_list`) answers from its first chunk or two."""
    n = len(ids)
    if not n:
        return None
    start = 0
    if after is not None:
        if hasattr(ids, "position"):  # a lazy list: its row by a count, not by reading it
            pos = ids.position(after)
        else:
            pos = ids.index(after) if after in ids else None
        start = pos + 1 if pos is not None else 0
    for first in range(start, start + n, chunk):
        part = [ids[i % n] for i in range(first, min(first + chunk, start + n))]
        finished = {
            r.id
            for r in store.list_articles(annotator, ids=part)
            if r.status in (Status.DONE, Status.SKIPPED)
        }
        for aid in part:
            if aid not in finished and aid != after:
                return aid
    return None


def check_date(published: str | None) -> None:
    from annotator.core.dates import parse_published

    if published and parse_published(published) is None:
        raise InputError(f"Not a date: {published!r}. Write the publication date as YYYY-MM-DD.")


def _span_order(s: Span) -> tuple:
    return s.start, s.end, s.label, s.uuid


class ArticleSession:
    """One annotator's view of one article, and every edit they can make to it.

    `model`: the model whose suggestions are shown (None: every stored model's;
    a model with none stored falls back to all of them).
    """

    reviewing = False

    def __init__(self, store, article_id: int, annotator: str, model: str | None = None):
        self.store = store
        self.article_id = article_id
        self.annotator = annotator
        self.model = model
        self.article = store.article(article_id)
        self.spans: list[Span] = []
        self.suggestions: list[Suggestion] = []  # open ones, in text order
        self.boilerplate: list[tuple[int, int]] = []
        self.events: list[Event] = []  # the annotator's, oldest first
        self.event_suggestions: list[EventSuggestion] = []  # open suggested frames, text order
        self._every: dict[tuple, Suggestion] | None = None  # the article's, read once
        self._settled: set | None = None  # places settled when suggestions were last loaded
        self._places: set | None = None  # every suggestion place, open or settled
        self.load()

    @property
    def scheme(self):
        return self.store.scheme

    @property
    def text(self) -> str:
        return self.article.text

    @property
    def annotators(self) -> list[str]:
        """Whose spans are shown: the annotator's own (review compares several)."""
        return [self.annotator]

    def open_groups(self) -> list:
        """Groups of disagreement still to settle: none outside review."""
        return []

    # -- reading -------------------------------------------------------------------------------

    def set_model(self, model: str | None) -> None:
        """Show another model's suggestions (a model finished loading): read them again."""
        self.model = model
        self.load()

    def load(self) -> None:
        """Read everything again (a new model's suggestions, a change from elsewhere)."""
        self._every, self._places = None, None
        self.spans = self.store.spans(self.article_id, self.annotator)
        self._load_suggestions()
        self._load_events()

    def _load_events(self) -> None:
        """The annotator's events and the suggested frames still open (few per article)."""
        self.events = self.store.events(self.article_id, self.annotator)
        sugs = self.store.event_suggestions(self.article_id, self.annotator, model=self.model)
        if not sugs and self.model is not None:
            sugs = self.store.event_suggestions(self.article_id, self.annotator)
        unique: dict[tuple, EventSuggestion] = {}
        for sug in sugs:
            unique.setdefault(sug.key, sug)
        self.event_suggestions = sorted(unique.values(), key=lambda g: (g.trigger, g.label))

    def _load_suggestions(self) -> None:
        """The open suggestions: the article's (read once, kept) less those settled.

        A suggestion is settled once accepted or rejected, or when one of the
        annotator's spans has its offsets and label; a key press reads only the
        decisions again, not the article's thousands of suggestions.
        """
        if self._every is None:
            sugs = self.store.suggestions(self.article_id, model=self.model)
            if not sugs and self.model is not None:
                sugs = self.store.suggestions(self.article_id)
            self.show_suggestions(sugs, reset=False)
            self.boilerplate = self.store.boilerplate(self.article_id)
        settled = self.store.decided_places(self.article_id, self.annotator)
        settled |= {(s.start, s.end, s.label) for s in self.spans}
        if settled != self._settled:
            self._settled = settled
            open_ = [s for k, s in self._every.items() if k not in settled]
            self.suggestions = spans_outside_boilerplate(open_, self.boilerplate)

    def show_suggestions(self, suggestions: Iterable[Suggestion], reset: bool = True) -> None:
        """Take these as the article's suggestions (the opening of a long article, before
        the whole run is stored)."""
        self._every = unique_suggestions(suggestions)
        self._settled = None
        if reset:
            self._load_suggestions()

    def _reload_suggestions(self) -> tuple[list[Suggestion], list[Suggestion]]:
        """Load the open suggestions again; (those settled meanwhile, those opened again),
        found from the settled places before and after rather than by comparing thousands."""
        before = self._settled or set()
        self._load_suggestions()
        after = self._settled or set()
        every = self._every or {}
        gone = [every[k] for k in after - before if k in every]
        came = [every[k] for k in before - after if k in every]
        return gone, came

    def _suggested_here(self, places: set[tuple[int, int, str]]) -> bool:
        """Whether any suggestion for this article (open or settled) sits at one of these places."""
        if not places:
            return False
        if self._places is None:
            self._places = {s.key for s in self.store.suggestions(self.article_id)}
        return bool(places & self._places)

    def refresh(self, changed: Changed) -> Refresh:
        """Bring the session up to date after `changed`; what the views must redraw."""
        if changed.header:
            self.article = self.store.article(self.article_id)
        if changed.spans is None:
            self.load()
            return Refresh(full=True, events=True)
        events = changed.events is None or bool(changed.events) or changed.suggestions
        if events:
            self._load_events()
        touched: set[Hashable] = set(changed.spans)
        fresh = [s for s in map(self.store.span, changed.spans) if s.deleted_at is None]
        before = {(s.start, s.end, s.label) for s in self.spans if s.uuid in touched}
        spans = [s for s in self.spans if s.uuid not in touched]
        for span in fresh:  # the list stays in text order without sorting thousands again
            insort(spans, span, key=_span_order)
        self.spans = spans
        # a span that matches a suggestion settles it; deleting the span opens it again
        after = {(s.start, s.end, s.label) for s in fresh}
        came: list[Suggestion] = []
        if changed.suggestions or self._suggested_here(before | after):
            gone, came = self._reload_suggestions()
            touched |= {s.key for s in (*gone, *came)}
        return Refresh(False, touched, fresh, came, events)

    def status(self) -> str:
        return self.store.status(self.article_id, self.annotator)

    def span(self, uuid: str) -> Span | None:
        return next((s for s in self.spans if s.uuid == uuid), None)

    def suggestion(self, key: tuple) -> Suggestion | None:
        """An open suggestion by key, found by bisection (they are in text order)."""
        start, end, label = key
        i = bisect_left(self.suggestions, start, key=lambda g: g.start)
        while i < len(self.suggestions) and self.suggestions[i].start == start:
            g = self.suggestions[i]
            if g.end == end and g.label == label:
                return g
            i += 1
        return None

    def target_suggestion(self, after: int) -> Suggestion | None:
        """The first open suggestion starting at or after `after`, else the first of all."""
        if not self.suggestions:
            return None
        return next((s for s in self.suggestions if s.start >= after), self.suggestions[0])

    def next_suggestion(self, after: int) -> Suggestion | None:
        i = bisect_left(self.suggestions, after, key=lambda s: s.start)
        return self.suggestions[i] if i < len(self.suggestions) else None

    def event(self, uuid: str) -> Event | None:
        return next((e for e in self.events if e.uuid == uuid), None)

    def event_of(self, span: Span | str) -> Event | None:
        """The event whose trigger is SPAN (a span or its uuid), if it has one."""
        uid = span if isinstance(span, str) else span.uuid
        return next((e for e in self.events if e.trigger == uid), None)

    def events_naming(self, span: Span | str) -> list[Event]:
        """Events that have SPAN as trigger or argument."""
        uid = span if isinstance(span, str) else span.uuid
        return [e for e in self.events if uid in e.span_ids]

    def role_of(self, event: Event, span: Span) -> str | None:
        """The role SPAN fills in EVENT, or None."""
        return next((r for r, uid in event.args if uid == span.uuid), None)

    def role_for(self, event: Event, span: Span) -> EventRole | None:
        """The role of EVENT that a SPAN of its label would go into (see `EventType.role_for`)."""
        etype = self.scheme.event_type(event.label)
        return etype.role_for(span.label, event.args) if etype else None

    def event_suggestion(self, key: tuple) -> EventSuggestion | None:
        return next((g for g in self.event_suggestions if g.key == key), None)

    def in_boilerplate(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in self.store.boilerplate(self.article_id))

    # -- edits ---------------------------------------------------------------------------------

    def _edit(self, text: str, steps: list, count: int = 1, gone: Iterable[str] = ()) -> Edit:
        """An edit of STEPS, preceded by what they do to events: a trigger deleted (or
        relabelled out of its type) deletes its event, an argument deleted (or relabelled
        out of its role) is unlinked. All in the same transaction and undo step; the event
        steps go first so that undo restores the spans before it relinks them. GONE: uuids
        of spans a step deletes that is not a `RemoveSpan` (review's adjudication)."""
        cascade = self._event_cascade(steps, set(gone))
        return Edit(text, self.store, self.annotator, self.article_id, cascade + steps, count)

    def _event_cascade(self, steps: Sequence, gone: set[str]) -> list:
        if not self.events:
            return []
        relabelled: dict[str, str] = {}  # span uuid -> its new label
        handled = {
            step.uuid for step in steps if isinstance(step, edits.RemoveEvent | edits.UpdateEvent)
        }
        for step in steps:
            if isinstance(step, edits.RemoveSpan):
                gone.add(step.uuid)
            elif isinstance(step, edits.UpdateSpan) and step.after["label"] != step.before["label"]:
                relabelled[step.uuid] = step.after["label"]
        if not gone and not relabelled:
            return []
        out: list = []
        for ev in self.events:
            if ev.uuid in handled:
                continue
            etype = self.scheme.event_type(ev.label)
            trigger_label = relabelled.get(ev.trigger)
            if ev.trigger in gone or (
                trigger_label is not None and (etype is None or trigger_label != etype.trigger)
            ):
                out.append(edits.RemoveEvent(self.article_id, ev.uuid))
                continue
            kept = []
            for role, uid in ev.args:
                if uid in gone:
                    continue
                label = relabelled.get(uid)
                spec = etype.role(role) if etype else None
                if label is not None and (spec is None or not spec.fits(label)):
                    continue
                kept.append((role, uid))
            if len(kept) < len(ev.args):
                out.append(edits.UpdateEvent.of(ev, select=False, args=kept))
        return out

    def mark(self, start: int, end: int, label: str) -> Edit:
        """Mark [start, end) as `label`: the rule in `core.editing` says what it replaces,
        keeps or accepts. Your span already there: NothingToDo, selecting it."""
        if self.scheme.get(label) is None:
            raise InputError(f"unknown label {label!r}")
        plan = plan_mark(start, end, label, self.spans, self.suggestions, self.scheme)
        if plan.existing is not None:
            raise NothingToDo(select=plan.existing.uuid)
        steps: list = [edits.RemoveSpan(s.article_id, s.uuid) for s in plan.remove]
        if plan.accept is not None:
            steps.append(edits.AcceptSuggestions(self.article_id, [plan.accept], label, plan.attrs))
        elif plan.relabel is not None:
            steps.append(edits.UpdateSpan.of(plan.relabel, label=label, attrs=plan.attrs))
        else:
            steps.append(edits.AddSpan(self.article_id, start, end, label, plan.attrs))
        return self._edit(f"Mark {label}", steps)

    def relabel(self, span: Span, label: str) -> Edit:
        if span.label == label:
            raise NothingToDo()
        attrs = carry_attrs(span.attrs, span.label, label, self.scheme)
        return self._edit(f"Relabel {label}", [edits.UpdateSpan.of(span, label=label, attrs=attrs)])

    def remove(self, span: Span) -> Edit:
        return self._edit(f"Delete {span.label}", [edits.RemoveSpan(span.article_id, span.uuid)])

    def set_attrs(self, span: Span, attrs: dict[str, Any]) -> Edit:
        if attrs == span.attrs:
            raise NothingToDo()
        return self._edit("Edit attributes", [edits.UpdateSpan.of(span, attrs=attrs)])

    def accept(
        self, suggestions: Sequence[Suggestion], label: str | None = None, text: str | None = None
    ) -> Edit:
        """Accept suggestions (under another label: one write, then a relabel in the same
        transaction); your spans they overlap make way, unless the scheme allows it."""
        if not suggestions:
            raise NothingToDo("No open suggestions in this article")
        steps: list = []
        seen: set[str] = set()
        for sug in suggestions:
            steps += edits.make_way(self.spans, sug.start, sug.end, label or sug.label,
                                    self.scheme, seen)  # fmt: skip
        n = len(suggestions)
        steps.append(edits.AcceptSuggestions(self.article_id, list(suggestions), label=label))
        text = text or ("Accept suggestion" if n == 1 else f"Accept {n} suggestions")
        return self._edit(text, steps, count=n)

    def accept_all(self) -> Edit:
        """Every open suggestion that fits (`choose_accept_all`), as one edit."""
        chosen = choose_accept_all(self.suggestions, self.spans, self.scheme)
        if not chosen:
            raise NothingToDo(self.accept_all_message(0))
        n = len(chosen)
        return self._edit(
            f"Accept {n} suggestions",
            [edits.AcceptSuggestions(self.article_id, chosen)],
            count=n,
        )

    def accept_all_message(self, accepted: int) -> str:
        left = len(self.suggestions)
        return f"Accepted {accepted} suggestion(s)" + (
            f"; {left} overlap your spans and stay open" if left else ""
        )

    def reject(self, suggestion: Suggestion) -> Edit:
        return self._edit(
            "Reject suggestion", [edits.RejectSuggestions(self.article_id, [suggestion])]
        )

    def reject_in(self, start: int, end: int) -> Edit:
        """Reject every open suggestion that touches [start, end), as one edit."""
        chosen = [s for s in self.suggestions if s.start < end and start < s.end]
        if not chosen:
            raise NothingToDo("No open suggestions in the selection")
        return self._edit(
            f"Reject {len(chosen)} suggestion(s)",
            [edits.RejectSuggestions(self.article_id, chosen)],
            count=len(chosen),
        )

    def set_status(self, status: str) -> Edit:
        status = str(Status(status))
        return self._edit(
            f"Mark {status.replace('_', ' ')}",
            [edits.SetStatus(self.article_id, self.status(), status)],
        )

    def toggle_boilerplate(self, start: int, end: int) -> Edit:
        """Mark [start, end) as boilerplate, or unmark it when it lies in boilerplate already."""
        if start >= end:
            raise NothingToDo("Select the text to mark or unmark as boilerplate")
        inside = self.in_boilerplate(start, end)
        return self._edit(
            "Unmark boilerplate" if inside else "Mark boilerplate",
            [edits.EditBoilerplate(self.article_id, start, end, mark=not inside)],
        )

    def edit_header(self, title: str | None, published: str | None) -> Edit:
        """New title and publication date; the relative dates are resolved again against it."""
        before = (self.article.title, self.article.published)
        if (title, published) == before:
            raise NothingToDo()
        check_date(published)
        return self._edit(
            "Edit title and date", [edits.EditHeader(self.article_id, before, (title, published))]
        )

    # -- events --------------------------------------------------------------------------------

    def create_event(self, span: Span) -> Edit:
        """An event on a trigger span (an AGREEMENT); its event already there: NothingToDo,
        selecting it."""
        existing = self.event_of(span)
        if existing is not None:
            raise NothingToDo(select=existing.uuid)
        etype = self.scheme.event_for_trigger(span.label)
        if etype is None:
            triggers = ", ".join(e.trigger for e in self.scheme.events) or "none"
            raise NothingToDo(f"{span.label} spans carry no event (event triggers: {triggers})")
        step = edits.AddEvent(self.article_id, etype.name, span.uuid)
        return self._edit(f"New {etype.name} event", [step])

    def link(self, event: Event, span: Span, role: str | None = None) -> Edit:
        """Link SPAN into EVENT in ROLE (default: the role that fits its label and has room).
        A role that takes at most N spans and is full gives up its last one to SPAN."""
        if span.uuid in event.span_ids:
            raise NothingToDo(f"{self._quote(span)} is already in this event")
        etype = self.scheme.event_type(event.label)
        spec = (etype.role(role) if role else self.role_for(event, span)) if etype else None
        if spec is None or not spec.fits(span.label):
            where = f"role {role}" if role else f"any role of {event.label} events"
            raise NothingToDo(f"{span.label} spans do not fit {where}")
        args = list(event.args)
        if spec.max is not None and len(event.spans_in(spec.name)) >= spec.max:
            last = max(i for i, (r, _u) in enumerate(args) if r == spec.name)
            del args[last]
        args.append((spec.name, span.uuid))
        step = edits.UpdateEvent.of(event, args=args)
        return self._edit(f"Link {spec.name}", [step])

    def unlink(self, event: Event, span: Span) -> Edit:
        role = self.role_of(event, span)
        if role is None:
            raise NothingToDo(f"{self._quote(span)} is not an argument of this event")
        args = [(r, u) for r, u in event.args if u != span.uuid]
        return self._edit(f"Unlink {role}", [edits.UpdateEvent.of(event, args=args)])

    def toggle_link(self, event: Event, span: Span) -> Edit:
        """The one key: unlink SPAN if it is an argument of EVENT, else link it where it fits."""
        if self.role_of(event, span) is not None:
            return self.unlink(event, span)
        return self.link(event, span)

    def set_event_attrs(self, event: Event, attrs: dict[str, Any]) -> Edit:
        attrs = {k: v for k, v in attrs.items() if v not in (None, "")}
        if attrs == event.attrs:
            raise NothingToDo()
        for key, value in attrs.items():
            problem = self.scheme.event_attribute_problem(event.label, key, value)
            if problem:
                raise InputError(problem)
        return self._edit("Edit event attributes", [edits.UpdateEvent.of(event, attrs=attrs)])

    def set_event_status(self, event: Event, status: str | None) -> Edit:
        """The event's status (proposed … cancelled); None or "" clears it."""
        if (status or None) == event.attrs.get("status"):
            raise NothingToDo()
        edit = self.set_event_attrs(event, {**event.attrs, "status": status})
        edit.text = f"Status {status}" if status else "Clear status"
        return edit

    def delete_event(self, event: Event) -> Edit:
        """The event goes; its spans stay."""
        return self._edit(
            f"Delete {event.label} event", [edits.RemoveEvent(self.article_id, event.uuid)]
        )

    def accept_event_suggestion(self, suggestion: EventSuggestion) -> Edit:
        """The spans a suggested frame needs (yours where you have them at its offsets, its
        span suggestions accepted, else new spans) and the event, as one edit."""
        etype = self.scheme.event_type(suggestion.label)
        if etype is None:
            raise InputError(f"unknown event type {suggestion.label!r}")
        places: list[tuple[int, int, tuple[str, ...]]] = [(*suggestion.trigger, (etype.trigger,))]
        for role, start, end in suggestion.args:
            spec = etype.role(role)
            if spec is None:
                raise InputError(f"unknown role {role!r} for {etype.name} events")
            places.append((start, end, spec.labels))
        plan: list[tuple[str, Any]] = []
        steps: list = []
        seen: set[str] = set()
        for start, end, labels in places:
            have = next((s for s in self.spans if (s.start, s.end) == (start, end)
                         and s.label in labels), None)  # fmt: skip
            if have is not None:
                plan.append(("have", have.uuid))
                continue
            sug = next((g for g in self.suggestions if (g.start, g.end) == (start, end)
                        and g.label in labels), None)  # fmt: skip
            label = sug.label if sug is not None else labels[0]
            steps += edits.make_way(self.spans, start, end, label, self.scheme, seen)
            plan.append(("accept", sug) if sug is not None else ("add", (start, end, label)))
        if any(kind == "have" and uid in seen for kind, uid in plan):
            raise InputError("the suggested frame's spans overlap each other")
        existing = self.event_of(plan[0][1]) if plan[0][0] == "have" else None
        if existing is not None:
            raise NothingToDo(select=existing.uuid)
        steps.append(edits.AcceptEventSuggestion(self.article_id, suggestion, plan))
        return self._edit(f"Accept {etype.name} event", steps)

    def reject_event_suggestion(self, suggestion: EventSuggestion) -> Edit:
        step = edits.DecideEventSuggestion(self.article_id, suggestion, "reject")
        return self._edit("Reject suggested event", [step])

    def _quote(self, span: Span) -> str:
        text = self.text[span.start : span.end]
        return f"“{text[:40]}…”" if len(text) > 40 else f"“{text}”"
