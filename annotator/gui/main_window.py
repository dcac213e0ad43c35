"""The annotation workspace: article list, article view, label bar, side panel.

`MainWindow(store, settings, annotator, nlp_loader)` is constructible in a test.
Actions are declared as data in `actions.py`, background work is in `jobs.py`.
Every change goes through the undo stack (`commands.py`), is written to the
store at once, and is announced on the one `changed` signal the views follow.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import sqlite3
import time
from bisect import bisect_left, insort
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.boilerplate import spans_outside_boilerplate
from annotator.core.editing import carry_attrs, plan_mark
from annotator.core.errors import AnnotatorError
from annotator.core.formats.align import TokenIndex, tokenize
from annotator.core.model import Span, Status, Suggestion
from annotator.core.store import Store, is_busy
from annotator.gui import commands
from annotator.gui.actions import ActionSpec, action_table
from annotator.gui.article_list import ArticleListModel
from annotator.gui.article_view import ArticleView, Mark
from annotator.gui.commands import Change, suggestion_key
from annotator.gui.dialogs import tool_dialog
from annotator.gui.fonts import install_fallback
from annotator.gui.jobs import BackgroundJobs, default_loader
from annotator.gui.keys import keep_typing_keys
from annotator.gui.offsets import OffsetMap
from annotator.gui.plain import (
    PlainStatusBar,
    SafeTextBrowser,
    message_box,
    neutral,
    rich,
    set_plain,
    tip,
)
from annotator.gui.prehighlight_commands import (
    EditBoilerplate,
    EditHeader,
    RejectSuggestions,
    ask_header,
)
from annotator.gui.review import KIND_TEXT, review_banner
from annotator.gui.side_panel import SidePanel
from annotator.gui.theme import LIGHT, apply_theme, legend_html, review_legend_html

GUI_BUSY_TIMEOUT = 0.15  # seconds a key press may wait for another program's write lock
RETRY_INTERVAL_MS = 250  # then the edit waits off the key path, retried this often
WRITE_WAIT_LIMIT = 120.0  # seconds before the user is told the edit was not stored
BACKUP_MINUTES = 10  # default: a rolling backup after this many minutes with edits


def open_failure_box(parent, message: str, at_start: bool) -> tuple[QMessageBox, dict]:
    """The dialog after a project failed to open: open another, new project, keep the current one, quit."""
    box = QMessageBox(QMessageBox.Warning, "Annotator", message, QMessageBox.NoButton, parent)
    box.setTextFormat(Qt.PlainText)  # the message quotes a file name and SQLite's words
    buttons = {
        "open": box.addButton("Open another…", QMessageBox.AcceptRole),
        "new": box.addButton("New project…", QMessageBox.AcceptRole),
    }
    if not at_start:
        buttons["keep"] = box.addButton("Keep the current project", QMessageBox.RejectRole)
    buttons["quit"] = box.addButton("Quit", QMessageBox.DestructiveRole)
    box.setDefaultButton(buttons["keep" if not at_start else "open"])
    box.setEscapeButton(
        buttons["keep" if not at_start else "quit"]
    )  # Esc closes it as every dialog does
    return box, buttons


def ask_after_open_failure(parent, message: str, at_start: bool) -> str:
    """Ask (blocking: at start, before any window) what to do: "open", "new", "keep" or "quit"."""
    box, buttons = open_failure_box(parent, message, at_start)
    box.exec()
    clicked = box.clickedButton()
    return next((k for k, b in buttons.items() if b is clicked), "keep" if not at_start else "quit")


def pick_project_file(parent, kind: str) -> str | None:
    """A file dialog for File › Open ("open") or File › New ("new"); None if cancelled."""
    if kind == "new":
        path, _ = QFileDialog.getSaveFileName(
            parent, "New project", str(Path.home()), "Annotator project (*.db)"
        )
        if path and not path.endswith(".db"):
            path += ".db"
    else:
        path, _ = QFileDialog.getOpenFileName(
            parent, "Open project", str(Path.home()), "Annotator project (*.db);;All files (*)"
        )
    return path or None


class MainWindow(BackgroundJobs, QMainWindow):
    changed = Signal(
        object
    )  # a commands.Change, or an article id: the one notice every view follows

    def __init__(
        self,
        store: Store,
        settings: QSettings,
        annotator: str | None = None,
        nlp_loader: Callable[[Store], object] | None = None,
        ask_name: bool | Callable[[], str | None] = True,
    ):
        """`ask_name`: on a first start (no name given or remembered), ask for one with a dialog,
        or with this function (tests); False takes $ANNOTATOR_NAME or "annotator"."""
        install_fallback()  # before any widget: Persian and Arabic script everywhere (gui/fonts.py)
        super().__init__()
        self.settings = settings
        self.store = store
        self.nlp_loader = nlp_loader if nlp_loader is not None else default_loader
        self.pipeline = None
        self.pipeline_state = "loading…"
        self.errors: list[str] = []  # what the user was told, for tests and the log
        self.undo_stack = QUndoStack(self)
        self.article_id: int | None = None
        self.article = None
        self.tokens: TokenIndex | None = None
        self.offsets = OffsetMap("")
        self._suggestion_places: tuple[int, set] | None = None
        self._article_suggestions: tuple[tuple, dict] | None = None  # read once per article, by key
        self._settled: set | None = None  # places of suggestions settled when last loaded
        self.spans: list[Span] = []
        self.suggestions: list[Suggestion] = []
        self.selected_key: str | None = None
        self._nlp_generation = 0  # a model loaded for a project since closed is not used
        self.closed = False
        self._progress = (0, 0)  # done, total: counted when a status changes, not on every key
        self.review = None  # a review.Review while in review mode
        self.theme = LIGHT  # a gui.theme.Theme: apply_theme sets it
        # writes: an edit waiting for another program's lock, and how the user is told
        self._pending: commands.Group | None = None
        self._pending_since = 0.0
        self._stack_failure: commands.Group | None = None
        self.write_wait_limit = WRITE_WAIT_LIMIT
        self._retry = QTimer(self)
        self._retry.setInterval(RETRY_INTERVAL_MS)
        self._retry.timeout.connect(self._retry_pending)
        # dialogs a test replaces: what to do after a failed open, which file to open
        self.ask_open_failure = (
            self._ask_open_failure
        )  # returns a choice, or None when it asks later
        self.pick_project_file = lambda kind: pick_project_file(self, kind)
        self.alert = lambda message: QMessageBox.critical(
            self, "Annotator", message
        )  # blocking: used at close
        # rolling backups of the open project
        self._edited_since_backup = False
        self.backup_job = None
        self._backup_timer = QTimer(self)
        self._backup_timer.timeout.connect(self._periodic_backup)
        self.annotator = annotator or self._initial_name(ask_name)
        self._build()
        self.changed.connect(self.after_change)
        self._open_store(store)
        self._restore_settings()
        QTimer.singleShot(0, self.start_nlp)

    # -- construction ----------------------------------------------------------

    def _initial_name(self, ask: bool | Callable[[], str | None]) -> str:
        pack = self.store.setting("pack") or {}
        if pack.get("annotator"):
            return pack["annotator"]
        name = self.settings.value("annotator", "")
        if name:
            return name
        if ask:
            if callable(ask):
                name = (ask() or "").strip()
            else:
                name, ok = QInputDialog.getText(
                    None, "Who is annotating?", "Your name (saved with every span you make):"
                )
                name = name.strip() if ok else ""
            if name:
                self.settings.setValue(
                    "annotator", name
                )  # asked once; File › Change name changes it
                return name
        # not asked (a screenshot) or no answer: a name for now, nothing remembered
        return os.environ.get("ANNOTATOR_NAME") or "annotator"

    def action_table(self) -> list[ActionSpec]:
        return action_table(self.store.scheme)

    def _build(self) -> None:
        self.setWindowTitle("Annotator")
        scheme = self.store.scheme
        colors = {lab.name: lab.color for lab in scheme.labels}

        # left: filter, search, article list
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(4, 4, 4, 4)
        row = QHBoxLayout()
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("statusFilter")
        self.status_filter.addItem("All articles", "")
        for st in Status:
            self.status_filter.addItem(st.value.replace("_", " "), st.value)
        self.status_filter.setToolTip("Show only articles with this status")
        self.status_filter.currentIndexChanged.connect(lambda _i: self.refresh_list())
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("Search titles and text (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("Search in titles and texts")
        self.search.returnPressed.connect(self.refresh_list)
        keep_typing_keys(self.search)
        self.search.textChanged.connect(lambda t: t == "" and self.refresh_list())
        row.addWidget(self.status_filter)
        row.addWidget(self.search, 1)
        lv.addLayout(row)
        self.list_model = ArticleListModel(
            lambda ids: self.store.list_articles(self.annotator, ids=ids), self
        )
        self.list_view = QTableView()
        self.list_view.setObjectName("articleList")
        self.list_view.setModel(self.list_model)
        self.list_view.setSelectionBehavior(QTableView.SelectRows)
        self.list_view.setSelectionMode(QTableView.SingleSelection)
        self.list_view.verticalHeader().hide()
        self.list_view.verticalHeader().setSectionResizeMode(
            self.list_view.verticalHeader().ResizeMode.Fixed
        )
        self.list_view.verticalHeader().setDefaultSectionSize(
            self.list_view.fontMetrics().height() + 8
        )
        header = self.list_view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(36)
        self.list_view.setWordWrap(False)
        self.list_view.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.list_view.setAlternatingRowColors(True)
        self.list_view.setToolTip("Articles: click to open")
        self.list_view.clicked.connect(lambda idx: self._open_row(idx.row()))
        self.list_view.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self._open_row(cur.row())
        )
        lv.addWidget(self.list_view)

        # centre: title, label bar, article view
        centre = QWidget()
        cv = QVBoxLayout(centre)
        cv.setContentsMargins(4, 4, 4, 4)
        self.title_label = QLabel()
        self.title_label.setObjectName("articleTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setTextFormat(Qt.RichText)
        cv.addWidget(self.title_label)
        bar = QHBoxLayout()
        self.label_buttons: dict[str, QPushButton] = {}
        for lab in scheme.labels:
            b = QPushButton(neutral(f"{lab.key}  {lab.name}").replace("&", "&&"))
            b.setObjectName(f"labelButton_{lab.name}")
            b.setToolTip(tip(f"{lab.description} — press {lab.key}"))
            # the label's colour as a stripe, the same in light and dark themes
            b.setStyleSheet(
                f"QPushButton {{ border: 1px solid palette(mid); border-left: 6px solid {lab.color};"
                " border-radius: 3px; padding: 4px 12px; font-weight: 600; background: palette(button); }"
                f" QPushButton:hover {{ background: {_tint(lab.color, 40)}; }}"
                f" QPushButton:pressed {{ background: {_tint(lab.color, 90)}; }}"
            )
            b.setFocusPolicy(Qt.NoFocus)
            b.clicked.connect(lambda _c=False, n=lab.name: self.apply_label(n))
            bar.addWidget(b)
            self.label_buttons[lab.name] = b
        self.legend = QLabel("<span style='text-decoration: underline'>solid</span> = your spans, "
                             "<i>dashed</i> = suggestions")  # fmt: skip
        self.legend.setWordWrap(True)  # a narrow centre wraps the legend rather than cutting it
        self.legend.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        bar.addWidget(self.legend, 1)
        cv.addLayout(bar)
        self.review_banner = review_banner()
        cv.addWidget(self.review_banner)
        self.view = ArticleView(colors)
        self.view.markClicked.connect(self.on_mark_clicked)
        self.view.describe = self.describe_mark
        cv.addWidget(self.view, 1)

        # right: spans and attributes
        self.side = SidePanel(scheme)
        self.side.rowActivated.connect(self.select_key)
        self.side.attrsEdited.connect(self.edit_attributes)

        self.splitter = QSplitter(Qt.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(1, 1)
        # no pane squeezes another's text away: each keeps a readable width
        self.splitter.setChildrenCollapsible(False)
        metrics = self.fontMetrics()
        centre.setMinimumWidth(
            metrics.horizontalAdvance("M" * 24)
        )  # the list's and the table's: their own
        self.splitter.setSizes([330, 700, 370])
        self.setCentralWidget(self.splitter)

        # guidelines: a window of their own, so opening them squeezes neither list nor table
        self.guidelines_view = SafeTextBrowser()
        self.guidelines_view.setObjectName("guidelines")
        self.guidelines_view.setOpenExternalLinks(False)
        self.guidelines_window = tool_dialog(
            self, "Annotation guidelines", self.guidelines_view, "guidelinesWindow"
        )
        self.guidelines_window.setAttribute(Qt.WA_DeleteOnClose, False)  # opened again and again
        self.guidelines_window.finished.connect(
            lambda _r: self.actions_by_id["guidelines"].setChecked(False)
        )
        self.guidelines_window.resize(520, 640)

        # status bar
        self.setStatusBar(PlainStatusBar())
        self.status_name = QLabel()
        self.status_project = QLabel()
        self.status_progress = QLabel()
        self.status_bar = QProgressBar()
        self.status_bar.setObjectName("progressBar")
        self.status_bar.setTextVisible(False)
        self.status_bar.setFixedSize(90, 10)
        self.status_model = QLabel()
        for w in (
            self.status_name,
            self.status_project,
            self.status_progress,
            self.status_bar,
            self.status_model,
        ):
            w.setContentsMargins(6, 0, 6, 0)
            self.statusBar().addPermanentWidget(w)
        self.status_name.setToolTip(
            "Who is annotating: saved with every span (File › Change annotator name)"
        )
        self.status_progress.setToolTip("Articles you marked done, of all in the project")
        self.status_model.setToolTip("What pre-highlights the articles (Model menu)")

        self._build_actions()

    def _build_actions(self) -> None:
        self.actions_by_id: dict[str, QAction] = {}
        menus: dict[str, object] = {}
        for spec in self.action_table():
            menu = menus.get(spec.menu)
            if menu is None:
                menu = menus[spec.menu] = self.menuBar().addMenu(spec.menu)
            action = QAction(spec.text, self)
            action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
            action.setShortcutContext(Qt.WindowShortcut)
            keys = ", ".join(spec.shortcuts)
            action.setToolTip(f"{spec.tip} ({keys})")
            action.setStatusTip(spec.tip)
            action.setCheckable(spec.checkable)
            if spec.handler.startswith("label:"):
                name = spec.handler.split(":", 1)[1]
                action.triggered.connect(lambda _c=False, n=name: self.apply_label(n))
            elif spec.handler.startswith("take:"):
                i = int(spec.handler.split(":", 1)[1])
                action.triggered.connect(lambda _c=False, i=i: self.take_version(i))
            else:
                handler = getattr(self, spec.handler)
                action.triggered.connect(lambda _c=False, h=handler: h())
            menu.addAction(action)
            self.actions_by_id[spec.id] = action
            if spec.id == "open":
                self.recent_menu = menus["&File"].addMenu("Recent projects")
                self.recent_menu.setToolTip("Projects opened lately")
        self.menus = menus
        menus["&File"].setToolTipsVisible(True)
        self.undo_stack.canUndoChanged.connect(self.actions_by_id["undo"].setEnabled)
        self.undo_stack.canRedoChanged.connect(self.actions_by_id["redo"].setEnabled)
        self.actions_by_id["undo"].setEnabled(False)
        self.actions_by_id["redo"].setEnabled(False)

    # -- project -----------------------------------------------------------------

    def _open_store(self, store: Store) -> None:
        store.set_busy_timeout(GUI_BUSY_TIMEOUT)  # a busy project never freezes a key press
        self.store = store
        self.undo_stack.clear()
        self.article_id = None
        self.guidelines_view.setMarkdown(store.guidelines or "No guidelines in this project.")
        self.setWindowTitle(neutral(f"Annotator — {store.path.name}"))
        self.refresh_list()
        last = self.settings.value(self._last_article_key(), None)
        target = None
        ids = self.list_model.ids
        if last is not None and self.list_model.row_of(int(last)) is not None:
            target = int(last)
        elif self.store.setting("pack"):
            target = self._first_unfinished(ids)
        if target is None and ids:
            target = ids[0]
        if target is not None:
            self.show_article(target)
        self.update_status()
        # remembered only once it has opened: a broken file is never the next start's project
        self._remember_recent(str(Path(store.path).resolve()))
        self._start_backups()

    def _last_article_key(self) -> str:
        # a digest, not the path: QSettings reads "/" in a key as groups
        digest = hashlib.sha1(str(Path(self.store.path).resolve()).encode("utf-8")).hexdigest()[:16]
        return f"last_article/{digest}"

    def open_project(self, path: str | Path, create: bool = False) -> bool:
        """Open (or with `create`, make) a project file and switch to it.

        A file that cannot be opened (damaged, foreign, newer, not permitted)
        leaves the current project exactly as it was (title, content, store),
        is not remembered, and asks what to do: open another, make a new one,
        keep the current one, or quit.
        """
        try:
            if self._pending is not None:
                raise AnnotatorError("a change is still waiting to be stored in the current project; "
                                     "wait for it (see the status bar) before opening another")  # fmt: skip
            self._switch_to(path, create)
            return True
        except (AnnotatorError, sqlite3.Error, OSError) as exc:
            message = (
                str(exc) if isinstance(exc, AnnotatorError) else f"{path}: cannot open ({exc})"
            )
            self.errors.append(message)
            self._forget_recent(path)
        choice = self.ask_open_failure(f"{message}\n\n{self.store.path.name} stays open.", False)
        return self._after_open_failure(choice) if choice else False

    def _ask_open_failure(self, message: str, at_start: bool) -> None:
        """The window's way: a window-modal dialog that answers later, never a blocking exec()."""
        box, buttons = open_failure_box(self, message, at_start)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.buttonClicked.connect(
            lambda b: self._after_open_failure(
                next((k for k, v in buttons.items() if v is b), "keep")
            )
        )
        self.open_failure_dialog = box
        box.open()
        return None

    def _after_open_failure(self, choice: str) -> bool:
        if choice == "quit":
            self.close()
            return False
        if choice not in ("open", "new"):
            return False
        picked = self.pick_project_file(choice)
        return bool(picked) and self.open_project(picked, create=choice == "new")

    def _switch_to(self, path: str | Path, create: bool) -> None:
        store = Store(path, create=create)
        old = self.store
        old_state = (self.annotator, self.article_id)
        try:
            pack = store.setting("pack") or {}
            if pack.get("annotator") and self.review is None:
                self.annotator = pack[
                    "annotator"
                ]  # a pack says whose it is; File › name changes it
            self._open_store(store)
        except BaseException:
            # damaged inside: go back to the project that was open, as it was
            store.close()
            self.annotator = old_state[0]
            self._open_store(old)
            if old_state[1] is not None and self.list_model.row_of(old_state[1]) is not None:
                self.show_article(old_state[1])
            raise
        if old is not store:
            self._checkpoint(old)
            old.close()
        self.pipeline = None
        self.start_nlp()

    def _forget_recent(self, path: str | Path) -> None:
        gone = str(Path(path).resolve())
        self.settings.setValue("recent_projects", [p for p in self._recent() if p != gone])
        if self.settings.value("last_project", None) == gone:
            self.settings.setValue("last_project", str(Path(self.store.path).resolve()))
        self._fill_recent_menu()

    def new_project(self) -> None:
        path = self.pick_project_file("new")
        if path:
            self.open_project(path, create=True)

    def open_project_dialog(self) -> None:
        path = self.pick_project_file("open")
        if path:
            self.open_project(path)

    def _recent(self) -> list[str]:
        # type=list: QSettings gives a one-element list back as a plain string otherwise
        return [str(p) for p in self.settings.value("recent_projects", [], type=list) or []]

    def _remember_recent(self, path: str) -> None:
        recent = [path, *(p for p in self._recent() if p != path)][:8]
        self.settings.setValue("recent_projects", recent)
        self.settings.setValue("last_project", path)
        self._fill_recent_menu()

    def _fill_recent_menu(self) -> None:
        if not hasattr(self, "recent_menu"):
            return
        self.recent_menu.clear()
        for p in self._recent():
            act = self.recent_menu.addAction(neutral(p).replace("&", "&&"))
            act.setToolTip(tip(f"Open {p}"))
            act.triggered.connect(lambda _c=False, p=p: self.open_project(p))

    def rename_annotator(self) -> None:
        name, ok = QInputDialog.getText(self, "Annotator name", "Your name:", text=self.annotator)
        if ok and name.strip():
            self.set_annotator(name.strip())

    def set_annotator(self, name: str) -> None:
        self.annotator = name
        self.settings.setValue("annotator", name)
        self._reload()

    def _reload(self) -> None:
        """After a change of who is annotating (or reviewing): undo history, list and view anew."""
        self.undo_stack.clear()
        self.refresh_list()
        if self.article_id is not None:
            self.show_article(self.article_id)
        self.update_status()

    # -- list and status -----------------------------------------------------------

    def refresh_list(self) -> None:
        ids = self.store.list_article_ids(
            self.annotator,
            status=self.status_filter.currentData() or None,
            search=self.search.text().strip() or None,
        )
        if self.review is not None:
            self.list_model.extra_title = "Disagreements"
            self.list_model.extra = self.review.counts(ids)
        elif self.store.has_assignments():
            self.list_model.extra_title = "Assigned"
            self.list_model.extra = self.store.assignment_labels()
        else:
            self.list_model.extra_title, self.list_model.extra = "", {}
        self.list_model.set_ids(ids)
        # fixed widths: sizing columns to contents would measure every row of a 100,000-article project
        header = self.list_view.horizontalHeader()
        header.setSectionResizeMode(0, header.ResizeMode.Stretch)
        metrics = self.list_view.fontMetrics()
        # the extra column as wide as its longest value among the first rows, within reason
        # (longer ones elide, their tooltip has them whole): titles keep their room
        values = itertools.islice(self.list_model.extra.values(), 200)
        extra = max((str(v) for v in values), key=len, default="")
        samples = (
            "2025-05-30",
            "in progress",
            "Spans",
            max(self.list_model.extra_title, extra[:14], key=len),
        )
        for col, sample in zip(range(1, self.list_model.columnCount()), samples, strict=False):
            header.setSectionResizeMode(col, header.ResizeMode.Interactive)
            self.list_view.setColumnWidth(col, metrics.horizontalAdvance(sample) + 18)
        fixed = sum(self.list_view.columnWidth(c) for c in range(1, self.list_model.columnCount()))
        # the pane never gets so narrow that titles are cut to a letter or two
        self.list_view.parentWidget().setMinimumWidth(
            fixed + metrics.horizontalAdvance("M" * 11) + 40
        )
        self._select_list_row()
        self.update_status()

    def _select_list_row(self) -> None:
        if self.article_id is None:
            return
        row = self.list_model.row_of(self.article_id)
        if row is not None and self.list_view.currentIndex().row() != row:
            self.list_view.selectRow(row)

    def _open_row(self, row: int) -> None:
        """Clicking a row, or moving to it with the arrow keys, opens its article."""
        if 0 <= row < len(self.list_model.ids) and self.list_model.ids[row] != self.article_id:
            self.show_article(self.list_model.ids[row])

    def _first_unfinished(self, ids: list[int], after: int | None = None) -> int | None:
        """The first article in list order (after `after`, wrapping round) not done or skipped."""
        open_ = set(self.store.list_article_ids(self.annotator, status=Status.TODO))
        open_ |= set(self.store.list_article_ids(self.annotator, status=Status.IN_PROGRESS))
        start = (
            (self.list_model.row_of(after) + 1) if self.list_model.row_of(after) is not None else 0
        )
        for aid in ids[start:] + ids[:start]:
            if aid in open_ and aid != after:
                return aid
        return None

    def update_status(self, recount: bool = True) -> None:
        if recount:
            self._progress = (
                self.store.count_status(self.annotator, Status.DONE),
                self.store.article_count(),
            )
        done, total = self._progress
        who = (
            self.annotator if self.review is None else f"{self.review.reviewer} (reviewing → gold)"
        )
        set_plain(self.status_name, f"annotator: {who}")
        set_plain(self.status_project, f"project: {self.store.path.name}")
        set_plain(self.status_progress, f"done {done} / {total}")
        self.status_bar.setRange(0, max(total, 1))
        self.status_bar.setValue(done)
        model = (
            self.pipeline_state
            if self.pipeline is None
            else (
                "rules only" if getattr(self.pipeline, "rules_only", False) else self.pipeline.name
            )
        )
        set_plain(self.status_model, f"model: {model}")

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- article -----------------------------------------------------------------------

    def show_article(self, article_id: int) -> None:
        self.article_id = article_id
        self.article = self.store.article(article_id)
        self.offsets = OffsetMap(self.article.text)
        self._suggestion_places = None
        self._article_suggestions = None
        self.tokens = None  # tokenised on first need: opening stays fast
        self.selected_key = None
        self._load_marks()
        self.view.set_article(self.article.text, self._marks(), self.offsets)
        self._fill_side()
        self._show_title()
        self.settings.setValue(self._last_article_key(), article_id)
        self._select_list_row()
        self.view.setFocus()
        self._preselect_suggestion()
        self.suggest_current()
        # tokens for snapping, once per article, when the window is idle rather than on the first key
        QTimer.singleShot(150, lambda aid=article_id: self._tokenize(aid))

    def _tokenize(self, article_id: int) -> None:
        if not self.closed and self.article_id == article_id and self.tokens is None:
            self.tokens = TokenIndex(tokenize(self.article.text))

    def _show_title(self) -> None:
        meta = " · ".join(x for x in (self.article.source, self.article.published) if x)
        status = self.store.status(self.article_id, self.annotator).replace("_", " ")
        self.title_label.setText(
            f"<b style='font-size:14pt'>{rich(self.article.title or 'Untitled')}</b>"
            f"<br><span style='color:{self.theme.muted}'>{rich(meta)}{' · ' if meta else ''}{status}</span>"
        )

    def _preselect_suggestion(self) -> None:
        """With nothing selected, the first open suggestion is: Enter, A or X act on what is shown."""
        if (
            self.selected_key is None
            and self.suggestions
            and not self.view.textCursor().hasSelection()
        ):
            self.select_key(suggestion_key(self.suggestions[0]), scroll=False)

    def _load_marks(self) -> None:
        self.spans = self.store.spans(self.article_id, self.annotator)
        if self.review is not None:
            self.review.load(self.article_id)
            self.suggestions = []
            return
        self._load_suggestions()

    def _load_suggestions(self) -> None:
        """The open suggestions: the article's (read once, kept) less those you settled.

        A suggestion is settled once accepted or rejected, or when one of your spans
        has its offsets and label; a key press reads only the decisions again, not
        the article's thousands of suggestions.
        """
        model = getattr(self.pipeline, "name", None)
        if self._article_suggestions is None or self._article_suggestions[0] != (
            self.article_id,
            model,
        ):
            sugs = self.store.suggestions(self.article_id, model=model)
            if not sugs and model is not None:
                sugs = self.store.suggestions(self.article_id)
            unique: dict[tuple, Suggestion] = {}
            for s in sugs:  # several models may propose the same span: show it once
                unique.setdefault(s.key, s)
            self._article_suggestions = ((self.article_id, model), unique)
            self._settled = None
            self.boilerplate = self.store.boilerplate(self.article_id)
        settled = self.store.decided_places(self.article_id, self.annotator)
        settled |= {(s.start, s.end, s.label) for s in self.spans}
        if settled != self._settled:
            self._settled = settled
            open_ = [s for k, s in self._article_suggestions[1].items() if k not in settled]
            self.suggestions = spans_outside_boilerplate(
                open_, self.boilerplate
            )  # none in site furniture

    def _reload_suggestions(self) -> tuple[list[Suggestion], list[Suggestion]]:
        """Load the open suggestions again; (those settled meanwhile, those opened again).

        Both are found from the settled places before and after, a handful,
        rather than by comparing thousands of suggestions.
        """
        before = self._settled or set()
        self._load_suggestions()
        after = self._settled or set()
        every = self._article_suggestions[1] if self._article_suggestions else {}
        gone = [every[k] for k in after - before if k in every]
        came = [every[k] for k in before - after if k in every]
        return gone, came

    def _span_marks(self, spans: list[Span]) -> list[Mark]:
        to_qt = self.offsets.to_qt
        return [Mark(to_qt(s.start), to_qt(s.end), s.label, "span", s.uuid) for s in spans]

    def _suggestion_marks(self, suggestions: list[Suggestion] | None = None) -> list[Mark]:
        to_qt = self.offsets.to_qt
        return [
            Mark(to_qt(s.start), to_qt(s.end), s.label, "suggestion", suggestion_key(s))
            for s in (self.suggestions if suggestions is None else suggestions)
        ]

    def _marks(self) -> list[Mark]:
        marks = self._span_marks(self.spans) + self._suggestion_marks() + self._boilerplate_marks()
        if self.review is not None:
            to_qt = self.offsets.to_qt
            for g in self.review.open_groups():
                label = next((s.label for v in g.versions.values() for s in v), "")
                marks.append(Mark(to_qt(g.start), to_qt(g.end), label, g.kind, g.key))
        return marks

    def _boilerplate_marks(self) -> list[Mark]:
        to_qt = self.offsets.to_qt
        return [
            Mark(to_qt(s), to_qt(e), "", "boilerplate", f"bp:{s}:{e}")
            for s, e in getattr(self, "boilerplate", [])
        ]

    def _span_rows(self, spans: list[Span]) -> list[tuple]:
        text = self.article.text
        return [(s.start, 0, s.uuid, s.label, text[s.start : s.end], s.attrs, False) for s in spans]

    def _suggestion_rows(self, suggestions: list[Suggestion] | None = None) -> list[tuple]:
        text = self.article.text
        return [
            (s.start, 1, suggestion_key(s), s.label, text[s.start : s.end], s.attrs, True)
            for s in (self.suggestions if suggestions is None else suggestions)
        ]

    def _fill_side(self) -> None:
        rows = self._span_rows(self.spans) + self._suggestion_rows()
        if self.review is not None:
            rows += self.review.rows(self.article.text)
            self.review_banner.setText(self.review.banner_text())
        self.side.set_rows(rows)
        self._show_selected()

    def after_change(self, change: Change | int) -> None:
        """The one place views follow a change: the text, the side panel, the list row, the counts.

        A `Change` names the spans it touched, and only they are read again and
        redrawn; an article id alone means "anything in it may have changed".
        """
        if not isinstance(change, Change):
            change = Change(change, None, suggestions=True, status=True)
        if change.article_id != self.article_id:
            self.show_article(change.article_id)  # undo of a change made in another article
            self._refresh_row(change.article_id, change.status)
            return
        if change.spans is None or self.review is not None:
            self._suggestion_places = None
            self._article_suggestions = None  # new suggestions may have been stored
            self._load_marks()
            self.view.set_marks(self._marks())
            self._fill_side()
        else:
            touched = set(change.spans)
            fresh = [s for s in map(self.store.span, touched) if s.deleted_at is None]
            before = {(s.start, s.end, s.label) for s in self.spans if s.uuid in touched}
            spans = [s for s in self.spans if s.uuid not in touched]
            for span in fresh:  # the list stays in text order without sorting thousands again
                insort(spans, span, key=_span_order)
            self.spans = spans
            # a span that matches a suggestion settles it; deleting the span opens it again
            after = {(s.start, s.end, s.label) for s in fresh}
            marks, rows = self._span_marks(fresh), self._span_rows(fresh)
            if change.suggestions or self._suggested_here(before | after):
                # only the suggestions that opened or settled are redrawn, not all 5,000 of them
                gone, came = self._reload_suggestions()
                touched |= {suggestion_key(s) for s in (*gone, *came)}
                marks += self._suggestion_marks(came)
                rows += self._suggestion_rows(came)
            self.view.patch_marks(touched, marks)
            self.side.patch_rows(touched, rows)
        self.select_key(self.selected_key, scroll=False)
        self._show_title()
        self._refresh_row(change.article_id, change.status)

    def _suggested_here(self, places: set[tuple[int, int, str]]) -> bool:
        """Whether any suggestion for this article (open or settled) sits at one of these places."""
        if not places:
            return False
        if self._suggestion_places is None or self._suggestion_places[0] != self.article_id:
            every = self.store.suggestions(self.article_id)
            self._suggestion_places = (self.article_id, {(s.start, s.end, s.label) for s in every})
        return bool(places & self._suggestion_places[1])

    def _refresh_row(self, article_id: int, recount: bool = True) -> None:
        self.list_model.refresh(article_id)
        if self.review is not None:
            self.list_model.extra.update(self.review.counts([article_id]))
        self.update_status(recount=recount)

    # -- selection -----------------------------------------------------------------------

    def _find(self, key: str | None):
        if key is None:
            return None
        for s in self.spans:
            if s.uuid == key:
                return s
        if key.startswith("sug:"):
            # suggestions are in text order: bisect to the start instead of scanning thousands
            _sug, start, end, label = key.split(":", 3)
            start, end = int(start), int(end)
            i = bisect_left(self.suggestions, start, key=lambda g: g.start)
            while i < len(self.suggestions) and self.suggestions[i].start == start:
                g = self.suggestions[i]
                if g.end == end and g.label == label:
                    return g
                i += 1
        if self.review is not None:
            return self.review.find(key)
        return None

    def selected_item(self):
        return self._find(self.selected_key)

    def select_key(self, key: str | None, scroll: bool = True) -> None:
        item = self._find(key)
        self.selected_key = key if item is not None else None
        mark = None
        if item is not None:
            to_qt = self.offsets.to_qt
            kind = (
                "span"
                if isinstance(item, Span)
                else "suggestion"
                if isinstance(item, Suggestion)
                else item.kind
            )
            label = getattr(item, "label", None) or next(
                (s.label for v in item.versions.values() for s in v), ""
            )
            mark = Mark(to_qt(item.start), to_qt(item.end), label, kind, key)
        self.view.select_mark(mark, scroll=scroll)
        self.side.select_key(self.selected_key)
        self._show_selected()

    def _show_selected(self) -> None:
        item = self.selected_item()
        if self.review is not None and item is not None and not isinstance(item, Span | Suggestion):
            kind = KIND_TEXT.get(item.kind, item.kind)
            self.side.show_versions(
                f"Versions ({kind})", self.review.versions(item, self.article.text)
            )
        elif item is None or not isinstance(item, Span | Suggestion):
            self.side.show_attributes(None, {}, editable=False)
        else:
            self.side.show_attributes(item.label, item.attrs, editable=isinstance(item, Span))

    def describe_mark(self, mark: Mark) -> str:
        """Tooltip text: a span's label and attributes; in review, who marked what."""
        from annotator.gui.side_panel import span_details

        item = self._find(mark.key)
        if item is None:
            return mark.label
        if isinstance(item, Span | Suggestion):
            kind = (
                "suggestion (Enter accepts, X rejects)"
                if isinstance(item, Suggestion)
                else f"by {item.annotator}, {item.origin}"
            )
            return f"{item.label} · {span_details(item.attrs) or 'no attributes'}\n{kind}"
        text = self.article.text
        lines = [f"{mark.kind}:"]
        for name, spans in item.versions.items():
            marked = ", ".join(f"{s.label} “{text[s.start : s.end]}”" for s in spans) or "nothing"
            lines.append(f"{name}: {marked}")
        return "\n".join(lines)

    def on_mark_clicked(self, mark: Mark | None) -> None:
        self.select_key(mark.key if mark else None, scroll=False)

    def clear_selection(self) -> None:
        self.view.clear_selection()
        self.select_key(None)

    def _ordered_keys(self) -> list[str]:
        if self.review is not None and self.review.open_groups():
            # reviewing: Tab walks the open disagreements
            return [g.key for g in self.review.open_groups()]
        items = [(s.start, s.end, s.uuid) for s in self.spans]
        items += [(s.start, s.end, suggestion_key(s)) for s in self.suggestions]
        if self.review is not None:
            items += [(g.start, g.end, g.key) for g in self.review.open_groups()]
        return [k for _s, _e, k in sorted(items)]

    def next_mark(self, step: int = 1) -> None:
        keys = self._ordered_keys()
        if not keys:
            return
        if self.selected_key in keys:
            i = (keys.index(self.selected_key) + step) % len(keys)
        else:
            i = 0 if step > 0 else len(keys) - 1
        self.select_key(keys[i])

    def prev_mark(self) -> None:
        self.next_mark(-1)

    # -- marking -----------------------------------------------------------------------------

    def snapped_selection(self) -> tuple[int, int] | None:
        """The text selection in code points, grown to whole tokens and trimmed of spaces."""
        rng = self.view.selection_range()
        if rng is None or self.article is None:
            return None
        start, end = rng
        text = self.article.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end:
            return None
        self._tokenize(self.article_id)
        return self.tokens.snap(text, start, end)

    def apply_label(self, label: str) -> None:
        """The label key: mark the selection, relabel a span, or accept a suggestion as label."""
        if self.article_id is None:
            return
        rng = self.snapped_selection()
        if rng is not None:
            start, end = rng
            self.view.clear_selection()
            self._mark(start, end, label)
            return
        item = self.selected_item()
        if isinstance(item, Span) and item.label != label:
            attrs = carry_attrs(item.attrs, item.label, label, self.store.scheme)
            self._push(
                f"Relabel {label}", [commands.EditSpan(self, item, "", label=label, attrs=attrs)]
            )
        elif isinstance(item, Suggestion):
            self._accept([item], label=label)

    def _mark(self, start: int, end: int, label: str) -> None:
        """Mark a range: the rule in `core.editing` says what it replaces, keeps or accepts."""
        plan = plan_mark(start, end, label, self.spans, self.suggestions, self.store.scheme)
        if plan.existing is not None:
            self.select_key(plan.existing.uuid, scroll=False)
            return
        steps = [commands.RemoveSpan(self, s) for s in plan.remove]
        if plan.accept is not None:
            steps.append(
                commands.AcceptSuggestions(self, [plan.accept], label=label, attrs=plan.attrs)
            )
        elif plan.relabel is not None:
            steps.append(commands.EditSpan(self, plan.relabel, "", label=label, attrs=plan.attrs))
        else:
            steps.append(commands.AddSpan(self, start, end, label, plan.attrs))
        self._push(f"Mark {label}", steps)

    def _push(self, text: str, steps: list) -> bool:
        """One user action is one undo step and one transaction, however many writes it makes.

        It goes on the undo stack only once stored. If another program holds the
        write lock, the edit waits off the key path (retried by a timer, shown in
        the status bar) and is stored when the lock frees, or the user is told it
        was not; any other failure is a dialog naming the file.
        """
        if self._refuse_while_pending(text):
            return False
        group = commands.Group(self, text, steps)
        try:
            group.store()
        except commands.WriteFailed as exc:
            if not exc.busy:
                self._write_failed(text, str(exc))
                return False
            self._pending, self._pending_since = group, time.monotonic()
            self._show_waiting()
            self._retry.start()
            return False
        self._stored(group)
        return True

    def _stored(self, group: commands.Group) -> None:
        group.skip = True  # push() calls redo(): it is stored already
        self.undo_stack.push(group)
        self._edited_since_backup = True

    def _refuse_while_pending(self, what: str) -> bool:
        if self._pending is None:
            return False
        QApplication.beep()
        self.statusBar().showMessage(
            f"“{what}” not done: still waiting to store “{self._pending.text()}” in "
            f"{self.store.path.name} (locked by another program)…", 5000,
        )  # fmt: skip
        return True

    def _show_waiting(self) -> None:
        waited = int(time.monotonic() - self._pending_since)
        self.statusBar().showMessage(
            f"Waiting for {self.store.path.name} (locked by another program)… "
            f"“{self._pending.text()}” is kept and stored when it is free"
            + (f" ({waited} s)" if waited else "")
        )

    def _retry_pending(self) -> None:
        group = self._pending
        if group is None:
            self._retry.stop()
            return
        try:
            group.store()
        except commands.WriteFailed as exc:
            if exc.busy and time.monotonic() - self._pending_since < self.write_wait_limit:
                self._show_waiting()
                return
            self._pending = None
            self._retry.stop()
            self.statusBar().clearMessage()
            reason = (f"{self.store.path} stayed locked by another program for "
                      f"{int(time.monotonic() - self._pending_since)} s" if exc.busy else str(exc))  # fmt: skip
            self._write_failed(group.text(), reason)
            return
        self._pending = None
        self._retry.stop()
        self._stored(group)
        self.statusBar().showMessage(
            f"Stored “{group.text()}”: {self.store.path.name} is free again", 5000
        )

    def _direct_write(self, what: str, write: Callable[[], object]) -> object:
        """A write outside the undo stack (adjudication): a failure is shown, never only printed."""
        if self._refuse_while_pending(what):
            return None
        try:
            with self.store.transaction():  # all of it or nothing
                return write()
        except (sqlite3.Error, AnnotatorError, OSError) as exc:
            if self.article_id is not None:
                self.changed.emit(self.article_id)  # redraw from what is stored
            if isinstance(exc, sqlite3.Error) and is_busy(exc):
                self._say_locked(f"“{what}”")
            else:
                self._write_failed(what, str(exc))
            return None

    def _say_locked(self, what: str) -> None:
        QApplication.beep()
        self.statusBar().showMessage(
            f"{what} not done: {self.store.path.name} is locked by another program; "
            "nothing changed, try again in a moment", 8000,
        )  # fmt: skip

    def _write_failed(self, what: str, reason: str) -> None:
        self.report_error(
            f"Your change “{what}” could not be saved to {self.store.path}:\n{reason}\n\n"
            "It was not made: the project is as it was before it."
        )

    def _stack_step(self, forward: bool) -> None:
        """Undo or redo; if it cannot be written, the stack and the file stay as they were."""
        what = "Redo" if forward else "Undo"
        if self._refuse_while_pending(what):
            return
        self._stack_failure = None
        text = self.undo_stack.redoText() if forward else self.undo_stack.undoText()
        (self.undo_stack.redo if forward else self.undo_stack.undo)()
        failed, self._stack_failure = self._stack_failure, None
        if failed is None:
            self._edited_since_backup = True
            return
        failed.skip = True  # move the index back without writing
        (self.undo_stack.undo if forward else self.undo_stack.redo)()
        if failed.failure.busy:
            self._say_locked(f"{what} of “{text}”")
        else:
            self._write_failed(f"{what} {text}", str(failed.failure))

    def _make_way(self, start: int, end: int, label: str) -> list:
        """Spans never overlap unless the scheme allows it: overlapping ones make way."""
        scheme = self.store.scheme
        return [
            commands.RemoveSpan(self, s)
            for s in self.spans
            if s.start < end and start < s.end and not scheme.may_overlap(s.label, label)
        ]

    def delete_selected(self) -> None:
        item = self.selected_item()
        if isinstance(item, Span):
            self._push(f"Delete {item.label}", [commands.RemoveSpan(self, item)])
        elif isinstance(item, Suggestion):
            self.reject_selected()

    def _target_suggestion(self) -> Suggestion | None:
        """The selected suggestion, else the next one after the selected span or the cursor."""
        item = self.selected_item()
        if isinstance(item, Suggestion):
            return item
        if not self.suggestions:
            return None
        if item is not None:
            after = item.start + 1
        else:
            after = self.offsets.from_qt(self.view.textCursor().selectionStart())
        return next((s for s in self.suggestions if s.start >= after), self.suggestions[0])

    def _accept(self, suggestions: list[Suggestion], label: str | None = None) -> None:
        steps, seen = [], set()
        for sug in suggestions:
            for step in self._make_way(sug.start, sug.end, label or sug.label):
                if step.uuid not in seen:
                    seen.add(step.uuid)
                    steps.append(step)
        n = len(suggestions)
        steps.append(commands.AcceptSuggestions(self, suggestions, label=label))
        self._push("Accept suggestion" if n == 1 else f"Accept {n} suggestions", steps)

    def accept_selected(self) -> None:
        """Enter or A: accept the selected suggestion (or the next one), then select the following one."""
        sug = self._target_suggestion()
        if sug is None:
            self.statusBar().showMessage("No open suggestions in this article", 3000)
            return
        self._accept([sug])
        self._select_next_suggestion(sug.start)

    def reject_selected(self) -> None:
        """X: reject the selected suggestion (or the next one), then select the following one."""
        sug = self._target_suggestion()
        if sug is None:
            self.statusBar().showMessage("No open suggestions in this article", 3000)
            return
        self._push("Reject suggestion", [commands.RejectSuggestion(self, sug)])
        self._select_next_suggestion(sug.start)

    def _select_next_suggestion(self, after: int) -> None:
        i = bisect_left(self.suggestions, after, key=lambda s: s.start)  # in text order
        if i < len(self.suggestions):
            self.select_key(suggestion_key(self.suggestions[i]))

    def accept_all(self) -> None:
        """Accept every open suggestion that fits: none over your spans, none over another accepted one."""
        scheme = self.store.scheme
        taken = [(s.start, s.end, s.label) for s in self.spans]
        chosen = []
        # longest first where suggestions overlap: "Russia's Supreme Court" rather than "Russia"
        for sug in sorted(self.suggestions, key=lambda s: (s.start, -(s.end - s.start))):
            if any(
                a < sug.end and sug.start < b and not scheme.may_overlap(lab, sug.label)
                for a, b, lab in taken
            ):
                continue
            chosen.append(sug)
            taken.append((sug.start, sug.end, sug.label))
        if chosen:
            self._push(
                f"Accept {len(chosen)} suggestions", [commands.AcceptSuggestions(self, chosen)]
            )
        left = len(self.suggestions)
        self.statusBar().showMessage(
            f"Accepted {len(chosen)} suggestion(s)"
            + (f"; {left} overlap your spans and stay open" if left else ""),
            5000,
        )

    def edit_attributes(self, attrs: dict) -> None:
        item = self.selected_item()
        if isinstance(item, Span) and attrs != item.attrs:
            self._push("Edit attributes", [commands.EditSpan(self, item, "", attrs=attrs)])

    # -- pre-highlighting context: boilerplate, rejections in a selection, title and date (#16) --

    ask_header = staticmethod(ask_header)  # tests put a function of their own here

    def toggle_boilerplate(self) -> None:
        """B: mark the selection as boilerplate, or unmark it when it is boilerplate already."""
        rng = self.view.selection_range() if self.article_id is not None else None
        if rng is None or rng[0] >= rng[1]:
            self.statusBar().showMessage("Select the text to mark or unmark as boilerplate", 3000)
            return
        start, end = rng
        inside = any(s <= start and end <= e for s, e in self.store.boilerplate(self.article_id))
        self.view.clear_selection()
        self._push("Unmark boilerplate" if inside else "Mark boilerplate",
                   [EditBoilerplate(self, start, end, mark=not inside)])  # fmt: skip

    def reject_in_selection(self) -> None:
        """Shift+X: reject every open suggestion that touches the selection, as one step."""
        rng = self.view.selection_range() if self.article_id is not None else None
        if rng is None:
            self.statusBar().showMessage("Select the text whose suggestions to reject", 3000)
            return
        start, end = rng
        chosen = [s for s in self.suggestions if s.start < end and start < s.end]
        if not chosen:
            self.statusBar().showMessage("No open suggestions in the selection", 3000)
            return
        self.view.clear_selection()
        self._push(f"Reject {len(chosen)} suggestion(s)", [RejectSuggestions(self, chosen)])

    def edit_header_dialog(self) -> None:
        """Article › Edit title and date: the publication date re-resolves the relative dates."""
        if self.article_id is None:
            return
        before = (self.article.title, self.article.published)
        answer = self.ask_header(self, *before)
        if answer is None or tuple(answer) == before:
            return
        from annotator.core.dates import parse_published

        if answer[1] and parse_published(answer[1]) is None:
            self.report_error(
                f"Not a date: {answer[1]!r}. Write the publication date as YYYY-MM-DD."
            )
            return
        self._push("Edit title and date", [EditHeader(self, before, tuple(answer))])

    def header_changed(self, article_id: int) -> None:
        if article_id == self.article_id:
            self.article = self.store.article(article_id)
        self.changed.emit(Change(article_id, None, suggestions=True))

    def undo(self) -> None:
        self._stack_step(forward=False)

    def redo(self) -> None:
        self._stack_step(forward=True)

    # -- navigation -----------------------------------------------------------------------------

    def _neighbour(self, step: int) -> int | None:
        ids = self.list_model.ids
        if not ids:
            return None
        row = self.list_model.row_of(self.article_id)
        if row is None:
            return ids[0]
        j = row + step
        return ids[j] if 0 <= j < len(ids) else None

    def next_article(self) -> None:
        target = self._neighbour(1)
        if target is not None:
            self.show_article(target)
        else:
            self.statusBar().showMessage("This is the last article in the list", 3000)

    def prev_article(self) -> None:
        target = self._neighbour(-1)
        if target is not None:
            self.show_article(target)
        else:
            self.statusBar().showMessage("This is the first article in the list", 3000)

    def done_and_next(self) -> None:
        self._status_and_next(Status.DONE)

    def skip_and_next(self) -> None:
        self._status_and_next(Status.SKIPPED)

    def _status_and_next(self, status: str) -> None:
        if self.article_id is None:
            return
        self._push(f"Mark {status.replace('_', ' ')}", [commands.SetStatus(self, str(status))])
        self.next_article()

    def next_unfinished(self) -> None:
        target = self._first_unfinished(self.list_model.ids, after=self.article_id)
        if target is not None:
            self.show_article(target)
        else:
            self.statusBar().showMessage("Every article in the list is done or skipped", 5000)

    # -- review mode -----------------------------------------------------------------------------

    def toggle_review(self) -> None:
        if self.review is not None:
            self.leave_review()
            return
        from annotator.core.model import GOLD
        from annotator.core.model import Status as St

        judged = sorted(
            {n for (_a, n), st in self.store.all_statuses().items() if st == St.DONE and n != GOLD}
        )
        default = ",".join(judged)
        names, ok = QInputDialog.getText(
            self, "Review", "Annotators to compare (comma-separated):", text=default
        )
        if ok and names.strip():
            self.enter_review([n.strip() for n in names.split(",") if n.strip()])
        else:
            self.actions_by_id["review"].setChecked(False)

    def enter_review(self, annotators: list[str]) -> None:
        from annotator.core.model import GOLD
        from annotator.gui.review import Review

        self.review = Review(self, annotators, reviewer=self.annotator)
        self._annotator_before_review = self.annotator
        self.annotator = GOLD  # edits in review mode are the gold version
        self.actions_by_id["review"].setChecked(True)
        self.review_banner.show()
        self.legend.setText(
            review_legend_html(self.theme, self.view.highlighter.review_colors, annotators)
        )
        self._reload()

    def leave_review(self) -> None:
        self.annotator = self._annotator_before_review
        self.review = None
        self.review_banner.hide()
        self.actions_by_id["review"].setChecked(False)
        self.legend.setText(legend_html(self.theme))
        self._reload()

    def take_version(self, index: int) -> None:
        if self.review is None:
            self.statusBar().showMessage(
                f"Alt+{index + 1} takes an annotator's version in review mode (Ctrl+R)", 5000
            )
        else:
            self._direct_write("Take version", lambda: self.review.take(index))

    def accept_agreed(self) -> None:
        if self.review is not None:
            n = self._direct_write("Accept all agreed", self.review.accept_agreed)
            if n is not None:
                self.statusBar().showMessage(f"{n} agreed span group(s) copied into gold", 5000)

    def show_dashboard(self) -> object:
        from annotator.core.agreement import agreement
        from annotator.gui.review import dashboard

        path = self.store.path
        names = self.review.annotators if self.review is not None else None
        colors = {lab.name: lab.color for lab in self.store.scheme.labels}

        def work(job):
            with Store(path, create=False) as store:
                return agreement(store, names)

        def done(result):
            self.dashboard_dialog = dashboard(self, result, colors)
            self.dashboard_dialog.show()

        return self._long_job("Computing agreement", work, done)

    def show_assign(self):
        from annotator.gui.assign_dialog import AssignDialog

        self.assign_dialog = AssignDialog(self)
        self.assign_dialog.show()
        return self.assign_dialog

    # -- messages, help, theme -------------------------------------------------------------------

    def report_error(self, message: str) -> None:
        self.errors.append(message)
        box = message_box(QMessageBox.Warning, "Annotator", message, QMessageBox.Ok, self)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()  # window-modal, never a blocking exec()

    def show_shortcuts(self) -> QWidget:
        """Help › Keyboard shortcuts: every action of the table, by menu, with all its keys."""
        specs = self.action_table()
        table = QTableWidget(len(specs), 3)
        table.setObjectName("shortcutsTable")
        table.setHorizontalHeaderLabels(["Menu", "Action", "Keys"])
        bold = table.font()
        bold.setBold(True)
        for i, spec in enumerate(specs):
            keys = ", ".join(
                QKeySequence(k).toString(QKeySequence.NativeText) for k in spec.shortcuts
            )
            cells = (spec.menu.replace("&", ""), spec.text.replace("&", "").rstrip("…"), keys)
            for j, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setToolTip(spec.tip)
                if j == 2:
                    item.setFont(bold)
                table.setItem(i, j, item)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.setSelectionBehavior(QTableWidget.SelectRows)
        table.setEditTriggers(QTableWidget.NoEditTriggers)
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        dialog = tool_dialog(self, "Keyboard shortcuts", table, "shortcutsWindow")
        dialog.resize(640, 700)
        dialog.show()
        self.shortcuts_window = dialog
        return dialog

    def show_about(self) -> QMessageBox:
        from annotator import __version__

        box = message_box(QMessageBox.Information, "About Annotator",
                          f"Annotator {__version__}\nProject: {self.store.path}\nAnnotator: {self.annotator}",
                          QMessageBox.Close, self)  # fmt: skip
        box.setObjectName("aboutBox")
        box.setEscapeButton(QMessageBox.Close)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()
        self.about_box = box
        return box

    def toggle_guidelines(self) -> None:
        if self.guidelines_window.isVisible():
            self.guidelines_window.close()
        else:
            if not self.guidelines_window.property("placed"):
                # beside the window's right edge where the screen allows, never over the text
                geo = self.frameGeometry()
                self.guidelines_window.move(
                    geo.right() - self.guidelines_window.width() - 20, geo.top() + 60
                )
                self.guidelines_window.setProperty("placed", True)
            self.guidelines_window.show()
            self.guidelines_window.raise_()
        self.actions_by_id["guidelines"].setChecked(self.guidelines_window.isVisible())

    def toggle_theme(self) -> None:
        dark = self.settings.value("theme", "light") != "dark"
        self.apply_theme("dark" if dark else "light")

    def apply_theme(self, theme: str) -> None:
        apply_theme(self, theme)  # gui/theme.py: every colour that carries text, readable in both
        self.settings.setValue("theme", theme)
        self.actions_by_id["dark"].setChecked(theme == "dark")

    # -- settings ------------------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        geometry = self.settings.value("geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(geometry)
        else:
            self.resize(1380, 860)
        state = self.settings.value("splitter")
        if isinstance(state, QByteArray | bytes):
            self.splitter.restoreState(state)
        self.apply_theme(self.settings.value("theme", "light"))

    def save_settings(self) -> None:
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("splitter", self.splitter.saveState())
        self.settings.setValue("last_project", str(Path(self.store.path).resolve()))
        self.settings.sync()

    def closeEvent(self, event):  # noqa: N802
        if self._pending is not None:
            # a last, longer try for the edit still waiting; if it fails the user hears it
            self._retry.stop()
            group, self._pending = self._pending, None
            self.store.set_busy_timeout(5.0)
            try:
                group.store()
            except commands.WriteFailed as exc:
                self.errors.append(str(exc))
                self.alert(f"Your change “{group.text()}” could not be saved to {self.store.path} "
                           f"before closing: {exc}. It was not made.")  # fmt: skip
            finally:
                self.store.set_busy_timeout(GUI_BUSY_TIMEOUT)
        self.closed = True
        self._backup_timer.stop()
        self.save_settings()
        self._checkpoint(self.store)
        super().closeEvent(event)

    # -- backups, checkpoints, hand back -------------------------------------------------------

    def _checkpoint(self, store: Store) -> None:
        """Move the -wal into the project file on close, so the .db alone holds everything."""
        from annotator.core.backup import checkpoint

        try:
            checkpoint(store)
        except (
            sqlite3.Error
        ) as exc:  # busy with a reader elsewhere: the -wal stays, nothing is lost
            self.errors.append(f"checkpoint of {store.path} not done: {exc}")

    def _backup_minutes(self) -> float:
        try:
            return float(self.settings.value("backup_minutes", BACKUP_MINUTES))
        except (TypeError, ValueError):
            return float(BACKUP_MINUTES)

    def _start_backups(self) -> None:
        """A rolling backup when a project opens and every few minutes while it is edited."""
        self._edited_since_backup = False
        minutes = self._backup_minutes()
        if minutes <= 0:
            self._backup_timer.stop()
            return
        self._backup_timer.start(int(minutes * 60_000))
        self.make_backup()

    def _periodic_backup(self) -> None:
        if self._edited_since_backup:
            self.make_backup()

    def make_backup(self):
        """Back up the open project into the user data folder, off the GUI thread."""
        from annotator.core.backup import rolling_backup
        from annotator.gui.tasks import run_in_background

        path = self.store.path
        self._edited_since_backup = False

        def failed(message: str) -> None:
            if not self.closed:
                self.statusBar().showMessage(f"Backup of {path.name} failed: {message}", 15000)

        self.backup_job = run_in_background(
            lambda job: rolling_backup(path), None, failed, "backup"
        )
        return self.backup_job

    def hand_back_dialog(self) -> None:
        from datetime import date

        stem = Path(self.store.path).stem
        suggested = Path.home() / f"{stem}-{self.annotator}-{date.today().isoformat()}.db"
        out, _ = QFileDialog.getSaveFileName(
            self, "Hand back to lead", str(suggested), "Annotator project (*.db)"
        )
        if out:
            self.hand_back_to(out)

    def hand_back_to(self, out: str):
        """File › Hand back to lead: one consistent file with all the work, safe to copy now."""
        from annotator.core.backup import handback

        path = self.store.path
        if Path(out).resolve() == Path(path).resolve():
            self.report_error(f"{out} is the project itself: choose another file to hand back")
            return None

        def done(info):
            self.statusBar().showMessage(
                f"Wrote {info['out']}: {info['spans']} span(s), {info['done']} article(s) done. "
                "Send this one file to your lead.", 20000,
            )  # fmt: skip

        return self._long_job("Handing back", lambda job: handback(path, out), done)


def _tint(hex_color: str, alpha: int) -> str:
    return f"rgba({int(hex_color[1:3], 16)}, {int(hex_color[3:5], 16)}, {int(hex_color[5:7], 16)}, {alpha})"


def _span_order(s: Span) -> tuple:
    return s.start, s.end, s.label, s.uuid
