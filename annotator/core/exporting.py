"""Exporting a project: records per (article, annotator), then one writer per format.

Every format is written from the same stream of JSONL-shaped records, so the
filters (annotator, gold, status) mean the same everywhere. Shared by the CLI
and the GUI's export worker; output is written atomically.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from annotator.core.boilerplate import spans_outside_boilerplate_bulk
from annotator.core.errors import InputError
from annotator.core.fileio import atomic_output
from annotator.core.formats.jsonl import ANSWERS, article_record, rejection_record, write_jsonl
from annotator.core.model import GOLD

CHUNK = 500  # articles fetched per query: bounded memory, few round trips

FORMATS = {
    "jsonl": ".jsonl",
    "spacy": ".spacy",
    "doccano": ".jsonl",
    "conll": ".conll",
    "hf": ".jsonl",
    "events": ".csv",
    "brat": "",
}
SEPARATORS = {"space": " ", "tab": "\t"}


def whose(annotator: str | None, gold: bool) -> str | None:
    """The annotator `--gold` / `--annotator` name (None: everyone's); both at once is an error."""
    if gold:
        if annotator and annotator != GOLD:
            raise InputError("give either --gold or --annotator, not both")
        return GOLD
    return annotator


def export_records(
    store,
    annotator: str | None = None,
    *,
    status: str | None = None,
    include_rejected: bool = False,
    include_untouched: bool = True,
    with_tokens: bool = True,
    minimal: bool = False,
    cancelled: Callable[[], bool] | None = None,
) -> Iterator[dict[str, Any]]:
    """Records: one per (article, annotator) with work, one per untouched article.

    With `include_rejected`, rejected suggestions follow their article as
    `answer: "reject"` records.
    """
    pairs = store.annotated_pairs(annotator)
    by_article: dict[int, list[str]] = {}
    for article_id, name in pairs:
        by_article.setdefault(article_id, []).append(name)
    everything = include_untouched and not (annotator or status)
    ids = store.article_ids() if everything else sorted(by_article)
    statuses = store.all_statuses()
    for chunk_start in range(0, len(ids), CHUNK):
        if cancelled and cancelled():
            return
        chunk = ids[chunk_start : chunk_start + CHUNK]
        articles = store.articles_bulk(chunk)
        # offsets and labels are all doccano and CoNLL write: skip full span rows for them
        spans = store.span_triples_bulk(chunk) if minimal else store.spans_bulk(chunk, annotator)
        spans = spans_outside_boilerplate_bulk(store, chunk, spans)  # #16: none from site furniture
        events = {} if minimal else store.events_bulk(chunk, annotator)
        for article_id in chunk:
            names = by_article.get(article_id) or []
            if status:
                names = [n for n in names if statuses.get((article_id, n), "todo") == status]
                if not names:
                    continue
            article = articles[article_id]
            if not names:
                yield article_record(article, [], None, None, with_tokens)
                continue
            for name in names:
                if minimal:
                    yield minimal_record(
                        article,
                        spans.get((article_id, name), []),
                        name,
                        statuses.get((article_id, name), "todo"),
                    )
                    continue
                yield article_record(
                    article,
                    spans.get((article_id, name), []),
                    name,
                    statuses.get((article_id, name), "todo"),
                    with_tokens,
                    events.get((article_id, name), []),
                )
                if include_rejected:
                    for rejection in store.rejections(article_id, name):
                        yield rejection_record(article, rejection)


def minimal_record(
    article, triples: list[tuple[int, int, str]], annotator: str | None, status: str = "done"
) -> dict[str, Any]:
    """Text, metadata and bare spans: the record doccano, CoNLL and hf writers need."""
    record = {
        "text": article.text,
        "meta": {"title": article.title, "source": article.source, "published": article.published,
                 "article_id": article.hash, "status": status},
        "spans": [{"start": s, "end": e, "label": lab} for s, e, lab in triples],
        "_annotator_id": annotator,
    }  # fmt: skip
    answer = ANSWERS.get(status)
    if answer is not None:
        record["answer"] = answer
    return record


def export(
    store,
    fmt: str,
    out: str | Path,
    *,
    annotator: str | None = None,
    gold: bool = False,
    status: str | None = None,
    include_rejected: bool = False,
    split: float | None = None,
    seed: int = 0,
    sep: str = "space",
    per: str = "sentence",
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> str:
    """Write the project in a format to OUT; returns a one-line summary."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    annotator = whose(annotator, gold)
    if annotator and annotator not in store.annotators():
        raise InputError(
            "the project has no gold annotations yet: adjudicate in review mode first"
            if annotator == GOLD
            else f"no annotator {annotator!r} in this project"
        )
    if include_rejected and fmt != "jsonl":
        raise InputError("--include-rejected is for the jsonl format only")
    if split is not None and fmt != "spacy":
        raise InputError("--split is for the spacy format only")
    if sep != "space" and fmt != "conll":
        raise InputError("--sep is for the conll format only")
    if sep not in SEPARATORS:
        raise InputError(f"unknown separator {sep!r} (known: {', '.join(SEPARATORS)})")
    if per not in ("sentence", "article"):
        raise InputError("--per must be sentence or article")
    if split is not None and not 0 < split < 1:
        raise InputError("--split must be between 0 and 1, e.g. 0.8")
    if fmt == "brat":
        from annotator.core.formats.brat import write_brat

        records = export_records(store, annotator, status=status, include_untouched=False,
                                 with_tokens=False, cancelled=cancelled)  # fmt: skip
        docs, folders = write_brat(records, out, store.scheme)
        return f"exported {docs} document(s) of {folders} annotator(s) to {out} (brat standoff)"
    if fmt == "events":
        from annotator.core.formats.events_table import event_rows, write_events_table

        if Path(out).suffix.lower() not in (".csv", ".jsonl"):
            raise InputError("--format events writes .csv or .jsonl: name the --out file so")
        rows = write_events_table(event_rows(store, annotator), out)
        return f"exported {rows} event(s) to {out}"
    total = store.article_count()
    count = 0
    snapped = 0

    def counted():
        nonlocal count, snapped
        for record in export_records(
            store,
            annotator,
            status=status,
            include_rejected=include_rejected,
            # training formats want annotated documents, not the raw corpus
            include_untouched=fmt == "jsonl",
            with_tokens=fmt == "jsonl",
            minimal=fmt in ("doccano", "conll", "hf"),
            cancelled=cancelled,
        ):
            count += 1
            snapped += sum(1 for sp in record["spans"] if "stored_start" in sp)
            if progress:
                progress(min(count, total), total)
            yield record
        if cancelled and cancelled():
            raise InputError("export cancelled; nothing written")

    out = Path(out)
    if fmt == "spacy":
        from annotator.core.formats.spacy_docbin import write_spacy

        counts, alignment = write_spacy(counted(), out, split=split, seed=seed)
        where = ", ".join(f"{n} {part}".strip() for part, n in counts.items())
        return f"exported {where} doc(s) to {out}; {alignment.summary()}"
    if fmt == "hf":
        from annotator.core.formats.hf import write_hf, write_labels

        with atomic_output(out) as fh:
            rows, names, stats = write_hf(counted(), fh, store.scheme.names, per=per)
        labels = write_labels(out, names)
        return f"exported {rows} {per}(s) to {out}, tag names in {labels}; {stats.summary()}"
    if fmt == "conll":
        from annotator.core.formats.conll import write_conll

        with atomic_output(out) as fh:
            docs, stats = write_conll(counted(), fh, sep=SEPARATORS[sep])
        return f"exported {docs} document(s) to {out}; {stats.summary()}"
    with atomic_output(out) as fh:
        if fmt == "jsonl":
            write_jsonl(counted(), fh)
        else:
            from annotator.core.formats.doccano import write_doccano

            write_doccano(counted(), fh)
    if fmt == "jsonl":
        return f"exported {count} record(s) to {out}; {snapped} span(s) snapped to token boundaries"
    return f"exported {count} record(s) to {out}"
