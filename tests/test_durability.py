"""Never lose or corrupt: concurrent writers, a kill -9 mid-import, read-only files, backups, hand-back."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import run_cli

from annotator.core.errors import ProjectError
from annotator.core.model import Suggestion
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
            span = {
                "start": text.index("Moscow"),
                "end": text.index("Moscow") + 6,
                "label": "ACTOR",
            }
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
    # the search index's insert trigger, dropped while an import writes the index in bulk,
    # is there again, and the index holds exactly the articles that are
    assert (
        conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'articles_fts_insert'"
        ).fetchone()[0]
        == 1
    )
    conn.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
    conn.close()
    with Store(db) as store:
        count = store.article_count()
        spans = sum(len(store.spans(i)) for i in store.article_ids())
    # all of the big file or none of it, never a part; the earlier import intact
    assert count in (5, 20_005), count
    assert spans == count - 5


def _children(pid: int) -> set[int]:
    """The processes whose parent is PID (Linux /proc)."""
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == pid:
            out.add(int(stat.parent.name))
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_kill_during_a_pooled_folder_import_leaves_whole_files_and_no_readers(tmp_path):
    db = tmp_path / "p.db"
    Store(db).close()
    folder = tmp_path / "f"
    folder.mkdir()
    N_FILES = 12_000  # noqa: N806
    texts = {}
    for i in range(N_FILES):  # enough for the reader pool, and for a few grouped transactions
        texts[i] = f"Story {i}: Moscow and Kabul agreed to exchange ambassadors.\n" * 20
        (folder / f"{i:04d}.txt").write_text(texts[i], encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "annotator", "import", str(folder), "--db", str(db), "--jobs", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    readers: set[int] = set()
    while time.time() < deadline and proc.poll() is None:
        readers = _children(proc.pid)
        if readers:
            break  # reading in its pool
        time.sleep(0.01)
    time.sleep(0.3)  # some files stored, some in flight
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL, "the import ended before the kill"
    assert readers, "the import never started its reader processes"
    # the readers notice their writer is gone and exit: nothing is left running
    deadline = time.time() + 20
    while time.time() < deadline and any(Path(f"/proc/{r}").exists() for r in readers):
        time.sleep(0.1)
    assert not any(Path(f"/proc/{r}/stat").exists() for r in readers)

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
    stored = conn.execute("SELECT text FROM articles").fetchall()
    conn.close()
    assert len(stored) < N_FILES
    assert {t for (t,) in stored} <= set(texts.values())  # each article a whole file
    # and importing again completes it
    assert run_cli("import", str(folder), "--db", str(db)).returncode == 0
    with Store(db) as store:
        assert store.article_count() == N_FILES


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_a_reader_killed_mid_import_leaves_its_files_to_the_writer(tmp_path):
    db = tmp_path / "p.db"
    folder = tmp_path / "f"
    folder.mkdir()
    for i in range(12_000):
        (folder / f"{i:05d}.txt").write_text(f"Story {i} about Kabul and Astana.\n" * 20, "utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "annotator", "import", str(folder), "--db", str(db), "--jobs", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.time() + 120
    readers: set[int] = set()
    while time.time() < deadline and proc.poll() is None and len(readers) < 2:
        readers = _children(proc.pid)
        time.sleep(0.01)
    assert len(readers) == 2, "the import never started its two readers"
    os.kill(max(readers), signal.SIGKILL)  # the later forked: the first had a copy of its pipe
    _out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    with Store(db) as store:
        assert store.article_count() == 12_000


# -- read-only commands ---------------------------------------------------------------------


READ_COMMANDS = (
    ("stats", "--json"),
    ("agreement", "--json"),
    ("export", "--out", "-"),
    ("models", "--json"),
    ("evaluate", "--reference", "ana", "--json"),
)


def _lead_project(db) -> None:
    """Two annotators who finished the same article, and a model's suggestions: every reading
    command has something to read."""
    with Store(db) as store:
        aid, _ = store.add_article("Kabul and Moscow agreed to exchange ambassadors in April 2025.")
        store.set_suggestions(
            aid, "rules", "1", [Suggestion(aid, 0, 5, "ACTOR"), Suggestion(aid, 10, 16, "ACTOR")]
        )
        for name in ("ana", "bob"):
            store.add_span(aid, name, 0, 5, "ACTOR")
            store.set_status(aid, name, "done")


# every reading command in one process (the real entry point, as from a shell), one result each
RUN_READ_COMMANDS = """
import contextlib, io, json, sys
from annotator.cli import main
out = []
for argv in json.loads(sys.argv[1]):
    err, std = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(std):
        code = main(argv)
    out.append([argv[0], code, err.getvalue(), std.getvalue()])
print(json.dumps(out))
"""


def _read_commands(db, other_user: bool = False) -> list[tuple[str, int, str, str]]:
    argv = [[command, "--db", str(db), *rest] for command, *rest in READ_COMMANDS]
    cmd = [sys.executable, "-c", RUN_READ_COMMANDS, json.dumps(argv)]
    if other_user and os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: read-only files cannot be simulated")
        cmd = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner", *cmd]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return [tuple(r) for r in json.loads(result.stdout)]


def _as_other_user(*args: str):
    """Run the CLI as someone bound by file permissions (root, as in CI containers, writes
    anywhere: it runs without the capabilities that override them)."""
    if os.geteuid() != 0:
        return run_cli(*args)
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: read-only files cannot be simulated")
    return subprocess.run(
        ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner",
         sys.executable, "-m", "annotator", *args],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture
def shared_dir():
    """A folder another user can reach (pytest's tmp_path is private to us)."""
    folder = Path(tempfile.mkdtemp(prefix="annotator-ro-"))
    folder.chmod(0o755)
    yield folder
    for p in folder.rglob("*"):
        if p.is_dir():
            p.chmod(0o755)
    shutil.rmtree(folder, ignore_errors=True)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()  # no connection of ours is open here


@pytest.mark.parametrize("where", ["read-only file", "read-only folder"])
def test_reading_commands_work_on_read_only_files_and_media(shared_dir, where):
    folder = shared_dir / "media"
    folder.mkdir()
    db = folder / "lead.db"
    _lead_project(db)
    db.chmod(0o444)
    if where == "read-only folder":
        folder.chmod(0o555)
    before = _digest(db)
    results = _read_commands(db, other_user=True)
    for command, code, err, _out in results:
        assert code == 0, f"{command}: {err}"
        assert "damaged" not in err
    assert json.loads(results[0][3])["articles"] == 1
    assert _digest(db) == before  # not a byte written: no migration, no settings, no token cache
    # nothing but SQLite's own shared-memory files (which a reader makes where it may)
    assert {p.name for p in folder.iterdir()} <= {"lead.db", "lead.db-wal", "lead.db-shm"}


def test_a_pack_on_read_only_media_is_not_called_damaged(shared_dir, tmp_path):
    from annotator.core.assign import assign

    lead = tmp_path / "lead.db"
    with Store(lead) as store:
        for i in range(4):
            store.add_article(f"Article {i}: Kabul and Beijing signed a mining contract.")
        assign(store, ["ana", "bob"], shared_dir / "packs", overlap=0.5, seed=1)
    packs = shared_dir / "packs"
    packs.chmod(0o555)
    pack = packs / "ana.db"
    assert pack.exists(), sorted(packs.iterdir())
    result = _as_other_user("stats", "--db", str(pack), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["articles"] >= 2
    merged = run_cli("merge", str(pack), "--db", str(lead))
    assert merged.returncode == 0, merged.stderr


def test_reading_commands_do_not_wait_for_a_writer(tmp_path):
    db = tmp_path / "lead.db"
    _lead_project(db)
    writer = sqlite3.connect(db)
    writer.execute("BEGIN IMMEDIATE")  # an import in another process, holding the write lock
    try:
        started = time.monotonic()
        for command, code, err, _out in _read_commands(db):
            assert code == 0, f"{command}: {err}"
        assert time.monotonic() - started < 50  # one busy wait would be 60 s
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    with Store(db, readonly=True) as store:
        assert (
            store.conn.execute("SELECT count(*) FROM token_cache").fetchone()[0] == 0
        )  # nothing cached


def test_a_read_only_store_refuses_writes_with_a_message(tmp_path):
    db = tmp_path / "p.db"
    _lead_project(db)
    with Store(db, readonly=True) as store:
        with pytest.raises(ProjectError, match="read-only"):
            store.add_annotator("carl")
    with pytest.raises(ProjectError, match="no such project"):
        Store(tmp_path / "missing.db", readonly=True)


# -- backups and hand-back -----------------------------------------------------------------


def _busy_pack(path: Path, n: int) -> tuple[Store, list[str]]:
    """A project open in the window, its recent work still in the -wal (no checkpoint yet)."""
    store = Store(path)
    store.conn.execute("PRAGMA wal_autocheckpoint = 0")
    aid, _ = store.add_article("Kabul and Moscow agreed to exchange ambassadors in April 2025.")
    # distinct places: a merge folds identical spans into one
    uuids = [
        store.add_span(aid, "ana", i % 50, i % 50 + 1 + i // 50, "ACTOR").uuid for i in range(n)
    ]
    store.set_status(aid, "ana", "done")
    return store, uuids


def test_backup_of_a_project_in_use_is_one_consistent_file(tmp_path):
    store, uuids = _busy_pack(tmp_path / "p.db", 200)
    try:
        assert (tmp_path / "p.db-wal").stat().st_size > 0
        result = run_cli(
            "backup", "--db", str(tmp_path / "p.db"), "--out", str(tmp_path / "copy.db")
        )
        assert result.returncode == 0, result.stderr
        copy = sqlite3.connect(tmp_path / "copy.db")
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert {r[0] for r in copy.execute("SELECT uuid FROM spans")} == set(uuids)
        copy.close()
        store.add_span(store.article_ids()[0], "ana", 50, 55, "DATE")  # the project goes on
    finally:
        store.close()
    assert not list(tmp_path.glob(".copy.db.*"))  # nothing left beside it


def test_handback_while_open_keeps_everything_a_plain_copy_loses(tmp_path):
    lead = tmp_path / "lead.db"
    Store(lead).close()
    store, uuids = _busy_pack(tmp_path / "pack.db", 300)
    try:
        # what a user does with the file manager: the .db alone (cp in another process,
        # never a Python open() here, where a connection to the file is live)
        subprocess.run(["cp", str(tmp_path / "pack.db"), str(tmp_path / "naive.db")], check=True)
        result = run_cli(
            "handback", "--db", str(tmp_path / "pack.db"), "--out", str(tmp_path / "ana-back.db")
        )
        assert result.returncode == 0, result.stderr
        assert "300 span(s)" in result.stderr
    finally:
        store.close()
    naive = sqlite3.connect(tmp_path / "naive.db")
    try:
        naive_spans = naive.execute("SELECT count(*) FROM spans").fetchone()[0]
    except sqlite3.DatabaseError:
        naive_spans = 0  # the schema itself was still in the -wal
    naive.close()
    assert naive_spans < len(uuids)
    merged = run_cli("merge", str(tmp_path / "ana-back.db"), "--db", str(lead))
    assert merged.returncode == 0, merged.stderr
    with Store(lead) as got:
        assert {s.uuid for s in got.spans(got.article_ids()[0])} == set(uuids)
        assert got.status(got.article_ids()[0], "ana") == "done"


def test_backup_and_handback_errors_are_one_line(tmp_path):
    for command in ("backup", "handback"):
        assert run_cli(command, "--help").returncode == 0
        missing = run_cli(
            command, "--db", str(tmp_path / "none.db"), "--out", str(tmp_path / "x.db")
        )
        assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1
    Store(tmp_path / "p.db").close()
    same = run_cli("backup", "--db", str(tmp_path / "p.db"), "--out", str(tmp_path / "p.db"))
    assert same.returncode == 2 and "project itself" in same.stderr
    (tmp_path / "foreign.db").write_text("not a database", encoding="utf-8")
    foreign = run_cli(
        "backup", "--db", str(tmp_path / "foreign.db"), "--out", str(tmp_path / "y.db")
    )
    assert foreign.returncode == 2 and len(foreign.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "y.db").exists()
    folder = run_cli("backup", "--db", str(tmp_path / "p.db"), "--out", str(tmp_path))
    assert folder.returncode == 2


def test_rolling_backups_keep_the_newest_few(tmp_path):
    from annotator.core.backup import rolling_backup, rolling_backups

    store, uuids = _busy_pack(tmp_path / "p.db", 10)
    other = Store(tmp_path / "elsewhere" / "p.db")  # same name, other folder: kept apart
    try:
        made = [rolling_backup(store.path, tmp_path / "backups", keep=3) for _ in range(5)]
        rolling_backup(other.path, tmp_path / "backups", keep=3)
    finally:
        store.close()
        other.close()
    kept = rolling_backups(tmp_path / "p.db", tmp_path / "backups")
    assert kept == made[-3:]
    assert len(rolling_backups(tmp_path / "elsewhere" / "p.db", tmp_path / "backups")) == 1
    with Store(kept[-1], readonly=True) as copy:
        assert len(copy.spans(copy.article_ids()[0])) == 10
