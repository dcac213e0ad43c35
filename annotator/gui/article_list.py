"""The article list: a table model that holds article ids and fetches rows page by page.

Like Anki's browser: filtering happens in the store (which returns ids only),
and a row's title, date, status and span count are read when the view first
draws it, 200 at a time, then cached. A project of 100,000 articles opens
without reading 100,000 rows, and never reads a text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor

from annotator.core.model import ArticleRow
from annotator.gui.plain import neutral, tip
from annotator.gui.roles import DISPLAY as _DISPLAYROLE
from annotator.gui.roles import FOREGROUND as _FOREGROUNDROLE
from annotator.gui.roles import TEXTALIGNMENT as _TEXTALIGNMENTROLE
from annotator.gui.roles import TOOLTIP as _TOOLTIPROLE
from annotator.gui.roles import USER as _USERROLE

_ROOT = QModelIndex()

STATUS_TEXT = {"todo": "to do", "in_progress": "in progress", "done": "done", "skipped": "skipped"}
STATUS_COLOR = {"done": "#2e7d32", "in_progress": "#ef6c00", "skipped": "#757575"}


class ArticleListModel(QAbstractTableModel):
    COLUMNS = ("Title", "Date", "Status", "Spans")
    SORT_KEYS = ("title", "published", "status", "spans")  # the store's sort of each column
    PAGE = 200
    CACHE_LIMIT = 20_000  # rows kept; beyond that the cache starts afresh

    def __init__(self, fetch_rows: Callable[[list[int]], list[ArticleRow]], parent=None):
        super().__init__(parent)
        self.fetch_rows = fetch_rows
        self.ids: Sequence[int] = []
        self._position: dict[int, int] = {}
        self._cache: dict[int, ArticleRow] = {}
        self.extra: dict[int, str] = {}  # e.g. disagreement counts in review mode
        self.extra_title = ""
        self.status_colors = {k: QColor(c) for k, c in STATUS_COLOR.items()}

    def set_theme(self, theme) -> None:
        """Status colours shaded to stay readable on this theme's rows."""
        self.status_colors = {k: QColor(theme.label_text(c)) for k, c in STATUS_COLOR.items()}
        if self.ids:
            self.dataChanged.emit(self.index(0, 2), self.index(len(self.ids) - 1, 2))

    def set_ids(self, ids: Sequence[int]) -> None:
        """IDS: a list, or a lazy sequence with `position(id)` (`store.article_id_list`) that
        reads its ids a page at a time; then nothing here holds every id."""
        self.beginResetModel()
        self.ids = ids
        self._position = {} if hasattr(ids, "position") else {aid: i for i, aid in enumerate(ids)}
        self._cache.clear()
        self.endResetModel()

    def grow(self, total: int, apply: Callable[[], None]) -> None:
        """The list gets longer (a search's count arrived): APPLY makes `ids` TOTAL long; the
        rows on screen, the selection and the scroll position stay."""
        old = len(self.ids)
        if total <= old:
            apply()
            return
        self.beginInsertRows(_ROOT, old, total - 1)
        apply()
        self.endInsertRows()

    def row_of(self, article_id: int | None) -> int | None:
        if article_id is None:
            return None
        if hasattr(self.ids, "position"):
            return self.ids.position(article_id)
        return self._position.get(article_id)

    def row(self, i: int) -> ArticleRow:
        """The row at position i, fetched with its page on first need."""
        aid = self.ids[i]
        row = self._cache.get(aid)
        if row is None:
            if len(self._cache) > self.CACHE_LIMIT:
                self._cache.clear()
            first = i - i % self.PAGE
            for fetched in self.fetch_rows(self.ids[first : first + self.PAGE]):
                self._cache[fetched.id] = fetched
            row = self._cache.get(aid) or ArticleRow(id=aid, title=None, published=None, length=0)
        return row

    def refresh(self, article_id: int) -> None:
        """Read one article's row again (after a change) and redraw it."""
        i = self.row_of(article_id)
        if i is None:
            return
        self._cache.pop(article_id, None)
        for fetched in self.fetch_rows([article_id]):
            self._cache[fetched.id] = fetched
        self.dataChanged.emit(self.index(i, 0), self.index(i, self.columnCount() - 1))

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802
        return len(self.COLUMNS) + (1 if self.extra_title else 0)

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.COLUMNS[section] if section < len(self.COLUMNS) else self.extra_title
        if orientation == Qt.Horizontal and role == _TOOLTIPROLE:
            if section < len(self.COLUMNS):
                return (
                    f"Click to sort by {self.COLUMNS[section].lower()}; again: the other way round"
                )
            return "Best match first" if self.extra_title == "Match" else None
        return None

    def data(self, index, role=_DISPLAYROLE):
        if not index.isValid():
            return None
        col = index.column()
        if role == _USERROLE:
            return self.ids[index.row()]
        if role not in (_DISPLAYROLE, _FOREGROUNDROLE, _TOOLTIPROLE, _TEXTALIGNMENTROLE):
            return None
        row = self.row(index.row())
        if role == _DISPLAYROLE:
            if col == 0:
                return neutral(row.title) or f"Article {row.id}"
            if col == 1:
                return row.published or ""
            if col == 2:
                return STATUS_TEXT.get(row.status, row.status)
            if col == 3:
                return row.span_count
            return self.extra.get(row.id, "")
        if role == _FOREGROUNDROLE and col == 2:
            return self.status_colors.get(row.status)
        if role == _TOOLTIPROLE:
            # any column may elide: the tooltip has it in full
            text = f"{row.title or f'Article {row.id}'}\n{row.source or ''} · {row.length:,} characters"
            extra = self.extra.get(row.id, "")
            return tip(text + (f"\n{self.extra_title}: {extra}" if extra else ""))
        if role == _TEXTALIGNMENTROLE and col == 3:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None
