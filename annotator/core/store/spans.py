"""Human spans: reading them, and adding, editing, deleting and restoring one.

A span has a uuid, keeps its owner (article and annotator) for life, and is
never deleted: a tombstone (`deleted_at`) keeps a merge from bringing it back.
Every write is a new version stamped by the file's clock (see core/clock.py).
"""

from __future__ import annotations

import sqlite3
import uuid as uuidlib
from collections.abc import Iterable
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import Span
from annotator.core.span_rules import within
from annotator.core.store.base import StoreBase
from annotator.core.store.rows import SPAN_COLUMNS, json_text, span_from_row, write_span


class SpansMixin(StoreBase):
    """Human spans of articles."""

    def _span_owner(self, uid: str) -> sqlite3.Row | None:
        return self.conn.execute(
            'SELECT article_id, annotator, start, "end", label, attrs, origin, updated_at, deleted_at, vv'
            " FROM spans WHERE uuid = ?",
            (uid,),
        ).fetchone()

    def _upsert_span(
        self, uid, article_id, annotator, start, end, label, attrs, origin, *, new=False
    ) -> None:
        """A span written here and now (added, accepted, re-added by redo), stamped by the clock."""
        old = None if new else self._span_owner(uid)
        if old is not None and (old["article_id"], old["annotator"]) != (article_id, annotator):
            raise InputError(f"span id {uid} belongs to another article or annotator")
        stamp, vv = self._versioned(old["vv"] if old is not None else None)
        wall = self._now()
        values = (uid, article_id, annotator, start, end, label, json_text(attrs), origin,
                  wall, wall, None, None)  # fmt: skip
        write_span(self.conn, values, stamp, vv)

    def _restamp_span(self, uid: str, **changes: Any) -> None:
        """Change a span in place (edit, delete, restore) as a new version of it.

        CHANGES are columns of SPAN_COLUMNS (attrs as stored text)."""
        old = self.conn.execute(
            f"SELECT {SPAN_COLUMNS}, vv FROM spans WHERE uuid = ?", (uid,)
        ).fetchone()
        if old is None:
            raise KeyError(uid)
        row = {**dict(old), **changes, "updated_at": self._now()}
        stamp, vv = self._versioned(row.pop("vv"))
        write_span(self.conn, tuple(row.values()), stamp, vv)

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
            span = span_from_row(row)
            out.setdefault((span.article_id, span.annotator), []).append(span)
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

    def _check_span(self, article_id: int, start: int, end: int, label: str) -> None:
        if self.scheme.get(label) is None:
            raise InputError(f"unknown label {label!r}")
        rows = self._q("SELECT length FROM articles WHERE id = ?", (article_id,))
        if not rows:
            raise InputError(f"no article {article_id}")
        if not within(start, end, rows[0]["length"]):
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
                start=new_start,
                end=new_end,
                label=new_label,
                attrs=json_text(old.attrs if attrs is None else attrs),
            )
        return self.span(uid)

    def delete_span(self, uid: str, by: str) -> None:
        """Leave a tombstone, so that merging another copy does not bring the span back."""
        with self._write():
            self._restamp_span(uid, deleted_at=self._now(), deleted_by=by)

    def restore_span(self, uid: str) -> Span:
        with self._write():
            self._restamp_span(uid, deleted_at=None, deleted_by=None)
        return self.span(uid)

    def span(self, uid: str) -> Span:
        rows = self._q(f"SELECT {SPAN_COLUMNS} FROM spans WHERE uuid = ?", (uid,))
        if not rows:
            raise KeyError(uid)
        return span_from_row(rows[0])

    def articles_marked_by(self, annotators: Iterable[str]) -> list[int]:
        """The articles where one of ANNOTATORS has a live span, by the spans' index (never
        the whole article list: a project of a million articles has a few marked)."""
        names = list(annotators)
        marks = ", ".join("?" * len(names))
        return [
            r[0]
            for r in self._q(
                f"SELECT DISTINCT article_id FROM spans WHERE annotator IN ({marks})"
                " AND deleted_at IS NULL ORDER BY article_id",
                names,
            )
        ]

    def spans(
        self, article_id: int, annotator: str | None = None, *, include_deleted: bool = False
    ) -> list[Span]:
        rows = self._article_rows(
            "spans", SPAN_COLUMNS, article_id, annotator, include_deleted,
            'start, "end", label, annotator, uuid',
        )  # fmt: skip
        return [span_from_row(r) for r in rows]
