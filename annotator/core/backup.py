"""Consistent single-file copies of a project, taken through SQLite's backup API.

Copying a project's `.db` with the file manager while it is open (or after a
crash) leaves its newest work behind in the `-wal` file; and reading the file
by other means than SQLite while a connection of this process is open drops
SQLite's locks (see core/store/files.py). A backup here reads the project through SQLite
in one read transaction, so it is consistent while the window and the CLI keep
writing, never takes the write lock, and writes a file in rollback-journal
mode (`journal_mode = DELETE`): one file, safe to copy, mail or burn, that
opens on read-only media. The copy is written beside the target and renamed
into place: an interrupted backup leaves no half file.

Rolling backups (the window's) live in the user data folder, a few per
project, named after the project file.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from annotator.core.errors import InputError, ProjectError
from annotator.core.paths import user_data_dir
from annotator.core.store import Store, readonly_uri

KEEP = 5  # rolling backups kept per project


def _source(store_or_path: Store | str | Path) -> tuple[sqlite3.Connection, Path, bool]:
    """A connection to read from, the project's path, and whether we opened (and must close) it."""
    if isinstance(store_or_path, Store):
        return store_or_path.conn, store_or_path.path, False
    path = Path(store_or_path)
    if not path.is_file():
        raise InputError("no such project file", str(path))
    Store(path, readonly=True).close()  # checks that it is ours (not foreign, not newer)
    return sqlite3.connect(readonly_uri(path), uri=True, timeout=60), path, True


def backup(
    store_or_path: Store | str | Path,
    out: str | Path,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Write a consistent single-file copy of a project to OUT (atomically); return OUT.

    Works while the project is open and in use elsewhere; the copy has every
    committed change, including what still sits in the project's -wal.
    """
    target = Path(out)
    if target.is_dir():
        raise InputError("is a folder; give a file name", str(target))
    src, path, owned = _source(store_or_path)
    try:
        if target.exists() and target.resolve() == path.resolve():
            raise InputError("is the project itself; choose another file", str(target))
        parent = target.parent if str(target.parent) else Path(".")
        try:
            fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=parent)
            os.close(fd)
        except OSError as exc:
            raise InputError(f"cannot write ({exc.strerror})", str(target)) from None
        tmp = Path(tmp_name)
        try:
            dst = sqlite3.connect(tmp)
            try:
                # pages=-1: the whole file in one read transaction, so writers elsewhere
                # cannot make it restart (WAL readers and the writer do not block each other)
                src.backup(
                    dst,
                    pages=-1,
                    progress=(lambda _s, left, total: progress(total - left, total))
                    if progress
                    else None,
                )
                if dst.execute("PRAGMA journal_mode = DELETE").fetchone()[0].lower() != "delete":
                    raise ProjectError(f"{target}: could not make the copy a single file")
                check = dst.execute("PRAGMA quick_check").fetchone()[0]
                if check != "ok":
                    raise ProjectError(
                        f"{path}: the copy failed its check ({check}); the project may be damaged"
                    )
            finally:
                dst.close()
            os.replace(tmp, target)
        except sqlite3.Error as exc:
            raise ProjectError(f"{target}: backup of {path} failed ({exc})") from None
        except OSError as exc:
            raise InputError(f"cannot write ({exc.strerror})", str(target)) from None
        finally:
            for leftover in (tmp, Path(f"{tmp}-journal")):
                leftover.unlink(missing_ok=True)
    finally:
        if owned:
            src.close()
    return target


def checkpoint(store: Store) -> tuple[int, int, int]:
    """Move everything in the -wal into the project file and empty the -wal.

    Returns SQLite's (busy, log pages, checkpointed pages); busy = 1 means another
    connection was reading and the -wal could not be emptied completely (harmless).
    """
    row = store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return tuple(row)  # type: ignore[return-value]


# -- rolling backups ---------------------------------------------------------


def backups_dir() -> Path:
    return user_data_dir() / "backups"


def _prefix(project: Path) -> str:
    """Backups of a project are named after it, with a digest of its full path to keep
    two projects called `p.db` in different folders apart."""
    resolved = str(Path(project).resolve())
    digest = hashlib.sha1(resolved.encode("utf-8")).hexdigest()[:8]
    stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in Path(project).stem)[:60]
    return f"{stem}-{digest}-"


def rolling_backups(project: str | Path, folder: Path | None = None) -> list[Path]:
    """This project's rolling backups, oldest first."""
    folder = folder or backups_dir()
    return sorted(folder.glob(f"{_prefix(Path(project))}*.db"))


def rolling_backup(project: str | Path, folder: Path | None = None, keep: int = KEEP) -> Path:
    """A new timestamped backup of PROJECT in the backups folder; only the newest KEEP are kept."""
    folder = folder or backups_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"cannot create the backups folder ({exc.strerror})", str(folder)
        ) from None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    out = backup(project, folder / f"{_prefix(Path(project))}{stamp}.db")
    for old in rolling_backups(project, folder)[:-keep] if keep > 0 else []:
        old.unlink(missing_ok=True)
    return out


def handback(pack: str | Path, out: str | Path) -> dict:
    """The file an annotator sends the lead: a consistent single-file copy of their pack.

    Safe while the pack is open in the window: it has every stored span,
    including those not yet checkpointed out of the -wal. Returns what it holds.
    """
    target = backup(pack, out)
    with Store(target, readonly=True) as copy:
        info = copy.setting("pack") or {}
        spans = copy.conn.execute("SELECT count(*) FROM spans WHERE deleted_at IS NULL").fetchone()[
            0
        ]
        done = copy.conn.execute("SELECT count(*) FROM status WHERE status = 'done'").fetchone()[0]
    return {"out": str(target), "annotator": info.get("annotator"), "spans": spans, "done": done,
            "pack": bool(info)}  # fmt: skip
