"""One project file, many processes: the window's pattern in this process, the CLI in another.

The window keeps one long-lived Store and every background job opens and closes
its own Store on the same file; meanwhile a lead runs `stats`, `agreement`,
`export` and `import` in a terminal. Every edit must be stored and the file must
stay whole (issue 11: a Python `open()` of the file dropped this process's POSIX
locks, the other process then deleted the WAL under us).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from annotator.core.store import Store

TEXT = "Kabul and Moscow agreed on a mining contract in April 2025; Beijing and Tashkent signed a trade deal last week."

# The lead's terminal: the real CLI entry point, run over and over in one other process
# (one interpreter, so that a few hundred runs fit in seconds), until told to stop.
DRIVER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from annotator.cli import main

    db, work = sys.argv[1], Path(sys.argv[2])
    counts = {"stats": 0, "agreement": 0, "export": 0, "import": 0, "failed": []}
    (work / "ready").write_text("1")
    i = 0
    while not (work / "stop").exists():
        i += 1
        src = work / f"lead{i:04}.txt"
        src.write_text(f"Lead article {i}: Islamabad and Kabul met on {i} May 2025.", encoding="utf-8")
        for name, argv in (
            ("stats", ["stats", "--db", db, "--json"]),
            ("agreement", ["agreement", "--db", db, "--json"]),
            ("export", ["export", "--db", db, "--out", str(work / "out.jsonl")]),
            ("import", ["import", str(src), "--db", db, "--annotator", "lead"]),
        ):
            import contextlib, io
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
                code = main(argv)
            counts[name] += 1
            if code != 0:
                counts["failed"].append([name, code, err.getvalue()[-300:]])
    (work / "counts.json").write_text(json.dumps(counts))
    """
)


def _run(tmp_path, edits: int, pause: float, rounds: int = 8, budget: float = 25.0) -> dict:
    """At least EDITS edits, and on until the lead has run every command ROUNDS times
    against them (or BUDGET seconds have passed)."""
    db = tmp_path / "p.db"
    work = tmp_path / "lead"
    work.mkdir()
    with Store(db) as setup:
        ids = [setup.add_article(f"{TEXT} ({i})", title=f"a{i}")[0] for i in range(10)]
    driver = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(db), str(work)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.time() + 60
    while not (work / "ready").exists() and time.time() < deadline and driver.poll() is None:
        time.sleep(0.05)

    window = Store(db)  # the window's connection, open for the whole session
    expected: dict[str, tuple[str, bool]] = {}  # uuid -> (label, deleted)
    statuses: dict[int, str] = {}
    jobs = 0
    live: list[str] = []
    stop_at = time.time() + budget
    i = -1
    while True:
        i += 1
        if i >= edits and (
            time.time() > stop_at or (i % 20 == 0 and len(list(work.glob("lead*.txt"))) > rounds)
        ):
            break
        aid = ids[i % len(ids)]
        kind = i % 6
        if kind in (0, 1, 2) or not live:
            start = (i * 7) % 90
            span = window.add_span(aid, "ana", start, start + 5, "ACTOR")
            expected[span.uuid] = ("ACTOR", False)
            live.append(span.uuid)
        elif kind == 3:
            uid = live[-1]
            window.update_span(uid, label="DATE")
            expected[uid] = ("DATE", False)
        elif kind == 4:
            uid = live.pop(0)
            window.delete_span(uid, by="ana")
            expected[uid] = (expected[uid][0], True)
        else:
            status = ("in_progress", "done", "skipped")[i % 3]
            window.set_status(aid, "ana", status)
            statuses[aid] = status
        if i % 5 == 0:
            # a background job: its own Store on the same file, opened and closed
            with Store(db, create=False) as job:
                job.article(aid)
                job.set_suggestions(aid, "rules", str(i), [])
            jobs += 1
        time.sleep(pause)
    (work / "stop").write_text("1")
    out, err = driver.communicate(timeout=120)
    assert driver.returncode == 0, err[-2000:]
    counts = json.loads((work / "counts.json").read_text())
    # more edits after the lead's processes have come and gone: the case that broke before
    late = window.add_span(ids[0], "ana", 0, 5, "AGREEMENT")
    expected[late.uuid] = ("AGREEMENT", False)
    window.close()

    conn = sqlite3.connect(db)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        rows = {
            uid: (label, deleted is not None)
            for uid, label, deleted in conn.execute(
                "SELECT uuid, label, deleted_at FROM spans WHERE annotator = 'ana'"
            )
        }
        stored_status = dict(
            conn.execute("SELECT article_id, status FROM status WHERE annotator = 'ana'").fetchall()
        )
        lead_articles = conn.execute(
            "SELECT count(*) FROM articles WHERE text LIKE 'Lead article %'"
        ).fetchone()[0]
    finally:
        conn.close()
    lost = [uid for uid, want in expected.items() if rows.get(uid) != want]
    return {
        "edits": i + 1,
        "jobs": jobs,
        "counts": counts,
        "integrity": integrity,
        "lost": lost,
        "status_ok": all(stored_status.get(a) == s for a, s in statuses.items()),
        "lead_articles": lead_articles,
    }


def _check(result: dict) -> None:
    counts = result["counts"]
    print(
        f"\n2 processes: {result['edits']} window edits, {result['jobs']} background-job Stores; "
        f"lead ran stats {counts['stats']}x, agreement {counts['agreement']}x, export {counts['export']}x, "
        f"import {counts['import']}x; lost {len(result['lost'])}; integrity {result['integrity']}"
    )
    assert result["integrity"] == "ok"
    assert result["lost"] == []
    assert result["status_ok"]
    assert counts["failed"] == []
    assert min(counts[k] for k in ("stats", "agreement", "export", "import")) >= 3
    assert result["lead_articles"] == counts["import"]


def test_window_pattern_and_cli_in_another_process_lose_nothing(tmp_path):
    _check(_run(tmp_path, edits=300, pause=0.01))


@pytest.mark.slow
def test_window_pattern_and_cli_in_another_process_long_run(tmp_path):
    _check(_run(tmp_path, edits=3000, pause=0.005))
