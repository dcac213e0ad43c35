"""Writing files so that a failure never leaves a partial one behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from annotator.core.errors import InputError


@contextmanager
def atomic_output(path: str | Path, mode: str = "w") -> Iterator[TextIO]:
    """Write to a temporary file beside PATH and rename it into place on success.

    A failed or interrupted export never leaves a partial file behind.
    """
    target = Path(path)
    if target.is_dir():
        raise InputError("is a folder; give a file name", str(target))
    parent = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=parent)
    except OSError as exc:
        raise InputError(f"cannot write ({exc.strerror})", str(target)) from None
    try:
        encoding = None if "b" in mode else "utf-8"
        newline = None if "b" in mode else "\n"
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as fh:
            yield fh
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
