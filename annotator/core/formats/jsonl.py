"""The main exchange format: Prodigy-compatible JSONL, one object per (article, annotator).

Each record carries `text`, `tokens`, `spans` (start, end, label, token_start,
token_end, text, attrs, id, origin, timestamps), `meta`, `_input_hash`,
`_task_hash`, `answer` and `_annotator_id`. Reading it back is lossless for
spans: ids, attributes, origins and timestamps survive the round trip.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.formats.align import TokenIndex, token_dicts, tokenize
from annotator.core.model import Article, ArticleIn, Span, SpanIn
from annotator.core.textio import decode, newline_offset_map, normalize_newlines
from annotator.core.validate import check_json_value, check_offset, check_string, optional_text

META_FIELDS = ("title", "source", "published")


def _hash32(*parts: str) -> int:
    """Prodigy's hashes are signed 32-bit ints; ours derive from SHA-256 so they are stable."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


def article_record(
    article: Article,
    spans: list[Span],
    annotator: str | None,
    status: str | None,
    with_tokens: bool = True,
) -> dict[str, Any]:
    """The export record.

    Without tokens (for formats that tokenise themselves) it is cheap: no
    tokenisation and no Prodigy hashes, which only the JSONL file carries.
    """
    doc = tokenize(article.text) if with_tokens else None
    index = TokenIndex(doc) if doc is not None else None
    out_spans = []
    for s in spans:
        rng = index.token_range(s.start, s.end) if index is not None else None
        item: dict[str, Any] = {
            "start": s.start,
            "end": s.end,
            "label": s.label,
            "text": article.text[s.start : s.end],
        }
        if rng is not None:
            item["token_start"], item["token_end"] = rng
        item.update(
            attrs=s.attrs,
            id=s.uuid,
            origin=s.origin,
            created_at=s.created_at,
            updated_at=s.updated_at,
        )
        out_spans.append(item)
    meta: dict[str, Any] = dict(article.meta)
    meta.update(
        title=article.title,
        source=article.source,
        published=article.published,
        article_id=article.hash,
        status=status,
    )
    input_hash = task_hash = None
    if with_tokens:
        input_hash = _hash32(article.text)
        task_key = json.dumps(
            [(s["start"], s["end"], s["label"]) for s in out_spans], separators=(",", ":")
        )
        task_hash = _hash32(str(input_hash), annotator or "", task_key)
    return {
        "text": article.text,
        "meta": meta,
        "tokens": token_dicts(doc) if doc is not None else None,
        "spans": out_spans,
        "_input_hash": input_hash,
        "_task_hash": task_hash,
        "_view_id": "ner_manual",
        "answer": "accept",
        "_annotator_id": annotator,
    }


def rejection_record(article: Article, rejection: dict[str, Any]) -> dict[str, Any]:
    """A rejected suggestion as Prodigy writes one: the span, answer "reject"."""
    start, end, label = rejection["start"], rejection["end"], rejection["label"]
    input_hash = _hash32(article.text)
    return {
        "text": article.text,
        "meta": {"title": article.title, "article_id": article.hash, "model": rejection.get("model")},
        "spans": [{"start": start, "end": end, "label": label, "text": article.text[start:end]}],
        "_input_hash": input_hash,
        "_task_hash": _hash32(str(input_hash), rejection["annotator"], f"reject:{start}:{end}:{label}"),
        "_view_id": "ner",
        "answer": "reject",
        "_annotator_id": rejection["annotator"],
    }


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def write_jsonl(records: Iterable[dict[str, Any]], fh) -> int:
    n = 0
    for record in records:
        fh.write(dumps(record))
        fh.write("\n")
        n += 1
    return n


def record_to_article(obj: Any, path: str, line: int) -> ArticleIn:
    """One decoded JSON object to an ArticleIn, validating what import must refuse."""
    if not isinstance(obj, dict):
        raise InputError("expected a JSON object", path, line)
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError('missing or empty "text"', path, line)
    check_string(text, '"text"', path, line, limit=len(text))
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        raise InputError('"meta" must be an object', path, line)
    check_json_value(meta, '"meta"', path, line)
    meta = dict(meta)
    mapping = newline_offset_map(text)
    clean = normalize_newlines(text) if mapping else text
    fields = {k: meta.pop(k, None) for k in META_FIELDS}
    for k in ("article_id", "status"):
        meta.pop(k, None)
    raw_spans = obj.get("spans")
    spans = None
    if raw_spans is not None:
        if not isinstance(raw_spans, list):
            raise InputError('"spans" must be a list', path, line)
        spans = [_read_span(s, text, mapping, path, line) for s in raw_spans]
    annotator = obj.get("_annotator_id")
    if annotator is not None and not isinstance(annotator, str):
        raise InputError('"_annotator_id" must be a string', path, line)
    if not spans and annotator is None:
        spans = None  # a plain article, nobody's judgement
    return ArticleIn(
        text=clean,
        title=optional_text(fields["title"], "meta.title", path, line),
        source=optional_text(fields["source"], "meta.source", path, line),
        published=optional_text(fields["published"], "meta.published", path, line),
        meta=meta,
        spans=spans,
        annotator=annotator,
        line=line,
    )


def _read_span(s: Any, text: str, mapping: list[int] | None, path: str, line: int) -> SpanIn:
    if not isinstance(s, dict):
        raise InputError("each span must be an object", path, line)
    try:
        start, end, label = s["start"], s["end"], s["label"]
    except KeyError as exc:
        raise InputError(f"span without {exc.args[0]!r}", path, line) from None
    check_offset(start, "span start", path, line)
    check_offset(end, "span end", path, line)
    if not isinstance(label, str):
        raise InputError("span label must be a string", path, line)
    if not (0 <= start < end <= len(text)):
        raise InputError(
            f"span {start}-{end} lies outside the text ({len(text)} characters)", path, line
        )
    quoted = s.get("text")
    if isinstance(quoted, str) and quoted != text[start:end]:
        raise InputError(
            f"span {start}-{end} says {quoted!r} but the text there is {text[start:end]!r}"
            " (offsets must be code points)",
            path,
            line,
        )
    if mapping:
        start, end = mapping[start], mapping[end]
    attrs = s.get("attrs") or {}
    if not isinstance(attrs, dict):
        raise InputError("span attrs must be an object", path, line)
    where = f"span {start}-{end}"
    stamps = {}
    for key in ("origin", "created_at", "updated_at"):
        value = s.get(key)
        if value is not None and not isinstance(value, str):
            raise InputError(f"{where}: {key!r} must be a string", path, line)
        stamps[key] = value or None
    return SpanIn(
        start=start,
        end=end,
        label=label,
        attrs=attrs,
        uuid=s.get("id") if isinstance(s.get("id"), str) else None,
        origin=stamps["origin"] or "import",
        created_at=stamps["created_at"],
        updated_at=stamps["updated_at"],
    )


def iter_json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, object) for each non-blank line; a broken line rejects the file."""
    text = decode(path.read_bytes(), str(path))
    # split on "\n" only: U+2028 and friends may stand raw inside JSON strings
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            yield number, json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(f"malformed JSON ({exc.msg})", str(path), number) from None
        except RecursionError:
            raise InputError("JSON nested too deeply", str(path), number) from None


def read_jsonl(path: Path) -> list[ArticleIn]:
    """Our JSONL (and Prodigy's), or doccano's when a record carries `label`/`labels`."""
    from annotator.core.formats.doccano import doccano_to_article, is_doccano

    out: list[ArticleIn] = []
    for n, obj in iter_json_lines(path):
        if is_doccano(obj):
            out.append(doccano_to_article(obj, str(path), n))
            continue
        item = record_to_article(obj, str(path), n)
        if isinstance(obj, dict) and obj.get("answer") in ("reject", "ignore"):
            # a judgement on a suggestion, not annotations: remembered as a rejection
            item.rejected = item.spans or []
            item.spans = None
        out.append(item)
    return out
