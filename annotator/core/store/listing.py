"""The article list of a large project without reading every id (#17).

An article list is a read-only sequence of ids: its length is a count, its
items are read a page at a time. `ArticleIds` pages one query in the order of
a sort key then id (or id alone) by keyset pagination (`(key, id) > (last
key, last id)`) when the page before is known, else by OFFSET, from the far
end when the page is nearer the end (scrolling to the last row reads one page
backwards). Positions (`index`) are a count of the ids before. The sort keys
have indexes (migration m010): title, date; status and span count are read as
segments (`Concat`), each an index range or a small list:

- title / date: the articles without one first, then by the indexed column;
- status: to do, in progress, done, skipped (the status table's index; "to do"
  is every article without another status);
- spans: the articles without a live span of the annotator first (by id), then
  the few with spans, by count.

A search (`SearchIds`) lists its ranked candidates first (`search.Ranked`),
then, when capped, the other matches in id order, read from the index by
rowid keyset. A search sorted by a column is one query whose order needs the
matches sorted (fine for the thousands a search usually finds).

The window's list model, next/previous and "next unfinished" use these like
a list; a project of 1,000,000 articles opens reading one page.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence

from annotator.core.store.search import Ranked, SearchFilters, fts_source, rank, run_match

PAGE = 1000
SORTS = ("title", "published", "status", "spans")
STATUS_ORDER = ("todo", "in_progress", "done", "skipped")
LIVE_SPANS = "SELECT 1 FROM spans s WHERE s.article_id = a.id AND s.annotator = :ann AND s.deleted_at IS NULL"
SPAN_COUNT = LIVE_SPANS.replace("SELECT 1", "SELECT count(*)")
WITH_SPANS = "SELECT article_id FROM spans WHERE annotator = :ann AND deleted_at IS NULL"
STATUS_OF = "COALESCE((SELECT st2.status FROM status st2 WHERE st2.article_id = a.id AND st2.annotator = :ann), 'todo')"
# sort keys for a query that cannot use an index (a search sorted by a column): computed per row
COMPUTED_KEY = {
    "title": "ifnull(a.title, '') COLLATE NOCASE",
    "published": "ifnull(a.published, '')",
    "status": "CASE " + STATUS_OF + "".join(
        f" WHEN '{s}' THEN {i}" for i, s in enumerate(STATUS_ORDER)
    ) + " END",
    "spans": f"({SPAN_COUNT})",
}  # fmt: skip


class IdSequence(Sequence[int]):
    """What every list here shares: equality with lists, `position`, `index`, `in`."""

    def position(self, aid: int) -> int | None:  # pragma: no cover - each list has its own
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        if isinstance(other, list | tuple | IdSequence):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self)} ids)"

    def __contains__(self, aid: object) -> bool:
        return isinstance(aid, int) and self.position(aid) is not None

    def index(self, aid, start: int = 0, stop: int | None = None) -> int:  # type: ignore[override]
        pos = self.position(aid)
        if pos is None or pos < start or (stop is not None and pos >= stop):
            raise ValueError(aid)
        return pos

    def _item(self, i: int) -> int:  # pragma: no cover
        raise NotImplementedError

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        return self._item(i)


class ArticleIds(IdSequence):
    """The ids of SOURCE (with JOINS, WHERE) ordered by KEY then ID_COL (or ID_COL alone),
    descending with DESC; COUNT, when known (or a function giving it), saves a count query.
    KEY must not be NULL for any row (keep NULLs in a segment of their own)."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        where: list[str],
        params: dict,
        joins: str = "",
        *,
        source: str = "articles a",
        id_col: str = "a.id",
        key: str | None = None,
        desc: bool = False,
        count: int | Callable[[], int] | None = None,
    ):
        self._conn = conn
        self._where = list(where)
        self._from = f"FROM {source}{joins}"
        self._params = params
        self._id, self._key, self._desc = id_col, key, desc
        self._len: int | None = count if isinstance(count, int) else None
        self._count_fn = count if callable(count) else None
        self._pages: OrderedDict[int, tuple[list[int], object]] = OrderedDict()
        self._seen: dict[int, int] = {}  # id -> row, for the pages held: next/previous ask often

    def _sql(
        self, select: str, extra: list[str] = (), reverse: bool = False, tail: str = ""
    ) -> str:
        where = self._where + list(extra)
        sql = f"SELECT {select} {self._from}" + (" WHERE " + " AND ".join(where) if where else "")
        if tail == "order":
            d = "ASC" if self._desc == reverse else "DESC"
            order = f"{self._key} {d}, {self._id} {d}" if self._key else f"{self._id} {d}"
            sql += f" ORDER BY {order} LIMIT :_n OFFSET :_off"
        return sql

    def _cmp(self, before: bool) -> str:
        """Rows after (or BEFORE) the row whose key is :_k and id :_last, in list order."""
        op = "<" if before != self._desc else ">"
        if self._key is None:
            return f"{self._id} {op} :_last"
        k = self._key
        return f"{k} {op}= :_k AND ({k} {op} :_k OR {self._id} {op} :_last)"

    def _run(self, sql: str, params: dict) -> list:
        if "q" in params:
            return run_match(self._conn, sql, params)
        return self._conn.execute(sql, params).fetchall()

    def __len__(self) -> int:
        if self._len is None:
            if self._count_fn is not None:
                self._len = self._count_fn()
            else:
                self._len = self._run(self._sql("count(*)"), self._params)[0][0]
        return self._len

    def _select(self) -> str:
        return self._id + (f", {self._key}" if self._key else "")

    def _page(self, p: int) -> list[int]:
        hit = self._pages.get(p)
        if hit is not None:
            self._pages.move_to_end(p)
            return hit[0]
        n = len(self)
        before = self._pages.get(p - 1)
        if before and before[0]:  # keyset: the rows after the last row of the page before
            last_id, last_key = before[0][-1], before[1]
            rows = self._run(
                self._sql(self._select(), [self._cmp(before=False)], tail="order"),
                {**self._params, "_last": last_id, "_k": last_key, "_n": PAGE, "_off": 0},
            )
        elif p * PAGE * 2 <= n:  # OFFSET from the start
            rows = self._run(
                self._sql(self._select(), tail="order"),
                {**self._params, "_n": PAGE, "_off": p * PAGE},
            )
        else:  # nearer the end: OFFSET from the end, read backwards
            size = max(0, min(PAGE, n - p * PAGE))
            rows = self._run(
                self._sql(self._select(), reverse=True, tail="order"),
                {**self._params, "_n": size, "_off": max(0, n - p * PAGE - size)},
            )[::-1]
        page = [r[0] for r in rows]
        self._pages[p] = (page, rows[-1][1] if rows and self._key else None)
        self._seen.update((aid, p * PAGE + i) for i, aid in enumerate(page))
        if len(self._pages) > 64:
            for aid in self._pages.popitem(last=False)[1][0]:
                self._seen.pop(aid, None)
        return page

    def _item(self, i: int) -> int:
        return self._page(i // PAGE)[i % PAGE]

    def __iter__(self) -> Iterator[int]:
        for p in range((len(self) + PAGE - 1) // PAGE):
            yield from self._page(p)

    def position(self, aid: int) -> int | None:
        """The row of article AID in the list, or None when the list does not hold it."""
        if not isinstance(aid, int):
            return None
        if aid in self._seen:
            return self._seen[aid]
        hit = self._run(
            self._sql(self._key or "1", [f"{self._id} = :_aid"]), {**self._params, "_aid": aid}
        )
        if not hit:
            return None
        return self._run(
            self._sql("count(*)", [self._cmp(before=True)]),
            {**self._params, "_last": aid, "_k": hit[0][0]},
        )[0][0]


class Complement(ArticleIds):
    """Every article but those of EXCLUDED (a SELECT of article ids, no duplicates), in id
    order, of a list with no other filter: counted and positioned as "all minus excluded",
    two index counts, instead of a probe per article."""

    def __init__(self, conn, excluded: str, params: dict, desc: bool = False):
        super().__init__(conn, [f"a.id NOT IN ({excluded})"], params, desc=desc)
        self._excluded = excluded

    def __len__(self) -> int:
        if self._len is None:
            self._len = self._conn.execute(
                f"SELECT (SELECT count(*) FROM articles) - (SELECT count(*) FROM ({self._excluded}))",
                self._params,
            ).fetchone()[0]
        return self._len

    def position(self, aid: int) -> int | None:
        if not isinstance(aid, int):
            return None
        if aid in self._seen:
            return self._seen[aid]
        op = ">" if self._desc else "<"
        row = self._conn.execute(
            "SELECT EXISTS (SELECT 1 FROM articles WHERE id = :_aid)"
            f", EXISTS (SELECT 1 FROM ({self._excluded}) x WHERE x.article_id = :_aid)"
            f", (SELECT count(*) FROM articles WHERE id {op} :_aid)"
            f", (SELECT count(*) FROM ({self._excluded}) x WHERE x.article_id {op} :_aid)",
            {**self._params, "_aid": aid},
        ).fetchone()
        return row[2] - row[3] if row[0] and not row[1] else None


class Fixed(IdSequence):
    """A list read whole (the articles that have spans, a sorted search), with positions."""

    def __init__(self, ids: list[int]):
        self._ids = ids
        self._pos_map: dict[int, int] | None = None

    @property
    def _pos(self) -> dict[int, int]:
        if self._pos_map is None:  # on first need: a sorted search may hold 600,000 ids
            self._pos_map = {aid: i for i, aid in enumerate(self._ids)}
        return self._pos_map

    def __len__(self) -> int:
        return len(self._ids)

    def _item(self, i: int) -> int:
        return self._ids[i]

    def __iter__(self) -> Iterator[int]:
        return iter(self._ids)

    def position(self, aid: int) -> int | None:
        return self._pos.get(aid) if isinstance(aid, int) else None


class Concat(IdSequence):
    """Lists one after the other (the segments of a sort)."""

    def __init__(self, parts: list[IdSequence]):
        self.parts = parts

    def __len__(self) -> int:
        return sum(len(p) for p in self.parts)

    def _item(self, i: int) -> int:
        for part in self.parts:
            n = len(part)
            if i < n:
                return part[i]
            i -= n
        raise IndexError(i)

    def __iter__(self) -> Iterator[int]:
        for part in self.parts:
            yield from part

    def position(self, aid: int) -> int | None:
        offset = 0
        for part in self.parts:
            pos = part.position(aid)
            if pos is not None:
                return offset + pos
            offset += len(part)
        return None

    @property
    def _pages(self) -> dict:
        """Pages read so far, over every segment (what tests look at)."""
        return {
            (i, k): v for i, p in enumerate(self.parts) for k, v in getattr(p, "_pages", {}).items()
        }


class SearchIds(Concat):
    """A search's list: its ranked candidates, best first, then (when capped) the other
    matches by id. TOTAL, when known (counted off the GUI thread), saves the count; until
    `set_total` the list may hold the candidates only (`pending`)."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        ranked: Ranked,
        filters: SearchFilters,
        total: int | None = None,
        pending: bool = False,
    ):
        self.ranked = ranked
        head = Fixed(ranked.ids)
        self.pending = pending and ranked.capped and total is None
        parts: list[IdSequence] = [head]
        if ranked.capped:
            params: dict = {"q": ranked.query, "_after": ranked.last}
            where = filters.sql(params)
            self.tail = ArticleIds(
                conn,
                ["articles_fts MATCH :q", "articles_fts.rowid > :_after", *where],
                params,
                source=fts_source(where),
                id_col="articles_fts.rowid",
                count=None if total is None else total - len(ranked.ids),
            )
            if not self.pending:
                parts.append(self.tail)
        super().__init__(parts)

    def set_total(self, total: int) -> None:
        """The full count is known: the list now holds every match."""
        if self.pending:
            self.tail._len = total - len(self.ranked.ids)
            self.parts.append(self.tail)
            self.pending = False


def sorted_matches(
    conn: sqlite3.Connection,
    annotator: str | None,
    search: str,
    status: str | None,
    sort: str,
    desc: bool = False,
) -> list[int]:
    """Every match of SEARCH (with the status filter) sorted by SORT, in one statement: what a
    worker hands the window for a search sorted by a column (`article_list(ordered=…)`)."""
    joins, where, params = filtered(annotator, status, search)
    d = "DESC" if desc else "ASC"
    sql = (
        f"SELECT a.id FROM articles a{joins} WHERE " + " AND ".join(where)
        + f" ORDER BY {COMPUTED_KEY[sort]} {d}, a.id {d}"
    )  # fmt: skip
    return [r[0] for r in run_match(conn, sql, params)]


def filtered(annotator: str | None, status: str | None, search: str | None):
    """The list's filters as (joins, where, params) over articles `a`."""
    joins, where, params = "", [], {"ann": annotator or ""}
    if status:
        joins = " LEFT JOIN status st ON st.article_id = a.id AND st.annotator = :ann"
        where.append("COALESCE(st.status, 'todo') = :status")
        params["status"] = status
    if search:
        where.append("a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH :q)")
        params["q"] = search
    return joins, where, params


def article_list(
    conn: sqlite3.Connection,
    annotator: str | None = None,
    *,
    status: str | None = None,
    search: str | None = None,
    sort: str | None = None,
    desc: bool = False,
    ranked: Ranked | None = None,
    total: int | None = None,
    pending: bool = False,
    ordered: list[int] | None = None,
) -> IdSequence:
    """The ids an article list shows (see the module's docstring). SORT: None (import order;
    a search: best first), or one of SORTS; DESC reverses it. RANKED / TOTAL / PENDING: a
    search ranked and counted elsewhere (the window's worker); ORDERED: a search sorted by a
    column, sorted there (`sorted_matches`)."""
    if sort is not None and sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    if search and sort is None:
        filters = SearchFilters(annotator, statuses=[status] if status else None)
        ranked = ranked or rank(conn, search, filters)
        return SearchIds(conn, ranked, filters, total, pending)
    joins, where, params = filtered(annotator, status, search)

    def ids(extra: list[str] = (), **kw) -> ArticleIds:
        return ArticleIds(conn, where + list(extra), dict(params), joins, desc=desc, **kw)

    def in_order(parts: list[IdSequence]) -> IdSequence:
        return Concat(parts[::-1] if desc else parts)

    if sort is None:
        return ids()
    if search and ordered is not None:
        return Fixed(ordered)
    if search:  # a search sorted by a column: one query that sorts the matches
        return ids(key=COMPUTED_KEY[sort], count=total)
    total_fn = ids().__len__  # one count over the smallest index (m011's ids)
    if sort in ("title", "published"):
        col = "a.title COLLATE NOCASE" if sort == "title" else "a.published"
        missing = ids([f"{col} IS NULL"])  # an index range: the few without a title (date)
        keyed = ids([f"{col} IS NOT NULL"], key=col, count=lambda: total_fn() - len(missing))
        return in_order([missing, keyed])
    if sort == "status" and not status:

        def status_part(value: str) -> ArticleIds:
            return ArticleIds(
                conn, ["st.annotator = :ann", "st.status = :_sv"], {**params, "_sv": value},
                source="status st", id_col="st.article_id", desc=desc,
            )  # fmt: skip

        others = [status_part(s) for s in STATUS_ORDER[1:]]
        todo = Complement(
            conn,
            "SELECT article_id FROM status WHERE annotator = :ann AND status <> 'todo'",
            dict(params), desc,
        )  # fmt: skip
        return in_order([todo, *others])
    if sort == "status":  # one status shown: its order is import order
        return ids()
    # spans: the few articles with live spans of the annotator, read whole, after those without
    d = "DESC" if desc else "ASC"
    sql = (
        f"SELECT a.id FROM articles a{joins} WHERE "
        + " AND ".join([*where, f"a.id IN ({WITH_SPANS})"])
        + f" ORDER BY {COMPUTED_KEY['spans']} {d}, a.id {d}"
    )
    with_spans = Fixed([r[0] for r in conn.execute(sql, params)])
    if where:
        without = ids([f"NOT EXISTS ({LIVE_SPANS})"], count=lambda: total_fn() - len(with_spans))
    else:
        without = Complement(
            conn, f"SELECT DISTINCT article_id FROM ({WITH_SPANS})", dict(params), desc
        )
    return in_order([without, with_spans])
