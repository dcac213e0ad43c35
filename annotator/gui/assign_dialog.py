"""Project › Assign work…: hand out packs with a preview before anything is written."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.assign import assign, candidates, plan
from annotator.core.errors import AnnotatorError
from annotator.core.model import GOLD
from annotator.core.store import Store
from annotator.gui.plain import label as plain_label
from annotator.gui.plain import neutral
from annotator.gui.tasks import run_with_progress


class AssignDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.setWindowTitle("Assign work")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.names = QLineEdit(
            ",".join(a for a in window.store.annotators() if a != GOLD) or "ana,ben,cai"
        )
        self.names.setToolTip("Comma-separated annotator names, one pack each")
        self.overlap = QDoubleSpinBox()
        self.overlap.setRange(0.0, 1.0)
        self.overlap.setSingleStep(0.05)
        self.overlap.setValue(0.2)
        self.overlap.setToolTip("Share of articles given to several annotators, for agreement")
        self.per_article = QSpinBox()
        self.per_article.setRange(1, 9)
        self.per_article.setValue(2)
        self.per_article.setToolTip("Annotators per overlap article")
        self.seed = QSpinBox()
        self.seed.setRange(0, 1_000_000)
        self.seed.setToolTip("Seed: the same seed gives the same split")
        out_row = QWidget()
        orow = QHBoxLayout(out_row)
        orow.setContentsMargins(0, 0, 0, 0)
        self.out_dir = QLineEdit(str(window.store.path.parent / "packs"))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        orow.addWidget(self.out_dir, 1)
        orow.addWidget(browse)
        form.addRow("Annotators", self.names)
        form.addRow("Overlap", self.overlap)
        form.addRow("Per overlap article", self.per_article)
        form.addRow("Seed", self.seed)
        form.addRow("Pack folder", out_row)
        layout.addLayout(form)
        self.preview = QTableWidget(0, 4)
        self.preview.setObjectName("assignPreview")
        self.preview.setHorizontalHeaderLabels(["Annotator", "Articles", "Characters", "Overlap"])
        layout.addWidget(QLabel("Preview (nothing is written until you press Write packs)"))
        layout.addWidget(self.preview)
        self.current = QTableWidget(0, 5)
        self.current.setHorizontalHeaderLabels(
            ["Annotator", "Assigned", "Done", "Remaining", "Overlap"]
        )
        layout.addWidget(QLabel("Given out so far"))
        layout.addWidget(self.current)
        self.message = plain_label()
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.write_button = buttons.addButton("Write packs", QDialogButtonBox.AcceptRole)
        buttons.addButton(QDialogButtonBox.Close)
        buttons.accepted.connect(self.write)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        for w in (self.overlap, self.per_article, self.seed):
            w.valueChanged.connect(self.update_preview)
        self.names.textChanged.connect(self.update_preview)
        self.update_preview()
        self._show_current()
        self.resize(560, 560)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Pack folder", self.out_dir.text())
        if folder:
            self.out_dir.setText(folder)

    def annotators(self) -> list[str]:
        return [n.strip() for n in self.names.text().split(",") if n.strip()]

    def update_preview(self) -> None:
        store = self.w.store
        try:
            p = plan(candidates(store), self.annotators(), overlap=self.overlap.value(),
                     per_article=self.per_article.value(), seed=self.seed.value(),
                     already=store.assigned_articles())  # fmt: skip
        except AnnotatorError as exc:
            self.message.setText(neutral(exc))
            self.preview.setRowCount(0)
            self.write_button.setEnabled(False)
            return
        rows = p.rows()
        self.preview.setRowCount(len(rows))
        for i, row in enumerate(rows):
            for j, key in enumerate(("annotator", "articles", "characters", "overlap")):
                self.preview.setItem(
                    i, j, QTableWidgetItem(f"{row[key]:,}" if j else neutral(row[key]))
                )
        self.message.setText(f"{len(p.overlap)} article(s) shared for agreement")
        self.write_button.setEnabled(True)

    def _show_current(self) -> None:
        stats = self.w.store.assignment_stats()
        self.current.setRowCount(len(stats))
        for i, (name, s) in enumerate(stats.items()):
            values = [name, s["assigned"], s["done"], s["remaining"], s["overlap"]]
            for j, v in enumerate(values):
                self.current.setItem(i, j, QTableWidgetItem(neutral(v)))

    def write(self) -> object:
        path = self.w.store.path
        names, out = self.annotators(), self.out_dir.text()
        # the dialog previews the articles nobody has yet: writing them is a new round
        options = dict(overlap=self.overlap.value(), per_article=self.per_article.value(), seed=self.seed.value(),
                       new_round=True)  # fmt: skip

        def work(job):
            with Store(path, create=False) as store:
                return assign(
                    store,
                    names,
                    out,
                    progress=lambda i, n, name: job.progress(i, n, name),
                    **options,
                )

        def done(result):
            self.message.setText(neutral(f"Wrote {len(result.packs)} pack(s) to {Path(out)}"))
            self._show_current()
            self.w.refresh_list()

        def failed(message):
            self.message.setText(neutral(message))
            self.w.report_error(message)

        self.job = run_with_progress(self, "Writing packs", work, done, failed)
        return self.job
