"""Pre-annotation on every core (#17): worker processes run the pipeline, one writer stores.

Each worker opens the project read-only once, loads the same pipeline (same
model, scheme, rules: the same `version`, checked) and turns batches of
(article id, text, publication date, boilerplate ranges) into suggestions,
plain offsets only. The calling process is the one writer: it reads the
texts, hands out batches, and stores the results in article order as
`nlp.preannotate` does (one transaction per article, with its frames), so a
killed run keeps whole articles and a re-run carries on.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path

from annotator.core.errors import InputError

_worker = None  # the pipeline of this worker process
_frames = None  # and its frame suggester (the parser the agreement frames use)


def default_jobs() -> int:
    """The machine's cores (those this process may use)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def start_method() -> str:
    """How worker processes start: forked where this process may fork, as bare
    `nlp.pipe(n_process=…)` does, so they share the pipeline already loaded here (its
    load took a worker 2–4 s); spawned (each loads it) under Qt, whose threads a fork
    would not carry, with another non-daemon thread running, or where fork is absent.
    A forked worker never uses the writer's SQLite connection: it opens its own."""
    import sys
    import threading

    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    if (
        "fork" in multiprocessing.get_all_start_methods()
        and threading.current_thread() is threading.main_thread()
        and all(t.daemon for t in others)  # a progress bar's monitor thread is one
        and not any(name.startswith("PySide6") for name in sys.modules)
    ):
        return "fork"
    return "spawn"


def _init(db: str, model: str | None, version: str, frames: bool = True) -> None:
    global _worker, _frames
    from annotator.core.event_frames import FrameSuggester
    from annotator.core.nlp import load_for_project
    from annotator.core.store import Store

    with Store(db, readonly=True) as store:
        _worker = load_for_project(store, model, frames)
    if _worker.version != version:
        raise InputError(f"a worker loaded {_worker.version}, not {version}")
    _frames = FrameSuggester.for_pipeline(_worker)


def _suggest(batch: list[tuple]) -> list[tuple[int, list, list]]:
    return suggest_batch(_worker, _frames, batch)


def suggest_batch(pipeline, frames, batch: list[tuple]) -> list[tuple[int, list, list]]:
    """(article id, span suggestions, frame suggestions) of each (article id, text, published,
    boilerplate ranges) of BATCH: the frames' parse runs in the worker too, not in the one
    writer. Shared by the worker processes of `--jobs` and the cluster's workers."""
    texts = {item[0]: item[1] for item in batch}
    found = [
        (aid, texts[aid], sugs) for aid, sugs in pipeline.suggest(batch, batch_size=len(batch))
    ]
    return [
        (aid, suggestions, events)
        for (aid, _text, suggestions), events in zip(found, frames.frames_many(found), strict=True)
    ]


def read_batches(
    store, ids: list[int], batch_size: int, cancelled: Callable[[], bool] | None = None
) -> Iterator[list[tuple]]:
    """The batches the workers take, read by the one writer: (article id, text, published,
    boilerplate ranges) of BATCH_SIZE articles at a time, in the order of IDS."""
    for i in range(0, len(ids), batch_size):
        if cancelled and cancelled():
            return
        chunk = ids[i : i + batch_size]
        texts = store.articles_bulk(chunk)
        ranges = store.boilerplate_bulk(chunk)
        yield [(a, texts[a].text, texts[a].published, ranges.get(a, [])) for a in chunk]


class Writer:
    """The one writer: stores a batch's results as `FrameSuggester.store` does, one
    transaction per article (its spans and frames), and reports progress."""

    def __init__(self, store, pipeline, total: int, progress=None, jsonl_out=None):
        from annotator.core.event_frames import FrameSuggester

        self.store, self.pipeline, self.total = store, pipeline, total
        self.progress, self.jsonl_out = progress, jsonl_out
        self.frames = FrameSuggester.for_pipeline(pipeline)
        self.done = 0

    def write(self, results: list[tuple[int, list, list]]) -> None:
        from annotator.core.nlp import _write_suggestion_record

        store = self.store
        for aid, suggestions, events in results:
            self.frames.write(store, aid, suggestions, events)  # spans' and frames' as one write
            if self.jsonl_out is not None:
                _write_suggestion_record(store, aid, self.pipeline, suggestions, self.jsonl_out)
            self.done += 1
            if self.progress:
                self.progress(self.done, self.total)


def preannotate_parallel(
    store,
    pipeline,
    model: str | None,
    jobs: int,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    batch_size: int = 32,
    jsonl_out=None,
) -> int:
    """`nlp.preannotate` over JOBS worker processes (MODEL as the caller named it, so
    workers load the same pipeline). Returns the number of articles processed."""
    ids = store.articles_without_suggestions(pipeline.name, pipeline.version)
    if not ids:
        return 0
    writer = Writer(store, pipeline, len(ids), progress, jsonl_out)
    ctx = multiprocessing.get_context(start_method())
    with ctx.Pool(
        jobs,
        initializer=_init,
        initargs=(str(Path(store.path)), model, pipeline.version, pipeline.frames),
    ) as pool:
        # batches are read here (the store is this thread's), a few per worker in flight,
        # and their results stored in the order given
        flight: deque = deque()
        for batch in read_batches(store, ids, batch_size, cancelled):
            flight.append(pool.apply_async(_suggest, (batch,)))
            if len(flight) >= 2 * jobs:
                writer.write(flight.popleft().get())
        while flight:
            writer.write(flight.popleft().get())
    return writer.done
