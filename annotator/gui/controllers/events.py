"""The event keys: create or select an event (E), link or unlink (L), status (S, or a click),
delete (Shift+Delete), accept or reject a suggested one (Enter / X, as for spans).

The event being edited is the article controller's `active_event`: with one open,
Tab walks the article's spans and L links or unlinks the span under the cursor in
the role that fits its label (the session's rule). Every key is one undo step.
"""

from __future__ import annotations

from annotator.core.session import NothingToDo
from annotator.gui.controllers import EditingController


class EventsController(EditingController):
    def _event(self):
        """The active event (the core's Event), or None with a word in the status bar."""
        item = self.articles.event_item()
        if item is None or not hasattr(item.value, "uuid"):
            self.w.say("Select an event first: E on an AGREEMENT span, or its row", 3000)
            return None
        return self.session.event(item.value.uuid)

    def create_or_select(self) -> None:
        """E: the selected AGREEMENT span's event, made if it has none."""
        if self.session is None:
            return
        item = self.articles.selected()
        if item is not None and hasattr(item, "arcs"):
            return  # an event is selected already
        span = self.session.span(item.key) if item is not None else None
        if span is None:
            self.w.say("Select an AGREEMENT span to make its event (E)", 3000)
            return
        self.w.annotate.run(lambda: self.session.create_event(span))

    def toggle_link(self) -> None:
        """L: link the selected span into the active event in the role that fits, or unlink it."""
        if self.session is None:
            return
        event = self._event()
        if event is None:
            return
        key = self.articles.selected_key
        span = self.session.span(key) if key is not None else None
        if span is None:
            self.w.say("Tab to a span, then L links or unlinks it", 3000)
            return
        active = self.articles.active_event
        self.w.annotate.run(lambda: self.session.toggle_link(event, span))
        # stay on the span with the event open: Tab goes on to the next one
        self.articles.active_event = active
        self.articles.select_key(span.uuid, scroll=False)

    def cycle_status(self) -> None:
        """S: the next status of the scheme's list (after the last: none)."""
        event = self._event() if self.session is not None else None
        if event is None:
            return
        choices = self.w.side.event_statuses
        current = event.attrs.get("status")
        i = choices.index(current) + 1 if current in choices else 0
        self.set_status(choices[i] if i < len(choices) else None)

    def set_status(self, status: str | None) -> None:
        """One click on a status button (or S)."""
        event = self._event() if self.session is not None else None
        if event is None:
            return
        key = self.articles.selected_key
        self.w.annotate.run(lambda: self.session.set_event_status(event, status))
        self.articles.select_key(key, scroll=False)

    def delete(self) -> None:
        """Shift+Delete: the active event goes, its spans stay."""
        event = self._event() if self.session is not None else None
        if event is not None:
            self.w.annotate.run(lambda: self.session.delete_event(event))
            self.articles.select_key(event.trigger, scroll=False)

    def accept_selected(self) -> bool:
        """Enter / A on a suggested event: accept it with the spans it needs. Whether it was one."""
        item = self.articles.selected()
        if item is None or not hasattr(item, "on_accept"):
            return False
        self.w.annotate.run(lambda: item.on_accept(self.session))
        return True

    def reject_selected(self) -> bool:
        item = self.articles.selected()
        if item is None or not hasattr(item, "on_accept"):
            return False
        try:
            edit = item.on_delete(self.session)
        except NothingToDo:
            return True
        self.w.writes.push(edit)
        return True
