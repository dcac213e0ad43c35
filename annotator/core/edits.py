"""Edits: what one user action writes, applied and reverted as one transaction.

An `Edit` is a list of small steps (add a span, accept suggestions, set a
status, …), each one or two calls to the Store's public methods and their
reverse. `Edit.apply()` and `Edit.revert()` run every step inside one
`store.transaction()`: all of it is stored or none of it, and a step keeps
what its first run learnt (a new span's uuid) only if the transaction
commits. Both return a `Changed`: what the views must read again. Edits know
nothing of Qt: the window wraps one in one undo command, the CLI applies one.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from annotator.core.model import GOLD, Event, EventSuggestion, Span, Suggestion
from annotator.core.span_rules import in_the_way


@dataclass(frozen=True)
class Changed:
    """What an edit (or a background job) changed: the views refresh only that.

    article_id: the article; None = anything in the project (an import, a merge).
    spans:      uuids of spans added, edited, deleted or restored; None = read them all again.
    suggestions: suggestions may have opened or settled.
    status:     the article's status changed (the list row and the counts follow).
    header:     title or publication date changed.
    select:     the key of the item the edit points at now (a span's uuid, a
                suggestion's key, a disagreement's key, an event's uuid), or None to
                keep the selection.
    events:     uuids of events added, edited, deleted or restored; None = read them all
                again (suggested frames included).
    """

    article_id: int | None
    spans: frozenset[str] | None = frozenset()
    suggestions: bool = False
    status: bool = False
    header: bool = False
    select: Hashable | None = None
    events: frozenset[str] | None = frozenset()

    @classmethod
    def everything(cls, article_id: int | None) -> Changed:
        return cls(article_id, None, suggestions=True, status=True, header=True, events=None)

    def __or__(self, other: Changed) -> Changed:
        spans = None if self.spans is None or other.spans is None else self.spans | other.spans
        return Changed(
            self.article_id if self.article_id == other.article_id else None,
            spans,
            self.suggestions or other.suggestions,
            self.status or other.status,
            self.header or other.header,
            other.select if other.select is not None else self.select,
            None if self.events is None or other.events is None else self.events | other.events,
        )


class Step(Protocol):
    """One part of an edit: `apply` and `revert` write through the store and say what changed."""

    def apply(self, store: Any, who: str) -> Changed: ...

    def revert(self, store: Any, who: str) -> Changed: ...


@dataclass
class Edit:
    """One user action: its steps, stored in one transaction, undone in one transaction."""

    text: str
    store: Any
    annotator: str
    article_id: int
    steps: list[Step] = field(default_factory=list)
    count: int = 1  # how many things it settles (suggestions accepted, groups adjudicated)

    def apply(self) -> Changed:
        return self._run(forward=True)

    def revert(self) -> Changed:
        return self._run(forward=False)

    def _run(self, forward: bool) -> Changed:
        # a step keeps what its first run learnt (a new span's uuid): put it back if the
        # transaction is rolled back, so that a retry starts from the same place
        saved = [dict(vars(step)) for step in self.steps]
        changed = Changed(self.article_id)
        try:
            with self.store.transaction():
                for step in self.steps if forward else reversed(self.steps):
                    done = (
                        step.apply(self.store, self.annotator)
                        if forward
                        else step.revert(self.store, self.annotator)
                    )
                    changed = changed | done
        except BaseException:
            for step, before in zip(self.steps, saved, strict=True):
                vars(step).clear()
                vars(step).update(before)
            raise
        return changed


# -- the steps -------------------------------------------------------------------------------


@dataclass
class AddSpan:
    article_id: int
    start: int
    end: int
    label: str
    attrs: dict[str, Any] = field(default_factory=dict)
    uuid: str | None = None
    origin: str = "manual"

    def apply(self, store, who) -> Changed:
        if self.uuid is None:
            s = store.add_span(self.article_id, who, self.start, self.end, self.label, self.attrs,
                               origin=self.origin)  # fmt: skip
            self.uuid = s.uuid
        else:
            store.restore_span(self.uuid)
        return Changed(self.article_id, frozenset({self.uuid}), select=self.uuid)

    def revert(self, store, who) -> Changed:
        store.delete_span(self.uuid, by=who)
        return Changed(self.article_id, frozenset({self.uuid}))


@dataclass
class RemoveSpan:
    article_id: int
    uuid: str

    def apply(self, store, who) -> Changed:
        store.delete_span(self.uuid, by=who)
        return Changed(self.article_id, frozenset({self.uuid}))

    def revert(self, store, who) -> Changed:
        store.restore_span(self.uuid)
        return Changed(self.article_id, frozenset({self.uuid}), select=self.uuid)


@dataclass
class UpdateSpan:
    """Relabel a span or change its attributes (or offsets); `before`/`after` are field values."""

    article_id: int
    uuid: str
    before: dict[str, Any]
    after: dict[str, Any]

    @classmethod
    def of(cls, span: Span, **changes: Any) -> UpdateSpan:
        before = {"label": span.label, "start": span.start, "end": span.end, "attrs": span.attrs}
        return cls(span.article_id, span.uuid, before, {**before, **changes})

    def apply(self, store, who) -> Changed:
        store.update_span(self.uuid, **self.after)
        return Changed(self.article_id, frozenset({self.uuid}), select=self.uuid)

    def revert(self, store, who) -> Changed:
        store.update_span(self.uuid, **self.before)
        return Changed(self.article_id, frozenset({self.uuid}), select=self.uuid)


@dataclass
class AcceptSuggestions:
    """Accept suggestions as spans, in one write; `label`/`attrs` when they differ from theirs.

    Accepting under another label is the same single write followed by a relabel in
    the same transaction, so the span never exists under the wrong label on disk.
    """

    article_id: int
    suggestions: list[Suggestion]
    label: str | None = None
    attrs: dict[str, Any] | None = None
    uuids: list[str] = field(default_factory=list)

    def apply(self, store, who) -> Changed:
        if not self.uuids:
            spans = store.accept_suggestions(who, self.suggestions)
            self.uuids = [s.uuid for s in spans]
            if self.label or self.attrs is not None:
                for uid, sug in zip(self.uuids, self.suggestions, strict=True):
                    label = self.label or sug.label
                    attrs = self.attrs if self.attrs is not None else (
                        {} if label != sug.label else sug.attrs
                    )  # fmt: skip
                    if label != sug.label or attrs != sug.attrs:
                        store.update_span(uid, label=label, attrs=attrs)
        else:
            for uid in self.uuids:
                store.restore_span(uid)
            store.accept_suggestions_decisions(who, self.suggestions)
        select = self.uuids[0] if len(self.uuids) == 1 else None
        return Changed(self.article_id, frozenset(self.uuids), suggestions=True, select=select)

    def revert(self, store, who) -> Changed:
        for uid in self.uuids:
            store.delete_span(uid, by=who)
        for sug in self.suggestions:
            store.clear_decision(who, sug)
        select = self.suggestions[0].key if len(self.suggestions) == 1 else None
        return Changed(self.article_id, frozenset(self.uuids), suggestions=True, select=select)


@dataclass
class RejectSuggestions:
    article_id: int
    suggestions: list[Suggestion]

    def apply(self, store, who) -> Changed:
        store.reject_suggestions(who, self.suggestions)
        return Changed(self.article_id, suggestions=True)

    def revert(self, store, who) -> Changed:
        store.clear_decisions(who, self.suggestions)
        select = self.suggestions[0].key if len(self.suggestions) == 1 else None
        return Changed(self.article_id, suggestions=True, select=select)


@dataclass
class SetStatus:
    article_id: int
    before: str
    after: str

    def apply(self, store, who) -> Changed:
        store.set_status(self.article_id, who, self.after)
        return Changed(self.article_id, status=True)

    def revert(self, store, who) -> Changed:
        store.set_status(self.article_id, who, self.before)
        return Changed(self.article_id, status=True)


@dataclass
class EditBoilerplate:
    """Mark or unmark [start, end) as boilerplate (shared by every annotator of the article)."""

    article_id: int
    start: int
    end: int
    mark: bool
    changes: list[tuple[str, bool]] | None = None

    def apply(self, store, who) -> Changed:
        if self.changes is None:
            self.changes = store.edit_boilerplate(
                self.article_id, self.start, self.end, who, self.mark
            )
        else:
            store.apply_boilerplate_changes(self.article_id, self.changes, who)
        return Changed(self.article_id, None, suggestions=True)

    def revert(self, store, who) -> Changed:
        inverse = [(uid, not live) for uid, live in self.changes or []]
        store.apply_boilerplate_changes(self.article_id, inverse, who)
        return Changed(self.article_id, None, suggestions=True)


@dataclass
class EditHeader:
    """Title and publication date; the article's relative dates follow both ways."""

    article_id: int
    before: tuple[str | None, str | None]
    after: tuple[str | None, str | None]

    def apply(self, store, who) -> Changed:
        store.edit_article_header(self.article_id, *self.after)
        return Changed(self.article_id, None, suggestions=True, header=True)

    def revert(self, store, who) -> Changed:
        store.edit_article_header(self.article_id, *self.before)
        return Changed(self.article_id, None, suggestions=True, header=True)


@dataclass
class Adjudicate:
    """Gold takes one annotator's version of a group of overlapping spans (review).

    The first run is `agreement.adjudicate` (the one rule for what gold keeps);
    it records which gold spans it removed and made, so that undo and redo are
    tombstones and restores, never new spans.
    """

    article_id: int
    start: int
    end: int
    group: Any  # an agreement.Disagreement
    choice: str
    reviewer: str
    removed: list[str] | None = None
    made: list[str] = field(default_factory=list)

    def apply(self, store, who) -> Changed:
        from annotator.core.agreement import adjudicate

        if self.removed is None:
            self.removed = [
                g.uuid
                for g in store.spans(self.article_id, GOLD)
                if g.start < self.end and self.start < g.end
            ]
            made = adjudicate(store, self.article_id, self.group, self.choice, self.reviewer)
            self.made = [s.uuid for s in made]
        else:
            for uid in self.removed:
                store.delete_span(uid, by=self.reviewer)
            for uid in self.made:
                store.restore_span(uid)
        return Changed(self.article_id, None, status=True)

    def revert(self, store, who) -> Changed:
        for uid in self.made:
            store.delete_span(uid, by=self.reviewer)
        for uid in self.removed or []:
            store.restore_span(uid)
        return Changed(self.article_id, None, status=True, select=self.group.key)


# -- event steps -----------------------------------------------------------------------------


def _events_changed(article_id: int, *uids: str, select: Hashable | None = None) -> Changed:
    return Changed(article_id, events=frozenset(uids), select=select)


def _uid(ref: str | AddSpan) -> str:
    """A span named by uuid, or by the step of the same edit that makes it."""
    return ref if isinstance(ref, str) else ref.uuid


@dataclass
class AddEvent:
    """A new event on a trigger span; redo restores the same event, not a new one.

    The trigger and argument spans are uuids, or `AddSpan` steps earlier in the same
    edit (review copying an annotator's spans into gold with their event)."""

    article_id: int
    label: str
    trigger: str | AddSpan
    args: list[tuple[str, str | AddSpan]] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)
    origin: str = "manual"
    uuid: str | None = None

    def apply(self, store, who) -> Changed:
        if self.uuid is None:
            args = [(role, _uid(ref)) for role, ref in self.args]
            ev = store.add_event(self.article_id, who, self.label, _uid(self.trigger), args,
                                 self.attrs, origin=self.origin)  # fmt: skip
            self.uuid = ev.uuid
        else:
            store.restore_event(self.uuid)
        return _events_changed(self.article_id, self.uuid, select=self.uuid)

    def revert(self, store, who) -> Changed:
        store.delete_event(self.uuid, by=who)
        return _events_changed(self.article_id, self.uuid, select=_uid(self.trigger))


@dataclass
class RemoveEvent:
    article_id: int
    uuid: str

    def apply(self, store, who) -> Changed:
        store.delete_event(self.uuid, by=who)
        return _events_changed(self.article_id, self.uuid)

    def revert(self, store, who) -> Changed:
        store.restore_event(self.uuid)
        return _events_changed(self.article_id, self.uuid, select=self.uuid)


@dataclass
class UpdateEvent:
    """New arguments or attributes of an event; `before`/`after` are {"args", "attrs"}."""

    article_id: int
    uuid: str
    before: dict[str, Any]
    after: dict[str, Any]
    select: bool = True  # a cascade (a span deleted) keeps the selection where it is

    @classmethod
    def of(cls, event: Event, select: bool = True, **changes: Any) -> UpdateEvent:
        before = {"args": list(event.args), "attrs": dict(event.attrs)}
        return cls(event.article_id, event.uuid, before, {**before, **changes}, select)

    def apply(self, store, who) -> Changed:
        store.update_event(self.uuid, **self.after)
        return _events_changed(
            self.article_id, self.uuid, select=self.uuid if self.select else None
        )

    def revert(self, store, who) -> Changed:
        store.update_event(self.uuid, **self.before)
        return _events_changed(
            self.article_id, self.uuid, select=self.uuid if self.select else None
        )


@dataclass
class AcceptEventSuggestion:
    """Accept a suggested frame: the spans it needs and the event, in one transaction.

    `spans` is the plan made by the session, one entry per place the frame names
    (trigger first): ("have", uuid) an existing span of the annotator's, ("accept",
    Suggestion) a span suggestion to accept, ("add", (start, end, label)) a new span.
    The first run records the uuids it made, so that redo restores them.
    """

    article_id: int
    suggestion: EventSuggestion
    spans: list[tuple[str, Any]]
    made: list[str] = field(default_factory=list)  # span uuids made by the first run
    accepted: list[Suggestion] = field(default_factory=list)
    uuid: str | None = None  # the event's

    def apply(self, store, who) -> Changed:
        if self.uuid is None:
            uids = []
            for kind, what in self.spans:
                if kind == "have":
                    uids.append(what)
                    continue
                if kind == "accept":
                    [span] = store.accept_suggestions(who, [what])
                    self.accepted.append(what)
                else:
                    span = store.add_span(
                        self.article_id, who, *what, origin=_origin(self.suggestion)
                    )
                uids.append(span.uuid)
                self.made.append(span.uuid)
            roles = [role for role, _s, _e in self.suggestion.args]
            ev = store.add_event(self.article_id, who, self.suggestion.label, uids[0],
                                 list(zip(roles, uids[1:], strict=True)), self.suggestion.attrs,
                                 origin=_origin(self.suggestion))  # fmt: skip
            self.uuid = ev.uuid
        else:
            for uid in self.made:
                store.restore_span(uid)
            store.accept_suggestions_decisions(who, self.accepted)
            store.restore_event(self.uuid)
        store.decide_event_suggestion(who, self.suggestion, "accept")
        return Changed(self.article_id, frozenset(self.made), suggestions=True,
                       events=frozenset({self.uuid}), select=self.uuid)  # fmt: skip

    def revert(self, store, who) -> Changed:
        store.decide_event_suggestion(who, self.suggestion, None)
        store.delete_event(self.uuid, by=who)
        for uid in self.made:
            store.delete_span(uid, by=who)
        for sug in self.accepted:
            store.clear_decision(who, sug)
        return Changed(self.article_id, frozenset(self.made), suggestions=True,
                       events=frozenset({self.uuid}), select=self.suggestion.key)  # fmt: skip


def _origin(s: EventSuggestion) -> str:
    return f"model:{s.model}@{s.model_version}" if s.model else "model"


@dataclass
class DecideEventSuggestion:
    """Reject a suggested frame (undo opens it again)."""

    article_id: int
    suggestion: EventSuggestion
    decision: str = "reject"

    def apply(self, store, who) -> Changed:
        store.decide_event_suggestion(who, self.suggestion, self.decision)
        return Changed(self.article_id, suggestions=True, events=frozenset())

    def revert(self, store, who) -> Changed:
        store.decide_event_suggestion(who, self.suggestion, None)
        return Changed(self.article_id, suggestions=True, select=self.suggestion.key)


def make_way(
    spans: Iterable[Span], start: int, end: int, label: str, scheme, seen: set[str] | None = None
) -> list[RemoveSpan]:
    """Spans never overlap unless the scheme allows it: the overlapping ones make way."""
    seen = set() if seen is None else seen
    out = []
    for s in in_the_way(spans, start, end, label, scheme):
        if s.uuid not in seen:
            seen.add(s.uuid)
            out.append(RemoveSpan(s.article_id, s.uuid))
    return out
