"""Every dialog of the window closes with Esc and has a Close button; the export dialog has the CLI's options."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox, QPushButton
from shiboken6 import isValid
from test_gui import project, rules_loader, settings  # noqa: F401

from annotator.core.model import GOLD
from annotator.gui.controllers.jobs import import_filter
from annotator.gui.main_window import MainWindow


@pytest.fixture
def win(qtbot, project, settings):
    store, _ids = project
    w = MainWindow(store, settings, annotator="ana", nlp_loader=rules_loader)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


def close_button(dialog) -> QPushButton:
    for box in dialog.findChildren(QDialogButtonBox):
        button = box.button(QDialogButtonBox.Close)
        if button is not None:
            return button
    if isinstance(dialog, QMessageBox):
        return dialog.button(QMessageBox.Close)
    raise AssertionError(f"{dialog.windowTitle()!r} has no Close button")


def gone(dialog) -> bool:
    return not isValid(dialog) or not dialog.isVisible()


def opened(qtbot, win, name):
    """Open a dialog as the user would (its action), return it."""
    if name == "dashboard":
        job = win.show_dashboard()
        qtbot.waitUntil(job.done.is_set, timeout=20000)
        qtbot.waitUntil(lambda: hasattr(win, "dashboard_dialog"), timeout=10000)
        return win.dashboard_dialog
    if name == "guidelines":
        win.actions_by_id["guidelines"].trigger()
        return win.guidelines_window
    action = {"shortcuts": "shortcuts", "about": "about", "assign": "assign", "export": "export"}[
        name
    ]
    before = set(map(id, win.findChildren(object)))
    win.actions_by_id[action].trigger()
    attr = {
        "shortcuts": "shortcuts_window",
        "about": "about_box",
        "assign": "assign_dialog",
        "export": "export_window",
    }
    dialog = getattr(win, attr[name])
    assert id(dialog) not in before
    return dialog


DIALOGS = ["shortcuts", "about", "guidelines", "dashboard", "assign", "export"]


@pytest.mark.parametrize("name", DIALOGS)
def test_dialog_closes_with_esc(qtbot, win, name):
    dialog = opened(qtbot, win, name)
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    # Esc where the keyboard is: the table, the text, a field of the dialog
    qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key_Escape)
    qtbot.waitUntil(lambda: gone(dialog), timeout=5000)


@pytest.mark.parametrize("name", DIALOGS)
def test_dialog_has_a_close_button_that_closes_it(qtbot, win, name):
    dialog = opened(qtbot, win, name)
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    close_button(dialog).click()
    qtbot.waitUntil(lambda: gone(dialog), timeout=5000)
    if name == "guidelines":
        assert not win.actions_by_id["guidelines"].isChecked()


def test_import_filter_lists_every_reader_suffix():
    from annotator.core.ingest import READERS

    text = import_filter()
    for suffix in READERS:
        assert f"*{suffix}" in text
    assert "*.spacy" in text


def test_export_dialog_formats_come_from_core_and_options_reach_the_export(
    qtbot,
    win,
    project,
    tmp_path,
):
    from annotator.core import exporting

    store, ids = project
    text = store.article(ids[2]).text
    store.add_span(ids[2], "ana", 0, 6, "ACTOR")
    store.set_status(ids[2], "ana", "done")
    store.add_span(ids[1], "ben", 0, 4, "ACTOR")
    store.add_span(ids[2], GOLD, 0, 6, "ACTOR")
    dialog = win.export_dialog()
    assert [dialog.format.itemData(i) for i in range(dialog.format.count())] == list(
        exporting.FORMATS
    )
    whose = [dialog.whose.itemData(i) for i in range(dialog.whose.count())]
    assert whose[:2] == [None, GOLD] and {"ana", "ben"} <= set(whose)
    # ana's done work only, in jsonl with rejected suggestions
    dialog.whose.setCurrentIndex(whose.index("ana"))
    dialog.status.setCurrentIndex(dialog.status.findData("done"))
    dialog.rejected.setChecked(True)
    out = tmp_path / "ana.jsonl"
    dialog.out.setText(str(out))
    assert dialog.options() == {"annotator": "ana", "gold": False, "status": "done",
                                "include_rejected": True, "split": None}  # fmt: skip
    job = dialog.start()
    qtbot.waitUntil(job.done.is_set, timeout=20000)
    qtbot.waitUntil(lambda: "exported" in win.statusBar().currentMessage(), timeout=10000)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["_annotator_id"], r["text"]) for r in records] == [("ana", text)]
    # gold, spaCy with a split: a folder with train and dev
    dialog = win.export_dialog()
    dialog.format.setCurrentIndex(dialog.format.findData("spacy"))
    dialog.whose.setCurrentIndex(dialog.whose.findData(GOLD))
    dialog.split.setChecked(True)
    folder = tmp_path / "gold"
    dialog.out.setText(str(folder))
    assert dialog.options()["gold"] and dialog.options()["split"] == pytest.approx(0.8)
    job = dialog.start()
    qtbot.waitUntil(job.done.is_set, timeout=60000)
    qtbot.waitUntil(lambda: (folder / "train.spacy").exists() or win.errors, timeout=10000)
    assert win.errors == [] and (folder / "train.spacy").exists()


def test_export_dialog_option_a_format_does_not_take_is_one_clear_message(qtbot, win, tmp_path):
    dialog = win.export_dialog()
    dialog.format.setCurrentIndex(dialog.format.findData("conll"))
    dialog.split.setChecked(True)
    dialog.out.setText(str(tmp_path / "x"))
    job = dialog.start()
    qtbot.waitUntil(job.done.is_set, timeout=20000)
    qtbot.waitUntil(lambda: bool(win.errors), timeout=10000)
    assert "--split" in win.errors[0] and not (tmp_path / "x").exists()


def test_a_successful_import_says_imported_not_cancelled(qtbot, win, tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Kabul and Tashkent signed a transit deal on 3 March 2025.", encoding="utf-8")
    job = win.import_paths([str(f)])
    qtbot.waitUntil(job.done.is_set, timeout=20000)
    qtbot.waitUntil(lambda: "mported" in win.statusBar().currentMessage(), timeout=10000)
    message = win.statusBar().currentMessage()
    assert message.startswith("Imported 1 article(s)") and "cancel" not in message.lower()


def test_no_two_actions_share_a_key(win):
    """A key bound twice does nothing at all in Qt (an ambiguous shortcut): each is one action's."""
    seen: dict[str, str] = {}
    for spec in win.action_table():
        for key in spec.shortcuts:
            assert key not in seen, f"{key} is both {seen[key]} and {spec.id}"
            seen[key] = spec.id
