"""Looking at a project file before and beside a connection to it.

Refusing foreign or newer files without writing to them, read-only URIs, and a
pack's record of itself. Only SQLite ever opens the file (see `check_file`).
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from annotator.core.errors import ProjectError, storage_error
from annotator.core.store.schema import APPLICATION_ID, SCHEMA_VERSION, foreign_objects


def _wal_pending(path: Path) -> bool:
    """Whether PATH has a write-ahead log with content (a size, not a read: see check_file)."""
    try:
        return os.stat(f"{path}-wal").st_size > 0
    except OSError:
        return False


def readonly_uri(path: Path) -> str:
    """An SQLite URI that reads PATH without ever writing to it or taking the write lock.

    A WAL-mode file on read-only media (a folder we cannot write, so no -shm can
    be made) opens only as `immutable`, and that is safe only while no -wal holds
    changes the main file lacks (SQLite would ignore them); then it stays mode=ro,
    and SQLite says plainly that it cannot open it.
    """
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if not os.access(path.resolve().parent, os.W_OK) and not _wal_pending(path):
        uri += "&immutable=1"
    return uri


DatabaseError = sqlite3.Error
"""Any failure of the database engine: named here so that the GUI never imports sqlite3."""


def is_busy(exc: BaseException) -> bool:
    """Whether a failed statement only waited too long for another connection's lock."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in str(exc)


def check_file(path: Path) -> None:
    """Refuse foreign or newer files without writing a byte to them.

    Only SQLite reads the file, through a read-only connection: opening it any
    other way and closing that descriptor would drop this process's POSIX locks
    on it while a connection of ours is open (SQLite's "How to corrupt", 2.2).
    """
    if not path.exists():
        return
    if path.is_dir():
        raise ProjectError(f"{path} is a folder, not an Annotator project")
    if path.stat().st_size == 0:
        return
    try:
        conn = sqlite3.connect(readonly_uri(path), uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            objects = conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_NOTADB:
            raise ProjectError(
                f"{path} is not an Annotator project (not an SQLite database)"
            ) from None
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_CANTOPEN" and _wal_pending(path):
            raise ProjectError(
                f"{path}: cannot read it here: its folder is read-only and {path.name}-wal holds "
                "changes not yet in the file; copy it together with its -wal to a writable folder"
            ) from None
        storage = storage_error(exc, str(path))
        if storage is not None:
            raise storage from None
        raise ProjectError(f"{path} is damaged or not an Annotator project ({exc})") from None
    if app_id != APPLICATION_ID and objects:
        raise ProjectError(
            f"{path} is an SQLite database of another application, not an Annotator project"
        )
    if version > SCHEMA_VERSION:
        raise ProjectError(
            f"{path} was written by a newer Annotator (schema {version}; this version "
            f"reads up to {SCHEMA_VERSION}); please upgrade Annotator"
        )
    foreign = foreign_objects(objects)
    if foreign:
        shown = ", ".join(foreign[:3]) + (
            f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
        )
        raise ProjectError(
            f"{path} holds objects that are not Annotator's ({shown}); refused as a foreign "
            "file, nothing was changed"
        )


def read_pack_info(path: str | Path) -> dict[str, Any] | None:
    """A pack's record of itself (annotator, lead project, round) and its article count,
    read through a read-only connection; None for a file that is not a pack of ours."""
    path = Path(path)
    try:
        check_file(path)
        conn = sqlite3.connect(readonly_uri(path), uri=True)
        try:
            row = conn.execute("SELECT value FROM project WHERE key = 'pack'").fetchone()
            count = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
    except (ProjectError, sqlite3.Error):
        return None
    info = json.loads(row[0]) if row else None
    return {**info, "article_count": count} if isinstance(info, dict) else None


def file_identity(path: Path) -> str:
    """Device and inode: a copied file has another, so its writes get a node of their own."""
    try:
        st = path.stat()
    except OSError:
        return ""
    return f"{st.st_dev}:{st.st_ino}"
