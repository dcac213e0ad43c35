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
    prefs = QSettings(str(Path(tempfile.mkdtemp(prefix="annotator-shot-")) / "settings.ini"), QSettings.IniFormat)
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

    from annotator.core.errors import AnnotatorError
    from annotator.core.project import open_project
    from annotator.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setWindowIcon(app_icon())
    prefs = settings() if not screenshot else _screenshot_settings()
    db = getattr(args, "db", None)
    if not db and not screenshot:
        db = prefs.value("last_project", None) or None
        if db and not Path(db).exists():
            db = None
    try:
        store = open_project(db)
    except AnnotatorError as exc:
        if screenshot:
            raise
        from PySide6.QtWidgets import QMessageBox

        from annotator.gui.plain import message_box

        message_box(QMessageBox.Critical, APP_NAME, f"{exc}\n\nOpening your default project instead.").exec()
        store = open_project(None)
    window = MainWindow(
        store,
        prefs,
        annotator=getattr(args, "annotator", None),
        ask_name=not screenshot,
    )
    if screenshot:
        return _screenshot(app, window, screenshot, getattr(args, "article", None))
    window.show()
    return app.exec()


def _screenshot(app, window, out: str, article: int | None) -> int:
    """Render offscreen with the article and its highlights, write the PNG."""
    from annotator.core.errors import InputError

    window.resize(1366, 768)  # the README screenshots' size: a common laptop screen
    window.show()
    ids = window.list_model.ids
    if article is not None:
        if not 1 <= article <= len(ids):
            raise InputError(f"--article {article}: the project has {len(ids)} article(s)")
        window.show_article(ids[article - 1])
    # give the model a moment to load so the shot shows pre-highlighting
    deadline = time.monotonic() + 20
    while window.pipeline is None and window.pipeline_state == "loading…" and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    for _ in range(20):
        app.processEvents()
        time.sleep(0.02)
    keys = window._ordered_keys()
    if keys:
        window.select_key(keys[min(2, len(keys) - 1)], scroll=False)
    app.processEvents()
    if not window.grab().save(out):
        raise InputError(f"cannot write the screenshot to {out}")
    window.close()
    return 0
