"""Search (#17): the first page of results and the window's search, against the code that
came before, measured in the same run on a project of N articles (the scale corpus):

- the LIKE/instr scan the window used before FTS5 (every matching id);
- FTS5 with bm25 over every match (`ORDER BY rank`: the first FTS5 version) and its count
  joined with the articles table;
- ours: bm25 within the first RANK_CAP matches (all of them when fewer), counts from the
  index alone; the window's worker (`search_for_list`) and the rows on screen.

    python tests/benchmarks/bench_search.py [N ...]     (default 100000)

Each figure is the best of 5 runs (warm cache) and the first run; ratios are old / ours.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from scale import WORK, corpus_jsonl, load  # noqa: E402

from annotator.core.ingest import import_paths  # noqa: E402
from annotator.core.store import Store  # noqa: E402
from annotator.core.store.search import RANK_CAP, SNIPPET_SQL  # noqa: E402


def project(n: int) -> Path:
    db = WORK / f"project-{n}.db"
    if not db.exists():
        tmp = db.with_name(db.name + ".tmp")
        with Store(tmp) as store:
            import_paths(store, [corpus_jsonl(n)])
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        tmp.rename(db)
    return db


CPU: list[float] = []  # the best CPU time of the last `timed` (a shared machine's fair figure)


def timed(fn, repeat: int = 5) -> tuple[float, float]:
    """(best, first) wall time of FN over REPEAT runs; its best CPU time goes to CPU[0]."""
    times, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    CPU[:] = [min(cpu)]
    return min(times), times[0]


def like_scan(store: Store, q: str) -> list:
    # what the window's search did before FTS5: every matching id, by a scan of every text
    return store.conn.execute(
        "SELECT a.id FROM articles a WHERE (a.title LIKE ? OR instr(lower(a.text), lower(?)) > 0)"
        " ORDER BY a.id",
        (f"%{q}%", q),
    ).fetchall()


def rank_all(store: Store, q: str, limit: int = 20) -> list:
    # the first FTS5 version: bm25 over every match, then the page
    return store.conn.execute(
        f"SELECT a.id, a.title, {SNIPPET_SQL}, bm25(articles_fts, 3.0, 1.0) AS r"
        " FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
        " WHERE articles_fts MATCH ? ORDER BY r LIMIT ?",
        (q, limit),
    ).fetchall()


def count_joined(store: Store, q: str) -> int:
    return store.conn.execute(
        "SELECT count(*) FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
        " WHERE articles_fts MATCH ?",
        (q,),
    ).fetchone()[0]


def old_window(store: Store, q: str) -> None:
    # the first FTS5 window: count every match (joined), its best 500 snippets ranked over all
    count_joined(store, q)
    rank_all(store, q, 500)


def our_window(store: Store, q: str) -> None:
    # what the window does: the worker's search, then the 200 rows on screen (GUI thread)
    found = store.search_for_list(q, annotator="bench")
    ids = store.article_id_list("bench", search=q, ranked=found.ranked, pending=True)
    store.list_articles("bench", ids=ids[:200])


def ms(s: float) -> str:
    return f"{s * 1000:.1f} ms"


def bench(n: int) -> None:
    with Store(project(n), readonly=True) as store:
        rare = f'"Report {n // 2}"'  # one article: a name or phrase that is rare in a corpus
        for label, query, plain in (
            ("rare phrase", rare, f"Report {n // 2}."),
            ("common word", "Lavrov", "Lavrov"),
            ("prefix", "Lav*", None),
            ("boolean", "rail AND Uzbekistan NOT ambassadors", None),
        ):
            total = store.search_count(query)
            ours, ours1 = timed(lambda q=query: store.search(q, limit=20))
            ours_cpu = CPU[0]
            ranked = store.search_ranked(query)
            old, old1 = timed(lambda q=query: rank_all(store, q), repeat=3)
            print(
                f"search {n:>9,} {label:11} {query!r}: {total:,} matches"
                f"{f' (ranked within the first {RANK_CAP:,})' if ranked.capped else ''}",
                flush=True,
            )
            print(
                f"  first page: ours {ms(ours)} (first run {ms(ours1)}, CPU {ms(ours_cpu)});"
                " bm25 over every match"
                f" {ms(old)} (first {ms(old1)}) = {old / ours:.0f}x",
                flush=True,
            )
            if plain:
                scan, _ = timed(lambda p=plain: like_scan(store, p), repeat=1)
                print(f"  the window's LIKE scan before FTS5 {ms(scan)} = {scan / ours:.0f}x")
            cnt, _ = timed(lambda q=query: store.search_count(q))
            cntj, _ = timed(lambda q=query: count_joined(store, q), repeat=3)
            print(f"  count: ours (index alone) {ms(cnt)}; joined with articles {ms(cntj)}")
            win, win1 = timed(lambda q=query: our_window(store, q), repeat=3)
            win_cpu = CPU[0]
            oldw, _ = timed(lambda q=query: old_window(store, q), repeat=1)
            print(
                f"  window search to the first rows: ours {ms(win)} (first {ms(win1)},"
                f" CPU {ms(win_cpu)});"
                f" the first FTS5 window (count + rank all) {ms(oldw)} = {oldw / win:.0f}x",
                flush=True,
            )
            if label == "common word":  # sorted by title: every match sorted, in the worker
                srt, _ = timed(
                    lambda q=query: store.search_for_list(q, annotator="bench", sort="title"), 1
                )
                print(f"  window search sorted by title (worker, every match): {ms(srt)}")


if __name__ == "__main__":
    print(load())
    for n in [int(a) for a in sys.argv[1:]] or [100_000]:
        bench(n)
    print(load())
