"""The window's pre-highlighting context (#16): boilerplate greyed and marked with B,
Shift+X rejects a selection's suggestions, Article › Edit title and date — all undoable."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt

from annotator.core.nlp import RULES_ONLY, load_for_project
from annotator.core.store import Store
from annotator.gui.main_window import MainWindow

TEXT = (
    "Kabul and Tashkent agree rail deal\n"
    "Russia and China signed a mining contract last week, officials said on April 28.\n"
    "Related: Uzbekistan talks with Iran\n"
    "Iran and Pakistan held talks in March."
)


@pytest.fixture
def window(qtbot, tmp_path):
    store = Store(tmp_path / "p.db")
    store.import_articles(
        [
            __import__("annotator.core.model", fromlist=["ArticleIn"]).ArticleIn(
                text=TEXT, title="t"
            )
        ],
        None,
    )
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    w = MainWindow(
        store, settings, annotator="ana", nlp_loader=lambda s: load_for_project(s, RULES_ONLY)
    )
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.pipeline is not None, timeout=30000)
    aid = store.article_ids()[0]
    w.show_article(aid)
    qtbot.waitUntil(
        lambda: store.has_suggestions(aid, w.pipeline.name, w.pipeline.version), timeout=30000
    )
    qtbot.wait(50)
    yield w
    w.close()
    store.close()


def _select(window, phrase):
    start = window.article.text.index(phrase)
    window.view.select_range(start, start + len(phrase))
    return start, start + len(phrase)


def _texts(window):
    return {window.article.text[s.start : s.end] for s in window.suggestions}


def test_imported_boilerplate_is_greyed_and_never_suggested(window):
    related = window.article.text.index("Related:")
    assert window.store.boilerplate(window.article_id) == [
        (related, related + len("Related: Uzbekistan talks with Iran"))
    ]
    marks = [m for m in window.view.highlighter.marks if m.kind == "boilerplate"]
    assert len(marks) == 1
    fmt = window.view.highlighter._format("", "boilerplate")
    assert fmt.foreground().color().name() == "#8a8a8a"
    assert "Uzbekistan" not in _texts(window) and "Russia" in _texts(window)
    assert (
        window.view.mark_at(window.offsets.to_qt(related + 2)) is None
    )  # grey text is not a mark to click


def test_b_marks_and_unmarks_boilerplate_undoably(qtbot, window):
    store, aid = window.store, window.article_id
    before = store.boilerplate(aid)
    start, end = _select(window, "Iran and Pakistan held talks in March.")
    qtbot.keyClick(window.view, Qt.Key_B)
    assert (start, end) in store.boilerplate(aid)
    assert "Pakistan" not in _texts(window)  # its suggestions are gone from view
    qtbot.keyClick(window.view, Qt.Key_Z, Qt.ControlModifier)
    assert store.boilerplate(aid) == before and "Pakistan" in _texts(window)
    qtbot.keyClick(window.view, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert (start, end) in store.boilerplate(aid)
    _select(window, "Pakistan held")
    qtbot.keyClick(window.view, Qt.Key_B)  # inside boilerplate: unmark that part
    assert (start, end) not in store.boilerplate(aid) and len(store.boilerplate(aid)) == len(
        before
    ) + 2
    spec = {a.id: a for a in window.action_table()}
    assert spec["boilerplate"].shortcuts == ("B",) and spec["boilerplate"].tip
    assert window.actions_by_id["boilerplate"].toolTip()


def test_shift_x_rejects_every_suggestion_in_the_selection_as_one_step(qtbot, window):
    store, aid = window.store, window.article_id
    _select(window, "Russia and China signed a mining contract last week")
    qtbot.keyClick(window.view, Qt.Key_X, Qt.ShiftModifier)
    rejected = {window.article.text[r["start"] : r["end"]] for r in store.rejections(aid, "ana")}
    assert {"Russia", "China", "mining contract", "last week"} <= rejected
    assert "Kabul" not in rejected and not ({"Russia", "China"} & _texts(window))
    qtbot.keyClick(window.view, Qt.Key_Z, Qt.ControlModifier)  # one undo restores them all
    assert store.rejections(aid, "ana") == [] and {"Russia", "China"} <= _texts(window)


def test_edit_title_and_date_reresolves_and_undoes_in_one_step(qtbot, window):
    store, aid = window.store, window.article_id
    week = next(
        s for s in window.suggestions if window.article.text[s.start : s.end] == "last week"
    )
    assert week.attrs == {}
    asked = []
    window.ask_header = lambda parent, title, published: (
        asked.append((title, published)) or ("Rail deal", "2025-05-29")
    )
    qtbot.keyClick(window.view, Qt.Key_E, Qt.ControlModifier | Qt.ShiftModifier)
    assert asked == [("t", None)]
    article = store.article(aid)
    assert (article.title, article.published) == ("Rail deal", "2025-05-29")
    values = {
        window.article.text[s.start : s.end]: s.attrs.get("value") for s in window.suggestions
    }
    assert values["last week"] == "2025-W21" and values["April 28"] == "2025-04-28"
    assert "Rail deal" in window.title_label.text()
    qtbot.keyClick(window.view, Qt.Key_Z, Qt.ControlModifier)
    article = store.article(aid)
    assert (article.title, article.published) == ("t", None)
    values = {
        window.article.text[s.start : s.end]: s.attrs.get("value") for s in window.suggestions
    }
    assert values["last week"] is None and values["April 28"] == "XXXX-04-28"
    # a date that is no date: a dialog says so, nothing changes
    errors = []
    window.report_error = errors.append
    window.ask_header = lambda parent, title, published: ("x", "someday")
    window.edit_header_dialog()
    assert errors and store.article(aid).title == "t"
    assert window.actions_by_id["edit_header"].toolTip()


def test_no_two_actions_share_a_key(window):
    keys = [k for spec in window.action_table() for k in spec.shortcuts]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
