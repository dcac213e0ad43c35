"""Keys that belong to a text field while it has focus.

The workspace binds bare keys (Enter accepts a suggestion, 1/2/3 mark, A, X,
N, P) as window shortcuts. Qt already leaves printable keys to a focused line
edit, but not Enter: without this, Enter in the search box or in an attribute
field would accept a suggestion instead of searching or finishing the edit.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QWidget

_FIELD_KEYS = {Qt.Key_Return, Qt.Key_Enter}


class _TypingKeys(QObject):
    def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
        if (
            event.type() == QEvent.ShortcutOverride
            and event.key() in _FIELD_KEYS
            and not event.modifiers() & (Qt.ControlModifier | Qt.AltModifier | Qt.MetaModifier)
        ):
            event.accept()  # the field takes the key: no window shortcut fires
            return True
        return False


def keep_typing_keys(widget: QWidget) -> None:
    """Let a text field keep Enter while it has focus."""
    keeper = _TypingKeys(widget)
    widget.installEventFilter(keeper)
