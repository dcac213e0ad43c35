"""More of the workspace as a user meets it: first start, a missing model, one undo per action,
the mouse, the lists, Cancel, projects, and the help menu."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QPushButton
from shiboken6 import isValid
from test_gui import PLAIN_TEXT, human, press, rules_loader, select_text

from annotator.core.model import ArticleIn, Suggestion
from annotator.core.store import Store
from annotator.gui.main_window import MainWindow


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)


@pytest.fixture
def project(tmp_path):
    store = Store(tmp_path / "p.db")
    ids = [
        store.add_article(text, title=title, published="2025-05-02")[0]
        for title, text in (
            ("One", "Kabul and Tashkent agreed on a rail link in March."),
            ("Two", "Moscow hosted the Taliban delegation last week."),
            ("Plain", PLAIN_TEXT),
        )
    ]
    yield store, ids
    store.close()


def no_spacy(_store):
    raise ImportError("No module named 'spacy'")


def make_window(qtbot, store, settings, loader=rules_loader, **kwargs) -> MainWindow:
    kwargs.setdefault("annotator", "ana")
    w = MainWindow(store, settings, nlp_loader=loader, **kwargs)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=5000)  # keys go to the active window
    return w


def test_first_start_asks_the_name_once_and_a_given_name_is_not_remembered(
    qtbot, project, settings
):
    store, _ = project
    w = make_window(qtbot, store, settings, annotator=None, ask_name=lambda: "  dora ")
    assert w.annotator == "dora" and settings.value("annotator") == "dora"
    w.close()

    def must_not_ask():
        raise AssertionError("asked again")

    w2 = make_window(qtbot, store, settings, annotator=None, ask_name=must_not_ask)
    assert w2.annotator == "dora"
    w2.close()
    w3 = make_window(
        qtbot, store, settings, annotator="eve", ask_name=must_not_ask
    )  # --annotator eve
    assert w3.annotator == "eve" and settings.value("annotator") == "dora"
    w3.close()


def test_without_spacy_stored_suggestions_still_show_and_can_be_accepted(qtbot, project, settings):
    store, ids = project
    text = store.article(ids[1]).text
    m = text.index("Moscow")
    store.set_suggestions(ids[1], "en_core_web_sm", "3.8", [
        Suggestion(ids[1], m, m + 6, "ACTOR", {"kind": "state"}, "en_core_web_sm", "3.8"),
    ])  # fmt: skip
    w = make_window(qtbot, store, settings, loader=no_spacy)
    qtbot.waitUntil(lambda: "pre-highlighting unavailable" in w.status_model.text(), timeout=10000)
    w.show_article(ids[1])
    assert [(s.start, s.end) for s in w.suggestions] == [(m, m + 6)]
    assert [mk.kind for mk in w.view.highlighter.marks] == ["suggestion"]
    press(qtbot, w, Qt.Key_A)
    assert human(store, ids[1]) == [(m, m + 6, "ACTOR")]
    assert store.spans(ids[1], "ana")[0].attrs == {"kind": "state"}
    w.close()


def test_one_key_is_one_undo_step_even_when_spans_make_way(qtbot, project, settings):
    store, ids = project
    w = make_window(qtbot, store, settings)
    w.show_article(ids[2])
    select_text(w, "Uzbekistan")
    press(qtbot, w, Qt.Key_1)
    select_text(w, "Uzbekistan hosted talks")
    press(qtbot, w, Qt.Key_3)  # the ACTOR inside makes way for the AGREEMENT
    u = PLAIN_TEXT.index("Uzbekistan")
    assert human(store, ids[2]) == [(u, u + 23, "AGREEMENT")]
    press(qtbot, w, Qt.Key_Z, Qt.ControlModifier)
    assert human(store, ids[2]) == [(u, u + 10, "ACTOR")]
    assert w.undo_stack.undoText() == "Mark ACTOR"
    press(qtbot, w, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert human(store, ids[2]) == [(u, u + 23, "AGREEMENT")]
    w.close()


def test_every_key_press_is_in_the_file_at_once(qtbot, project, settings):
    store, ids = project
    w = make_window(qtbot, store, settings)
    w.show_article(ids[0])
    select_text(w, "Kabul")
    press(qtbot, w, Qt.Key_1)
    with Store(store.path) as other:  # another connection, as after a crash: nothing pending
        assert [(s.start, s.end, s.label) for s in other.spans(ids[0], "ana")] == [(0, 5, "ACTOR")]
    w.close()


def test_undo_after_moving_on_goes_back_to_the_article(qtbot, project, settings):
    store, ids = project
    w = make_window(qtbot, store, settings)
    w.show_article(ids[0])
    select_text(w, "Tashkent")
    press(qtbot, w, Qt.Key_1)
    press(qtbot, w, Qt.Key_N)
    assert w.article_id == ids[1]
    press(qtbot, w, Qt.Key_Z, Qt.ControlModifier)
    assert w.article_id == ids[0] and human(store, ids[0]) == []
    assert w.list_model.row(0).span_count == 0
    w.close()


def test_click_on_a_span_selects_it_and_delete_removes_it(qtbot, project, settings):
    store, ids = project
    w = make_window(qtbot, store, settings)
    w.show_article(ids[1])
    select_text(w, "Taliban")
    press(qtbot, w, Qt.Key_1)
    press(qtbot, w, Qt.Key_Escape)
    assert w.selected_key is None
    cursor = w.view.textCursor()
    cursor.setPosition(store.article(ids[1]).text.index("Taliban") + 3)
    point = w.view.cursorRect(cursor).center()
    qtbot.mouseClick(w.view.viewport(), Qt.LeftButton, pos=point)
    [span] = store.spans(ids[1], "ana")
    assert w.selected_key == span.uuid
    assert w.side.editors["kind"].isEnabled()  # the ACTOR's attributes can be edited
    press(qtbot, w, Qt.Key_Delete)
    assert human(store, ids[1]) == []
    w.close()


def test_side_panel_row_jumps_to_its_span(qtbot, project, settings):
    store, ids = project
    w = make_window(qtbot, store, settings)
    text = store.article(ids[2]).text
    for word in ("Russia", "Tashkent"):
        s = text.index(word)
        store.add_span(ids[2], "ana", s, s + len(word), "ACTOR")
    w.show_article(ids[2])
    table = w.side.table
    row = next(
        i for i in range(w.side.model.rowCount()) if w.side.model.index(i, 1).data() == "Tashkent"
    )
    rect = table.visualRect(w.side.model.index(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=rect.center())
    chosen = w.selected_item()
    assert text[chosen.start : chosen.end] == "Tashkent"
    assert w.view.textCursor().position() == text.index("Tashkent")
    w.close()


def test_arrow_keys_in_the_article_list_open_articles(qtbot, project, settings):
    store, ids = project
    w = make_window(qtbot, store, settings)
    w.show_article(ids[0])
    w.list_view.setFocus()
    qtbot.keyClick(w.list_view, Qt.Key_Down)
    assert w.article_id == ids[1]
    assert w.title_label.text().count("Two") == 1
    w.close()


def test_import_of_a_folder_can_be_cancelled_and_keeps_what_was_read(
    qtbot, project, settings, tmp_path
):
    store, _ = project
    folder = tmp_path / "in"
    folder.mkdir()
    n = 2000
    for i in range(n):
        (folder / f"a{i:04}.txt").write_text(
            f"Article {i}: Kabul and Tehran met on day {i}.", encoding="utf-8"
        )
    w = make_window(qtbot, store, settings)
    job = w.import_paths([str(folder)])
    # the user presses the progress dialog's Cancel as soon as the bar moves
    cancel_button = job.dialog.findChild(QPushButton)
    job.progressed.connect(lambda *_: cancel_button.click(), Qt.QueuedConnection)
    qtbot.waitUntil(job.done.is_set, timeout=60000)
    qtbot.waitUntil(lambda: "Import cancelled" in w.statusBar().currentMessage(), timeout=10000)
    imported = store.article_count() - 3
    assert 0 < imported < n
    assert len(w.list_model.ids) == imported + 3
    for aid in store.article_ids()[3:]:  # each file whole or not at all
        assert store.article(aid).text.startswith("Article ")
    assert not isValid(job.dialog) or not job.dialog.isVisible()
    w.close()


def test_cancelled_export_writes_nothing_and_says_so_quietly(qtbot, project, settings, tmp_path):
    store, ids = project
    store.import_articles(
        [ArticleIn(text=f"Kabul and Tehran met on day {i}.") for i in range(3000)], None
    )
    w = make_window(qtbot, store, settings)
    out = tmp_path / "out.jsonl"
    job = w.export_to(str(out))
    cancel_button = job.dialog.findChild(QPushButton)
    job.progressed.connect(lambda *_: cancel_button.click(), Qt.QueuedConnection)
    qtbot.waitUntil(job.done.is_set, timeout=60000)
    qtbot.waitUntil(lambda: "Exporting cancelled" in w.statusBar().currentMessage(), timeout=10000)
    assert not out.exists() and list(tmp_path.glob(".out.jsonl*")) == []
    assert w.errors == []  # a cancel is no error: no dialog
    w.close()


def test_open_project_and_recent_projects(qtbot, project, settings, tmp_path):
    store, ids = project
    w = make_window(qtbot, store, settings)
    other = tmp_path / "other.db"
    with Store(other) as s:
        s.add_article("Beijing accepted the credentials of the Taliban envoy.", title="Envoy")
    assert w.open_project(other)
    assert w.store.path == other and "other.db" in w.windowTitle()
    assert [w.list_model.row(i).title for i in range(len(w.list_model.ids))] == ["Envoy"]
    assert "other.db" in w.status_project.text()
    recent = [a.text() for a in w.recent_menu.actions()]
    assert recent[:2] == [str(other), str(store.path)]
    w.recent_menu.actions()[1].trigger()
    assert w.store.path == store.path and len(w.list_model.ids) == 3
    bad = tmp_path / "not-a-project.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    assert not w.open_project(bad)
    assert w.errors and w.store.path == store.path
    assert bad.read_bytes() == b"this is not sqlite" * 100
    other.unlink()  # a recent project deleted meanwhile: told, forgotten, not made anew
    next(a for a in w.recent_menu.actions() if a.text() == str(other)).trigger()
    assert not other.exists() and w.store.path == store.path
    assert str(other) not in [a.text() for a in w.recent_menu.actions()]
    w.close()


def test_help_menu_has_guidelines_and_shortcuts(qtbot, project, settings):
    store, _ = project
    w = make_window(qtbot, store, settings)
    help_actions = {a.text().replace("&", "") for a in w.menus["&Help"].actions()}
    assert {"Annotation guidelines", "Keyboard shortcuts"} <= help_actions
    qtbot.keyClick(w.view, Qt.Key_F1)
    assert w.guidelines_window.isVisible()
    first_heading = next(
        line for line in store.guidelines.splitlines() if line.startswith("#")
    ).lstrip("# ")
    assert first_heading in w.guidelines_view.toPlainText()
    w.close()


def test_accept_all_takes_the_longer_of_overlapping_suggestions(qtbot, project, settings):
    store, ids = project
    text = store.article(ids[1]).text
    t = text.index("the Taliban delegation")
    sugs = [
        Suggestion(ids[1], t + 4, t + 11, "ACTOR", {}, "m", "1"),
        Suggestion(ids[1], t, t + 22, "ACTOR", {}, "m", "1"),
        Suggestion(ids[1], 0, 6, "ACTOR", {}, "m", "1"),
    ]
    store.set_suggestions(ids[1], "m", "1", sugs)
    w = make_window(qtbot, store, settings, loader=no_spacy)
    w.show_article(ids[1])
    w.actions_by_id["accept_all"].trigger()
    assert human(store, ids[1]) == [(0, 6, "ACTOR"), (t, t + 22, "ACTOR")]
    assert len(w.suggestions) == 1  # the shorter one stays open, for the annotator to judge
    press(qtbot, w, Qt.Key_Z, Qt.ControlModifier)
    assert human(store, ids[1]) == [] and len(w.suggestions) == 3
    w.close()


def test_done_on_the_last_article_stays_and_says_so(qtbot, project, settings):
    store, ids = project
    w = make_window(qtbot, store, settings)
    w.show_article(ids[2])
    press(qtbot, w, Qt.Key_Return, Qt.ControlModifier)
    assert store.status(ids[2], "ana") == "done" and w.article_id == ids[2]
    assert "last article" in w.statusBar().currentMessage()
    assert "done 1 / 3" in w.status_progress.text()
    w.close()


def test_typing_in_fields_is_typing_not_shortcuts(qtbot, project, settings):
    store, ids = project
    w = make_window(qtbot, store, settings)
    w.search.setFocus()
    qtbot.keyClicks(w.search, "tashkent")
    qtbot.keyClick(w.search, Qt.Key_Return)  # Enter searches; it does not accept a suggestion
    qtbot.waitUntil(lambda: not w.searching.running)  # off the GUI thread
    assert w.list_model.ids == [ids[0], ids[2]]
    w.show_article(ids[1])
    select_text(w, "Taliban")
    press(qtbot, w, Qt.Key_1)
    [span] = store.spans(ids[1], "ana")
    field = w.side.editors["canonical"]
    field.setFocus()
    qtbot.keyClicks(field, "Taliban 2.0")  # "2" is a character here, not the DATE key
    qtbot.keyClick(field, Qt.Key_Return)
    assert store.span(span.uuid).label == "ACTOR"
    assert store.span(span.uuid).attrs == {"canonical": "Taliban 2.0"}
    press(qtbot, w, Qt.Key_Z, Qt.ControlModifier)
    assert store.span(span.uuid).attrs == {}
    w.close()


def test_tab_walks_spans_and_suggestions_in_text_order(qtbot, project, settings):
    store, ids = project
    text = store.article(ids[2]).text
    r, t = text.index("Russia"), text.index("Tashkent")
    store.add_span(ids[2], "ana", t, t + 8, "ACTOR")
    store.set_suggestions(ids[2], "m", "1", [Suggestion(ids[2], r, r + 6, "ACTOR", {}, "m", "1")])
    w = make_window(qtbot, store, settings, loader=no_spacy)
    w.show_article(ids[2])
    assert w.selected_item().start == r  # the suggestion, shown selected on opening
    qtbot.keyClick(w.view, Qt.Key_Tab)
    assert w.selected_item().start == t
    qtbot.keyClick(w.view, Qt.Key_Tab, Qt.ShiftModifier)
    assert w.selected_item().start == r
    w.close()
