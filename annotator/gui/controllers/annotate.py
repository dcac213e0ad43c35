"""The annotation keys: each asks the session for an edit and pushes it as one undo step.

Label keys, Delete, Enter/A, X, accept all, attributes, boilerplate (B),
Shift+X, the header dialog, done/skip and next. What an edit does is the
session's rule (`core/session.py`); what a key does to the selected item is
the item's (`gui/items.py`); this module only reads the selection and pushes.
"""

from __future__ import annotations

from collections.abc import Callable

from annotator.core.edits import Edit
from annotator.core.errors import InputError
from annotator.core.model import Status
from annotator.core.session import NothingToDo
from annotator.gui.controllers import EditingController


class AnnotateController(EditingController):
    def run(
        self, make: Callable[[], Edit], say_ms: int = 3000, prefix: str = "", wait: bool = True
    ) -> Edit | None:
        """Make an edit and push it as one undo step; the edit if it was stored.

        An action with nothing to do says why in the status bar (`prefix` first),
        a refused one (bad input) is a dialog."""
        try:
            edit = make()
        except NothingToDo as nothing:
            if str(nothing):
                self.w.say(prefix + str(nothing), say_ms)
            if nothing.select is not None:
                self.articles.select_key(nothing.select, scroll=False)
            return None
        except InputError as exc:
            self.w.report_error(str(exc))
            return None
        return edit if self.w.writes.push(edit, wait=wait) else None

    # -- keys ----------------------------------------------------------------------------------

    def apply_label(self, label: str) -> None:
        """The label key: mark the selection, or relabel (accept as) the selected item."""
        if self.session is None:
            return
        rng = self.articles.snapped_selection()
        if rng is not None:
            self.w.view.clear_selection()
            self.run(lambda: self.session.mark(*rng, label))
            return
        item = self.articles.selected()
        if item is not None:
            self.run(lambda: item.on_label(self.session, label))

    def delete_selected(self) -> None:
        item = self.articles.selected()
        if item is None:
            return
        if item.settles_suggestion:
            self.reject_selected()
        else:
            self.run(lambda: item.on_delete(self.session))

    def edit_attributes(self, attrs: dict) -> None:
        item = self.articles.selected()
        if item is not None:
            self.run(lambda: item.on_attrs(self.session, attrs))

    def _target_suggestion(self):
        """The selected suggestion, else the next one after the selected item or the cursor."""
        if self.session is None:
            return None
        item = self.articles.selected()
        if item is not None and item.settles_suggestion:
            return item.value
        after = item.start + 1 if item is not None else self.articles.cursor()
        return self.session.target_suggestion(after)

    def _settle(self, make: Callable) -> None:
        sug = self._target_suggestion()
        if sug is None:
            self.w.say("No open suggestions in this article", 3000)
            return
        self.run(lambda: make(sug))
        following = self.session.next_suggestion(sug.start)  # in text order
        if following is not None:
            self.articles.select_key(following.key)

    def accept_selected(self) -> None:
        """Enter or A: accept the selected suggestion (or the next one), then select the following one."""
        if not self.w.events.accept_selected():  # a suggested event: its own accept
            self._settle(lambda sug: self.session.accept([sug]))

    def reject_selected(self) -> None:
        """X: reject the selected suggestion (or the next one), then select the following one."""
        if not self.w.events.reject_selected():
            self._settle(lambda sug: self.session.reject(sug))

    def accept_all(self) -> None:
        """Accept every open suggestion that fits: none over your spans, none over another accepted one."""
        if self.session is None:
            return
        edit = self.run(self.session.accept_all)
        if edit is not None:
            self.w.say(self.session.accept_all_message(edit.count), 5000)

    def toggle_boilerplate(self) -> None:
        """B: mark the selection as boilerplate, or unmark it when it is boilerplate already."""
        rng = self.w.view.selection_range() if self.session is not None else None
        if rng is None or rng[0] >= rng[1]:
            self.w.say("Select the text to mark or unmark as boilerplate", 3000)
            return
        self.w.view.clear_selection()
        self.run(lambda: self.session.toggle_boilerplate(*rng))

    def reject_in_selection(self) -> None:
        """Shift+X: reject every open suggestion that touches the selection, as one step."""
        rng = self.w.view.selection_range() if self.session is not None else None
        if rng is None:
            self.w.say("Select the text whose suggestions to reject", 3000)
            return
        try:
            edit = self.session.reject_in(*rng)
        except NothingToDo as nothing:
            self.w.say(str(nothing), 3000)
            return
        self.w.view.clear_selection()
        self.w.writes.push(edit)

    def edit_header_dialog(self) -> None:
        """Article › Edit title and date: the publication date re-resolves the relative dates."""
        if self.session is None:
            return
        a = self.session.article
        answer = self.w.ask_header(self.w, a.title, a.published)
        if answer is not None:
            self.run(lambda: self.session.edit_header(*answer))

    # -- status and moving on ------------------------------------------------------------------

    def done_and_next(self) -> None:
        self._status_and_next(Status.DONE)

    def skip_and_next(self) -> None:
        self._status_and_next(Status.SKIPPED)

    def _status_and_next(self, status: str) -> None:
        if self.session is None:
            return
        self.run(lambda: self.session.set_status(status))
        self.w.navigate.next_article()
