"""Review mode: annotators' spans side by side, disagreements listed, adjudicated into gold.

A mode of the main window, not a program of its own: the window keeps its
keys (label keys and Delete edit gold), and gains Alt+1..9 to take one
annotator's version of the selected disagreement and "accept all agreed".
Also the agreement dashboard: per-label figures and a painted bar chart.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
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
from annotator.gui.dialogs import close_buttons
from annotator.gui.plain import neutral, rich
from annotator.gui.side_panel import span_details

KIND_TEXT = {
    "agree": "all agree",
    "partial": "some",
    "label": "label conflict",
    "boundary": "boundary conflict",
}


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
                n: ", ".join(f"{s.label} “{text[s.start : s.end]}”" for s in spans) or "—"
                for n, spans in g.versions.items()
            }
            rows.append((g.start, 1, g.key, KIND_TEXT[g.kind], text[g.start : g.end], who, False))
        return rows

    def counts(self, article_ids: list[int]) -> dict[int, str]:
        counts = disagreement_counts(self.w.store, article_ids, self.annotators)
        return {aid: str(n) for aid, n in counts.items()}

    def banner_text(self) -> str:
        """What the review banner above the text says: the mode, who, and this article's state."""
        names = ", ".join(f"Alt+{i} {neutral(n)}" for i, n in enumerate(self.annotators, 1))
        open_ = self.open_groups()
        disputed = sum(1 for g in open_ if g.kind != "agree")
        if not self.groups:
            here = "nobody marked anything in this article"
        elif open_:
            # the same count as the list's Disagreements column, and the agreed ones besides
            here = (f"{disputed} disagreement(s) and {len(open_) - disputed} agreed span(s) to settle here "
                    "(Tab walks them, Ctrl+Shift+G accepts the agreed)")  # fmt: skip
        else:
            here = "every group in this article is settled in gold"
        return neutral(
            f"REVIEW MODE — edits go to gold, as {self.reviewer} · {names} · {here} · Ctrl+R leaves"
        )

    def versions(self, group: Disagreement, text: str) -> list[tuple[str, str]]:
        """Each annotator's version of a group in full, for the comparison beside the table."""
        out = []
        for i, name in enumerate(self.annotators, 1):
            spans = group.versions.get(name, [])
            if not spans:
                out.append((f"Alt+{i} {name}", "nothing marked here"))
                continue
            lines = []
            for s in spans:
                details = span_details(s.attrs)
                lines.append(
                    f"{s.label} “{text[s.start : s.end]}”" + (f" · {details}" if details else "")
                )
            out.append((f"Alt+{i} {name}", "\n".join(lines)))
        return out

    def take(self, index: int) -> None:
        """Gold takes annotator number `index` (0-based) of the selected or first open group.

        A key that can do nothing says why in the status bar.
        """
        say = self.w.statusBar().showMessage
        if index >= len(self.annotators):
            say(f"Alt+{index + 1}: only {len(self.annotators)} annotator(s) are compared "
                f"({', '.join(self.annotators)})", 5000)  # fmt: skip
            return
        name = self.annotators[index]
        group = self.w.selected_item()
        if not isinstance(group, Disagreement):
            open_ = self.open_groups()
            if not open_:
                say("No open disagreement in this article: nothing to take", 5000)
                return
            group = open_[0]
        if not group.versions.get(name):
            say(f"{name} marked nothing here, so there is nothing to take; "
                "take another version, or select the text and mark gold yourself", 8000)  # fmt: skip
            return
        adjudicate(self.w.store, self.w.article_id, group, self.annotators[index], self.reviewer)
        self.w.undo_stack.clear()  # adjudication is recorded in gold; undo starts afresh
        self.w.after_change(self.w.article_id)
        following = self.open_groups()
        say(
            f"Gold takes {name}'s version" + ("" if following else "; no disagreement left here"),
            4000,
        )
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
        # figures and names in the theme's text colour (readable in light and dark)
        p.setPen(self.palette().color(QPalette.WindowText))
        p.drawLine(margin, h - label_h, w - margin, h - label_h)
        for i, (name, value) in enumerate(self.values.items()):
            x = margin + i * slot + slot * 0.2
            bar_w = slot * 0.6
            if value is not None:
                bar_h = max(0.0, value) * (h - label_h - 24)
                p.fillRect(
                    QRectF(x, h - label_h - bar_h, bar_w, bar_h),
                    QColor(self.colors.get(name, "#4e79a7")),
                )
                p.drawText(
                    QRectF(x, h - label_h - bar_h - 18, bar_w, 16), Qt.AlignCenter, f"{value:.2f}"
                )
            else:
                p.drawText(QRectF(x, h - label_h - 20, bar_w, 16), Qt.AlignCenter, "—")
            p.drawText(
                QRectF(x - 10, h - label_h + 2, bar_w + 20, label_h), Qt.AlignCenter, neutral(name)
            )
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
    chart = BarChart(
        {lab: result["per_label"][lab]["krippendorff_alpha"] for lab in labels}, colors
    )
    chart.setObjectName("agreementChart")
    layout.addWidget(QLabel("Krippendorff's α per label"))
    layout.addWidget(chart)
    layout.addWidget(close_buttons(dlg))
    dlg.setObjectName("dashboard")
    dlg.resize(720, 520)
    dlg.table, dlg.chart = table, chart
    return dlg


__all__ = ["Review", "dashboard", "GOLD"]


def review_banner() -> QLabel:
    """A coloured bar above the text while review mode is on: the mode is seen in the window itself."""
    banner = QLabel()
    banner.setObjectName("reviewBanner")
    banner.setTextFormat(Qt.PlainText)
    banner.setWordWrap(True)
    # its own colours in both themes: white on deep purple, 9.8:1
    banner.setStyleSheet(f"QLabel#reviewBanner {{ background: {BANNER_BG}; color: {BANNER_FG};"
                         " padding: 5px 10px; border-radius: 3px; font-weight: 600; }")  # fmt: skip
    banner.setToolTip("Review mode: compare annotators and adjudicate into gold (Ctrl+R leaves)")
    banner.hide()
    return banner


BANNER_BG, BANNER_FG = "#4a148c", "#ffffff"
