"""The main exchange format: Prodigy-compatible JSONL, one object per (article, annotator).

Each record carries `text`, `tokens`, `spans` (start, end, label, token_start,
token_end, text, attrs, id, origin, timestamps), `meta`, `_input_hash`,
`_task_hash`, `answer` and `_annotator_id`. Reading it back is lossless:
span ids, attributes, origins, timestamps and the (article, annotator)
status survive the round trip.

Event frames ride along twice: `events` (id, label, trigger span id, attrs,
args of {role, span id}, origin, times), which reads back losslessly, and
`relations` in Prodigy's `rel.manual` shape, for Prodigy and spaCy relation
training: one relation per argument, head = the trigger, child = the
argument, label = the role, `head`/`child` the token index of the span's last
token (as Prodigy writes them and spaCy's relation-extraction project reads
them), `head_span`/`child_span` the spans. A file with `relations` and no
`events` (from Prodigy) reads back as one event per head span.

`answer` says what Prodigy would: `accept` for finished work, `ignore` for a
skipped article; records nobody finished (untouched, todo, in progress)
carry none, so `prodigy db-in` never takes them as gold. Spans are snapped
to whole tokens (`tokens.snap_to_tokens`) so `start/end` agree with
`token_start/token_end`; a span that had to move keeps its stored offsets in
`stored_start/stored_end`, which the reader prefers.

Reading follows Prodigy's `db-out` meaning: `answer: "ignore"` is a skip, the
last answer per (text, annotator) by `_timestamp` replaces earlier ones, and
`_session_id` names the annotator when `_annotator_id` is absent. A record
with no answer and no annotator whose spans come from a model (our
`preannotate --jsonl`) is read as that model's suggestions.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.jsonio import dumps, iter_json_lines, stream_json_lines, stream_lines
from annotator.core.model import Article, ArticleIn, Event, EventIn, Span, SpanIn, Status
from annotator.core.span_rules import check_range, within
from annotator.core.textio import newline_offset_map, normalize_newlines
from annotator.core.tokens import TokenIndex, snap_to_tokens, token_dicts, tokenize
from annotator.core.validate import check_offset, optional_text

__all__ = ["dumps", "iter_json_lines"]  # re-exported: older callers import them from here

META_FIELDS = ("title", "source", "published")

# what Prodigy's `answer` says for each of our statuses; the others carry none
ANSWERS = {Status.DONE: "accept", Status.SKIPPED: "ignore"}


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
    events: list[Event] | None = None,
) -> dict[str, Any]:
    """The export record.

    Without tokens (for formats that tokenise themselves) it is cheap: no
    tokenisation and no Prodigy hashes, which only the JSONL file carries.
    With EVENTS (the annotator's), the record carries `events` and `relations`;
    an event whose trigger is not among SPANS is left out, and so is an argument.
    """
    doc = tokenize(article.text) if with_tokens else None
    index = TokenIndex(doc) if doc is not None else None
    out_spans = []
    for s in spans:
        item: dict[str, Any] = {"start": s.start, "end": s.end, "label": s.label}
        snapped = snap_to_tokens(index, s.start, s.end) if index is not None else None
        if snapped is not None:
            start, end, item["token_start"], item["token_end"] = snapped
            if (start, end) != (s.start, s.end):
                item.update(start=start, end=end, stored_start=s.start, stored_end=s.end)
        item["text"] = article.text[item["start"] : item["end"]]
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
    out = {
        "text": article.text,
        "meta": meta,
        "tokens": token_dicts(doc) if doc is not None else None,
        "spans": out_spans,
        "_input_hash": input_hash,
        "_task_hash": task_hash,
        "_view_id": "ner_manual",
        "_annotator_id": annotator,
    }
    if events is not None:
        out["events"], out["relations"] = event_items(events, out_spans)
    answer = ANSWERS.get(status) if annotator is not None else None
    if answer is not None:
        out["answer"] = answer
    return out


_SPAN_KEYS = ("start", "end", "token_start", "token_end", "label")


def event_items(
    events: Iterable[Event], out_spans: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(events, relations) of a record whose exported spans are OUT_SPANS."""
    by_id = {item["id"]: item for item in out_spans}
    items, relations = [], []
    for e in events:
        head = by_id.get(e.trigger)
        if head is None:
            continue
        args = [(role, uid) for role, uid in e.args if uid in by_id]
        items.append({
            "id": e.uuid, "label": e.label, "trigger": e.trigger, "attrs": e.attrs,
            "args": [{"role": role, "span": uid} for role, uid in args],
            "origin": e.origin, "created_at": e.created_at, "updated_at": e.updated_at,
        })  # fmt: skip
        if "token_end" not in head:
            continue
        for role, uid in args:
            child = by_id[uid]
            if "token_end" in child:
                relations.append({
                    "head": head["token_end"], "child": child["token_end"],
                    "head_span": {k: head[k] for k in _SPAN_KEYS},
                    "child_span": {k: child[k] for k in _SPAN_KEYS},
                    "label": role,
                })  # fmt: skip
    return items, relations


def suggestion_record(article: Article, suggestions, model: str, version: str) -> dict[str, Any]:
    """A model's proposals for an article as a Prodigy stream task: spans, no answer.

    Prodigy shows a task's spans pre-highlighted for a person to correct; with
    no `answer` and no `_annotator_id` nobody has judged it, and our reader
    stores the spans as the model's suggestions.
    """
    doc = tokenize(article.text)
    index = TokenIndex(doc)
    out_spans = []
    for s in suggestions:
        item: dict[str, Any] = {"start": s.start, "end": s.end, "label": s.label}
        snapped = snap_to_tokens(index, s.start, s.end)
        if snapped is not None:
            start, end, item["token_start"], item["token_end"] = snapped
            if (start, end) != (s.start, s.end):
                item.update(start=start, end=end, stored_start=s.start, stored_end=s.end)
        item.update(text=article.text[item["start"] : item["end"]], attrs=s.attrs, source=model)
        out_spans.append(item)
    input_hash = _hash32(article.text)
    return {
        "text": article.text,
        "meta": {"title": article.title, "source": article.source, "published": article.published,
                 "article_id": article.hash, "model": model, "model_version": version},
        "tokens": token_dicts(doc),
        "spans": out_spans,
        "_input_hash": input_hash,
        "_task_hash": _hash32(str(input_hash), model, version),
        "_view_id": "ner_manual",
    }  # fmt: skip


def rejection_record(article: Article, rejection: dict[str, Any]) -> dict[str, Any]:
    """A rejected suggestion as Prodigy writes one: the span, answer "reject"."""
    start, end, label = rejection["start"], rejection["end"], rejection["label"]
    input_hash = _hash32(article.text)
    return {
        "text": article.text,
        "meta": {
            "title": article.title,
            "article_id": article.hash,
            "model": rejection.get("model"),
        },
        "spans": [{"start": start, "end": end, "label": label, "text": article.text[start:end]}],
        "_input_hash": input_hash,
        "_task_hash": _hash32(
            str(input_hash), rejection["annotator"], f"reject:{start}:{end}:{label}"
        ),
        "_view_id": "ner",
        "answer": "reject",
        "_annotator_id": rejection["annotator"],
    }


def write_jsonl(records: Iterable[dict[str, Any]], fh) -> int:
    n = 0
    for record in records:
        fh.write(dumps(record))
        fh.write("\n")
        n += 1
    return n


def record_to_article(obj: Any, path: str, line: int, session_prefix: str = "") -> ArticleIn:
    """One decoded JSON object to an ArticleIn, validating what import must refuse."""
    if not isinstance(obj, dict):
        raise InputError("expected a JSON object", path, line)
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError('missing or empty "text"', path, line)
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        raise InputError('"meta" must be an object', path, line)
    meta = dict(meta)
    mapping = newline_offset_map(text)
    clean = normalize_newlines(text) if mapping else text
    fields = {k: meta.pop(k, None) for k in META_FIELDS}
    meta.pop("article_id", None)
    status = meta.pop("status", None)
    if status is not None and status not in set(Status):
        raise InputError(f"unknown status {status!r} (known: {', '.join(Status)})", path, line)
    raw_spans = obj.get("spans")
    spans = None
    events = None
    if raw_spans is not None:
        if not isinstance(raw_spans, list):
            raise InputError('"spans" must be a list', path, line)
        spans = [_read_span(s, text, mapping, path, line) for s in raw_spans]
        events = read_events(obj, raw_spans, path, line)
    annotator = obj.get("_annotator_id")
    if annotator is not None and not isinstance(annotator, str):
        raise InputError('"_annotator_id" must be a string', path, line)
    session = obj.get("_session_id")
    if annotator is None and isinstance(session, str) and session:
        annotator = session_annotator(session, session_prefix)
    answer = obj.get("answer")
    if status is None and answer == "ignore":
        status = Status.SKIPPED  # Prodigy's "ignore" is a skip, not a judgement on spans
    item = ArticleIn(
        text=clean,
        title=optional_text(fields["title"], "meta.title", path, line),
        source=optional_text(fields["source"], "meta.source", path, line),
        published=optional_text(fields["published"], "meta.published", path, line),
        meta=meta,
        spans=spans,
        annotator=annotator,
        status=status,
        line=line,
        events=events,
    )
    if annotator is None and answer is None and spans and _is_model_output(obj, meta):
        # a model's pre-annotation (ours or a Prodigy stream task): suggestions, not answers
        item.suggestions, item.spans = spans, None
        item.model = str(meta.pop("model", None) or raw_spans[0].get("source") or "import")
        item.model_version = str(meta.pop("model_version", "") or "")
    elif not spans and annotator is None:
        item.spans = None  # a plain article, nobody's judgement
    elif spans is None and annotator is not None and status is not None:
        item.spans = []  # a status without spans (a skip) is still somebody's work
    return item


def read_events(
    obj: dict[str, Any], raw_spans: list[Any], path: str, line: int
) -> list[EventIn] | None:
    """The record's `events` (or, without them, its Prodigy `relations`), their spans
    resolved to indices into the record's spans; a span id or span that is not the
    record's is an error naming the event."""
    raw = obj.get("events")
    if raw is None:
        return _relations_as_events(obj.get("relations"), raw_spans, path, line)
    if not isinstance(raw, list):
        raise InputError('"events" must be a list', path, line)
    ids = {s.get("id"): i for i, s in enumerate(raw_spans) if isinstance(s.get("id"), str)}
    out = []
    for n, e in enumerate(raw, 1):
        where = f"event {n}"
        if not isinstance(e, dict):
            raise InputError(f"{where} must be an object", path, line)

        def span(ref: Any, what: str, where: str = where) -> int:
            if ref not in ids:
                raise InputError(f"{where}: {what} {ref!r} is not the id of a span of this record",
                                 path, line)  # fmt: skip
            return ids[ref]

        args = e.get("args") or []
        if not isinstance(args, list) or not all(isinstance(a, dict) for a in args):
            raise InputError(
                f'{where}: "args" must be a list of {{"role", "span"}} objects', path, line
            )
        attrs = e.get("attrs") or {}
        if not isinstance(attrs, dict):
            raise InputError(f'{where}: "attrs" must be an object', path, line)
        for key in ("id", "label", "origin", "created_at", "updated_at"):
            if e.get(key) is not None and not isinstance(e[key], str):
                raise InputError(f"{where}: {key!r} must be a string", path, line)
        roles = []
        for a in args:
            if not isinstance(a.get("role"), str):
                raise InputError(f"{where}: an argument without a role", path, line)
            roles.append((a["role"], span(a.get("span"), f"{a['role']} span")))
        out.append(EventIn(
            trigger=span(e.get("trigger"), "trigger"), args=roles, label=e.get("label"),
            attrs=attrs, uuid=e.get("id"), origin=e.get("origin") or "import",
            created_at=e.get("created_at"), updated_at=e.get("updated_at"),
        ))  # fmt: skip
    return out


def _relations_as_events(
    raw: Any, raw_spans: list[Any], path: str, line: int
) -> list[EventIn] | None:
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise InputError('"relations" must be a list', path, line)
    places = {(s.get("start"), s.get("end")): i for i, s in enumerate(raw_spans)}
    events: dict[int, EventIn] = {}
    for n, r in enumerate(raw, 1):
        where = f"relation {n}"
        if not isinstance(r, dict) or not isinstance(r.get("label"), str):
            raise InputError(f"{where} must be an object with a label", path, line)
        found = []
        for end in ("head_span", "child_span"):
            sp = r.get(end)
            key = (sp.get("start"), sp.get("end")) if isinstance(sp, dict) else None
            if key not in places:
                raise InputError(f"{where}: its {end} is not one of the record's spans", path, line)
            found.append(places[key])
        head, child = found
        events.setdefault(head, EventIn(trigger=head)).args.append((r["label"], child))
    return list(events.values())


def _is_model_output(obj: dict[str, Any], meta: dict[str, Any]) -> bool:
    spans = obj.get("spans") or []
    return bool(meta.get("model")) or all(
        isinstance(s, dict) and (s.get("source") or str(s.get("origin", "")).startswith("model:"))
        for s in spans
    )


# an unnamed Prodigy session is the dataset name and a timestamp
_TIMESTAMP_SESSION = re.compile(r"\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d$")


def session_annotator(session: str, prefix: str) -> str:
    """The person behind a Prodigy `_session_id` (`"<dataset>-<session name>"`).

    Prodigy names a session after the dataset and the `?session=` name; the
    dataset prefix (common to the file's sessions) is dropped as Prodigy's
    own session lists do. An unnamed, timestamped session keeps its full id.
    """
    if _TIMESTAMP_SESSION.search(session):
        return session
    if prefix and session.startswith(prefix) and len(session) > len(prefix):
        return session[len(prefix) :]
    return session


def session_prefix(sessions: set[str]) -> str:
    """The dataset prefix shared by a file's named sessions, ending with '-', or ''."""
    named = sorted(s for s in sessions if not _TIMESTAMP_SESSION.search(s))
    if not named:
        return ""
    if len(named) == 1:
        head, sep, _tail = named[0].rpartition("-")
        return head + sep if sep else ""
    first, last = named[0], named[-1]
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    common = first[:n]
    return common[: common.rfind("-") + 1] if "-" in common else ""


def _read_span(s: Any, text: str, mapping: list[int] | None, path: str, line: int) -> SpanIn:
    if not isinstance(s, dict):
        raise InputError("each span must be an object", path, line)
    try:
        start, end, label = s["start"], s["end"], s["label"]
    except KeyError as exc:
        raise InputError(f"span without {exc.args[0]!r}", path, line) from None
    stored = s.get("stored_start"), s.get("stored_end")
    if all(isinstance(x, int) for x in stored) and isinstance(start, int) and isinstance(end, int):
        # snapped to tokens on export: the span as it was annotated comes back
        quoted = s.get("text")
        if not within(start, end, len(text)) or (
            isinstance(quoted, str) and quoted != text[start:end]
        ):
            raise InputError(f"span {start}-{end} does not match its text", path, line)
        start, end = stored
        s = {k: v for k, v in s.items() if k != "text"}
    check_offset(start, "span start", path, line)
    check_offset(end, "span end", path, line)
    if not isinstance(label, str):
        raise InputError("span label must be a string", path, line)
    check_range(start, end, len(text), path, line)
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


Dialect = Callable[[Any, str, int], list[ArticleIn] | None]


def read_jsonl(path: Path, other: Dialect | None = None) -> list[ArticleIn]:
    """Our JSONL (and Prodigy's); `other(obj, path, line)` reads a line of another tool's
    dialect, or says None (core/readers.py passes Label Studio's and doccano's)."""
    return _articles(path, list(iter_json_lines(path)), other)


def iter_jsonl(path: Path, other: Dialect | None = None) -> Iterator[ArticleIn]:
    """`read_jsonl` in a stream: one line in memory at a time.

    Prodigy's session names and "newest answer wins" depend on the whole file:
    at the first record that needs them, one extra pass reads only the lines
    that carry `_session_id` or `_timestamp`. Raises `NotStreamable` for a file
    that is not plain UTF-8 (read it with `read_jsonl`).
    """
    return _articles(path, stream_json_lines(path), other, streamed=True)


def _is_prodigy_answer(obj: Any) -> bool:
    return isinstance(obj, dict) and ("_session_id" in obj or "_timestamp" in obj)


def _sessions(rows: Iterable[tuple[int, Any]]) -> set[str]:
    return {
        obj["_session_id"]
        for _n, obj in rows
        if isinstance(obj, dict)
        and isinstance(obj.get("_session_id"), str)
        and "_annotator_id" not in obj
    }


def _newest_answers(
    path: Path, rows: list[tuple[int, Any]], prefix: str, other: Dialect | None
) -> dict:
    """(text hash, annotator) -> line of the newest answer, for Prodigy's timestamped answers."""
    newest: dict[tuple[str, str], tuple[float, int]] = {}
    for n, obj in rows:
        if not isinstance(obj, dict) or not isinstance(obj.get("_timestamp"), int | float):
            continue
        try:
            foreign = other(obj, str(path), n) if other is not None else None
        except InputError:
            continue  # the reading pass rejects the file at this line
        if foreign is not None:
            continue
        if obj.get("answer") == "reject":
            continue
        try:
            item = record_to_article(obj, str(path), n, prefix)
        except InputError:
            continue  # the reading pass rejects the file at this line
        if item.annotator is None:
            continue
        key = (hashlib.sha256(item.text.encode()).hexdigest(), item.annotator)
        stamp = (float(obj["_timestamp"]), n)
        if key not in newest or stamp >= newest[key]:
            newest[key] = stamp
    return {key: n for key, (_stamp, n) in newest.items()}


def _articles(
    path: Path, rows: Iterable[tuple[int, Any]], other: Dialect | None, streamed: bool = False
):
    """The articles of ROWS ((line, object) pairs) in file order, newest Prodigy answers only."""
    prepared: tuple[str, dict] | None = None

    def prepare() -> tuple[str, dict]:
        if streamed:  # a second, cheap pass over the lines that matter
            marked = []
            for n, raw in enumerate(stream_lines(path), start=1):
                if '"_session_id"' in raw or '"_timestamp"' in raw:
                    try:
                        marked.append((n, json.loads(raw)))
                    except (ValueError, RecursionError):
                        pass  # the reading pass rejects the file at this line
        else:
            marked = [(n, obj) for n, obj in rows if _is_prodigy_answer(obj)]  # type: ignore[union-attr]
        prefix = session_prefix(_sessions(marked))
        return prefix, _newest_answers(path, marked, prefix, other)

    def generate() -> Iterator[ArticleIn]:
        nonlocal prepared
        for n, obj in rows:
            foreign = other(obj, str(path), n) if other is not None else None
            if foreign is not None:
                yield from foreign
                continue
            if prepared is None and _is_prodigy_answer(obj):
                prepared = prepare()
            prefix, newest = prepared or ("", {})
            item = record_to_article(obj, str(path), n, prefix)
            if (
                obj.get("answer") != "reject"
                and isinstance(obj.get("_timestamp"), int | float)
                and item.annotator is not None
            ):
                key = (hashlib.sha256(item.text.encode()).hexdigest(), item.annotator)
                if newest.get(key, n) != n:
                    continue  # an older answer, replaced by a newer one in the file
            if obj.get("answer") == "reject":
                # a judgement on a suggestion, not annotations: remembered as a rejection
                item.rejected = item.spans or []
                item.spans = None
            yield item

    return generate() if streamed else list(generate())
