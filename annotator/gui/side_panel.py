"""The side panel: the article's spans and suggestions, and the selected span's attributes."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import LabelScheme

_ROOT = QModelIndex()


class SpanTableModel(QAbstractTableModel):
    """Rows (key, label, text, attrs, is_suggestion), drawn lazily: 5,000 rows cost nothing."""

    HEADERS = ("Label", "Text", "Details")

    def __init__(self, scheme: LabelScheme, parent=None):
        super().__init__(parent)
        self.rows: list[tuple[str, str, str, str, bool]] = []
        self.colors = {lab.name: QColor(lab.color) for lab in scheme.labels}
        self.italic = QFont()
        self.italic.setItalic(True)

    def replace(self, rows) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 3

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index, role=Qt.DisplayRole):
        key, label, text, details, suggestion = self.rows[index.row()]
        col = index.column()
        if role == Qt.DisplayRole:
            if col == 0:
                return label + (" ?" if suggestion else "")
            return text.replace("\n", " ") if col == 1 else span_details(details)
        if role == Qt.ForegroundRole and col == 0:
            return self.colors.get(label)
        if role == Qt.FontRole and suggestion and col == 1:
            return self.italic
        if role == Qt.ToolTipRole:
            return "suggestion: Enter/A accepts, X rejects" if suggestion else "your span: Delete removes"
        return None


class SidePanel(QWidget):
    rowActivated = Signal(str)  # mark key
    attrsEdited = Signal(dict)

    def __init__(self, scheme: LabelScheme, parent=None):
        super().__init__(parent)
        self.scheme = scheme
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.model = SpanTableModel(scheme, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setObjectName("spanTable")
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        # fixed widths: sizing to contents would measure every one of thousands of rows
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Fixed)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.Interactive)
        self.table.setColumnWidth(0, 110)
        self.table.setColumnWidth(2, 120)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setToolTip("Spans (solid) and suggestions (dashed) of this article; click to jump")
        self.table.clicked.connect(lambda idx: self._clicked(idx.row(), 0))
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._clicked(cur.row(), 0))
        self.heading = QLabel("Spans")
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 3)

        self.box = QGroupBox("Attributes")
        self.form = QFormLayout(self.box)
        layout.addWidget(self.box, 1)
        self.editors: dict[str, QWidget] = {}
        self.keys: list[str] = []
        self._loading = False
        self.show_attributes(None, {}, editable=False)

    def set_rows(self, rows: list[tuple[str, str, str, str, bool]]) -> None:
        """rows: (key, label, text, attrs, is_suggestion)."""
        self._loading = True
        self.keys = [r[0] for r in rows]
        self.model.replace(rows)
        n_sug = sum(1 for r in rows if r[4])
        self.heading.setText(f"Spans: {len(rows) - n_sug}, suggestions: {n_sug}")
        self._loading = False

    def select_key(self, key: str | None) -> None:
        self._loading = True
        if key in self.keys:
            row = self.keys.index(key)
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        else:
            self.table.clearSelection()
        self._loading = False

    def _clicked(self, row: int, _col: int) -> None:
        if not self._loading and 0 <= row < len(self.keys):
            self.rowActivated.emit(self.keys[row])

    def show_attributes(self, label: str | None, attrs: dict, editable: bool) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors = {}
        definition = self.scheme.get(label) if label else None
        if definition is None:
            self.box.setTitle("Attributes")
            self.form.addRow(QLabel("Select a span to see its attributes."))
            return
        self.box.setTitle(f"{label} attributes" + ("" if editable else " (suggestion)"))
        self._loading = True
        for name, spec in definition.attributes.items():
            value = attrs.get(name, "")
            if spec.get("type") == "choice":
                editor = QComboBox()
                editor.addItems(["", *spec.get("choices", [])])
                editor.setCurrentText(str(value))
                editor.currentTextChanged.connect(self._edited)
            else:
                editor = QLineEdit(str(value))
                editor.setPlaceholderText(spec.get("pattern", "") and "e.g. AFG" or "")
                editor.editingFinished.connect(self._edited)
            editor.setObjectName(f"attr_{name}")
            editor.setEnabled(editable)
            editor.setToolTip(f"{name} of the selected {label}")
            self.editors[name] = editor
            self.form.addRow(name, editor)
        self._loading = False

    def current_attrs(self) -> dict:
        out = {}
        for name, editor in self.editors.items():
            value = editor.currentText() if isinstance(editor, QComboBox) else editor.text().strip()
            if value:
                out[name] = value
        return out

    def _edited(self, *_args) -> None:
        if not self._loading:
            self.attrsEdited.emit(self.current_attrs())


def span_details(attrs: dict) -> str:
    order = ("type", "value", "kind", "canonical", "country")
    parts = [str(attrs[k]) for k in order if attrs.get(k)]
    parts += [f"{k}={v}" for k, v in attrs.items() if k not in order and v]
    return " · ".join(parts)

