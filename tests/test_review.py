"""Review mode: disagreements colour-coded and listed, adjudicated by keyboard into gold."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt

from annotator.core.agreement import Disagreement
from annotator.core.model import GOLD
from annotator.core.nlp import RULES_ONLY, load_for_project
from annotator.core.store import Store
from annotator.gui.main_window import MainWindow

TEXT = "Kabul and Moscow agreed to an exchange of ambassadors in April 2025."


@pytest.fixture
def reviewed(tmp_path, qtbot):
    store = Store(tmp_path / "p.db")
    a, _ = store.add_article(TEXT, title="Ties")
    store.add_article("Nobody disagrees about this one.", title="Calm")
    k, m, x, d = (TEXT.index(w) for w in ("Kabul", "Moscow", "exchange", "April 2025"))
    for who in ("ana", "ben"):
        store.add_span(a, who, k, k + 5, "ACTOR")
        store.set_status(a, who, "done")
    store.add_span(a, "ana", m, m + 6, "ACTOR")
    store.add_span(a, "ana", x, x + 23, "AGREEMENT", {"type": "DIPLOMATIC"})
    store.add_span(a, "ben", x, x + 8, "AGREEMENT")
    store.add_span(a, "ana", d, d + 10, "DATE")
    store.add_span(a, "ben", d, d + 10, "ACTOR")
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)
    w = MainWindow(
        store, settings, annotator="lead", nlp_loader=lambda s: load_for_project(s, RULES_ONLY)
    )
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=5000)
    w.show_article(a)
    w.enter_review(["ana", "ben"])
    yield w, store, a
    w.close()
    store.close()


def test_review_lists_classified_disagreements(reviewed):
    w, store, a = reviewed
    kinds = [m.kind for m in w.view.highlighter.marks]
    assert sorted(kinds) == ["agree", "boundary", "label", "partial"]
    assert w.list_model.extra_title == "Disagreements"
    assert w.list_model.extra[a] == "3"  # agreed groups are not disagreements
    calm = next(i for i in store.article_ids() if i != a)
    assert calm not in w.list_model.extra  # nobody marked it: nothing counted, nothing shown
    model = w.side.model
    shown = [model.index(i, 0).data() for i in range(model.rowCount())]
    assert shown == ["all agree", "some", "boundary conflict", "label conflict"]
    assert "reviewing" in w.status_name.text()


def test_adjudicate_by_keyboard_into_gold(qtbot, reviewed):
    w, store, a = reviewed
    qtbot.keyClick(w.view, Qt.Key_G, Qt.ControlModifier | Qt.ShiftModifier)  # accept all agreed
    assert [(s.label, TEXT[s.start : s.end]) for s in store.spans(a, GOLD)] == [("ACTOR", "Kabul")]
    qtbot.keyClick(w.view, Qt.Key_Tab)
    assert isinstance(w.selected_item(), Disagreement)
    group = w.selected_item()
    qtbot.keyClick(w.view, Qt.Key_1, Qt.AltModifier)  # take ana's version
    gold = {TEXT[s.start : s.end]: s for s in store.spans(a, GOLD)}
    assert set(gold) == {"Kabul", TEXT[group.start : group.end]}
    taken = gold[TEXT[group.start : group.end]]
    assert taken.origin == "adjudicated:ana;by=lead"
    # the next open disagreement is selected: take ben's this time
    nxt = w.selected_item()
    qtbot.keyClick(w.view, Qt.Key_2, Qt.AltModifier)
    assert any(s.origin == "adjudicated:ben;by=lead" for s in store.spans(a, GOLD))
    assert nxt.key not in {g.key for g in w.review.open_groups()}
    # label keys edit gold in review mode
    w.view.select_range(TEXT.index("April"), TEXT.index("April") + 10)
    qtbot.keyClick(w.view, Qt.Key_2)
    assert any(s.label == "DATE" and s.origin == "manual" for s in store.spans(a, GOLD))
    qtbot.keyClick(w.view, Qt.Key_Return, Qt.ControlModifier)
    assert store.status(a, GOLD) == "done"
    w.leave_review()
    assert w.annotator == "lead" and w.review is None


def test_dashboard_shows_figures(qtbot, reviewed):
    w, store, a = reviewed
    job = w.show_dashboard()
    qtbot.waitUntil(job.done.is_set, timeout=20000)
    qtbot.waitUntil(lambda: hasattr(w, "dashboard_dialog"), timeout=10000)
    table = w.dashboard_dialog.table
    assert table.rowCount() == 3 and table.columnCount() == 4
    assert table.item(0, 0).text() not in ("",)
    w.dashboard_dialog.close()


def test_the_view_says_who_marked_what(reviewed):
    w, store, a = reviewed
    label_conflict = next(m for m in w.view.highlighter.marks if m.kind == "label")
    text = w.describe_mark(label_conflict)
    assert "ana: DATE “April 2025”" in text and "ben: ACTOR “April 2025”" in text
