"""spaCy's DocBin (`.spacy`), ready for `python -m spacy train`, and read back for review.

Spans are snapped to whole tokens the way every token format is
(`tokens.snap_to_tokens`); every span that had to move is counted and
reported, none is dropped silently. Each doc keeps, in `user_data`, the
annotator, the article's metadata and (article, annotator) status, and every
span as stored (offsets, label, attributes, id, origin, times), so reading a
`.spacy` file back gives the project's spans and statuses as they went out. Spans that
overlap another go only to `doc.spans["sc"]` and their tokens are marked
missing (not "O") in `doc.ents`, so NER training is not taught a wrong outside.
"""

from __future__ import annotations

import hashlib
import itertools
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, DocBin, Span

from annotator.core.errors import InputError
from annotator.core.model import ArticleIn, SpanIn, Status
from annotator.core.span_rules import precedence
from annotator.core.tokens import TokenIndex, blank_nlp, snap_to_tokens

SPANS_KEY = "sc"


@dataclass
class Alignment:
    adjusted: int = 0  # spans grown to token boundaries
    dropped: list[str] = field(default_factory=list)  # spans with no token at all

    def summary(self) -> str:
        out = f"{self.adjusted} span(s) expanded to token boundaries"
        if self.dropped:
            out += f"; {len(self.dropped)} span(s) covered no token: " + ", ".join(self.dropped[:5])
        return out


def record_to_doc(record: dict[str, Any], alignment: Alignment) -> Doc:
    nlp = blank_nlp()
    doc = nlp.make_doc(record["text"])
    index = TokenIndex(doc)
    spans = []
    for s in record["spans"]:
        snapped = snap_to_tokens(index, s["start"], s["end"])
        if snapped is None:
            alignment.dropped.append(f"{s['start']}-{s['end']}")
            continue
        start, end, first, last = snapped
        if (start, end) != (s["start"], s["end"]):
            alignment.adjusted += 1
        spans.append(Span(doc, first, last + 1, label=s["label"]))
    spans.sort(key=lambda sp: precedence(sp.start, sp.end, sp.label_))
    doc.spans[SPANS_KEY] = spans
    clean, missing = [], []
    for i, sp in enumerate(spans):
        overlaps = any(
            j != i and other.start < sp.end and sp.start < other.end
            for j, other in enumerate(spans)
        )
        (missing if overlaps else clean).append(sp)
    unknown = sorted({i for sp in missing for i in range(sp.start, sp.end)})
    doc.set_ents(clean, missing=[doc[i : i + 1] for i in unknown], default="outside")
    meta = record.get("meta") or {}
    doc.user_data["annotator"] = record.get("_annotator_id")
    doc.user_data["meta"] = {
        k: v for k, v in meta.items() if isinstance(v, str | int | float | bool)
    }
    doc.user_data["span_attrs"] = [
        [s.get("stored_start", s["start"]), s.get("stored_end", s["end"]), s["label"],
         s.get("attrs") or {}, s.get("id"), s.get("origin"), s.get("created_at"), s.get("updated_at")]
        for s in record["spans"]
    ]  # fmt: skip
    return doc


def split_key(record: dict[str, Any], seed: int) -> float:
    """A stable number in [0, 1) per article: the same article always lands in the same set."""
    article = (record.get("meta") or {}).get("article_id") or record["text"]
    digest = hashlib.sha256(f"{seed}:{article}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


# docs per DocBin file of a large export: memory stays flat. DocBin.to_bytes holds about
# four copies of a shard's token arrays at once (110 kB a news article), so a shard of
# 1,000 articles peaks near 140 MiB above the process; 5,000 peaked near 700.
SHARD_DOCS = 1_000


def write_spacy(
    records: Iterable[dict[str, Any]],
    out: Path,
    *,
    split: float | None = None,
    seed: int = 0,
    shard: int | None = None,
) -> tuple[dict[str, int], Alignment]:
    """Write one DocBin, or with `split` train.spacy and dev.spacy into the folder OUT.

    An export of more than SHARD docs is sharded (#17): OUT (or train.spacy and
    dev.spacy inside it) becomes a folder of DocBin files of SHARD docs each,
    which spaCy's corpus reader and `spacy train` take as they take one file, so
    configs keep their paths; peak memory is one shard's, not the corpus's. Only
    records wait to see which it is (a Doc weighs ten times its record), and each
    is let go once its Doc is in a shard.
    """
    shard = shard or SHARD_DOCS
    alignment = Alignment()
    accepted = (r for r in records if r.get("answer", "accept") == "accept")
    head = list(itertools.islice(accepted, shard + 1))
    if len(head) <= shard:
        docs = [(record, record_to_doc(record, alignment)) for record in head]
        return _write_small(docs, out, split, seed), alignment
    head.reverse()

    def drained() -> Iterator[dict[str, Any]]:
        while head:
            yield head.pop()
        yield from accepted

    docs = ((record, record_to_doc(record, alignment)) for record in drained())
    return _write_shards(docs, out, split, seed, shard), alignment


def _write_shards(docs, out: Path, split: float | None, seed: int, shard: int) -> dict[str, int]:
    """Folders of DocBin shards, built beside OUT and renamed into place at the end."""
    import shutil

    tmp = out.parent / f".{out.name}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    parts = {"": tmp} if split is None else {p: tmp / f"{p}.spacy" for p in ("train", "dev")}
    try:
        for folder in parts.values():
            folder.mkdir(parents=True)
    except OSError as exc:
        raise InputError(f"cannot create the folder ({exc.strerror})", str(out)) from None
    bins = {p: DocBin(store_user_data=True) for p in parts}
    counts = dict.fromkeys(parts, 0)
    files = dict.fromkeys(parts, 0)

    def flush(part: str) -> None:
        if len(bins[part]) == 0:
            return
        bins[part].to_disk(parts[part] / f"{files[part]:05d}.spacy")
        files[part] += 1
        bins[part] = DocBin(store_user_data=True)

    try:
        for record, doc in docs:
            part = "" if split is None else ("train" if split_key(record, seed) < split else "dev")
            bins[part].add(doc)
            counts[part] += 1
            if len(bins[part]) >= shard:
                flush(part)
        for part in parts:
            flush(part)
        targets = {"": out} if split is None else {p: out / f"{p}.spacy" for p in parts}
        if split is not None:
            out.mkdir(parents=True, exist_ok=True)
        for part, target in targets.items():
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
            os.replace(parts[part], target)
    except OSError as exc:
        raise InputError(f"cannot write ({exc.strerror or exc})", str(out)) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return counts


def _write_small(
    docs: list[tuple[dict[str, Any], Doc]], out: Path, split: float | None, seed: int
) -> dict[str, int]:
    """One DocBin, or with `split` train.spacy and dev.spacy into the folder OUT."""
    from annotator.core.fileio import atomic_output

    bins = {"train": DocBin(store_user_data=True), "dev": DocBin(store_user_data=True)}
    counts = {"train": 0, "dev": 0}
    keyed = []
    for record, doc in docs:
        if split is None:
            bins["train"].add(doc)
            counts["train"] += 1
        else:
            keyed.append((split_key(record, seed), doc))
    if split is None:
        with atomic_output(out, "wb") as fh:
            fh.write(bins["train"].to_bytes())
        return {"": counts["train"]}
    keyed.sort(key=lambda kd: kd[0])
    n_train = sum(1 for k, _ in keyed if k < split)
    if len(keyed) >= 2:  # both sets non-empty, or training has nothing to score on
        n_train = min(max(n_train, 1), len(keyed) - 1)
    for i, (_key, doc) in enumerate(keyed):
        part = "train" if i < n_train else "dev"
        bins[part].add(doc)
        counts[part] += 1
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the folder ({exc.strerror})", str(out)) from None
    # both files or neither: each is written and flushed beside its target before either is renamed
    with (
        atomic_output(out / "train.spacy", "wb") as train,
        atomic_output(out / "dev.spacy", "wb") as dev,
    ):
        for part, fh in (("train", train), ("dev", dev)):
            fh.write(bins[part].to_bytes())
            fh.flush()
            os.fsync(fh.fileno())
    return counts


def read_spacy(path: Path) -> list[ArticleIn]:
    """Docs back to articles: spans from doc.spans["sc"] (or doc.ents), attributes restored."""
    try:
        docs = list(DocBin().from_disk(path).get_docs(blank_nlp().vocab))
    except Exception as exc:  # a damaged or foreign file
        raise InputError(f"not a spaCy DocBin ({type(exc).__name__})", str(path)) from None
    out = []
    for i, doc in enumerate(docs, start=1):
        user = _user_data(doc, str(path), i)
        if user["stored"]:  # ours: the spans as they were stored, attributes and all
            spans = [_stored_span(row) for row in user["span_attrs"]]
        else:
            source = doc.spans[SPANS_KEY] if SPANS_KEY in doc.spans else doc.ents
            spans = [SpanIn(sp.start_char, sp.end_char, sp.label_) for sp in source]
        meta = dict(user["meta"])
        status = meta.pop("status", None)
        annotator = user["annotator"]
        out.append(
            ArticleIn(
                text=doc.text,
                title=meta.pop("title", None),
                source=meta.pop("source", None),
                published=meta.pop("published", None),
                meta={k: v for k, v in meta.items() if k != "article_id"},
                spans=spans if spans or annotator else None,
                annotator=annotator,
                status=status if status in set(Status) else None,
                line=i,
            )
        )
    return out


def _stored_span(row: list[Any]) -> SpanIn:
    start, end, label, attrs, uid = row[:5]
    origin, created, updated = (list(row[5:8]) + [None, None, None])[:3]
    return SpanIn(
        start, end, label, dict(attrs or {}), uuid=uid, origin=origin or "import",
        created_at=created, updated_at=updated,
    )  # fmt: skip


def _user_data(doc: Doc, path: str, number: int) -> dict[str, Any]:
    """The user data we write (annotator, meta, span_attrs), checked: another tool's may be anything."""
    from annotator.core.validate import check_json_value

    def bad(what: str) -> InputError:
        return InputError(f"doc {number}: user data {what}", path, number)

    data = doc.user_data if isinstance(doc.user_data, dict) else {}
    annotator = data.get("annotator")
    if annotator is not None and not isinstance(annotator, str):
        raise bad('"annotator" must be a string')
    meta = data.get("meta") or {}
    if not isinstance(meta, dict):
        raise bad('"meta" must be an object')
    check_json_value(meta, f"doc {number}: user data meta", path, number)
    rows = data.get("span_attrs") or []
    if not isinstance(rows, list | tuple):
        raise bad('"span_attrs" must be a list')
    span_attrs = []
    for row in rows:
        # five fields before issue 15, then origin, created and updated times
        if not (isinstance(row, list | tuple) and len(row) in (5, 8)):
            raise bad('"span_attrs" rows must be [start, end, label, attrs, id]')
        start, end, label, attrs, uid = row[:5]
        if any(not (x is None or isinstance(x, str)) for x in row[5:]):
            raise bad('"span_attrs" origin and times must be strings')
        if (
            isinstance(start, bool) or not isinstance(start, int)
            or isinstance(end, bool) or not isinstance(end, int)
            or not isinstance(label, str) or not isinstance(attrs, dict)
            or not (uid is None or isinstance(uid, str))
        ):  # fmt: skip
            raise bad('"span_attrs" rows must be [start, end, label, attrs, id]')
        check_json_value(attrs, f"doc {number}: span attrs", path, number)
        span_attrs.append(tuple(row))
    return {
        "annotator": annotator,
        "meta": meta,
        "span_attrs": span_attrs,
        "stored": "span_attrs" in data,
    }
