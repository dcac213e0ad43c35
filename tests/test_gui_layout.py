"""No pane or column squeezes another's text away at 1366×768: guidelines, Assigned column, span table."""

from __future__ import annotations

from test_gui import project, rules_loader, settings  # noqa: F401

from annotator.core.assign import assign
from annotator.gui.main_window import MainWindow


def readable(widget, chars: int) -> int:
    return widget.fontMetrics().horizontalAdvance("M" * chars)


def make(qtbot, store, settings):
    w = MainWindow(store, settings, annotator="ana", nlp_loader=rules_loader)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_guidelines_and_assigned_column_leave_titles_and_span_text_readable(
    qtbot,
    project,
    settings,
    tmp_path,
):
    store, ids = project
    assign(store, ["ana", "ben", "cai"], tmp_path / "packs", overlap=1.0, per_article=3, seed=1)
    w = make(qtbot, store, settings)
    w.show_article(ids[2])
    store.add_span(ids[2], "ana", 0, 6, "ACTOR")
    w.show_article(ids[2])
    qtbot.wait(50)
    assert w.list_model.extra_title == "Assigned"
    before = (w.list_view.columnWidth(0), w.side.table.columnWidth(1))
    w.actions_by_id["guidelines"].trigger()
    qtbot.waitUntil(w.guidelines_window.isVisible, timeout=5000)
    qtbot.wait(50)
    title_width, text_width = w.list_view.columnWidth(0), w.side.table.columnWidth(1)
    assert (title_width, text_width) == before  # the guidelines window takes nothing from them
    assert title_width >= readable(w.list_view, 10), title_width
    assert text_width >= readable(w.side.table, 8), text_width
    assert w.view.width() >= readable(w.view, 20)
    # the whole Assigned value is in the tooltip of every column of the row
    tip = w.list_model.index(0, 0).data(0x3)  # Qt.ToolTipRole
    assert "Assigned:" in tip and "ana" in tip


def test_splitter_cannot_squeeze_the_list_or_the_table_to_nothing(qtbot, project, settings):
    store, ids = project
    w = make(qtbot, store, settings)
    w.splitter.setSizes([1, 1364, 1])
    qtbot.wait(20)
    left, _centre, side = w.splitter.sizes()
    assert left >= readable(w.list_view, 10) and side >= readable(w.side.table, 10)
    assert w.list_view.columnWidth(0) >= readable(w.list_view, 8)
