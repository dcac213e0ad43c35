"""Undoable changes: small QUndoCommands, each one call to the Store and back.

Every change is written the moment it is made; undo writes the reverse
(a deleted span is a tombstone that redo restores), so nothing is ever pending.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from annotator.core.model import Span, Suggestion


class _Command(QUndoCommand):
    def __init__(self, window, text: str):
        super().__init__(text)
        self.w = window
        self.article_id = window.article_id

    def _done(self) -> None:
        self.w.after_change(self.article_id)


class AddSpan(_Command):
    def __init__(self, window, start: int, end: int, label: str, attrs: dict | None = None):
        super().__init__(window, f"Add {label}")
        self.args = (start, end, label, attrs or {})
        self.uuid: str | None = None

    def redo(self):
        store = self.w.store
        if self.uuid is None:
            start, end, label, attrs = self.args
            self.uuid = store.add_span(self.article_id, self.w.annotator, start, end, label, attrs).uuid
        else:
            store.restore_span(self.uuid)
        self.w.selected_key = self.uuid
        self._done()

    def undo(self):
        self.w.store.delete_span(self.uuid, by=self.w.annotator)
        self._done()


class RemoveSpan(_Command):
    def __init__(self, window, span: Span):
        super().__init__(window, f"Delete {span.label}")
        self.uuid = span.uuid

    def redo(self):
        self.w.store.delete_span(self.uuid, by=self.w.annotator)
        self._done()

    def undo(self):
        self.w.store.restore_span(self.uuid)
        self.w.selected_key = self.uuid
        self._done()


class EditSpan(_Command):
    """Relabel or change attributes (or offsets) of a span."""

    def __init__(self, window, span: Span, text: str, **changes):
        super().__init__(window, text)
        self.uuid = span.uuid
        self.before = {"label": span.label, "start": span.start, "end": span.end, "attrs": span.attrs}
        self.after = {**self.before, **changes}

    def redo(self):
        self.w.store.update_span(self.uuid, **self.after)
        self.w.selected_key = self.uuid
        self._done()

    def undo(self):
        self.w.store.update_span(self.uuid, **self.before)
        self.w.selected_key = self.uuid
        self._done()


class AcceptSuggestions(_Command):
    def __init__(self, window, suggestions: list[Suggestion], label: str | None = None):
        n = len(suggestions)
        super().__init__(window, "Accept suggestion" if n == 1 else f"Accept {n} suggestions")
        self.suggestions = suggestions
        self.label = label
        self.uuids: list[str] = []

    def redo(self):
        store = self.w.store
        if not self.uuids:
            spans = store.accept_suggestions(self.w.annotator, self.suggestions)
            self.uuids = [s.uuid for s in spans]
            if self.label:
                for uid, sug in zip(self.uuids, self.suggestions, strict=True):
                    if sug.label != self.label:
                        store.update_span(uid, label=self.label, attrs={})
        else:
            for uid in self.uuids:
                store.restore_span(uid)
            store.accept_suggestions_decisions(self.w.annotator, self.suggestions)
        if len(self.uuids) == 1:
            self.w.selected_key = self.uuids[0]
        self._done()

    def undo(self):
        for uid in self.uuids:
            self.w.store.delete_span(uid, by=self.w.annotator)
        for sug in self.suggestions:
            self.w.store.clear_decision(self.w.annotator, sug)
        self._done()


class RejectSuggestion(_Command):
    def __init__(self, window, suggestion: Suggestion):
        super().__init__(window, "Reject suggestion")
        self.suggestion = suggestion

    def redo(self):
        self.w.store.reject_suggestion(self.w.annotator, self.suggestion)
        self._done()

    def undo(self):
        self.w.store.clear_decision(self.w.annotator, self.suggestion)
        self._done()


class SetStatus(_Command):
    def __init__(self, window, status: str):
        super().__init__(window, f"Mark {status.replace('_', ' ')}")
        self.before = window.store.status(window.article_id, window.annotator)
        self.after = status

    def redo(self):
        self.w.store.set_status(self.article_id, self.w.annotator, self.after)
        self._done()

    def undo(self):
        self.w.store.set_status(self.article_id, self.w.annotator, self.before)
        self._done()
