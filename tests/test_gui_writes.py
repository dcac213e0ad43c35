"""The window never loses a write silently: busy and failed writes, failed opens, backups, hand back.

A second program holding the write lock is a real SQLite connection in another
process (`BEGIN IMMEDIATE`); a failing write is a real SQLite error (a trigger
that aborts); a damaged project is a real file with a page overwritten.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run_cli
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
from test_gui import human, press, rules_loader, select_text

from annotator.core.backup import rolling_backups
from annotator.core.store import SCHEMA_VERSION, Store
from annotator.gui.main_window import MainWindow

TEXT = "Kabul and Tashkent agreed on a rail link in March. Moscow hosted the Taliban delegation."

LOCKER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=30)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
conn.close()
"""


class Locker:
    """Another program holding the project's write lock until released."""

    def __init__(self, db: Path):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", LOCKER, str(db)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout.readline().strip() == "locked"

    def release(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.write("\n")
            self.proc.stdin.flush()
            self.proc.wait(timeout=30)


@pytest.fixture
def settings(tmp_path):
    s = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    s.setValue("backup_minutes", 0)  # no rolling backups unless a test asks for them
    return s


@pytest.fixture
def project(tmp_path):
    store = Store(tmp_path / "p.db")
    ids = [
        store.add_article(TEXT, title="One")[0],
        store.add_article("Beijing signed a deal.", title="Two")[0],
    ]
    yield store, ids
    store.close()


def make_window(qtbot, store, settings) -> MainWindow:
    w = MainWindow(store, settings, annotator="ana", nlp_loader=rules_loader)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=5000)
    w.show_article(w.list_model.ids[0])
    w.articles.tokenize(
        w.article_id
    )  # the first tokenisation loads the tokenizer: not what is timed here
    return w


def mark(qtbot, w, phrase: str) -> float:
    """Select a phrase and press 1 (ACTOR); returns how long the key press took."""
    select_text(w, phrase)
    started = time.monotonic()
    press(qtbot, w, Qt.Key_1)
    return time.monotonic() - started


def dismiss_dialog(qtbot, w) -> None:
    """The user reads the dialog and clicks OK (it blocks input to the window until then)."""
    box = QApplication.activeModalWidget()
    assert box is not None, "no dialog was shown"
    box.close()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=5000)


def stored(db: Path) -> list[tuple]:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(
            'SELECT start, "end", label FROM spans WHERE deleted_at IS NULL ORDER BY start'
        ).fetchall()
    finally:
        conn.close()


# -- busy and failed writes ----------------------------------------------------------------


def test_an_edit_waits_for_the_lock_off_the_key_path_and_is_stored_when_it_frees(
    qtbot, project, settings
):
    store, ids = project
    w = make_window(qtbot, store, settings)
    before = w.undo_stack.count()
    locker = Locker(store.path)
    try:
        took = mark(qtbot, w, "Kabul")
        assert took < 1.0  # the window's busy timeout is 0.15 s, not 60
        assert w.undo_stack.count() == before  # not stored, so not undoable
        assert "Waiting for p.db (locked by another program)" in w.statusBar().currentMessage()
        assert stored(store.path) == []
        # another edit meanwhile is refused and says so, rather than queued on a stale view
        mark(qtbot, w, "Moscow")
        assert "not done: still waiting" in w.statusBar().currentMessage()
        time.sleep(0.6)
        qtbot.wait(300)  # the retry timer runs; the lock is still held
        assert stored(store.path) == [] and w.writes.pending is not None
    finally:
        locker.release()
    qtbot.waitUntil(lambda: w.writes.pending is None, timeout=10000)
    start = TEXT.index("Kabul")
    assert stored(store.path) == [(start, start + 5, "ACTOR")]
    assert w.undo_stack.count() == before + 1 and w.undo_stack.undoText() == "Mark ACTOR"
    assert "Stored" in w.statusBar().currentMessage()
    assert not w.errors
    w.undo()
    assert stored(store.path) == []
    w.close()


def test_an_edit_still_locked_after_the_limit_is_reported_not_stored(qtbot, project, settings):
    store, ids = project
    w = make_window(qtbot, store, settings)
    w.writes.wait_limit = 0.6
    before = w.undo_stack.count()
    locker = Locker(store.path)
    try:
        mark(qtbot, w, "Kabul")
        qtbot.waitUntil(lambda: bool(w.errors), timeout=10000)
    finally:
        locker.release()
    assert str(store.path) in w.errors[-1] and "not made" in w.errors[-1]
    assert "locked by another program" in w.errors[-1]
    assert w.undo_stack.count() == before and w.writes.pending is None
    assert stored(store.path) == [] and human(store, ids[0]) == []
    dismiss_dialog(qtbot, w)
    mark(qtbot, w, "Moscow")  # free again: editing goes on
    assert len(stored(store.path)) == 1
    w.close()


def test_a_failed_write_is_a_dialog_and_never_on_the_undo_stack(qtbot, project, settings):
    store, ids = project
    w = make_window(qtbot, store, settings)
    mark(qtbot, w, "Kabul and Tashkent")
    assert len(stored(store.path)) == 1
    steps = w.undo_stack.count()
    other = sqlite3.connect(store.path)  # another program makes every new span fail
    other.execute(
        "CREATE TRIGGER no_spans BEFORE INSERT ON spans BEGIN SELECT RAISE(ABORT, 'disk quota exceeded'); END"
    )
    other.commit()
    try:
        took = mark(
            qtbot, w, "Tashkent"
        )  # overlaps: the old span makes way, then the new one fails
        assert took < 1.0
        assert (
            w.errors and str(store.path) in w.errors[-1] and "disk quota exceeded" in w.errors[-1]
        )
        assert w.undo_stack.count() == steps  # the failed action is not an undo step
        start = TEXT.index("Kabul")
        assert stored(store.path) == [
            (start, start + len("Kabul and Tashkent"), "ACTOR")
        ]  # all or nothing
        assert [(s.start, s.end) for s in w.spans] == [(start, start + len("Kabul and Tashkent"))]
    finally:
        other.execute("DROP TRIGGER no_spans")
        other.commit()
        other.close()
    dismiss_dialog(qtbot, w)
    mark(qtbot, w, "Moscow")
    assert len(stored(store.path)) == 2 and w.undo_stack.count() == steps + 1
    w.close()


def test_undo_while_another_program_writes_changes_nothing_and_says_so(qtbot, project, settings):
    store, ids = project
    w = make_window(qtbot, store, settings)
    mark(qtbot, w, "Kabul")
    index = w.undo_stack.index()
    locker = Locker(store.path)
    try:
        started = time.monotonic()
        qtbot.keyClick(w.view, Qt.Key_Z, Qt.ControlModifier)
        assert time.monotonic() - started < 1.0
        assert (
            "not done" in w.statusBar().currentMessage()
            and "locked by another program" in w.statusBar().currentMessage()
        )
        assert w.undo_stack.index() == index and len(stored(store.path)) == 1
    finally:
        locker.release()
    qtbot.keyClick(w.view, Qt.Key_Z, Qt.ControlModifier)
    assert w.undo_stack.index() == index - 1 and stored(store.path) == []
    qtbot.keyClick(w.view, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert w.undo_stack.index() == index and len(stored(store.path)) == 1
    w.close()


# -- open failures ----------------------------------------------------------------------------


def damaged_inside(path: Path) -> Path:
    """A project whose header and schema read fine but whose articles table is garbage."""
    with Store(path) as s:
        for i in range(50):
            s.add_article(f"Article {i}: " + "Kabul and Moscow agreed. " * 40)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'articles'").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with path.open("r+b") as fh:  # no connection to it is open in this process
        fh.seek((root - 1) * size)
        fh.write(b"\xff" * size)
    return path


def foreign(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE mail (id INTEGER PRIMARY KEY, body TEXT)")
    conn.commit()
    conn.close()
    return path


def newer(path: Path) -> Path:
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize(
    "make", [damaged_inside, foreign, newer], ids=["damaged", "foreign", "newer"]
)
def test_file_open_of_a_broken_project_leaves_the_current_one_as_it_was(
    qtbot, project, settings, tmp_path, make
):
    store, ids = project
    w = make_window(qtbot, store, settings)
    mark(qtbot, w, "Kabul")
    title, rows, article = w.windowTitle(), list(w.list_model.ids), w.article_id
    last = settings.value("last_project")
    asked = []
    w.ask_open_failure = lambda message, at_start: asked.append((message, at_start)) or "keep"
    bad = make(tmp_path / "bad.db")
    assert not w.open_project(bad)
    assert asked and str(bad) in asked[0][0] and asked[0][1] is False
    assert (
        w.store is store
        and w.windowTitle() == title
        and w.list_model.ids == rows
        and w.article_id == article
    )
    assert settings.value("last_project") == last and str(bad.resolve()) not in w.project.recent()
    mark(qtbot, w, "Moscow")  # the current project still works
    assert len(stored(store.path)) == 2
    # "Open another…" from the same dialog
    good = tmp_path / "good.db"
    with Store(good) as s:
        s.add_article("Beijing accepted the credentials.", title="Good")
    w.ask_open_failure = lambda message, at_start: "open"
    w.pick_project_file = lambda kind: str(good)
    assert w.open_project(bad)
    assert w.store.path == good and "good.db" in w.windowTitle()
    assert settings.value("last_project") == str(good.resolve())
    w.close()


def test_a_broken_last_project_at_start_asks_instead_of_failing(qtbot, tmp_path):
    from annotator.gui.app import start_window

    prefs = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    prefs.setValue("backup_minutes", 0)
    bad = damaged_inside(tmp_path / "bad.db")
    prefs.setValue("last_project", str(bad.resolve()))
    asked = []

    def ask(message, at_start):
        asked.append((message, at_start))
        return "quit"

    assert start_window(prefs, None, annotator="ana", ask=ask) is None
    assert asked and asked[0][1] is True and str(bad) in asked[0][0]
    assert prefs.value("last_project") is None  # not remembered: the next start does not fail again

    prefs.setValue("last_project", str(bad.resolve()))
    fresh = tmp_path / "fresh.db"
    w = start_window(
        prefs, None, annotator="ana", ask=lambda m, s: "new", pick=lambda kind: str(fresh)
    )
    qtbot.addWidget(w)
    assert w is not None and w.store.path == fresh
    assert prefs.value("last_project") == str(fresh.resolve())
    w.close()
    w.store.close()
    # the command line: a plain start on a broken --db answers with the dialog, not "internal error"
    result = run_cli("gui", "--db", str(bad), "--screenshot", str(tmp_path / "shot.png"))
    assert "internal error" not in result.stderr and result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


# -- backups, checkpoint, hand back -------------------------------------------------------------


def test_rolling_backups_on_open_and_after_minutes_of_edits(qtbot, project, settings):
    store, ids = project
    settings.setValue("backup_minutes", 0.01)  # 0.6 s, for the test
    w = make_window(qtbot, store, settings)
    qtbot.waitUntil(lambda: len(rolling_backups(store.path)) >= 1, timeout=10000)
    first = len(rolling_backups(store.path))
    time.sleep(0.7)
    qtbot.wait(700)
    assert len(rolling_backups(store.path)) == first  # no edits: no new backup
    mark(qtbot, w, "Kabul")
    qtbot.waitUntil(lambda: len(rolling_backups(store.path)) > first, timeout=10000)
    qtbot.waitUntil(
        lambda: w.project.backup_job is None or w.project.backup_job.done.is_set(), timeout=10000
    )
    newest = rolling_backups(store.path)[-1]
    with Store(newest, readonly=True) as copy:
        assert [(s.start, s.label) for s in copy.spans(ids[0], "ana")] == [
            (TEXT.index("Kabul"), "ACTOR")
        ]
    w.close()


def test_close_checkpoints_so_the_db_alone_has_everything(qtbot, project, settings, tmp_path):
    store, ids = project
    store.conn.execute("PRAGMA wal_autocheckpoint = 0")
    w = make_window(qtbot, store, settings)
    for phrase in ("Kabul", "Tashkent", "Moscow"):
        mark(qtbot, w, phrase)
    assert Path(f"{store.path}-wal").stat().st_size > 0
    w.close()
    assert Path(f"{store.path}-wal").stat().st_size == 0
    subprocess.run(["cp", str(store.path), str(tmp_path / "copy.db")], check=True)
    assert len(stored(tmp_path / "copy.db")) == 3


def test_hand_back_while_open_has_every_span_and_merges(qtbot, project, settings, tmp_path):
    store, ids = project
    store.conn.execute("PRAGMA wal_autocheckpoint = 0")
    w = make_window(qtbot, store, settings)
    spec = next(s for s in w.action_table() if s.id == "handback")
    assert spec.menu == "&File" and spec.shortcuts and spec.tip
    taken = [k for s in w.action_table() if s.id != "handback" for k in s.shortcuts]
    assert not set(spec.shortcuts) & set(taken)  # its key does nothing else
    assert w.actions_by_id["handback"].toolTip().startswith(spec.tip)
    for phrase in ("Kabul", "Tashkent", "Moscow"):
        mark(qtbot, w, phrase)
    out = tmp_path / "back.db"
    job = w.hand_back_to(str(out))
    qtbot.waitUntil(lambda: job.done.is_set() and out.exists(), timeout=10000)
    qtbot.waitUntil(lambda: "Send this one file" in w.statusBar().currentMessage(), timeout=5000)
    lead = tmp_path / "lead.db"
    Store(lead).close()
    assert run_cli("merge", str(out), "--db", str(lead)).returncode == 0
    assert len(stored(lead)) == 3
    w.close()


def test_adjudication_while_another_program_writes_is_refused_and_said(qtbot, project, settings):
    store, ids = project
    start = TEXT.index("Kabul")
    for name, end in (("ana", start + 5), ("bob", start + len("Kabul and Tashkent"))):
        store.add_span(ids[0], name, start, end, "ACTOR")
        store.set_status(ids[0], name, "done")
    w = make_window(qtbot, store, settings)
    w.enter_review(["ana", "bob"])
    locker = Locker(store.path)
    try:
        started = time.monotonic()
        w.take_version(1)
        assert time.monotonic() - started < 1.0
        assert "not done" in w.statusBar().currentMessage()
        assert store.spans(ids[0], "gold") == []
    finally:
        locker.release()
    w.take_version(1)
    assert [(s.start, s.end) for s in store.spans(ids[0], "gold")] == [
        (start, start + len("Kabul and Tashkent"))
    ]
    w.leave_review()
    w.close()


@pytest.mark.parametrize("at_start, expected", [(False, "keep"), (True, "quit")])
def test_open_failure_dialog_closes_with_esc(qtbot, at_start, expected):
    """Esc on the failed-open question keeps the current project (or, at start, quits): never a trap."""
    from annotator.gui.main_window import open_failure_box

    box, buttons = open_failure_box(None, "x.db: not an Annotator project", at_start)
    qtbot.addWidget(box)
    box.open()
    qtbot.keyClick(box, Qt.Key_Escape)
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=2000)
    assert box.clickedButton() is buttons[expected]
