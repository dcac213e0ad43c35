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
from annotator.core.model import Span, Status, Suggestion
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
    store, annotator: str, ids: Sequence[int], after: int | None = None
) -> int | None:
    """The first article in `ids` order (after `after`, wrapping round) not done or skipped."""
    open_ = set(store.list_article_ids(annotator, status=Status.TODO))
    open_ |= set(store.list_article_ids(annotator, status=Status.IN_PROGRESS))
    try:
        start = list(ids).index(after) + 1 if after is not None else 0
    except ValueError:
        start = 0
    ordered = list(ids)
    for aid in ordered[start:] + ordered[:start]:
        if aid in open_ and aid != after:
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
            return Refresh(full=True)
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
        return Refresh(False, touched, fresh, came)

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

    def in_boilerplate(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in self.store.boilerplate(self.article_id))

    # -- edits ---------------------------------------------------------------------------------

    def _edit(self, text: str, steps: list, count: int = 1) -> Edit:
        return Edit(text, self.store, self.annotator, self.article_id, steps, count)

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
