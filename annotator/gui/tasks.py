"""Run work off the GUI thread: progress, cancel, and the result or error back by signal.

The one helper every long job uses (Anki's taskman, in small). A task's
function receives a `Job` to report progress and ask whether it was cancelled;
it must not touch widgets, and opens its own Store, since SQLite connections
belong to one thread.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from annotator.gui.plain import label as plain_label
from annotator.gui.plain import neutral


class Job(QObject):
    progressed = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, title: str = ""):
        super().__init__()
        self.title = title
        self._cancel = threading.Event()
        self.done = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def progress(self, value: int, total: int, text: str = "") -> None:
        self.progressed.emit(value, total, text)


class _Runnable(QRunnable):
    def __init__(self, job: Job, fn: Callable[[Job], Any]):
        super().__init__()
        self.job, self.fn = job, fn
        self.setAutoDelete(True)

    def run(self) -> None:
        done = self.job.done
        try:
            try:
                result = self.fn(self.job)
            except Exception as exc:  # delivered to the GUI as a message, never lost
                message = str(exc) or type(exc).__name__
                # our own errors and a missing optional package are messages; anything else is a bug
                if not getattr(exc, "exit_code", None) and not isinstance(exc, ImportError):
                    traceback.print_exc()
                self.job.failed.emit(message)
            else:
                self.job.finished.emit(result)
        except RuntimeError:
            pass  # the window that asked has gone away; its work is stored already
        finally:
            done.set()


_jobs: set[Job] = set()  # keep Python wrappers alive until the job ends
_model_pool: QThreadPool | None = None


def model_pool() -> QThreadPool:
    """One thread for everything that runs the spaCy pipeline: it is not made for two at once."""
    global _model_pool
    if _model_pool is None:
        _model_pool = QThreadPool()
        _model_pool.setMaxThreadCount(1)
    return _model_pool


def run_in_background(
    fn: Callable[[Job], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[str], None] | None = None,
    title: str = "",
    pool: QThreadPool | None = None,
) -> Job:
    job = Job(title)
    _jobs.add(job)
    if on_done:
        job.finished.connect(on_done, Qt.QueuedConnection)
    if on_error:
        job.failed.connect(on_error, Qt.QueuedConnection)
    job.finished.connect(lambda _r: _jobs.discard(job), Qt.QueuedConnection)
    job.failed.connect(lambda _m: _jobs.discard(job), Qt.QueuedConnection)
    (pool or QThreadPool.globalInstance()).start(_Runnable(job, fn))
    return job


def run_with_progress(
    parent: QWidget,
    title: str,
    fn: Callable[[Job], Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[str], None] | None = None,
    pool: QThreadPool | None = None,
    on_cancelled: Callable[[str], None] | None = None,
) -> Job:
    """A background job with a progress dialog whose Cancel button cancels it.

    A job that stops with an error because it was cancelled goes to `on_cancelled`
    (a line in the status bar, say) rather than to `on_error` (a dialog).
    """
    dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
    dialog.setLabel(plain_label(title))  # the label shows file names: never rich text
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    def finish(callback, value):
        # QProgressDialog's closeEvent emits `canceled`: unhook it first, or every job
        # that ends would look cancelled to the code that reports it
        try:
            dialog.canceled.disconnect(job.cancel)
        except (RuntimeError, TypeError):
            pass
        dialog.close()
        dialog.deleteLater()
        if callback:
            callback(value)

    job = run_in_background(
        fn,
        on_done=lambda r: finish(on_done, r),
        on_error=lambda m: finish(
            on_cancelled if on_cancelled and job.cancelled() else on_error, m
        ),
        title=title,
        pool=pool,
    )
    dialog.canceled.connect(job.cancel)

    def show_progress(value: int, total: int, text: str) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(value, max(total, 1)))
        if text:
            dialog.setLabelText(neutral(f"{title}\n{text}"))

    job.progressed.connect(show_progress, Qt.QueuedConnection)
    job.dialog = dialog
    return job
