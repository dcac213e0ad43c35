"""Work the window hands to a worker: the model, import, export, pre-annotation, training, merge.

A mixin of `MainWindow` (it uses the window's store, annotator, status bar and
views). Every job goes through `tasks`: off the GUI thread, its own Store on the
same file, progress and Cancel where it is long, errors as a dialog. Jobs that
run the spaCy pipeline share one thread (`tasks.model_pool`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from annotator.core.store import Store
from annotator.gui.tasks import model_pool, run_in_background, run_with_progress


class BackgroundJobs:
    def start_nlp(self) -> None:
        """Load spaCy in a worker: the window is usable meanwhile."""
        self.pipeline = None
        self.pipeline_state = "loading…"
        self._nlp_generation += 1
        generation = self._nlp_generation
        self.update_status(recount=False)
        path = self.store.path
        loader = self.nlp_loader

        def load(job):
            with Store(path, create=False) as store:
                return loader(store)

        self.model_job = run_in_background(
            load,
            lambda pipeline: generation == self._nlp_generation and self._nlp_ready(pipeline),
            lambda message: generation == self._nlp_generation and self._nlp_failed(message),
            "load model",
            pool=model_pool(),
        )

    def _nlp_ready(self, pipeline) -> None:
        if self.closed:
            return
        self.pipeline = pipeline
        self.pipeline_state = "ready"
        self.update_status(recount=False)
        if self.article_id is not None:
            self.after_change(self.article_id)  # this model's stored suggestions, if any
            self._preselect_suggestion()
            self.suggest_current()

    def _nlp_failed(self, message: str) -> None:
        if self.closed:
            return
        self.pipeline = None
        self.pipeline_state = "pre-highlighting unavailable"
        self.update_status(recount=False)
        self.statusBar().showMessage(
            f"Pre-highlighting unavailable ({message}); stored suggestions are still shown", 15000
        )

    def suggest_current(self) -> None:
        """Pre-highlight the article on screen in a worker, if the model has not yet."""
        from annotator.core.nlp import suggest_article

        pipeline = self.pipeline
        if pipeline is None or self.article_id is None:
            return
        if self.store.has_suggestions(self.article_id, pipeline.name, pipeline.version):
            return
        article_id, path = self.article_id, self.store.path
        text, published = self.article.text, self.article.published
        if len(text) > 2 * VISIBLE_HEAD:
            # a long article: its opening screenfuls first, so suggestions appear with the
            # text rather than after the whole article is through the model
            head = text[: head_end(text, VISIBLE_HEAD)]

            def head_work(job):
                if article_id != self.article_id or self.closed:
                    return None
                [(_aid, sugs)] = list(pipeline.suggest([(article_id, head, published)]))
                return article_id, sugs

            def head_done(result):
                if result is not None and not self.closed and result[0] == self.article_id:
                    self.show_partial_suggestions(pipeline, result[1])

            run_in_background(
                head_work,
                head_done,
                self.report_error,
                "suggest the visible part",
                pool=model_pool(),
            )

        def work(job):
            if article_id != self.article_id or self.closed:
                return (
                    None  # the annotator has moved on: no use suggesting for an article not shown
                )
            with Store(path, create=False) as store:
                suggest_article(store, pipeline, article_id)  # #16: none inside boilerplate
            return article_id

        def done(aid):
            if not self.closed and aid is not None and aid == self.article_id:
                self.after_change(aid)
                self._preselect_suggestion()

        # one model, one thread: spaCy pipelines are not made to run in two threads at once
        run_in_background(work, done, self.report_error, "suggest", pool=model_pool())

    def show_partial_suggestions(self, pipeline, sugs) -> None:
        """Show the suggestions for the opening of a long article until the whole run is stored."""
        if self.review is not None or self.store.has_suggestions(
            self.article_id, pipeline.name, pipeline.version
        ):
            return  # the full run landed first: it is what is shown
        if getattr(self.pipeline, "name", None) != pipeline.name:
            return
        unique: dict[tuple, object] = {}
        for s in sugs:
            unique.setdefault(s.key, s)
        self._article_suggestions = ((self.article_id, pipeline.name), unique)
        self._settled = None
        self._load_suggestions()
        self.view.set_marks(self._marks())
        self._fill_side()
        self._preselect_suggestion()
        self.partial_suggestions_shown = len(self.suggestions)  # for tests and the status line

    def _long_job(self, title: str, work, done, pool=None):
        """Run work off the GUI thread with a progress dialog and Cancel; errors in a dialog."""
        return run_with_progress(
            self, title, work, done, self.report_error, pool=pool,
            on_cancelled=lambda message: self.statusBar().showMessage(f"{title} cancelled: {message}", 10000),
        )  # fmt: skip

    def import_paths(self, paths: list[str]) -> object:
        from annotator.core.ingest import import_paths

        path = self.store.path
        annotator = self.annotator

        def work(job):
            with Store(path, create=False) as store:
                return import_paths(
                    store, paths, annotator,
                    progress=lambda i, n, p: job.progress(i, n, Path(p).name),
                    cancelled=job.cancelled,
                )  # fmt: skip

        def done(report):
            self.refresh_list()
            if self.article_id is None and self.list_model.ids:
                self.show_article(self.list_model.ids[0])
            summary = report.summary()
            if job.cancelled():
                message = f"Import cancelled; the files read before are kept: {summary}"
            else:
                message = summary[:1].upper() + summary[1:]  # "Imported N article(s), …"
            self.statusBar().showMessage(message, 15000)
            if report.rejected:
                self.report_error(
                    "Some files were not imported:\n" + "\n".join(map(str, report.rejected))
                )

        job = self._long_job("Importing", work, done)
        return job

    def import_files_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Import articles", str(Path.home()), import_filter()
        )
        if paths:
            self.import_paths(paths)

    def import_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder", str(Path.home()))
        if folder:
            self.import_paths([folder])

    def export_to(self, out: str, fmt: str = "jsonl", **options) -> object:
        from annotator.core.exporting import export

        path = self.store.path

        def work(job):
            with Store(path, create=False) as store:
                return export(
                    store, fmt, out, progress=job.progress, cancelled=job.cancelled, **options
                )

        def done(summary):
            self.statusBar().showMessage(str(summary), 15000)

        return self._long_job("Exporting", work, done)

    def export_dialog(self):
        """File › Export…: the CLI's options (format, annotator or gold, status, rejected, split)."""
        from annotator.gui.export_dialog import ExportDialog

        self.export_window = ExportDialog(self)
        self.export_window.show()
        return self.export_window

    def preannotate_project(self) -> object:
        """Suggest spans for every article the model has not seen yet (progress, Cancel)."""
        path = self.store.path
        loader = self.nlp_loader

        def work(job):
            # imported here: a missing spaCy is a message in a dialog, not a crash
            from annotator.core.nlp import preannotate

            with Store(path, create=False) as store:
                pipeline = self.pipeline or loader(store)
                return preannotate(
                    store,
                    pipeline,
                    progress=lambda i, n: job.progress(i, n),
                    cancelled=job.cancelled,
                )

        def done(n):
            self.statusBar().showMessage(f"Suggested spans for {n} article(s)", 10000)
            if self.article_id is not None:
                self.after_change(self.article_id)
                self._preselect_suggestion()

        return self._long_job("Pre-annotating", work, done, pool=model_pool())

    def train_model(self, out_dir: str, max_steps: int = 400, gold: bool = False) -> object:
        from annotator.core.training import train

        path = self.store.path

        def work(job):
            with Store(path, create=False) as store:
                return train(
                    store, out_dir, gold=gold, max_steps=max_steps,
                    progress=lambda i, n, info: job.progress(i, n, f"step {i} of {n}"),
                    cancelled=job.cancelled,
                )  # fmt: skip

        def done(result):
            scores = result.scores.get("ALL", {})
            self.statusBar().showMessage(
                f"Model {result.name!r} trained: dev F1 {scores.get('f', 0):.3f}; "
                "it pre-highlights from now on", 20000,
            )  # fmt: skip
            self.nlp_loader = lambda store, name=result.name: load_named(store, name)
            self.pipeline = None
            self.start_nlp()

        return self._long_job("Training", work, done)

    def train_dialog(self) -> None:
        from annotator.core.model import GOLD

        out = QFileDialog.getExistingDirectory(
            self, "Folder for the trained model", str(self.store.path.parent)
        )
        if out:
            self.train_model(out, gold=GOLD in self.store.annotators())

    def merge_paths(self, paths: list[str]) -> object:
        path = self.store.path

        def work(job):
            summaries = []
            with Store(path, create=False) as store:
                for i, other in enumerate(paths):
                    if job.cancelled():
                        break
                    summaries.append(store.merge_from(other).summary())
                    job.progress(i + 1, len(paths), Path(other).name)
            return summaries

        def done(summaries):
            self.refresh_list()
            if self.article_id is not None:
                self.show_article(self.article_id)
            self.statusBar().showMessage("; ".join(summaries), 20000)

        return self._long_job("Merging", work, done)

    def merge_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Merge projects", str(self.store.path.parent), "Annotator project (*.db)"
        )
        if paths:
            self.merge_paths(paths)


VISIBLE_HEAD = 12_000  # characters suggested first in a long article: a few screens


def head_end(text: str, size: int) -> int:
    """Where the opening part of a text ends: at a paragraph (or line) break near `size`."""
    for sep in ("\n\n", "\n", ". "):
        cut = text.rfind(sep, size // 2, size)
        if cut > 0:
            return cut + len(sep)
    return size


def import_filter() -> str:
    """The import dialog's filter, from the readers' own table: a new reader appears by itself."""
    from annotator.core.ingest import READERS

    patterns = " ".join(f"*{suffix}" for suffix in sorted(READERS))
    return f"Articles ({patterns});;All files (*)"


def load_named(store: Store, name: str):
    from annotator.core.nlp import load_for_project

    return load_for_project(store, name)


def default_loader(store: Store):
    from annotator.core.nlp import load_for_project

    return load_for_project(store)
