"""Shared by the scale benchmarks (#17): corpora of 100,000 and 1,000,000 articles written to
/tmp (never the repository), and peak memory of a step run in a child process.

Each figure is a ratio against plain code measured in the same run, as the issue asks.
"""

from __future__ import annotations

import csv
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import article  # noqa: E402

WORK = Path(os.environ.get("BENCH_DIR", "/tmp/annotator-bench"))


def corpus_jsonl(n: int, chars: int = 1500) -> Path:
    """N news-like articles (~1.8 kB each), one JSON object a line; made once and kept in /tmp."""
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"corpus-{n}.jsonl"
    if path.exists():
        return path
    rng = random.Random(n)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        for i in range(n):
            record = {
                "text": f"Report {i}.\n\n" + article(rng, chars),
                "meta": {"title": f"Report {i} on regional diplomacy", "source": "bench",
                         "published": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}"},
            }  # fmt: skip
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    tmp.rename(path)
    return path


def corpus_csv(n: int) -> Path:
    path = WORK / f"corpus-{n}.csv"
    if path.exists():
        return path
    tmp = path.with_suffix(".tmp")
    with open(corpus_jsonl(n), encoding="utf-8") as src, open(tmp, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["title", "source", "published", "text"])
        for line in src:
            r = json.loads(line)
            # one line per article: our reader takes a multi-line field whose lines parse as
            # rows of the file for a stray quote (a heuristic that generated prose trips)
            text = " ".join(r["text"].split("\n\n"))
            writer.writerow([r["meta"]["title"], r["meta"]["source"], r["meta"]["published"], text])
    tmp.rename(path)
    return path


def corpus_folder(n: int) -> Path:
    path = WORK / f"folder-{n}"
    if path.exists():
        return path
    tmp = path.with_name(path.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    with open(corpus_jsonl(n), encoding="utf-8") as src:
        for i, line in enumerate(src):
            r = json.loads(line)
            sub = tmp / f"{i // 1000:04d}"
            sub.mkdir(exist_ok=True)
            (sub / f"{i:07d}.txt").write_text(
                r["meta"]["title"] + "\n\n" + r["text"], encoding="utf-8"
            )
    tmp.rename(path)
    return path


def in_child(code: str) -> dict:
    """Run CODE (which prints one JSON object last) in a fresh interpreter; its result with
    the child's peak resident memory (ru_maxrss) and wall time."""
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parents[2]))
    t0 = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    wall = time.perf_counter() - t0
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    result = json.loads(out.stdout.strip().splitlines()[-1])
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result.setdefault("wall_s", wall)
    # RUSAGE_CHILDREN is the largest child so far: read the child's own figure when it gives one
    result.setdefault("peak_mib", max(peak, before) / 1024)
    return result


# The child's own peak: VmHWM of its address space. Not ru_maxrss, which Linux carries over
# from the parent across fork/vfork + exec (a parent that held 600 MiB made every child's
# ru_maxrss at least 600 MiB).
PEAK = """import resource, json
def peak():
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"
