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
from annotator.core.model import Span, Suggestion
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
        s = self.value
        return Mark(to_qt(s.start), to_qt(s.end), s.label, "span", s.uuid)

    def row(self, text: str) -> Row:
        s = self.value
        return Row(s.start, 0, s.uuid, s.label, text[s.start : s.end], s.attrs,
                   "your span: Delete removes")  # fmt: skip

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
        s = self.value
        return Mark(to_qt(s.start), to_qt(s.end), s.label, "suggestion", s.key)

    def row(self, text: str) -> Row:
        s = self.value
        return Row(s.start, 1, s.key, s.label, text[s.start : s.end], s.attrs,
                   "suggestion: Enter/A accepts, X rejects", suggestion=True)  # fmt: skip

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


class BoilerplateMark:
    """Boilerplate ranges are drawn (greyed) but never selected."""

    @staticmethod
    def marks(ranges: list[tuple[int, int]], to_qt: ToQt) -> list[Mark]:
        return [
            Mark(to_qt(s), to_qt(e), "", "boilerplate", ("boilerplate", s, e)) for s, e in ranges
        ]


Item = SpanItem | SuggestionItem | GroupItem


def items_of(session: ArticleSession) -> list[Item]:
    """Every selectable item of the session's article, in no particular order."""
    out: list[Item] = [SpanItem(s) for s in session.spans]
    out += [SuggestionItem(g) for g in session.suggestions]
    out += [GroupItem(g, session.annotators) for g in session.open_groups()]
    return out


def items_of_refresh(refresh: Refresh) -> list[Item]:
    """The items a `Refresh` adds: the spans read again and the suggestions opened again."""
    return [SpanItem(s) for s in refresh.spans] + [SuggestionItem(g) for g in refresh.suggestions]
