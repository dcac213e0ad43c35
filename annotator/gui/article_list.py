"""The article list: a table model over article rows (no texts), filtered in the store."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor

from annotator.core.model import ArticleRow

_ROOT = QModelIndex()
STATUS_TEXT = {"todo": "to do", "in_progress": "in progress", "done": "done", "skipped": "skipped"}
STATUS_COLOR = {"done": "#2e7d32", "in_progress": "#ef6c00", "skipped": "#757575"}


class ArticleListModel(QAbstractTableModel):
    COLUMNS = ("Title", "Date", "Status", "Spans")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[ArticleRow] = []
        self.extra: dict[int, str] = {}  # e.g. disagreement counts in review mode
        self.extra_title = ""

    def set_rows(self, rows: list[ArticleRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def set_extra(self, title: str, values: dict[int, str]) -> None:
        self.beginResetModel()
        self.extra_title, self.extra = title, values
        self.endResetModel()

    def row_of(self, article_id: int) -> int | None:
        for i, row in enumerate(self.rows):
            if row.id == article_id:
                return i
        return None

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802
        return len(self.COLUMNS) + (1 if self.extra_title else 0)

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.COLUMNS[section] if section < len(self.COLUMNS) else self.extra_title
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = index.column()
        if role == Qt.DisplayRole:
            if col == 0:
                return row.title or f"Article {row.id}"
            if col == 1:
                return row.published or ""
            if col == 2:
                return STATUS_TEXT.get(row.status, row.status)
            if col == 3:
                return row.span_count
            return self.extra.get(row.id, "")
        if role == Qt.ForegroundRole and col == 2 and row.status in STATUS_COLOR:
            return QColor(STATUS_COLOR[row.status])
        if role == Qt.ToolTipRole and col == 0:
            return f"{row.title or ''}\n{row.source or ''} · {row.length:,} characters"
        if role == Qt.TextAlignmentRole and col == 3:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.UserRole:
            return row.id
        return None
