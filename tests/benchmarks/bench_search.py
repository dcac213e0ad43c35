"""Search (#17): the first page of FTS5 results (bm25, snippets) against the LIKE/instr scan
the article list used before, on a project of N articles imported from the scale corpus.

    python tests/benchmarks/bench_search.py [N ...]     (default 100000)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from scale import WORK, corpus_jsonl, load  # noqa: E402

from annotator.core.ingest import import_paths  # noqa: E402
from annotator.core.store import Store  # noqa: E402


def project(n: int) -> Path:
    db = WORK / f"project-{n}.db"
    if not db.exists():
        tmp = db.with_name(db.name + ".tmp")
        with Store(tmp) as store:
            import_paths(store, [corpus_jsonl(n)])
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        tmp.rename(db)
    return db


def timed(fn, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def like_scan(store: Store, q: str) -> list:
    # what the window's search did before FTS5: every matching id, by a scan of every text
    return store.conn.execute(
        "SELECT a.id FROM articles a WHERE (a.title LIKE ? OR instr(lower(a.text), lower(?)) > 0)"
        " ORDER BY a.id",
        (f"%{q}%", q),
    ).fetchall()


def bench(n: int) -> None:
    with Store(project(n), readonly=True) as store:
        rare = f'"Report {n // 2}"'  # one article: a name or phrase that is rare in a corpus
        for label, query, plain in (
            ("rare phrase", rare, f"Report {n // 2}."),
            ("common word", "Lavrov", "Lavrov"),
            ("boolean", "rail AND Uzbekistan NOT ambassadors", None),
        ):
            ours = timed(lambda q=query: store.search(q, limit=20))
            count = store.search_count(query)
            line = f"search {n:>9,} {label:12} {query!r}: FTS5 first page {ours * 1000:.1f} ms ({count:,} matches)"
            if plain:
                scan = timed(lambda p=plain: like_scan(store, p), repeat=1)
                line += (
                    f"; window's LIKE scan before {scan * 1000:.0f} ms; {scan / ours:.0f}x faster"
                )
            ids = timed(lambda q=query: store.list_article_ids(search=q), repeat=1)
            line += f"; all matching ids (window list) {ids * 1000:.0f} ms"
            print(line, flush=True)


if __name__ == "__main__":
    print(load())
    for n in [int(a) for a in sys.argv[1:]] or [100_000]:
        bench(n)
    print(load())
