"""Plain data objects shared by the store, the readers, the formats and the GUI.

Offsets (`start`, `end`) are always Python code-point offsets into the stored
article text, `end` exclusive.
"""

from __future__ import annotations

import json
import re
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
class LabelScheme:
    labels: tuple[Label, ...]
    model_map: dict[str, str] = field(default_factory=dict)
    allow_overlap: tuple[frozenset[str], ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

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
        return cls(labels, dict(data.get("model_map", {})), overlap, data)

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

    def attrs_problems(self, label: str, attrs: dict[str, Any]) -> list[str]:
        """Every rule of the scheme that ATTRS break for a LABEL span, in key order."""
        return [p for k, v in attrs.items() if (p := self.attribute_problem(label, k, v))]


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
