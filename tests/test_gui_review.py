"""Review mode seen in the window: banner, versions in full beside the table, keys that say why."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from test_review import TEXT, reviewed  # noqa: F401

from annotator.core.agreement import Disagreement
from annotator.core.model import GOLD


def test_review_mode_shows_a_banner_even_on_an_article_nobody_annotated(qtbot, reviewed):
    w, store, a = reviewed
    assert w.review_banner.isVisible()
    assert "REVIEW MODE" in w.review_banner.text() and "disagreement(s)" in w.review_banner.text()
    calm = next(i for i in store.article_ids() if i != a)
    w.show_article(calm)
    assert w.review_banner.isVisible() and "nobody marked anything" in w.review_banner.text()
    w.leave_review()
    assert not w.review_banner.isVisible()


def test_a_selected_disagreement_shows_every_version_in_full(qtbot, reviewed):
    w, store, a = reviewed
    group = next(g for g in w.review.open_groups() if g.kind == "boundary")
    w.select_key(group.key)
    assert "Select a span" not in w.side.box.title()
    versions = [lab.text() for lab in w.side.box.findChildren(QLabel, "version")]
    assert versions == ["AGREEMENT “exchange of ambassadors” · DIPLOMATIC", "AGREEMENT “exchange”"]
    texts = [lab.text() for lab in w.side.box.findChildren(QLabel)]
    assert "Select a span to see its attributes." not in texts
    # the table's row tells the same in its tooltip, whatever the column's width
    row = w.side.model.row_of(group.key)
    tip = w.side.model.index(row, 2).data(Qt.ToolTipRole)
    assert "ana=AGREEMENT “exchange of ambassadors”" in tip


def test_taking_a_version_that_is_nothing_says_why(qtbot, reviewed):
    w, store, a = reviewed
    moscow = TEXT.index("Moscow")
    group = next(g for g in w.review.open_groups() if g.start == moscow)
    assert not group.versions.get("ben")
    w.select_key(group.key)
    gold_before = store.spans(a, GOLD)
    qtbot.keyClick(w.view, Qt.Key_2, Qt.AltModifier)
    assert "ben marked nothing here" in w.statusBar().currentMessage()
    assert store.spans(a, GOLD) == gold_before
    qtbot.keyClick(w.view, Qt.Key_5, Qt.AltModifier)
    assert "only 2 annotator(s)" in w.statusBar().currentMessage()
    qtbot.keyClick(w.view, Qt.Key_1, Qt.AltModifier)
    assert "Gold takes ana's version" in w.statusBar().currentMessage()
    assert isinstance(w.selected_item(), Disagreement) or w.selected_item() is None
    w.leave_review()
    qtbot.keyClick(w.view, Qt.Key_1, Qt.AltModifier)
    assert "in review mode" in w.statusBar().currentMessage()


def test_adjudication_is_one_undo_step_and_undo_gives_the_disagreement_back(qtbot, reviewed):
    w, store, a = reviewed
    w.view.select_range(TEXT.index("April"), TEXT.index("April") + 10)
    qtbot.keyClick(w.view, Qt.Key_2)  # a gold span of your own first: it stays undoable
    steps = w.undo_stack.count()
    qtbot.keyClick(w.view, Qt.Key_G, Qt.ControlModifier | Qt.ShiftModifier)  # accept all agreed
    assert w.undo_stack.count() == steps + 1 and w.undo_stack.undoText() == "Accept all agreed"
    group = next(g for g in w.review.open_groups() if g.kind == "boundary")
    w.select_key(group.key)
    qtbot.keyClick(w.view, Qt.Key_1, Qt.AltModifier)
    assert w.undo_stack.count() == steps + 2
    assert group.key not in {g.key for g in w.review.open_groups()}
    qtbot.keyClick(w.view, Qt.Key_Z, Qt.ControlModifier)
    assert group.key in {g.key for g in w.review.open_groups()}
    assert w.selected_key == group.key  # undo selects what it gave back
    qtbot.keyClick(w.view, Qt.Key_Z, Qt.ControlModifier)
    assert [TEXT[s.start : s.end] for s in store.spans(a, GOLD)] == ["April 2025"]
    qtbot.keyClick(w.view, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)  # redo
    assert {TEXT[s.start : s.end] for s in store.spans(a, GOLD)} == {"Kabul", "April 2025"}
