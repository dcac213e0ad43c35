"""Undoable edits of pre-highlighting context: boilerplate ranges, rejecting every suggestion
in a selection, an article's title and publication date — with the dialog for the last.

Each redo and undo is one Store call, one transaction; the window announces the
change on its `changed` signal like any other edit.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QWidget

from annotator.core.model import Suggestion
from annotator.gui.commands import Change


class EditBoilerplate(QUndoCommand):
    """Mark or unmark [start, end) as boilerplate (shared by every annotator of the article)."""

    def __init__(self, window, start: int, end: int, mark: bool):
        super().__init__("Mark boilerplate" if mark else "Unmark boilerplate")
        self.w, self.article_id = window, window.article_id
        self.args = (start, end, mark)
        self.changes: list[tuple[str, bool]] | None = None

    def redo(self):
        store = self.w.store
        if self.changes is None:
            start, end, mark = self.args
            self.changes = store.edit_boilerplate(
                self.article_id, start, end, self.w.annotator, mark
            )
        else:
            store.apply_boilerplate_changes(self.article_id, self.changes, self.w.annotator)
        self.w.changed.emit(Change(self.article_id, None, suggestions=True))

    def undo(self):
        inverse = [(uid, not live) for uid, live in self.changes or []]
        self.w.store.apply_boilerplate_changes(self.article_id, inverse, self.w.annotator)
        self.w.changed.emit(Change(self.article_id, None, suggestions=True))


class RejectSuggestions(QUndoCommand):
    """Reject several suggestions at once (all those in a selection): one transaction."""

    def __init__(self, window, suggestions: list[Suggestion]):
        super().__init__(f"Reject {len(suggestions)} suggestion(s)")
        self.w, self.article_id = window, window.article_id
        self.suggestions = suggestions

    def redo(self):
        self.w.store.reject_suggestions(self.w.annotator, self.suggestions)
        self.w.changed.emit(Change(self.article_id, (), suggestions=True))

    def undo(self):
        self.w.store.clear_decisions(self.w.annotator, self.suggestions)
        self.w.changed.emit(Change(self.article_id, (), suggestions=True))


class EditHeader(QUndoCommand):
    """Change title and publication date; the article's relative dates follow both ways."""

    def __init__(
        self, window, before: tuple[str | None, str | None], after: tuple[str | None, str | None]
    ):
        super().__init__("Edit title and date")
        self.w, self.article_id = window, window.article_id
        self.before, self.after = before, after

    def redo(self):
        self.w.store.edit_article_header(self.article_id, *self.after)
        self.w.header_changed(self.article_id)

    def undo(self):
        self.w.store.edit_article_header(self.article_id, *self.before)
        self.w.header_changed(self.article_id)


class HeaderDialog(QDialog):
    """Title and publication date (YYYY-MM-DD, or empty for none), as plain text."""

    def __init__(self, parent: QWidget | None, title: str | None, published: str | None):
        super().__init__(parent)
        self.setWindowTitle("Edit title and date")
        form = QFormLayout(self)
        self.title_edit = QLineEdit(title or "")
        self.date_edit = QLineEdit(published or "")
        self.date_edit.setPlaceholderText("YYYY-MM-DD")
        self.date_edit.setToolTip(
            'The publication date: relative dates ("last week") are resolved against it'
        )
        form.addRow("Title:", self.title_edit)
        form.addRow("Published:", self.date_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[str | None, str | None]:
        title = self.title_edit.text().strip() or None
        published = self.date_edit.text().strip() or None
        return title, published


def ask_header(
    parent, title: str | None, published: str | None
) -> tuple[str | None, str | None] | None:
    """The default way the window asks: a modal dialog. Tests put their own function in its place."""
    dialog = HeaderDialog(parent, title, published)
    return dialog.values() if dialog.exec() == QDialog.Accepted else None
