"""The side panel: the article's spans and suggestions, and the selected span's attributes."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import LabelScheme


class SidePanel(QWidget):
    rowActivated = Signal(str)  # mark key
    attrsEdited = Signal(dict)

    def __init__(self, scheme: LabelScheme, parent=None):
        super().__init__(parent)
        self.scheme = scheme
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("spanTable")
        self.table.setHorizontalHeaderLabels(["Label", "Text", "Details"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableWidget.SelectRows)
        self.table.setSelectionMode(QTableWidget.SingleSelection)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeToContents)
        self.table.setToolTip("Spans (solid) and suggestions (dashed) of this article; click to jump")
        self.table.cellClicked.connect(self._clicked)
        self.table.currentCellChanged.connect(lambda r, *_: self._clicked(r, 0))
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
        """rows: (key, label, text, details, is_suggestion)."""
        self._loading = True
        self.table.setRowCount(len(rows))
        self.keys = []
        for i, (key, label, text, details, suggestion) in enumerate(rows):
            self.keys.append(key)
            color = QColor(self.scheme.get(label).color if self.scheme.get(label) else "#888888")
            item = QTableWidgetItem(label + (" ?" if suggestion else ""))
            item.setForeground(color)
            if suggestion:
                item.setToolTip("suggestion: Enter/A accepts, X rejects")
            self.table.setItem(i, 0, item)
            text_item = QTableWidgetItem(text.replace("\n", " "))
            if suggestion:
                f = text_item.font()
                f.setItalic(True)
                text_item.setFont(f)
            self.table.setItem(i, 1, text_item)
            self.table.setItem(i, 2, QTableWidgetItem(details))
        self.heading.setText(
            f"Spans: {sum(1 for r in rows if not r[4])}, suggestions: {sum(1 for r in rows if r[4])}"
        )
        self._loading = False

    def select_key(self, key: str | None) -> None:
        self._loading = True
        if key in self.keys:
            row = self.keys.index(key)
            self.table.selectRow(row)
            self.table.scrollToItem(self.table.item(row, 0))
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


def set_alignment(widget: QWidget) -> None:
    widget.setLayoutDirection(Qt.LeftToRight)
