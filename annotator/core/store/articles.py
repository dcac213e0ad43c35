"""Reading articles: one, several, the ids and rows an article list shows, cached tokens.

Articles are immutable (their text; the header is edited in `boilerplate.py`),
identified by the SHA-256 of their text; adding them is `imports.py`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from annotator.core.model import Article, ArticleRow
from annotator.core.store.base import StoreBase
from annotator.core.store.listing import IdSequence, article_list
from annotator.core.store.search import run_match


def _article(r: sqlite3.Row) -> Article:
    return Article(
        id=r["id"], hash=r["hash"], text=r["text"], title=r["title"], source=r["source"],
        published=r["published"], meta=json.loads(r["meta"]), created_at=r["created_at"],
    )  # fmt: skip


class ArticlesMixin(StoreBase):
    """Reading articles (see the module's docstring)."""

    def article(self, article_id: int) -> Article:
        rows = self._q("SELECT * FROM articles WHERE id = ?", (article_id,))
        if not rows:
            raise KeyError(article_id)
        return _article(rows[0])

    def articles_bulk(self, ids: list[int]) -> dict[int, Article]:
        """Several articles in one query (exports stream through chunks of these)."""
        marks = ",".join(str(int(i)) for i in ids)
        out = {}
        for r in self._q(
            f"SELECT * FROM articles WHERE id IN ({marks})"
            if ids
            else "SELECT * FROM articles WHERE 0"
        ):
            out[r["id"]] = _article(r)
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

    def article_id_by_hash(self, digest: str) -> int | None:
        rows = self._q("SELECT id FROM articles WHERE hash = ?", (digest,))
        return rows[0]["id"] if rows else None

    def article_ids(self) -> list[int]:
        return [r["id"] for r in self._q("SELECT id FROM articles ORDER BY id")]

    def article_count(self) -> int:
        return self._q("SELECT count(*) AS n FROM articles")[0]["n"]

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
        if search:  # full-text search (FTS5 syntax: words, "phrases", prefix*, OR, NOT)
            where.append("a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH :q)")
            params["q"] = search
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
            for r in (run_match(self.conn, sql, params) if search else self._q(sql, params))
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
        if search:  # full-text search (FTS5 syntax: words, "phrases", prefix*, OR, NOT)
            where.append("a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH :q)")
            params["q"] = search
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY a.id"
        rows = run_match(self.conn, sql, params) if search else self.conn.execute(sql, params)
        return [r[0] for r in rows]

    def article_id_list(
        self,
        annotator: str | None = None,
        *,
        status: str | None = None,
        search: str | None = None,
        sort: str | None = None,
        desc: bool = False,
        **searched,
    ) -> IdSequence:
        """`list_article_ids` as a lazy sequence: counted, then read a page at a time
        (`listing.article_list`), for lists of any size; SORT by one of `listing.SORTS`
        (DESC: reversed), a search best first. SEARCHED: `ranked`, `total`, `pending` of a
        search ranked off the GUI thread."""
        ids = article_list(
            self.conn, annotator, status=status, search=search, sort=sort, desc=desc, **searched
        )
        if not searched.get("pending"):
            len(ids)  # a bad search fails here, in the caller's hands
        return ids

    def article_lengths(self, ids: Iterable[int]) -> dict[int, int]:
        marks = ",".join(str(int(i)) for i in ids) or "NULL"
        return {
            r["id"]: r["length"]
            for r in self._q(f"SELECT id, length FROM articles WHERE id IN ({marks})")
        }
