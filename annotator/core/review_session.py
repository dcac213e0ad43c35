"""Review and adjudication as an editing session: gold's spans, the groups of disagreement,
and the edits that settle them — undoable like any other edit.

`ReviewSession(store, article_id, annotators, reviewer)` is an `ArticleSession`
whose annotator is gold (label keys and Delete edit gold) and which adds
`take(group, index)` (gold takes annotator N's version) and `accept_agreed()`
(every group all annotators agree on). Each is one `Edit`, one transaction.
Also the one check of which annotators and label may be compared, used by the
CLI's `agreement` and by the window's review mode.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from annotator.core import edits
from annotator.core.agreement import Disagreement, disagreement_counts, disagreements
from annotator.core.edits import Changed, Edit
from annotator.core.errors import InputError
from annotator.core.model import GOLD, Status
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


def review_counts(store, article_ids: Sequence[int], annotators: Sequence[str]) -> dict[int, int]:
    """Open disagreements per article, for the article list."""
    return disagreement_counts(store, article_ids, annotators)


class ReviewSession(ArticleSession):
    """Gold's spans of one article and the groups where the compared annotators differ."""

    reviewing = True

    def __init__(self, store, article_id: int, annotators: Sequence[str], reviewer: str):
        self.compared = list(annotators)
        self.reviewer = reviewer
        self.groups: list[Disagreement] = []
        super().__init__(store, article_id, GOLD)

    def load(self) -> None:
        self.spans = self.store.spans(self.article_id, GOLD)
        self.suggestions = []  # review shows the annotators' versions, not a model's
        self.boilerplate = self.store.boilerplate(self.article_id)
        self.groups = disagreements(self.store, self.article_id, self.compared)

    def show_suggestions(self, suggestions, reset: bool = True) -> None:
        return None

    def refresh(self, changed: Changed) -> Refresh:
        # any gold edit may settle or reopen a group: groups are few, read them again
        if changed.header:
            self.article = self.store.article(self.article_id)
        self.load()
        return Refresh(full=True)

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
        return Edit(f"Take {name}'s version", self.store, GOLD, self.article_id, [step])

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
        return Edit("Accept all agreed", self.store, GOLD, self.article_id, steps, len(agreed))
