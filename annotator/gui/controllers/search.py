"""The search box: searches run off the GUI thread, as you type, the newest one winning.

Typing waits a moment (`DELAY_MS`) then searches; Enter searches at once. A
search runs in a worker on a reading connection of its own
(`Store(readonly=True)`); a newer search, Edit › Cancel search or the box's
Cancel button stop the one running — SQLite's progress handler interrupts its
query (`Store.interrupt_when`) — and a result that arrives after a newer
search started is dropped. The list shows the ranked first page as soon as
it is found; when a word is so common that the ranking was capped, the count
runs next and the list grows to every match when it is known.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer

from annotator.core.store import Store
from annotator.gui.plain import neutral
from annotator.gui.tasks import Job, run_in_background


class SearchController:
    DELAY_MS = 300  # type-ahead: a pause this long in typing starts the search

    def __init__(self, window):
        """`window`: the MainWindow (store, annotator, search box, its busy/Cancel widgets)."""
        self.w = window
        self.job: Job | None = None
        self.generation = 0  # bumped by every search and cancel: older results are dropped
        self._said = ""  # the status bar's line about the last search
        self.timer = QTimer(window)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(lambda: self.w.closed or self.w.navigate.refresh_list())

    @property
    def running(self) -> bool:
        """A search (or its count) is under way, or about to start."""
        return self.job is not None or self.timer.isActive()

    def typed(self, text: str) -> None:
        """The box changed: search after a pause (at once when emptied)."""
        if not text.strip():
            self.timer.stop()
            self.w.navigate.refresh_list()
        else:
            self.timer.start(self.DELAY_MS)

    def _busy(self, on: bool) -> None:
        self.w.search_cancel.setVisible(on)
        self.w.search_cancel.setEnabled(on)
        self.w.actions_by_id["cancel_search"].setEnabled(on)

    def _stop(self) -> None:
        self.timer.stop()
        if self.job is not None:
            self.job.cancel()
            self.job = None
        self.generation += 1
        self._busy(False)

    def _say(self, message: str, ms: int = 0) -> None:
        self._said = message
        self.w.say(message, ms)

    def cancel(self, quiet: bool = False) -> None:
        """Stop the search under way; the list stays as it was (Edit › Cancel search)."""
        was = self.running
        self._stop()
        if was and not quiet:
            self.w.say("Search cancelled", 4000)

    def cleared(self) -> None:
        """The box is empty, the whole list shown: no search under way, nor its message."""
        self.cancel(quiet=True)
        if self._said and self.w.statusBar().currentMessage() == self._said:
            self.w.statusBar().clearMessage()
        self._said = ""

    def start(self, query: str, status: str | None, sort: str | None, desc: bool) -> None:
        """Search for QUERY off the GUI thread; the list follows when it is found."""
        self._stop()  # a newer search supersedes the one running
        gen = self.generation
        path, annotator = self.w.store.path, self.w.annotator

        def find(job: Job):
            with Store(path, readonly=True) as store:
                store.interrupt_when(job.cancelled)
                return store.search_for_list(
                    query, annotator=annotator, status=status, sort=sort, desc=desc
                )

        self._busy(True)
        self._say("Searching…")
        self.job = run_in_background(
            find,
            on_done=lambda found: self._found(gen, found, status, sort, desc),
            on_error=lambda message: self._failed(gen, message),
            title="Search",
        )

    def _current(self, gen: int) -> bool:
        """GEN is the search the window still waits for (not superseded, cancelled, closed)."""
        return gen == self.generation and not self.w.closed

    def _found(self, gen: int, found, status, sort, desc) -> None:
        if not self._current(gen):
            return  # a newer search, or Cancel, came first
        self.job = None
        w = self.w
        ids = w.store.article_id_list(
            w.annotator, status=status, search=found.query, sort=sort, desc=desc,
            ranked=found.ranked, total=found.total, pending=found.total is None,
            ordered=found.ordered,
        )  # fmt: skip
        # the best matches' snippets, as plain text: ⟦ ⟧ around the words found
        match = {aid: neutral(" ".join(s.split())) for aid, s in found.snippets.items()}
        w.navigate.show_ids(ids, match)
        if found.total is None:  # capped: count every match next, then the list grows to them
            self._count(gen, found, ids, status)
        else:
            self._busy(False)
            self._say_found(found.total, found.ranked)

    def _count(self, gen: int, found, ids, status) -> None:
        path, annotator, query = self.w.store.path, self.w.annotator, found.ranked.query
        self._say(f"{len(found.ranked.ids):,}+ articles match; counting…")

        def count(job: Job) -> int:
            with Store(path, readonly=True) as store:
                store.interrupt_when(job.cancelled)
                return store.search_list_count(query, annotator=annotator, status=status)

        def counted(total: int) -> None:
            if not self._current(gen):
                return
            self.job = None
            self._busy(False)
            if self.w.list_model.ids is ids:
                self.w.list_model.grow(total, lambda: ids.set_total(total))
            self._say_found(total, found.ranked)

        self.job = run_in_background(
            count, on_done=counted, on_error=lambda m: self._failed(gen, m), title="Search"
        )

    def _say_found(self, total: int, ranked) -> None:
        if ranked.capped:
            self._say(
                f"{total:,} articles match: the first {len(ranked.ids):,} are ranked best first,"
                " the rest follow in import order (add words to narrow the search)"
            )
        else:
            self._say(f"{total:,} article{'s' if total != 1 else ''} match", 8000)

    def _failed(self, gen: int, message: str) -> None:
        if not self._current(gen):
            return  # cancelled or superseded: its error (an interrupted query) is no news
        self.job = None
        self._busy(False)
        self.w.say(message, 8000)  # a search FTS5 cannot parse: say why, keep the list
