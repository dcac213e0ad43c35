"""The project file: the one class that reads and writes SQLite.

A project is a single SQLite file (WAL mode) holding immutable articles
identified by the SHA-256 of their text, annotators, human spans with uuids
and tombstones, per-(article, annotator) statuses, and model suggestions kept
apart from human work. Every public write method is one transaction, begun
IMMEDIATE so that two processes writing at once queue instead of failing.
Opening a file that is not an Annotator project, or one written by a newer
version, raises ProjectError before anything touches the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import sqlite3
import uuid as uuidlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

from annotator.core import clock
from annotator.core.clock import LEGACY_NODE
from annotator.core.errors import InputError, ProjectError, storage_error
from annotator.core.model import (
    Article,
    ArticleIn,
    ArticleRow,
    LabelScheme,
    Span,
    Status,
    Suggestion,
)
from annotator.core.paths import resource
from annotator.core.store_boilerplate import (
    BoilerplateMixin,
    DecisionsMixin,
    HeaderMixin,
    copy_to_pack,
    insert_detected,
    merge_into,
    migrate_boilerplate,
)

APPLICATION_ID = 0x414E4E54  # "ANNT" in the SQLite header marks our files
MAX_ARTICLE_CHARS = 2_000_000

migrations = Migrations("annotator")


def now() -> str:
    """UTC timestamps as ISO strings: they sort lexically, which merge relies on."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def span_uuid(article_hash: str, annotator: str, start: int, end: int, label: str) -> str:
    """A deterministic id for imported spans that came without one.

    Re-importing the same file then updates the same spans instead of adding copies.
    """
    name = f"{article_hash}:{annotator}:{start}:{end}:{label}"
    return str(uuidlib.uuid5(uuidlib.NAMESPACE_URL, name))


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.executescript(
        """
        CREATE TABLE project (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            hash TEXT NOT NULL UNIQUE,
            text TEXT NOT NULL,
            title TEXT,
            source TEXT,
            published TEXT,
            meta TEXT NOT NULL DEFAULT '{}',
            length INTEGER NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE annotators (name TEXT PRIMARY KEY, created_at TEXT NOT NULL);
        CREATE TABLE spans (
            uuid TEXT PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            annotator TEXT NOT NULL REFERENCES annotators(name),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL,
            attrs TEXT NOT NULL DEFAULT '{}',
            origin TEXT NOT NULL DEFAULT 'manual',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            deleted_at TEXT,
            deleted_by TEXT,
            CHECK (start >= 0 AND "end" > start)
        );
        CREATE INDEX spans_article_annotator ON spans(article_id, annotator);
        CREATE TABLE status (
            article_id INTEGER NOT NULL REFERENCES articles(id),
            annotator TEXT NOT NULL REFERENCES annotators(name),
            status TEXT NOT NULL CHECK (status IN ('todo', 'in_progress', 'done', 'skipped')),
            updated_at TEXT NOT NULL,
            PRIMARY KEY (article_id, annotator)
        );
        CREATE TABLE suggestions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            model TEXT NOT NULL,
            model_version TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL,
            attrs TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            UNIQUE (article_id, model, model_version, start, "end", label)
        );
        CREATE INDEX suggestions_article ON suggestions(article_id);
        CREATE TABLE suggestion_runs (
            article_id INTEGER NOT NULL REFERENCES articles(id),
            model TEXT NOT NULL,
            model_version TEXT NOT NULL,
            count INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (article_id, model, model_version)
        );
        CREATE TABLE decisions (
            article_id INTEGER NOT NULL REFERENCES articles(id),
            annotator TEXT NOT NULL REFERENCES annotators(name),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL,
            decision TEXT NOT NULL CHECK (decision IN ('accept', 'reject')),
            model TEXT,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (article_id, annotator, start, "end", label)
        );
        """
    )


@migrations()
def m002_assignments(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE assignments (
            article_id INTEGER NOT NULL REFERENCES articles(id),
            annotator TEXT NOT NULL,
            overlap INTEGER NOT NULL DEFAULT 0,
            pack TEXT,
            assigned_at TEXT NOT NULL,
            PRIMARY KEY (article_id, annotator)
        );
        """
    )


@migrations()
def m003_token_cache(db: sqlite_utils.Database) -> None:
    # token offsets of immutable texts, so agreement need not re-tokenise a corpus each time
    db.executescript(
        """
        CREATE TABLE token_cache (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id),
            tokenizer TEXT NOT NULL,
            offsets BLOB NOT NULL
        );
        """
    )


@migrations()
def m004_clock(db: sqlite_utils.Database) -> None:
    # A hybrid logical clock per file and a version vector per row (see core/clock.py);
    # rows written before it get their wall time as the stamp of a shared "legacy" node.
    stamp = "CAST(round((julianday(updated_at) - 2440587.5) * 86400000.0) AS INTEGER) * 1000"
    db.executescript(
        f"""
        CREATE TABLE clock (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            last INTEGER NOT NULL,
            node TEXT NOT NULL,
            file TEXT NOT NULL DEFAULT ''
        );
        ALTER TABLE spans ADD COLUMN hlc INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE spans ADD COLUMN vv TEXT NOT NULL DEFAULT '{{}}';
        ALTER TABLE status ADD COLUMN hlc INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE status ADD COLUMN vv TEXT NOT NULL DEFAULT '{{}}';
        ALTER TABLE decisions ADD COLUMN hlc INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE decisions ADD COLUMN vv TEXT NOT NULL DEFAULT '{{}}';
        ALTER TABLE decisions ADD COLUMN cleared_at TEXT;
        UPDATE spans SET hlc = COALESCE({stamp}, 0);
        UPDATE status SET hlc = COALESCE({stamp}, 0);
        UPDATE decisions SET hlc = COALESCE({stamp}, 0);
        UPDATE spans SET vv = json_object('{LEGACY_NODE}', hlc);
        UPDATE status SET vv = json_object('{LEGACY_NODE}', hlc);
        UPDATE decisions SET vv = json_object('{LEGACY_NODE}', hlc);
        """
    )
    last = db.execute(
        "SELECT max(COALESCE((SELECT max(hlc) FROM spans), 0), COALESCE((SELECT max(hlc) FROM status), 0),"
        " COALESCE((SELECT max(hlc) FROM decisions), 0))"
    ).fetchone()[0]
    db.execute("INSERT INTO clock(id, last, node) VALUES (1, ?, ?)", (last or 0, _new_node()))


@migrations()
def m005_merge_conflicts(db: sqlite_utils.Database) -> None:
    # What merges resolved or skipped, kept so that review can list them.
    db.executescript(
        """
        CREATE TABLE merge_conflicts (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            reason TEXT NOT NULL,
            key TEXT NOT NULL,
            article_id INTEGER,
            annotator TEXT,
            kept TEXT NOT NULL,
            lost TEXT NOT NULL,
            source TEXT NOT NULL,
            merged_at TEXT NOT NULL,
            UNIQUE (kind, reason, key, kept, lost)
        );
        CREATE INDEX merge_conflicts_article ON merge_conflicts(article_id);
        """
    )


@migrations()
def m006_pack_rounds(db: sqlite_utils.Database) -> None:
    # Packs recorded before they are written, so that a killed `assign` is repaired by a re-run.
    db.executescript(
        """
        ALTER TABLE assignments ADD COLUMN round INTEGER NOT NULL DEFAULT 1;
        CREATE TABLE packs (
            round INTEGER NOT NULL,
            annotator TEXT NOT NULL,
            path TEXT NOT NULL,
            articles INTEGER NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('planned', 'written')),
            created_at TEXT NOT NULL,
            PRIMARY KEY (round, annotator)
        );
        INSERT INTO packs(round, annotator, path, articles, state, created_at)
            SELECT 1, annotator, COALESCE(max(pack), ''), count(*), 'written', min(assigned_at)
            FROM assignments GROUP BY annotator;
        """
    )


@migrations()
def m007_boilerplate(db: sqlite_utils.Database) -> None:
    migrate_boilerplate(db)  # boilerplate ranges and editable headers (#16)


SCHEMA_VERSION = len(migrations._migrations)

# Settings a pack carries from its lead project, so annotators work to the same scheme.
PACK_SETTINGS = ("scheme", "guidelines", "patterns", "gazetteer")


def _new_node() -> str:
    return uuidlib.uuid4().hex[:16]


def _normal_sql(sql: str | None) -> str:
    return " ".join((sql or "").split())


@lru_cache(maxsize=1)
def _our_objects() -> frozenset[tuple[str, str, str]]:
    """(type, name, sql) of every table, index, view and trigger some schema version of ours has.

    Built by applying the migrations one by one to a database in memory, so it
    follows whatever the migrations create, now and in later versions.
    """
    mem = sqlite_utils.Database(memory=True)
    seen: set[tuple[str, str, str]] = set()

    def collect() -> None:
        for kind, name, sql in mem.execute("SELECT type, name, sql FROM sqlite_master"):
            seen.add((kind, name, _normal_sql(sql) if kind in ("view", "trigger") else ""))

    for step in migrations._migrations:
        migrations.apply(mem, stop_before=step.name)
        collect()
    migrations.apply(mem)
    collect()
    mem.close()
    return frozenset(seen)


def _foreign_objects(rows: Iterable[tuple[str, str, str | None]]) -> list[str]:
    """Objects in a schema that are not ours: another program's tables, triggers or views."""
    ours = _our_objects()
    foreign = []
    for kind, name, sql in rows:
        if name.startswith("sqlite_"):
            continue
        key = (kind, name, _normal_sql(sql) if kind in ("view", "trigger") else "")
        if key not in ours:
            foreign.append(f"{kind} {name}")
    return foreign


def _wal_pending(path: Path) -> bool:
    """Whether PATH has a write-ahead log with content (a size, not a read: see _check_file)."""
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


def is_busy(exc: BaseException) -> bool:
    """Whether a failed statement only waited too long for another connection's lock."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in str(exc)


def _check_file(path: Path) -> None:
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
    foreign = _foreign_objects(objects)
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
        _check_file(path)
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


def _file_identity(path: Path) -> str:
    """Device and inode: a copied file has another, so its writes get a node of their own."""
    try:
        st = path.stat()
    except OSError:
        return ""
    return f"{st.st_dev}:{st.st_ino}"


def _json(value: Any) -> str:
    return json.dumps(value or {}, ensure_ascii=False, sort_keys=True)


SPAN_COLUMNS = (
    'uuid, article_id, annotator, start, "end", label, attrs, origin,'
    " created_at, updated_at, deleted_at, deleted_by"
)


def _span(row: sqlite3.Row | tuple) -> Span:
    """A span from a row selected with SPAN_COLUMNS (positional: this runs thousands of times)."""
    uid, article_id, annotator, start, end, label, attrs, origin, created, updated, deleted, by = (
        row
    )
    return Span(
        uid,
        article_id,
        annotator,
        start,
        end,
        label,
        {} if attrs == "{}" else json.loads(attrs),
        origin,
        created,
        updated,
        deleted,
        by,
    )


@dataclass
class ImportResult:
    imported: int = 0
    duplicates: int = 0
    spans: int = 0

    def __iadd__(self, other: ImportResult) -> ImportResult:
        self.imported += other.imported
        self.duplicates += other.duplicates
        self.spans += other.spans
        return self


@dataclass
class MergeResult:
    source: str
    articles: int = 0
    spans_added: int = 0
    spans_updated: int = 0
    spans_deleted: int = 0
    statuses: int = 0
    suggestions: int = 0
    decisions: int = 0
    duplicates: int = 0
    conflicts: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.source}: {self.articles} new article(s), {self.spans_added} span(s) added, "
            f"{self.spans_updated} updated, {self.spans_deleted} deleted, {self.statuses} status(es), "
            f"{self.suggestions} suggestion(s), {len(self.conflicts)} conflict(s) resolved, "
            f"{len(self.skipped)} span(s) skipped"
        )

    def details(self) -> list[str]:
        """One line per conflict and per skipped span, for the merge report."""
        return [f"conflict: {c}" for c in self.conflicts] + [f"skipped: {s}" for s in self.skipped]


@dataclass
class _Version:
    """One side of a merge for one row: what it says, its stamp and what it has seen."""

    content: tuple
    deleted: bool
    stamp: int
    vector: dict[str, int]

    @property
    def rank(self) -> tuple:
        return clock.conflict_rank(self.deleted, self.stamp, self.content)


def _settle(incoming: _Version, local: _Version) -> tuple[bool, bool, dict[str, int]]:
    """(take the incoming version, it was a conflict, the vector to store).

    A version made after seeing the other wins; versions that did not see each
    other are a conflict, settled by `clock.conflict_rank` and stored with the
    join of both vectors, so the result is the same in either merge direction
    and merging again changes nothing.
    """
    if incoming.content == local.content and incoming.deleted == local.deleted:
        return False, False, clock.join(incoming.vector, local.vector)  # the same: nothing to take
    relation = clock.compare(incoming.vector, local.vector)
    if relation == clock.AFTER:
        return True, False, incoming.vector
    if relation == clock.BEFORE:
        return False, False, local.vector
    return incoming.rank > local.rank, True, clock.join(incoming.vector, local.vector)


def _describe_span(content: tuple, deleted: bool) -> str:
    start, end, label = content[:3]
    return "deleted" if deleted else f"{label} {start}-{end}"


# one span row written, or rewritten in place (its id kept): import, merge and edits share it
_UPSERT_SPAN = (
    'INSERT INTO spans(uuid, article_id, annotator, start, "end", label, attrs, origin,'
    " created_at, updated_at, hlc, vv) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ' ON CONFLICT(uuid) DO UPDATE SET start = excluded.start, "end" = excluded."end",'
    " label = excluded.label, attrs = excluded.attrs, origin = excluded.origin,"
    " updated_at = excluded.updated_at, deleted_at = NULL, deleted_by = NULL,"
    " hlc = excluded.hlc, vv = excluded.vv"
)


class Store(BoilerplateMixin, HeaderMixin, DecisionsMixin):
    """An open project file. Not shared between threads: open one per thread.

    `wall_clock` (microseconds since the epoch) is this laptop's clock; tests
    replace it to play laptops whose clocks are wrong.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        create: bool = True,
        wall_clock: clock.WallClock | None = None,
        readonly: bool = False,
        busy_timeout: float = 60.0,
    ):
        """`readonly`: read through a `mode=ro` connection that never takes the write lock,
        migrates nothing and caches nothing (works on read-only files and media).
        `busy_timeout`: seconds a write waits for another connection's lock."""
        self.path = Path(path)
        self.readonly = readonly
        self.wall_clock: clock.WallClock = wall_clock or clock.wall_micros
        self._tx_stamp: int | None = None
        self._node = ""
        if (readonly or not create) and not self.path.exists():
            raise ProjectError(f"{self.path}: no such project file")
        _check_file(self.path)
        if readonly and self._needs_migration():
            # an older file opened by a reading command: upgrade it once where that is allowed
            Store(self.path, create=False).close()
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
                self._migrate()
            elif migrations.pending(self.db) and self.path.stat().st_size:
                raise ProjectError(
                    f"{self.path} was written by an older Annotator and is read-only here; "
                    "open it once where it can be written, to upgrade it"
                )
        except sqlite3.Error as exc:
            conn.close()
            raise ProjectError(f"{self.path}: cannot open ({exc})") from None
        except ProjectError:
            conn.close()
            raise
        self._scheme: LabelScheme | None = None
        self._identity = _file_identity(self.path)

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
                "UPDATE clock SET file = ? WHERE file = ''", (_file_identity(self.path),)
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

    def __enter__(self) -> Store:
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
                node = _new_node()
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

    def clock_stamp(self) -> int:
        """The newest stamp this file has issued or seen."""
        return self._q("SELECT last FROM clock WHERE id = 1")[0][0]

    def _advance_clock(self, seen: int) -> None:
        self.conn.execute("UPDATE clock SET last = max(last, ?) WHERE id = 1", (seen,))

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """Several writes as one: all stored, or none (the window's one undo step)."""
        return self._write()

    def _q(self, sql: str, params: Iterable[Any] | dict = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

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
        self.conn.execute(
            "INSERT OR IGNORE INTO annotators(name, created_at) VALUES (?, ?)", (name, self._now())
        )

    def add_annotator(self, name: str) -> None:
        with self._write():
            self._ensure_annotator(name)

    def annotators(self) -> list[str]:
        return [r["name"] for r in self._q("SELECT name FROM annotators ORDER BY name")]

    # -- articles ------------------------------------------------------------

    def _insert_article(self, item: ArticleIn) -> tuple[int, bool]:
        if len(item.text) > MAX_ARTICLE_CHARS:
            raise InputError(
                f"article of {len(item.text):,} characters exceeds the limit of "
                f"{MAX_ARTICLE_CHARS:,}; split it first",
                line=item.line,
            )
        if not item.text.strip():
            raise InputError("article text is empty")
        digest = text_hash(item.text)
        row = self._q("SELECT id FROM articles WHERE hash = ?", (digest,))
        if row:
            return row[0]["id"], False
        cur = self.conn.execute(
            "INSERT INTO articles(hash, text, title, source, published, meta, length, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                digest,
                item.text,
                item.title,
                item.source,
                item.published,
                _json(item.meta),
                len(item.text),
                now(),
            ),
        )
        return cur.lastrowid, True

    def add_article(self, text: str, **fields: Any) -> tuple[int, bool]:
        """Add one article; returns (id, created). The same text twice is one article."""
        with self._write():
            return self._insert_article(ArticleIn(text=text, **fields))

    def import_articles(
        self, items: Iterable[ArticleIn], default_annotator: str | None
    ) -> ImportResult:
        """Add a batch (one input file) in one transaction: all of it or nothing."""
        result = ImportResult()
        with self._write():
            for item in items:
                article_id, created = self._insert_article(item)
                if created:
                    insert_detected(self.conn, article_id, text_hash(item.text), item.text)
                    result.imported += 1
                else:
                    result.duplicates += 1
                if item.rejected:
                    self._import_rejections(article_id, item, item.annotator or default_annotator)
                if item.suggestions is not None:
                    self.set_suggestions(
                        article_id,
                        item.model or "import",
                        item.model_version or "",
                        [
                            Suggestion(article_id, s.start, s.end, s.label, s.attrs)
                            for s in item.suggestions
                        ],
                    )
                if item.spans is None:
                    continue
                annotator = item.annotator or default_annotator
                if not annotator:
                    raise InputError(
                        "record has spans but no annotator: give --annotator", line=item.line
                    )
                result.spans += self._import_spans(article_id, item, annotator)
        return result

    def _import_rejections(self, article_id: int, item: ArticleIn, annotator: str | None) -> None:
        if not annotator:
            raise InputError(
                "a rejection record needs an annotator: give --annotator", line=item.line
            )
        self._ensure_annotator(annotator)
        for s in item.rejected or []:
            self._put_decision(
                Suggestion(article_id, s.start, s.end, s.label, {}, None), annotator, "reject"
            )

    def all_statuses(self) -> dict[tuple[int, str], str]:
        return {
            (r["article_id"], r["annotator"]): r["status"] for r in self._q("SELECT * FROM status")
        }

    def _import_spans(self, article_id: int, item: ArticleIn, annotator: str) -> int:
        self._ensure_annotator(annotator)
        labels = set(self.scheme.names)
        digest = text_hash(item.text)
        stamp = self._now()
        for s in item.spans or []:
            if s.label not in labels:
                raise InputError(
                    f"unknown label {s.label!r} (the project's labels are {', '.join(sorted(labels))})",
                    line=item.line,
                )
            if not (0 <= s.start < s.end <= len(item.text)):
                raise InputError(
                    f"span {s.start}-{s.end} lies outside the text ({len(item.text)} characters)",
                    line=item.line,
                )
            uid = s.uuid or span_uuid(digest, annotator, s.start, s.end, s.label)
            self._import_span(
                uid, article_id, annotator, digest, s, s.created_at or stamp, s.updated_at or stamp
            )
        status = item.status or Status.DONE
        self._put_status(article_id, annotator, status)
        return len(item.spans or [])

    def _span_owner(self, uid: str) -> sqlite3.Row | None:
        return self.conn.execute(
            'SELECT article_id, annotator, start, "end", label, attrs, origin, updated_at, deleted_at, vv'
            " FROM spans WHERE uuid = ?",
            (uid,),
        ).fetchone()

    def _own_uuid(self, uid: str, article_hash: str, annotator: str) -> str:
        """The id an imported span gets when its own id is already another article's or annotator's.

        Derived from the original id and the new owner, so importing the same file
        again updates these spans instead of adding copies.
        """
        for n in itertools.count():
            candidate = str(
                uuidlib.uuid5(uuidlib.NAMESPACE_URL, f"{uid}:{article_hash}:{annotator}:{n}")
            )
            row = self._span_owner(candidate)
            if (
                row is None
                or row["annotator"] == annotator
                and self._q(
                    "SELECT 1 FROM articles WHERE id = ? AND hash = ?",
                    (row["article_id"], article_hash),
                )
            ):
                return candidate
        raise AssertionError("unreachable")

    def _import_span(self, uid, article_id, annotator, digest, s, created, updated) -> None:
        """One imported span: a span id of another article or annotator is never touched."""
        row = self._span_owner(uid)
        if row is not None and (row["article_id"], row["annotator"]) != (article_id, annotator):
            uid = self._own_uuid(uid, digest, annotator)
            row = self._span_owner(uid)
        attrs = _json(s.attrs)
        if row is not None:
            same = (row["start"], row["end"], row["label"], row["attrs"], row["origin"]) == (
                s.start, s.end, s.label, attrs, s.origin
            )  # fmt: skip
            if (same and row["deleted_at"] is None) or updated < row["updated_at"]:
                return  # nothing new, or older than what the project holds
        stamp, vv = self._versioned(row["vv"] if row is not None else None)
        self.conn.execute(
            _UPSERT_SPAN,
            (
                uid,
                article_id,
                annotator,
                s.start,
                s.end,
                s.label,
                attrs,
                s.origin,
                created,
                updated,
                stamp,
                vv,
            ),
        )

    def _upsert_span(
        self, uid, article_id, annotator, start, end, label, attrs, origin, *, new=False
    ) -> None:
        """A span written here and now (added, accepted, re-added by redo), stamped by the clock."""
        old = None if new else self._span_owner(uid)
        if old is not None and (old["article_id"], old["annotator"]) != (article_id, annotator):
            raise InputError(f"span id {uid} belongs to another article or annotator")
        stamp, vv = self._versioned(old["vv"] if old is not None else None)
        wall = self._now()
        self.conn.execute(
            _UPSERT_SPAN,
            (
                uid,
                article_id,
                annotator,
                start,
                end,
                label,
                _json(attrs),
                origin,
                wall,
                wall,
                stamp,
                vv,
            ),
        )

    def _restamp_span(self, uid: str, sets: str, params: tuple) -> None:
        """Change a span in place (edit, delete, restore) as a new version of it."""
        old = self._span_owner(uid)
        if old is None:
            raise KeyError(uid)
        stamp, vv = self._versioned(old["vv"])
        self.conn.execute(
            f"UPDATE spans SET {sets}, updated_at = ?, hlc = ?, vv = ? WHERE uuid = ?",
            (*params, self._now(), stamp, vv, uid),
        )

    def article(self, article_id: int) -> Article:
        rows = self._q("SELECT * FROM articles WHERE id = ?", (article_id,))
        if not rows:
            raise KeyError(article_id)
        r = rows[0]
        return Article(
            id=r["id"],
            hash=r["hash"],
            text=r["text"],
            title=r["title"],
            source=r["source"],
            published=r["published"],
            meta=json.loads(r["meta"]),
            created_at=r["created_at"],
        )

    def articles_bulk(self, ids: list[int]) -> dict[int, Article]:
        """Several articles in one query (exports stream through chunks of these)."""
        marks = ",".join(str(int(i)) for i in ids)
        out = {}
        for r in self._q(
            f"SELECT * FROM articles WHERE id IN ({marks})"
            if ids
            else "SELECT * FROM articles WHERE 0"
        ):
            out[r["id"]] = Article(
                id=r["id"], hash=r["hash"], text=r["text"], title=r["title"], source=r["source"],
                published=r["published"], meta=json.loads(r["meta"]), created_at=r["created_at"],
            )  # fmt: skip
        return out

    def spans_bulk(
        self, ids: list[int], annotator: str | None = None
    ) -> dict[tuple[int, str], list[Span]]:
        """Live spans of several articles, keyed by (article id, annotator), in span order."""
        marks = ",".join(str(int(i)) for i in ids) or "NULL"
        sql = (
            f"SELECT {SPAN_COLUMNS} FROM spans WHERE article_id IN ({marks}) AND deleted_at IS NULL"
        )
        params: tuple = ()
        if annotator is not None:
            sql += " AND annotator = ?"
            params = (annotator,)
        out: dict[tuple[int, str], list[Span]] = {}
        for row in self._q(sql + ' ORDER BY start, "end", label, annotator, uuid', params):
            span = _span(row)
            out.setdefault((span.article_id, span.annotator), []).append(span)
        return out

    def token_offsets(self, ids: list[int], tokenizer: str, compute) -> dict[int, bytes]:
        """Cached token offsets per article; `compute(text) -> bytes` fills the gaps (and the cache)."""
        marks = ",".join(str(int(i)) for i in ids) or "NULL"
        out = {
            r["article_id"]: r["offsets"]
            for r in self._q(
                f"SELECT article_id, offsets FROM token_cache WHERE article_id IN ({marks}) AND tokenizer = ?",
                (tokenizer,),
            )
        }
        missing = [i for i in ids if i not in out]
        if missing:
            fresh = {i: compute(a.text) for i, a in self.articles_bulk(missing).items()}
            if self.readonly:  # compute without caching: a reading command writes nothing
                out.update(fresh)
                return out
            with self._write():
                self.conn.executemany(
                    "INSERT OR REPLACE INTO token_cache(article_id, tokenizer, offsets) VALUES (?, ?, ?)",
                    [(i, tokenizer, blob) for i, blob in fresh.items()],
                )
            out.update(fresh)
        return out

    def span_triples_bulk(
        self, ids: list[int]
    ) -> dict[tuple[int, str], list[tuple[int, int, str]]]:
        """(start, end, label) of live spans per (article, annotator): what metrics need, cheaply."""
        if ids and ids[-1] - ids[0] + 1 == len(ids) and ids == sorted(ids):
            where, params = (
                "article_id BETWEEN ? AND ?",
                (ids[0], ids[-1]),
            )  # a run: the index range
        else:
            where, params = f"article_id IN ({','.join(str(int(i)) for i in ids) or 'NULL'})", ()
        out: dict[tuple[int, str], list[tuple[int, int, str]]] = {}
        rows = self.conn.execute(
            f'SELECT article_id, annotator, start, "end", label FROM spans WHERE {where}'
            ' AND deleted_at IS NULL ORDER BY article_id, annotator, start, "end", label',
            params,
        )
        key, bucket = None, None
        for aid, annotator, start, end, label in rows:
            if (aid, annotator) != key:
                key = (aid, annotator)
                bucket = out[key] = []
            bucket.append((start, end, label))
        return out

    def article_id_by_hash(self, digest: str) -> int | None:
        rows = self._q("SELECT id FROM articles WHERE hash = ?", (digest,))
        return rows[0]["id"] if rows else None

    def article_ids(self) -> list[int]:
        return [r["id"] for r in self._q("SELECT id FROM articles ORDER BY id")]

    def article_count(self) -> int:
        return self._q("SELECT count(*) AS n FROM articles")[0]["n"]

    def count_status(self, annotator: str, status: str) -> int:
        return self._q(
            "SELECT count(*) AS n FROM status WHERE annotator = ? AND status = ?",
            (annotator, str(status)),
        )[0]["n"]

    def article_row(self, article_id: int, annotator: str | None = None) -> ArticleRow:
        return self.list_articles(annotator, ids=[article_id])[0]

    def list_articles(
        self,
        annotator: str | None = None,
        *,
        status: str | None = None,
        search: str | None = None,
        ids: list[int] | None = None,
    ) -> list[ArticleRow]:
        """Rows for an article list: no texts, with this annotator's status and span count."""
        sql = """
            SELECT a.id, a.title, a.published, a.length, a.source,
                   COALESCE(st.status, 'todo') AS status,
                   (SELECT count(*) FROM spans s WHERE s.article_id = a.id
                      AND s.annotator = :ann AND s.deleted_at IS NULL) AS span_count
            FROM articles a
            LEFT JOIN status st ON st.article_id = a.id AND st.annotator = :ann
        """
        where, params = [], {"ann": annotator or ""}
        if status:
            where.append("COALESCE(st.status, 'todo') = :status")
            params["status"] = status
        if search:
            where.append("(a.title LIKE :q OR instr(lower(a.text), lower(:raw)) > 0)")
            params["q"] = f"%{search}%"
            params["raw"] = search
        if ids is not None:
            where.append(f"a.id IN ({','.join(str(int(i)) for i in ids)})")
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY a.id"
        return [
            ArticleRow(
                id=r["id"],
                title=r["title"],
                published=r["published"],
                length=r["length"],
                status=r["status"],
                span_count=r["span_count"],
                source=r["source"],
            )
            for r in self._q(sql, params)
        ]

    def list_article_ids(
        self, annotator: str | None = None, *, status: str | None = None, search: str | None = None
    ) -> list[int]:
        """Ids of the articles a list shows, in list order: rows are fetched later, page by page.

        Same filters as `list_articles`, without per-row work, so that a list of
        100,000 articles opens at once.
        """
        sql, where, params = "SELECT a.id FROM articles a", [], {"ann": annotator or ""}
        if status:
            sql += " LEFT JOIN status st ON st.article_id = a.id AND st.annotator = :ann"
            where.append("COALESCE(st.status, 'todo') = :status")
            params["status"] = status
        if search:
            where.append("(a.title LIKE :q OR instr(lower(a.text), lower(:raw)) > 0)")
            params["q"] = f"%{search}%"
            params["raw"] = search
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY a.id"
        return [r[0] for r in self.conn.execute(sql, params)]

    # -- spans ---------------------------------------------------------------

    def _check_span(self, article_id: int, start: int, end: int, label: str) -> None:
        if self.scheme.get(label) is None:
            raise InputError(f"unknown label {label!r}")
        rows = self._q("SELECT length FROM articles WHERE id = ?", (article_id,))
        if not rows:
            raise InputError(f"no article {article_id}")
        if not (0 <= start < end <= rows[0]["length"]):
            raise InputError(f"span {start}-{end} lies outside article {article_id}")

    def add_span(
        self,
        article_id: int,
        annotator: str,
        start: int,
        end: int,
        label: str,
        attrs: dict[str, Any] | None = None,
        *,
        origin: str = "manual",
        uuid: str | None = None,
    ) -> Span:
        self._check_span(article_id, start, end, label)
        uid = uuid or str(uuidlib.uuid4())
        with self._write():
            self._ensure_annotator(annotator)
            self._upsert_span(
                uid, article_id, annotator, start, end, label, attrs, origin, new=uuid is None
            )
            self._touch_status(article_id, annotator)
        return self.span(uid)

    def update_span(
        self,
        uid: str,
        *,
        label: str | None = None,
        start: int | None = None,
        end: int | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> Span:
        old = self.span(uid)
        new_start = old.start if start is None else start
        new_end = old.end if end is None else end
        new_label = old.label if label is None else label
        self._check_span(old.article_id, new_start, new_end, new_label)
        with self._write():
            self._restamp_span(
                uid,
                'start = ?, "end" = ?, label = ?, attrs = ?',
                (new_start, new_end, new_label, _json(old.attrs if attrs is None else attrs)),
            )
        return self.span(uid)

    def delete_span(self, uid: str, by: str) -> None:
        """Leave a tombstone, so that merging another copy does not bring the span back."""
        with self._write():
            self._restamp_span(uid, "deleted_at = ?, deleted_by = ?", (self._now(), by))

    def restore_span(self, uid: str) -> Span:
        with self._write():
            self._restamp_span(uid, "deleted_at = NULL, deleted_by = NULL", ())
        return self.span(uid)

    def span(self, uid: str) -> Span:
        rows = self._q(f"SELECT {SPAN_COLUMNS} FROM spans WHERE uuid = ?", (uid,))
        if not rows:
            raise KeyError(uid)
        return _span(rows[0])

    def spans(
        self, article_id: int, annotator: str | None = None, *, include_deleted: bool = False
    ) -> list[Span]:
        sql = f"SELECT {SPAN_COLUMNS} FROM spans WHERE article_id = ?"
        params: list[Any] = [article_id]
        if annotator is not None:
            sql += " AND annotator = ?"
            params.append(annotator)
        if not include_deleted:
            sql += " AND deleted_at IS NULL"
        sql += ' ORDER BY start, "end", label, annotator, uuid'
        return [_span(r) for r in self._q(sql, params)]

    # -- status --------------------------------------------------------------

    def _put_status(self, article_id: int, annotator: str, status: str) -> None:
        value = str(Status(status))
        old = self.conn.execute(
            "SELECT status, vv FROM status WHERE article_id = ? AND annotator = ?",
            (article_id, annotator),
        ).fetchone()
        if old is not None and old["status"] == value:
            return  # setting what is there is no new version
        stamp, vv = self._versioned(old["vv"] if old is not None else None)
        self.conn.execute(
            "INSERT INTO status(article_id, annotator, status, updated_at, hlc, vv) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(article_id, annotator) DO UPDATE SET status = excluded.status,"
            " updated_at = excluded.updated_at, hlc = excluded.hlc, vv = excluded.vv",
            (article_id, annotator, value, self._now(), stamp, vv),
        )

    def _touch_status(self, article_id: int, annotator: str) -> None:
        """Starting work on a todo article makes it in progress."""
        if self.status(article_id, annotator) == Status.TODO:
            self._put_status(article_id, annotator, Status.IN_PROGRESS)

    def set_status(self, article_id: int, annotator: str, status: str) -> None:
        with self._write():
            self._ensure_annotator(annotator)
            self._put_status(article_id, annotator, status)

    def status(self, article_id: int, annotator: str) -> str:
        rows = self._q(
            "SELECT status FROM status WHERE article_id = ? AND annotator = ?",
            (article_id, annotator),
        )
        return rows[0]["status"] if rows else str(Status.TODO)

    def statuses(self, article_id: int) -> dict[str, str]:
        rows = self._q("SELECT annotator, status FROM status WHERE article_id = ?", (article_id,))
        return {r["annotator"]: r["status"] for r in rows}

    # -- suggestions ---------------------------------------------------------

    def has_suggestions(self, article_id: int, model: str, model_version: str) -> bool:
        return bool(
            self._q(
                "SELECT 1 FROM suggestion_runs WHERE article_id = ? AND model = ? AND model_version = ?",
                (article_id, model, model_version),
            )
        )

    def articles_without_suggestions(self, model: str, model_version: str) -> list[int]:
        rows = self._q(
            "SELECT id FROM articles a WHERE NOT EXISTS (SELECT 1 FROM suggestion_runs r"
            " WHERE r.article_id = a.id AND r.model = ? AND r.model_version = ?) ORDER BY id",
            (model, model_version),
        )
        return [r["id"] for r in rows]

    def set_suggestions(
        self, article_id: int, model: str, model_version: str, suggestions: Iterable[Suggestion]
    ) -> int:
        """Store one model version's suggestions for an article, replacing older versions'."""
        stamp = now()
        rows = [
            (article_id, model, model_version, s.start, s.end, s.label, _json(s.attrs), stamp)
            for s in suggestions
        ]
        with self._write():
            self.conn.execute(
                "DELETE FROM suggestions WHERE article_id = ? AND model = ?", (article_id, model)
            )
            self.conn.execute(
                "DELETE FROM suggestion_runs WHERE article_id = ? AND model = ?",
                (article_id, model),
            )
            self.conn.executemany(
                'INSERT OR IGNORE INTO suggestions(article_id, model, model_version, start, "end",'
                " label, attrs, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            self.conn.execute(
                "INSERT INTO suggestion_runs(article_id, model, model_version, count, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (article_id, model, model_version, len(rows), stamp),
            )
        return len(rows)

    def suggestions(
        self, article_id: int, annotator: str | None = None, *, model: str | None = None
    ) -> list[Suggestion]:
        """Suggestions for an article; with an annotator, only those still open for them.

        A suggestion is settled for an annotator once they accepted or rejected
        it, or already have a span with the same offsets and label.
        """
        sql = "SELECT * FROM suggestions g WHERE article_id = :a"
        params: dict[str, Any] = {"a": article_id}
        if model:
            sql += " AND model = :m"
            params["m"] = model
        if annotator is not None:
            params["ann"] = annotator
            sql += """
                AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.article_id = g.article_id
                    AND d.annotator = :ann AND d.start = g.start AND d."end" = g."end"
                    AND d.label = g.label AND d.cleared_at IS NULL)
                AND NOT EXISTS (SELECT 1 FROM spans s WHERE s.article_id = g.article_id
                    AND s.annotator = :ann AND s.start = g.start AND s."end" = g."end"
                    AND s.label = g.label AND s.deleted_at IS NULL)
            """
        sql += ' ORDER BY start, "end", label, model'
        return [
            Suggestion(
                article_id=r["article_id"],
                start=r["start"],
                end=r["end"],
                label=r["label"],
                attrs=json.loads(r["attrs"]),
                model=r["model"],
                model_version=r["model_version"],
            )
            for r in self._q(sql, params)
        ]

    def suggestion_models(self) -> list[str]:
        return [
            r["model"] for r in self._q("SELECT DISTINCT model FROM suggestions ORDER BY model")
        ]

    def _old_decision(self, s: Suggestion, annotator: str) -> sqlite3.Row | None:
        return self.conn.execute(
            "SELECT decision, model, cleared_at, vv FROM decisions WHERE article_id = ? AND annotator = ?"
            ' AND start = ? AND "end" = ? AND label = ?',
            (s.article_id, annotator, s.start, s.end, s.label),
        ).fetchone()

    def _put_decision(self, s: Suggestion, annotator: str, decision: str) -> None:
        old = self._old_decision(s, annotator)
        if old is not None and (old["decision"], old["model"], old["cleared_at"]) == (
            decision,
            s.model,
            None,
        ):
            return
        stamp, vv = self._versioned(old["vv"] if old is not None else None)
        self.conn.execute(
            'INSERT INTO decisions(article_id, annotator, start, "end", label, decision, model,'
            " updated_at, hlc, vv) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ' ON CONFLICT(article_id, annotator, start, "end", label) DO UPDATE SET'
            " decision = excluded.decision, model = excluded.model, updated_at = excluded.updated_at,"
            " cleared_at = NULL, hlc = excluded.hlc, vv = excluded.vv",
            (
                s.article_id,
                annotator,
                s.start,
                s.end,
                s.label,
                decision,
                s.model,
                self._now(),
                stamp,
                vv,
            ),
        )

    def accept_suggestions(self, annotator: str, suggestions: Iterable[Suggestion]) -> list[Span]:
        """Copy suggestions into the annotator's spans (one transaction for all of them)."""
        uids = []
        with self._write():
            self._ensure_annotator(annotator)
            for s in suggestions:
                uid = str(uuidlib.uuid4())
                origin = f"model:{s.model}@{s.model_version}" if s.model else "model"
                self._upsert_span(
                    uid, s.article_id, annotator, s.start, s.end, s.label, s.attrs, origin, new=True
                )
                self._put_decision(s, annotator, "accept")
                self._touch_status(s.article_id, annotator)
                uids.append(uid)
        return [self.span(u) for u in uids]

    def accept_suggestions_decisions(
        self, annotator: str, suggestions: Iterable[Suggestion]
    ) -> None:
        """Record accept decisions again (redo after undo) without new spans."""
        with self._write():
            for s in suggestions:
                self._put_decision(s, annotator, "accept")

    def accept_suggestion(self, annotator: str, suggestion: Suggestion) -> Span:
        return self.accept_suggestions(annotator, [suggestion])[0]

    def reject_suggestion(self, annotator: str, suggestion: Suggestion) -> None:
        with self._write():
            self._ensure_annotator(annotator)
            self._put_decision(suggestion, annotator, "reject")
            self._touch_status(suggestion.article_id, annotator)

    def clear_decision(self, annotator: str, suggestion: Suggestion) -> None:
        """Forget an accept or reject (undo): the suggestion is open again.

        The row stays as a tombstone, so that a merge does not bring the decision back.
        """
        with self._write():
            old = self._old_decision(suggestion, annotator)
            if old is None or old["cleared_at"] is not None:
                return
            stamp, vv = self._versioned(old["vv"])
            self.conn.execute(
                "UPDATE decisions SET cleared_at = ?, updated_at = ?, hlc = ?, vv = ? WHERE article_id = ?"
                ' AND annotator = ? AND start = ? AND "end" = ? AND label = ?',
                (self._now(), self._now(), stamp, vv, suggestion.article_id, annotator,
                 suggestion.start, suggestion.end, suggestion.label),
            )  # fmt: skip

    def decided_places(self, article_id: int, annotator: str) -> set[tuple[int, int, str]]:
        """(start, end, label) of the suggestions an annotator accepted or rejected in an article.

        With the article's suggestions held in memory, the window tells open from
        settled ones by this short read instead of reading thousands of suggestions again.
        """
        sql = (
            'SELECT start, "end", label FROM decisions WHERE article_id = ? AND annotator = ?'
            " AND cleared_at IS NULL"  # a cleared decision is a tombstone: the suggestion is open
        )
        return {(r[0], r[1], r[2]) for r in self._q(sql, (article_id, annotator))}

    def rejections(self, article_id: int, annotator: str | None = None) -> list[dict[str, Any]]:
        sql = (
            'SELECT article_id, annotator, start, "end", label, decision, model, updated_at FROM decisions'
            " WHERE article_id = ? AND decision = 'reject' AND cleared_at IS NULL"
        )
        params: list[Any] = [article_id]
        if annotator is not None:
            sql += " AND annotator = ?"
            params.append(annotator)
        return [dict(r) for r in self._q(sql + ' ORDER BY annotator, start, "end", label', params)]

    # -- summaries -----------------------------------------------------------

    def annotated_pairs(self, annotator: str | None = None) -> list[tuple[int, str]]:
        """(article id, annotator) pairs that have live spans or a status, in order."""
        sql = """
            SELECT article_id, annotator FROM status
            UNION SELECT article_id, annotator FROM spans WHERE deleted_at IS NULL
        """
        rows = self._q(f"SELECT * FROM ({sql}) ORDER BY article_id, annotator")
        return [
            (r["article_id"], r["annotator"])
            for r in rows
            if annotator is None or r["annotator"] == annotator
        ]

    def stats(self) -> dict[str, Any]:
        spans: dict[str, dict[str, int]] = {}
        for r in self._q(
            "SELECT annotator, label, count(*) AS n FROM spans WHERE deleted_at IS NULL"
            " GROUP BY annotator, label ORDER BY annotator, label"
        ):
            spans.setdefault(r["annotator"], {})[r["label"]] = r["n"]
        status: dict[str, dict[str, int]] = {}
        for r in self._q(
            "SELECT annotator, status, count(*) AS n FROM status GROUP BY annotator, status"
            " ORDER BY annotator, status"
        ):
            status.setdefault(r["annotator"], {})[r["status"]] = r["n"]
        suggestions = {
            r["model"]: r["n"]
            for r in self._q(
                "SELECT model, count(*) AS n FROM suggestions GROUP BY model ORDER BY model"
            )
        }
        return {
            "articles": self.article_count(),
            "annotators": self.annotators(),
            "spans": spans,
            "status": status,
            "suggestions": suggestions,
            "assignments": self.assignment_stats(),
            "overlap_articles": len(self.overlap_articles()),
        }

    # -- assignments (handing out packs) -------------------------------------

    def assignable_articles(self, only_status: str | None = None) -> dict[int, int]:
        """{article id: length} of articles nobody has finished (or all at `only_status`)."""
        if only_status:
            sql = (
                "SELECT id, length FROM articles a WHERE NOT EXISTS (SELECT 1 FROM status s"
                " WHERE s.article_id = a.id AND s.status != ? AND s.annotator != 'gold')"
            )
            params: tuple = (str(Status(only_status)),)
        else:
            sql = (
                "SELECT id, length FROM articles a WHERE NOT EXISTS (SELECT 1 FROM status s"
                " WHERE s.article_id = a.id AND s.status = 'done')"
            )
            params = ()
        return {r["id"]: r["length"] for r in self._q(sql, params)}

    def assigned_articles(self) -> dict[str, set[int]]:
        out: dict[str, set[int]] = {}
        for r in self._q("SELECT annotator, article_id FROM assignments"):
            out.setdefault(r["annotator"], set()).add(r["article_id"])
        return out

    def record_round(self, packs: dict[str, tuple[str, list[int]]], overlap: set[int]) -> int:
        """Record a new round of packs, all of it in one transaction, before any pack is written.

        `packs` maps annotators to (pack path, article ids). Returns the round number.
        A kill after this leaves the packs 'planned': `pending_packs` lists them for a re-run.
        """
        stamp = self._now()
        with self._write():
            number = self.assignment_round() + 1
            for annotator, (path, ids) in packs.items():
                self.conn.executemany(
                    "INSERT INTO assignments(article_id, annotator, overlap, pack, assigned_at, round)"
                    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(article_id, annotator) DO NOTHING",
                    [(a, annotator, int(a in overlap), path, stamp, number) for a in ids],
                )
                self.conn.execute(
                    "INSERT INTO packs(round, annotator, path, articles, state, created_at)"
                    " VALUES (?, ?, ?, ?, 'planned', ?)",
                    (number, annotator, path, len(ids), stamp),
                )
        return number

    def assignment_round(self) -> int:
        """The newest round of packs handed out (0 before the first)."""
        return self._q("SELECT COALESCE(max(round), 0) FROM packs")[0][0]

    def pack_records(self, round: int | None = None) -> list[dict[str, Any]]:
        """Packs as recorded: round, annotator, path, articles, state ('planned' or 'written')."""
        sql, params = "SELECT * FROM packs", ()
        if round is not None:
            sql, params = sql + " WHERE round = ?", (round,)
        return [dict(r) for r in self._q(sql + " ORDER BY round, annotator", params)]

    def pending_packs(self) -> list[dict[str, Any]]:
        return [p for p in self.pack_records() if p["state"] == "planned"]

    def round_assignments(self, round: int) -> tuple[dict[str, list[int]], set[int]]:
        """({annotator: article ids}, overlap articles) of one round, as recorded."""
        packs: dict[str, list[int]] = {p["annotator"]: [] for p in self.pack_records(round)}
        overlap: set[int] = set()
        for r in self._q(
            "SELECT article_id, annotator, overlap FROM assignments WHERE round = ? ORDER BY article_id",
            (round,),
        ):
            packs.setdefault(r["annotator"], []).append(r["article_id"])
            if r["overlap"]:
                overlap.add(r["article_id"])
        return packs, overlap

    def article_lengths(self, ids: Iterable[int]) -> dict[int, int]:
        marks = ",".join(str(int(i)) for i in ids) or "NULL"
        return {
            r["id"]: r["length"]
            for r in self._q(f"SELECT id, length FROM articles WHERE id IN ({marks})")
        }

    def mark_pack_written(self, round: int, annotator: str) -> None:
        with self._write():
            self.conn.execute(
                "UPDATE packs SET state = 'written' WHERE round = ? AND annotator = ?",
                (round, annotator),
            )

    def has_assignments(self) -> bool:
        return bool(self._q("SELECT 1 FROM assignments LIMIT 1"))

    def assignment_labels(self) -> dict[int, str]:
        """Per article, who has it ("ana, ben ⧉" marks the overlap), for the article list."""
        out: dict[int, list[str]] = {}
        for r in self._q("SELECT article_id, annotator FROM assignments ORDER BY annotator"):
            out.setdefault(r["article_id"], []).append(r["annotator"])
        return {a: ", ".join(n) + (" ⧉" if len(n) > 1 else "") for a, n in out.items()}

    def overlap_articles(self) -> set[int]:
        """Articles handed to more than one annotator."""
        rows = self._q("SELECT article_id FROM assignments GROUP BY article_id HAVING count(*) > 1")
        return {r["article_id"] for r in rows}

    def assignment_stats(self) -> dict[str, dict[str, int]]:
        """Per annotator: assigned, done, remaining, and how many are in the overlap."""
        rows = self._q(
            """
            SELECT g.annotator, count(*) AS assigned,
                   sum(CASE WHEN st.status = 'done' THEN 1 ELSE 0 END) AS done,
                   sum(g.overlap) AS overlap
            FROM assignments g
            LEFT JOIN status st ON st.article_id = g.article_id AND st.annotator = g.annotator
            GROUP BY g.annotator ORDER BY g.annotator
            """
        )
        return {
            r["annotator"]: {
                "assigned": r["assigned"],
                "done": r["done"],
                "remaining": r["assigned"] - r["done"],
                "overlap": r["overlap"],
            }
            for r in rows
        }

    def write_pack(
        self, path: str | Path, annotator: str, article_ids: Iterable[int], *, round: int = 1
    ) -> None:
        """A new project file for one annotator: the articles, their suggestions, the scheme.

        Nothing of anybody's annotations goes in. The pack records its lead
        project and round, and its clock starts from the lead's. Written beside
        the target as one file (no -wal) and renamed into place; an existing pack
        is never overwritten, since it may hold work that has not been merged back yet.
        """
        target = Path(path)
        if target.exists():
            raise InputError(
                "exists already; merge it back first or choose another --out-dir", str(target)
            )
        tmp = target.with_name(f".{target.name}.part")
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
        ids = sorted(set(article_ids))
        info = {
            "annotator": annotator,
            "lead_project_id": self.setting("project_id"),
            "round": round,
            "created_at": self._now(),
            "articles": len(ids),
        }
        keys = ",".join("?" * len(PACK_SETTINGS))
        try:
            Store(tmp).close()  # an empty project of its own: schema, project id, clock
            self.conn.execute("ATTACH DATABASE ? AS pack", (str(tmp),))
            try:
                with self._write():
                    self.conn.execute(
                        f"INSERT OR REPLACE INTO pack.project(key, value) SELECT key, value"
                        f" FROM main.project WHERE key IN ({keys})",
                        PACK_SETTINGS,
                    )
                    self.conn.execute(
                        "INSERT OR REPLACE INTO pack.project(key, value) VALUES ('pack', ?)",
                        (json.dumps(info, ensure_ascii=False),),
                    )
                    self.conn.execute(
                        "INSERT OR IGNORE INTO pack.annotators(name, created_at) VALUES (?, ?)",
                        (annotator, info["created_at"]),
                    )
                    self.conn.execute("UPDATE pack.clock SET last = max(last, ?)", (self._stamp(),))
                    self.conn.execute("CREATE TEMP TABLE pack_ids (id INTEGER PRIMARY KEY)")
                    self.conn.executemany("INSERT INTO pack_ids VALUES (?)", [(i,) for i in ids])
                    self.conn.execute(
                        "INSERT INTO pack.articles SELECT * FROM main.articles"
                        " WHERE id IN (SELECT id FROM pack_ids)"
                    )
                    self.conn.execute(
                        'INSERT INTO pack.suggestions(article_id, model, model_version, start, "end",'
                        " label, attrs, created_at) SELECT article_id, model, model_version, start,"
                        ' "end", label, attrs, created_at FROM main.suggestions'
                        " WHERE article_id IN (SELECT id FROM pack_ids)"
                    )
                    self.conn.execute(
                        "INSERT INTO pack.suggestion_runs SELECT * FROM main.suggestion_runs"
                        " WHERE article_id IN (SELECT id FROM pack_ids)"
                    )
                    copy_to_pack(self.conn)
                    self.conn.execute("DROP TABLE pack_ids")
                # one self-contained file before it gets its final name: nothing left in a -wal
                self.conn.execute("PRAGMA pack.journal_mode = DELETE")
            finally:
                self.conn.execute("DETACH DATABASE pack")
            os.replace(tmp, target)
        except BaseException:
            for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                leftover.unlink(missing_ok=True)
            raise

    # -- merge ---------------------------------------------------------------

    def merge_from(self, other_path: str | Path) -> MergeResult:
        """Bring in another project's work, following causality (see core/clock.py).

        Articles match by text hash; a span id that is another article's or
        annotator's here, or a span outside its article's text, is reported and
        skipped; tombstones travel; versions that did not see each other are
        conflicts, settled the same way in either merge direction, counted and
        listed (`merge_conflicts`). A pack of another lead project is refused.
        One transaction per file.
        """
        other = Path(other_path)
        if not other.exists():
            raise InputError("no such project file", str(other))
        if other.resolve() == self.path.resolve():
            raise InputError("is the project itself", str(other))
        try:
            _check_file(other)
        except ProjectError as exc:
            raise InputError(str(exc)) from None
        src = sqlite3.connect(f"{other.resolve().as_uri()}?mode=ro", uri=True)
        src.row_factory = sqlite3.Row
        try:
            if (
                src.execute(
                    "SELECT count(*) FROM sqlite_master WHERE name = 'articles'"
                ).fetchone()[0]
                == 0
            ):
                raise InputError("is an empty file, not an Annotator project", str(other))
            self._check_same_project(src, str(other))
            return self._merge(src, str(other))
        except sqlite3.DatabaseError as exc:
            raise InputError(f"cannot read ({exc})", str(other)) from None
        finally:
            src.close()

    def _check_same_project(self, src: sqlite3.Connection, name: str) -> None:
        """A pack merges only into its lead project (or a copy of it, or a sibling pack)."""
        settings = {r["key"]: json.loads(r["value"]) for r in src.execute(
            "SELECT key, value FROM project WHERE key IN ('pack', 'project_id')")}  # fmt: skip
        pack = settings.get("pack")
        if not isinstance(pack, dict) or not pack.get("lead_project_id"):
            return
        mine = self.setting("project_id")
        my_pack = self.setting("pack") or {}
        lead = pack["lead_project_id"]
        if lead not in {mine, my_pack.get("lead_project_id")}:
            raise InputError(
                f"is a pack of another project (its lead project is {lead}, this project is {mine}); "
                "nothing was merged",
                name,
            )

    def _merge(self, src: sqlite3.Connection, name: str) -> MergeResult:
        result = MergeResult(name)
        labels = set(self.scheme.names)
        foreign = {r[0] for r in src.execute("SELECT DISTINCT label FROM spans")} - labels
        if foreign:
            raise InputError(
                f"uses labels this project does not have ({', '.join(sorted(foreign))}); "
                "add them to the project's scheme first",
                name,
            )
        with self._write():
            ids = self._merge_articles(src, result)
            merge_into(self.conn, src, ids)  # boilerplate ranges and headers (#16)
            for r in src.execute("SELECT name, created_at FROM annotators"):
                self.conn.execute(
                    "INSERT OR IGNORE INTO annotators(name, created_at) VALUES (?, ?)", tuple(r)
                )
            seen = [self._merge_spans(src, ids, result), self._merge_statuses(src, ids, result),
                    self._merge_decisions(src, ids, result)]  # fmt: skip
            if _columns(src, "clock"):
                seen.append(src.execute("SELECT max(last) FROM clock").fetchone()[0] or 0)
            self._advance_clock(max(seen))  # past everything taken in
            self._merge_suggestions(src, ids, result)
        return result

    def _merge_articles(self, src: sqlite3.Connection, result: MergeResult) -> dict[int, int]:
        ids: dict[int, int] = {}
        for r in src.execute("SELECT * FROM articles ORDER BY id"):
            local = self.article_id_by_hash(r["hash"])
            if local is None:
                cur = self.conn.execute(
                    "INSERT INTO articles(hash, text, title, source, published, meta, length, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (r["hash"], r["text"], r["title"], r["source"], r["published"], r["meta"],
                     r["length"], r["created_at"]),
                )  # fmt: skip
                local = cur.lastrowid
                result.articles += 1
            ids[r["id"]] = local
        return ids

    def _record_conflict(self, kind: str, reason: str, key: str, article_id: int, annotator: str,
                         kept: Any, lost: Any, source: str) -> None:  # fmt: skip
        self.conn.execute(
            "INSERT OR IGNORE INTO merge_conflicts(kind, reason, key, article_id, annotator, kept, lost,"
            " source, merged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (kind, reason, key, article_id, annotator, json.dumps(kept, ensure_ascii=False),
             json.dumps(lost, ensure_ascii=False), source, self._now()),
        )  # fmt: skip

    def _merge_spans(
        self, src: sqlite3.Connection, ids: dict[int, int], result: MergeResult
    ) -> int:
        """Spans, in uuid order; returns the newest stamp taken in."""
        lengths = {r["id"]: r["length"] for r in self._q("SELECT id, length FROM articles")}
        versioned = {"hlc", "vv"} <= _columns(src, "spans")
        newest = 0
        for r in src.execute(
            f"SELECT {SPAN_COLUMNS}{', hlc, vv' if versioned else ''} FROM spans ORDER BY uuid"
        ):
            uid, aid, who, start, end, label = (
                r["uuid"],
                ids[r["article_id"]],
                r["annotator"],
                r["start"],
                r["end"],
                r["label"],
            )
            theirs = _row_version(r, versioned, (start, end, label, r["attrs"], r["origin"], r["deleted_by"]),
                                  r["deleted_at"] is not None)  # fmt: skip
            newest = max(newest, theirs.stamp)
            what = {"span": uid, "annotator": who, "start": start, "end": end, "label": label}
            if not (0 <= start < end <= lengths[aid]):
                result.skipped.append(f"span {uid} ({who}, {label} {start}-{end}) lies outside its "
                                      f"article's text ({lengths[aid]} characters)")  # fmt: skip
                self._record_conflict(
                    "span", "outside_text", uid, aid, who, None, what, result.source
                )
                continue
            mine = self.conn.execute(
                f"SELECT {SPAN_COLUMNS}, hlc, vv FROM spans WHERE uuid = ?", (uid,)
            ).fetchone()
            if mine is not None and (mine["article_id"], mine["annotator"]) != (aid, who):
                result.skipped.append(f"span {uid} ({who}, {label} {start}-{end}): this id is already a span of "
                                      f"{mine['annotator']} on article {mine['article_id']} here")  # fmt: skip
                self._record_conflict("span", "id_clash", uid, aid, who, {"article_id": mine["article_id"],
                                      "annotator": mine["annotator"]}, what, result.source)  # fmt: skip
                continue
            values = (*[r[c] for c in ("uuid", "start", "end", "label", "attrs", "origin", "created_at",
                                       "updated_at", "deleted_at", "deleted_by")],)  # fmt: skip
            if mine is None:
                if theirs.deleted is False and self._q(
                    'SELECT 1 FROM spans WHERE article_id = ? AND annotator = ? AND start = ? AND "end" = ?'
                    " AND label = ? AND deleted_at IS NULL LIMIT 1",
                    (aid, who, start, end, label),
                ):
                    result.duplicates += 1  # the same span under another id: keep one
                    continue
                self.conn.execute(
                    f"INSERT INTO spans({SPAN_COLUMNS}, hlc, vv) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        values[0],
                        aid,
                        who,
                        *values[1:],
                        theirs.stamp,
                        clock.dump_vector(theirs.vector),
                    ),
                )
                result.spans_added += not theirs.deleted
                continue
            ours = _row_version(mine, True, (mine["start"], mine["end"], mine["label"], mine["attrs"],
                                mine["origin"], mine["deleted_by"]), mine["deleted_at"] is not None)  # fmt: skip
            take, conflict, vector = _settle(theirs, ours)
            if conflict:
                kept, lost = (theirs, ours) if take else (ours, theirs)
                result.conflicts.append(
                    f"span {uid} ({who}, article {aid}): kept {_describe_span(kept.content, kept.deleted)}, "
                    f"not {_describe_span(lost.content, lost.deleted)} (edited in both copies)"
                )
                self._record_conflict("span", "concurrent", uid, aid, who, list(kept.content) + [kept.deleted],
                                      list(lost.content) + [lost.deleted], result.source)  # fmt: skip
            if not take:
                if vector != ours.vector:
                    self.conn.execute(
                        "UPDATE spans SET vv = ? WHERE uuid = ?", (clock.dump_vector(vector), uid)
                    )
                continue
            self.conn.execute(
                'UPDATE spans SET start = ?, "end" = ?, label = ?, attrs = ?, origin = ?, created_at = ?,'
                " updated_at = ?, deleted_at = ?, deleted_by = ?, hlc = ?, vv = ? WHERE uuid = ?",
                (*values[1:], theirs.stamp, clock.dump_vector(vector), uid),
            )
            if theirs.deleted and not ours.deleted:
                result.spans_deleted += 1
            else:
                result.spans_updated += 1
        return newest

    def _merge_statuses(
        self, src: sqlite3.Connection, ids: dict[int, int], result: MergeResult
    ) -> int:
        versioned = {"hlc", "vv"} <= _columns(src, "status")
        newest = 0
        extra = ", hlc, vv" if versioned else ""
        for r in src.execute(f"SELECT article_id, annotator, status, updated_at{extra} FROM status"
                             " ORDER BY article_id, annotator"):  # fmt: skip
            aid, who = ids[r["article_id"]], r["annotator"]
            theirs = _row_version(r, versioned, (r["status"],), False)
            newest = max(newest, theirs.stamp)
            mine = self.conn.execute(
                "SELECT status, updated_at, hlc, vv FROM status WHERE article_id = ? AND annotator = ?",
                (aid, who),
            ).fetchone()
            if mine is None:
                take, vector = True, theirs.vector
            else:
                ours = _row_version(mine, True, (mine["status"],), False)
                take, conflict, vector = _settle(theirs, ours)
                if conflict:
                    kept, lost = (theirs, ours) if take else (ours, theirs)
                    result.conflicts.append(f"status of article {aid} for {who}: kept {kept.content[0]}, "
                                            f"not {lost.content[0]} (set in both copies)")  # fmt: skip
                    self._record_conflict("status", "concurrent", f"{aid}:{who}", aid, who, kept.content[0],
                                          lost.content[0], result.source)  # fmt: skip
                if not take:
                    if vector != ours.vector:
                        self.conn.execute("UPDATE status SET vv = ? WHERE article_id = ? AND annotator = ?",
                                          (clock.dump_vector(vector), aid, who))  # fmt: skip
                    continue
            self.conn.execute(
                "INSERT INTO status(article_id, annotator, status, updated_at, hlc, vv) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(article_id, annotator) DO UPDATE SET status = excluded.status,"
                " updated_at = excluded.updated_at, hlc = excluded.hlc, vv = excluded.vv",
                (aid, who, r["status"], r["updated_at"], theirs.stamp, clock.dump_vector(vector)),
            )
            result.statuses += 1
        return newest

    def _merge_decisions(
        self, src: sqlite3.Connection, ids: dict[int, int], result: MergeResult
    ) -> int:
        cols = _columns(src, "decisions")
        versioned = {"hlc", "vv"} <= cols
        extra = (", hlc, vv" if versioned else "") + (
            ", cleared_at" if "cleared_at" in cols else ""
        )
        newest = 0
        key_sql = 'article_id = ? AND annotator = ? AND start = ? AND "end" = ? AND label = ?'
        for r in src.execute(f'SELECT article_id, annotator, start, "end", label, decision, model, updated_at{extra}'
                             ' FROM decisions ORDER BY article_id, annotator, start, "end", label'):  # fmt: skip
            key = (ids[r["article_id"]], r["annotator"], r["start"], r["end"], r["label"])
            cleared = r["cleared_at"] if "cleared_at" in cols else None
            theirs = _row_version(r, versioned, (r["decision"], r["model"]), cleared is not None)
            newest = max(newest, theirs.stamp)
            mine = self.conn.execute(
                f"SELECT decision, model, updated_at, cleared_at, hlc, vv FROM decisions WHERE {key_sql}",
                key,
            ).fetchone()
            if mine is None:
                vector = theirs.vector
            else:
                ours = _row_version(
                    mine, True, (mine["decision"], mine["model"]), mine["cleared_at"] is not None
                )
                take, conflict, vector = _settle(theirs, ours)
                if conflict:
                    kept = theirs if take else ours
                    result.conflicts.append(
                        f"decision on {key[4]} {key[2]}-{key[3]} of article {key[0]} for {key[1]}: kept "
                        f"{'cleared' if kept.deleted else kept.content[0]} (made in both copies)"
                    )
                    self._record_conflict("decision", "concurrent", ":".join(map(str, key)), key[0], key[1],
                                          [*kept.content, kept.deleted], [*(ours if take else theirs).content],
                                          result.source)  # fmt: skip
                if not take:
                    if vector != ours.vector:
                        self.conn.execute(f"UPDATE decisions SET vv = ? WHERE {key_sql}",
                                          (clock.dump_vector(vector), *key))  # fmt: skip
                    continue
            self.conn.execute(
                'INSERT INTO decisions(article_id, annotator, start, "end", label, decision, model, updated_at,'
                " cleared_at, hlc, vv) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                ' ON CONFLICT(article_id, annotator, start, "end", label) DO UPDATE SET'
                " decision = excluded.decision, model = excluded.model, updated_at = excluded.updated_at,"
                " cleared_at = excluded.cleared_at, hlc = excluded.hlc, vv = excluded.vv",
                (
                    *key,
                    r["decision"],
                    r["model"],
                    r["updated_at"],
                    cleared,
                    theirs.stamp,
                    clock.dump_vector(vector),
                ),
            )
            result.decisions += 1
        return newest

    def _merge_suggestions(
        self, src: sqlite3.Connection, ids: dict[int, int], result: MergeResult
    ) -> None:
        for r in src.execute("SELECT * FROM suggestions"):
            cur = self.conn.execute(
                'INSERT OR IGNORE INTO suggestions(article_id, model, model_version, start, "end",'
                " label, attrs, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (ids[r["article_id"]], r["model"], r["model_version"], r["start"], r["end"],
                 r["label"], r["attrs"], r["created_at"]),
            )  # fmt: skip
            result.suggestions += cur.rowcount
        for r in src.execute("SELECT * FROM suggestion_runs"):
            self.conn.execute(
                "INSERT OR IGNORE INTO suggestion_runs VALUES (?, ?, ?, ?, ?)",
                (ids[r["article_id"]], r["model"], r["model_version"], r["count"], r["created_at"]),
            )

    def merge_conflicts(self, article_id: int | None = None) -> list[dict[str, Any]]:
        """What merges settled or skipped, newest first, for review."""
        sql = "SELECT * FROM merge_conflicts"
        params: tuple = ()
        if article_id is not None:
            sql, params = sql + " WHERE article_id = ?", (article_id,)
        rows = self._q(sql + " ORDER BY id DESC", params)
        return [
            {**dict(r), "kept": json.loads(r["kept"]), "lost": json.loads(r["lost"])} for r in rows
        ]


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}


def _row_version(row: sqlite3.Row, versioned: bool, content: tuple, deleted: bool) -> _Version:
    """A row's version; rows of files from before the clock are versioned by their wall time."""
    if versioned:
        return _Version(content, deleted, row["hlc"], clock.parse_vector(row["vv"]))
    stamp = round(clock.iso_to_micros(row["updated_at"]) / 1000) * 1000  # as m004 converts them
    return _Version(content, deleted, stamp, {LEGACY_NODE: stamp})
