"""Full-text search (#17): SQLite FTS5 over titles and texts, ranked by bm25, with a
highlighted snippet, combined with filters by label, attribute and status.

The index (`articles_fts`, migration m009) is kept in step with the articles
table by triggers, whatever writes an article. Queries use FTS5's syntax:
words (all must occur), "a phrase", prefix*, AND / OR / NOT, parentheses,
NEAR(a b, 5). A query FTS5 cannot parse is an InputError, one line.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from annotator.core.errors import InputError
from annotator.core.store.base import StoreBase

# markers around matched words in a snippet: plain characters, never markup
HIT_START, HIT_END = "\u27e6", "\u27e7"  # ⟦ ⟧
SNIPPET_TOKENS = 16


@dataclass
class SearchHit:
    id: int
    title: str | None
    published: str | None
    status: str
    snippet: str  # matched words between HIT_START and HIT_END, "…" where text is cut
    rank: float


def bad_query(exc: sqlite3.Error, query: str) -> InputError:
    reason = str(exc).removeprefix("fts5: ")
    return InputError(
        f'cannot search for {query!r}: {reason} (search syntax: words, "a phrase", '
        "prefix*, AND, OR, NOT, parentheses)"
    )


def as_words(query: str) -> str | None:
    """A query FTS5 cannot parse, taken as plain words ("Kabul's" → "Kabul's" quoted), or None
    when it was meant as syntax (it has quotes)."""
    if '"' in query:
        return None
    words = query.split()
    return " ".join(f'"{w}"' for w in words) if words else None


def run_match(conn: sqlite3.Connection, sql: str, params: dict, key: str = "q") -> list:
    """Run SQL whose :q is a MATCH query; a query FTS5 cannot parse is tried once as plain
    words, then is an InputError."""
    query = params[key]
    try:
        return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorcode", sqlite3.SQLITE_ERROR) != sqlite3.SQLITE_ERROR:
            raise  # busy, locked, disk: not the query's fault
        words = as_words(query)
        if words is None or words == query:
            raise bad_query(exc, query) from None
        try:
            return conn.execute(sql, {**params, key: words}).fetchall()
        except sqlite3.OperationalError:
            raise bad_query(exc, query) from None


def filter_sql(
    annotator: str | None,
    label: str | None,
    attrs: dict[str, str] | None,
    statuses: list[str] | None,
    params: dict,
) -> list[str]:
    """WHERE terms on articles `a`: a live span (any annotator's unless ANNOTATOR) or a
    model suggestion with LABEL and ATTRS; the annotator's status in STATUSES ('todo' when
    none is stored)."""
    where = []
    if label or attrs:
        conds, n = [], 0
        if label:
            conds.append("x.label = :label")
            params["label"] = label
        for key, value in (attrs or {}).items():
            conds.append(f"json_extract(x.attrs, :k{n}) = :v{n}")
            params[f"k{n}"], params[f"v{n}"] = f"$.{key}", value
            n += 1
        cond = " AND ".join(conds)
        who = " AND x.annotator = :ann" if annotator else ""
        where.append(
            f"(EXISTS (SELECT 1 FROM spans x WHERE x.article_id = a.id AND x.deleted_at IS NULL"
            f"{who} AND {cond}) OR EXISTS (SELECT 1 FROM suggestions x WHERE x.article_id = a.id"
            f" AND {cond}))"
        )
    if statuses:
        marks = ", ".join(f":s{i}" for i in range(len(statuses)))
        params.update({f"s{i}": s for i, s in enumerate(statuses)})
        where.append(
            "COALESCE((SELECT st.status FROM status st WHERE st.article_id = a.id"
            f" AND st.annotator = :ann), 'todo') IN ({marks})"
        )
    params.setdefault("ann", annotator or "")
    return where


class SearchMixin(StoreBase):
    """Full-text search (see the module's docstring)."""

    def search(
        self,
        query: str,
        *,
        annotator: str | None = None,
        label: str | None = None,
        attrs: dict[str, str] | None = None,
        statuses: list[str] | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[SearchHit]:
        """The best LIMIT articles matching QUERY (bm25, titles weighted 3:1), with a snippet."""
        if not query or not query.strip():
            raise InputError("nothing to search for")
        params: dict = {"q": query, "limit": limit, "offset": offset}
        where = filter_sql(annotator, label, attrs, statuses, params)
        sql = (
            "SELECT a.id, a.title, a.published,"
            " COALESCE((SELECT st.status FROM status st WHERE st.article_id = a.id"
            " AND st.annotator = :ann), 'todo') AS status,"
            f" snippet(articles_fts, 1, '{HIT_START}', '{HIT_END}', '…', {SNIPPET_TOKENS}) AS snip,"
            " bm25(articles_fts, 3.0, 1.0) AS rank"
            " FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
            " WHERE articles_fts MATCH :q"
            + "".join(f" AND {w}" for w in where)
            + " ORDER BY rank LIMIT :limit OFFSET :offset"
        )
        rows = run_match(self.conn, sql, params)
        return [SearchHit(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]

    def search_count(self, query: str, **filters) -> int:
        """How many articles match QUERY and the filters."""
        params: dict = {"q": query}
        where = filter_sql(
            filters.get("annotator"), filters.get("label"), filters.get("attrs"),
            filters.get("statuses"), params,
        )  # fmt: skip
        sql = (
            "SELECT count(*) FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
            " WHERE articles_fts MATCH :q" + "".join(f" AND {w}" for w in where)
        )
        return run_match(self.conn, sql, params)[0][0]
