"""Plain data objects shared by the store, the readers, the formats and the GUI.

Offsets (`start`, `end`) are always Python code-point offsets into the stored
article text, `end` exclusive.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"


GOLD = "gold"
"""The reserved annotator identity under which adjudicated (gold) spans are stored."""


@dataclass(frozen=True)
class Label:
    name: str
    key: str
    color: str
    description: str = ""
    attributes: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class EventRole:
    """A slot of an event frame: which span labels fill it and how many of them it takes."""

    name: str
    labels: tuple[str, ...]
    min: int = 0
    max: int | None = None  # None: as many as the text names

    def fits(self, label: str) -> bool:
        return label in self.labels


@dataclass(frozen=True)
class EventType:
    """An event frame the scheme declares: its trigger label, roles and attributes."""

    name: str
    trigger: str
    roles: tuple[EventRole, ...] = ()
    attributes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def role(self, name: str) -> EventRole | None:
        return next((r for r in self.roles if r.name == name), None)

    def roles_for(self, label: str) -> list[EventRole]:
        """Every role a span of LABEL may fill, in scheme order."""
        return [r for r in self.roles if r.fits(label)]

    def role_for(self, label: str, args: Iterable[tuple[str, str]] = ()) -> EventRole | None:
        """The role a LABEL span goes into: the first that fits and has room given ARGS,
        else the first that fits (linking then replaces a full role's span), else None."""
        fitting = self.roles_for(label)
        counts: dict[str, int] = {}
        for role, _span in args:
            counts[role] = counts.get(role, 0) + 1
        for r in fitting:
            if r.max is None or counts.get(r.name, 0) < r.max:
                return r
        return fitting[0] if fitting else None


def _event_type(item: dict[str, Any]) -> EventType:
    roles = tuple(
        EventRole(
            name=r["name"],
            labels=tuple(r.get("labels", [])),
            min=int(r.get("min", 0) or 0),
            max=None if r.get("max") is None else int(r["max"]),
        )
        for r in item.get("roles", [])
    )
    return EventType(
        name=item["name"],
        trigger=item.get("trigger", item["name"]),
        roles=roles,
        attributes=dict(item.get("attributes", {})),
    )


@dataclass(frozen=True)
class LabelScheme:
    labels: tuple[Label, ...]
    model_map: dict[str, str] = field(default_factory=dict)
    allow_overlap: tuple[frozenset[str], ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, compare=False)
    events: tuple[EventType, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LabelScheme:
        labels = tuple(
            Label(
                name=item["name"],
                key=str(item.get("key", i + 1)),
                color=item.get("color", "#888888"),
                description=item.get("description", ""),
                attributes=dict(item.get("attributes", {})),
            )
            for i, item in enumerate(data["labels"])
        )
        overlap = tuple(frozenset(pair) for pair in data.get("allow_overlap", []))
        events = tuple(_event_type(item) for item in data.get("events", []))
        return cls(labels, dict(data.get("model_map", {})), overlap, data, events)

    @classmethod
    def from_json(cls, text: str) -> LabelScheme:
        return cls.from_dict(json.loads(text))

    @property
    def names(self) -> list[str]:
        return [label.name for label in self.labels]

    def get(self, name: str) -> Label | None:
        for label in self.labels:
            if label.name == name:
                return label
        return None

    # -- event frames ------------------------------------------------------------------

    def event_type(self, name: str) -> EventType | None:
        return next((e for e in self.events if e.name == name), None)

    def event_for_trigger(self, label: str) -> EventType | None:
        """The event type whose trigger is a LABEL span (an AGREEMENT span's AGREEMENT)."""
        return next((e for e in self.events if e.trigger == label), None)

    def event_problems(self) -> list[str]:
        """What is wrong with the scheme's event declarations (unknown labels, bad counts)."""
        names = set(self.names)
        out = []
        for e in self.events:
            if e.trigger not in names:
                out.append(f"event {e.name}: trigger label {e.trigger!r} is not a label")
            seen: set[str] = set()
            for r in e.roles:
                if r.name in seen:
                    out.append(f"event {e.name}: role {r.name!r} is declared twice")
                seen.add(r.name)
                for lab in r.labels:
                    if lab not in names:
                        out.append(f"event {e.name}: role {r.name} takes unknown label {lab!r}")
                if r.max is not None and r.max < max(r.min, 1):
                    out.append(f"event {e.name}: role {r.name} has max {r.max} below its min")
        return out

    def event_attribute_problem(self, event: str, key: str, value: Any) -> str | None:
        """Why VALUE may not be attribute KEY of an EVENT by the scheme, or None (as for spans)."""
        etype = self.event_type(event)
        if etype is None:
            return f"unknown event type {event!r}"
        spec = etype.attributes.get(key)
        if spec is None:
            known = ", ".join(etype.attributes) or "none"
            return f"unknown attribute {key!r} for {event} events (its attributes: {known})"
        return _value_problem(key, spec, value)

    def event_args_problems(
        self, event: str, args: Iterable[tuple[str, str]], labels: dict[str, str]
    ) -> list[str]:
        """What ARGS (role, span id) break for an EVENT: unknown roles, spans whose label
        (LABELS: span id → label) does not fit, more spans than a role takes."""
        etype = self.event_type(event)
        if etype is None:
            return [f"unknown event type {event!r}"]
        out, counts = [], {}
        for role_name, span in args:
            role = etype.role(role_name)
            if role is None:
                known = ", ".join(r.name for r in etype.roles) or "none"
                out.append(f"unknown role {role_name!r} for {event} events (its roles: {known})")
                continue
            label = labels.get(span)
            if label is None:
                out.append(f"role {role_name}: no span {span}")
            elif not role.fits(label):
                out.append(
                    f"role {role_name} takes {', '.join(role.labels)} spans, not {label} ({span})"
                )
            counts[role_name] = counts.get(role_name, 0) + 1
        for role in etype.roles:
            if role.max is not None and counts.get(role.name, 0) > role.max:
                out.append(f"role {role.name} takes at most {role.max} span(s), "
                           f"not {counts[role.name]}")  # fmt: skip
        return out

    def may_overlap(self, a: str, b: str) -> bool:
        return a != b and frozenset((a, b)) in self.allow_overlap

    # -- attributes: the rules live in the scheme, this is the one check of them

    def attribute_problem(self, label: str, key: str, value: Any) -> str | None:
        """Why VALUE may not be attribute KEY of a LABEL span by the scheme, or None.

        An empty value means "not set" and is always allowed. Used by import and
        by the window's attribute editor alike.
        """
        definition = self.get(label)
        if definition is None:
            return f"unknown label {label!r}"
        spec = definition.attributes.get(key)
        if spec is None:
            known = ", ".join(definition.attributes) or "none"
            return f"unknown attribute {key!r} for {label} (its attributes: {known})"
        return _value_problem(key, spec, value)

    def attrs_problems(self, label: str, attrs: dict[str, Any]) -> list[str]:
        """Every rule of the scheme that ATTRS break for a LABEL span, in key order."""
        return [p for k, v in attrs.items() if (p := self.attribute_problem(label, k, v))]


def _value_problem(key: str, spec: dict[str, Any], value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        return f"attribute {key!r} must be text, not {type(value).__name__} {value!r}"
    if spec.get("type") == "choice":
        choices = spec.get("choices", [])
        if value not in choices:
            return f"attribute {key!r} = {value!r} is not one of {', '.join(choices)}"
    pattern = spec.get("pattern")
    if pattern and not _pattern(pattern).fullmatch(value):
        rule = spec.get("hint") or (f"like {spec['example']}" if spec.get("example") else "")
        if len(pattern) <= 40 or not rule:
            rule = f"{rule} (pattern {pattern})".strip()
        return f"attribute {key!r} = {value!r} is not {rule}"
    return None


def event_problems(
    scheme: LabelScheme,
    label: str,
    trigger_label: str | None,
    args: Iterable[tuple[str, str]],
    labels: dict[str, str],
    attrs: dict[str, Any],
) -> list[str]:
    """Every rule of the scheme an event breaks: its type, its trigger's label (None: no
    such span), its arguments (LABELS: span id → label of the spans it may name), its
    attributes. The one check import, edits and merge share."""
    etype = scheme.event_type(label)
    if etype is None:
        known = ", ".join(e.name for e in scheme.events) or "none"
        return [f"unknown event type {label!r} (the scheme's event types: {known})"]
    out = []
    if trigger_label is None:
        out.append("its trigger is not a span of the same article and annotator")
    elif trigger_label != etype.trigger:
        out.append(f"its trigger must be a span labelled {etype.trigger}, not {trigger_label}")
    out += scheme.event_args_problems(label, args, labels)
    out += [p for k, v in attrs.items() if (p := scheme.event_attribute_problem(label, k, v))]
    return out


def _pattern(source: str) -> re.Pattern[str]:
    compiled = _PATTERNS.get(source)
    if compiled is None:
        compiled = _PATTERNS[source] = re.compile(source)
    return compiled


_PATTERNS: dict[str, re.Pattern[str]] = {}


@dataclass(frozen=True)
class Article:
    id: int
    hash: str
    text: str
    title: str | None = None
    source: str | None = None
    published: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""


@dataclass(frozen=True)
class ArticleRow:
    """An article without its text, for lists over large projects."""

    id: int
    title: str | None
    published: str | None
    length: int
    status: str = Status.TODO
    span_count: int = 0
    source: str | None = None


@dataclass(frozen=True)
class Span:
    uuid: str
    article_id: int
    annotator: str
    start: int
    end: int
    label: str
    attrs: dict[str, Any] = field(default_factory=dict)
    origin: str = "manual"
    created_at: str = ""
    updated_at: str = ""
    deleted_at: str | None = None
    deleted_by: str | None = None


@dataclass(frozen=True)
class Suggestion:
    """A model's proposal, kept apart from human spans until accepted."""

    article_id: int
    start: int
    end: int
    label: str
    attrs: dict[str, Any] = field(default_factory=dict)
    model: str = ""
    model_version: str = ""

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)


@dataclass(frozen=True)
class Event:
    """An event frame: a trigger span (an AGREEMENT) tied to the spans that fill its roles.

    `trigger` and the span of each arg are span uuids of the same article and
    annotator; `args` is ((role, span uuid), ...) in the order they were linked.
    Stored like spans: uuid, owner for life, origin, times and a tombstone.
    """

    uuid: str
    article_id: int
    annotator: str
    label: str
    trigger: str
    args: tuple[tuple[str, str], ...] = ()
    attrs: dict[str, Any] = field(default_factory=dict)
    origin: str = "manual"
    created_at: str = ""
    updated_at: str = ""
    deleted_at: str | None = None
    deleted_by: str | None = None

    def spans_in(self, role: str) -> list[str]:
        return [span for r, span in self.args if r == role]

    @property
    def span_ids(self) -> set[str]:
        """The trigger and every argument."""
        return {self.trigger, *(span for _r, span in self.args)}


@dataclass(frozen=True)
class EventSuggestion:
    """A model's proposed event frame, by offsets: its spans are not spans yet.

    `trigger` is the (start, end) of the trigger (a span of the event type's
    trigger label there), `args` ((role, start, end), ...).
    """

    article_id: int
    label: str
    trigger: tuple[int, int]
    args: tuple[tuple[str, int, int], ...] = ()
    attrs: dict[str, Any] = field(default_factory=dict)
    model: str = ""
    model_version: str = ""

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.label, *self.trigger)


@dataclass
class EventIn:
    """An event as it comes in from a reader: its trigger and arguments are indices into
    the record's `ArticleIn.spans` (the reader resolved its own ids: JSONL span ids,
    brat T ids). No `label`: the event type whose trigger is the trigger span's label."""

    trigger: int
    args: list[tuple[str, int]] = field(default_factory=list)
    label: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    uuid: str | None = None
    origin: str = "import"
    created_at: str | None = None
    updated_at: str | None = None


@dataclass
class SpanIn:
    """A span as it comes in from a reader, before it has an article id."""

    start: int
    end: int
    label: str
    attrs: dict[str, Any] = field(default_factory=dict)
    uuid: str | None = None
    origin: str = "import"
    created_at: str | None = None
    updated_at: str | None = None


@dataclass
class ArticleIn:
    """An article as a reader produced it, with the annotations it carried."""

    text: str
    title: str | None = None
    source: str | None = None
    published: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    spans: list[SpanIn] | None = None
    annotator: str | None = None
    status: str | None = None
    line: int | None = None
    rejected: list[SpanIn] | None = None  # suggestions the annotator turned down
    # a model's proposals carried by the file (Label Studio predictions, our
    # preannotate output): stored as suggestions, never as anyone's answer
    suggestions: list[SpanIn] | None = None
    model: str | None = None
    model_version: str | None = None
    events: list[EventIn] | None = None
