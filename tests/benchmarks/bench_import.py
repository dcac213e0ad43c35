"""Streaming import (#17): `annotator import` of a JSONL, a CSV and a folder, against plain
sqlite-utils `insert_all` of the same rows (read the same way), with peak memory.

    python tests/benchmarks/bench_import.py [N ...]     (default 100000; 1000000 is slow)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from scale import PEAK, WORK, corpus_csv, corpus_folder, corpus_jsonl, in_child, load  # noqa: E402

OURS = (
    PEAK
    + """
import time
from annotator.core.store import Store
from annotator.core.ingest import import_paths
db = {db!r}
t0 = time.perf_counter()
with Store(db) as store:
    report = import_paths(store, [{src!r}])
print(json.dumps({{"s": time.perf_counter() - t0, "peak_mib": peak(), "n": report.imported,
                  "rejected": len(report.rejected)}}))
"""
)

# plain code: the same rows (hash, text, title, source, published, meta, length, created_at)
# into the same table, through sqlite-utils insert_all, in a WAL file as ours
PLAIN = (
    PEAK
    + """
import time, hashlib, csv, sqlite3
from datetime import UTC, datetime
from pathlib import Path
import sqlite_utils
src, db, fts = Path({src!r}), {db!r}, {fts!r}
conn = sqlite3.connect(db)
conn.execute("PRAGMA journal_mode = WAL"); conn.execute("PRAGMA synchronous = NORMAL")
d = sqlite_utils.Database(conn)
d.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, text TEXT NOT NULL,"
          " title TEXT, source TEXT, published TEXT, meta TEXT NOT NULL DEFAULT '{{}}',"
          " length INTEGER NOT NULL, created_at TEXT NOT NULL)")
if fts:
    d["articles"].enable_fts(["title", "text"], create_triggers=True)
def row(text, title, source, published):
    return {{"hash": hashlib.sha256(text.encode()).hexdigest(), "text": text, "title": title,
            "source": source, "published": published, "meta": "{{}}", "length": len(text),
            "created_at": datetime.now(UTC).isoformat()}}
def rows():
    if src.suffix == ".jsonl":
        with open(src, encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line); m = r["meta"]
                yield row(r["text"], m["title"], m["source"], m["published"])
    elif src.suffix == ".csv":
        with open(src, encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                yield row(r["text"], r["title"], r["source"], r["published"])
    else:
        for p in sorted(src.rglob("*.txt")):
            text = p.read_text(encoding="utf-8")
            yield row(text, text.split("\\n", 1)[0], None, None)
t0 = time.perf_counter()
with conn:
    d["articles"].insert_all(rows(), batch_size=500)
print(json.dumps({{"s": time.perf_counter() - t0, "peak_mib": peak()}}))
"""
)


def bench(kind: str, src: Path) -> None:
    results = {}
    for name, code in (
        ("ours", OURS),
        ("plain", PLAIN.replace("{fts!r}", "False")),
        ("plain+fts", PLAIN.replace("{fts!r}", "True")),
    ):
        db = WORK / f"{name}-{src.name}.db"
        for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            p.unlink(missing_ok=True)
        results[name] = in_child(code.format(db=str(db), src=str(src)))
        db.unlink(missing_ok=True)
    ours, plain, fts = results["ours"], results["plain"], results["plain+fts"]
    print(
        f"import {kind:6} {src.name}: ours {ours['s']:.1f} s, {ours['peak_mib']:.0f} MiB peak"
        f" ({ours.get('n')} articles, {ours.get('rejected')} rejected);"
        f" plain insert_all {plain['s']:.1f} s, {plain['peak_mib']:.0f} MiB;"
        f" plain insert_all + FTS5 triggers {fts['s']:.1f} s, {fts['peak_mib']:.0f} MiB;"
        f" ratio {ours['s'] / plain['s']:.2f}x plain, {ours['s'] / fts['s']:.2f}x plain+FTS"
    )


if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[1:]] or [100_000]
    print(load())
    for n in sizes:
        bench("jsonl", corpus_jsonl(n))
        if n <= 100_000 or os.environ.get("BENCH_CSV"):
            bench("csv", corpus_csv(n))
        if n <= 100_000:
            bench("folder", corpus_folder(n))
    print(load())
