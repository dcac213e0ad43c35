"""The article list of a large project without reading every id (#17).

`ArticleIds` is a read-only sequence of the ids a list shows, in id order:
its length is one count, and its items are read a page at a time, by keyset
pagination (`id > last id of the page before`) when the page before is known,
else by OFFSET over the id index. Positions (`index`) are a count of the ids
before. The window's list model, next/previous and "next unfinished" use it
like a list; a project of 1,000,000 articles opens reading one page.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Iterator, Sequence

from annotator.core.store.search import run_match

PAGE = 1000


class ArticleIds(Sequence[int]):
    def __init__(self, conn: sqlite3.Connection, where: list[str], params: dict, joins: str = ""):
        self._conn = conn
        self._from = "FROM articles a" + joins + (" WHERE " + " AND ".join(where) if where else "")
        self._params = params
        self._len: int | None = None
        self._pages: OrderedDict[int, list[int]] = OrderedDict()

    def _run(self, sql: str, params: dict) -> list:
        if "q" in params:
            return run_match(self._conn, sql, params)
        return self._conn.execute(sql, params).fetchall()

    def __len__(self) -> int:
        if self._len is None:
            self._len = self._run(f"SELECT count(*) {self._from}", self._params)[0][0]
        return self._len

    def _page(self, p: int) -> list[int]:
        page = self._pages.get(p)
        if page is not None:
            self._pages.move_to_end(p)
            return page
        before = self._pages.get(p - 1)
        if p == 0 or before:
            last = before[-1] if before else None
            sql = f"SELECT a.id {self._from}" + (
                (" AND" if " WHERE " in self._from else " WHERE") + " a.id > :_last"
                if last is not None
                else ""
            )
            rows = self._run(
                sql + " ORDER BY a.id LIMIT :_n", {**self._params, "_last": last, "_n": PAGE}
            )
        else:
            rows = self._run(
                f"SELECT a.id {self._from} ORDER BY a.id LIMIT :_n OFFSET :_off",
                {**self._params, "_n": PAGE, "_off": p * PAGE},
            )
        page = [r[0] for r in rows]
        self._pages[p] = page
        if len(self._pages) > 64:
            self._pages.popitem(last=False)
        return page

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        return self._page(i // PAGE)[i % PAGE]

    def __iter__(self) -> Iterator[int]:
        for p in range((len(self) + PAGE - 1) // PAGE):
            yield from self._page(p)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, list | tuple | ArticleIds):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ArticleIds({len(self)} ids)"

    def __contains__(self, aid: object) -> bool:
        return isinstance(aid, int) and self.position(aid) is not None

    def position(self, aid: int) -> int | None:
        """The row of article AID in the list, or None when the list does not hold it."""
        if not isinstance(aid, int):
            return None
        glue = " AND" if " WHERE " in self._from else " WHERE"
        hit = self._run(f"SELECT 1 {self._from}{glue} a.id = :_aid", {**self._params, "_aid": aid})
        if not hit:
            return None
        return self._run(
            f"SELECT count(*) {self._from}{glue} a.id < :_aid", {**self._params, "_aid": aid}
        )[0][0]

    def index(self, aid, start: int = 0, stop: int | None = None) -> int:  # type: ignore[override]
        pos = self.position(aid)
        if pos is None or pos < start or (stop is not None and pos >= stop):
            raise ValueError(aid)
        return pos
