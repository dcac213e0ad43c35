"""Exporting a project: records per (article, annotator) and the writers per format.

Shared by the CLI and the GUI's export worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from annotator.core.errors import InputError
from annotator.core.fileio import atomic_output
from annotator.core.formats.jsonl import article_record, write_jsonl

FORMATS = {"jsonl": ".jsonl"}


def export_records(
    store,
    annotator: str | None = None,
    *,
    status: str | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Iterator[dict[str, Any]]:
    """JSONL records: one per (article, annotator) with work, one per untouched article."""
    pairs = store.annotated_pairs(annotator)
    by_article: dict[int, list[str]] = {}
    for article_id, name in pairs:
        by_article.setdefault(article_id, []).append(name)
    ids = sorted(by_article) if (annotator or status) else store.article_ids()
    for article_id in ids:
        if cancelled and cancelled():
            return
        names = by_article.get(article_id)
        if status:
            names = [n for n in names or [] if store.status(article_id, n) == status]
            if not names:
                continue
        article = store.article(article_id)
        if not names:
            yield article_record(article, [], None, None)
            continue
        for name in names:
            yield article_record(
                article, store.spans(article_id, name), name, store.status(article_id, name)
            )


def export(
    store,
    fmt: str,
    out: str,
    *,
    annotator: str | None = None,
    status: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> str:
    """Write the project in a format to OUT atomically; returns a one-line summary."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    if annotator and annotator not in store.annotators():
        raise InputError(f"no annotator {annotator!r} in this project")
    total = store.article_count()
    count = 0

    def counted():
        nonlocal count
        for record in export_records(store, annotator, status=status, cancelled=cancelled):
            count += 1
            if progress:
                progress(min(count, total), total)
            yield record

    with atomic_output(out) as fh:
        write_jsonl(counted(), fh)
        if cancelled and cancelled():
            raise InputError("export cancelled; nothing written")
    return f"exported {count} record(s) to {out}"
