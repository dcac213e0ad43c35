"""Full-text search (#17): SQLite FTS5 over titles and texts, ranked by bm25, with a
highlighted snippet, combined with filters by label, attribute and status.

The index (`articles_fts`, migration m009) is kept in step with the articles
table by triggers, whatever writes an article. Queries use FTS5's syntax:
words (all must occur), "a phrase", prefix*, AND / OR / NOT, parentheses,
NEAR(a b, 5). A query FTS5 cannot parse is an InputError, one line.

Ranking is capped so that the first page stays fast for a word in most
articles: bm25 ranks the first RANK_CAP matches (in import order, read
straight from the index); when there are more, the page says so
(`Ranked.capped`) and the matches beyond follow, unranked, in id order.
Up to RANK_CAP matches, the ranking is over all of them, exactly as before.
Counting needs no join with the articles table unless a filter asks for one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from annotator.core.errors import AnnotatorError, InputError
from annotator.core.store.base import StoreBase

# markers around matched words in a snippet: plain characters, never markup
HIT_START, HIT_END = "\u27e6", "\u27e7"  # ⟦ ⟧
SNIPPET_TOKENS = 16
RANK_CAP = 10_000  # matches ranked by bm25 for a page; beyond, id order (see the docstring)
SNIPPET_SQL = f"snippet(articles_fts, 1, '{HIT_START}', '{HIT_END}', '…', {SNIPPET_TOKENS})"


@dataclass
class SearchHit:
    id: int
    title: str | None
    published: str | None
    status: str
    snippet: str  # matched words between HIT_START and HIT_END, "…" where text is cut
    rank: float | None  # bm25 (lower is better); None beyond the ranked candidates


@dataclass
class Ranked:
    """The candidates of a search, best first: every match when there are at most `cap`,
    else the first `cap` matches in id order (`capped`), the rest following `last` by id."""

    ids: list[int]
    ranks: list[float]
    capped: bool
    last: int | None  # the greatest id among the candidates
    query: str  # as run: a query FTS5 could not parse taken as plain words
    cap: int


@dataclass
class SearchFilters:
    """The filters a search combines with (see `filter_sql`)."""

    annotator: str | None = None
    label: str | None = None
    attrs: dict[str, str] | None = None
    statuses: list[str] | None = None

    def sql(self, params: dict) -> list[str]:
        return filter_sql(self.annotator, self.label, self.attrs, self.statuses, params)


def fts_source(where: list[str]) -> str:
    """FROM the index alone, or joined with the articles (`a`) when a filter needs them."""
    return "articles_fts" + (" JOIN articles a ON a.id = articles_fts.rowid" if where else "")


class Cancelled(AnnotatorError):
    """A search stopped by `interrupt_when` (a newer search, or Cancel)."""


@dataclass
class ListSearch:
    """What the window's list needs of a search, found off the GUI thread: the ranked
    candidates (`Ranked`), the count when known (None: capped, counted next) and the
    snippets of the best ones."""

    query: str
    ranked: Ranked
    total: int | None
    snippets: dict[int, str] = field(default_factory=dict)
    ordered: list[int] | None = None  # a list sorted by a column: every match, in its order


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


def run_match(
    conn: sqlite3.Connection, sql: str, params: dict, key: str = "q", used: list | None = None
) -> list:
    """Run SQL whose :q is a MATCH query; a query FTS5 cannot parse is tried once as plain
    words, then is an InputError. USED, when given, receives the query as run."""
    query = params[key]
    try:
        rows = conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        code = getattr(exc, "sqlite_errorcode", sqlite3.SQLITE_ERROR)
        if code == sqlite3.SQLITE_INTERRUPT:
            raise Cancelled("search cancelled") from None
        if code != sqlite3.SQLITE_ERROR:
            raise  # busy, locked, disk: not the query's fault
        words = as_words(query)
        if words is None or words == query:
            raise bad_query(exc, query) from None
        try:
            rows = conn.execute(sql, {**params, key: words}).fetchall()
        except sqlite3.OperationalError as again:
            code = getattr(again, "sqlite_errorcode", sqlite3.SQLITE_ERROR)
            if code == sqlite3.SQLITE_INTERRUPT:
                raise Cancelled("search cancelled") from None
            if code != sqlite3.SQLITE_ERROR:
                raise
            raise bad_query(exc, query) from None
        query = words
    if used is not None:
        used.append(query)
    return rows


def rank(
    conn: sqlite3.Connection,
    query: str,
    filters: SearchFilters | None = None,
    cap: int | None = None,
) -> Ranked:
    """The candidates of QUERY with FILTERS, ranked (see `Ranked`): one read of at most CAP + 1
    (default RANK_CAP + 1) rows from the index, never a rank of every match."""
    cap = RANK_CAP if cap is None else cap
    if not query or not query.strip():
        raise InputError("nothing to search for")
    params: dict = {"q": query, "cap": cap + 1}
    where = (filters or SearchFilters()).sql(params)
    sql = (
        f"SELECT articles_fts.rowid, bm25(articles_fts, 3.0, 1.0) FROM {fts_source(where)}"
        " WHERE articles_fts MATCH :q" + "".join(f" AND {w}" for w in where)
        + " ORDER BY articles_fts.rowid LIMIT :cap"
    )  # fmt: skip
    used: list[str] = []
    rows = run_match(conn, sql, params, used=used)
    capped = len(rows) > cap
    rows = rows[:cap]
    last = rows[-1][0] if rows else None
    rows.sort(key=lambda r: (r[1], r[0]))
    return Ranked([r[0] for r in rows], [r[1] for r in rows], capped, last, used[0], cap)


def count(
    conn: sqlite3.Connection,
    query: str,
    filters: SearchFilters | None = None,
    cap: int | None = None,
    after: int | None = None,
) -> int:
    """How many articles match QUERY and FILTERS (ids above AFTER only, when given); with CAP,
    counting stops at CAP + 1 (shown as "CAP+")."""
    params: dict = {"q": query}
    where = (filters or SearchFilters()).sql(params)
    if after is not None:
        where_after = " AND articles_fts.rowid > :after"
        params["after"] = after
    else:
        where_after = ""
    inner = f"SELECT 1 FROM {fts_source(where)} WHERE articles_fts MATCH :q{where_after}" + "".join(
        f" AND {w}" for w in where
    )
    if cap is not None:
        inner += " LIMIT :cap"
        params["cap"] = cap + 1
    return run_match(conn, f"SELECT count(*) FROM ({inner})", params)[0][0]


def among(ids: list[int], column: str = "rowid") -> tuple[str, dict]:
    """WHERE terms for rows of IDS in an FTS5 query, as one range plus a filter: FTS5 reruns the
    whole query for each value of `rowid IN (…)` (500 snippets of a prefix query: 24 s on
    1,000,000 articles), once for a range (57 ms)."""
    marks = ",".join(str(int(i)) for i in ids)
    terms = f" AND {column} >= :_lo AND {column} <= :_hi AND +{column} IN ({marks})"
    return terms, {"_lo": min(ids), "_hi": max(ids)}


def snippets(conn: sqlite3.Connection, query: str, ids: list[int]) -> dict[int, str]:
    """The snippet of each of IDS (that match QUERY)."""
    if not ids:
        return {}
    terms, params = among(ids)
    sql = f"SELECT rowid, {SNIPPET_SQL} FROM articles_fts WHERE articles_fts MATCH :q{terms}"
    return dict(run_match(conn, sql, {"q": query, **params}))


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
        cap: int | None = None,
    ) -> list[SearchHit]:
        """The best LIMIT articles matching QUERY (bm25, titles weighted 3:1), with a snippet;
        ranked among the first CAP matches when there are more (`search_ranked`)."""
        return self.search_page(
            query, SearchFilters(annotator, label, attrs, statuses), limit, offset, cap
        )[0]

    def search_ranked(
        self, query: str, filters: SearchFilters | None = None, cap: int | None = None
    ) -> Ranked:
        return rank(self.conn, query, filters, cap)

    def search_page(
        self,
        query: str,
        filters: SearchFilters | None = None,
        limit: int = 20,
        offset: int = 0,
        cap: int | None = None,
    ) -> tuple[list[SearchHit], Ranked]:
        """A page of hits and the ranking it comes from: ranked candidates first, then (when
        capped) the other matches in id order."""
        filters = filters or SearchFilters()
        ranked = rank(self.conn, query, filters, cap)
        q = ranked.query
        page = ranked.ids[offset : offset + limit]
        ranks = dict(zip(ranked.ids, ranked.ranks, strict=True))
        if ranked.capped and len(page) < limit:
            params: dict = {"q": q, "after": ranked.last}
            where = filters.sql(params)
            params["n"] = limit - len(page)
            params["off"] = max(0, offset - len(ranked.ids))
            page += [
                r[0]
                for r in run_match(
                    self.conn,
                    f"SELECT articles_fts.rowid FROM {fts_source(where)}"
                    " WHERE articles_fts MATCH :q AND articles_fts.rowid > :after"
                    + "".join(f" AND {w}" for w in where)
                    + " ORDER BY articles_fts.rowid LIMIT :n OFFSET :off",
                    params,
                )
            ]
        if not page:
            return [], ranked
        terms, params = among(page, "articles_fts.rowid")
        rows = run_match(
            self.conn,
            "SELECT a.id, a.title, a.published,"
            " COALESCE((SELECT st.status FROM status st WHERE st.article_id = a.id"
            f" AND st.annotator = :ann), 'todo'), {SNIPPET_SQL}"
            " FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
            f" WHERE articles_fts MATCH :q{terms}",
            {"q": q, "ann": filters.annotator or "", **params},
        )
        by_id = {r[0]: r for r in rows}
        hits = [
            SearchHit(r[0], r[1], r[2], r[3], r[4], ranks.get(aid))
            for aid in page
            if (r := by_id.get(aid))
        ]
        return hits, ranked

    def search_count(self, query: str, cap: int | None = None, **filters) -> int:
        """How many articles match QUERY and the filters (at most CAP + 1 with CAP)."""
        return count(self.conn, query, SearchFilters(**filters), cap)

    def search_snippets(self, query: str, ids: list[int]) -> dict[int, str]:
        return snippets(self.conn, query, ids)

    def interrupt_when(self, cancelled: Callable[[], bool] | None) -> None:
        """Stop a running query of this connection as soon as CANCELLED() is true (checked
        every 1,000 SQLite steps): it raises `Cancelled`. Meant for a reading connection of
        its own (a worker's), never the writer."""
        handler = None if cancelled is None else (lambda: 1 if cancelled() else 0)
        self.conn.set_progress_handler(handler, 1000)

    def search_for_list(
        self,
        query: str,
        *,
        annotator: str | None = None,
        status: str | None = None,
        sort: str | None = None,
        desc: bool = False,
        best: int = 500,
    ) -> ListSearch:
        """The window's search, in one call that a worker makes (see `ListSearch`): ranked,
        snippets of the BEST first, the count when it is free (not capped); SORTed by a
        column, every match in that order (one sort, here, off the GUI thread)."""
        from annotator.core.store.listing import sorted_matches

        filters = SearchFilters(annotator, statuses=[status] if status else None)
        ranked = rank(self.conn, query, filters)
        total = None if ranked.capped else len(ranked.ids)
        ordered = None
        if sort is not None:
            ordered = sorted_matches(self.conn, annotator, ranked.query, status, sort, desc)
            total = len(ordered)
        found = snippets(self.conn, ranked.query, ranked.ids[:best])
        return ListSearch(query, ranked, total, found, ordered)

    def search_list_count(
        self, query: str, *, annotator: str | None = None, status: str | None = None
    ) -> int:
        """How many articles the window's search lists (its status filter included)."""
        return count(
            self.conn, query, SearchFilters(annotator, statuses=[status] if status else None)
        )
