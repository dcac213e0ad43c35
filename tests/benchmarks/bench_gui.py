"""GUI timings: open a 100,000-character article with 5,000 spans, key press to stored span,
start-up to a usable window. Targets: < 100 ms, < 5 ms, < 1 s.

Run: QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_gui.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))

from corpus import article  # noqa: E402
from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from annotator.core.model import ArticleIn, SpanIn  # noqa: E402
from annotator.core.store import Store  # noqa: E402
from annotator.gui.main_window import MainWindow  # noqa: E402


def main() -> None:
    import random

    app = QApplication.instance() or QApplication([])
    tmp = Path(tempfile.mkdtemp())
    store = Store(tmp / "bench.db")
    rng = random.Random(4)
    text = article(rng, 100_000)[:100_000]
    words = [i for i in range(1, len(text) - 12) if text[i - 1] == " " and text[i] != " "]
    starts = sorted(rng.sample(words, 5000))
    spans, last_end = [], -1
    for s in starts:
        e = text.find(" ", s)
        if s > last_end and e > s:
            spans.append(SpanIn(s, e, rng.choice(["ACTOR", "DATE", "AGREEMENT"])))
            last_end = e
    store.import_articles([ArticleIn(text=text, title="Big", spans=spans, annotator="ana")], None)
    small, _ = store.add_article("Kabul and Moscow agreed to exchange ambassadors last week.", title="Small")
    big = store.article_ids()[0]
    settings = QSettings(str(tmp / "s.ini"), QSettings.IniFormat)
    never = threading.Event()

    # start-up: construct, show, first paint (the model loads in the background)
    t0 = time.perf_counter()
    window = MainWindow(store, settings, annotator="ana", nlp_loader=lambda s: never.wait(60))
    window.show()
    app.processEvents()
    startup = time.perf_counter() - t0

    opens = []
    for _ in range(5):
        window.show_article(small)
        app.processEvents()
        t0 = time.perf_counter()
        window.show_article(big)
        app.processEvents()
        opens.append(time.perf_counter() - t0)

    window.show_article(small)
    app.processEvents()
    window.activateWindow()
    app.processEvents()
    keys = []
    text_small = window.article.text
    for word in ("Kabul", "Moscow", "ambassadors", "week"):
        start = text_small.index(word)
        window.view.select_range(start, start + len(word))
        before = len(store.spans(small, "ana"))
        t0 = time.perf_counter()
        QTest.keyClick(window.view, Qt.Key_1)
        keys.append(time.perf_counter() - t0)
        assert len(store.spans(small, "ana")) == before + 1, "key press did not store a span"

    never.set()
    print(f"spans in the big article: {len(spans)}, characters: {len(text):,}")
    print(f"start-up to usable window:      {startup * 1000:7.1f} ms  (target < 1000 ms)")
    print(f"open 100k chars / {len(spans)} spans: {statistics.median(opens) * 1000:7.1f} ms median "
          f"of {len(opens)} (target < 100 ms)")  # fmt: skip
    print(f"key press to span stored:       {statistics.median(keys) * 1000:7.2f} ms median "
          f"of {len(keys)} (target < 5 ms)")  # fmt: skip
    window.close()
    store.close()


if __name__ == "__main__":
    main()
