"""The workspace driven as a user would: keys, clicks, undo, navigation, background work."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from conftest import run_cli
from PySide6.QtCore import QSettings, Qt

from annotator.core.edits import Changed
from annotator.core.model import Suggestion
from annotator.core.nlp import RULES_ONLY, load_for_project
from annotator.core.store import Store
from annotator.gui.main_window import MainWindow

EMOJI_TEXT = (
    "Breaking 😀🇦🇫 news: Kabul and Moscow agreed to an exchange of ambassadors in April 2025."
)
PERSIAN_TEXT = "کابل و مسکو — تفاهم شد. Then Beijing accepted the credentials on 30 January 2024."
PLAIN_TEXT = (
    "Russia removed the Taliban from its list. Uzbekistan hosted talks in Tashkent last week."
)


def rules_loader(store):
    return load_for_project(store, RULES_ONLY)


@pytest.fixture
def project(tmp_path):
    store = Store(tmp_path / "p.db")
    ids = [
        store.add_article(text, title=title, published="2025-05-02")[0]
        for title, text in (("Emoji", EMOJI_TEXT), ("Persian", PERSIAN_TEXT), ("Plain", PLAIN_TEXT))
    ]
    yield store, ids
    store.close()


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)


@pytest.fixture
def window(qtbot, project, settings):
    store, _ids = project
    w = MainWindow(store, settings, annotator="ana", nlp_loader=rules_loader)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: w.pipeline is not None, timeout=30000)
    qtbot.waitUntil(lambda: bool(w.suggestions), timeout=30000)
    yield w
    w.close()  # before the project's store closes


def open_article(qtbot, window, article_id) -> None:
    """Show an article and wait for the worker that pre-highlights it."""
    window.show_article(article_id)
    p = window.pipeline
    qtbot.waitUntil(
        lambda: window.store.has_suggestions(article_id, p.name, p.version), timeout=30000
    )
    qtbot.wait(50)


def select_text(window, phrase: str, occurrence: int = 0) -> None:
    text = window.article.text
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(phrase, start + 1)
    window.view.select_range(start, start + len(phrase))


def press(qtbot, window, key, modifier=Qt.NoModifier) -> None:
    qtbot.keyClick(window.view, key, modifier)


def human(store, article_id, annotator="ana"):
    return [(s.start, s.end, s.label) for s in store.spans(article_id, annotator)]


def test_select_and_press_1_after_emoji_stores_code_points(qtbot, window, project):
    store, ids = project
    window.show_article(ids[0])
    select_text(window, "Moscow")
    press(qtbot, window, Qt.Key_1)
    start = EMOJI_TEXT.index("Moscow")
    assert (start, start + 6, "ACTOR") in human(store, ids[0])
    # Qt's position differs (the emoji and the flag take 2 UTF-16 units each)
    assert window.view.offsets.to_qt(start) == start + 3


def test_persian_text_before_a_span(qtbot, window, project):
    store, ids = project
    window.show_article(ids[1])
    select_text(window, "Beijing")
    press(qtbot, window, Qt.Key_1)
    select_text(window, "کابل")
    press(qtbot, window, Qt.Key_1)
    b = PERSIAN_TEXT.index("Beijing")
    k = PERSIAN_TEXT.index("کابل")
    assert set(human(store, ids[1])) == {(b, b + 7, "ACTOR"), (k, k + 4, "ACTOR")}


def test_selection_snaps_to_whole_tokens(qtbot, window, project):
    store, ids = project
    window.show_article(ids[2])
    start = PLAIN_TEXT.index("zbekist")  # part of "Uzbekistan", with no care for edges
    window.view.select_range(start, start + 4)
    press(qtbot, window, Qt.Key_1)
    u = PLAIN_TEXT.index("Uzbekistan")
    assert human(store, ids[2]) == [(u, u + 10, "ACTOR")]
    # a selection with surrounding spaces is trimmed
    t = PLAIN_TEXT.index("last week")
    window.view.select_range(t - 1, t + 10)
    press(qtbot, window, Qt.Key_2)
    assert (t, t + 9, "DATE") in human(store, ids[2])


def test_accept_reject_accept_all_undo_redo(qtbot, window, project):
    store, ids = project
    open_article(qtbot, window, ids[2])
    open_before = list(window.suggestions)
    assert len(open_before) >= 3
    first = open_before[0]
    assert window.selected_item() == first  # an opened article shows which suggestion Enter takes
    press(qtbot, window, Qt.Key_Return)
    assert human(store, ids[2]) == [(first.start, first.end, first.label)]
    span = store.spans(ids[2], "ana")[0]
    assert span.origin.startswith("model:rules@") and span.attrs == first.attrs

    second = window.selected_item()
    assert isinstance(second, Suggestion)
    press(qtbot, window, Qt.Key_X)
    assert store.rejections(ids[2], "ana")[0]["start"] == second.start
    assert second.key not in {s.key for s in window.suggestions}

    press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)  # undo the reject
    assert store.rejections(ids[2], "ana") == []
    press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)  # undo the accept
    assert human(store, ids[2]) == []
    press(qtbot, window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)  # redo accept
    assert (first.start, first.end, first.label) in human(store, ids[2])

    window.actions_by_id["accept_all"].trigger()
    assert window.suggestions == []
    assert len(human(store, ids[2])) == len(open_before)


def test_relabel_delete_and_attributes(qtbot, window, project):
    store, ids = project
    window.show_article(ids[2])
    select_text(window, "Tashkent")
    press(qtbot, window, Qt.Key_1)
    [span] = store.spans(ids[2], "ana")
    assert window.selected_key == span.uuid  # the new span is selected
    press(qtbot, window, Qt.Key_3)  # a different label key relabels
    assert store.span(span.uuid).label == "AGREEMENT"
    window.side.editors["type"].setCurrentText("DIALOGUE")
    assert store.span(span.uuid).attrs == {"type": "DIALOGUE"}
    press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    assert store.span(span.uuid).attrs == {}
    press(qtbot, window, Qt.Key_Delete)
    assert store.spans(ids[2], "ana") == []
    assert store.spans(ids[2], "ana", include_deleted=True)[0].deleted_by == "ana"
    press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    assert [s.uuid for s in store.spans(ids[2], "ana")] == [span.uuid]


def test_overlapping_span_makes_way_unless_allowed(qtbot, window, project):
    store, ids = project
    window.show_article(ids[2])
    select_text(window, "Uzbekistan")
    press(qtbot, window, Qt.Key_1)
    select_text(window, "Uzbekistan hosted talks")
    press(qtbot, window, Qt.Key_3)
    assert [s.label for s in store.spans(ids[2], "ana")] == ["AGREEMENT"]


def test_navigation_and_done(qtbot, window, project):
    store, ids = project
    window.show_article(ids[0])
    press(qtbot, window, Qt.Key_N)
    assert window.article_id == ids[1]
    press(qtbot, window, Qt.Key_P)
    assert window.article_id == ids[0]
    press(qtbot, window, Qt.Key_Right, Qt.AltModifier)
    assert window.article_id == ids[1]
    press(qtbot, window, Qt.Key_Return, Qt.ControlModifier)
    assert store.status(ids[1], "ana") == "done"
    assert window.article_id == ids[2]
    assert "done 1 / 3" in window.status_progress.text()
    press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    assert store.status(ids[1], "ana") == "todo"


def test_every_action_has_menu_shortcut_and_tooltip(window):
    specs = window.action_table()
    assert len(specs) == len(window.actions_by_id)
    in_menus = {a for m in window.menus.values() for a in m.actions()}
    for spec in specs:
        action = window.actions_by_id[spec.id]
        assert action in in_menus, spec.id
        assert action.shortcuts(), spec.id
        assert action.toolTip() and spec.tip in action.toolTip()
    help_table = window.show_shortcuts()
    assert help_table.body.rowCount() == len(specs)
    help_table.close()


def test_window_is_usable_while_a_slow_pipeline_loads(qtbot, project, settings):
    store, ids = project
    release = threading.Event()

    def slow_loader(s):
        release.wait(20)
        return rules_loader(s)

    started = time.perf_counter()
    w = MainWindow(store, settings, annotator="ana", nlp_loader=slow_loader)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=5000)
    assert time.perf_counter() - started < 5
    assert w.pipeline is None and "loading" in w.status_model.text()
    w.show_article(ids[2])
    select_text(w, "Russia")
    qtbot.keyClick(w.view, Qt.Key_1)
    assert human(store, ids[2]) == [(0, 6, "ACTOR")]  # stored before the model arrived
    release.set()
    qtbot.waitUntil(lambda: w.pipeline is not None, timeout=30000)
    qtbot.waitUntil(lambda: bool(w.suggestions), timeout=30000)
    assert "rules only" in w.status_model.text()


def test_preferences_are_remembered(qtbot, project, settings):
    store, ids = project
    w = MainWindow(store, settings, annotator="ana", nlp_loader=rules_loader)
    qtbot.addWidget(w)
    w.show()
    w.resize(1111, 777)
    w.show_article(ids[1])
    w.apply_theme("dark")
    w.close()
    assert settings.value("theme") == "dark"
    w2 = MainWindow(store, settings, annotator="ana", nlp_loader=rules_loader)
    qtbot.addWidget(w2)
    assert w2.article_id == ids[1]
    assert w2.actions_by_id["dark"].isChecked()
    assert w2.restoreGeometry(settings.value("geometry"))
    assert settings.value("splitter") is not None
    assert str(store.path) in settings.value("recent_projects")
    w2.apply_theme("light")


def test_name_comes_from_settings_or_pack(qtbot, project, settings):
    store, _ = project
    settings.setValue("annotator", "ben")
    w = MainWindow(store, settings, nlp_loader=rules_loader, ask_name=False)
    qtbot.addWidget(w)
    assert w.annotator == "ben" and "ben" in w.status_name.text()
    store.set_setting("pack", {"annotator": "cai"})
    w2 = MainWindow(store, settings, nlp_loader=rules_loader, ask_name=False)
    qtbot.addWidget(w2)
    assert w2.annotator == "cai"


def test_import_in_background_with_bad_file_reported(qtbot, window, project, tmp_path):
    store, _ = project
    good = tmp_path / "good.txt"
    good.write_text("Tehran and Kabul signed a transit agreement last month.", encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    job = window.import_paths([str(good), str(bad)])
    qtbot.waitUntil(job.done.is_set, timeout=30000)
    qtbot.waitUntil(lambda: bool(window.errors), timeout=10000)
    assert "bad.jsonl" in window.errors[-1]
    assert store.article_count() == 4
    qtbot.waitUntil(lambda: len(window.list_model.ids) == 4, timeout=10000)


def test_export_from_the_window(qtbot, window, project, tmp_path):
    store, ids = project
    window.show_article(ids[2])
    select_text(window, "Russia")
    press(qtbot, window, Qt.Key_1)
    out = tmp_path / "out.jsonl"
    job = window.export_to(str(out))
    qtbot.waitUntil(job.done.is_set, timeout=30000)
    qtbot.waitUntil(out.exists, timeout=10000)
    assert '"_annotator_id":"ana"' in out.read_text(encoding="utf-8")


def test_search_and_status_filter(qtbot, window, project):
    store, ids = project
    window.search.setText("tashkent")
    window.refresh_list()
    qtbot.waitUntil(lambda: not window.searching.running)  # searches run off the GUI thread
    assert window.list_model.ids == [ids[2]]
    window.search.setText("")
    store.set_status(ids[0], "ana", "done")
    window.status_filter.setCurrentIndex(window.status_filter.findData("done"))
    assert window.list_model.ids == [ids[0]]


def test_screenshot_command(tmp_path):
    db = tmp_path / "s.db"
    with Store(db) as store:
        store.add_article(PLAIN_TEXT, title="Plain")
    out = tmp_path / "shot.png"
    result = run_cli("gui", "--db", str(db), "--screenshot", str(out), "--article", "1")
    assert result.returncode == 0, result.stderr
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert image.width() >= 1000 and image.height() >= 600
    # the user's preferences are read (theme, name), never written by a screenshot run
    conf = Path(os.environ["XDG_CONFIG_HOME"]) / "Annotator" / "Annotator.conf"
    assert not conf.exists() or "last_project" not in conf.read_text(encoding="utf-8")
    bad = run_cli("gui", "--db", str(db), "--screenshot", str(out), "--article", "9")
    assert bad.returncode == 2 and "--article 9" in bad.stderr


def test_overlapping_spans_of_two_labels_stay_visible(qtbot, window, project):
    from PySide6.QtGui import QColor, QTextCharFormat

    store, ids = project
    window.show_article(ids[2])
    u = PLAIN_TEXT.index("Uzbekistan hosted talks")
    store.add_span(ids[2], "ana", u, u + 23, "AGREEMENT")  # imported data may overlap
    store.add_span(ids[2], "ana", u, u + 10, "ACTOR")
    window.changes.emit(Changed.everything(ids[2]))
    block = window.view.document().findBlock(window.view.offsets.to_qt(u))
    shared = [
        r for r in block.layout().formats() if r.start <= u - block.position() < r.start + r.length
    ]
    fmt = shared[-1].format
    assert fmt.underlineStyle() == QTextCharFormat.WaveUnderline
    colors = {
        QColor(lab.color).name()
        for lab in store.scheme.labels
        if lab.name in ("ACTOR", "AGREEMENT")
    }
    assert {fmt.underlineColor().name(), fmt.background().color().name()} == colors
