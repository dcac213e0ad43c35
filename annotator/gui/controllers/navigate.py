"""The article list and moving between articles: filter, search, next, previous, next unfinished,
and the counts in the status bar.

The list model holds article ids only (`gui/article_list.py`); this controller
fills it from the store, keeps its row in step with the open article, and
refreshes one row when a `Changed` notice names an article.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt

from annotator.core.edits import Changed
from annotator.core.model import Status
from annotator.core.session import next_unfinished
from annotator.gui.plain import set_plain


class NavigateController:
    def __init__(self, window):
        """`window`: the MainWindow (list view and model, filter, search, status bar labels)."""
        self.w = window
        self.progress = (0, 0)  # done, total: counted when a status changes, not on every key
        self.sort: str | None = None  # the list's sort key (listing.SORTS), None: import order
        self.desc = False

    @property
    def ids(self) -> list[int]:
        return self.w.list_model.ids

    def refresh_list(self) -> None:
        """Fill the list from the store: counted, then read page by page (a list of 1,000,000
        opens at once), sorted as chosen; a search runs off the GUI thread (`searching`)."""
        w = self.w
        query = w.search.text().strip() or None
        status = w.status_filter.currentData() or None
        if query:
            w.searching.start(query, status, self.sort, self.desc)
            return
        w.searching.cleared()  # a search under way stops; its line goes
        ids = w.store.article_id_list(w.annotator, status=status, sort=self.sort, desc=self.desc)
        self.show_ids(ids)

    def show_ids(self, ids, match: dict[int, str] | None = None) -> None:
        """Show IDS in the list; MATCH: a search's snippets, the extra column."""
        w = self.w
        extra_title, extra = w.review_ctl.list_column()
        if not extra_title and match is not None:
            extra_title, extra = "Match", match
        elif not extra_title and w.store.has_assignments():
            extra_title, extra = "Assigned", w.store.assignment_labels()
        w.list_model.extra_title, w.list_model.extra = extra_title, extra
        w.list_model.set_ids(ids)
        self._size_columns()
        self._show_sort()
        self.select_list_row()
        self.update_status()

    # -- sorting -------------------------------------------------------------------------------

    def sort_by(self, key: str | None) -> None:
        """View › Sort list by KEY (a `listing.SORTS` key; None: import order, a search best
        first); the same key again reverses the order."""
        if key is not None and key == self.sort:
            self.desc = not self.desc
        else:
            self.sort, self.desc = key, False
        self.refresh_list()

    def header_sort(self, section: int, order) -> None:
        """A click on a column's header: sort by it (the Match column: best first)."""
        keys = self.w.list_model.SORT_KEYS
        if section < len(keys):
            self.sort, self.desc = keys[section], order == Qt.DescendingOrder
        elif self.w.list_model.extra_title == "Match":
            self.sort, self.desc = None, False
        else:  # a column the store cannot sort by (review counts, assignments)
            self._show_sort()
            return
        self.refresh_list()

    def _show_sort(self) -> None:
        header = self.w.list_view.horizontalHeader()
        blocked = header.blockSignals(True)
        if self.sort is None:
            match = self.w.list_model.extra_title == "Match"
            header.setSortIndicator(
                len(self.w.list_model.SORT_KEYS) if match else -1, Qt.AscendingOrder
            )
        else:
            section = self.w.list_model.SORT_KEYS.index(self.sort)
            header.setSortIndicator(section, Qt.DescendingOrder if self.desc else Qt.AscendingOrder)
        header.blockSignals(blocked)

    def _size_columns(self) -> None:
        # fixed widths: sizing columns to contents would measure every row of a 100,000-article project
        view, model = self.w.list_view, self.w.list_model
        header = view.horizontalHeader()
        header.setSectionResizeMode(0, header.ResizeMode.Stretch)
        metrics = view.fontMetrics()
        # the extra column as wide as its longest value among the first rows, within reason
        # (longer ones elide, their tooltip has them whole): titles keep their room
        values = itertools.islice(model.extra.values(), 200)
        extra = max((str(v) for v in values), key=len, default="")
        samples = (
            "2025-05-30",
            "in progress",
            "Spans",
            max(model.extra_title, extra[:14], key=len),
        )
        for col, sample in zip(range(1, model.columnCount()), samples, strict=False):
            header.setSectionResizeMode(col, header.ResizeMode.Interactive)
            view.setColumnWidth(col, metrics.horizontalAdvance(sample) + 18)
        fixed = sum(view.columnWidth(c) for c in range(1, model.columnCount()))
        # the pane never gets so narrow that titles are cut to a letter or two
        view.parentWidget().setMinimumWidth(fixed + metrics.horizontalAdvance("M" * 11) + 40)

    def select_list_row(self) -> None:
        aid = self.w.articles.article_id
        if aid is None:
            return
        row = self.w.list_model.row_of(aid)
        if row is not None and self.w.list_view.currentIndex().row() != row:
            self.w.list_view.selectRow(row)

    def open_row(self, row: int) -> None:
        """Clicking a row, or moving to it with the arrow keys, opens its article."""
        if 0 <= row < len(self.ids) and self.ids[row] != self.w.articles.article_id:
            self.w.articles.show(self.ids[row])

    def on_changed(self, changed: Changed) -> None:
        """The list row and the counts follow a change (after the text and the side panel)."""
        if changed.article_id is None:
            self.refresh_list()
            return
        self.w.list_model.refresh(changed.article_id)
        self.w.list_model.extra.update(self.w.review_ctl.list_column([changed.article_id])[1])
        self.update_status(recount=changed.status)

    def first_unfinished(self, after: int | None = None) -> int | None:
        return next_unfinished(self.w.store, self.w.annotator, self.ids, after)

    def _neighbour(self, step: int) -> int | None:
        if not self.ids:
            return None
        row = self.w.list_model.row_of(self.w.articles.article_id)
        if row is None:
            return self.ids[0]
        j = row + step
        return self.ids[j] if 0 <= j < len(self.ids) else None

    def next_article(self) -> None:
        target = self._neighbour(1)
        if target is not None:
            self.w.articles.show(target)
        else:
            self.w.say("This is the last article in the list", 3000)

    def prev_article(self) -> None:
        target = self._neighbour(-1)
        if target is not None:
            self.w.articles.show(target)
        else:
            self.w.say("This is the first article in the list", 3000)

    def next_unfinished(self) -> None:
        target = self.first_unfinished(after=self.w.articles.article_id)
        if target is not None:
            self.w.articles.show(target)
        else:
            self.w.say("Every article in the list is done or skipped", 5000)

    def update_status(self, recount: bool = True) -> None:
        w = self.w
        if recount:
            self.progress = (
                w.store.count_status(w.annotator, Status.DONE),
                w.store.article_count(),
            )
        done, total = self.progress
        set_plain(w.status_name, f"annotator: {w.review_ctl.who(w.annotator)}")
        set_plain(w.status_project, f"project: {w.store.path.name}")
        set_plain(w.status_progress, f"done {done} / {total}")
        w.status_bar.setRange(0, max(total, 1))
        w.status_bar.setValue(done)
        set_plain(w.status_model, f"model: {w.jobs.model_text()}")
