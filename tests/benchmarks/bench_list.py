"""The article list of a large project (#17): open to usable, sorted by each column, the
end of the list, against plain queries in the same run, on a project of N articles:

- the upgrade that adds the sort indexes (migration m010), once, when the project predates it;
- the window opened to usable (built, shown, the first rows drawn), against reading every id
  (what the list did before #17);
- the first and the last page sorted by title, date, status and span count (keyset pages over
  the m010 indexes), against the same ORDER BY without an index (`NOT INDEXED`: a sort of
  every row), and the row of an article in the sorted list.

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_list.py [N ...]   (default 100000)

Statuses and spans of an annotator "bench-list" are added to the project once (1% done,
0.5% skipped, 0.5% in progress; spans on 1,000 articles) so that those sorts have work.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))
from bench_search import CPU, ms, project, timed  # noqa: E402
from scale import load  # noqa: E402

from annotator.core.store import Store  # noqa: E402
from annotator.core.store.schema import migrations  # noqa: E402

WHO = "bench-list"
PLAIN_KEY = {
    "title": "a.title COLLATE NOCASE",
    "published": "a.published",
    "status": "COALESCE((SELECT st.status FROM status st WHERE st.article_id = a.id"
    " AND st.annotator = :ann), 'todo')",
    "spans": "(SELECT count(*) FROM spans s WHERE s.article_id = a.id AND s.annotator = :ann"
    " AND s.deleted_at IS NULL)",
}


def upgrade(db: Path) -> None:
    import sqlite_utils

    with sqlite_utils.Database(db) as raw:
        pending = [m.name for m in migrations.pending(raw)]
    if pending:
        t0 = time.perf_counter()
        Store(db).close()
        print(f"  upgrade {', '.join(pending)}: {time.perf_counter() - t0:.1f} s (once)")


def seed(db: Path) -> None:
    with Store(db) as store:
        if store.conn.execute("SELECT 1 FROM status WHERE annotator = ?", (WHO,)).fetchone():
            return
        ids = store.article_ids()
        t0 = time.perf_counter()
        for i, aid in enumerate(ids[::50]):
            store.set_status(aid, WHO, ("done", "done", "skipped", "in_progress")[i % 4])
        for i, aid in enumerate(ids[7 :: max(1, len(ids) // 1000)][:1000]):
            for j in range(1 + i % 3):
                store.add_span(aid, WHO, j, j + 1, "ACTOR")
        print(f"  seeded statuses and spans of {WHO!r} in {time.perf_counter() - t0:.1f} s")


def window_open(db: Path) -> float:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from annotator.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        settings = QSettings(str(Path(tmp) / "s.ini"), QSettings.IniFormat)
        settings.setValue("backup_minutes", 0)  # no backup of a multi-GB file here
        t0 = time.perf_counter()
        store = Store(db)
        w = MainWindow(store, settings, annotator=WHO, nlp_loader=lambda s: None)
        w.resize(1366, 768)
        w.show()
        app.processEvents()  # the first rows drawn
        took = time.perf_counter() - t0
        assert w.list_model.rowCount() == store.article_count()
        w.close()
        app.processEvents()
        store.close()
    return took


def bench(n: int) -> None:
    db = project(n)
    print(f"list {n:,} articles ({db.stat().st_size / 2**30:.2f} GiB)", flush=True)
    upgrade(db)
    seed(db)
    opened = [window_open(db) for _ in range(3)]
    with Store(db, readonly=True) as store:
        every, _ = timed(
            lambda: store.conn.execute("SELECT id FROM articles ORDER BY id").fetchall(), 3
        )
        core, _ = timed(lambda: store.list_articles(WHO, ids=store.article_id_list(WHO)[:200]))
        unsorted = store.article_id_list(WHO)
        probe = store.article_ids()[n // 3]
        row, _ = timed(lambda: unsorted.position(probe))
        print(
            f"  open to usable (window built, shown, first rows drawn): {ms(min(opened))}"
            f" (first {ms(opened[0])}); the list's part (count + first 200 rows) {ms(core)};"
            f" reading every id, as before #17: {ms(every)}; row of an article {ms(row)}",
            flush=True,
        )
        params = {"ann": WHO}
        for sort in ("title", "published", "status", "spans"):
            for desc in (False, True):
                d = "DESC" if desc else "ASC"

                def first(s=sort, dd=desc):
                    ids = store.article_id_list(WHO, sort=s, desc=dd)
                    return store.list_articles(WHO, ids=ids[:200])

                def last(s=sort, dd=desc):
                    ids = store.article_id_list(WHO, sort=s, desc=dd)
                    return ids[len(ids) - 200 :]

                key = PLAIN_KEY[sort]
                plain_sql = (
                    f"SELECT a.id FROM articles a NOT INDEXED ORDER BY {key} {d}, a.id {d}"
                    " LIMIT 200 OFFSET :off"
                )
                ours, ours1 = timed(first)
                ours_cpu = CPU[0]
                end, _ = timed(last)
                plain, _ = timed(
                    lambda sql=plain_sql: store.conn.execute(sql, {**params, "off": 0}).fetchall(),
                    1,
                )
                plain_end, _ = timed(
                    lambda sql=plain_sql: store.conn.execute(
                        sql, {**params, "off": n - 200}
                    ).fetchall(),
                    1,
                )
                ids = store.article_id_list(WHO, sort=sort, desc=desc)
                probe = store.article_ids()[n // 3]
                pos, _ = timed(lambda ids=ids, probe=probe: ids.position(probe))
                print(
                    f"  sort by {sort:9} {d:4}: first page {ms(ours)} (first run {ms(ours1)},"
                    f" CPU {ms(ours_cpu)})"
                    f" vs ORDER BY without index {ms(plain)} = {plain / ours:.0f}x;"
                    f" last page {ms(end)} vs {ms(plain_end)} = {plain_end / end:.0f}x;"
                    f" row of an article {ms(pos)}",
                    flush=True,
                )


if __name__ == "__main__":
    print(load())
    for n in [int(a) for a in sys.argv[1:]] or [100_000]:
        bench(n)
    print(load())
