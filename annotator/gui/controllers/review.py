"""Review mode: the window's keys edit gold, Alt+1..9 take an annotator's version, Ctrl+Shift+G
accepts all agreed — each one undoable edit of the `ReviewSession`.

A mode of the main window, not a program of its own: while it is on, the
article controller opens articles in a `ReviewSession` (gold's spans and the
groups of disagreement), and the list shows the open disagreements per article.
"""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog

from annotator.core.errors import InputError
from annotator.core.model import GOLD
from annotator.core.review_session import (
    check_agreement_args,
    judged_annotators,
    parse_names,
    review_counts,
)
from annotator.gui.plain import neutral
from annotator.gui.theme import legend_html, review_legend_html


class ReviewController:
    def __init__(self, window):
        """`window`: the MainWindow (banner, legend, the review action, the article controller)."""
        self.w = window
        self.annotators: list[str] = []
        self.reviewer = ""
        self.active = False
        self._annotator_before = ""

    @property
    def session(self):
        s = self.w.articles.session
        return s if self.active and s is not None and s.reviewing else None

    def open_groups(self) -> list:
        return self.session.open_groups() if self.session else []

    def who(self, annotator: str) -> str:
        return f"{self.reviewer} (reviewing → gold)" if self.active else annotator

    def list_column(self, ids: list[int] | None = None) -> tuple[str, dict[int, str]]:
        """The article list's extra column in review mode: open disagreements per article
        (of IDS, or of every article someone compared marked: the list may hold a million
        articles, and one nobody marked has nothing to review)."""
        if not self.active:
            return "", {}
        counts = review_counts(self.w.store, ids, self.annotators)
        return "Disagreements", {aid: str(n) for aid, n in counts.items()}

    # -- on and off ----------------------------------------------------------------------------

    def toggle(self) -> None:
        if self.active:
            self.leave()
            return
        default = ",".join(judged_annotators(self.w.store))
        names, ok = QInputDialog.getText(
            self.w, "Review", "Annotators to compare (comma-separated):", text=default
        )
        try:
            chosen = parse_names(names) if ok else None
            check_agreement_args(self.w.store, chosen)  # the CLI's `agreement` check
        except InputError as exc:
            chosen = None
            self.w.report_error(str(exc))
        if chosen:
            self.enter(chosen)
        else:
            self.w.actions_by_id["review"].setChecked(False)

    def enter(self, annotators: list[str]) -> None:
        self.annotators, self.reviewer = list(annotators), self.w.annotator
        self._annotator_before = self.w.annotator
        self.active = True
        self.w.annotator = GOLD  # edits in review mode are the gold version
        self.w.actions_by_id["review"].setChecked(True)
        self.w.review_banner.show()
        self.w.legend.setText(review_legend_html(self.w.theme))
        self.w.project.reload()

    def leave(self) -> None:
        if not self.active:
            return
        self.w.annotator = self._annotator_before
        self.active = False
        self.w.review_banner.hide()
        self.w.actions_by_id["review"].setChecked(False)
        self.w.legend.setText(legend_html(self.w.theme))
        self.w.project.reload()

    def show_banner(self) -> None:
        if self.session is not None:
            self.w.review_banner.setText(self.banner_text())

    def banner_text(self) -> str:
        """What the review banner above the text says: the mode, who, and this article's state."""
        names = ", ".join(f"Alt+{i} {neutral(n)}" for i, n in enumerate(self.annotators, 1))
        groups = self.session.groups
        open_ = self.open_groups()
        disputed = sum(1 for g in open_ if g.kind != "agree")
        if not groups:
            here = "nobody marked anything in this article"
        elif open_:
            # the same count as the list's Disagreements column, and the agreed ones besides
            here = (f"{disputed} disagreement(s) and {len(open_) - disputed} agreed span(s) to settle here "
                    "(Tab walks them, Ctrl+Shift+G accepts the agreed)")  # fmt: skip
        else:
            here = "every group in this article is settled in gold"
        events = len(self.session.open_event_groups())
        if events:
            here += f" · {events} event group(s) to settle (Alt+N takes an annotator's event)"
        return neutral(
            f"REVIEW MODE — edits go to gold, as {self.reviewer} · {names} · {here} · Ctrl+R leaves"
        )

    # -- adjudication: undoable edits ----------------------------------------------------------

    def take_version(self, index: int) -> None:
        """Gold takes annotator number `index` (0-based) of the selected or first open group."""
        if self.session is None:
            self.w.say(
                f"Alt+{index + 1} takes an annotator's version in review mode (Ctrl+R)", 5000
            )
            return
        selected = self.w.articles.selected()
        group = self.session.group(selected.key) if selected is not None else None
        event_group = self.session.event_group(selected.key) if selected is not None else None
        name = self.annotators[index] if index < len(self.annotators) else ""
        if event_group is not None:  # an event disagreement: gold takes their frame
            self._take_event(event_group, index, name)
            return
        edit = self.w.annotate.run(lambda: self.session.take(group, index), say_ms=8000, wait=False,
                                   prefix=f"Alt+{index + 1}: " if not name else "")  # fmt: skip
        if edit is None:
            return
        following = self.open_groups()
        self.w.say(
            f"Gold takes {name}'s version" + ("" if following else "; no disagreement left here"),
            4000,
        )
        if following:
            self.w.articles.select_key(following[0].key)

    def _take_event(self, group, index: int, name: str) -> None:
        edit = self.w.annotate.run(lambda: self.session.take_event(group, index), say_ms=8000,
                                   wait=False, prefix=f"Alt+{index + 1}: " if not name else "")  # fmt: skip
        if edit is None:
            return
        following = self.session.open_event_groups()
        self.w.say(f"Gold takes {name}'s event"
                   + ("" if following else "; no event disagreement left here"), 4000)  # fmt: skip
        if following:
            self.w.articles.select_key(following[0].key)

    def accept_agreed(self) -> None:
        if self.session is None:
            return
        edit = self.w.annotate.run(self.session.accept_agreed, say_ms=5000, wait=False)
        if edit is not None:
            self.w.say(f"{edit.count} agreed span group(s) copied into gold", 5000)

    def show_dashboard(self) -> object:
        from annotator.core.agreement import agreement
        from annotator.core.store import Store
        from annotator.gui.review import dashboard

        path = self.w.store.path
        names = self.annotators if self.active else None
        try:
            check_agreement_args(self.w.store, names)
        except InputError as exc:
            self.w.report_error(str(exc))
            return None
        colors = {lab.name: lab.color for lab in self.w.store.scheme.labels}

        def work(job):
            with Store(path, create=False) as store:
                return agreement(store, names)

        def done(result):
            self.w.dashboard_dialog = dashboard(self.w, result, colors)
            self.w.dashboard_dialog.show()

        return self.w.jobs.long_job("Computing agreement", work, done)
