"""Streaming import (#17): `annotator import` of a JSONL, a CSV and a folder, against plain
sqlite-utils `insert_all` of the same rows (read the same way), with peak memory.

    python tests/benchmarks/bench_import.py [N ...] [--kinds jsonl,csv,folder]
                                            [--variants ours,ours-pool,ours-1proc,plain,...]

Default 100,000 (1,000,000 is slow: about 1.9 GB per file). Each variant runs in a fresh
interpreter, one after another (never side by side), and prints its line as it ends; the
ratios are against the plain variants of the same run:

- ours: as `annotator import` runs (one fewer reader process than the cores, at most 4:
  `readahead.worker_count`; the load is printed beside each line);
- ours-pool: ours with exactly one reader process (on 2 cores, the same as ours);
- ours-1proc: ours with every file of a folder read by the one writer (no reader
  processes, as for a folder of fewer than `readahead.POOL_MIN_FILES` files);
- plain: `insert_all` of the same rows, no full-text index;
- plain+fts: the same with sqlite-utils' FTS5 triggers (`enable_fts(create_triggers=True)`
  before the inserts: the index kept in step row by row, as ours keeps it);
- plain+rebuild: `insert_all`, then the FTS5 index built once at the end (`enable_fts`
  after the inserts): the cheapest plain way to the same index.

Ours builds the FTS5 index (same tokenizer) and the boilerplate-pending list as it imports,
so the fair comparison is with plain+fts / plain+rebuild; plain alone is the floor.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from scale import PEAK, WORK, corpus_csv, corpus_folder, corpus_jsonl, in_child, load  # noqa: E402

OURS = (
    PEAK
    + """
import os, threading, time
from pathlib import Path
from annotator.core.store import Store
from annotator.core.ingest import import_paths
readers = {{}}  # pid -> peak resident MiB of each reader process (forked: shares our pages)
def watch():
    while True:
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == os.getpid():
                    with open(stat.with_name("status")) as fh:
                        hwm = [ln for ln in fh if ln.startswith("VmHWM:")]
                    readers[stat.parent.name] = int(hwm[0].split()[1]) / 1024
            except (OSError, IndexError, ValueError):
                pass
        time.sleep(1)
threading.Thread(target=watch, daemon=True).start()
db = {db!r}
store = Store(db)  # a new project (its schema): not part of the import's time
import resource
def readers_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime
t0, c0, k0 = time.perf_counter(), time.process_time(), readers_cpu()
report = import_paths(store, [{src!r}]{options})
s = time.perf_counter() - t0
cpu, rcpu = time.process_time() - c0, readers_cpu() - k0
store.close()
print(json.dumps({{"s": s, "cpu_s": cpu, "readers_cpu_s": rcpu, "peak_mib": peak(),
                  "n": report.imported, "rejected": len(report.rejected),
                  "readers_mib": sorted(readers.values())}}))
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
TOKENIZE = "unicode61 remove_diacritics 2"  # ours
if fts == "triggers":
    d["articles"].enable_fts(["title", "text"], create_triggers=True, tokenize=TOKENIZE)
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
t0, c0 = time.perf_counter(), time.process_time()
with conn:
    d["articles"].insert_all(rows(), batch_size=500)
if fts == "rebuild":
    d["articles"].enable_fts(["title", "text"], tokenize=TOKENIZE)  # populates it in one go
print(json.dumps({{"s": time.perf_counter() - t0, "cpu_s": time.process_time() - c0,
                  "peak_mib": peak()}}))
"""
)

VARIANTS = {
    "ours": OURS.replace("{options}", ""),
    # ours with one reader process, whatever the cores (on 2 cores: ours)
    "ours-pool": OURS.replace("{options}", ", jobs=1"),
    # ours with every file read by the writer itself, as before worker processes read ahead
    "ours-1proc": OURS.replace("{options}", ", pool_min_files=None"),
    "plain": PLAIN.replace("{fts!r}", "None"),
    "plain+fts": PLAIN.replace("{fts!r}", "'triggers'"),
    "plain+rebuild": PLAIN.replace("{fts!r}", "'rebuild'"),
}


def bench(kind: str, src: Path, variants: list[str]) -> dict[str, dict]:
    results = {}
    for name in variants:
        db = WORK / f"{name}-{src.name}.db"
        files = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
        for p in files:
            p.unlink(missing_ok=True)
        results[name] = r = in_child(VARIANTS[name].format(db=str(db), src=str(src)))
        extra = f" ({r['n']} articles, {r['rejected']} rejected)" if "n" in r else ""
        if r.get("readers_mib"):
            extra += " readers " + "/".join(f"{m:.0f}" for m in r["readers_mib"]) + " MiB peak"
        cpu = f"CPU {r['cpu_s']:5.1f} s" + (
            f" + readers {r['readers_cpu_s']:.1f} s" if r.get("readers_cpu_s") else ""
        )
        print(f"  {kind:6} {src.name} {name:13} {r['s']:8.1f} s  {cpu}  {r['peak_mib']:5.0f} MiB"
              f" peak{extra}   [{load()}]", flush=True)  # fmt: skip
        for p in files:
            p.unlink(missing_ok=True)
    if "ours" in results:
        ours = results["ours"]["s"]
        ratios = ", ".join(f"{ours / results[k]['s']:.2f}x {k}" for k in results if k != "ours")
        print(f"import {kind:6} {src.name}: ours {ours:.1f} s; {ratios}", flush=True)
        # on a machine whose cores are busy elsewhere the wall time measures the share of
        # them each variant got: CPU seconds do not (ours: the writer's, the critical path
        # while a reader has a core of its own; and the writer's and readers' together)
        cpu = results["ours"]["cpu_s"]
        both = cpu + results["ours"].get("readers_cpu_s", 0)
        ratios = ", ".join(
            f"{cpu / results[k]['cpu_s']:.2f}x / {both / results[k]['cpu_s']:.2f}x {k}"
            for k in results
            if k != "ours"
        )
        print(f"  CPU: ours' writer / writer + readers: {ratios}", flush=True)
    return results


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", nargs="*", type=int, default=[100_000])
    ap.add_argument("--kinds", default="jsonl,csv,folder")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    args = ap.parse_args()
    variants = args.variants.split(",")
    print(load(), flush=True)
    makers = {"jsonl": corpus_jsonl, "csv": corpus_csv, "folder": corpus_folder}
    for n in args.sizes:
        for kind in args.kinds.split(","):
            bench(kind, makers[kind](n), variants)
    print(load())
