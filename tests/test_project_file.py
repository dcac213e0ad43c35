"""The project file: only SQLite touches it, foreign files are refused untouched, disk failures are one line."""

from __future__ import annotations

import builtins
import hashlib
import io
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys

import pytest
from conftest import run_cli

from annotator.core.errors import ProjectError, StorageError, storage_error
from annotator.core.store import Store

TEXT = "Kabul and Moscow agreed to an exchange of ambassadors in April 2025."


def digest(path) -> str:
    conn_free = hashlib.sha256()
    conn_free.update(path.read_bytes())  # the test reads it only while no connection is open
    return conn_free.hexdigest()


def test_nothing_but_sqlite_opens_the_project_file(tmp_path, monkeypatch):
    path = tmp_path / "p.db"
    with Store(path) as s:
        s.add_article(TEXT)
    (tmp_path / "other.db").write_bytes(b"")
    with Store(tmp_path / "other.db") as o:
        o.add_article(TEXT + " Again.")
    guarded = {str(path), f"{path}-wal", f"{path}-shm", str(tmp_path / "other.db")}
    touched = []

    def watch(real):
        def opener(file, *args, **kwargs):
            if os.fspath(file) in guarded if isinstance(file, str | os.PathLike) else False:
                touched.append(os.fspath(file))
            return real(file, *args, **kwargs)

        return opener

    monkeypatch.setattr(builtins, "open", watch(builtins.open))
    monkeypatch.setattr(io, "open", watch(io.open))
    monkeypatch.setattr(os, "open", watch(os.open))
    first = Store(path)
    first.add_span(first.article_ids()[0], "ana", 0, 5, "ACTOR")
    Store(path).close()  # what every background job does
    first.merge_from(tmp_path / "other.db")
    first.add_span(first.article_ids()[0], "ana", 10, 16, "ACTOR")
    first.close()
    assert touched == []


def test_cli_reading_while_a_store_and_a_job_have_it_open_loses_nothing(tmp_path):
    """The issue's reproduction: a write, a second Store opened and closed, `stats` elsewhere, more writes."""
    path = tmp_path / "p.db"
    store = Store(path)
    aid, _ = store.add_article(TEXT)
    for i in range(3):
        store.add_span(aid, "ana", i, i + 1, "ACTOR")
        Store(path).close()
        r = run_cli("stats", "--db", str(path), "--json")
        assert r.returncode == 0, r.stderr
        store.add_span(aid, "ana", 20 + i, 21 + i, "DATE")
    store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM spans").fetchone()[0] == 6
    conn.close()


@pytest.mark.parametrize(
    "ddl, kind",
    [
        (
            "CREATE TRIGGER keep_nothing AFTER INSERT ON spans BEGIN DELETE FROM spans; END",
            "trigger",
        ),
        ("CREATE VIEW everything AS SELECT * FROM spans", "view"),
        ("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)", "table"),
    ],
)
def test_foreign_objects_are_refused_untouched(tmp_path, ddl, kind):
    path = tmp_path / "p.db"
    with Store(path) as s:
        s.add_article(TEXT)
    conn = sqlite3.connect(path)
    conn.execute(ddl)
    conn.commit()
    conn.close()
    record = {"text": TEXT, "spans": [{"start": 0, "end": 5, "label": "ACTOR"}]}
    (tmp_path / "in.jsonl").write_text(json.dumps(record) + "\n")
    before = digest(path)
    with pytest.raises(ProjectError, match=f"not Annotator's \\({kind}"):
        Store(path)
    r = run_cli("import", str(tmp_path / "in.jsonl"), "--db", str(path), "--annotator", "ana")
    assert (
        r.returncode == 2 and "refused as a foreign file" in r.stderr and "internal" not in r.stderr
    )
    with Store(tmp_path / "lead.db") as lead:
        with pytest.raises(Exception, match="not Annotator's"):
            lead.merge_from(path)
    assert digest(path) == before
    assert (
        not os.path.exists(f"{path}-wal") or os.path.getsize(f"{path}-wal") == 0
    )  # nothing written


def _limited(size: int):
    def apply():
        signal.signal(
            signal.SIGXFSZ, signal.SIG_IGN
        )  # a write past the limit fails, as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return apply


def test_full_disk_is_one_line_naming_the_project_and_stores_nothing(tmp_path):
    path = tmp_path / "p.db"
    with Store(path) as s:
        s.add_article(TEXT)
    big = tmp_path / "many.jsonl"
    big.write_text("".join(f'{{"text": "Story {i}: {TEXT} {i * 7919}"}}\n' for i in range(3000)))
    limit = path.stat().st_size + 40_000
    r = subprocess.run([sys.executable, "-m", "annotator", "import", str(big), "--db", str(path)],
                       capture_output=True, text=True, preexec_fn=_limited(limit), timeout=300)  # fmt: skip
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "internal error" not in r.stderr
    with Store(path) as s:
        assert s.article_count() == 1
        assert s.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_read_only_project_write_is_a_storage_error_naming_the_file(tmp_path):
    with Store(tmp_path / "p.db") as s:
        aid, _ = s.add_article(TEXT)
        s.conn.execute(
            "PRAGMA query_only = 1"
        )  # SQLite answers SQLITE_READONLY, as for a read-only file
        with pytest.raises(sqlite3.Error) as err:
            s.add_span(aid, "ana", 0, 5, "ACTOR")
        mapped = storage_error(err.value, str(s.path))
        assert (
            isinstance(mapped, StorageError)
            and str(s.path) in str(mapped)
            and "read-only" in str(mapped)
        )
        s.conn.execute("PRAGMA query_only = 0")
        assert s.spans(aid) == []
    assert storage_error(ValueError("a bug")) is None


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only files")
def test_read_only_file_from_the_cli(tmp_path):
    path = tmp_path / "p.db"
    with Store(path) as s:
        s.add_article(TEXT)
    (tmp_path / "a.txt").write_text("Beijing and Kabul signed a deal.\n")
    path.chmod(0o444)
    r = run_cli("import", str(tmp_path / "a.txt"), "--db", str(path))
    assert r.returncode == 2 and str(path) in r.stderr and "internal error" not in r.stderr


def test_split_export_writes_both_files_or_neither(tmp_path):
    db = tmp_path / "p.db"
    with Store(db) as s:
        for i in range(10):
            aid, _ = s.add_article(f"Report {i}: {TEXT}")
            k = len(f"Report {i}: ")
            s.add_span(aid, "ana", k, k + 5, "ACTOR")
            s.set_status(aid, "ana", "done")
    out = tmp_path / "split"
    (out / "dev.spacy").mkdir(parents=True)  # the second file cannot be written
    r = run_cli("export", "--db", str(db), "--format", "spacy", "--split", "0.8", "--out", str(out))
    assert r.returncode == 2 and "internal error" not in r.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "dev.spacy"
    ]  # no train.spacy alone, no leftovers
    (out / "dev.spacy").rmdir()
    r = run_cli("export", "--db", str(db), "--format", "spacy", "--split", "0.8", "--out", str(out))
    assert r.returncode == 0 and sorted(p.name for p in out.iterdir()) == [
        "dev.spacy",
        "train.spacy",
    ]
