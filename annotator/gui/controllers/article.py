"""The open article on screen: its session, the items drawn and listed, and the selection.

`ArticleController` opens an article in an `ArticleSession` (or a
`ReviewSession` in review mode), draws its items (`gui/items.py`) in the
article view and the side panel, and follows every `Changed` notice: it asks
the session what to read again and patches only the marks and rows touched,
so a key press in an article with 5,000 spans redraws a few blocks.
"""

from __future__ import annotations

from collections.abc import Hashable

from PySide6.QtCore import QTimer

from annotator.core.edits import Changed
from annotator.core.review_session import ReviewSession
from annotator.core.session import ArticleSession
from annotator.core.tokens import TokenIndex, tokenize
from annotator.gui.article_view import Mark
from annotator.gui.items import (
    ArticleItems,
    BoilerplateMark,
    Item,
    span_marks,
    span_rows,
    suggestion_marks,
    suggestion_rows,
)
from annotator.gui.offsets import OffsetMap
from annotator.gui.plain import rich


class ArticleController:
    def __init__(self, window):
        """`window`: the MainWindow, for its view, side panel, title and settings."""
        self.w = window
        self.session: ArticleSession | None = None
        self.items = ArticleItems()
        self.selected_key: Hashable | None = None
        self.offsets = OffsetMap("")
        self.tokens: TokenIndex | None = None
        # the event being edited: kept while Tab walks the spans to link (gui/controllers/events.py)
        self.active_event: Hashable | None = None

    @property
    def article_id(self) -> int | None:
        return self.session.article_id if self.session is not None else None

    @property
    def article(self):
        return self.session.article if self.session is not None else None

    def close(self) -> None:
        self.session, self.items, self.selected_key = None, ArticleItems(), None
        self.active_event = None

    # -- opening -------------------------------------------------------------------------------

    def _session(self, article_id: int) -> ArticleSession:
        w = self.w
        review = w.review_ctl
        if review.active:
            return ReviewSession(w.store, article_id, review.annotators, review.reviewer)
        return ArticleSession(w.store, article_id, w.annotator, model=w.jobs.model_name)

    def show(self, article_id: int) -> None:
        w = self.w
        self.session = self._session(article_id)
        self.offsets = OffsetMap(self.session.text)
        self.tokens = None  # tokenised on first need: opening stays fast
        self.selected_key = None
        self.active_event = None
        self._collect()
        w.view.set_article(self.session.text, self._marks(), self.offsets)
        self._fill_side()
        self.show_title()
        w.settings.setValue(w.project.last_article_key(), article_id)
        w.select_list_row()
        w.view.setFocus()
        self.preselect_suggestion()
        w.jobs.suggest_current()
        # tokens for snapping, once per article, when the window is idle rather than on the first key
        QTimer.singleShot(150, lambda aid=article_id: self.tokenize(aid))

    def reload(self) -> None:
        """Read the open article again from scratch (another model, a merge, review on or off)."""
        if self.session is not None:
            self.show(self.session.article_id)

    def tokenize(self, article_id: int) -> None:
        if not self.w.closed and self.article_id == article_id and self.tokens is None:
            self.tokens = TokenIndex(tokenize(self.session.text))

    def show_title(self) -> None:
        if self.session is None:
            return
        a = self.session.article
        meta = " · ".join(x for x in (a.source, a.published) if x)
        status = self.session.status().replace("_", " ")
        self.w.title_label.setText(
            f"<b style='font-size:14pt'>{rich(a.title or 'Untitled')}</b>"
            f"<br><span style='color:{self.w.theme.muted}'>{rich(meta)}{' · ' if meta else ''}{status}</span>"
        )

    def preselect_suggestion(self) -> None:
        """With nothing selected, the first open suggestion is: Enter, A or X act on what is shown."""
        s = self.session
        if (
            self.selected_key is None
            and s
            and s.suggestions
            and not self.w.view.textCursor().hasSelection()
        ):
            self.select_key(s.suggestions[0].key, scroll=False)

    def show_suggestions(self, suggestions) -> None:
        """The suggestions for the opening of a long article, until the whole run is stored."""
        self.session.show_suggestions(suggestions)
        self._redraw_all()
        self.preselect_suggestion()

    # -- drawing -------------------------------------------------------------------------------

    def _collect(self) -> None:
        self.items = ArticleItems(self.session)

    def _marks(self) -> list[Mark]:
        to_qt = self.offsets.to_qt
        return self.items.marks(to_qt) + BoilerplateMark.marks(self.session.boilerplate, to_qt)

    def _fill_side(self) -> None:
        self.w.side.set_rows(self.items.rows(self.session.text))
        self.w.review_ctl.show_banner()
        self._show_selected()

    def _redraw_all(self) -> None:
        self._collect()
        self.w.view.set_marks(self._marks())
        self._fill_side()

    def on_changed(self, changed: Changed) -> None:
        """The one place the text and the side panel follow a change."""
        if changed.article_id is None:
            self.reload()  # anything in the project may have changed
            return
        if changed.article_id != self.article_id:
            self.show(changed.article_id)  # undo of a change made in another article
            return
        if changed.select is not None:
            self.selected_key = changed.select
        refresh = self.session.refresh(changed)
        if refresh.full:
            self._redraw_all()
        else:
            removed, events = self.items.patch(refresh, self.session)
            text, to_qt = self.session.text, self.offsets.to_qt
            marks = span_marks(refresh.spans, to_qt) + suggestion_marks(refresh.suggestions, to_qt)
            marks += ArticleItems.event_marks(events, to_qt)
            rows = span_rows(refresh.spans, text) + suggestion_rows(refresh.suggestions, text)
            rows += [item.row(text) for item in events]
            self.w.view.patch_marks(removed, marks)
            self.w.side.patch_rows(removed, rows)
        self.select_key(self.selected_key, scroll=False)
        self.show_title()

    # -- selection -----------------------------------------------------------------------------

    def selected(self) -> Item | None:
        return self.items.get(self.selected_key)

    def select_key(self, key: Hashable | None, scroll: bool = True) -> None:
        item = self.items.get(key)
        self.selected_key = key if item is not None else None
        to_qt = self.offsets.to_qt
        if item is not None and hasattr(item, "arcs"):
            self.active_event = key  # an event, or a suggested one: its links are drawn
        elif item is None:
            self.active_event = None
        mark = getattr(item, "selection_mark", item.mark)(to_qt) if item is not None else None
        self.w.view.select_mark(mark, scroll=scroll)
        self.w.side.select_key(self.selected_key)
        self._show_selected()
        self.draw_arcs()

    def event_item(self):
        """The event (or suggested event) being edited, or None."""
        item = self.items.get(self.active_event) if self.active_event is not None else None
        return item if item is not None and hasattr(item, "arcs") else None

    def draw_arcs(self) -> None:
        """Only the active event's links are drawn, so that long articles stay legible."""
        item = self.event_item()
        self.w.view.set_arcs(item.arcs(self.offsets.to_qt) if item is not None else [])

    def _show_selected(self) -> None:
        item = self.selected()
        if item is None:
            self.w.side.show_attributes(None, {}, editable=False)
        else:
            item.show(self.w.side, self.session.text)

    def describe(self, mark: Mark) -> str:
        """Tooltip text: a span's label and attributes; in review, who marked what."""
        item = self.items.get(mark.key)
        return item.describe(self.session.text) if item is not None else mark.label

    def ordered_keys(self) -> list[Hashable]:
        """What Tab walks: reviewing, the open disagreements; else every item in text order."""
        groups = self.session.open_groups() if self.session else []
        if getattr(self.session, "reviewing", False):
            groups = groups + self.session.open_event_groups()  # then the event disagreements
        if groups:
            return [g.key for g in groups]
        # an event open: Tab walks your spans
        return self.items.ordered_keys(spans_only=self.event_item() is not None)

    def step(self, step: int) -> None:
        keys = self.ordered_keys()
        if not keys:
            return
        if self.selected_key in keys:
            i = (keys.index(self.selected_key) + step) % len(keys)
        else:
            i = 0 if step > 0 else len(keys) - 1
        self.select_key(keys[i])

    def snapped_selection(self) -> tuple[int, int] | None:
        """The text selection in code points, grown to whole tokens and trimmed of spaces."""
        rng = self.w.view.selection_range()
        if rng is None or self.session is None:
            return None
        start, end = rng
        text = self.session.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end:
            return None
        self.tokenize(self.session.article_id)
        return self.tokens.snap(text, start, end)

    def cursor(self) -> int:
        return self.offsets.from_qt(self.w.view.textCursor().selectionStart())
