"""The annotation workspace: article list, article view, label bar, side panel — layout and wiring.

`MainWindow(store, settings, annotator, nlp_loader)` is constructible in a test.
Actions are declared as data in `actions.py`; what they do is in small
controllers (`gui/controllers/`): the open article and its selection, the
annotation keys, review, the list and navigation, the project, background
jobs, and writes (one undo step per action). Every edit and every finished job
announces what it changed on one `Changes` notice (`gui/undo.py`) that the
views follow.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from operator import attrgetter

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
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
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import Status
from annotator.core.store import Store
from annotator.gui import heap
from annotator.gui.actions import ActionSpec, action_table
from annotator.gui.article_list import ArticleListModel
from annotator.gui.article_view import ArticleView
from annotator.gui.controllers.annotate import AnnotateController
from annotator.gui.controllers.article import ArticleController
from annotator.gui.controllers.events import EventsController
from annotator.gui.controllers.jobs import JobsController, default_loader
from annotator.gui.controllers.navigate import NavigateController
from annotator.gui.controllers.project import ProjectController
from annotator.gui.controllers.review import ReviewController
from annotator.gui.controllers.search import SearchController
from annotator.gui.controllers.writes import WritesController
from annotator.gui.dialogs import (  # noqa: F401 (app.py and tests take them from here)
    ask_after_open_failure,
    open_failure_box,
    pick_project_file,
    tool_dialog,
)
from annotator.gui.fonts import install_fallback
from annotator.gui.header_dialog import ask_header
from annotator.gui.help import about_box, shortcuts_window, toggle_beside
from annotator.gui.keys import keep_typing_keys
from annotator.gui.plain import PlainStatusBar, SafeTextBrowser, message_box, neutral, tip
from annotator.gui.review import review_banner
from annotator.gui.side_panel import SidePanel
from annotator.gui.theme import LIGHT, apply_theme
from annotator.gui.undo import Changes


def _forward(path: str):
    """A controller's attribute, reachable on the window (what app.py and tests call)."""
    get = attrgetter(path)
    return property(lambda self: get(self))


class MainWindow(QMainWindow):
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
        self.errors: list[str] = []  # what the user was told, for tests and the log
        self.closed = False
        self.theme = LIGHT  # a gui.theme.Theme: apply_theme sets it
        # dialogs a test replaces: what to do after a failed open, which file to open, a header
        self.ask_open_failure = self._ask_open_failure  # a choice, or None when it asks later
        self.pick_project_file = lambda kind: pick_project_file(self, kind)
        self.alert = lambda message: QMessageBox.critical(self, "Annotator", message)  # at close
        self.ask_header = ask_header
        # the one notice of what changed, and the controllers that act on the window
        self.changes = Changes(self)
        self.writes = WritesController(self, self.changes, lambda: self.store, self.say,
                                       self.report_error)  # fmt: skip
        self.undo_stack = self.writes.stack
        self.articles = ArticleController(self)
        self.annotate = AnnotateController(self)
        self.events = EventsController(self)
        self.review_ctl = ReviewController(self)
        self.navigate = NavigateController(self)
        self.searching = SearchController(self)
        self.project = ProjectController(self)
        self.jobs = JobsController(self, nlp_loader if nlp_loader is not None else default_loader)
        self.annotator = annotator or self._initial_name(ask_name)
        self._build()
        # the text and side panel first, then the list row and the counts
        self.changes.changed.connect(self.articles.on_changed)
        self.changes.changed.connect(self.navigate.on_changed)
        self.project.open_store(store)
        self._restore_settings()
        heap.settle()  # the window's objects: full collections no longer stall opening articles
        QTimer.singleShot(0, self.jobs.start_nlp)

    # what app.py, the benchmarks and the tests reach on the window
    article_id = _forward("articles.article_id")
    article = _forward("articles.article")
    offsets = _forward("articles.offsets")
    selected_key = _forward("articles.selected_key")
    show_article = _forward("articles.show")
    select_key = _forward("articles.select_key")
    describe_mark = _forward("articles.describe")
    pipeline = _forward("jobs.pipeline")
    import_paths = _forward("jobs.import_paths")
    export_to = _forward("jobs.export_to")
    export_dialog = _forward("jobs.export_dialog")
    open_project = _forward("project.open_project")
    hand_back_to = _forward("project.hand_back_to")
    refresh_list = _forward("navigate.refresh_list")
    select_list_row = _forward("navigate.select_list_row")
    enter_review = _forward("review_ctl.enter")
    leave_review = _forward("review_ctl.leave")
    take_version = _forward("review_ctl.take_version")
    show_dashboard = _forward("review_ctl.show_dashboard")
    edit_header_dialog = _forward("annotate.edit_header_dialog")
    undo = _forward("writes.undo")
    redo = _forward("writes.redo")

    @property
    def spans(self) -> list:
        return self.articles.session.spans if self.articles.session else []

    @property
    def suggestions(self) -> list:
        return self.articles.session.suggestions if self.articles.session else []

    @property
    def review(self) -> ReviewController | None:
        """Review mode's state while it is on, else None."""
        return self.review_ctl if self.review_ctl.active else None

    def selected_item(self):
        """The selected span, suggestion or disagreement (the core's object), or None."""
        item = self.articles.selected()
        return item.value if item is not None else None

    def clear_selection(self) -> None:
        self.view.clear_selection()
        self.articles.select_key(None)

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
        self.status_filter.currentIndexChanged.connect(lambda _i: self.navigate.refresh_list())
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("Search titles and text (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("Search in titles and texts")
        self.search.returnPressed.connect(self.navigate.refresh_list)
        keep_typing_keys(self.search)
        self.search.textChanged.connect(self.searching.typed)  # type-ahead, off the GUI thread
        self.search_cancel = QPushButton("Cancel")
        self.search_cancel.setObjectName("searchCancel")
        self.search_cancel.setToolTip("Stop the search under way (Ctrl+Shift+F)")
        self.search_cancel.clicked.connect(lambda: self.searching.cancel())
        self.search_cancel.hide()
        row.addWidget(self.status_filter)
        row.addWidget(self.search, 1)
        row.addWidget(self.search_cancel)
        lv.addLayout(row)
        self.list_model = ArticleListModel(
            lambda ids: self.store.list_articles(self.annotator, ids=ids), self
        )
        self.list_view = view = QTableView()
        view.setObjectName("articleList")
        view.setModel(self.list_model)
        view.setSelectionBehavior(QTableView.SelectRows)
        view.setSelectionMode(QTableView.SingleSelection)
        view.verticalHeader().hide()
        view.verticalHeader().setSectionResizeMode(view.verticalHeader().ResizeMode.Fixed)
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
        view.horizontalHeader().setStretchLastSection(False)
        # click a header to sort by it (View › Sort list by …): keyset pages, never every row
        view.horizontalHeader().setSectionsClickable(True)
        view.horizontalHeader().setSortIndicatorShown(True)
        view.horizontalHeader().setSortIndicator(-1, Qt.AscendingOrder)
        view.horizontalHeader().sortIndicatorChanged.connect(self.navigate.header_sort)
        view.horizontalHeader().setMinimumSectionSize(36)
        view.setWordWrap(False)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        view.setAlternatingRowColors(True)
        view.setToolTip("Articles: click to open")
        view.clicked.connect(lambda idx: self.navigate.open_row(idx.row()))
        view.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self.navigate.open_row(cur.row())
        )
        lv.addWidget(view)

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
            b.setFocusPolicy(Qt.NoFocus)  # styled by the theme: the label's colour as a stripe
            b.clicked.connect(lambda _c=False, n=lab.name: self.annotate.apply_label(n))
            bar.addWidget(b)
            self.label_buttons[lab.name] = b
        self.legend = QLabel()
        self.legend.setWordWrap(True)  # a narrow centre wraps the legend rather than cutting it
        self.legend.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        bar.addWidget(self.legend, 1)
        cv.addLayout(bar)
        self.review_banner = review_banner()
        cv.addWidget(self.review_banner)
        self.view = ArticleView(colors)
        self.view.markClicked.connect(
            lambda mark: self.articles.select_key(mark.key if mark else None, scroll=False)
        )
        self.view.describe = self.articles.describe
        cv.addWidget(self.view, 1)

        # right: spans and attributes
        self.side = SidePanel(scheme)
        self.side.rowActivated.connect(self.articles.select_key)
        self.side.attrsEdited.connect(self.annotate.edit_attributes)
        self.side.statusChosen.connect(self.events.set_status)

        self.splitter = QSplitter(Qt.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        for pane in (left, centre, self.side):
            self.splitter.addWidget(pane)
        self.splitter.setStretchFactor(1, 1)
        # no pane squeezes another's text away: each keeps a readable width
        self.splitter.setChildrenCollapsible(False)
        centre.setMinimumWidth(self.fontMetrics().horizontalAdvance("M" * 24))
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
        self._build_status_bar()
        self._build_actions()

    def _build_status_bar(self) -> None:
        self.setStatusBar(PlainStatusBar())
        self.status_name = QLabel()
        self.status_project = QLabel()
        self.status_progress = QLabel()
        self.status_bar = QProgressBar()
        self.status_bar.setObjectName("progressBar")
        self.status_bar.setTextVisible(False)
        self.status_bar.setFixedSize(90, 10)
        self.status_model = QLabel()
        for w in (self.status_name, self.status_project, self.status_progress, self.status_bar,
                  self.status_model):  # fmt: skip
            w.setContentsMargins(6, 0, 6, 0)
            self.statusBar().addPermanentWidget(w)
        self.status_name.setToolTip(
            "Who is annotating: saved with every span (File › Change annotator name)"
        )
        self.status_progress.setToolTip("Articles you marked done, of all in the project")
        self.status_model.setToolTip("What pre-highlights the articles (Model menu)")

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
            action.setToolTip(f"{spec.tip} ({', '.join(spec.shortcuts)})")
            action.setStatusTip(spec.tip)
            action.setCheckable(spec.checkable)
            handler = attrgetter(spec.handler)(self)
            action.triggered.connect(lambda _c=False, h=handler, a=spec.args: h(*a))
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
        self.actions_by_id["cancel_search"].setEnabled(False)
        self.actions_by_id["redo"].setEnabled(False)

    # -- dialogs and messages --------------------------------------------------------------------

    def _ask_open_failure(self, message: str, at_start: bool) -> None:
        """The window's way: a window-modal dialog that answers later, never a blocking exec()."""
        box, buttons = open_failure_box(self, message, at_start)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.buttonClicked.connect(
            lambda b: self.project.after_open_failure(
                next((k for k, v in buttons.items() if v is b), "keep")
            )
        )
        self.open_failure_dialog = box
        box.open()
        return None

    def say(self, message: str, ms: int = 0) -> None:
        """A line in the status bar (for `ms` milliseconds; 0: until the next)."""
        self.statusBar().showMessage(message, ms)

    def report_error(self, message: str) -> None:
        self.errors.append(message)
        box = message_box(QMessageBox.Warning, "Annotator", message, QMessageBox.Ok, self)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()  # window-modal, never a blocking exec()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def show_shortcuts(self) -> QWidget:
        self.shortcuts_window = shortcuts_window(self, self.action_table())
        return self.shortcuts_window

    def show_about(self) -> QMessageBox:
        self.about_box = about_box(self, self.store.path, self.annotator)
        return self.about_box

    def show_assign(self):
        from annotator.gui.assign_dialog import AssignDialog

        self.assign_dialog = AssignDialog(self)
        self.assign_dialog.show()
        return self.assign_dialog

    def toggle_guidelines(self) -> None:
        shown = toggle_beside(self, self.guidelines_window)
        self.actions_by_id["guidelines"].setChecked(shown)

    def toggle_theme(self) -> None:
        dark = self.settings.value("theme", "light") != "dark"
        self.apply_theme("dark" if dark else "light")

    def apply_theme(self, theme: str) -> None:
        apply_theme(self, theme)  # gui/theme.py: every colour that carries text, readable in both
        self.settings.setValue("theme", theme)
        self.actions_by_id["dark"].setChecked(theme == "dark")

    # -- settings and close ----------------------------------------------------------------------

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
        from pathlib import Path

        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("splitter", self.splitter.saveState())
        self.settings.setValue("last_project", str(Path(self.store.path).resolve()))
        self.settings.sync()

    def closeEvent(self, event):  # noqa: N802
        self.searching.cancel(quiet=True)  # a search under way stops: its reader closes
        self.project.close()
        super().closeEvent(event)
