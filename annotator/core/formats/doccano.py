"""doccano's sequence-labelling JSONL: `text` and `label`, one object a line.

Written: every record has the same keys (`text`, `label`, `annotator`,
`title`, `source`, `published`, `article_id`; null where unknown), because
doccano's importer reads a batch into a table and a key missing from one
record becomes NaN, which its `JSON_VALID("meta")` check rejects. Each label
is `{"start_offset", "end_offset", "label"}`: doccano's importer parses that
shape as well as `[start, end, "LABEL"]`, and unlike the mixed-type list it
is one Arrow struct, so Hugging Face `datasets` loads the file as it is.

Read: `label` or `labels` holding `[start, end, "LABEL"]` lists or
`{start_offset|start, end_offset|end, label}` objects, and the `entities`
list of doccano's relation exports.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from annotator.core.errors import InputError
from annotator.core.jsonio import dumps
from annotator.core.model import ArticleIn, SpanIn
from annotator.core.span_rules import check_range
from annotator.core.textio import newline_offset_map, normalize_newlines
from annotator.core.validate import check_offset, optional_text

LABEL_KEYS = ("label", "labels", "entities")
META_KEYS = ("title", "source", "published", "article_id")


def record_to_doccano(record: dict[str, Any]) -> dict[str, Any]:
    meta = record.get("meta") or {}
    out = {
        "text": record["text"],
        "label": [
            {"start_offset": s["start"], "end_offset": s["end"], "label": s["label"]}
            for s in record["spans"]
        ],
        "annotator": record.get("_annotator_id"),
    }
    for key in META_KEYS:
        value = meta.get(key)
        out[key] = None if value is None else str(value)
    return out


def write_doccano(records: Iterable[dict[str, Any]], fh) -> int:
    n = 0
    for record in records:
        if record.get("answer", "accept") != "accept":
            continue
        fh.write(dumps(record_to_doccano(record)) + "\n")
        n += 1
    return n


def is_doccano(obj: Any) -> bool:
    return (
        isinstance(obj, dict)
        and "spans" not in obj
        and any(isinstance(obj.get(k), list) for k in LABEL_KEYS)
    )


def doccano_to_article(obj: dict[str, Any], path: str, line: int) -> ArticleIn:
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError('missing or empty "text"', path, line)
    raw = next(obj[k] for k in LABEL_KEYS if isinstance(obj.get(k), list))
    mapping = newline_offset_map(text)
    spans = []
    for item in raw:
        if isinstance(item, list | tuple) and len(item) == 3:
            start, end, label = item
        elif isinstance(item, dict):
            start = item.get("start_offset", item.get("start"))
            end = item.get("end_offset", item.get("end"))
            label = item.get("label")
        else:
            raise InputError("each label must be [start, end, LABEL]", path, line)
        check_offset(start, "label start", path, line)
        check_offset(end, "label end", path, line)
        if not isinstance(label, str):
            raise InputError("the label must be a string", path, line)
        check_range(start, end, len(text), path, line)
        if mapping:
            start, end = mapping[start], mapping[end]
        spans.append(SpanIn(start, end, label))
    annotator = obj.get("annotator") or obj.get("_annotator_id")
    if isinstance(annotator, int) and not isinstance(annotator, bool):
        annotator = str(annotator)  # doccano's user ids are numbers
    if annotator is not None and not isinstance(annotator, str):
        raise InputError('"annotator" must be a string or a user id', path, line)
    meta = {
        k: v
        for k, v in obj.items()
        if k
        not in (
            *LABEL_KEYS,
            "text",
            "annotator",
            "title",
            "source",
            "published",
            "article_id",
            "id",
        )
    }
    return ArticleIn(
        text=normalize_newlines(text) if mapping else text,
        title=optional_text(obj.get("title"), '"title"', path, line),
        source=optional_text(obj.get("source"), '"source"', path, line),
        published=optional_text(obj.get("published"), '"published"', path, line),
        meta=meta,
        spans=spans,
        annotator=annotator,
        line=line,
    )
