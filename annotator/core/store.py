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

import hashlib
import json
import os
import sqlite3
import uuid as uuidlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

from annotator.core.errors import InputError, ProjectError
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
SQLITE_MAGIC = b"SQLite format 3\x00"
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
def m007_boilerplate(db: sqlite_utils.Database) -> None:
    migrate_boilerplate(db)  # boilerplate ranges and editable headers (#16)


SCHEMA_VERSION = len(migrations._migrations)

# Settings a pack carries from its lead project, so annotators work to the same scheme.
PACK_SETTINGS = ("scheme", "guidelines", "patterns", "gazetteer")


def _check_file(path: Path) -> None:
    """Refuse foreign or newer files without writing a byte to them."""
    if not path.exists() or path.stat().st_size == 0:
        return
    if path.is_dir():
        raise ProjectError(f"{path} is a folder, not an Annotator project")
    with path.open("rb") as fh:
        header = fh.read(len(SQLITE_MAGIC))
    if header != SQLITE_MAGIC:
        raise ProjectError(f"{path} is not an Annotator project (not an SQLite database)")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise ProjectError(f"{path} is damaged or not an Annotator project ({exc})") from None
    if app_id != APPLICATION_ID and tables:
        raise ProjectError(
            f"{path} is an SQLite database of another application, not an Annotator project"
        )
    if version > SCHEMA_VERSION:
        raise ProjectError(
            f"{path} was written by a newer Annotator (schema {version}; this version "
            f"reads up to {SCHEMA_VERSION}); please upgrade Annotator"
        )


def _json(value: Any) -> str:
    return json.dumps(value or {}, ensure_ascii=False, sort_keys=True)


SPAN_COLUMNS = (
    'uuid, article_id, annotator, start, "end", label, attrs, origin,'
    " created_at, updated_at, deleted_at, deleted_by"
)


def _span(row: sqlite3.Row | tuple) -> Span:
    """A span from a row selected with SPAN_COLUMNS (positional: this runs thousands of times)."""
    uid, article_id, annotator, start, end, label, attrs, origin, created, updated, deleted, by = row
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

    def summary(self) -> str:
        return (
            f"{self.source}: {self.articles} new article(s), {self.spans_added} span(s) added, "
            f"{self.spans_updated} updated, {self.spans_deleted} deleted, {self.statuses} status(es), "
            f"{self.suggestions} suggestion(s)"
        )


def _version(row: list) -> tuple:
    """Which copy of a span wins a merge: the newest, then a fixed order on content."""
    uid, _aid, annotator, start, end, label, attrs, origin, created, updated, deleted, by = row
    return (updated, deleted or "", by or "", start, end, label, attrs, origin, created, annotator)


class Store(BoilerplateMixin, HeaderMixin, DecisionsMixin):
    """An open project file. Not shared between threads: open one per thread."""

    def __init__(self, path: str | Path, *, create: bool = True):
        self.path = Path(path)
        if not create and not self.path.exists():
            raise ProjectError(f"{self.path}: no such project file")
        _check_file(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(self.path), timeout=60)
        except (OSError, sqlite3.Error) as exc:
            raise ProjectError(f"{self.path}: cannot open ({exc})") from None
        conn.row_factory = sqlite3.Row
        self.db = sqlite_utils.Database(conn)
        self.conn = conn
        try:
            conn.execute("PRAGMA busy_timeout = 60000")
            conn.execute("PRAGMA foreign_keys = ON")
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.Error as exc:
            conn.close()
            raise ProjectError(f"{self.path}: cannot open ({exc})") from None
        self._scheme: LabelScheme | None = None

    # -- lifecycle -----------------------------------------------------------

    def _migrate(self) -> None:
        with self._write():
            if not migrations.pending(self.db):
                return
            migrations.apply(self.db)
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            if self.conn.execute("SELECT count(*) FROM project").fetchone()[0] == 0:
                scheme = resource("scheme.json").read_text(encoding="utf-8")
                guidelines = resource("guidelines.md").read_text(encoding="utf-8")
                for key, value in {
                    "project_id": str(uuidlib.uuid4()),
                    "created_at": now(),
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
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

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
            "INSERT OR IGNORE INTO annotators(name, created_at) VALUES (?, ?)", (name, now())
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

    def import_articles(self, items: Iterable[ArticleIn], default_annotator: str | None) -> ImportResult:
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
            raise InputError("a rejection record needs an annotator: give --annotator", line=item.line)
        self._ensure_annotator(annotator)
        for s in item.rejected or []:
            self._put_decision(Suggestion(article_id, s.start, s.end, s.label, {}, None), annotator, "reject")

    def all_statuses(self) -> dict[tuple[int, str], str]:
        return {(r["article_id"], r["annotator"]): r["status"] for r in self._q("SELECT * FROM status")}

    def _import_spans(self, article_id: int, item: ArticleIn, annotator: str) -> int:
        self._ensure_annotator(annotator)
        labels = set(self.scheme.names)
        digest = text_hash(item.text)
        stamp = now()
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
            self._upsert_span(
                uid,
                article_id,
                annotator,
                s.start,
                s.end,
                s.label,
                s.attrs,
                s.origin,
                s.created_at or stamp,
                s.updated_at or stamp,
            )
        status = item.status or Status.DONE
        self._put_status(article_id, annotator, status)
        return len(item.spans or [])

    def _upsert_span(self, uid, article_id, annotator, start, end, label, attrs, origin, created, updated):
        self.conn.execute(
            'INSERT INTO spans(uuid, article_id, annotator, start, "end", label, attrs, origin,'
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ' ON CONFLICT(uuid) DO UPDATE SET start = excluded.start, "end" = excluded."end",'
            " label = excluded.label, attrs = excluded.attrs, origin = excluded.origin,"
            " updated_at = excluded.updated_at, deleted_at = NULL, deleted_by = NULL"
            " WHERE excluded.updated_at >= spans.updated_at",
            (uid, article_id, annotator, start, end, label, _json(attrs), origin, created, updated),
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
        for r in self._q(f"SELECT * FROM articles WHERE id IN ({marks})" if ids else "SELECT * FROM articles WHERE 0"):
            out[r["id"]] = Article(
                id=r["id"], hash=r["hash"], text=r["text"], title=r["title"], source=r["source"],
                published=r["published"], meta=json.loads(r["meta"]), created_at=r["created_at"],
            )  # fmt: skip
        return out

    def spans_bulk(self, ids: list[int], annotator: str | None = None) -> dict[tuple[int, str], list[Span]]:
        """Live spans of several articles, keyed by (article id, annotator), in span order."""
        marks = ",".join(str(int(i)) for i in ids) or "NULL"
        sql = f"SELECT {SPAN_COLUMNS} FROM spans WHERE article_id IN ({marks}) AND deleted_at IS NULL"
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
            with self._write():
                self.conn.executemany(
                    "INSERT OR REPLACE INTO token_cache(article_id, tokenizer, offsets) VALUES (?, ?, ?)",
                    [(i, tokenizer, blob) for i, blob in fresh.items()],
                )
            out.update(fresh)
        return out

    def span_triples_bulk(self, ids: list[int]) -> dict[tuple[int, str], list[tuple[int, int, str]]]:
        """(start, end, label) of live spans per (article, annotator): what metrics need, cheaply."""
        if ids and ids[-1] - ids[0] + 1 == len(ids) and ids == sorted(ids):
            where, params = "article_id BETWEEN ? AND ?", (ids[0], ids[-1])  # a run: the index range
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
        stamp = now()
        with self._write():
            self._ensure_annotator(annotator)
            self._upsert_span(uid, article_id, annotator, start, end, label, attrs, origin, stamp, stamp)
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
            self.conn.execute(
                'UPDATE spans SET start = ?, "end" = ?, label = ?, attrs = ?, updated_at = ?'
                " WHERE uuid = ?",
                (new_start, new_end, new_label, _json(old.attrs if attrs is None else attrs), now(), uid),
            )
        return self.span(uid)

    def delete_span(self, uid: str, by: str) -> None:
        """Leave a tombstone, so that merging another copy does not bring the span back."""
        stamp = now()
        with self._write():
            self.conn.execute(
                "UPDATE spans SET deleted_at = ?, deleted_by = ?, updated_at = ? WHERE uuid = ?",
                (stamp, by, stamp, uid),
            )

    def restore_span(self, uid: str) -> Span:
        with self._write():
            self.conn.execute(
                "UPDATE spans SET deleted_at = NULL, deleted_by = NULL, updated_at = ? WHERE uuid = ?",
                (now(), uid),
            )
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
        self.conn.execute(
            "INSERT INTO status(article_id, annotator, status, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(article_id, annotator) DO UPDATE SET status = excluded.status,"
            " updated_at = excluded.updated_at",
            (article_id, annotator, str(Status(status)), now()),
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
                "DELETE FROM suggestion_runs WHERE article_id = ? AND model = ?", (article_id, model)
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
                    AND d.label = g.label)
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
        return [r["model"] for r in self._q("SELECT DISTINCT model FROM suggestions ORDER BY model")]

    def _put_decision(self, s: Suggestion, annotator: str, decision: str) -> None:
        self.conn.execute(
            'INSERT INTO decisions(article_id, annotator, start, "end", label, decision, model,'
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            ' ON CONFLICT(article_id, annotator, start, "end", label) DO UPDATE SET'
            " decision = excluded.decision, model = excluded.model, updated_at = excluded.updated_at",
            (s.article_id, annotator, s.start, s.end, s.label, decision, s.model, now()),
        )

    def accept_suggestions(self, annotator: str, suggestions: Iterable[Suggestion]) -> list[Span]:
        """Copy suggestions into the annotator's spans (one transaction for all of them)."""
        uids = []
        stamp = now()
        with self._write():
            self._ensure_annotator(annotator)
            for s in suggestions:
                uid = str(uuidlib.uuid4())
                origin = f"model:{s.model}@{s.model_version}" if s.model else "model"
                self._upsert_span(
                    uid, s.article_id, annotator, s.start, s.end, s.label, s.attrs, origin, stamp, stamp
                )
                self._put_decision(s, annotator, "accept")
                self._touch_status(s.article_id, annotator)
                uids.append(uid)
        return [self.span(u) for u in uids]

    def accept_suggestions_decisions(self, annotator: str, suggestions: Iterable[Suggestion]) -> None:
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
        """Forget an accept or reject (undo): the suggestion is open again."""
        with self._write():
            self.conn.execute(
                'DELETE FROM decisions WHERE article_id = ? AND annotator = ? AND start = ?'
                ' AND "end" = ? AND label = ?',
                (suggestion.article_id, annotator, suggestion.start, suggestion.end, suggestion.label),
            )

    def rejections(self, article_id: int, annotator: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM decisions WHERE article_id = ? AND decision = 'reject'"
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

    def record_assignments(self, annotator: str, ids: Iterable[int], overlap: set[int], pack: str) -> None:
        stamp = now()
        with self._write():
            self.conn.executemany(
                "INSERT INTO assignments(article_id, annotator, overlap, pack, assigned_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT(article_id, annotator) DO UPDATE SET"
                " overlap = excluded.overlap, pack = excluded.pack, assigned_at = excluded.assigned_at",
                [(a, annotator, int(a in overlap), pack, stamp) for a in ids],
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
        rows = self._q(
            "SELECT article_id FROM assignments GROUP BY article_id HAVING count(*) > 1"
        )
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

    def write_pack(self, path: str | Path, annotator: str, article_ids: Iterable[int]) -> None:
        """A new project file for one annotator: the articles, their suggestions, the scheme.

        Nothing of anybody's annotations goes in. Written beside the target and
        renamed into place; an existing pack is never overwritten, since it may
        hold work that has not been merged back yet.
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
        try:
            with Store(tmp) as pack:
                with pack._write():
                    for key in PACK_SETTINGS:
                        value = self.setting(key)
                        if value is not None:
                            pack._put_setting(key, value)
                    pack._put_setting(
                        "pack",
                        {
                            "annotator": annotator,
                            "lead_project_id": self.setting("project_id"),
                            "created_at": now(),
                            "articles": len(ids),
                        },
                    )
                    pack._ensure_annotator(annotator)
            self.conn.execute("ATTACH DATABASE ? AS pack", (str(tmp),))
            try:
                with self._write():
                    self.conn.execute("CREATE TEMP TABLE pack_ids (id INTEGER PRIMARY KEY)")
                    self.conn.executemany("INSERT INTO pack_ids VALUES (?)", [(i,) for i in ids])
                    self.conn.execute(
                        "INSERT INTO pack.articles SELECT * FROM main.articles"
                        " WHERE id IN (SELECT id FROM pack_ids)"
                    )
                    self.conn.execute(
                        'INSERT INTO pack.suggestions(article_id, model, model_version, start, "end",'
                        ' label, attrs, created_at) SELECT article_id, model, model_version, start,'
                        ' "end", label, attrs, created_at FROM main.suggestions'
                        " WHERE article_id IN (SELECT id FROM pack_ids)"
                    )
                    self.conn.execute(
                        "INSERT INTO pack.suggestion_runs SELECT * FROM main.suggestion_runs"
                        " WHERE article_id IN (SELECT id FROM pack_ids)"
                    )
                    copy_to_pack(self.conn)
                    self.conn.execute("DROP TABLE pack_ids")
            finally:
                self.conn.execute("DETACH DATABASE pack")
            os.replace(tmp, target)
        except BaseException:
            for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                leftover.unlink(missing_ok=True)
            raise

    # -- merge ---------------------------------------------------------------

    def merge_from(self, other_path: str | Path) -> MergeResult:
        """Bring in another project's work: a union by span uuid, the newest version winning.

        Articles match by text hash; tombstones travel, so a span deleted in one
        copy does not come back from another; ties break on content, so merging
        A into B and B into A give the same annotations. One transaction per file.
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
            if src.execute("SELECT count(*) FROM sqlite_master WHERE name = 'articles'").fetchone()[0] == 0:
                raise InputError("is an empty file, not an Annotator project", str(other))
            return self._merge(src, str(other))
        except sqlite3.DatabaseError as exc:
            raise InputError(f"cannot read ({exc})", str(other)) from None
        finally:
            src.close()

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
            merge_into(self.conn, src, ids)
            for r in src.execute("SELECT name, created_at FROM annotators"):
                self.conn.execute(
                    "INSERT OR IGNORE INTO annotators(name, created_at) VALUES (?, ?)", tuple(r)
                )
            for r in src.execute(f"SELECT {SPAN_COLUMNS} FROM spans"):
                incoming = list(r)
                incoming[1] = ids[incoming[1]]
                mine = self.conn.execute(f"SELECT {SPAN_COLUMNS} FROM spans WHERE uuid = ?", (incoming[0],)).fetchone()
                if mine is None:
                    self.conn.execute(
                        f"INSERT INTO spans({SPAN_COLUMNS}) VALUES ({', '.join('?' * 12)})", incoming
                    )
                    result.spans_added += 1
                elif _version(incoming) > _version(list(mine)):
                    self.conn.execute(
                        'UPDATE spans SET start = ?, "end" = ?, label = ?, attrs = ?, origin = ?,'
                        " created_at = ?, updated_at = ?, deleted_at = ?, deleted_by = ? WHERE uuid = ?",
                        (*incoming[3:12], incoming[0]),
                    )
                    if incoming[10] and not mine["deleted_at"]:
                        result.spans_deleted += 1
                    else:
                        result.spans_updated += 1
            for r in src.execute("SELECT article_id, annotator, status, updated_at FROM status"):
                row = (ids[r["article_id"]], r["annotator"], r["status"], r["updated_at"])
                mine = self.conn.execute(
                    "SELECT status, updated_at FROM status WHERE article_id = ? AND annotator = ?", row[:2]
                ).fetchone()
                if mine is None or (row[3], row[2]) > (mine["updated_at"], mine["status"]):
                    self.conn.execute(
                        "INSERT INTO status(article_id, annotator, status, updated_at) VALUES (?, ?, ?, ?)"
                        " ON CONFLICT(article_id, annotator) DO UPDATE SET status = excluded.status,"
                        " updated_at = excluded.updated_at",
                        row,
                    )
                    result.statuses += 1
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
            for r in src.execute("SELECT * FROM decisions"):
                row = (ids[r["article_id"]], r["annotator"], r["start"], r["end"], r["label"],
                       r["decision"], r["model"], r["updated_at"])  # fmt: skip
                self.conn.execute(
                    'INSERT INTO decisions(article_id, annotator, start, "end", label, decision, model,'
                    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                    ' ON CONFLICT(article_id, annotator, start, "end", label) DO UPDATE SET'
                    " decision = excluded.decision, model = excluded.model, updated_at = excluded.updated_at"
                    " WHERE (excluded.updated_at, excluded.decision) > (decisions.updated_at, decisions.decision)",
                    row,
                )
        return result
