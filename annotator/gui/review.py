"""Review mode: annotators' spans side by side, disagreements listed, adjudicated into gold.

A mode of the main window, not a program of its own: the window keeps its
keys (label keys and Delete edit gold), and gains Alt+1..9 to take one
annotator's version of the selected disagreement and "accept all agreed".
Also the agreement dashboard: per-label figures and a painted bar chart.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.agreement import (
    Disagreement,
    accept_all_agreed,
    adjudicate,
    disagreement_counts,
    disagreements,
)
from annotator.core.model import GOLD
from annotator.gui.plain import neutral, rich

KIND_TEXT = {"agree": "all agree", "partial": "some", "label": "label conflict", "boundary": "boundary conflict"}


class Review:
    """The state of review mode for one window."""

    def __init__(self, window, annotators: list[str], reviewer: str):
        self.w = window
        self.annotators = annotators
        self.reviewer = reviewer
        self.groups: list[Disagreement] = []

    def load(self, article_id: int) -> None:
        self.groups = disagreements(self.w.store, article_id, self.annotators)

    def open_groups(self) -> list[Disagreement]:
        return [g for g in self.groups if not g.resolved]

    def find(self, key: str | None) -> Disagreement | None:
        for g in self.groups:
            if g.key == key:
                return g
        return None

    def rows(self, text: str) -> list[tuple]:
        rows = []
        for g in self.open_groups():
            who = {
                n: ", ".join(f"{s.label} “{text[s.start:s.end]}”" for s in spans) or "—"
                for n, spans in g.versions.items()
            }
            rows.append((g.start, 1, g.key, KIND_TEXT[g.kind], text[g.start : g.end], who, False))
        return rows

    def counts(self, article_ids: list[int]) -> dict[int, str]:
        counts = disagreement_counts(self.w.store, article_ids, self.annotators)
        return {aid: str(n) for aid, n in counts.items()}

    def take(self, index: int) -> None:
        """Gold takes annotator number `index` (0-based) of the selected or first open group."""
        if index >= len(self.annotators):
            return
        group = self.w.selected_item()
        if not isinstance(group, Disagreement):
            open_ = self.open_groups()
            if not open_:
                return
            group = open_[0]
        adjudicate(self.w.store, self.w.article_id, group, self.annotators[index], self.reviewer)
        self.w.undo_stack.clear()  # adjudication is recorded in gold; undo starts afresh
        self.w.after_change(self.w.article_id)
        following = self.open_groups()
        if following:
            self.w.select_key(following[0].key)

    def accept_agreed(self) -> int:
        n = accept_all_agreed(self.w.store, self.w.article_id, self.annotators, self.reviewer)
        self.w.after_change(self.w.article_id)
        return n


class BarChart(QWidget):
    """Agreement per label as bars (0..1); undefined values are drawn as a dash."""

    def __init__(self, values: dict[str, float | None], colors: dict[str, str], parent=None):
        super().__init__(parent)
        self.values, self.colors = values, colors
        self.setMinimumSize(360, 200)

    def paintEvent(self, _event):  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        w, h = self.width(), self.height()
        margin, label_h = 30, 22
        n = max(len(self.values), 1)
        slot = (w - 2 * margin) / n
        p.setPen(QColor("#888888"))
        p.drawLine(margin, h - label_h, w - margin, h - label_h)
        for i, (name, value) in enumerate(self.values.items()):
            x = margin + i * slot + slot * 0.2
            bar_w = slot * 0.6
            if value is not None:
                bar_h = max(0.0, value) * (h - label_h - 24)
                p.fillRect(QRectF(x, h - label_h - bar_h, bar_w, bar_h), QColor(self.colors.get(name, "#4e79a7")))
                p.drawText(QRectF(x, h - label_h - bar_h - 18, bar_w, 16), Qt.AlignCenter, f"{value:.2f}")
            else:
                p.drawText(QRectF(x, h - label_h - 20, bar_w, 16), Qt.AlignCenter, "—")
            p.drawText(QRectF(x - 10, h - label_h + 2, bar_w + 20, label_h), Qt.AlignCenter, neutral(name))
        p.end()


def dashboard(parent, result: dict, colors: dict[str, str]) -> QDialog:
    """A non-modal dialog with the project's agreement figures."""
    dlg = QDialog(parent)
    dlg.setWindowTitle("Agreement")
    layout = QVBoxLayout(dlg)

    def fmt(x):
        return "—" if x is None else f"{x:.3f}"

    layout.addWidget(QLabel(
        f"<b>{rich(', '.join(result['annotators']))}</b>: {result['articles']} article(s) finished by two or more, "
        f"{result['units']:,} token units. Krippendorff's α = <b>{fmt(result['krippendorff_alpha'])}</b>"
    ))  # fmt: skip
    labels = list(result["per_label"])
    table = QTableWidget(len(labels), 1 + 3 * len(result["pairs"]))
    table.setObjectName("agreementTable")
    headers = ["α"]
    for pair in result["pairs"]:
        tag = neutral(f"{pair['a']}–{pair['b']}")
        headers += [f"κ {tag}", f"F1 exact {tag}", f"F1 overlap {tag}"]
    table.setHorizontalHeaderLabels(headers)
    table.setVerticalHeaderLabels([neutral(lab) for lab in labels])
    for r, lab in enumerate(labels):
        table.setItem(r, 0, QTableWidgetItem(fmt(result["per_label"][lab]["krippendorff_alpha"])))
        for j, pair in enumerate(result["pairs"]):
            figures = pair["per_label"].get(lab, {})
            for k, key in enumerate(("cohen_kappa", "span_f1_exact", "span_f1_overlap")):
                table.setItem(r, 1 + 3 * j + k, QTableWidgetItem(fmt(figures.get(key))))
    table.resizeColumnsToContents()
    layout.addWidget(table)
    chart = BarChart({lab: result["per_label"][lab]["krippendorff_alpha"] for lab in labels}, colors)
    chart.setObjectName("agreementChart")
    layout.addWidget(QLabel("Krippendorff's α per label"))
    layout.addWidget(chart)
    dlg.resize(720, 520)
    dlg.table, dlg.chart = table, chart
    return dlg


__all__ = ["Review", "dashboard", "GOLD"]
