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


def open_failure_box(parent, message: str, at_start: bool):
    """The dialog after a project failed to open: open another, new project, keep the current one, quit."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Warning, "Annotator", message, QMessageBox.NoButton, parent)
    box.setTextFormat(Qt.PlainText)  # the message quotes a file name and SQLite's words
    buttons = {
        "open": box.addButton("Open another…", QMessageBox.AcceptRole),
        "new": box.addButton("New project…", QMessageBox.AcceptRole),
    }
    if not at_start:
        buttons["keep"] = box.addButton("Keep the current project", QMessageBox.RejectRole)
    buttons["quit"] = box.addButton("Quit", QMessageBox.DestructiveRole)
    box.setDefaultButton(buttons["keep" if not at_start else "open"])
    # Esc closes it as every dialog does
    box.setEscapeButton(buttons["keep" if not at_start else "quit"])
    return box, buttons


def ask_after_open_failure(parent, message: str, at_start: bool) -> str:
    """Ask (blocking: at start, before any window) what to do: "open", "new", "keep" or "quit"."""
    box, buttons = open_failure_box(parent, message, at_start)
    box.exec()
    clicked = box.clickedButton()
    return next((k for k, b in buttons.items() if b is clicked), "keep" if not at_start else "quit")


def pick_project_file(parent, kind: str) -> str | None:
    """A file dialog for File › Open ("open") or File › New ("new"); None if cancelled."""
    from pathlib import Path

    from PySide6.QtWidgets import QFileDialog

    if kind == "new":
        path, _ = QFileDialog.getSaveFileName(
            parent, "New project", str(Path.home()), "Annotator project (*.db)"
        )
        if path and not path.endswith(".db"):
            path += ".db"
    else:
        path, _ = QFileDialog.getOpenFileName(
            parent, "Open project", str(Path.home()), "Annotator project (*.db);;All files (*)"
        )
    return path or None
