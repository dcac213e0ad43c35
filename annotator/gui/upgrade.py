"""Upgrading an older project file off the GUI thread, with a progress dialog and Cancel.

An older file's migrations (new tables, the search index, the list's indexes) take
seconds to minutes on a large project; run on the GUI thread they froze the window
with nothing shown. Here they run in a worker while a nested event loop keeps the
window drawn; the dialog is window-modal, so nothing else can be done meanwhile.
Cancel rolls the upgrade back whole (the file stays as it was) and the caller
treats it as a project that did not open.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QWidget

from annotator.core.errors import ProjectError
from annotator.core.store import Store, UpgradeCancelled
from annotator.gui.tasks import Job, run_with_progress


def upgrade_if_needed(parent: QWidget | None, path: str | Path) -> bool:
    """Upgrade the project at PATH if it is an older file; whether it was.

    Raises `UpgradeCancelled` when the user cancelled, `ProjectError` when the
    upgrade failed (the file is as it was in both cases)."""
    if not Store.upgrade_needed(path):
        return False
    name = Path(path).name

    def upgrade(job: Job) -> None:
        Store(path, create=False, cancelled=job.cancelled).close()

    outcome: dict[str, str] = {}
    loop = QEventLoop()

    def end(kind: str, message: str = "") -> None:
        outcome[kind] = message
        loop.quit()

    job = run_with_progress(
        parent,
        f"Upgrading {name} for this version of Annotator…",
        upgrade,
        on_done=lambda _r: end("done"),
        on_error=lambda message: end("error", message),
        on_cancelled=lambda message: end("cancelled", message),
    )
    del job  # its signals arrive queued, so only once the loop below runs
    loop.exec()
    if "cancelled" in outcome:
        raise UpgradeCancelled(f"{path}: upgrade cancelled; the file is as it was")
    if "error" in outcome:
        raise ProjectError(outcome["error"])
    return True
