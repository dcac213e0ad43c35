"""Small shared pieces of the window's dialogs: every one closes with Esc and has a Close button."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget


def close_buttons(dialog: QDialog) -> QDialogButtonBox:
    """A button box with Close that closes the dialog (Esc does too: QDialog rejects on it)."""
    buttons = QDialogButtonBox(QDialogButtonBox.Close)
    buttons.setObjectName("closeButtons")
    buttons.rejected.connect(dialog.reject)
    buttons.button(QDialogButtonBox.Close).setToolTip("Close this window (Esc)")
    return buttons


def tool_dialog(parent: QWidget, title: str, body: QWidget, name: str) -> QDialog:
    """A non-modal window around a widget, with a Close button, deleted when closed."""
    dialog = QDialog(parent)
    dialog.setObjectName(name)
    dialog.setWindowTitle(title)
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    layout = QVBoxLayout(dialog)
    layout.setContentsMargins(8, 8, 8, 8)
    layout.addWidget(body, 1)
    layout.addWidget(close_buttons(dialog))
    dialog.body = body
    return dialog
