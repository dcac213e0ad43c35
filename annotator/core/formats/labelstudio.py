"""Label Studio exports: the JSON list of tasks, JSON-MIN, and one task a line in JSONL.

A task is `{"id", "data": {"text": ...}, "annotations": [...], "predictions": [...]}`.
Each annotation becomes one (article, annotator) record: results of type
`labels` are spans (one per label); per-region results (`choices`,
`textarea`, `rating`, `number`, `taxonomy`) that share a region's `id` become
that span's attributes under their `from_name`; `completed_by` names the
annotator (`labelstudio-<id>` for a bare user id, the e-mail where given);
`was_cancelled` makes the record a skip. Predictions become suggestions of
the model `model_version`.

JSON-MIN is one flat object per annotation: the task's data fields, the
annotator, and per control a list of regions (`{"start", "end", "text",
"labels" | "choices" | "text"}`) linked by their offsets.

Label Studio counts offsets in UTF-16 units, as JavaScript does: they are
converted to code points of the stored text (checked against the region's
`text` where the export has it). Relations and document-level choices are
not kept (see the README's format table).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import ArticleIn, SpanIn, Status
from annotator.core.span_rules import within
from annotator.core.textio import decode, newline_offset_map, normalize_newlines
from annotator.core.tokens import utf16_to_codepoints

REGION_VALUE_KEYS = ("choices", "textarea", "rating", "number", "taxonomy", "text")
_MIN_KEYS = {"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time"}


def is_task(obj: Any) -> bool:
    return isinstance(obj, dict) and isinstance(obj.get("data"), dict) and "spans" not in obj


def is_min(obj: Any) -> bool:
    """A JSON-MIN record: flat data with lists of Label Studio regions."""
    if not isinstance(obj, dict) or "spans" in obj or not isinstance(obj.get("text"), str):
        return False
    return any(_is_region_list(v) for v in obj.values())


def _is_region_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(
            isinstance(r, dict)
            and "start" in r
            and "end" in r
            and any(k in r for k in ("labels", *REGION_VALUE_KEYS))
            for r in value
        )
    )


def read_labelstudio_json(path: Path) -> list[ArticleIn]:
    content = decode(path.read_bytes(), str(path))
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON ({exc.msg} at line {exc.lineno})", str(path)) from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise InputError("expected a list of Label Studio tasks", str(path))
    out: list[ArticleIn] = []
    for n, obj in enumerate(data, start=1):
        out.extend(read_object(obj, str(path), n, where="task"))
    return out


def read_object(obj: Any, path: str, n: int, where: str = "line") -> list[ArticleIn]:
    """One task or JSON-MIN record; `n` is its line (JSONL) or position (JSON list)."""
    line = n if where == "line" else None
    try:
        if is_task(obj):
            return task_to_articles(obj, path, line)
        if is_min(obj):
            return [min_to_article(obj, path, line)]
        raise InputError('not a Label Studio task (no "data" object) nor a JSON-MIN record')
    except InputError as exc:
        if where == "task" and exc.line is None:
            raise InputError(f"task {n}: {exc.reason}", path) from None
        raise InputError(exc.reason, path, line) from None


def _annotator(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        name = value.get("email") or " ".join(
            p for p in (value.get("first_name"), value.get("last_name")) if p
        )
        return name or _annotator(value.get("id"))
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return f"labelstudio-{value}"
    return str(value)


class _Offsets:
    """Label Studio's UTF-16 offsets to code points of the stored (newline-normalised) text."""

    def __init__(self, text: str):
        self.raw = text
        self.utf16 = utf16_to_codepoints(text) if any(ord(c) > 0xFFFF for c in text) else None
        self.newlines = newline_offset_map(text)
        self.text = normalize_newlines(text) if self.newlines else text

    def convert(
        self, start: Any, end: Any, quoted: Any, path: str, line: int | None
    ) -> tuple[int, int]:
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
            raise InputError(f"region offsets must be integers, not {start!r}-{end!r}", path, line)
        candidates = []
        if self.utf16 is not None and 0 <= start < end < len(self.utf16):
            candidates.append((self.utf16[start], self.utf16[end]))
        candidates.append((start, end))  # a tool that wrote code points
        for s, e in candidates:
            if not within(s, e, len(self.raw)):
                continue
            if not isinstance(quoted, str) or self.raw[s:e] == quoted:
                if self.newlines:
                    s, e = self.newlines[s], self.newlines[e]
                return s, e
        if not isinstance(quoted, str):
            raise InputError(
                f"region {start}-{end} lies outside the task's text ({len(self.raw)} characters)",
                path,
                line,
            )
        raise InputError(
            f"region {start}-{end} does not match its text {quoted!r} in the task's text",
            path,
            line,
        )


def _region_value(r: dict[str, Any], kind: str) -> Any:
    value = r.get(kind)
    if kind == "textarea" or (kind == "text" and isinstance(value, list)):
        value = r.get("text")
        if isinstance(value, list):
            value = "\n".join(str(v) for v in value)
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value


def _results_to_spans(results: Any, offsets: _Offsets, path: str, line: int | None) -> list[SpanIn]:
    if not isinstance(results, list):
        raise InputError('"result" must be a list', path, line)
    spans: dict[str, list[SpanIn]] = {}
    extras: list[tuple[str, str, Any]] = []  # (region id, from_name, value)
    for r in results:
        if not isinstance(r, dict):
            raise InputError("each result must be an object", path, line)
        value = r.get("value") or {}
        kind = r.get("type")
        rid = str(r.get("id"))
        if kind in ("labels", "hypertextlabels") and isinstance(value, dict) and "labels" in value:
            s, e = offsets.convert(
                value.get("start"), value.get("end"), value.get("text"), path, line
            )
            labels = value["labels"]
            if not isinstance(labels, list) or not all(isinstance(lab, str) for lab in labels):
                raise InputError("region labels must be a list of strings", path, line)
            spans.setdefault(rid, []).extend(SpanIn(s, e, lab, {}) for lab in labels)
        elif kind in REGION_VALUE_KEYS and isinstance(value, dict) and "start" in value:
            extras.append((rid, str(r.get("from_name") or kind), _region_value(value, kind)))
    for rid, name, value in extras:
        for span in spans.get(rid, []):
            span.attrs[name] = value
    return [s for group in spans.values() for s in group]


def _fields(data: dict[str, Any], skip: set[str]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    text = data.get("text")
    if not isinstance(text, str):
        strings = [v for v in data.values() if isinstance(v, str)]
        text = max(strings, key=len) if strings else None
    if not isinstance(text, str) or not text.strip():
        raise InputError("the task has no text (data.text)")
    fields = {
        "title": data.get("title") or data.get("headline"),
        "source": data.get("source"),
        "published": data.get("published") or data.get("date"),
    }
    meta = {
        k: v for k, v in data.items()
        if k not in skip and k not in ("text", "title", "headline", "source", "published", "date")
        and not _is_region_list(v)
    }  # fmt: skip
    return text, {k: None if v is None else str(v) for k, v in fields.items()}, meta


def task_to_articles(task: dict[str, Any], path: str, line: int | None) -> list[ArticleIn]:
    text, fields, meta = _fields(task["data"], set())
    if task.get("id") is not None:
        meta["labelstudio_task"] = task["id"]
    offsets = _Offsets(text)
    base = dict(text=offsets.text, meta=meta, line=line, **fields)
    out = []
    for ann in task.get("annotations") or []:
        if not isinstance(ann, dict):
            raise InputError("each annotation must be an object", path, line)
        spans = _results_to_spans(ann.get("result") or [], offsets, path, line)
        annotator = _annotator(ann.get("completed_by"))
        status = Status.SKIPPED if ann.get("was_cancelled") else Status.DONE
        out.append(ArticleIn(**base, spans=spans, annotator=annotator, status=status))
    for pred in task.get("predictions") or []:
        if not isinstance(pred, dict):
            raise InputError("each prediction must be an object", path, line)
        suggestions = _results_to_spans(pred.get("result") or [], offsets, path, line)
        version = pred.get("model_version")
        out.append(ArticleIn(**base, suggestions=suggestions, model=str(version or "labelstudio"),
                             model_version=str(version or "")))  # fmt: skip
    if not out:
        out.append(ArticleIn(**base))
    return out


def min_to_article(obj: dict[str, Any], path: str, line: int | None) -> ArticleIn:
    text, fields, meta = _fields(obj, _MIN_KEYS)
    if obj.get("id") is not None:
        meta["labelstudio_task"] = obj["id"]
    offsets = _Offsets(text)
    by_offsets: dict[tuple[int, int], list[SpanIn]] = {}
    extras = []
    for name, regions in obj.items():
        if not _is_region_list(regions):
            continue
        for r in regions:
            s, e = offsets.convert(
                r.get("start"),
                r.get("end"),
                r.get("text") if "labels" in r or "choices" in r else None,
                path,
                line,
            )
            if "labels" in r:
                labels = r["labels"]
                if not isinstance(labels, list) or not all(isinstance(lab, str) for lab in labels):
                    raise InputError("region labels must be a list of strings", path, line)
                by_offsets.setdefault((s, e), []).extend(SpanIn(s, e, lab, {}) for lab in labels)
            else:
                kind = next(k for k in REGION_VALUE_KEYS if k in r)
                extras.append(
                    ((s, e), name, _region_value(r, "textarea" if kind == "text" else kind))
                )
    for key, name, value in extras:
        for span in by_offsets.get(key, []):
            span.attrs[name] = value
    spans = [s for group in by_offsets.values() for s in group]
    annotator = _annotator(obj.get("annotator"))
    return ArticleIn(text=offsets.text, meta=meta, line=line, spans=spans, annotator=annotator,
                     status=Status.DONE, **fields)  # fmt: skip
