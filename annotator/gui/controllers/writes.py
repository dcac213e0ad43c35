"""Storing edits: one undo step per user action, a busy file waited for off the key path.

`WritesController.push(edit)` stores an edit and only then puts it on the undo
stack. If another program holds the write lock, the edit waits (retried by a
timer, shown in the status bar) and is stored when the lock frees, or the user
is told it was not; any other failure is a dialog naming the file. Undo and
redo that cannot be written leave the stack and the file as they were.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication

from annotator.core.edits import Changed, Edit
from annotator.gui.undo import Changes, EditCommand, WriteFailed

GUI_BUSY_TIMEOUT = 0.15  # seconds a key press may wait for another program's write lock
RETRY_INTERVAL_MS = 250  # then the edit waits off the key path, retried this often
WRITE_WAIT_LIMIT = 120.0  # seconds before the user is told the edit was not stored


class WritesController(QObject):
    def __init__(
        self,
        parent,
        changes: Changes,
        store: Callable[[], object],
        say: Callable[..., None],
        report_error: Callable[[str], None],
    ):
        """`store`: the open project's Store (it changes when another is opened);
        `say(message, ms=0)`: the status bar; `report_error`: a dialog."""
        super().__init__(parent)
        self.changes = changes
        self._store = store
        self.say = say
        self.report_error = report_error
        self.stack = QUndoStack(self)
        self.pending: EditCommand | None = None
        self._pending_since = 0.0
        self.wait_limit = WRITE_WAIT_LIMIT
        self.edited = False  # since the last backup
        self._retry = QTimer(self)
        self._retry.setInterval(RETRY_INTERVAL_MS)
        self._retry.timeout.connect(self._retry_pending)

    @property
    def store(self):
        return self._store()

    def push(self, edit: Edit, wait: bool = True) -> bool:
        """Store one user action and make it one undo step; False if not (yet) stored.

        `wait=False` (adjudication): a busy file refuses the edit and says so, rather
        than keeping it to store later."""
        if self.refuse_while_pending(edit.text):
            return False
        command = EditCommand(edit, self.changes)
        try:
            command.store()
        except WriteFailed as exc:
            if not exc.busy or not wait:
                if not wait:
                    self.changes.emit(Changed.everything(edit.article_id))  # redraw what is stored
                if exc.busy:
                    self.say_locked(f"“{edit.text}”")
                else:
                    self._write_failed(edit.text, str(exc))
                return False
            self.pending, self._pending_since = command, time.monotonic()
            self._show_waiting()
            self._retry.start()
            return False
        self._stored(command)
        return True

    def _stored(self, command: EditCommand) -> None:
        command.skip = True  # push() calls redo(): it is stored already
        self.stack.push(command)
        self.edited = True

    def refuse_while_pending(self, what: str) -> bool:
        if self.pending is None:
            return False
        QApplication.beep()
        self.say(f"“{what}” not done: still waiting to store “{self.pending.text()}” in "
                 f"{self.store.path.name} (locked by another program)…", 5000)  # fmt: skip
        return True

    def _show_waiting(self) -> None:
        waited = int(time.monotonic() - self._pending_since)
        self.say(f"Waiting for {self.store.path.name} (locked by another program)… "
                 f"“{self.pending.text()}” is kept and stored when it is free"
                 + (f" ({waited} s)" if waited else ""))  # fmt: skip

    def _retry_pending(self) -> None:
        command = self.pending
        if command is None:
            self._retry.stop()
            return
        try:
            command.store()
        except WriteFailed as exc:
            if exc.busy and time.monotonic() - self._pending_since < self.wait_limit:
                self._show_waiting()
                return
            self.pending = None
            self._retry.stop()
            self.say("")
            reason = (f"{self.store.path} stayed locked by another program for "
                      f"{int(time.monotonic() - self._pending_since)} s" if exc.busy else str(exc))  # fmt: skip
            self._write_failed(command.text(), reason)
            return
        self.pending = None
        self._retry.stop()
        self._stored(command)
        self.say(f"Stored “{command.text()}”: {self.store.path.name} is free again", 5000)

    def flush(self) -> str | None:
        """At close: a last, longer try for the edit still waiting; the reason if it fails."""
        if self.pending is None:
            return None
        self._retry.stop()
        command, self.pending = self.pending, None
        self.store.set_busy_timeout(5.0)
        try:
            command.store()
        except WriteFailed as exc:
            return (f"Your change “{command.text()}” could not be saved to {self.store.path} "
                    f"before closing: {exc}. It was not made.")  # fmt: skip
        finally:
            self.store.set_busy_timeout(GUI_BUSY_TIMEOUT)
        return None

    def say_locked(self, what: str) -> None:
        QApplication.beep()
        self.say(f"{what} not done: {self.store.path.name} is locked by another program; "
                 "nothing changed, try again in a moment", 8000)  # fmt: skip

    def _write_failed(self, what: str, reason: str) -> None:
        self.report_error(
            f"Your change “{what}” could not be saved to {self.store.path}:\n{reason}\n\n"
            "It was not made: the project is as it was before it."
        )

    def undo(self) -> None:
        self._step(forward=False)

    def redo(self) -> None:
        self._step(forward=True)

    def _step(self, forward: bool) -> None:
        """Undo or redo; if it cannot be written, the stack and the file stay as they were."""
        what = "Redo" if forward else "Undo"
        if self.refuse_while_pending(what):
            return
        index = self.stack.index() if forward else self.stack.index() - 1
        command = self.stack.command(index) if 0 <= index < self.stack.count() else None
        if command is None:
            return
        text = command.text()
        (self.stack.redo if forward else self.stack.undo)()
        if command.failure is None:
            self.edited = True
            return
        failure, command.failure = command.failure, None
        command.skip = True  # move the index back without writing
        (self.stack.undo if forward else self.stack.redo)()
        if failure.busy:
            self.say_locked(f"{what} of “{text}”")
        else:
            self._write_failed(f"{what} {text}", str(failure))
