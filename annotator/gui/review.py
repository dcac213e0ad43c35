"""Review mode's widgets: the banner above the text, and the agreement dashboard (per-label
figures and a painted bar chart). What review does is in `gui/controllers/review.py`."""

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

from annotator.gui.dialogs import close_buttons
from annotator.gui.plain import neutral, rich


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
