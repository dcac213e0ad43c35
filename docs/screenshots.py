"""Render the README's screenshots offscreen at 1366×768: light, dark, review mode, an event.

Run: QT_QPA_PLATFORM=offscreen python docs/screenshots.py [OUT_DIR]  (default: docs/)
Builds a throw-away project from the sample articles with two annotators'
work, pre-highlighted by the project's rules (and the model if installed).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from annotator.core.nlp import load_for_project, preannotate  # noqa: E402
from annotator.core.project import add_samples  # noqa: E402
from annotator.core.store import Store  # noqa: E402
from annotator.gui.main_window import MainWindow  # noqa: E402


def settle(app, seconds: float = 0.6) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def build(path: Path) -> tuple[Store, int]:
    store = Store(path)
    add_samples(store)
    pipeline = load_for_project(store)
    preannotate(store, pipeline)
    aid = store.article_ids()[0]
    text = store.article(aid).text
    sugs = store.suggestions(aid)
    # ana accepts most suggestions; ben some, one relabelled, and one boundary of his own
    store.accept_suggestions("ana", sugs[: max(1, len(sugs) * 2 // 3)])
    store.accept_suggestions("ben", sugs[: max(1, len(sugs) // 3)])
    for s in sugs[len(sugs) // 3 : len(sugs) // 3 + 2]:
        store.add_span(
            aid, "ben", s.start, s.end, "AGREEMENT" if s.label != "AGREEMENT" else "ACTOR"
        )
    k = text.find("Kabul")
    if k >= 0:
        store.add_span(aid, "ben", max(0, k - 4), k + 5, "ACTOR")
    for who in ("ana", "ben"):
        store.set_status(aid, who, "done")
    return store, aid


def event_article(store: Store) -> tuple[int, str] | None:
    """ana takes the fullest suggested frame of the samples: (article id, event uuid)."""
    from annotator.core.session import ArticleSession

    frames = [f for a in store.article_ids()[1:] for f in store.event_suggestions(a)]
    if not frames:
        return None
    best = max(frames, key=lambda f: (len({r for r, _s, _e in f.args}), len(f.args)))
    session = ArticleSession(store, best.article_id, "ana")
    session.accept_event_suggestion(best).apply()
    [event] = [e for e in store.events(best.article_id, "ana")]
    return best.article_id, event.uuid


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent)
    app = QApplication.instance() or QApplication([])
    tmp = Path(tempfile.mkdtemp(prefix="annotator-shots-"))
    store, aid = build(tmp / "demo.db")
    second = store.article_ids()[1]
    evented = event_article(store)
    shots = [("light", "screenshot.png"), ("dark", "dark.png"), ("light", "review.png")]
    if evented is not None:
        shots.append(("light", "events.png"))
    for theme, name in shots:
        settings = QSettings(str(tmp / f"{name}.ini"), QSettings.IniFormat)
        settings.setValue("theme", theme)
        w = MainWindow(store, settings, annotator="ana", nlp_loader=load_for_project)
        w.resize(1366, 768)
        w.show()
        w.show_article({"dark.png": second, "events.png": evented and evented[0]}.get(name, aid))
        settle(app, 1.5)
        if name == "events.png":
            w.select_key(evented[1])  # its links drawn as arcs, its row and status buttons shown
        elif name == "review.png":
            w.annotator = "lead"
            w.enter_review(["ana", "ben"])
            settle(app)
            groups = [g for g in w.review.open_groups() if g.kind in ("label", "boundary")]
            if groups:
                w.select_key(groups[0].key)
        else:
            keys = w.articles.ordered_keys()
            if keys:
                w.select_key(keys[min(2, len(keys) - 1)], scroll=False)
        settle(app)
        target = out / name
        if not w.grab().save(str(target)):
            raise SystemExit(f"cannot write {target}")
        print(f"wrote {target}")
        w.close()
        app.setStyleSheet("")
    store.close()


if __name__ == "__main__":
    main()
