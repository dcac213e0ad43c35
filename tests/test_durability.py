"""Never lose or corrupt: concurrent writers and a kill -9 in the middle of an import."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time

from conftest import run_cli

from annotator.core.store import Store


def make_corpus(folder, prefix: str, n: int) -> None:
    folder.mkdir()
    for i in range(n):
        (folder / f"{prefix}{i:03}.txt").write_text(
            f"{prefix} article {i}: Kabul and Beijing discussed the mining contract on day {i}.\n",
            encoding="utf-8",
        )


def test_two_processes_importing_at_once_lose_nothing(tmp_path):
    db = tmp_path / "p.db"
    Store(db).close()
    make_corpus(tmp_path / "a", "alpha", 60)
    make_corpus(tmp_path / "b", "beta", 60)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "annotator", "import", str(tmp_path / d), "--db", str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for d in ("a", "b")
    ]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    with Store(db) as store:
        assert store.article_count() == 120


def test_kill_during_import_leaves_whole_files_only(tmp_path):
    db = tmp_path / "p.db"
    Store(db).close()
    big = tmp_path / "big.jsonl"
    with big.open("w", encoding="utf-8") as fh:
        for i in range(20_000):
            text = f"Record {i}: Moscow and Kabul agreed to exchange ambassadors."
            span = {"start": text.index("Moscow"), "end": text.index("Moscow") + 6, "label": "ACTOR"}
            fh.write(json.dumps({"text": text, "spans": [span], "_annotator_id": "ana"}) + "\n")
    small = tmp_path / "small"
    make_corpus(small, "small", 5)
    assert run_cli("import", str(small), "--db", str(db)).returncode == 0

    proc = subprocess.Popen(
        [sys.executable, "-m", "annotator", "import", str(big), "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # wait until the import holds the write lock, then kill it mid-transaction
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        conn = sqlite3.connect(db, timeout=0.05)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
        except sqlite3.OperationalError:
            break  # locked: the big transaction is under way
        finally:
            conn.close()
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with Store(db) as store:
        count = store.article_count()
        spans = sum(len(store.spans(i)) for i in store.article_ids())
    # all of the big file or none of it, never a part; the earlier import intact
    assert count in (5, 20_005), count
    assert spans == count - 5
