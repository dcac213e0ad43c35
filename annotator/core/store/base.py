"""The open connection: opening and migrating a file, transactions, the clock, settings.

`StoreBase` is what every part of `Store` stands on; the parts (articles,
spans, suggestions …) are mixins over it, composed in `annotator.core.store`.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
import uuid as uuidlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

import sqlite_utils

from annotator.core import clock
from annotator.core.errors import InputError, ProjectError
from annotator.core.model import LabelScheme
from annotator.core.paths import resource
from annotator.core.store.files import check_file, file_identity, readonly_uri
from annotator.core.store.rows import (
    DECISION_KEY_COLUMNS,
    DECISION_WHERE,
    insert_annotator,
    write_decision,
)
from annotator.core.store.schema import SCHEMA_VERSION, migrations, new_node


class UpgradeCancelled(ProjectError):
    """An older project's upgrade was stopped by its caller; nothing of it was written."""


class StoreBase:
    """The open connection that every part of `Store` works through (see `Store`)."""

    def __init__(
        self,
        path: str | Path,
        *,
        create: bool = True,
        wall_clock: clock.WallClock | None = None,
        readonly: bool = False,
        busy_timeout: float = 60.0,
        cancelled: Callable[[], bool] | None = None,
    ):
        """`readonly`: read through a `mode=ro` connection that never takes the write lock,
        migrates nothing and caches nothing (works on read-only files and media).
        `busy_timeout`: seconds a write waits for another connection's lock.
        `cancelled`: an upgrade of an older file stops, rolled back whole, once it is true
        (raises `UpgradeCancelled`)."""
        self.path = Path(path)
        self.readonly = readonly
        self.wall_clock: clock.WallClock = wall_clock or clock.wall_micros
        self._tx_stamp: int | None = None
        self._node = ""
        if (readonly or not create) and not self.path.exists():
            raise ProjectError(f"{self.path}: no such project file")
        check_file(self.path)
        if readonly and self._needs_migration():
            # an older file opened by a reading command: upgrade it once where that is allowed
            type(self)(self.path, create=False).close()
        try:
            if readonly:
                conn = sqlite3.connect(readonly_uri(self.path), uri=True, timeout=busy_timeout)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(str(self.path), timeout=busy_timeout)
        except (OSError, sqlite3.Error) as exc:
            raise ProjectError(f"{self.path}: cannot open ({exc})") from None
        conn.row_factory = sqlite3.Row
        self.db = sqlite_utils.Database(conn)
        self.conn = conn
        try:
            self.set_busy_timeout(busy_timeout)
            if not readonly:
                conn.execute("PRAGMA foreign_keys = ON")
                if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
                if cancelled is not None:  # checked every 10,000 SQLite steps of the upgrade
                    conn.set_progress_handler(lambda: 1 if cancelled() else 0, 10_000)
                try:
                    self._migrate()
                finally:
                    conn.set_progress_handler(None, 0)
            elif migrations.pending(self.db) and self.path.stat().st_size:
                raise ProjectError(
                    f"{self.path} was written by an older Annotator and is read-only here; "
                    "open it once where it can be written, to upgrade it"
                )
        except sqlite3.Error as exc:
            conn.close()
            if cancelled is not None and cancelled():
                raise UpgradeCancelled(
                    f"{self.path}: upgrade cancelled; the file is as it was"
                ) from None
            raise ProjectError(f"{self.path}: cannot open ({exc})") from None
        except ProjectError:
            conn.close()
            raise
        self._scheme: LabelScheme | None = None
        self._identity = file_identity(self.path)

    @staticmethod
    def upgrade_needed(path: str | Path) -> bool:
        """Whether opening the project at PATH for writing would first upgrade it (an older
        file: its migrations take a while on a large project). Reads only."""
        path = Path(path)
        if not path.exists() or not path.stat().st_size:
            return False
        try:
            conn = sqlite3.connect(readonly_uri(path), uri=True)
        except sqlite3.Error:
            return False
        try:
            return bool(migrations.pending(sqlite_utils.Database(conn)))
        except sqlite3.Error:
            return False  # not ours, or damaged: opening it says so
        finally:
            conn.close()

    def _needs_migration(self) -> bool:
        """An older file that can be upgraded in place (file and folder writable)."""
        if not self.path.stat().st_size or not os.access(self.path, os.W_OK):
            return False
        if not os.access(self.path.resolve().parent, os.W_OK):
            return False
        conn = sqlite3.connect(readonly_uri(self.path), uri=True)
        try:
            return bool(migrations.pending(sqlite_utils.Database(conn)))
        except sqlite3.Error:
            return False
        finally:
            conn.close()

    def set_busy_timeout(self, seconds: float) -> None:
        """How long a write waits for another connection's lock before it fails as busy."""
        self.busy_timeout = seconds
        self.conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")

    # -- lifecycle -----------------------------------------------------------

    def _migrate(self) -> None:
        if not migrations.pending(self.db):
            return  # the common case takes no write lock: readers never queue behind a writer
        with self._write():
            if not migrations.pending(self.db):
                return
            migrations.apply(self.db)
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self.conn.execute(
                "UPDATE clock SET file = ? WHERE file = ''", (file_identity(self.path),)
            )
            if self.conn.execute("SELECT count(*) FROM project").fetchone()[0] == 0:
                scheme = resource("scheme.json").read_text(encoding="utf-8")
                guidelines = resource("guidelines.md").read_text(encoding="utf-8")
                for key, value in {
                    "project_id": str(uuidlib.uuid4()),
                    "created_at": self._now(),
                    "scheme": json.loads(scheme),
                    "guidelines": guidelines,
                }.items():
                    self._put_setting(key, value)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One transaction, taken with the write lock up front."""
        if self.conn.in_transaction:
            yield
            return
        if self.readonly:
            raise ProjectError(f"{self.path}: opened read-only, so nothing can be written to it")
        self.conn.execute("BEGIN IMMEDIATE")
        self._tx_stamp = None
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._tx_stamp = None

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        """Inside a transaction: the writes of the block, or none of them."""
        self.conn.execute("SAVEPOINT part")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:  # SQLite rolls all back itself on a full disk
                with contextlib.suppress(sqlite3.OperationalError):
                    self.conn.execute("ROLLBACK TO part")
                    self.conn.execute("RELEASE part")
            raise
        else:
            self.conn.execute("RELEASE part")

    @contextmanager
    def grouped_writes(self, seconds: float = 0.5) -> Iterator[Callable[[], Any]]:
        """Many small writes (the files of a folder) in few transactions.

        Yields `part()`, a context manager: each part is all stored or none (a
        savepoint), and the transaction commits after the part that ends SECONDS
        after it began, and at the end. A `kill -9` loses the parts of the
        transaction in flight, whole; a commit per file would cost more than the
        file's rows (measured: 25 times, for a folder of small articles).
        """
        if self.readonly:
            raise ProjectError(f"{self.path}: opened read-only, so nothing can be written to it")
        began = [0.0]

        def commit() -> None:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")
            self._tx_stamp = None

        @contextmanager
        def part() -> Iterator[None]:
            if not self.conn.in_transaction:
                self.conn.execute("BEGIN IMMEDIATE")
                self._tx_stamp = None
                began[0] = time.monotonic()
            with self._savepoint():
                yield
            if time.monotonic() - began[0] >= seconds:
                commit()

        try:
            yield part
        finally:
            commit()  # the parts before a failure are whole: they stay, as with one commit each

    # -- the clock -----------------------------------------------------------

    def _now(self) -> str:
        """Wall time of this laptop, for the created_at/updated_at that exports show."""
        return clock.micros_to_iso(self.wall_clock())

    def _stamp(self) -> int:
        """This transaction's hybrid-logical-clock stamp (one for all its writes)."""
        if self._tx_stamp is None:
            last, node, ident = self.conn.execute(
                "SELECT last, node, file FROM clock WHERE id = 1"
            ).fetchone()
            stamp = clock.next_stamp(last, self.wall_clock())
            if ident != self._identity:  # a copy of the file: its writes are another node's
                node = new_node()
            self.conn.execute(
                "UPDATE clock SET last = ?, node = ?, file = ? WHERE id = 1",
                (stamp, node, self._identity),
            )
            self._tx_stamp, self._node = stamp, node
        return self._tx_stamp

    def _versioned(self, old_vv: str | None) -> tuple[int, str]:
        """(stamp, vector) of a write on top of a row whose vector is OLD_VV."""
        stamp = self._stamp()
        return stamp, clock.dump_vector(clock.bump(clock.parse_vector(old_vv), self._node, stamp))

    def _put_decision(
        self, table: str, key: tuple, decision: str | None, model: str | None
    ) -> None:
        """Record DECISION (accept / reject) on the suggestion at KEY of TABLE ("decisions"
        or "event_decisions"); None clears it, leaving a tombstone so that a merge does not
        bring it back. Nothing is written when nothing changes."""
        old = self.conn.execute(
            f"SELECT decision, model, cleared_at, vv FROM {table} WHERE {DECISION_WHERE[table]}",
            key,
        ).fetchone()
        if decision is None:
            if old is None or old["cleared_at"] is not None:
                return
            stamp, vv = self._versioned(old["vv"])
            wall = self._now()
            write_decision(self.conn, key, old["decision"], old["model"], wall, wall, stamp, vv,
                           table=table)  # fmt: skip
            return
        if old is not None and (old["decision"], old["model"], old["cleared_at"]) == (
            decision, model, None
        ):  # fmt: skip
            return
        stamp, vv = self._versioned(old["vv"] if old is not None else None)
        write_decision(self.conn, key, decision, model, self._now(), None, stamp, vv, table=table)

    def _decision_rows(
        self, table: str, article_id: int, annotator: str | None, where: str = ""
    ) -> list[dict]:
        """An article's live (not cleared) decisions of TABLE, of one ANNOTATOR if given."""
        keys = ", ".join(f'"{c}"' for c in DECISION_KEY_COLUMNS[table])
        sql = (
            f"SELECT {keys}, decision, model, updated_at FROM {table}"
            f" WHERE article_id = ? AND cleared_at IS NULL{where}"
        )
        params: list[Any] = [article_id]
        if annotator is not None:
            sql += " AND annotator = ?"
            params.append(annotator)
        order = ", ".join(f'"{c}"' for c in ("annotator", "start", "end", "label"))
        return [dict(r) for r in self._q(f"{sql} ORDER BY {order}", params)]

    def clock_stamp(self) -> int:
        """The newest stamp this file has issued or seen."""
        return self._q("SELECT last FROM clock WHERE id = 1")[0][0]

    def _advance_clock(self, seen: int) -> None:
        self.conn.execute("UPDATE clock SET last = max(last, ?) WHERE id = 1", (seen,))

    def advance_clock(self, seen: int) -> None:
        """Never issue a stamp at or below SEEN (a pack starts from its lead's clock)."""
        with self._write():
            self._advance_clock(seen)

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """Several writes as one: all stored, or none (the window's one undo step)."""
        return self._write()

    def _q(self, sql: str, params: Iterable[Any] | dict = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def _article_rows(
        self,
        table: str,
        columns: str,
        article_id: int,
        annotator: str | None,
        include_deleted: bool,
        order: str,
    ) -> list[sqlite3.Row]:
        """An article's rows of a tombstoned table (spans, events): one annotator's or
        everyone's, live ones unless INCLUDE_DELETED, in ORDER."""
        sql = f"SELECT {columns} FROM {table} WHERE article_id = ?"
        params: list[Any] = [article_id]
        if annotator is not None:
            sql += " AND annotator = ?"
            params.append(annotator)
        if not include_deleted:
            sql += " AND deleted_at IS NULL"
        return self._q(f"{sql} ORDER BY {order}", params)

    # -- settings and scheme -------------------------------------------------

    def _put_setting(self, key: str, value: Any) -> None:
        self.conn.execute(
            "INSERT INTO project(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value, ensure_ascii=False)),
        )

    def setting(self, key: str, default: Any = None) -> Any:
        rows = self._q("SELECT value FROM project WHERE key = ?", (key,))
        return json.loads(rows[0]["value"]) if rows else default

    def set_setting(self, key: str, value: Any) -> None:
        with self._write():
            self._put_setting(key, value)
        if key == "scheme":
            self._scheme = None

    @property
    def scheme(self) -> LabelScheme:
        if self._scheme is None:
            self._scheme = LabelScheme.from_dict(self.setting("scheme"))
        return self._scheme

    @property
    def guidelines(self) -> str:
        return self.setting("guidelines", "")

    # -- annotators ----------------------------------------------------------

    def _ensure_annotator(self, name: str) -> None:
        if not name or not name.strip():
            raise InputError("annotator name must not be empty")
        insert_annotator(self.conn, name, self._now())

    def add_annotator(self, name: str) -> None:
        with self._write():
            self._ensure_annotator(name)

    def annotators(self) -> list[str]:
        return [r["name"] for r in self._q("SELECT name FROM annotators ORDER BY name")]
