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
import signal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.reduction import ForkingPickler
from pathlib import Path

from annotator.core.parallel import default_jobs, start_method

POOL_MIN_FILES = 400  # fewer files than this are read in-process: workers take ~0.1–1 s to start
CHUNK_FILES = 32  # files per message: one pickled message each way per chunk, not per file
CHUNK_BYTES = 1 << 20  # a chunk closes early at this many bytes of files (bounds memory)
AHEAD = 8  # chunks given to each worker and not yet stored: more than a flush of the writer
MAX_READERS = 4  # the writer keeps up with one or two on plain text; spawned, each is ~160 MiB


def worker_count(jobs: int | None = None) -> int:
    """Readers beside the writer: JOBS, else one fewer than the cores (the writer keeps one
    busy itself), at most MAX_READERS. Not fewer on a machine busy elsewhere: a starved
    reader costs little, as the writer then reads the chunks itself (measured on 2 busy
    cores, load 2–3: 20.8 / 17.8 s with a reader against 22.2 / 20.4 s without)."""
    if jobs is not None:
        return max(0, jobs)
    return min(MAX_READERS, default_jobs() - 1)


def read_chunk(paths: list[str], scheme) -> list:
    """The outcome of each file, as the writer would have it: (items, mapped) or the error."""
    from annotator.core.ingest import _attempt

    return [_attempt(Path(p), scheme) for p in paths]


def _serve(conn, parent_ends: list, scheme) -> None:
    """A worker: chunks of paths in, their outcomes out, until the pipe ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the writer's to handle
    for end in parent_ends:  # a fork's copies of the other ends: each pipe ends with its two
        end.close()
    _room_for_ahead(conn)
    import annotator.core.ingest  # noqa: F401  (spawned: loaded before it says it is ready)

    try:
        conn.send_bytes(b"")  # ready: the writer reads by itself until it hears this
    except OSError:
        return
    while True:
        try:
            part = conn.recv()
        except (EOFError, OSError):
            return  # the writer is gone, or done
        try:
            conn.send_bytes(ForkingPickler.dumps(read_chunk(part, scheme)))
        except OSError:
            return  # the writer stopped reading (a cancel)


def _room_for_ahead(conn) -> None:
    """A socket buffer that holds the AHEAD chunks' outcomes, so the worker reads on while the
    writer stores (Linux gives 208 KiB, three chunks); best effort, where the pipe is a socket."""
    try:
        import socket

        with socket.socket(fileno=os.dup(conn.fileno())) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, AHEAD * CHUNK_FILES * 4096)
    except (OSError, ValueError, AttributeError):
        pass  # the reads wait for the writer a little more often: the outcome is the same


def _chunks(files: Sequence[tuple[Path, int | None]]) -> Iterator[list[str]]:
    part: list[str] = []
    size = 0
    for p, n in files:
        part.append(str(p))
        size += CHUNK_BYTES if n is None else n  # a file named by the user: a chunk of its own
        if len(part) >= CHUNK_FILES or size >= CHUNK_BYTES:
            yield part
            part, size = [], 0
    if part:
        yield part


def _in_order(conns: list, chunks: Iterator[tuple[int, list[str]]], scheme) -> Iterator:
    """The outcomes of CHUNKS (numbered) in order, read by the workers at the other ends of
    CONNS, AHEAD chunks each in flight once it says it is ready. The writer reads the chunks
    no worker has (until one is ready: a spawned worker takes a second or more to start),
    and while the next chunk's worker is still at it, a later chunk (at most AHEAD so
    held): no core idles when the readers fall behind (a machine busy elsewhere). A worker
    that died leaves its chunks to the writer."""
    given: dict[int, tuple[int, list[str]]] = {}  # chunk -> (worker, paths): out, not back
    own: dict[int, list] = {}  # chunk -> its outcomes, read by the writer
    starting = list(range(len(conns)))  # workers not yet ready

    def give(worker: int) -> None:
        drawn = next(chunks, None)
        if drawn is None:
            return
        try:
            conns[worker].send(drawn[1])
        except OSError:  # the worker died
            own[drawn[0]] = read_chunk(drawn[1], scheme)
        else:
            given[drawn[0]] = (worker, drawn[1])

    seq = 0
    while True:
        for worker in [w for w in starting if conns[w].poll()]:
            starting.remove(worker)
            try:
                conns[worker].recv_bytes()  # its "ready"
            except (EOFError, OSError):
                continue  # died starting: it has nothing of ours
            for _ in range(AHEAD):
                give(worker)
        if seq in own:
            yield from own.pop(seq)
            seq += 1
            continue
        if seq not in given:  # no worker has it (none ready, or every one died): read here
            drawn = next(chunks, None)
            if drawn is None:
                return
            own[drawn[0]] = read_chunk(drawn[1], scheme)
            continue
        worker, part = given[seq]
        conn = conns[worker]
        if len(own) < AHEAD and not conn.poll():
            drawn = next(chunks, None)
            if drawn is not None:  # the worker is behind: a later chunk read here meanwhile
                own[drawn[0]] = read_chunk(drawn[1], scheme)
                continue
        try:
            result = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):  # the worker died (killed, out of memory): read here
            for n in [n for n, (w, _part) in given.items() if w == worker]:
                own[n] = read_chunk(given.pop(n)[1], scheme)
            continue
        del given[seq]
        give(worker)  # its next chunk before this one is stored: the worker reads on
        yield from result
        seq += 1


@contextmanager
def read_ahead(
    files: Sequence[tuple[Path, int | None]], scheme, workers: int
) -> Iterator[Iterator]:
    """The outcome of `read_checked(path, scheme)` for each (path, size) of FILES, in order: (items,
    mapped) or the AnnotatorError that rejects the file. Read by WORKERS processes in
    chunks of CHUNK_FILES files or CHUNK_BYTES (by the sizes the scan found), AHEAD chunks per
    worker in flight; leaving the block stops them (a cancel)."""
    method = start_method()
    ctx = multiprocessing.get_context(method)
    pipes = [ctx.Pipe() for _ in range(workers)]
    ours = [mine for mine, _theirs in pipes]
    procs = []
    for _mine, theirs in pipes:
        # a forked worker closes its copies of every other end (ours, and the later workers'),
        # so that a pipe ends when its two processes do: EOF on either side, never a hang
        others = [c for pair in pipes for c in pair if c is not theirs] if method == "fork" else []
        proc = ctx.Process(target=_serve, args=(theirs, others, scheme), daemon=True)
        proc.start()
        theirs.close()  # only the worker holds its end: its death ends our reads
        procs.append(proc)

    def outcomes() -> Iterator:
        return _in_order(ours, enumerate(_chunks(files)), scheme)

    try:
        yield outcomes()
    finally:
        for conn in ours:
            conn.close()  # an idle worker reads the end of its pipe and exits
        for proc in procs:
            proc.terminate()  # one in the middle of a file (a cancel) holds nothing of ours
            proc.join()
