"""The article view: a read-only text widget with spans and suggestions painted in.

Painting looks up only the marks that overlap the block being drawn (sorted
starts + bisect), so a 100,000-character article with thousands of spans opens
fast; the selected span is an extra selection, the only transient layer.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Hashable
from typing import NamedTuple

from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPen,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip

from annotator.gui.offsets import OffsetMap
from annotator.gui.plain import tip
from annotator.gui.theme import LIGHT, REVIEW_ALPHA, REVIEW_COLORS, SPAN_ALPHA, SUGGESTION_ALPHA


class Mark(NamedTuple):
    """Something drawn over the text, in Qt positions (a tuple: thousands are made per article)."""

    start: int
    end: int
    label: str
    kind: str  # "span", "suggestion", "boilerplate", or a review class such as "agree"
    key: Hashable  # the key of the item drawn (gui/items.py)


def _order(mark: Mark) -> tuple[int, int]:
    return mark.start, mark.end


def _color(hex_color: str, alpha: int) -> QColor:
    c = QColor(hex_color)
    c.setAlpha(alpha)
    return c


class SpanHighlighter(QSyntaxHighlighter):
    def __init__(self, document, colors: dict[str, str]):
        super().__init__(document)
        self.colors = colors
        self.theme = None  # a gui.theme.Theme, once the window applies one
        self.marks: list[Mark] = []
        self._starts: list[int] = []
        self._max_len = 0
        self._format_cache: dict[tuple, QTextCharFormat] = {}
        self.review_colors = REVIEW_COLORS

    def set_theme(self, theme) -> None:
        self.theme = theme
        self._format_cache.clear()
        self.rehighlight()

    def set_marks(self, marks: list[Mark], redraw: bool = True) -> None:
        self._index(sorted(marks, key=_order))
        if redraw:
            self.rehighlight()

    def patch(self, remove: set[str], add: list[Mark]) -> None:
        """Replace the marks with these keys by new ones; redraw only the blocks they touch.

        After one key press in a long article this costs a few blocks instead of
        the whole document.
        """
        gone = [m for m in self.marks if m.key in remove] if remove else []
        if not gone and not add:
            return
        marks = [m for m in self.marks if m.key not in remove] if gone else list(self.marks)
        for mark in add:
            insort(marks, mark, key=_order)
        self._index(marks)
        doc = self.document()
        blocks: dict[int, object] = {}
        for mark in (*gone, *add):
            block = doc.findBlock(mark.start)
            while block.isValid():
                blocks[block.blockNumber()] = block
                if block.position() + block.length() > mark.end:
                    break
                block = block.next()
        for block in blocks.values():
            self.rehighlightBlock(block)

    def _index(self, marks: list[Mark]) -> None:
        self.marks = marks
        self._starts = [m.start for m in marks]
        self._max_len = max((m.end - m.start for m in marks), default=0)

    def marks_at(self, pos: int) -> list[Mark]:
        """Marks that cover a Qt position (found by bisection, not by a scan)."""
        hi = bisect_right(self._starts, pos)
        lo = bisect_left(self._starts, pos - self._max_len)
        return [m for m in self.marks[lo:hi] if m.start <= pos < m.end]

    def _format(self, label: str, kind: str, over_suggestion: bool = False) -> QTextCharFormat:
        """Formats are built once per (label, kind): highlighting makes thousands of calls."""
        key = (label, kind, over_suggestion)
        fmt = self._format_cache.get(key)
        if fmt is not None:
            return fmt
        fmt = QTextCharFormat()
        color = self.colors.get(label, "#888888")
        if kind == "boilerplate":  # site furniture: greyed, under everything else
            fmt.setForeground(_color("#8a8a8a", 255))
            fmt.setFontItalic(True)
        elif kind == "span":
            fmt.setBackground(_color(color, SPAN_ALPHA))
            fmt.setUnderlineStyle(QTextCharFormat.SingleUnderline)
            fmt.setUnderlineColor(QColor(color))
        elif kind == "suggestion":
            fmt.setUnderlineStyle(QTextCharFormat.DashUnderline)
            fmt.setUnderlineColor(QColor(color))
            fmt.setBackground(_color(color, SUGGESTION_ALPHA))
        else:  # review classes
            fmt.setBackground(_color(self.review_colors.get(kind, color), REVIEW_ALPHA))
            fmt.setUnderlineStyle(QTextCharFormat.SingleUnderline)
            fmt.setUnderlineColor(QColor(color))
        if over_suggestion:
            fmt.setFontOverline(True)  # a span and a suggestion on the same text stay distinct
        self._format_cache[key] = fmt
        return fmt

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt's name
        if not self.marks:
            return
        block_start = self.currentBlock().position()
        block_end = block_start + len(text)
        # marks that can overlap: starts before block_end, and end after block_start
        hi = bisect_left(self._starts, block_end)
        lo = bisect_left(self._starts, block_start - self._max_len)
        here = [m for m in self.marks[lo:hi] if m.end > block_start]
        suggested = [(m.start, m.end) for m in here if m.kind == "suggestion"]
        # suggestions first, human spans over them, so both stay visible
        for mark in sorted(here, key=lambda m: (m.kind != "boilerplate", m.kind != "suggestion")):
            start = max(mark.start, block_start) - block_start
            end = min(mark.end, block_end) - block_start
            if end <= start:
                continue
            over = mark.kind != "suggestion" and any(
                a < mark.end and mark.start < b for a, b in suggested
            )
            self.setFormat(start, end - start, self._format(mark.label, mark.kind, over))
        # where two spans of different labels overlap (the scheme may allow it), the
        # shared text keeps the later span's background and takes the earlier's label
        # colour as a thick wavy underline, so both stay readable
        spans = [m for m in here if m.kind == "span"]  # sorted by start: a sweep, not all pairs
        for i, first in enumerate(spans):
            for second in spans[i + 1 :]:
                if second.start >= first.end:
                    break
                a, b = max(second.start, block_start), min(first.end, second.end, block_end)
                if b > a and first.label != second.label:
                    self.setFormat(
                        a - block_start, b - a, self._overlap_format(second.label, first.label)
                    )

    def _overlap_format(self, top: str, under: str) -> QTextCharFormat:
        key = ("overlap", top, under)
        fmt = self._format_cache.get(key)
        if fmt is None:
            fmt = QTextCharFormat(self._format(top, "span"))
            fmt.setUnderlineStyle(QTextCharFormat.WaveUnderline)
            fmt.setUnderlineColor(QColor(self.colors.get(under, "#888888")))
            fmt.setFontWeight(QFont.DemiBold)
            self._format_cache[key] = fmt
        return fmt


class ArticleView(QPlainTextEdit):
    """Read-only, selectable, right-to-left aware; reports clicks on marks."""

    markClicked = Signal(object)  # Mark or None

    def __init__(self, colors: dict[str, str], parent=None):
        super().__init__(parent)
        self.setObjectName("articleView")
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
        self.setLineWrapMode(QPlainTextEdit.WidgetWidth)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 10.5) * 1.15)
        self.setFont(font)
        self.document().setDocumentMargin(14)
        self.highlighter = SpanHighlighter(self.document(), colors)
        self.offsets = OffsetMap("")
        self.selected: Mark | None = None
        self.arcs: list[tuple[int, int, str]] = []
        self._press_pos = None
        self.describe = lambda mark: (
            mark.label
        )  # the window tells what a mark is: who, which attributes

    # -- content -------------------------------------------------------------

    def set_article(self, text: str, marks: list[Mark], offsets: OffsetMap | None = None) -> None:
        """Show a text with its marks (in Qt positions, converted with `offsets`)."""
        self.offsets = offsets if offsets is not None else OffsetMap(text)
        # marks first, text second: the text is highlighted once, as it is laid out
        self.highlighter.set_marks(marks, redraw=False)
        self.setPlainText(text)
        self.selected = None
        self.arcs = []
        self.setExtraSelections([])

    def set_theme(self, theme) -> None:
        self.highlighter.set_theme(theme)
        self._reselect()

    def set_marks(self, marks: list[Mark]) -> None:
        self.highlighter.set_marks(marks)
        self._reselect()

    def patch_marks(self, remove: set[str], add: list[Mark]) -> None:
        self.highlighter.patch(remove, add)
        self._reselect()

    def _reselect(self) -> None:
        if self.selected is not None:
            still = [m for m in self.highlighter.marks if m.key == self.selected.key]
            self.select_mark(still[0] if still else None, scroll=False)

    def mark_at(self, qt_pos: int) -> Mark | None:
        """The mark under a position: human spans before suggestions, innermost first."""
        hits = [m for m in self.highlighter.marks_at(qt_pos) if m.kind != "boilerplate"]
        if not hits:
            return None
        hits.sort(key=lambda m: (m.kind == "suggestion", m.end - m.start))
        return hits[0]

    def select_mark(self, mark: Mark | None, scroll: bool = True) -> None:
        self.selected = mark
        if mark is None:
            self.setExtraSelections([])
            return
        sel = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.document())
        cursor.setPosition(mark.start)
        cursor.setPosition(mark.end, QTextCursor.KeepAnchor)
        sel.cursor = cursor
        label_color = self.highlighter.colors.get(mark.label, "#888888")
        theme = self.highlighter.theme or LIGHT
        background, text = theme.selected_mark(label_color)
        sel.format.setBackground(QColor(background))  # opaque: the text colour is chosen for it
        sel.format.setForeground(QColor(text))
        sel.format.setProperty(QTextFormat.FullWidthSelection, False)
        self.setExtraSelections([sel])
        if scroll:
            c = self.textCursor()
            c.setPosition(mark.start)
            self.setTextCursor(c)
            self.ensureCursorVisible()

    # -- the selected event's links, drawn as arcs ---------------------------

    def set_arcs(self, arcs: list[tuple[int, int, str]]) -> None:
        """Arcs from a trigger to each argument: (trigger start, argument start, role) in Qt
        positions. Only the selected event's are drawn, so a long article stays legible."""
        if arcs != self.arcs:
            self.arcs = arcs
            self.viewport().update()

    def paintEvent(self, event):  # noqa: N802
        super().paintEvent(event)
        if not self.arcs:
            return
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.Antialiasing)
        theme = self.highlighter.theme or LIGHT
        pen = QPen(QColor(theme.muted), 1.6)
        painter.setPen(pen)
        height = self.viewport().height()
        for trigger, arg, role in self.arcs:
            a, b = self._anchor(trigger), self._anchor(arg)
            if (a.y() < -50 and b.y() < -50) or (a.y() > height + 50 and b.y() > height + 50):
                continue  # neither end on screen
            lift = 18 + min(60, abs(b.x() - a.x()) / 6)
            top = min(a.y(), b.y()) - lift
            path = QPainterPath(a)
            path.cubicTo(QPointF(a.x(), top), QPointF(b.x(), top), b)
            painter.drawPath(path)
            painter.drawEllipse(b, 2.5, 2.5)
            painter.drawText(QPointF((a.x() + b.x()) / 2 - 12, top + lift * 0.25 - 2), role)
        painter.end()

    def _anchor(self, qt_pos: int) -> QPointF:
        """The top middle of the first character at a position, in viewport coordinates."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(min(qt_pos + 1, max(0, self.document().characterCount() - 1)))
        rect = self.cursorRect(cursor)
        return QPointF(rect.x() - 3, rect.top())

    # -- selection in code points --------------------------------------------

    def selection_range(self) -> tuple[int, int] | None:
        """The current text selection in code points, or None."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return (
            self.offsets.from_qt(cursor.selectionStart()),
            self.offsets.from_qt(cursor.selectionEnd()),
        )

    def select_range(self, start: int, end: int) -> None:
        """Select code points [start, end) as a user would with the mouse."""
        cursor = self.textCursor()
        cursor.setPosition(self.offsets.to_qt(start))
        cursor.setPosition(self.offsets.to_qt(end), QTextCursor.KeepAnchor)
        self.setTextCursor(cursor)

    def clear_selection(self) -> None:
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)

    def viewportEvent(self, event):  # noqa: N802
        if event.type() == QEvent.ToolTip:
            pos = self.cursorForPosition(
                event.position().toPoint() if hasattr(event, "position") else event.pos()
            ).position()
            mark = self.mark_at(pos)
            if mark is not None:
                QToolTip.showText(event.globalPos(), tip(self.describe(mark)), self)
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    # -- mouse: a click (not a drag) on a mark selects it ---------------------

    def mousePressEvent(self, event):  # noqa: N802
        self._press_pos = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event):  # noqa: N802
        super().mouseReleaseEvent(event)
        if self._press_pos is None:
            return
        moved = (event.position().toPoint() - self._press_pos).manhattanLength()
        self._press_pos = None
        if moved > 3 or self.textCursor().hasSelection():
            return
        pos = self.cursorForPosition(event.position().toPoint()).position()
        self.markClicked.emit(self.mark_at(pos))
