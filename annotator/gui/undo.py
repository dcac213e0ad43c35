"""The undo stack's one kind of command, and the one notification every view follows.

An `EditCommand` wraps one `core.edits.Edit` (one user action, one
transaction). It holds no window: only the edit and the `Changes` object it
announces what changed on. The writes controller stores a command first and
puts it on the stack only once stored, so the stack holds only what is in the
file; a command whose undo or redo cannot be written leaves file and stack as
they were and keeps the reason in `failure`.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand

from annotator.core.edits import Changed, Edit
from annotator.core.errors import AnnotatorError
from annotator.core.store import DatabaseError, is_busy


class Changes(QObject):
    """The one "this changed" notice: edits, undo, redo and finished background jobs send a
    `core.edits.Changed` here, and every view (text, side panel, list, counts) follows it."""

    changed = Signal(object)

    def emit(self, changed: Changed) -> None:
        self.changed.emit(changed)


class WriteFailed(Exception):
    """An edit could not be stored. `busy`: only because another program holds the write lock."""

    def __init__(self, message: str, busy: bool):
        super().__init__(message)
        self.busy = busy


class EditCommand(QUndoCommand):
    """One user action on the undo stack: its edit, applied and reverted in one transaction."""

    def __init__(self, edit: Edit, changes: Changes):
        super().__init__(edit.text)
        self.edit = edit
        self.changes = changes
        self.skip = False  # the next redo()/undo() call from the stack only moves its index
        self.failure: WriteFailed | None = None

    def store(self) -> None:
        """The first apply, before the command goes on the stack: raises WriteFailed, changing nothing."""
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
            self.failure = exc  # the writes controller puts the stack's index back

    def _run(self, forward: bool) -> None:
        try:
            changed = self.edit.apply() if forward else self.edit.revert()
        except (DatabaseError, OSError, AnnotatorError) as exc:
            busy = isinstance(exc, DatabaseError) and is_busy(exc)
            raise WriteFailed(str(exc), busy) from exc
        self.changes.emit(changed)  # after the commit: the views show what is stored
