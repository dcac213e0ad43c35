"""Agreement events at the keyboard (pytest-qt): E makes or opens the event, Tab walks the
spans, L links or unlinks in the role that fits, S or a click sets the status, every step
one undo; the side panel lists the events and only the open event's arcs are drawn."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from annotator.core.store import Store
from annotator.gui.main_window import MainWindow

TEXT = "🇦🇫 کابل — خبر. Russia and the Taliban signed an oil contract on 5 May 2025, officials said."


def rules_loader(store):
    from annotator.core.nlp import load_for_project

    return load_for_project(store, "rules")


@pytest.fixture
def project(tmp_path):
    store = Store(tmp_path / "p.db")
    [aid] = [store.add_article(TEXT, title="Events", published="2025-05-30")[0]]
    yield store, aid
    store.close()


@pytest.fixture
def window(qtbot, project, tmp_path):
    from PySide6.QtCore import QSettings

    store, aid = project
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)
    w = MainWindow(store, settings, annotator="ana", nlp_loader=rules_loader)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: w.pipeline is not None, timeout=30000)
    w.show_article(aid)
    # the article's suggestions first: a span marked where one stands takes its type or
    # value, so the flow below must not race the suggesting job
    qtbot.waitUntil(
        lambda: store.has_suggestions(aid, w.pipeline.name, w.pipeline.version), timeout=30000
    )
    qtbot.waitUntil(lambda: bool(w.suggestions), timeout=30000)
    yield w
    w.close()


def press(qtbot, window, key, modifier=Qt.NoModifier) -> None:
    qtbot.keyClick(window.view, key, modifier)


def mark(qtbot, window, phrase: str, key) -> str:
    start = TEXT.index(phrase)
    window.clear_selection()
    window.view.select_range(start, start + len(phrase))
    press(qtbot, window, key)
    span = next(s for s in window.spans if (s.start, s.end) == (start, start + len(phrase)))
    return span.uuid


def test_keyboard_flow_create_link_status_unlink_undo(qtbot, window, project):
    store, aid = project
    russia = mark(qtbot, window, "Russia", Qt.Key_1)
    taliban = mark(qtbot, window, "Taliban", Qt.Key_1)
    deal = mark(qtbot, window, "oil contract", Qt.Key_3)
    date = mark(qtbot, window, "5 May 2025", Qt.Key_2)
    window.clear_selection()
    window.select_key(deal)
    steps = window.undo_stack.count()
    press(qtbot, window, Qt.Key_E)  # the AGREEMENT's event
    [event] = store.events(aid, "ana")
    assert event.trigger == deal and window.selected_key == event.uuid
    press(qtbot, window, Qt.Key_E)  # again: the same event, selected, nothing new
    assert len(store.events(aid, "ana")) == 1 and window.undo_stack.count() == steps + 1
    # Tab walks the spans (the event stays open); L links in the role the label fits
    press(qtbot, window, Qt.Key_Tab)
    assert window.selected_key == russia
    press(qtbot, window, Qt.Key_L)
    press(qtbot, window, Qt.Key_Tab)
    assert window.selected_key == taliban
    press(qtbot, window, Qt.Key_L)
    press(qtbot, window, Qt.Key_Tab)  # the trigger
    press(qtbot, window, Qt.Key_Tab)
    assert window.selected_key == date
    press(qtbot, window, Qt.Key_L)
    assert store.event(event.uuid).args == (("party", russia), ("party", taliban), ("date", date))
    assert len(window.view.arcs) == 3  # the open event's links, drawn
    # L on a linked span unlinks it; undo links it back
    press(qtbot, window, Qt.Key_L)
    assert store.event(event.uuid).args == (("party", russia), ("party", taliban))
    press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    assert store.event(event.uuid).args[-1] == ("date", date)
    # status: S cycles, a click chooses
    press(qtbot, window, Qt.Key_S)
    assert store.event(event.uuid).attrs == {"status": "proposed"}
    window.select_key(event.uuid)
    window.side.findChild(QPushButton, "status_signed").click()
    assert store.event(event.uuid).attrs == {"status": "signed"}
    # the side panel lists it
    row = next(r for r in window.side.model.rows if r.key == event.uuid)
    # the marked spans took the suggestions' type and value (the rules' ENERGY, the date's ISO)
    assert row.text == "ENERGY · signed · Russia, Taliban · 2025-05-05"
    assert "events: 1" in window.side.heading.text()
    # Escape: nothing open, no arcs
    press(qtbot, window, Qt.Key_Escape)
    assert window.view.arcs == []
    # every step one undo: back to no event at all
    done = window.undo_stack.count() - steps
    assert done == 6  # create, 3 links, status twice (the undone unlink was dropped)
    for _ in range(done):
        press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    assert store.events(aid, "ana") == []


def test_deleting_the_trigger_deletes_the_event_in_one_undo_step(qtbot, window, project):
    store, aid = project
    russia = mark(qtbot, window, "Russia", Qt.Key_1)
    deal = mark(qtbot, window, "oil contract", Qt.Key_3)
    window.select_key(deal)
    press(qtbot, window, Qt.Key_E)
    window.select_key(russia)
    press(qtbot, window, Qt.Key_L)
    window.select_key(deal)
    press(qtbot, window, Qt.Key_Delete)
    assert store.events(aid, "ana") == []
    assert not [r for r in window.side.model.rows if r.order == 3]
    press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    [event] = store.events(aid, "ana")
    assert event.args == (("party", russia),)
    assert [r.key for r in window.side.model.rows if r.order == 3] == [event.uuid]


def test_the_window_suggests_a_frame_drawn_and_accepted_with_enter(qtbot, window, project):
    """The article on screen is pre-highlighted with its frames; Enter takes one, spans and all."""
    store, aid = project

    def frame_rows():
        return [r for r in window.side.model.rows if r.order == 4]

    qtbot.waitUntil(lambda: bool(frame_rows()), timeout=30000)
    [row] = frame_rows()
    assert row.suggestion and " · signed · Russia, Taliban · " in row.text
    [frame] = store.event_suggestions(aid)
    window.select_key(row.key)
    assert len(window.view.arcs) == len(frame.args) == 3  # a suggested event's links, drawn
    press(qtbot, window, Qt.Key_Return)
    [event] = store.events(aid, "ana")
    assert event.attrs == {"status": "signed"} and [r for r, _u in event.args] == [
        "party", "party", "date"
    ]  # fmt: skip
    places = {frame.trigger, *((s, e) for _r, s, e in frame.args)}
    assert {(s.start, s.end) for s in store.spans(aid, "ana")} == places
    assert not frame_rows() and [r.order for r in window.side.model.rows].count(3) == 1
    press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)  # one step: the event and its spans go
    assert store.events(aid, "ana") == [] and store.spans(aid, "ana") == []
    assert len(frame_rows()) == 1


def test_the_summary_names_type_status_canonical_parties_and_iso_date():
    from annotator.core.model import Span
    from annotator.gui.items import event_summary

    def span(word, label, **attrs):
        start = TEXT.index(word)
        return Span(word, 1, "ana", start, start + len(word), label, attrs)

    summary = event_summary(
        "AGREEMENT", "signed", span("oil contract", "AGREEMENT", type="ENERGY"),
        [span("Russia", "ACTOR"), span("Taliban", "ACTOR", canonical="Taliban")],
        span("5 May 2025", "DATE", value="2025-05-05"), TEXT,
    )  # fmt: skip
    assert summary == "ENERGY · signed · Russia, Taliban · 2025-05-05"


def test_review_lists_event_disagreements_and_takes_one_into_gold_undoably(qtbot, window, project):
    from annotator.core.model import GOLD

    store, aid = project
    at = {w: (TEXT.index(w), TEXT.index(w) + len(w)) for w in ("Russia", "Taliban", "oil contract")}
    for who, status, parties in (
        ("ana", "signed", ["Russia", "Taliban"]),
        ("ben", "agreed", ["Russia"]),
    ):
        spans = {w: store.add_span(aid, who, *at[w], "ACTOR" if w != "oil contract" else "AGREEMENT")
                 for w in at}  # fmt: skip
        store.add_event(aid, who, "AGREEMENT", spans["oil contract"].uuid,
                        [("party", spans[p].uuid) for p in parties], {"status": status})  # fmt: skip
    window.annotator = "lead"
    window.enter_review(["ana", "ben"])
    [group] = window.review.session.open_event_groups()
    assert "event group(s) to settle" in window.review_banner.text()
    assert group.key in window.articles.ordered_keys()  # Tab reaches it
    window.select_key(group.key)
    assert window.side.box.title().startswith("Events")
    press(qtbot, window, Qt.Key_2, Qt.AltModifier)  # ben's event into gold
    [gold] = store.events(aid, GOLD)
    assert gold.attrs == {"status": "agreed"} and len(gold.args) == 1
    assert not window.review.session.open_event_groups()
    assert [r.key for r in window.side.model.rows if r.order == 5] == []
    press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)  # one step back: no gold event
    assert store.events(aid, GOLD) == []
    assert [g.key for g in window.review.session.open_event_groups()] == [group.key]
