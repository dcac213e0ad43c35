"""Boilerplate ranges and article headers in the project file (mixed into `Store`).

Boilerplate (menus, teasers, mastheads, cookie notices …) is a property of an
article's text, shared by every annotator: detected at import (origin `auto`)
or marked by hand (`manual`). Ranges are stored like spans: a uuid derived from
the article hash and offsets (so the same range in a lead's file and a pack is
one row), timestamps, and tombstones instead of deletes, so that a merge
carries marks and unmarks both ways and never brings an unmarked range back.

An article's text is immutable, but its title and publication date are
metadata: `set_article_header` changes them, stamped so that merges carry the
newer header.
"""

from __future__ import annotations

import sqlite3
import uuid as uuidlib
from collections.abc import Iterable

from annotator.core.boilerplate import detect
from annotator.core.dates import date_attrs, parse_published
from annotator.core.errors import InputError
from annotator.core.span_rules import join_ranges, within
from annotator.core.store.base import StoreBase
from annotator.core.store.rows import now

# (uuid, live): a range whose liveness an edit changed, and to what
Change = tuple[str, bool]


def boilerplate_uuid(article_hash: str, start: int, end: int) -> str:
    return str(uuidlib.uuid5(uuidlib.NAMESPACE_URL, f"{article_hash}:boilerplate:{start}:{end}"))


def insert_detected(conn: sqlite3.Connection, article_id: int, article_hash: str, text: str) -> int:
    """Detect and store boilerplate of a newly imported article (inside the import's transaction)."""
    stamp = now()
    rows = [
        (boilerplate_uuid(article_hash, s, e), article_id, s, e, "auto", None, stamp, stamp)
        for s, e in detect(text)
    ]
    conn.executemany(
        'INSERT OR IGNORE INTO boilerplate(uuid, article_id, start, "end", origin, created_by,'
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return len(rows)


def copy_boilerplate(conn: sqlite3.Connection, source: str) -> None:
    """Inside `take_articles`: the articles copied from the attached SOURCE carry their
    boilerplate ranges."""
    conn.execute(
        f"INSERT INTO main.boilerplate SELECT * FROM {source}.boilerplate"
        " WHERE article_id IN (SELECT id FROM pack_ids)"
    )


def merge_boilerplate(
    conn: sqlite3.Connection, src: sqlite3.Connection, ids: dict[int, int]
) -> int:
    """Inside a merge: union by uuid, the newer version (updated or deleted later) winning;
    the newer article header too. Returns the number of ranges changed."""
    has = src.execute("SELECT count(*) FROM sqlite_master WHERE name = 'boilerplate'").fetchone()[0]
    if not has:
        return 0
    changed = 0
    cols = 'uuid, article_id, start, "end", origin, created_by, created_at, updated_at, deleted_at, deleted_by'
    for r in src.execute(f"SELECT {cols} FROM boilerplate"):
        row = list(r)
        if row[1] not in ids:
            continue
        row[1] = ids[row[1]]
        mine = conn.execute(
            "SELECT updated_at, deleted_at FROM boilerplate WHERE uuid = ?", (row[0],)
        ).fetchone()
        incoming = max(row[7], row[8] or "")
        if mine is None:
            conn.execute(f"INSERT INTO boilerplate({cols}) VALUES ({', '.join('?' * 10)})", row)
            changed += 1
        elif incoming > max(mine[0], mine[1] or ""):
            conn.execute(
                "UPDATE boilerplate SET origin = ?, updated_at = ?, deleted_at = ?, deleted_by = ? WHERE uuid = ?",
                (row[4], row[7], row[8], row[9], row[0]),
            )
            changed += 1
    for r in src.execute(
        "SELECT id, title, published, header_updated_at FROM articles WHERE header_updated_at IS NOT NULL"
    ):
        local = ids.get(r[0])
        if local is None:
            continue
        conn.execute(
            "UPDATE articles SET title = ?, published = ?, header_updated_at = ? WHERE id = ?"
            " AND (header_updated_at IS NULL OR header_updated_at < ?)",
            (r[1], r[2], r[3], local, r[3]),
        )
    return changed


class BoilerplateMixin(StoreBase):
    """Boilerplate ranges of articles and their editable headers."""

    def boilerplate(self, article_id: int) -> list[tuple[int, int]]:
        """Live boilerplate ranges of an article, overlapping ones joined, in order."""
        rows = self.conn.execute(
            'SELECT start, "end" FROM boilerplate WHERE article_id = ? AND deleted_at IS NULL'
            ' ORDER BY start, "end"',
            (article_id,),
        ).fetchall()
        return join_ranges((r[0], r[1]) for r in rows)

    def boilerplate_bulk(self, ids: list[int]) -> dict[int, list[tuple[int, int]]]:
        out: dict[int, list[tuple[int, int]]] = {}
        marks = ",".join(str(int(i)) for i in ids)
        if not marks:
            return out
        rows = self.conn.execute(
            f'SELECT article_id, start, "end" FROM boilerplate WHERE article_id IN ({marks})'
            ' AND deleted_at IS NULL ORDER BY article_id, start, "end"'
        ).fetchall()
        for r in rows:
            out.setdefault(r[0], []).append((r[1], r[2]))
        return {k: join_ranges(v) for k, v in out.items()}

    def _live_boilerplate_rows(self, article_id: int):
        return self.conn.execute(
            'SELECT uuid, start, "end" FROM boilerplate WHERE article_id = ? AND deleted_at IS NULL',
            (article_id,),
        ).fetchall()

    def edit_boilerplate(
        self, article_id: int, start: int, end: int, by: str, mark: bool
    ) -> list[Change]:
        """Mark (or unmark) [start, end) as boilerplate: one transaction; returns what changed,
        for `apply_boilerplate_changes` to undo or redo."""
        article = self.article(article_id)
        if not within(start, end, len(article.text)):
            raise InputError(
                f"range {start}-{end} is outside the article (length {len(article.text)})"
            )
        changes: list[Change] = []
        with self._write():
            if mark:
                uid = boilerplate_uuid(article.hash, start, end)
                self._set_live(article_id, uid, start, end, by, True, changes)
            else:
                for uid, s, e in self._live_boilerplate_rows(article_id):
                    if s >= end or e <= start:
                        continue
                    self._set_live(article_id, uid, s, e, by, False, changes)
                    for ps, pe in ((s, start), (end, e)):
                        if pe > ps:
                            self._set_live(
                                article_id,
                                boilerplate_uuid(article.hash, ps, pe),
                                ps,
                                pe,
                                by,
                                True,
                                changes,
                            )
        return changes

    def apply_boilerplate_changes(
        self, article_id: int, changes: Iterable[Change], by: str
    ) -> None:
        """Set each range's liveness as given (undo passes the inverse of an edit's changes)."""
        with self._write():
            for uid, live in changes:
                row = self.conn.execute(
                    'SELECT start, "end" FROM boilerplate WHERE uuid = ?', (uid,)
                ).fetchone()
                if row is not None:
                    self._set_live(article_id, uid, row[0], row[1], by, live, [])

    def _set_live(self, article_id, uid, start, end, by, live, changes: list[Change]) -> None:
        stamp = now()
        row = self.conn.execute(
            "SELECT deleted_at FROM boilerplate WHERE uuid = ?", (uid,)
        ).fetchone()
        if row is None:
            if not live:
                return
            self.conn.execute(
                'INSERT INTO boilerplate(uuid, article_id, start, "end", origin, created_by, created_at,'
                " updated_at) VALUES (?, ?, ?, ?, 'manual', ?, ?, ?)",
                (uid, article_id, start, end, by, stamp, stamp),
            )
        elif (row[0] is None) == live:
            return
        elif live:
            self.conn.execute(
                "UPDATE boilerplate SET deleted_at = NULL, deleted_by = NULL, updated_at = ? WHERE uuid = ?",
                (stamp, uid),
            )
        else:
            self.conn.execute(
                "UPDATE boilerplate SET deleted_at = ?, deleted_by = ?, updated_at = ? WHERE uuid = ?",
                (stamp, by, stamp, uid),
            )
        changes.append((uid, live))

    def set_article_header(self, article_id: int, title: str | None, published: str | None) -> None:
        """Change an article's title and publication date (its text never changes)."""
        with self._write():
            cur = self.conn.execute(
                "UPDATE articles SET title = ?, published = ?, header_updated_at = ? WHERE id = ?",
                (title, published, now(), article_id),
            )
            if cur.rowcount == 0:
                raise KeyError(article_id)


class HeaderMixin(StoreBase):
    """Editing an article's title and publication date, re-resolving its relative dates."""

    def edit_article_header(self, article_id: int, title: str | None, published: str | None) -> int:
        """Set title and publication date in one transaction, and resolve the article's DATE
        values again against the new date: its suggestions', and its spans' unless an
        annotator changed a value by hand. Returns the number of values that changed."""
        if published:
            parsed = parse_published(published)
            if parsed is None:
                raise InputError(f"not a date: {published!r} (write it as YYYY-MM-DD)")
            published = parsed.isoformat()
        changed = 0
        with self._write():
            article = self.article(article_id)
            old, new = parse_published(article.published), parse_published(published)
            self.set_article_header(article_id, title, published)
            updates = []
            for s in self.suggestions(article_id):
                if s.label != "DATE":
                    continue
                attrs = date_attrs(article.text[s.start : s.end], new)
                if attrs is not None and attrs.get("value") != s.attrs.get("value"):
                    rest = {k: v for k, v in s.attrs.items() if k != "value"}
                    updates.append((s.start, s.end, s.label, {**rest, **attrs}))
            self.set_suggestion_attrs(article_id, updates)
            changed += len(updates)
            for span in self.spans(article_id):
                if span.label != "DATE":
                    continue
                phrase = article.text[span.start : span.end]
                before = (date_attrs(phrase, old) or {}).get("value")
                if span.attrs.get("value") != before:
                    continue  # set by hand: the annotator's value stands
                after = (date_attrs(phrase, new) or {}).get("value")
                if after != before:
                    attrs = {k: v for k, v in span.attrs.items() if k != "value"}
                    if after:
                        attrs["value"] = after
                    self.update_span(span.uuid, attrs=attrs)
                    changed += 1
        return changed
