"""Opening an older project: its upgrade runs off the GUI thread, and Cancel leaves it as it was."""

from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QProgressDialog, QPushButton
from test_gui import rules_loader

from annotator.core.model import ArticleIn
from annotator.core.store import Store, UpgradeCancelled, migrations
from annotator.gui.main_window import MainWindow

ARTICLES = 20_000


def state(path) -> tuple:
    """What an upgrade changes: the schema version, the migrations applied, the tables."""
    conn = sqlite3.connect(path)
    try:
        return (
            conn.execute("PRAGMA user_version").fetchone()[0],
            sorted(r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")),
            sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master")),
            conn.execute("SELECT count(*) FROM articles").fetchone()[0],
        )
    finally:
        conn.close()


@pytest.fixture(scope="module")
def older(tmp_path_factory):
    """A project of 20,000 articles as the release before the search index wrote it."""
    folder = tmp_path_factory.mktemp("older")
    with Store(folder / "new.db") as new:
        words = "Kabul Moscow Beijing Tashkent railway contract credentials oil lithium".split()
        new.import_articles(
            [
                ArticleIn(text=f"Article {i}. " + " ".join(words[(i + k) % 9] for k in range(150)))
                for i in range(ARTICLES)
            ],
            None,
        )
    path = folder / "old.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m009_fts")
    cols = ", ".join(f'"{c.name}"' for c in db["articles"].columns)
    db.execute(f"ATTACH DATABASE '{folder / 'new.db'}' AS new")
    db.execute(f"INSERT INTO articles({cols}) SELECT {cols} FROM new.articles")
    db.conn.commit()
    db.execute("DETACH DATABASE new")
    db.execute("PRAGMA user_version = 8")
    db.close()
    return path


@pytest.fixture
def old(older, tmp_path):
    path = tmp_path / "old.db"
    path.write_bytes(older.read_bytes())  # no connection is open on either file here
    return path


def test_a_cancelled_upgrade_writes_nothing_and_a_later_open_upgrades(old):
    before = state(old)
    assert Store.upgrade_needed(old)
    with pytest.raises(UpgradeCancelled, match="old.db: upgrade cancelled"):
        Store(old, create=False, cancelled=lambda: True)
    assert state(old) == before and Store.upgrade_needed(old)
    with Store(old, create=False) as store:
        assert store.search_count("lithium") == ARTICLES
    assert not Store.upgrade_needed(old)


def window_on(qtbot, tmp_path):
    current = Store(tmp_path / "current.db")
    current.add_article("Beijing accepted the credentials of the Taliban envoy.", title="Envoy")
    w = MainWindow(current, QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat),
                   annotator="ana", nlp_loader=rules_loader)  # fmt: skip
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.ask_open_failure = lambda message, at_start: None  # the dialog's choice: keep the current
    return w, current


def test_opening_an_older_project_upgrades_it_while_the_window_keeps_drawing(qtbot, old, tmp_path):
    w, _current = window_on(qtbot, tmp_path)
    ticks = []
    timer = QTimer(w)
    timer.timeout.connect(lambda: ticks.append(1))  # runs only while the GUI thread is free
    timer.start(1)
    assert w.open_project(old)
    timer.stop()
    assert ticks, "the upgrade ran on the GUI thread"
    assert w.store.path == old and len(w.list_model.ids) == ARTICLES
    assert not Store.upgrade_needed(old)
    w.close()


def test_cancelling_the_upgrade_keeps_the_current_project_and_the_file_as_it_was(
    qtbot, old, tmp_path
):
    w, current = window_on(qtbot, tmp_path)
    before = state(old)

    def cancel() -> None:
        for dialog in w.findChildren(QProgressDialog):
            dialog.findChild(QPushButton).click()  # its Cancel button

    QTimer.singleShot(0, cancel)
    assert not w.open_project(old)
    assert w.store is current and [w.list_model.row(0).title] == ["Envoy"]
    assert any("upgrade cancelled" in e for e in w.errors)
    assert state(old) == before
    w.close()
