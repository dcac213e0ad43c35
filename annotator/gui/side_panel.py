"""The side panel: the article's spans and suggestions, and the selected span's attributes."""

from __future__ import annotations

from bisect import bisect_left

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import LabelScheme
from annotator.gui.keys import keep_typing_keys
from annotator.gui.plain import label as plain_label
from annotator.gui.plain import neutral, tip
from annotator.gui.roles import DISPLAY as _DISPLAYROLE
from annotator.gui.roles import FONT as _FONTROLE
from annotator.gui.roles import FOREGROUND as _FOREGROUNDROLE
from annotator.gui.roles import TOOLTIP as _TOOLTIPROLE

_ROOT = QModelIndex()


def _row_order(row) -> tuple:
    return row.start, row.order, row.key


class SpanTableModel(QAbstractTableModel):
    """Rows (`gui.items.Row`, one per span, suggestion or disagreement) in text order, drawn lazily.

    A change patches the rows it touched (removed and inserted in place), so
    that one key press in an article with 5,000 spans does not rebuild the table.
    """

    HEADERS = ("Label", "Text", "Details")

    def __init__(self, scheme: LabelScheme, parent=None):
        super().__init__(parent)
        self.rows: list = []
        self.label_colors = {lab.name: lab.color for lab in scheme.labels}
        self.colors = {name: QColor(c) for name, c in self.label_colors.items()}
        self.italic = QFont()
        self.italic.setItalic(True)

    def set_theme(self, theme) -> None:
        """Label names in their colour, shaded to stay readable on this theme's rows."""
        self.colors = {name: QColor(theme.label_text(c)) for name, c in self.label_colors.items()}
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 0))

    def replace(self, rows) -> None:
        self.beginResetModel()
        self.rows = sorted(rows, key=_row_order)
        self.endResetModel()

    def patch(self, remove: set, add: list) -> None:
        if len(remove) + len(add) > 64:  # many rows (an article's events listed again): one reset
            kept = [r for r in self.rows if r.key not in remove] if remove else self.rows
            self.replace(kept + list(add))
            return
        if remove:
            for i in reversed([i for i, r in enumerate(self.rows) if r.key in remove]):
                self.beginRemoveRows(_ROOT, i, i)
                del self.rows[i]
                self.endRemoveRows()
        for row in add:
            i = bisect_left(self.rows, _row_order(row), key=_row_order)
            self.beginInsertRows(_ROOT, i, i)
            self.rows.insert(i, row)
            self.endInsertRows()

    def row_of(self, key) -> int | None:
        if key is None:
            return None
        return next((i for i, r in enumerate(self.rows) if r.key == key), None)

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 3

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index, role=_DISPLAYROLE):
        row = self.rows[index.row()]
        col = index.column()
        if role == _DISPLAYROLE:
            if col == 0:
                return neutral(row.label) + (" ?" if row.suggestion else "")
            return neutral(row.text.replace("\n", " ") if col == 1 else span_details(row.details))
        if role == _FOREGROUNDROLE and col == 0:
            return self.colors.get(row.label)
        if role == _FONTROLE and row.suggestion and col == 1:
            return self.italic
        if role == _TOOLTIPROLE:
            # a cell may elide: its tooltip says it all
            more = span_details(row.details)
            return tip(f"{row.label}: {row.text}" + (f"\n{more}" if more else "") + f"\n{row.hint}")
        return None


class SidePanel(QWidget):
    rowActivated = Signal(object)  # the key of the row's item
    attrsEdited = Signal(dict)
    statusChosen = Signal(str)  # a status button of the selected event

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
        self.table.setColumnWidth(0, self.fontMetrics().horizontalAdvance("AGREEMENT ?") + 14)
        self.table.setColumnWidth(2, 110)
        self.table.horizontalHeader().setTextElideMode(Qt.ElideRight)
        # the panel keeps room for the Text column: label and details never squeeze it to a letter
        self.setMinimumWidth(
            self.table.columnWidth(0) + 110 + self.fontMetrics().horizontalAdvance("M" * 10) + 40
        )
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setToolTip(
            "Spans (solid) and suggestions (dashed) of this article; click to jump"
        )
        self.table.clicked.connect(lambda idx: self._clicked(idx.row(), 0))
        self.table.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self._clicked(cur.row(), 0)
        )
        self.heading = QLabel("Spans")
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 3)

        self.box = QGroupBox("Attributes")
        self.form = QFormLayout(self.box)
        layout.addWidget(self.box, 1)
        self.editors: dict[str, QWidget] = {}
        self.problems: dict[str, str] = {}  # field -> the scheme's rule its text breaks
        self._label: str | None = None
        self._attrs: dict = {}
        self._loading = False
        self.show_attributes(None, {}, editable=False)

    def set_rows(self, rows: list) -> None:
        """rows: `gui.items.Row`s, in any order."""
        self._loading = True
        self.model.replace(rows)
        self._count()
        self._loading = False

    def patch_rows(self, remove: set, add: list) -> None:
        """Remove the rows with these keys, insert new ones in text order."""
        self._loading = True
        self.model.patch(remove, add)
        self._count()
        self._loading = False

    def _count(self) -> None:
        n_sug = sum(1 for r in self.model.rows if r.suggestion and r.order < 3)
        n_events = sum(1 for r in self.model.rows if r.order >= 3)
        n_spans = len(self.model.rows) - n_sug - n_events
        self.heading.setText(
            f"Spans: {n_spans}, suggestions: {n_sug}"
            + (f", events: {n_events}" if n_events else "")
        )

    def select_key(self, key) -> None:
        self._loading = True
        row = self.model.row_of(key)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        else:
            self.table.clearSelection()
        self._loading = False

    def _clicked(self, row: int, _col: int) -> None:
        if not self._loading and 0 <= row < len(self.model.rows):
            self.rowActivated.emit(self.model.rows[row].key)

    def show_attributes(self, label: str | None, attrs: dict, editable: bool) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors = {}
        self.problems = {}
        self._label, self._attrs = label, dict(attrs)
        definition = self.scheme.get(label) if label else None
        if definition is None:
            self.box.setTitle("Attributes")
            self.form.addRow(QLabel("Select a span to see its attributes."))
            return
        self.box.setTitle(neutral(f"{label} attributes" + ("" if editable else " (suggestion)")))
        self._loading = True
        for name, spec in definition.attributes.items():
            value = attrs.get(name, "")
            if spec.get("type") == "choice":
                editor = QComboBox()
                editor.addItems(["", *map(neutral, spec.get("choices", []))])
                editor.setCurrentText(neutral(value))
                editor.currentTextChanged.connect(self._edited)
            else:
                editor = QLineEdit(neutral(value))
                editor.setPlaceholderText(f"e.g. {spec['example']}" if spec.get("example") else "")
                editor.editingFinished.connect(self._edited)
                keep_typing_keys(editor)
            editor.setObjectName(f"attr_{name}")
            editor.setEnabled(editable)
            editor.setToolTip(tip(f"{name} of the selected {label}"))
            self.editors[name] = editor
            self.form.addRow(plain_label(name), editor)
        self._loading = False

    def show_event(self, summary: str, status: str | None, editable: bool = True) -> None:
        """The selected event: its summary and one button per status (S cycles them)."""
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors = {}
        self._label, self._attrs = None, {}
        self.box.setTitle("Event" if editable else "Suggested event")
        text = plain_label(summary)
        text.setWordWrap(True)
        text.setObjectName("eventSummary")
        self.form.addRow(text)
        row = QWidget()
        buttons = QGridLayout(row)  # three a row: "implemented" is never cut
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.setSpacing(4)
        for i, choice in enumerate(self.event_statuses):
            b = QPushButton(choice)
            b.setObjectName(f"status_{choice}")
            b.setCheckable(True)
            b.setChecked(choice == status)
            b.setEnabled(editable)
            b.setToolTip(tip(f"Status {choice} (S cycles the statuses)"))
            b.clicked.connect(lambda _c=False, c=choice: self.statusChosen.emit(c))
            buttons.addWidget(b, i // 3, i % 3)
        self.form.addRow(plain_label("status"), row)

    @property
    def event_statuses(self) -> list[str]:
        events = getattr(self.scheme, "events", ())
        spec = events[0].attributes.get("status", {}) if events else {}
        return list(spec.get("choices", []))

    def show_versions(self, title: str, versions: list[tuple[str, str]]) -> None:
        """Review: each annotator's version of the selected group, in full and as plain text."""
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors = {}
        self.box.setTitle(title)
        for who, version in versions:
            name = plain_label(who)
            value = plain_label(version)  # text from a file is never rich text
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextSelectableByMouse)
            value.setObjectName("version")
            self.form.addRow(name, value)

    def current_attrs(self) -> dict:
        """The attributes to store: a field whose text breaks the scheme keeps its stored value.

        The check is the scheme's own (`LabelScheme.attribute_problem`), the one
        import uses; the field is marked invalid and its tooltip says why.
        """
        out = {}
        self.problems = {}
        for name, editor in self.editors.items():
            value = editor.currentText() if isinstance(editor, QComboBox) else editor.text().strip()
            stored = self._attrs.get(name, "")
            if value == neutral(stored).strip():
                value = stored  # not edited: shown without bidi controls, kept as it was
            problem = (
                self.scheme.attribute_problem(self._label, name, value) if self._label else None
            )
            self._mark(name, editor, problem)
            if problem:
                value = self._attrs.get(name, "")
            if value:
                out[name] = value
        return out

    def _mark(self, name: str, editor: QWidget, problem: str | None) -> None:
        editor.setProperty("invalid", bool(problem))
        if problem:
            self.problems[name] = problem
            editor.setStyleSheet("border: 2px solid #d32f2f;")
            editor.setToolTip(tip(f"Not saved: {problem}"))
        else:
            editor.setStyleSheet("")
            editor.setToolTip(tip(f"{name} of the selected {self._label}"))

    def _edited(self, *_args) -> None:
        if not self._loading:
            attrs = self.current_attrs()
            if self.problems and attrs == self._attrs:
                return  # only invalid text changed: nothing to store
            self.attrsEdited.emit(attrs)


def span_details(attrs: dict) -> str:
    order = ("type", "value", "kind", "canonical", "country")
    parts = [str(attrs[k]) for k in order if attrs.get(k)]
    parts += [f"{k}={v}" for k, v in attrs.items() if k not in order and v]
    return " · ".join(parts)
