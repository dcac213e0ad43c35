"""File › Export…: the CLI's export options in one dialog, built over `core.exporting`.

The format list is core's `FORMATS` table, so a format added there appears
here without a change to the window. Options a format does not take are
refused by core with one clear line, shown as a dialog.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core import exporting
from annotator.core.model import GOLD, Status
from annotator.gui.plain import neutral


class ExportDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.format = QComboBox()
        self.format.setObjectName("exportFormat")
        for name, suffix in exporting.FORMATS.items():
            self.format.addItem(f"{name}  ({suffix})", name)
        self.format.setToolTip("Which training-data format to write (annotator export --format)")
        self.whose = QComboBox()
        self.whose.setObjectName("exportWhose")
        self.whose.addItem("every annotator", None)
        names = window.store.annotators()
        if GOLD in names:
            self.whose.addItem("gold (adjudicated)", GOLD)
        for name in names:
            if name != GOLD:
                self.whose.addItem(neutral(name), name)
        self.whose.setToolTip(
            "Whose spans: one annotator's, gold, or everyone's (--annotator / --gold)"
        )
        self.status = QComboBox()
        self.status.setObjectName("exportStatus")
        self.status.addItem("any status", None)
        for st in Status:
            self.status.addItem(st.value.replace("_", " "), st.value)
        self.status.setToolTip("Only (article, annotator) pairs with this status (--status)")
        self.rejected = QCheckBox("include rejected suggestions")
        self.rejected.setObjectName("exportRejected")
        self.rejected.setToolTip(
            "Rejected suggestions as answer: reject records (--include-rejected, jsonl)"
        )
        split_row = QWidget()
        srow = QHBoxLayout(split_row)
        srow.setContentsMargins(0, 0, 0, 0)
        self.split = QCheckBox("split into train and dev:")
        self.split.setObjectName("exportSplit")
        self.split.setToolTip(
            "Write train.spacy and dev.spacy into a folder, split by article (--split, spacy)"
        )
        self.split_share = QDoubleSpinBox()
        self.split_share.setRange(0.05, 0.95)
        self.split_share.setSingleStep(0.05)
        self.split_share.setValue(0.8)
        self.split_share.setToolTip("Share of articles in train")
        srow.addWidget(self.split)
        srow.addWidget(self.split_share)
        srow.addStretch(1)
        out_row = QWidget()
        orow = QHBoxLayout(out_row)
        orow.setContentsMargins(0, 0, 0, 0)
        self.out = QLineEdit(str(Path.home() / "annotations.jsonl"))
        self.out.setObjectName("exportOut")
        self.out.setToolTip("The file (or, with a split, the folder) to write")
        browse = QPushButton("Browse…")
        browse.setToolTip("Choose where to write")
        browse.clicked.connect(self._browse)
        orow.addWidget(self.out, 1)
        orow.addWidget(browse)
        form.addRow("Format", self.format)
        form.addRow("Spans of", self.whose)
        form.addRow("Status", self.status)
        form.addRow("", self.rejected)
        form.addRow("", split_row)
        form.addRow("Write to", out_row)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        self.export_button = buttons.addButton("Export", QDialogButtonBox.AcceptRole)
        self.export_button.setToolTip("Write the export in the background")
        buttons.button(QDialogButtonBox.Close).setToolTip("Close without exporting (Esc)")
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.format.currentIndexChanged.connect(self._format_changed)
        self.split.toggled.connect(lambda _on: self._format_changed())
        self.resize(520, 0)

    def _format_changed(self, *_args) -> None:
        """Keep the output name's suffix in step with the format (a split writes a folder)."""
        fmt = self.format.currentData()
        path = Path(self.out.text() or str(Path.home() / "annotations"))
        stem = path.with_suffix("") if path.suffix else path
        self.out.setText(
            str(stem if self.split.isChecked() else stem.with_suffix(exporting.FORMATS[fmt]))
        )

    def _browse(self) -> None:
        if self.split.isChecked():
            out = QFileDialog.getExistingDirectory(
                self, "Export into folder", str(Path(self.out.text()).parent)
            )
        else:
            out, _ = QFileDialog.getSaveFileName(self, "Export to", self.out.text())
        if out:
            self.out.setText(out)

    def options(self) -> dict:
        """The keyword arguments of `core.exporting.export` this dialog stands for."""
        whose = self.whose.currentData()
        return {
            "annotator": whose if whose != GOLD else None,
            "gold": whose == GOLD,
            "status": self.status.currentData(),
            "include_rejected": self.rejected.isChecked(),
            "split": self.split_share.value() if self.split.isChecked() else None,
        }

    def start(self):
        """Export: the window's background job (progress, Cancel); a bad option is a dialog."""
        out = self.out.text().strip()
        if not out:
            self.w.report_error("Export: choose a file to write")
            return None
        job = self.w.export_to(out, self.format.currentData(), **self.options())
        self.accept()
        return job
