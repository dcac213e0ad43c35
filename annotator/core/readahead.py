"""Folder import on every core (#17): worker processes read and check the files, one writer
stores them.

What a file needs before it is stored (its bytes decoded, headline and dateline found,
articles validated, model labels mapped and checked against the scheme) needs no
database, so worker processes do it (`ingest.read_checked`) while the import's one writer
only inserts. The outcomes come back in the order of the files, a few chunks in flight,
so an import through the pool stores the same rows under the same ids, and rejects the
same files with the same messages, as one that reads each file itself.

Each worker has a pipe of its own and takes the chunks in turn, so the writer receives
them in order in its own thread: no pool threads taking turns with the writer (a
`multiprocessing.Pool`'s cost the writer a sixth of its time). A worker never touches
the project: a cancelled or killed import loses nothing more than it would without
workers, a worker whose writer was killed reads the end of its pipe and exits, and the
files of a worker that died are read by the writer itself.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import signal
import threading
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from multiprocessing.reduction import ForkingPickler
from pathlib import Path

from annotator.core.parallel import default_jobs, start_method

POOL_MIN_FILES = 400  # fewer files than this are read in-process: workers take ~0.1–1 s to start
CHUNK_FILES = 32  # files per message: one pickled message each way per chunk, not per file
CHUNK_BYTES = 1 << 20  # a chunk closes early at this many bytes of files (bounds memory)
AHEAD = 8  # chunks given to each worker and not yet stored: more than a flush of the writer


def worker_count(jobs: int | None = None) -> int:
    """Readers beside the writer: JOBS, else one fewer than the cores (the writer keeps one
    busy itself); none on a single core, where a reader could only take the writer's turn."""
    return max(1, jobs) if jobs is not None else default_jobs() - 1


def read_chunk(paths: list[str], scheme) -> list:
    """The outcome of each file, as the writer would have it: (items, mapped) or the error."""
    from annotator.core.ingest import _attempt

    return [_attempt(Path(p), scheme) for p in paths]


def _serve(conn, parent_ends, scheme) -> None:
    """A worker: chunks of paths in, their outcomes out, until the pipe ends. A thread
    sends the outcomes, so the worker reads on while the writer is busy storing (the pipe
    holds only a few chunks); the writer gives each worker at most AHEAD chunks at once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the writer's to handle
    for end in parent_ends:  # a fork's copies of the writer's ends: the pipe ends with it
        end.close()
    done: queue.Queue = queue.Queue()

    def send() -> None:
        while True:
            try:
                conn.send_bytes(done.get())
            except OSError:
                os._exit(0)  # the writer stopped reading (a cancel, a kill)

    threading.Thread(target=send, daemon=True).start()
    while True:
        try:
            part = conn.recv()
        except (EOFError, OSError):
            return  # the writer is gone, or done
        done.put(ForkingPickler.dumps(read_chunk(part, scheme)))


def _chunks(paths: Sequence[Path], sizes: Mapping[Path, int]) -> Iterator[list[str]]:
    part: list[str] = []
    size = 0
    for p in paths:
        part.append(str(p))
        size += sizes.get(p, CHUNK_BYTES)  # a file named by the user: a chunk of its own
        if len(part) >= CHUNK_FILES or size >= CHUNK_BYTES:
            yield part
            part, size = [], 0
    if part:
        yield part


@contextmanager
def read_ahead(
    paths: Sequence[Path], scheme, jobs: int | None = None, sizes: Mapping[Path, int] | None = None
) -> Iterator[Iterator]:
    """The outcome of `read_checked(path, scheme)` for each of PATHS, in order: (items,
    mapped) or the AnnotatorError that rejects the file. Read by JOBS worker processes in
    chunks of CHUNK_FILES files or CHUNK_BYTES (by SIZES, the scan's), AHEAD chunks per
    worker in flight; leaving the block stops them (a cancel)."""
    method = start_method()
    ctx = multiprocessing.get_context(method)
    pipes = [ctx.Pipe() for _ in range(worker_count(jobs))]
    ours = [mine for mine, _theirs in pipes]
    procs = []
    for _mine, theirs in pipes:
        inherited = ours if method == "fork" else []
        proc = ctx.Process(target=_serve, args=(theirs, inherited, scheme), daemon=True)
        proc.start()
        theirs.close()  # only the worker holds its end: its death ends our reads
        procs.append(proc)

    def outcomes() -> Iterator:
        chunks = _chunks(paths, sizes or {})
        flight: deque = deque()  # (worker, paths) in the order given out
        turn = 0
        for part in chunks:
            ours[turn].send(part)
            flight.append((turn, part))
            turn = (turn + 1) % len(ours)
            if len(flight) >= AHEAD * len(ours):
                break
        while flight:
            worker, part = flight.popleft()
            try:
                result = pickle.loads(ours[worker].recv_bytes())
            except (EOFError, OSError):  # the worker died (killed, out of memory): read here
                yield from read_chunk(part, scheme)
                for _worker, rest in flight:
                    yield from read_chunk(rest, scheme)
                for rest in chunks:
                    yield from read_chunk(rest, scheme)
                return
            following = next(chunks, None)
            if following is not None:  # its next chunk before we store this one: no idle reader
                ours[worker].send(following)
                flight.append((worker, following))
            yield from result

    try:
        yield outcomes()
    finally:
        for conn in ours:
            conn.close()  # an idle worker reads the end of its pipe and exits
        for proc in procs:
            proc.terminate()  # one in the middle of a file (a cancel) holds nothing of ours
            proc.join()
