"""Adding articles: one, or a batch from an input file with its spans, suggestions
and rejections, in one transaction.

An imported span keeps its id unless that id is another article's or
annotator's here; re-importing the same file updates instead of copying.
"""

from __future__ import annotations

import itertools
import uuid as uuidlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import ArticleIn, Status, Suggestion
from annotator.core.span_rules import check_range
from annotator.core.store.base import StoreBase
from annotator.core.store.boilerplate import mark_pending
from annotator.core.store.rows import (
    insert_article,
    insert_articles,
    json_text,
    now,
    span_uuid,
    text_hash,
    write_span,
)

MAX_ARTICLE_CHARS = 2_000_000
FTS_INSERT_TRIGGER = "articles_fts_insert"  # m009's: indexes each article as it is inserted
FTS_CHUNK = 8192  # new articles indexed per full-text statement during an import
IMPORT_CACHE_KIB = 65536  # SQLite's page cache while an import runs (default 2 MiB)


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


class ImportsMixin(StoreBase):
    """Adding articles and importing input files."""

    @staticmethod
    def _check_text(item: ArticleIn) -> None:
        if len(item.text) > MAX_ARTICLE_CHARS:
            raise InputError(
                f"article of {len(item.text):,} characters exceeds the limit of "
                f"{MAX_ARTICLE_CHARS:,}; split it first",
                line=item.line,
            )
        if not item.text or item.text.isspace():  # as `not strip()`, without the copy
            raise InputError("article text is empty")

    def _insert_article(self, item: ArticleIn) -> tuple[int, bool]:
        self._check_text(item)
        digest = text_hash(item.text)
        row = self._q("SELECT id FROM articles WHERE hash = ?", (digest,))
        if row:
            return row[0]["id"], False
        meta = json_text(item.meta)
        article_id = insert_article(
            self.conn, digest, item.text, item.title, item.source, item.published, meta, now()
        )
        mark_pending(self.conn, [article_id])  # boilerplate is detected where first needed
        return article_id, True

    def _insert_batch(self, items: list[ArticleIn]) -> list[tuple[int, bool]]:
        """(id, created) of each item, new ones inserted by one statement: the full-text
        index then takes them in one go (it writes a segment per statement)."""
        digests = [text_hash(item.text) for item in items]
        stamp = now()
        new: dict[str, ArticleIn] = {}
        for item, digest in zip(items, digests, strict=True):
            new.setdefault(digest, item)
        created = insert_articles(
            self.conn,
            [
                (
                    digest,
                    item.text,
                    item.title,
                    item.source,
                    item.published,
                    json_text(item.meta),
                    stamp,
                )
                for digest, item in new.items()
            ],
        )
        missing = [d for d in new if d not in created]
        known = dict(created)
        for i in range(0, len(missing), 500):
            part = missing[i : i + 500]
            known.update(
                self.conn.execute(
                    f"SELECT hash, id FROM articles WHERE hash IN ({','.join('?' * len(part))})",
                    part,
                ).fetchall()
            )
        mark_pending(self.conn, list(created.values()))  # boilerplate: detected where first needed
        out, seen = [], set()
        for digest in digests:
            out.append((known[digest], digest in created and digest not in seen))
            seen.add(digest)
        return out

    def add_article(self, text: str, **fields: Any) -> tuple[int, bool]:
        """Add one article; returns (id, created). The same text twice is one article."""
        with self._write():
            return self._insert_article(ArticleIn(text=text, **fields))

    def import_articles(
        self, items: Iterable[ArticleIn], default_annotator: str | None, batch: int = 500
    ) -> ImportResult:
        """Add a batch (one input file) in one transaction: all of it or nothing.

        ITEMS may be a stream: it is consumed inside the transaction, BATCH items at a
        time, so memory stays flat and an error anywhere in it (a bad record, a
        reader's) rolls the whole file back. The full-text index takes the new articles
        in bulk (see `_fts_in_bulk`)."""
        result = ImportResult()
        with self._write(), self._savepoint(), self._fts_in_bulk() as index_new:
            buffered: list[ArticleIn] = []
            for item in items:
                buffered.append(item)
                if len(buffered) >= batch:
                    self._import_batch(buffered, default_annotator, result)
                    index_new(FTS_CHUNK)
                    buffered = []
            if buffered:
                self._import_batch(buffered, default_annotator, result)
        return result

    @contextmanager
    def _fts_in_bulk(self) -> Iterator[Callable[[int], None]]:
        """Inside the import's savepoint: the full-text index written in bulk, not row by row.

        m009's insert trigger indexes each article as its row goes in; FTS5 then writes a
        segment per statement and merges them as it goes. Here the trigger is dropped for
        the import (DDL is transactional: a rolled-back or killed import leaves it as it
        was) and the new articles, those above the largest id before, are indexed by one
        `INSERT … SELECT` per FTS_CHUNK articles and at the end, before the trigger is put
        back verbatim (its stored SQL), so the index stays exactly what the trigger makes.
        Yields `index_new(at_least)`: index the articles added since, if at least that many.
        Nothing in an import updates or deletes an article, whose triggers would need the
        index entry to be there already. Also a larger page cache while the import runs."""
        conn = self.conn
        row = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
            (FTS_INSERT_TRIGGER,),
        ).fetchone()
        with self.import_cache():
            if row is None:  # no index to keep (a file before m009 is migrated on open)
                yield lambda at_least: None
                return
            indexed = conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]
            conn.execute(f"DROP TRIGGER {FTS_INSERT_TRIGGER}")

            def index_new(at_least: int) -> None:
                nonlocal indexed
                top = conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]
                if top - indexed >= max(at_least, 1):
                    conn.execute(
                        "INSERT INTO articles_fts(rowid, title, text)"
                        " SELECT id, title, text FROM articles WHERE id > ?",
                        (indexed,),
                    )
                    indexed = top

            yield index_new
            index_new(1)
            conn.execute(row[0])

    @contextmanager
    def import_cache(self) -> Iterator[None]:
        """SQLite's page cache at IMPORT_CACHE_KIB while the block runs (an import of many
        files takes it once: shrinking it between files would drop the pages it holds)."""
        conn = self.conn
        cache = conn.execute("PRAGMA cache_size").fetchone()[0]
        if cache < 0 and -cache >= IMPORT_CACHE_KIB:
            yield  # already
            return
        conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
        try:
            yield
        finally:
            conn.execute(f"PRAGMA cache_size = {cache}")

    def _import_batch(
        self, items: list[ArticleIn], default_annotator: str | None, result: ImportResult
    ) -> None:
        for item in items:
            if not isinstance(item.text, str):
                raise InputError("article text is not a string", line=item.line)
        ids = self._insert_batch(items)
        for item, (article_id, created) in zip(items, ids, strict=True):
            self._check_text(item)  # in file order, with each record's other checks
            if created:
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

    def _import_rejections(self, article_id: int, item: ArticleIn, annotator: str | None) -> None:
        if not annotator:
            raise InputError(
                "a rejection record needs an annotator: give --annotator", line=item.line
            )
        self._ensure_annotator(annotator)
        for s in item.rejected or []:
            key = (article_id, annotator, s.start, s.end, s.label)
            self._put_decision("decisions", key, "reject", None)

    def _import_spans(self, article_id: int, item: ArticleIn, annotator: str) -> int:
        self._ensure_annotator(annotator)
        labels = set(self.scheme.names)
        digest = text_hash(item.text)
        stamp = self._now()
        uids: list[str] = []  # the stored id of each of the record's spans, for its events
        for s in item.spans or []:
            if s.label not in labels:
                raise InputError(
                    f"unknown label {s.label!r} (the project's labels are {', '.join(sorted(labels))})",
                    line=item.line,
                )
            check_range(s.start, s.end, len(item.text), line=item.line)
            uid = s.uuid or span_uuid(digest, annotator, s.start, s.end, s.label)
            uids.append(self._import_span(
                uid, article_id, annotator, digest, s, s.created_at or stamp, s.updated_at or stamp
            ))  # fmt: skip
        if item.events:
            self._import_events(article_id, item, annotator, digest, uids)
        status = item.status or Status.DONE
        self._put_status(article_id, annotator, status)
        return len(item.spans or [])

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

    def _import_span(self, uid, article_id, annotator, digest, s, created, updated) -> str:
        """One imported span: a span id of another article or annotator is never touched.
        Returns the id it is stored under."""
        row = self._span_owner(uid)
        if row is not None and (row["article_id"], row["annotator"]) != (article_id, annotator):
            uid = self._own_uuid(uid, digest, annotator)
            row = self._span_owner(uid)
        attrs = json_text(s.attrs)
        if row is not None:
            same = (row["start"], row["end"], row["label"], row["attrs"], row["origin"]) == (
                s.start, s.end, s.label, attrs, s.origin
            )  # fmt: skip
            if (same and row["deleted_at"] is None) or updated < row["updated_at"]:
                return uid  # nothing new, or older than what the project holds
        stamp, vv = self._versioned(row["vv"] if row is not None else None)
        values = (uid, article_id, annotator, s.start, s.end, s.label, attrs, s.origin,
                  created, updated, None, None)  # fmt: skip
        write_span(self.conn, values, stamp, vv)
        return uid
