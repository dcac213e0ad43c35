"""Start the window: QApplication, settings, project, annotator name; or render a screenshot."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from annotator.core.paths import APP_NAME


def settings():
    from PySide6.QtCore import QSettings

    return QSettings(APP_NAME, APP_NAME)


def app_icon():
    from PySide6.QtGui import QIcon

    from annotator.core.paths import resources_dir

    icon = QIcon()
    for png in sorted((resources_dir() / "icons").glob("*.png")):
        icon.addFile(str(png))
    return icon


def _screenshot_settings():
    """A screenshot run draws with the user's theme and name but writes none of their preferences."""
    import tempfile

    from PySide6.QtCore import QSettings

    user = settings()
    prefs = QSettings(
        str(Path(tempfile.mkdtemp(prefix="annotator-shot-")) / "settings.ini"), QSettings.IniFormat
    )
    for key in ("theme", "annotator"):
        if user.contains(key):
            prefs.setValue(key, user.value(key))
    return prefs


def run(args: argparse.Namespace) -> int:
    screenshot = getattr(args, "screenshot", None)
    if screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from annotator.gui.system_libs import check

    missing = check()
    if missing:  # one line and exit 2, not Qt's abort with a core dump
        print(missing, file=sys.stderr)
        return 2
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setWindowIcon(app_icon())
    prefs = settings() if not screenshot else _screenshot_settings()
    window = start_window(
        prefs,
        getattr(args, "db", None),
        annotator=getattr(args, "annotator", None),
        ask_name=not screenshot,
        screenshot=bool(screenshot),
    )
    if window is None:
        return 0  # the user chose Quit after a project failed to open
    if screenshot:
        return _screenshot(app, window, screenshot, getattr(args, "article", None))
    window.show()
    return app.exec()


def start_window(
    prefs, db: str | None, *, annotator=None, ask_name=True, screenshot=False, ask=None, pick=None
):
    """The window on the first project that opens, or None if the user chose to quit.

    A project that cannot be opened (damaged, foreign, newer, not permitted) is
    forgotten as the last project and a dialog asks: open another, a new one, or quit.
    `ask(message, at_start) -> "open"|"new"|"quit"` and `pick(kind) -> path|None`
    replace the dialogs in tests.
    """
    from annotator.core.errors import AnnotatorError, ProjectError
    from annotator.core.project import default_project_path, open_project
    from annotator.core.store import DatabaseError
    from annotator.gui.main_window import MainWindow, ask_after_open_failure, pick_project_file
    from annotator.gui.upgrade import upgrade_if_needed

    ask = ask or (lambda message, at_start: ask_after_open_failure(None, message, at_start))
    pick = pick or (lambda kind: pick_project_file(None, kind))
    if not db and not screenshot:
        db = prefs.value("last_project", None) or None
        if db and not Path(db).exists():
            db = None
    while True:
        store = None
        try:
            upgrade_if_needed(None, db or default_project_path())  # off this thread, Cancel
            store = open_project(db)
            return MainWindow(store, prefs, annotator=annotator, ask_name=ask_name)
        except (AnnotatorError, DatabaseError, OSError) as exc:
            if store is not None:
                store.close()
            message = (
                str(exc)
                if isinstance(exc, AnnotatorError)
                else f"{db or 'your default project'}: cannot open ({exc})"
            )
            if screenshot:  # no one to ask: one line and exit 2
                raise ProjectError(message) from None
        if db:
            gone = str(Path(db).resolve())
            if prefs.value("last_project", None) == gone:
                prefs.remove("last_project")
            recent = [str(p) for p in prefs.value("recent_projects", [], type=list) or []]
            prefs.setValue("recent_projects", [p for p in recent if p != gone])
        choice = ask(message, True)
        if choice not in ("open", "new"):
            return None
        db = pick(choice) or db


def _screenshot(app, window, out: str, article: int | None) -> int:
    """Render offscreen with the article and its highlights, write the PNG."""
    from annotator.core.errors import InputError
    from annotator.gui.controllers.jobs import ModelState

    window.resize(1366, 768)  # the README screenshots' size: a common laptop screen
    window.show()
    ids = window.list_model.ids
    if article is not None:
        if not 1 <= article <= len(ids):
            raise InputError(f"--article {article}: the project has {len(ids)} article(s)")
        window.show_article(ids[article - 1])
    # give the model a moment to load so the shot shows pre-highlighting
    deadline = time.monotonic() + 20
    while (
        window.pipeline is None
        and window.jobs.state == ModelState.LOADING
        and time.monotonic() < deadline
    ):
        app.processEvents()
        time.sleep(0.02)
    from annotator.gui.tasks import model_pool

    # and the article on screen its suggestions (a model job)
    while model_pool().activeThreadCount() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    for _ in range(20):
        app.processEvents()
        time.sleep(0.02)
    keys = window.articles.ordered_keys()
    if keys:
        window.select_key(keys[min(2, len(keys) - 1)], scroll=False)
    app.processEvents()
    if not window.grab().save(out):
        raise InputError(f"cannot write the screenshot to {out}")
    window.close()
    # a model job still running must end before the interpreter does: exiting under a
    # thread inside spaCy's C code crashes
    model_pool().waitForDone(120_000)
    return 0
