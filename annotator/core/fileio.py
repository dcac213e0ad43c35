"""Writing files so that a failure never leaves a partial one behind.

The temporary file sits beside the target (`.NAME.XXXX.part`), is locked
while it is written, takes the permissions the umask gives any new file
(mkstemp alone would make it 0600), and is removed on any failure, Ctrl+C
included. One left by a killed run is unlocked, so the next write removes it.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from annotator.core.errors import InputError

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; leftovers are removed by age instead
    fcntl = None

_UMASK_LOCK = threading.Lock()
_STALE_SECONDS = 24 * 3600  # without locks: a .part older than this is a dead run's


def current_umask() -> int:
    """The process umask (reading it means setting it; the lock keeps threads from racing)."""
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def remove_leftovers(target: Path) -> int:
    """Remove `.part` files of TARGET that no running writer holds; returns how many."""
    parent = target.parent if str(target.parent) else Path(".")
    removed = 0
    try:
        candidates = list(parent.glob(f".{_glob_escape(target.name)}.*.part"))
    except OSError:
        return 0
    for part in candidates:
        try:
            if fcntl is not None:
                fd = os.open(part, os.O_RDWR)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    continue  # another process is writing it right now
                else:
                    part.unlink()
                finally:
                    os.close(fd)
            else:
                import time

                if time.time() - part.stat().st_mtime < _STALE_SECONDS:
                    continue
                part.unlink()
            removed += 1
        except OSError:
            continue
    return removed


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


@contextmanager
def atomic_output(path: str | Path, mode: str = "w") -> Iterator[TextIO]:
    """Write to a temporary file beside PATH and rename it into place on success.

    A failed or interrupted export never leaves a partial file behind.
    """
    target = Path(path)
    if target.is_dir():
        raise InputError("is a folder; give a file name", str(target))
    parent = target.parent if str(target.parent) else Path(".")
    remove_leftovers(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=parent)
    except OSError as exc:
        raise InputError(f"cannot write ({exc.strerror})", str(target)) from None
    try:
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)  # a live writer's file is not a leftover
            os.chmod(tmp, 0o666 & ~current_umask())
            encoding = None if "b" in mode else "utf-8"
            newline = None if "b" in mode else "\n"
            stream = os.fdopen(fd, mode, encoding=encoding, newline=newline)
        except BaseException:
            os.close(fd)
            raise
        with stream as fh:
            yield fh
            fh.flush()
            os.replace(tmp, target)  # still locked: nobody removes it in between
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
