"""The row writers of each table, shared by import, edits and merge.

One statement per table and kind of write, so that a row imported from a file,
written by an edit and brought in by a merge is the same row: the callers
decide what to write (and whether to write at all), these only write it.
Every function runs inside the caller's transaction.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid as uuidlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from annotator.core.model import Span


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


def json_text(value: Any) -> str:
    """Attributes and metadata as stored: sorted keys, so equal values are equal text."""
    return json.dumps(value or {}, ensure_ascii=False, sort_keys=True)


# -- articles and annotators -------------------------------------------------------------


def insert_article(
    conn: sqlite3.Connection,
    digest: str,
    text: str,
    title: str | None,
    source: str | None,
    published: str | None,
    meta: str,
    created_at: str,
) -> int:
    """A new article row (META is stored JSON text); returns its id."""
    cur = conn.execute(
        "INSERT INTO articles(hash, text, title, source, published, meta, length, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (digest, text, title, source, published, meta, len(text), created_at),
    )
    return cur.lastrowid


def insert_articles(conn: sqlite3.Connection, rows: list[tuple]) -> dict[str, int]:
    """New article rows of (hash, text, title, source, published, meta, created_at), in
    multi-row statements; a hash already stored is skipped. Returns {hash: id} of the new."""
    out: dict[str, int] = {}
    cols = "hash, text, title, source, published, meta, length, created_at"
    for i in range(0, len(rows), 500):
        part = rows[i : i + 500]
        values = [v for r in part for v in (*r[:6], len(r[1]), r[6])]
        out.update(
            conn.execute(
                f"INSERT OR IGNORE INTO articles({cols}) VALUES "
                + ",".join(["(?, ?, ?, ?, ?, ?, ?, ?)"] * len(part))
                + " RETURNING hash, id",
                values,
            ).fetchall()
        )
    return out


def insert_annotator(conn: sqlite3.Connection, name: str, created_at: str) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO annotators(name, created_at) VALUES (?, ?)", (name, created_at)
    )


# -- spans -------------------------------------------------------------------------------

SPAN_COLUMNS = (
    'uuid, article_id, annotator, start, "end", label, attrs, origin,'
    " created_at, updated_at, deleted_at, deleted_by"
)


def span_from_row(row: sqlite3.Row | tuple) -> Span:
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


def tombstoned_upsert(table: str, columns: str, content: str, take_created: bool) -> str:
    """The upsert of one row of a tombstoned, versioned table (spans, events): COLUMNS and
    its hlc and vv; a row already under the id gets CONTENT (its own columns), origin,
    the times, the tombstone and the version; its id and owner are kept, and its creation
    time unless TAKE_CREATED."""
    marks = ", ".join("?" * (len(columns.split(",")) + 2))
    kept = [c.strip() for c in content.split(",")] + ["origin"]
    kept += ["created_at"] if take_created else []
    kept += ["updated_at", "deleted_at", "deleted_by", "hlc", "vv"]
    return (
        f"INSERT INTO {table}({columns}, hlc, vv) VALUES ({marks})"
        " ON CONFLICT(uuid) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in kept)
    )


def _span_upsert(take_created: bool) -> str:
    return tombstoned_upsert("spans", SPAN_COLUMNS, 'start, "end", label, attrs', take_created)


# an id's row written, or rewritten in place (its id and owner kept)
_SPAN_UPSERT = {False: _span_upsert(False), True: _span_upsert(True)}


def write_span(
    conn: sqlite3.Connection,
    values: tuple,
    hlc: int,
    vv: str,
    *,
    take_created: bool = False,
) -> None:
    """One span row: VALUES in SPAN_COLUMNS order (attrs as stored text), with its version.

    A row already under the id is rewritten; it keeps its creation time unless
    TAKE_CREATED (a merge takes the other copy's row whole).
    """
    conn.execute(_SPAN_UPSERT[take_created], (*values, hlc, vv))


# -- statuses and decisions --------------------------------------------------------------


def write_status(
    conn: sqlite3.Connection,
    article_id: int,
    annotator: str,
    status: str,
    updated_at: str,
    hlc: int,
    vv: str,
) -> None:
    conn.execute(
        "INSERT INTO status(article_id, annotator, status, updated_at, hlc, vv) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(article_id, annotator) DO UPDATE SET status = excluded.status,"
        " updated_at = excluded.updated_at, hlc = excluded.hlc, vv = excluded.vv",
        (article_id, annotator, status, updated_at, hlc, vv),
    )


# The key columns of each table of decisions, in the order of its KEY tuples.
DECISION_KEY_COLUMNS = {
    "decisions": ("article_id", "annotator", "start", "end", "label"),
    "event_decisions": ("article_id", "annotator", "label", "start", "end"),
}
_DECISION_KEYS = {t: ", ".join(f'"{c}"' for c in cs) for t, cs in DECISION_KEY_COLUMNS.items()}
# The WHERE clause of one decision by its KEY tuple, per table.
DECISION_WHERE = {
    t: " AND ".join(f'"{c}" = ?' for c in cs) for t, cs in DECISION_KEY_COLUMNS.items()
}


def _decision_upsert(table: str) -> str:
    keys = _DECISION_KEYS[table]
    return (
        f"INSERT INTO {table}({keys}, decision, model, updated_at, cleared_at, hlc, vv)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        f" ON CONFLICT({keys}) DO UPDATE SET decision = excluded.decision, model = excluded.model,"
        " updated_at = excluded.updated_at, cleared_at = excluded.cleared_at, hlc = excluded.hlc,"
        " vv = excluded.vv"
    )


_DECISION_UPSERT = {table: _decision_upsert(table) for table in _DECISION_KEYS}


def write_decision(
    conn: sqlite3.Connection,
    key: tuple,
    decision: str,
    model: str | None,
    updated_at: str,
    cleared_at: str | None,
    hlc: int,
    vv: str,
    *,
    table: str = "decisions",
) -> None:
    """An accept or reject at KEY: (article id, annotator, start, end, label) of a suggested
    span, or with TABLE "event_decisions" (article id, annotator, event label, trigger start,
    trigger end) of a suggested frame; cleared (CLEARED_AT set) is its tombstone."""
    conn.execute(_DECISION_UPSERT[table], (*key, decision, model, updated_at, cleared_at, hlc, vv))


_VECTOR_KEYS = {
    "spans": "uuid = ?",
    "events": "uuid = ?",
    "status": "article_id = ? AND annotator = ?",
    **DECISION_WHERE,
}


def set_vector(conn: sqlite3.Connection, table: str, key: tuple, vv: str) -> None:
    """Only a row's version vector (a merge kept the row but has now seen the other's)."""
    conn.execute(f"UPDATE {table} SET vv = ? WHERE {_VECTOR_KEYS[table]}", (vv, *key))


# -- suggestions -------------------------------------------------------------------------


def open_suggestions_query(
    table: str, article_id: int, model: str | None, annotator: str | None, settled: str
) -> tuple[str, dict[str, Any]]:
    """The query for an article's rows of a suggestion TABLE (alias g), of one MODEL if
    given; with an ANNOTATOR, only those still open for them: not SETTLED, an SQL
    condition over g and :ann (they decided on it, or already have what it proposes)."""
    sql = f"SELECT * FROM {table} g WHERE article_id = :a"
    params: dict[str, Any] = {"a": article_id}
    if model:
        sql += " AND model = :m"
        params["m"] = model
    if annotator is not None:
        params["ann"] = annotator
        sql += f" AND NOT ({settled})"
    return sql + ' ORDER BY start, "end", label, model', params


def insert_suggestions(conn: sqlite3.Connection, rows: Iterable[tuple]) -> int:
    """Rows of (article id, model, model version, start, end, label, attrs text, created at);
    one already stored is left alone. Returns how many were new."""
    cur = conn.executemany(
        'INSERT OR IGNORE INTO suggestions(article_id, model, model_version, start, "end",'
        " label, attrs, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return max(cur.rowcount, 0)


def insert_suggestion_run(
    conn: sqlite3.Connection,
    article_id: int,
    model: str,
    model_version: str,
    count: int,
    created_at: str,
) -> None:
    """That a model version ran over an article (with COUNT suggestions), so it is not run again."""
    conn.execute(
        "INSERT OR IGNORE INTO suggestion_runs(article_id, model, model_version, count, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (article_id, model, model_version, count, created_at),
    )
