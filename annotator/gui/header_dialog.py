"""The dialog for an article's title and publication date (Article › Edit title and date).

The edit itself is the session's (`ArticleSession.edit_header`): one transaction,
undoable, the relative dates resolved again against the new date.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QWidget


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
