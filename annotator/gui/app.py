"""Start the window: QApplication, project, annotator name; or render a screenshot."""

from __future__ import annotations

import argparse
import os
import sys


def run(args: argparse.Namespace) -> int:
    if getattr(args, "screenshot", None):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication, QListWidget, QMainWindow

    from annotator.core.project import open_project

    store = open_project(getattr(args, "db", None))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle(f"Annotator — {store.path.name}")
    listing = QListWidget()
    for row in store.list_articles(getattr(args, "annotator", None)):
        listing.addItem(f"{row.title or '(untitled)'}    {row.published or ''}")
    window.setCentralWidget(listing)
    window.resize(900, 600)
    if args.screenshot:
        window.show()
        app.processEvents()
        window.grab().save(args.screenshot)
        return 0
    window.show()
    return app.exec()
