"""Work handed to a worker: the model, pre-highlighting, import, export, pre-annotation, training,
merge — and what a finished job changed, announced on the one `Changes` notice.

Every job goes through `gui/tasks.py`: off the GUI thread, its own Store on
the same file, progress and Cancel where it is long, errors as a dialog. Jobs
that run the spaCy pipeline share one thread (`tasks.model_pool`).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from annotator.core.edits import Changed
from annotator.core.session import unique_suggestions
from annotator.core.store import Store
from annotator.gui import heap
from annotator.gui.tasks import model_pool, run_in_background, run_with_progress

VISIBLE_HEAD = 12_000  # characters suggested first in a long article: a few screens


class ModelState(StrEnum):
    LOADING = "loading…"
    READY = "ready"
    UNAVAILABLE = "pre-highlighting unavailable"


class JobsController:
    def __init__(self, window, nlp_loader):
        """`window`: the MainWindow (store, annotator, articles, status bar, changes)."""
        self.w = window
        self.nlp_loader = nlp_loader
        self.pipeline = None
        self.state = ModelState.LOADING
        self._generation = 0  # a model loaded for a project since closed is not used
        self.model_job = None

    @property
    def model_name(self) -> str | None:
        return getattr(self.pipeline, "name", None)

    def model_text(self) -> str:
        if self.pipeline is None:
            return str(self.state)
        return "rules only" if getattr(self.pipeline, "rules_only", False) else self.pipeline.name

    def _changed_here(self, article_id: int | None) -> None:
        """A job stored suggestions for the open article: it is read again, and the first is selected."""
        if article_id is not None and article_id == self.w.articles.article_id:
            self.w.changes.emit(Changed.everything(article_id))
            self.w.articles.preselect_suggestion()

    # -- the model -----------------------------------------------------------------------------

    def start_nlp(self) -> None:
        """Load spaCy in a worker: the window is usable meanwhile."""
        self.pipeline = None
        self.state = ModelState.LOADING
        self._generation += 1
        generation = self._generation
        self.w.navigate.update_status(recount=False)
        path, loader = self.w.store.path, self.nlp_loader

        def load(job):
            with Store(path, create=False) as store:
                return loader(store)

        self.model_job = run_in_background(
            load,
            lambda pipeline: generation == self._generation and self._nlp_ready(pipeline),
            lambda message: generation == self._generation and self._nlp_failed(message),
            "load model",
            pool=model_pool(),
        )

    def _nlp_ready(self, pipeline) -> None:
        if self.w.closed:
            return
        self.pipeline, self.state = pipeline, ModelState.READY
        heap.settle()  # the model's objects too (gui/heap.py)
        self.w.navigate.update_status(recount=False)
        session = self.w.articles.session
        if session is not None:
            session.set_model(self.model_name)  # this model's stored suggestions, if any
            self._changed_here(session.article_id)
            self.suggest_current()

    def _nlp_failed(self, message: str) -> None:
        if self.w.closed:
            return
        self.pipeline, self.state = None, ModelState.UNAVAILABLE
        self.w.navigate.update_status(recount=False)
        self.w.say(
            f"Pre-highlighting unavailable ({message}); stored suggestions are still shown", 15000
        )

    def suggest_current(self) -> None:
        """Pre-highlight the article on screen in a worker, if the model has not yet."""
        from annotator.core.nlp import suggest_article

        pipeline, w = self.pipeline, self.w
        session = w.articles.session
        if pipeline is None or session is None:
            return
        if w.store.has_suggestions(session.article_id, pipeline.name, pipeline.version):
            return
        article_id, path = session.article_id, w.store.path
        text, published = session.text, session.article.published
        if len(text) > 2 * VISIBLE_HEAD:
            # a long article: its opening screenfuls first, so suggestions appear with the
            # text rather than after the whole article is through the model
            head = text[: head_end(text, VISIBLE_HEAD)]

            def head_work(job):
                if article_id != w.articles.article_id or w.closed:
                    return None
                [(_aid, sugs)] = list(pipeline.suggest([(article_id, head, published)]))
                return article_id, sugs

            def head_done(result):
                if result is not None and not w.closed and result[0] == w.articles.article_id:
                    self.show_partial_suggestions(pipeline, result[1])

            run_in_background(head_work, head_done, w.report_error, "suggest the visible part",
                              pool=model_pool())  # fmt: skip

        def work(job):
            if article_id != w.articles.article_id or w.closed:
                return (
                    None  # the annotator has moved on: no use suggesting for an article not shown
                )
            with Store(path, create=False) as store:
                suggest_article(store, pipeline, article_id)  # #16: none inside boilerplate
            return article_id

        def done(aid):
            if not w.closed:
                self._changed_here(aid)

        # one model, one thread: spaCy pipelines are not made to run in two threads at once
        run_in_background(work, done, w.report_error, "suggest", pool=model_pool())

    def show_partial_suggestions(self, pipeline, sugs) -> None:
        """Show the suggestions for the opening of a long article until the whole run is stored."""
        session = self.w.articles.session
        if session.reviewing or self.w.store.has_suggestions(
            session.article_id, pipeline.name, pipeline.version
        ):
            return  # the full run landed first: it is what is shown
        if self.model_name != pipeline.name:
            return
        self.w.articles.show_suggestions(unique_suggestions(sugs).values())
        self.w.partial_suggestions_shown = len(session.suggestions)  # for tests and the status line

    # -- long jobs -----------------------------------------------------------------------------

    def long_job(self, title: str, work, done, pool=None):
        """Run work off the GUI thread with a progress dialog and Cancel; errors in a dialog."""
        return run_with_progress(
            self.w, title, work, done, self.w.report_error, pool=pool,
            on_cancelled=lambda message: self.w.say(f"{title} cancelled: {message}", 10000),
        )  # fmt: skip

    def import_paths(self, paths: list[str]) -> object:
        from annotator.core.ingest import import_paths

        w, path, annotator = self.w, self.w.store.path, self.w.annotator

        def work(job):
            with Store(path, create=False) as store:
                return import_paths(
                    store, paths, annotator,
                    progress=lambda i, n, p: job.progress(i, n, Path(p).name),
                    cancelled=job.cancelled,
                )  # fmt: skip

        def done(report):
            w.changes.emit(Changed.everything(None))  # new articles: the list, and what is open
            if w.articles.article_id is None and w.list_model.ids:
                w.articles.show(w.list_model.ids[0])
            summary = report.summary()
            if job.cancelled():
                message = f"Import cancelled; the files read before are kept: {summary}"
            else:
                message = summary[:1].upper() + summary[1:]  # "Imported N article(s), …"
            w.say(message, 15000)
            if report.rejected:
                w.report_error(
                    "Some files were not imported:\n" + "\n".join(map(str, report.rejected))
                )

        job = self.long_job("Importing", work, done)
        return job

    def import_files_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self.w, "Import articles", str(Path.home()), import_filter()
        )
        if paths:
            self.import_paths(paths)

    def import_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.w, "Import a folder", str(Path.home()))
        if folder:
            self.import_paths([folder])

    def export_to(self, out: str, fmt: str = "jsonl", **options) -> object:
        from annotator.core.exporting import export

        path = self.w.store.path

        def work(job):
            with Store(path, create=False) as store:
                return export(store, fmt, out, progress=job.progress, cancelled=job.cancelled,
                              **options)  # fmt: skip

        return self.long_job("Exporting", work, lambda summary: self.w.say(str(summary), 15000))

    def export_dialog(self):
        """File › Export…: the CLI's options (format, annotator or gold, status, rejected, split)."""
        from annotator.gui.export_dialog import ExportDialog

        self.w.export_window = ExportDialog(self.w)
        self.w.export_window.show()
        return self.w.export_window

    def preannotate_project(self) -> object:
        """Suggest spans for every article the model has not seen yet (progress, Cancel)."""
        path, loader = self.w.store.path, self.nlp_loader

        def work(job):
            # imported here: a missing spaCy is a message in a dialog, not a crash
            from annotator.core.nlp import preannotate

            with Store(path, create=False) as store:
                pipeline = self.pipeline or loader(store)
                return preannotate(store, pipeline, progress=lambda i, n: job.progress(i, n),
                                   cancelled=job.cancelled)  # fmt: skip

        def done(n):
            self.w.say(f"Suggested spans for {n} article(s)", 10000)
            self._changed_here(self.w.articles.article_id)

        return self.long_job("Pre-annotating", work, done, pool=model_pool())

    def train_model(self, out_dir: str, max_steps: int = 400, gold: bool = False) -> object:
        from annotator.core.training import train

        path = self.w.store.path

        def work(job):
            with Store(path, create=False) as store:
                return train(
                    store, out_dir, gold=gold, max_steps=max_steps,
                    progress=lambda i, n, info: job.progress(i, n, f"step {i} of {n}"),
                    cancelled=job.cancelled,
                )  # fmt: skip

        def done(result):
            scores = result.scores.get("ALL", {})
            self.w.say(f"Model {result.name!r} trained: dev F1 {scores.get('f', 0):.3f}; "
                       "it pre-highlights from now on", 20000)  # fmt: skip
            self.nlp_loader = lambda store, name=result.name: load_named(store, name)
            self.start_nlp()

        return self.long_job("Training", work, done)

    def train_dialog(self) -> None:
        from annotator.core.model import GOLD

        out = QFileDialog.getExistingDirectory(
            self.w, "Folder for the trained model", str(self.w.store.path.parent)
        )
        if out:
            self.train_model(out, gold=GOLD in self.w.store.annotators())

    def merge_paths(self, paths: list[str]) -> object:
        path = self.w.store.path

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
            self.w.changes.emit(Changed.everything(None))  # any article may have changed
            self.w.say("; ".join(summaries), 20000)

        return self.long_job("Merging", work, done)

    def merge_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self.w, "Merge projects", str(self.w.store.path.parent), "Annotator project (*.db)"
        )
        if paths:
            self.merge_paths(paths)


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
    from annotator.core.event_frames import FrameSuggester
    from annotator.core.nlp import load_for_project

    pipeline = load_for_project(store)
    FrameSuggester.for_pipeline(
        pipeline
    ).warm()  # the frames' parser loads with it, off the GUI thread
    return pipeline
