"""Checks every reader's output passes before anything of a file is stored.

Readers parse; this module decides what a well-formed article is, in one
place, so that a badly typed value from any format (JSONL, doccano, `.spacy`
user data, a new reader) is one clear line naming the file and record, and
never reaches SQLite as a wrong type, a lone surrogate or a NUL.
"""

from __future__ import annotations

import math
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import ArticleIn, LabelScheme, SpanIn, Status, event_problems
from annotator.core.span_rules import check_range
from annotator.core.store import MAX_ARTICLE_CHARS

MAX_FIELD_CHARS = 10_000  # a title, source, date, name, origin or attribute value
MAX_DEPTH = 32  # nesting of meta and attribute values
MAX_VALUE_CHARS = 1_000_000  # all the strings of one article's meta, or of one span's attrs
MAX_FILE_BYTES = 1 << 30  # a file larger than this is not a set of articles to read whole

_STATUSES = {s.value for s in Status}


def string_problem(value: str) -> str | None:
    """Why a string cannot be stored as text (NUL, lone surrogate), or None."""
    nul = value.find("\x00")
    if nul >= 0:
        return f"a NUL character at character {nul}"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"a lone surrogate U+{ord(value[exc.start]):04X} at character {exc.start}"
    return None


def check_string(value: Any, what: str, path: str | None, line: int | None,
                 limit: int = MAX_FIELD_CHARS) -> str:  # fmt: skip
    if not isinstance(value, str):
        raise InputError(f"{what} must be a string, not {_kind(value)}", path, line)
    problem = string_problem(value)
    if problem:
        raise InputError(f"{what} has {problem}", path, line)
    if len(value) > limit:
        raise InputError(f"{what} is longer than {limit:,} characters", path, line)
    return value


def optional_text(value: Any, what: str, path: str | None, line: int | None) -> str | None:
    """A title-like field: a string, a number (written as text) or absent."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    return check_string(value, what, path, line)


def check_offset(value: Any, what: str, path: str | None, line: int | None) -> int:
    """A code-point offset: a non-negative int; True/False and 1.0 are not offsets."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{what} must be a non-negative integer, not {_kind(value)}", path, line)
    if value < 0:
        raise InputError(f"{what} must be a non-negative integer, not {value}", path, line)
    return value


def check_json_value(value: Any, what: str, path: str | None, line: int | None) -> None:
    """A JSON-like value of bounded depth whose strings are storable and numbers finite."""
    strings: list[str] = []
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            strings.append(item)
            continue
        if isinstance(item, dict | list | tuple) and depth > MAX_DEPTH:
            raise InputError(f"{what} is nested more than {MAX_DEPTH} levels deep", path, line)
        if isinstance(item, dict):
            for key, sub in item.items():
                if not isinstance(key, str):
                    raise InputError(f"{what} has a key that is not a string", path, line)
                strings.append(key)
                if isinstance(sub, str):
                    strings.append(sub)
                elif not (sub is None or type(sub) is int or type(sub) is bool):
                    stack.append((sub, depth + 1))
        elif isinstance(item, list | tuple):
            stack.extend((sub, depth + 1) for sub in item)
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise InputError(f"{what} has a number that is not finite ({item})", path, line)
        elif item is not None and not isinstance(item, int | bool):
            raise InputError(f"{what} holds {_kind(item)}, not a JSON value", path, line)
    joined = "".join(strings)
    if len(joined) > MAX_VALUE_CHARS:
        raise InputError(f"{what} holds more than {MAX_VALUE_CHARS:,} characters", path, line)
    if strings and string_problem(joined):  # one check for all; the culprit if any
        for text in strings:
            problem = string_problem(text)
            if problem:
                raise InputError(f"{what} has {problem}", path, line)


def check_name(value: Any, what: str, path: str | None, line: int | None) -> str | None:
    """An annotator name: a non-empty string without control characters."""
    if value is None:
        return None
    name = check_string(value, what, path, line, limit=200)
    if not name.strip():
        raise InputError(f"{what} is empty", path, line)
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in name):
        raise InputError(f"{what} {name!r} has control characters", path, line)
    return name


def check_span(span: Any, text_length: int, path: str | None, line: int | None) -> None:
    if not isinstance(span, SpanIn):
        raise InputError(f"a span must be a span, not {_kind(span)}", path, line)
    start = check_offset(span.start, "span start", path, line)
    end = check_offset(span.end, "span end", path, line)
    check_range(start, end, text_length, path, line)
    where = f"span {start}-{end}"
    check_string(span.label, f"{where}: label", path, line, limit=100)
    if not isinstance(span.attrs, dict):
        raise InputError(f"{where}: attrs must be an object, not {_kind(span.attrs)}", path, line)
    check_json_value(span.attrs, f"{where}: attrs", path, line)
    if span.uuid is not None:
        check_string(span.uuid, f"{where}: id", path, line, limit=200)
    check_string(span.origin, f"{where}: origin", path, line, limit=500)
    for name in ("created_at", "updated_at"):
        stamp = getattr(span, name)
        if stamp is not None:
            check_string(stamp, f"{where}: {name}", path, line, limit=100)


def check_article(item: Any, path: str | None) -> None:
    """Raise InputError for the first value of a reader's article that cannot be stored."""
    if not isinstance(item, ArticleIn):
        raise InputError(f"a reader produced {_kind(item)}, not an article", path)
    line = item.line if isinstance(item.line, int) and not isinstance(item.line, bool) else None
    if isinstance(item.text, str) and len(item.text) > MAX_ARTICLE_CHARS:
        raise InputError(
            f"article of {len(item.text):,} characters exceeds the limit of "
            f"{MAX_ARTICLE_CHARS:,}; split it first",
            path,
            line,
        )
    check_string(item.text, "text", path, line, limit=MAX_ARTICLE_CHARS)
    if not item.text.strip():
        raise InputError("empty text", path, line)
    item.title = optional_text(item.title, "title", path, line)
    item.source = optional_text(item.source, "source", path, line)
    item.published = optional_text(item.published, "published", path, line)
    if not isinstance(item.meta, dict):
        raise InputError(f"meta must be an object, not {_kind(item.meta)}", path, line)
    check_json_value(item.meta, "meta", path, line)
    check_name(item.annotator, "annotator", path, line)
    if item.status is not None and item.status not in _STATUSES:
        raise InputError(f"unknown status {item.status!r}", path, line)
    for spans in (item.spans, item.rejected):
        if spans is None:
            continue
        if not isinstance(spans, list):
            raise InputError(f"spans must be a list, not {_kind(spans)}", path, line)
        for span in spans:
            check_span(span, len(item.text), path, line)


def check_against_scheme(item: ArticleIn, scheme: LabelScheme, path: str | None) -> None:
    """Labels and attributes by the project's scheme: the span and the rule it breaks."""
    known = scheme.names
    for spans, kind in ((item.spans, "span"), (item.rejected, "rejected suggestion")):
        for s in spans or []:
            if scheme.get(s.label) is None:
                raise InputError(
                    f"{kind} {s.start}-{s.end}: unknown label {s.label!r} "
                    f"(the project's labels are {', '.join(sorted(known))})",
                    path,
                    item.line,
                )
            if kind == "span":
                problems = scheme.attrs_problems(s.label, s.attrs)
                if problems:
                    raise InputError(
                        f"span {s.start}-{s.end} {s.label}: {problems[0]}", path, item.line
                    )
    check_events_against_scheme(item, scheme, path)


def check_events_against_scheme(item: ArticleIn, scheme: LabelScheme, path: str | None) -> None:
    """An imported record's events by the scheme: unknown types and roles, spans that do
    not fit their role, bad attributes, spans that are not the record's; the first problem,
    naming the event and where its trigger stands."""
    spans = item.spans or []
    for n, e in enumerate(item.events or [], 1):
        refs = [e.trigger, *(i for _role, i in e.args)]
        if any(not isinstance(i, int) or not 0 <= i < len(spans) for i in refs):
            raise InputError(f"event {n}: names a span the record does not have", path, item.line)
        trigger = spans[e.trigger]
        where = f"event {n} on {trigger.label} {trigger.start}-{trigger.end}"
        label = e.label
        if label is None:
            etype = scheme.event_for_trigger(trigger.label)
            if etype is None:
                raise InputError(f"{where}: {trigger.label} spans carry no event", path, item.line)
            label = etype.name
        labels = {str(i): s.label for i, s in enumerate(spans)}
        args = [(role, str(i)) for role, i in e.args]
        problems = event_problems(scheme, label, trigger.label, args, labels, e.attrs)
        if problems:
            raise InputError(f"{where}: {problems[0]}", path, item.line)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__
