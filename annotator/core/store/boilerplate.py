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


def mark_pending(conn: sqlite3.Connection, ids: list[int]) -> None:
    """New articles whose boilerplate is detected where first needed (`BoilerplateMixin`).

    Detection costs 25 times the insert of an article, so import only notes it."""
    conn.executemany(
        "INSERT OR IGNORE INTO boilerplate_pending(article_id) VALUES (?)", [(i,) for i in ids]
    )


def detected_rows(article_id: int, article_hash: str, text: str, stamp: str) -> list[tuple]:
    """Boilerplate rows of an article as detection finds them, stamped STAMP (the article's
    import time: a later detection is as old as the article, so an unmark made meanwhile in
    another copy still wins a merge)."""
    return [
        (boilerplate_uuid(article_hash, s, e), article_id, s, e, "auto", None, stamp, stamp)
        for s, e in detect(text)
    ]


def insert_detected(conn: sqlite3.Connection, rows: Iterable[tuple]) -> None:
    """Store detected rows (a tombstone or a row already there is left alone)."""
    conn.executemany(
        'INSERT OR IGNORE INTO boilerplate(uuid, article_id, start, "end", origin, created_by,'
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def copy_boilerplate(conn: sqlite3.Connection, source: str) -> None:
    """Inside `take_articles`: the articles copied from the attached SOURCE carry their
    boilerplate ranges."""
    conn.execute(
        f"INSERT INTO main.boilerplate SELECT * FROM {source}.boilerplate"
        " WHERE article_id IN (SELECT id FROM pack_ids)"
    )
    conn.execute(
        f"INSERT OR IGNORE INTO main.boilerplate_pending SELECT * FROM {source}.boilerplate_pending"
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
    pending = src.execute(
        "SELECT count(*) FROM sqlite_master WHERE name = 'boilerplate_pending'"
    ).fetchone()[0]
    if pending:  # what the other copy has not detected yet, this one detects when needed
        conn.executemany(
            "INSERT OR IGNORE INTO boilerplate_pending(article_id) VALUES (?)",
            [
                (ids[r[0]],)
                for r in src.execute("SELECT article_id FROM boilerplate_pending")
                if r[0] in ids
            ],
        )
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

    def _detect_pending(self, ids: list[int]) -> dict[int, list[tuple[int, int]]]:
        """Detect the boilerplate of those of IDS imported since (the one step where detection
        happens): stored when this connection may write without waiting, else only returned
        (a read-only command, or another program holding the write lock).
        Returns {article id: ranges} of what detection found and did not store."""
        marks = ",".join(str(int(i)) for i in ids)
        if not marks:
            return {}
        rows = self.conn.execute(
            "SELECT a.id, a.hash, a.text, a.created_at FROM boilerplate_pending p"
            f" JOIN articles a ON a.id = p.article_id WHERE p.article_id IN ({marks})"
        ).fetchall()
        if not rows:
            return {}
        found = {r[0]: detected_rows(r[0], r[1], r[2], r[3]) for r in rows}
        if self.readonly:
            return {aid: [(f[2], f[3]) for f in fs] for aid, fs in found.items()}
        waited = self.busy_timeout
        if not self.conn.in_transaction:
            self.set_busy_timeout(0.2)  # never make a reader wait on another program's import
        try:
            with self._write():
                insert_detected(self.conn, (f for fs in found.values() for f in fs))
                self.conn.executemany(
                    "DELETE FROM boilerplate_pending WHERE article_id = ?", [(a,) for a in found]
                )
        except sqlite3.OperationalError:
            return {aid: [(f[2], f[3]) for f in fs] for aid, fs in found.items()}
        finally:
            if self.busy_timeout != waited:
                self.set_busy_timeout(waited)
        return {}

    def boilerplate(self, article_id: int) -> list[tuple[int, int]]:
        """Live boilerplate ranges of an article, overlapping ones joined, in order."""
        unstored = self._detect_pending([article_id])
        rows = self.conn.execute(
            'SELECT start, "end" FROM boilerplate WHERE article_id = ? AND deleted_at IS NULL'
            ' ORDER BY start, "end"',
            (article_id,),
        ).fetchall()
        return join_ranges(sorted({(r[0], r[1]) for r in rows} | set(unstored.get(article_id, []))))

    def boilerplate_bulk(self, ids: list[int]) -> dict[int, list[tuple[int, int]]]:
        out: dict[int, list[tuple[int, int]]] = {}
        marks = ",".join(str(int(i)) for i in ids)
        if not marks:
            return out
        unstored = self._detect_pending(ids)
        rows = self.conn.execute(
            f'SELECT article_id, start, "end" FROM boilerplate WHERE article_id IN ({marks})'
            ' AND deleted_at IS NULL ORDER BY article_id, start, "end"'
        ).fetchall()
        for r in rows:
            out.setdefault(r[0], []).append((r[1], r[2]))
        for aid, ranges in unstored.items():
            out[aid] = sorted(set(out.get(aid, [])) | set(ranges))
        return {k: join_ranges(v) for k, v in out.items() if v}

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
            self._detect_pending([article_id])  # the detected ranges first, to unmark them
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
