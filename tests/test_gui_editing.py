"""Marking over your own spans and over suggestions in the window: nothing asked, nothing lost, one undo."""

from __future__ import annotations

from PySide6.QtCore import Qt
from test_gui import PLAIN_TEXT, human, open_article, press, project, select_text, settings, window  # noqa: F401


def test_marking_over_own_span_replaces_it_keeps_attributes_one_undo(qtbot, window, project):
    store, ids = project
    window.show_article(ids[2])
    select_text(window, "Uzbekistan")
    press(qtbot, window, Qt.Key_1)
    [old] = store.spans(ids[2], "ana")
    window.side.editors["kind"].setCurrentText("state")
    assert store.span(old.uuid).attrs == {"kind": "state"}
    undo_before = window.undo_stack.count()
    select_text(window, "Uzbekistan hosted")  # grown by a word, same label
    press(qtbot, window, Qt.Key_1)
    [new] = store.spans(ids[2], "ana")
    u = PLAIN_TEXT.index("Uzbekistan")
    assert (new.start, new.end, new.label) == (u, u + len("Uzbekistan hosted"), "ACTOR")
    assert new.attrs == {"kind": "state"}  # the attributes stayed
    assert window.undo_stack.count() == undo_before + 1  # one step
    press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    [back] = store.spans(ids[2], "ana")
    assert (
        back.uuid == old.uuid
        and back.attrs == {"kind": "state"}
        and (back.start, back.end) == (u, u + 10)
    )


def test_marking_a_span_as_another_label_drops_only_what_it_does_not_have(qtbot, window, project):
    store, ids = project
    window.show_article(ids[2])
    select_text(window, "Tashkent")
    press(qtbot, window, Qt.Key_1)
    [old] = store.spans(ids[2], "ana")
    window.side.editors["kind"].setCurrentText("government")
    select_text(window, "Tashkent")
    press(qtbot, window, Qt.Key_3)  # the same text as AGREEMENT: relabelled in place
    [new] = store.spans(ids[2], "ana")
    assert new.uuid == old.uuid and new.label == "AGREEMENT" and new.attrs == {}


def test_marking_exactly_over_a_suggestion_accepts_it(qtbot, window, project):
    store, ids = project
    open_article(qtbot, window, ids[2])
    sug = next(s for s in window.suggestions if s.attrs)
    window.clear_selection()
    window.view.select_range(sug.start, sug.end)
    key = {"ACTOR": Qt.Key_1, "DATE": Qt.Key_2, "AGREEMENT": Qt.Key_3}[sug.label]
    press(qtbot, window, key)
    [span] = store.spans(ids[2], "ana")
    assert (span.start, span.end, span.label) == (sug.start, sug.end, sug.label)
    assert span.attrs == sug.attrs and span.origin.startswith(
        "model:"
    )  # accepted, with its attributes
    assert sug.key not in {s.key for s in window.suggestions}  # no suggestion left to reject
    press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    assert human(store, ids[2]) == [] and sug.key in {s.key for s in window.suggestions}


def test_a_long_article_shows_suggestions_for_its_opening_before_the_whole_run(
    qtbot,
    project,
    settings,
):
    import sys
    from pathlib import Path

    from test_gui import rules_loader

    from annotator.gui.main_window import MainWindow

    sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
    import random

    from corpus import article

    store, _ids = project
    text = article(random.Random(3), 150_000)
    aid, _ = store.add_article(text, title="Long")
    w = MainWindow(store, settings, annotator="ana", nlp_loader=rules_loader)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.pipeline is not None, timeout=30000)
    w.show_article(aid)
    p = w.pipeline
    qtbot.waitUntil(lambda: getattr(w, "partial_suggestions_shown", 0) > 0, timeout=60000)
    head = [s for s in w.suggestions]
    assert head and max(s.end for s in head) <= 12_000  # the opening only, at first
    qtbot.waitUntil(lambda: store.has_suggestions(aid, p.name, p.version), timeout=120000)
    qtbot.waitUntil(lambda: len(w.suggestions) > len(head), timeout=30000)  # then the whole article
    assert {s.key for s in head} <= {s.key for s in w.suggestions} | {
        s.key for s in store.suggestions(aid)
    }
    w.close()
