"""Both themes meet WCAG AA (4.5:1) for the texts of the window, measured on drawn pixels.

Each check grabs a real widget as the window draws it (the light style, or
qdarkstyle plus our colours for dark), takes the most common colour of the
region as its background and the strongest pixel as its text, and computes
the WCAG ratio between them.
"""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QRect, QSettings
from PySide6.QtWidgets import QApplication

from annotator.core.colors import AA, blend, contrast, readable
from annotator.core.model import Status
from annotator.core.store import Store
from annotator.gui.main_window import MainWindow

TEXT = (
    "Kabul and Moscow agreed in April 2025 to an exchange of ambassadors. کابل و مسکو توافق کردند."
)


def test_wcag_contrast_reference_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(
        4.48, abs=0.01
    )  # the classic just-fails grey
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert blend("#000000", 128, "#ffffff") == "#7f7f7f"
    for color, bg in (("#4e79a7", "#19232D"), ("#ef6c00", "#ffffff"), ("#59a14f", "#ffffff")):
        shade = readable(color, bg)
        assert contrast(shade, bg) >= AA and shade != color


def measured(widget, rect: QRect | None = None) -> tuple[float, str, str]:
    """(ratio, background, text) of a region as drawn."""
    image = (widget.grab(rect) if rect is not None else widget.grab()).toImage()
    colors = Counter(
        image.pixelColor(x, y).name() for x in range(image.width()) for y in range(image.height())
    )
    background = colors.most_common(1)[0][0]
    text = max(colors, key=lambda c: contrast(c, background))
    return contrast(text, background), background, text


@pytest.fixture(params=["light", "dark"])
def themed(request, qtbot, tmp_path):
    store = Store(tmp_path / "p.db")
    a, _ = store.add_article(TEXT, title="Ties", published="2025-05-02")
    b, _ = store.add_article("Tehran hosted talks last week.", title="Talks")
    c, _ = store.add_article("Islamabad and Kabul met.", title="Met")
    for word, label in (("Kabul", "ACTOR"), ("April 2025", "DATE"), ("exchange of ambassadors", "AGREEMENT"),
                        ("مسکو", "ACTOR")):  # fmt: skip
        s = TEXT.index(word)
        store.add_span(a, "ana", s, s + len(word), label)
    m = TEXT.index("Moscow")
    from annotator.core.model import Suggestion

    store.set_suggestions(a, "m", "1", [Suggestion(a, m, m + 6, "ACTOR", {}, "m", "1")])
    store.set_status(b, "ana", Status.DONE)
    store.set_status(c, "ana", Status.IN_PROGRESS)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)
    settings.setValue("theme", request.param)
    w = MainWindow(store, settings, annotator="ana", nlp_loader=lambda s: None)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    w.show_article(a)
    qtbot.wait(30)
    yield w, request.param
    w.close()
    QApplication.instance().setStyleSheet("")
    store.close()


def test_label_bar_reads_in_both_themes(themed):
    w, theme = themed
    for name, button in w.label_buttons.items():
        # the text area: without the label's colour stripe on the left and the border
        rect = QRect(10, 3, button.width() - 14, button.height() - 6)
        ratio, bg, fg = measured(button, rect)
        assert ratio >= AA, f"{theme}: label button {name}: {fg} on {bg} = {ratio:.2f}"


def test_span_table_labels_and_selected_row_read_in_both_themes(qtbot, themed):
    w, theme = themed
    model, table = w.side.model, w.side.table
    w.select_key(None)
    qtbot.wait(20)
    seen = set()
    for row in range(model.rowCount()):
        label = model.rows[row][3]
        if label in seen:
            continue
        seen.add(label)
        ratio, bg, fg = measured(table.viewport(), table.visualRect(model.index(row, 0)))
        assert ratio >= AA, f"{theme}: {label} in the span table: {fg} on {bg} = {ratio:.2f}"
    assert seen == {"ACTOR", "DATE", "AGREEMENT"}
    # the selected row, label and text columns
    key = model.rows[0][2]
    w.select_key(key)
    qtbot.wait(20)
    for col in (0, 1):
        ratio, bg, fg = measured(table.viewport(), table.visualRect(model.index(0, col)))
        assert ratio >= AA, f"{theme}: selected row, column {col}: {fg} on {bg} = {ratio:.2f}"
        assert contrast(bg, w.theme.base) > 1.5, f"{theme}: the selected row is hard to tell apart"


def test_article_list_status_colours_and_title_read(qtbot, themed):
    w, theme = themed
    view, model = w.list_view, w.list_model
    w.list_view.clearSelection()
    qtbot.wait(20)
    statuses = {model.row(i).status: i for i in range(model.rowCount())}
    assert {"done", "in_progress"} <= set(statuses)
    for status, row in statuses.items():
        ratio, bg, fg = measured(view.viewport(), view.visualRect(model.index(row, 2)))
        assert ratio >= AA, f"{theme}: status {status}: {fg} on {bg} = {ratio:.2f}"
    ratio, bg, fg = measured(w.title_label)
    assert ratio >= AA, f"{theme}: title: {fg} on {bg} = {ratio:.2f}"
    # the secondary line (source, date, status) alone
    assert contrast(w.theme.muted, w.theme.window) >= AA


def _mark_rect(view, start: int, end: int) -> QRect:
    """Where a code-point range is drawn in the view's viewport; its upper part (not the underline)."""
    from PySide6.QtGui import QTextCursor

    cursor = QTextCursor(view.document())
    cursor.setPosition(view.offsets.to_qt(start))
    a = view.cursorRect(cursor)
    cursor.setPosition(view.offsets.to_qt(end))
    b = view.cursorRect(cursor)
    left, right = min(a.left(), b.left()), max(a.left(), b.left())
    return QRect(left + 1, a.top() + 1, right - left - 2, int(a.height() * 0.62))


def test_article_marks_read_in_both_themes(qtbot, themed):
    w, theme = themed
    w.select_key(None)
    qtbot.wait(20)
    for word in ("Kabul", "April 2025", "exchange", "Moscow"):  # spans of each label, a suggestion
        s = TEXT.index(word)
        ratio, bg, fg = measured(w.view.viewport(), _mark_rect(w.view, s, s + len(word)))
        assert ratio >= AA, f"{theme}: mark {word!r}: {fg} on {bg} = {ratio:.2f}"
    for span in w.spans:  # each label's span selected
        w.select_key(span.uuid, scroll=False)
        qtbot.wait(20)
        if span.label == "ACTOR" and not w.article.text[span.start : span.end].isascii():
            continue  # Arabic script joins: its glyphs do not sit in a simple box
        ratio, bg, fg = measured(w.view.viewport(), _mark_rect(w.view, span.start, span.end))
        assert ratio >= AA, f"{theme}: selected {span.label}: {fg} on {bg} = {ratio:.2f}"


def test_review_and_suggestion_backgrounds_keep_the_text_readable(themed):
    """The review classes' tints (and every label's span and suggestion tint) under the theme's text."""
    from annotator.gui.theme import REVIEW_ALPHA, SPAN_ALPHA, SUGGESTION_ALPHA

    w, theme = themed
    t = w.theme
    tints = [(c, REVIEW_ALPHA) for c in w.view.highlighter.review_colors.values()]
    tints += [
        (c, a) for c in w.view.highlighter.colors.values() for a in (SPAN_ALPHA, SUGGESTION_ALPHA)
    ]
    for color, alpha in tints:
        ratio = contrast(t.text, t.mark_background(color, alpha))
        assert ratio >= AA, f"{theme}: text on {color} at {alpha}: {ratio:.2f}"
