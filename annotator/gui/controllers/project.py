"""The open project: opening, switching, recent files, who annotates, backups, hand back, close.

A file that cannot be opened leaves the current project exactly as it was and
asks what to do; the -wal is checkpointed into the file on close; rolling
backups run off the GUI thread while the project is edited.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog, QInputDialog

from annotator.core.errors import AnnotatorError
from annotator.core.store import DatabaseError, Store
from annotator.gui.controllers.writes import GUI_BUSY_TIMEOUT
from annotator.gui.plain import neutral, tip
from annotator.gui.upgrade import upgrade_if_needed

BACKUP_MINUTES = 10  # default: a rolling backup after this many minutes with edits


class ProjectController:
    def __init__(self, window):
        """`window`: the MainWindow (store, settings, list, dialogs it asks through)."""
        self.w = window
        self.backup_job = None
        self._backup_timer = QTimer(window)
        self._backup_timer.timeout.connect(self._periodic_backup)

    def open_store(self, store: Store) -> None:
        w = self.w
        store.set_busy_timeout(GUI_BUSY_TIMEOUT)  # a busy project never freezes a key press
        w.store = store
        w.writes.stack.clear()
        w.articles.close()
        w.guidelines_view.setMarkdown(store.guidelines or "No guidelines in this project.")
        w.setWindowTitle(neutral(f"Annotator — {store.path.name}"))
        w.navigate.refresh_list()
        last = w.settings.value(self.last_article_key(), None)
        target = None
        ids = w.list_model.ids
        if last is not None and w.list_model.row_of(int(last)) is not None:
            target = int(last)
        elif store.setting("pack"):
            target = w.navigate.first_unfinished()
        if target is None and ids:
            target = ids[0]
        if target is not None:
            w.articles.show(target)
        w.navigate.update_status()
        # remembered only once it has opened: a broken file is never the next start's project
        self._remember_recent(str(Path(store.path).resolve()))
        self._start_backups()

    def last_article_key(self) -> str:
        # a digest, not the path: QSettings reads "/" in a key as groups
        digest = hashlib.sha1(str(Path(self.w.store.path).resolve()).encode("utf-8")).hexdigest()[
            :16
        ]
        return f"last_article/{digest}"

    def open_project(self, path: str | Path, create: bool = False) -> bool:
        """Open (or with `create`, make) a project file and switch to it.

        A file that cannot be opened (damaged, foreign, newer, not permitted)
        leaves the current project exactly as it was (title, content, store),
        is not remembered, and asks what to do: open another, make a new one,
        keep the current one, or quit.
        """
        w = self.w
        try:
            if w.writes.pending is not None:
                raise AnnotatorError("a change is still waiting to be stored in the current project; "
                                     "wait for it (see the status bar) before opening another")  # fmt: skip
            self._switch_to(path, create)
            return True
        except (AnnotatorError, DatabaseError, OSError) as exc:
            message = (
                str(exc) if isinstance(exc, AnnotatorError) else f"{path}: cannot open ({exc})"
            )
            w.errors.append(message)
            self._forget_recent(path)
        choice = w.ask_open_failure(f"{message}\n\n{w.store.path.name} stays open.", False)
        return self.after_open_failure(choice) if choice else False

    def after_open_failure(self, choice: str) -> bool:
        if choice == "quit":
            self.w.close()
            return False
        if choice not in ("open", "new"):
            return False
        picked = self.w.pick_project_file(choice)
        return bool(picked) and self.open_project(picked, create=choice == "new")

    def _switch_to(self, path: str | Path, create: bool) -> None:
        w = self.w
        if not create:
            upgrade_if_needed(w, path)  # an older file: off this thread, with Cancel
        store = Store(path, create=create)
        old = w.store
        old_state = (w.annotator, w.articles.article_id)
        try:
            pack = store.setting("pack") or {}
            if pack.get("annotator") and not w.review_ctl.active:
                w.annotator = pack["annotator"]  # a pack says whose it is; File › name changes it
            self.open_store(store)
        except BaseException:
            # damaged inside: go back to the project that was open, as it was
            store.close()
            w.annotator = old_state[0]
            self.open_store(old)
            if old_state[1] is not None and w.list_model.row_of(old_state[1]) is not None:
                w.articles.show(old_state[1])
            raise
        if old is not store:
            self.checkpoint(old)
            old.close()
        w.jobs.start_nlp()

    def new_project(self) -> None:
        path = self.w.pick_project_file("new")
        if path:
            self.open_project(path, create=True)

    def open_project_dialog(self) -> None:
        path = self.w.pick_project_file("open")
        if path:
            self.open_project(path)

    # -- recent projects -----------------------------------------------------------------------

    def recent(self) -> list[str]:
        # type=list: QSettings gives a one-element list back as a plain string otherwise
        return [str(p) for p in self.w.settings.value("recent_projects", [], type=list) or []]

    def _remember_recent(self, path: str) -> None:
        recent = [path, *(p for p in self.recent() if p != path)][:8]
        self.w.settings.setValue("recent_projects", recent)
        self.w.settings.setValue("last_project", path)
        self.fill_recent_menu()

    def _forget_recent(self, path: str | Path) -> None:
        gone, settings = str(Path(path).resolve()), self.w.settings
        settings.setValue("recent_projects", [p for p in self.recent() if p != gone])
        if settings.value("last_project", None) == gone:
            settings.setValue("last_project", str(Path(self.w.store.path).resolve()))
        self.fill_recent_menu()

    def fill_recent_menu(self) -> None:
        menu = getattr(self.w, "recent_menu", None)
        if menu is None:
            return
        menu.clear()
        for p in self.recent():
            act = menu.addAction(neutral(p).replace("&", "&&"))
            act.setToolTip(tip(f"Open {p}"))
            act.triggered.connect(lambda _c=False, p=p: self.open_project(p))

    # -- who annotates -------------------------------------------------------------------------

    def rename_annotator(self) -> None:
        w = self.w
        name, ok = QInputDialog.getText(w, "Annotator name", "Your name:", text=w.annotator)
        if ok and name.strip():
            self.set_annotator(name.strip())

    def set_annotator(self, name: str) -> None:
        self.w.annotator = name
        self.w.settings.setValue("annotator", name)
        self.reload()

    def reload(self) -> None:
        """After a change of who is annotating (or reviewing): undo history, list and view anew."""
        self.w.writes.stack.clear()
        self.w.navigate.refresh_list()
        self.w.articles.reload()
        self.w.navigate.update_status()

    # -- close, checkpoints, backups, hand back ------------------------------------------------

    def close(self) -> None:
        """Before the window closes: the waiting edit's last try, settings, checkpoint."""
        w = self.w
        failure = w.writes.flush()
        if failure:
            w.errors.append(failure)
            w.alert(failure)
        w.closed = True
        self._backup_timer.stop()
        w.save_settings()
        self.checkpoint(w.store)

    def checkpoint(self, store: Store) -> None:
        """Move the -wal into the project file on close, so the .db alone holds everything."""
        from annotator.core.backup import checkpoint

        try:
            checkpoint(store)
        except (
            DatabaseError
        ) as exc:  # busy with a reader elsewhere: the -wal stays, nothing is lost
            self.w.errors.append(f"checkpoint of {store.path} not done: {exc}")

    def _backup_minutes(self) -> float:
        try:
            return float(self.w.settings.value("backup_minutes", BACKUP_MINUTES))
        except (TypeError, ValueError):
            return float(BACKUP_MINUTES)

    def _start_backups(self) -> None:
        """A rolling backup when a project opens and every few minutes while it is edited."""
        self.w.writes.edited = False
        minutes = self._backup_minutes()
        if minutes <= 0:
            self._backup_timer.stop()
            return
        self._backup_timer.start(int(minutes * 60_000))
        self.make_backup()

    def _periodic_backup(self) -> None:
        if self.w.writes.edited:
            self.make_backup()

    def make_backup(self):
        """Back up the open project into the user data folder, off the GUI thread."""
        from annotator.core.backup import rolling_backup
        from annotator.gui.tasks import run_in_background

        w, path = self.w, self.w.store.path
        w.writes.edited = False

        def failed(message: str) -> None:
            if not w.closed:
                w.say(f"Backup of {path.name} failed: {message}", 15000)

        self.backup_job = run_in_background(
            lambda job: rolling_backup(path), None, failed, "backup"
        )
        return self.backup_job

    def hand_back_dialog(self) -> None:
        from datetime import date

        w = self.w
        stem = Path(w.store.path).stem
        suggested = Path.home() / f"{stem}-{w.annotator}-{date.today().isoformat()}.db"
        out, _ = QFileDialog.getSaveFileName(
            w, "Hand back to lead", str(suggested), "Annotator project (*.db)"
        )
        if out:
            self.hand_back_to(out)

    def hand_back_to(self, out: str):
        """File › Hand back to lead: one consistent file with all the work, safe to copy now."""
        from annotator.core.backup import handback

        w, path = self.w, self.w.store.path
        if Path(out).resolve() == Path(path).resolve():
            w.report_error(f"{out} is the project itself: choose another file to hand back")
            return None

        def done(info):
            w.say(f"Wrote {info['out']}: {info['spans']} span(s), {info['done']} article(s) done. "
                  "Send this one file to your lead.", 20000)  # fmt: skip

        return w.jobs.long_job("Handing back", lambda job: handback(path, out), done)
