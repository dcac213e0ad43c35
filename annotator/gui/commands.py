"""Undoable changes: small steps, each one call to the Store and back, grouped per user action.

Every change is written the moment it is made; undo writes the reverse
(a deleted span is a tombstone that redo restores). A user action is a `Group`
of steps stored in one transaction: all of them or none. The window stores a
group first and puts it on the undo stack only once it is stored, so the
stack holds only what is in the file; a group whose undo or redo cannot be
written leaves file and stack as they were and says so (`failure`). After the
transaction commits, the steps announce what they touched on the window's one
`changed` signal, and the views redraw just that.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from PySide6.QtGui import QUndoCommand

from annotator.core.errors import AnnotatorError
from annotator.core.model import Span, Suggestion
from annotator.core.store import is_busy


@dataclass(frozen=True)
class Change:
    """What a change touched: the views refresh only that.

    spans: uuids of spans added, edited, deleted or restored; None = reload them all.
    """

    article_id: int
    spans: tuple[str, ...] | None = None
    suggestions: bool = False
    status: bool = False


def suggestion_key(s: Suggestion) -> str:
    """A suggestion's key in the view and the side panel (suggestions have no uuid)."""
    return f"sug:{s.start}:{s.end}:{s.label}"


class WriteFailed(Exception):
    """A group could not be stored. `busy`: only because another program holds the write lock."""

    def __init__(self, message: str, busy: bool):
        super().__init__(message)
        self.busy = busy


class _Command:
    """One step: `redo` and `undo` each call the store; the Group runs them in one transaction."""

    def __init__(self, window, text: str):
        self._text = text
        self.w = window
        self.article_id = window.article_id
        self._notices: list[Change] = []

    def setText(self, text: str) -> None:  # noqa: N802 (the QUndoCommand name the window uses)
        self._text = text

    def text(self) -> str:
        return self._text

    def _done(
        self, spans: tuple[str, ...] = (), suggestions: bool = False, status: bool = False
    ) -> None:
        self._notices.append(Change(self.article_id, spans, suggestions, status))


class Group(QUndoCommand):
    """One user action on the undo stack: its steps, stored in one transaction."""

    def __init__(self, window, text: str, steps: list[_Command]):
        super().__init__(text)
        self.w = window
        self.steps = steps
        self.skip = False  # the next redo()/undo() call from the stack only moves its index
        self.failure: WriteFailed | None = None

    def store(self) -> None:
        """The first redo, before the group goes on the stack: raises WriteFailed, changing nothing."""
        self._run(forward=True)

    def redo(self) -> None:
        self._from_stack(forward=True)

    def undo(self) -> None:
        self._from_stack(forward=False)

    def _from_stack(self, forward: bool) -> None:
        if self.skip:
            self.skip = False
            return
        self.failure = None
        try:
            self._run(forward)
        except WriteFailed as exc:
            self.failure = exc  # the window puts the stack's index back: nothing was written
            self.w._stack_failure = self

    def _run(self, forward: bool) -> None:
        # a step keeps what its first run learnt (a new span's uuid): put it back if the
        # transaction is rolled back, so that a retry starts from the same place
        saved = [dict(vars(step)) for step in self.steps]
        for step in self.steps:
            if isinstance(step, _Command):
                step._notices = []
        store = self.w.store
        try:
            with store.transaction():
                for step in self.steps if forward else reversed(self.steps):
                    step.redo() if forward else step.undo()
        except (sqlite3.Error, OSError, AnnotatorError) as exc:
            for step, before in zip(self.steps, saved, strict=True):
                vars(step).clear()
                vars(step).update(before)
            # steps that announce their own changes (plain QUndoCommands) may have redrawn
            # what was rolled back: their articles are read again
            for aid in {step.article_id for step in self.steps if not isinstance(step, _Command)}:
                self.w.changed.emit(aid)
            busy = isinstance(exc, sqlite3.Error) and is_busy(exc)
            raise WriteFailed(str(exc), busy) from exc
        for step in self.steps if forward else reversed(self.steps):
            for change in getattr(step, "_notices", ()):
                self.w.changed.emit(change)


class AddSpan(_Command):
    def __init__(self, window, start: int, end: int, label: str, attrs: dict | None = None):
        super().__init__(window, f"Add {label}")
        self.args = (start, end, label, attrs or {})
        self.uuid: str | None = None

    def redo(self):
        store = self.w.store
        if self.uuid is None:
            start, end, label, attrs = self.args
            self.uuid = store.add_span(
                self.article_id, self.w.annotator, start, end, label, attrs
            ).uuid
        else:
            store.restore_span(self.uuid)
        self.w.selected_key = self.uuid
        self._done((self.uuid,))

    def undo(self):
        self.w.store.delete_span(self.uuid, by=self.w.annotator)
        self._done((self.uuid,))


class RemoveSpan(_Command):
    def __init__(self, window, span: Span):
        super().__init__(window, f"Delete {span.label}")
        self.uuid = span.uuid

    def redo(self):
        self.w.store.delete_span(self.uuid, by=self.w.annotator)
        if self.w.selected_key == self.uuid:
            self.w.selected_key = None
        self._done((self.uuid,))

    def undo(self):
        self.w.store.restore_span(self.uuid)
        self.w.selected_key = self.uuid
        self._done((self.uuid,))


class EditSpan(_Command):
    """Relabel or change attributes (or offsets) of a span."""

    def __init__(self, window, span: Span, text: str, **changes):
        super().__init__(window, text)
        self.uuid = span.uuid
        self.before = {
            "label": span.label,
            "start": span.start,
            "end": span.end,
            "attrs": span.attrs,
        }
        self.after = {**self.before, **changes}

    def redo(self):
        self.w.store.update_span(self.uuid, **self.after)
        self.w.selected_key = self.uuid
        self._done((self.uuid,))

    def undo(self):
        self.w.store.update_span(self.uuid, **self.before)
        self.w.selected_key = self.uuid
        self._done((self.uuid,))


class AcceptSuggestions(_Command):
    """Accept one suggestion (optionally as another label) or all of an article's."""

    def __init__(
        self,
        window,
        suggestions: list[Suggestion],
        label: str | None = None,
        attrs: dict | None = None,
    ):
        """`label`, `attrs`: the accepted span's label and attributes when they differ from
        the suggestion's (marking over a suggestion keeps the attributes that still apply)."""
        n = len(suggestions)
        super().__init__(window, "Accept suggestion" if n == 1 else f"Accept {n} suggestions")
        self.suggestions = suggestions
        self.label = label
        self.attrs = attrs
        self.uuids: list[str] = []

    def redo(self):
        store = self.w.store
        if not self.uuids:
            spans = store.accept_suggestions(self.w.annotator, self.suggestions)
            self.uuids = [s.uuid for s in spans]
            if self.label or self.attrs is not None:
                for uid, sug in zip(self.uuids, self.suggestions, strict=True):
                    label = self.label or sug.label
                    attrs = (
                        self.attrs
                        if self.attrs is not None
                        else ({} if label != sug.label else sug.attrs)
                    )
                    if label != sug.label or attrs != sug.attrs:
                        store.update_span(uid, label=label, attrs=attrs)
        else:
            for uid in self.uuids:
                store.restore_span(uid)
            store.accept_suggestions_decisions(self.w.annotator, self.suggestions)
        if len(self.uuids) == 1:
            self.w.selected_key = self.uuids[0]
        self._done(tuple(self.uuids), suggestions=True)

    def undo(self):
        for uid in self.uuids:
            self.w.store.delete_span(uid, by=self.w.annotator)
        for sug in self.suggestions:
            self.w.store.clear_decision(self.w.annotator, sug)
        if len(self.suggestions) == 1:
            self.w.selected_key = suggestion_key(self.suggestions[0])
        self._done(tuple(self.uuids), suggestions=True)


class RejectSuggestion(_Command):
    def __init__(self, window, suggestion: Suggestion):
        super().__init__(window, "Reject suggestion")
        self.suggestion = suggestion

    def redo(self):
        self.w.store.reject_suggestion(self.w.annotator, self.suggestion)
        self._done(suggestions=True)

    def undo(self):
        self.w.store.clear_decision(self.w.annotator, self.suggestion)
        self.w.selected_key = suggestion_key(self.suggestion)
        self._done(suggestions=True)


class SetStatus(_Command):
    def __init__(self, window, status: str):
        super().__init__(window, f"Mark {status.replace('_', ' ')}")
        self.before = window.store.status(window.article_id, window.annotator)
        self.after = status

    def redo(self):
        self.w.store.set_status(self.article_id, self.w.annotator, self.after)
        self._done(status=True)

    def undo(self):
        self.w.store.set_status(self.article_id, self.w.annotator, self.before)
        self._done(status=True)
