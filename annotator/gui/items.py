"""What can be selected in an article, typed: a span, a suggestion, a disagreement.

Each item knows how it is drawn over the text (`mark`), listed in the side
panel (`row`), described in a tooltip (`describe`), shown under the table
(`show`), and what a label key or Delete does to it (an edit from the
session). The window keeps them in one dict by key; nothing asks an item what
type it is. A new kind of item (an agreement event) is one more class here.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, NamedTuple

from annotator.core.edits import Edit
from annotator.core.model import Event, EventSuggestion, Span, Suggestion
from annotator.core.session import ArticleSession, NothingToDo, Refresh
from annotator.gui.article_view import Mark
from annotator.gui.side_panel import span_details
from annotator.gui.theme import REVIEW_CLASSES

ToQt = Callable[[int], int]


class Row(NamedTuple):
    """One line of the side panel's table, in text order by (start, order, key)."""

    start: int
    order: int  # spans, then suggestions, then disagreements starting at the same place
    key: Hashable
    label: str  # the first column (a label, or the kind of a disagreement)
    text: str
    details: dict  # shown through `side_panel.span_details`
    hint: str  # what the keys do to it, in the tooltip
    suggestion: bool = False


class SpanItem:
    """One of the annotator's (or gold's) spans."""

    __slots__ = ("value",)
    order = 0
    settles_suggestion = False

    def __init__(self, span: Span):
        self.value = span

    key = property(lambda self: self.value.uuid)
    start = property(lambda self: self.value.start)
    end = property(lambda self: self.value.end)
    label = property(lambda self: self.value.label)

    def mark(self, to_qt: ToQt) -> Mark:
        return span_marks([self.value], to_qt)[0]

    def row(self, text: str) -> Row:
        return span_rows([self.value], text)[0]

    def describe(self, text: str) -> str:
        s = self.value
        return (
            f"{s.label} · {span_details(s.attrs) or 'no attributes'}\nby {s.annotator}, {s.origin}"
        )

    def show(self, side, text: str) -> None:
        side.show_attributes(self.value.label, self.value.attrs, editable=True)

    def on_label(self, session: ArticleSession, label: str) -> Edit:
        return session.relabel(self.value, label)

    def on_delete(self, session: ArticleSession) -> Edit:
        return session.remove(self.value)

    def on_attrs(self, session: ArticleSession, attrs: dict[str, Any]) -> Edit:
        return session.set_attrs(self.value, attrs)


class SuggestionItem:
    """An open suggestion of the model: Enter accepts, X rejects, a label key accepts as that label."""

    __slots__ = ("value",)
    order = 1
    settles_suggestion = True  # after Delete (reject), the next suggestion is selected

    def __init__(self, suggestion: Suggestion):
        self.value = suggestion

    key = property(lambda self: self.value.key)
    start = property(lambda self: self.value.start)
    end = property(lambda self: self.value.end)
    label = property(lambda self: self.value.label)

    def mark(self, to_qt: ToQt) -> Mark:
        return suggestion_marks([self.value], to_qt)[0]

    def row(self, text: str) -> Row:
        return suggestion_rows([self.value], text)[0]

    def describe(self, text: str) -> str:
        s = self.value
        return f"{s.label} · {span_details(s.attrs) or 'no attributes'}\nsuggestion (Enter accepts, X rejects)"

    def show(self, side, text: str) -> None:
        side.show_attributes(self.value.label, self.value.attrs, editable=False)

    def on_label(self, session: ArticleSession, label: str) -> Edit:
        return session.accept([self.value], label=label)

    def on_delete(self, session: ArticleSession) -> Edit:
        return session.reject(self.value)

    def on_attrs(self, session: ArticleSession, attrs: dict[str, Any]) -> Edit:
        raise NothingToDo()  # a suggestion's attributes are the model's: accept it to edit them


class GroupItem:
    """A group of overlapping spans of the reviewed annotators, in one review class."""

    __slots__ = ("value", "annotators")
    order = 2
    settles_suggestion = False

    def __init__(self, group, annotators: list[str]):
        self.value = group  # an agreement.Disagreement
        self.annotators = annotators

    key = property(lambda self: self.value.key)
    start = property(lambda self: self.value.start)
    end = property(lambda self: self.value.end)

    @property
    def label(self) -> str:
        return next((s.label for v in self.value.versions.values() for s in v), "")

    def mark(self, to_qt: ToQt) -> Mark:
        g = self.value
        return Mark(to_qt(g.start), to_qt(g.end), self.label, g.kind, g.key)

    def row(self, text: str) -> Row:
        g = self.value
        who = {
            n: ", ".join(f"{s.label} “{text[s.start : s.end]}”" for s in spans) or "—"
            for n, spans in g.versions.items()
        }
        return Row(g.start, 2, g.key, REVIEW_CLASSES[g.kind].text, text[g.start : g.end], who,
                   "review: Alt+1… takes a version")  # fmt: skip

    def describe(self, text: str) -> str:
        lines = [f"{self.value.kind}:"]
        for name, spans in self.value.versions.items():
            marked = ", ".join(f"{s.label} “{text[s.start : s.end]}”" for s in spans) or "nothing"
            lines.append(f"{name}: {marked}")
        return "\n".join(lines)

    def versions(self, text: str) -> list[tuple[str, str]]:
        """Each annotator's version in full, for the comparison beside the table."""
        out = []
        for i, name in enumerate(self.annotators, 1):
            spans = self.value.versions.get(name, [])
            if not spans:
                out.append((f"Alt+{i} {name}", "nothing marked here"))
                continue
            lines = []
            for s in spans:
                details = span_details(s.attrs)
                lines.append(
                    f"{s.label} “{text[s.start : s.end]}”" + (f" · {details}" if details else "")
                )
            out.append((f"Alt+{i} {name}", "\n".join(lines)))
        return out

    def show(self, side, text: str) -> None:
        kind = REVIEW_CLASSES[self.value.kind].text
        side.show_versions(f"Versions ({kind})", self.versions(text))

    def on_label(self, session: ArticleSession, label: str) -> Edit:
        raise NothingToDo()  # select the text to mark gold, or take a version

    def on_delete(self, session: ArticleSession) -> Edit:
        raise NothingToDo()

    def on_attrs(self, session: ArticleSession, attrs: dict[str, Any]) -> Edit:
        raise NothingToDo()


def event_summary(label: str, status: str | None, trigger, parties: list, date, text: str) -> str:
    """ "ENERGY · signed · Russia, Taliban · 2025-05-05": the trigger's type (else the event
    label), the status, the parties' names and the date's value (else their text)."""

    def name(span) -> str:
        return span.attrs.get("canonical") or text[span.start : span.end]

    kind = (trigger.attrs.get("type") if trigger is not None else None) or label
    when = (date.attrs.get("value") or text[date.start : date.end]) if date is not None else ""
    parts = [
        kind,
        status or "no status",
        ", ".join(name(p) for p in parts_of(parties)) or "no party",
    ]
    return " · ".join(parts + ([when] if when else []))


def parts_of(spans: list) -> list:
    return [s for s in spans if s is not None]


class _Offsets:
    """A place in the text with the label a suggestion proposes there (for the summary)."""

    __slots__ = ("start", "end", "attrs")

    def __init__(self, start: int, end: int, attrs: dict):
        self.start, self.end, self.attrs = start, end, attrs


class EventItem:
    """One of the annotator's events: selected, its links are drawn as arcs; L links or
    unlinks the span under the cursor, S cycles the status, Shift+Delete deletes it."""

    __slots__ = ("value", "trigger", "args")
    order = 3
    settles_suggestion = False

    def __init__(self, event: Event, spans: dict[str, Span]):
        """SPANS: the session's spans by uuid."""
        self.value = event
        self.trigger = spans.get(event.trigger)
        self.args = [(role, spans.get(uid)) for role, uid in event.args]

    key = property(lambda self: self.value.uuid)
    start = property(lambda self: self.trigger.start if self.trigger else 0)
    end = property(lambda self: self.trigger.end if self.trigger else 0)
    label = property(lambda self: self.value.label)

    def mark(self, to_qt: ToQt) -> Mark | None:
        return None  # the trigger span is drawn already; the event's links are arcs

    def selection_mark(self, to_qt: ToQt) -> Mark | None:
        t = self.trigger
        return Mark(to_qt(t.start), to_qt(t.end), t.label, "span", self.key) if t else None

    def arcs(self, to_qt: ToQt) -> list[tuple[int, int, str]]:
        if self.trigger is None:
            return []
        return [(to_qt(self.trigger.start), to_qt(s.start), role) for role, s in self.args if s]

    def summary(self, text: str) -> str:
        parties = [s for role, s in self.args if s is not None and s.label == "ACTOR"]
        date = next((s for _r, s in self.args if s is not None and s.label == "DATE"), None)
        return event_summary(self.label, self.value.attrs.get("status"), self.trigger, parties,
                             date, text)  # fmt: skip

    def row(self, text: str) -> Row:
        return Row(self.start, 3, self.key, "EVENT", self.summary(text), {},
                   "event: L links/unlinks the span under the cursor, S status")  # fmt: skip

    def describe(self, text: str) -> str:
        lines = [self.summary(text)]
        lines += [f"{role}: {text[s.start : s.end]}" for role, s in self.args if s is not None]
        return "\n".join(lines)

    def show(self, side, text: str) -> None:
        side.show_event(self.summary(text), self.value.attrs.get("status"))

    def on_label(self, session: ArticleSession, label: str) -> Edit:
        raise NothingToDo("Select a span to mark it; L links it into the event")

    def on_delete(self, session: ArticleSession) -> Edit:
        return session.delete_event(self.value)

    def on_attrs(self, session: ArticleSession, attrs: dict[str, Any]) -> Edit:
        return session.set_event_attrs(self.value, attrs)


class EventSuggestionItem:
    """A suggested frame: Enter/A accepts it (with the spans it needs), X rejects it."""

    __slots__ = ("value", "trigger_attrs")
    order = 4
    settles_suggestion = False

    def __init__(self, suggestion: EventSuggestion, trigger_attrs: dict | None = None):
        self.value = suggestion
        self.trigger_attrs = trigger_attrs or {}  # the trigger suggestion's (its type)

    key = property(lambda self: ("event", *self.value.key))
    start = property(lambda self: self.value.trigger[0])
    end = property(lambda self: self.value.trigger[1])
    label = property(lambda self: self.value.label)

    def mark(self, to_qt: ToQt) -> Mark | None:
        return None

    def selection_mark(self, to_qt: ToQt) -> Mark | None:
        s, e = self.value.trigger
        return Mark(to_qt(s), to_qt(e), self.value.label, "suggestion", self.key)

    def arcs(self, to_qt: ToQt) -> list[tuple[int, int, str]]:
        t = self.value.trigger[0]
        return [(to_qt(t), to_qt(s), role) for role, s, _e in self.value.args]

    def summary(self, text: str, session=None) -> str:
        g = self.value
        parties = [_Offsets(s, e, {}) for role, s, e in g.args if role == "party"]
        dates = [_Offsets(s, e, {}) for role, s, e in g.args if role == "date"]
        trigger = _Offsets(*g.trigger, self.trigger_attrs)
        return event_summary(g.label, g.attrs.get("status"), trigger, parties,
                             dates[0] if dates else None, text)  # fmt: skip

    def row(self, text: str) -> Row:
        return Row(self.start, 4, self.key, "EVENT", self.summary(text), {},
                   "suggested event: Enter/A accepts, X rejects", suggestion=True)  # fmt: skip

    def describe(self, text: str) -> str:
        return self.summary(text) + "\nsuggested event (Enter accepts, X rejects)"

    def show(self, side, text: str) -> None:
        side.show_event(self.summary(text) + " (suggested)", self.value.attrs.get("status"),
                        editable=False)  # fmt: skip

    def on_accept(self, session: ArticleSession) -> Edit:
        return session.accept_event_suggestion(self.value)

    def on_label(self, session: ArticleSession, label: str) -> Edit:
        raise NothingToDo("Enter accepts the suggested event, X rejects it")

    def on_delete(self, session: ArticleSession) -> Edit:
        return session.reject_event_suggestion(self.value)

    def on_attrs(self, session: ArticleSession, attrs: dict[str, Any]) -> Edit:
        raise NothingToDo()


class EventGroupItem:
    """Review: the compared annotators' events on overlapping agreements, where they differ
    (or not everyone made one). Alt+N takes annotator N's event into gold (one undo step)."""

    __slots__ = ("value", "annotators")
    order = 5
    settles_suggestion = False

    def __init__(self, group, annotators: list[str]):
        self.value = group  # an event_agreement.EventDisagreement
        self.annotators = annotators

    key = property(lambda self: self.value.key)
    start = property(lambda self: self.value.start)
    end = property(lambda self: self.value.end)
    label = property(lambda self: "AGREEMENT")

    def mark(self, to_qt: ToQt) -> Mark | None:
        return None  # the spans' own groups are drawn; this one is listed and selected

    def selection_mark(self, to_qt: ToQt) -> Mark:
        g = self.value
        return Mark(to_qt(g.start), to_qt(g.end), "AGREEMENT", g.kind, g.key)

    def versions(self, text: str) -> list[tuple[str, str]]:
        said = self.value.describe(text)
        return [
            (f"Alt+{i} {name}", said.get(name, "—")) for i, name in enumerate(self.annotators, 1)
        ]

    def row(self, text: str) -> Row:
        g = self.value
        return Row(g.start, 5, g.key, "EVENT ≠", text[g.start : g.end], g.describe(text),
                   "event disagreement: Alt+1… takes an annotator's event")  # fmt: skip

    def describe(self, text: str) -> str:
        return "\n".join(
            [f"events ({self.value.kind}):"] + [f"{w}: {v}" for w, v in self.versions(text)]
        )

    def show(self, side, text: str) -> None:
        side.show_versions(f"Events ({self.value.kind})", self.versions(text))

    def on_label(self, session: ArticleSession, label: str) -> Edit:
        raise NothingToDo("Alt+1… takes an annotator's event")

    def on_delete(self, session: ArticleSession) -> Edit:
        raise NothingToDo()

    def on_attrs(self, session: ArticleSession, attrs: dict[str, Any]) -> Edit:
        raise NothingToDo()


class BoilerplateMark:
    """Boilerplate ranges are drawn (greyed) but never selected."""

    @staticmethod
    def marks(ranges: list[tuple[int, int]], to_qt: ToQt) -> list[Mark]:
        return [
            Mark(to_qt(s), to_qt(e), "", "boilerplate", ("boilerplate", s, e)) for s, e in ranges
        ]


Item = SpanItem | SuggestionItem | GroupItem | EventItem | EventSuggestionItem | EventGroupItem


# Spans and suggestions are drawn and listed straight from the session's lists (one
# comprehension each, plain tuples built with tuple.__new__): an article with 5,000 spans
# opens without making 5,000 item objects. Items are made when one is looked up.
_tuple = tuple.__new__


def event_items(session: ArticleSession) -> list[Item]:
    """The annotator's events and the open suggested frames (a few per article)."""
    events = getattr(session, "events", ())
    spans = spans_by_id(session) if events else {}
    out: list[Item] = [EventItem(e, spans) for e in events]
    if getattr(session, "reviewing", False):
        out += [EventGroupItem(g, session.annotators) for g in session.open_event_groups()]
    frames = getattr(session, "event_suggestions", ())
    if not frames:
        return out
    attrs = {(s.start, s.end): s.attrs for s in session.suggestions}
    attrs.update({(s.start, s.end): s.attrs for s in session.spans})
    return out + [EventSuggestionItem(g, attrs.get(g.trigger)) for g in frames]


def spans_by_id(session: ArticleSession) -> dict[str, Span]:
    return {s.uuid: s for s in session.spans}


def span_marks(spans, to_qt: ToQt) -> list[Mark]:
    return [_tuple(Mark, (to_qt(s.start), to_qt(s.end), s.label, "span", s.uuid)) for s in spans]


def span_rows(spans, text: str) -> list[Row]:
    hint = "your span: Delete removes"
    return [_tuple(Row, (s.start, 0, s.uuid, s.label, text[s.start : s.end], s.attrs, hint, False))
            for s in spans]  # fmt: skip


def suggestion_marks(suggestions, to_qt: ToQt) -> list[Mark]:
    return [_tuple(Mark, (to_qt(s.start), to_qt(s.end), s.label, "suggestion", s.key))
            for s in suggestions]  # fmt: skip


def suggestion_rows(suggestions, text: str) -> list[Row]:
    hint = "suggestion: Enter/A accepts, X rejects"
    return [_tuple(Row, (s.start, 1, s.key, s.label, text[s.start : s.end], s.attrs, hint, True))
            for s in suggestions]  # fmt: skip


class ArticleItems:
    """The selectable things of the open article, by key: the session's spans, open suggestions
    and open groups, each wrapped in its item class only when looked up; and the events and
    suggested frames (a few per article) as items."""

    def __init__(self, session: ArticleSession | None = None):
        self.spans: dict[Hashable, Span] = {}
        self.suggestions: dict[Hashable, Suggestion] = {}
        self.groups: dict[Hashable, Any] = {}
        self.events: dict[Hashable, Item] = {}
        self.annotators: list[str] = []
        if session is not None:
            self.spans = {s.uuid: s for s in session.spans}
            self.suggestions = {g.key: g for g in session.suggestions}
            self.groups = {g.key: g for g in session.open_groups()}
            self.events = {i.key: i for i in event_items(session)}
            self.annotators = session.annotators

    def get(self, key: Hashable | None) -> Item | None:
        if key is None:
            return None
        if (s := self.spans.get(key)) is not None:
            return SpanItem(s)
        if (g := self.suggestions.get(key)) is not None:
            return SuggestionItem(g)
        if (d := self.groups.get(key)) is not None:
            return GroupItem(d, self.annotators)
        return self.events.get(key)

    @staticmethod
    def event_marks(events, to_qt: ToQt) -> list[Mark]:
        return [m for item in events if (m := item.mark(to_qt)) is not None]

    def marks(self, to_qt: ToQt) -> list[Mark]:
        return (
            span_marks(self.spans.values(), to_qt)
            + suggestion_marks(self.suggestions.values(), to_qt)
            + [GroupItem(g, self.annotators).mark(to_qt) for g in self.groups.values()]
            + self.event_marks(self.events.values(), to_qt)
        )

    def rows(self, text: str) -> list[Row]:
        return (
            span_rows(self.spans.values(), text)
            + suggestion_rows(self.suggestions.values(), text)
            + [GroupItem(g, self.annotators).row(text) for g in self.groups.values()]
            + [item.row(text) for item in self.events.values()]
        )

    def patch(self, refresh: Refresh, session: ArticleSession) -> tuple[set, list[Item]]:
        """Forget the keys a `Refresh` removed, take in the spans and suggestions it adds;
        the events are listed again when they changed, or those naming a changed span.
        Returns every key removed and the event items made again."""
        removed = set(refresh.removed)
        if refresh.events:  # the events or suggested frames changed: list them again
            removed |= set(self.events)
            fresh = event_items(session)
        else:  # an event names a span that changed: its row follows (the text, a name)
            named = [
                i for i in self.events.values()
                if i.order == 3 and not removed.isdisjoint(i.value.span_ids)
            ]  # fmt: skip
            removed |= {i.key for i in named}
            spans = spans_by_id(session) if named else {}
            fresh = [EventItem(i.value, spans) for i in named]
        for key in removed:
            self.spans.pop(key, None)
            self.suggestions.pop(key, None)
            self.groups.pop(key, None)
            self.events.pop(key, None)
        self.spans.update((s.uuid, s) for s in refresh.spans)
        self.suggestions.update((g.key, g) for g in refresh.suggestions)
        self.events.update((i.key, i) for i in fresh)
        return removed, fresh

    def ordered_keys(self, spans_only: bool = False) -> list[Hashable]:
        """Keys in text order (spans, suggestions, groups, events, suggested frames at one place)."""
        places = [(s.start, s.end, 0, k) for k, s in self.spans.items()]
        if not spans_only:
            places += [(g.start, g.end, 1, k) for k, g in self.suggestions.items()]
            places += [(g.start, g.end, 2, k) for k, g in self.groups.items()]
            places += [(i.start, i.end, i.order, k) for k, i in self.events.items()]
        places.sort(key=lambda p: p[:3])
        return [p[3] for p in places]
