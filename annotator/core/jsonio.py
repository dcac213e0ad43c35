"""JSON lines in and out, shared by the JSONL-based formats (ours, Prodigy's, doccano's)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.textio import decode


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


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


class NotStreamable(Exception):
    """A file the streaming readers leave to the whole-file ones: not plain UTF-8 (another
    encoding, a UTF-16/32 BOM, a NUL byte, a lone CR). Raised before anything is stored,
    or inside the file's transaction, which then rolls back; the caller reads it whole."""


_OTHER_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def stream_lines(path: Path, chunk: int = 1 << 20) -> Iterator[str]:
    """The lines of a UTF-8 file (each with its "\\n"), read in a stream: flat memory.

    Anything the whole-file decoder would treat specially raises NotStreamable.
    """
    with open(path, "rb", buffering=chunk) as fh:
        head = fh.read(4)
        if head.startswith(_OTHER_BOMS) or b"\x00" in head:
            raise NotStreamable(path)
        fh.seek(3 if head.startswith(b"\xef\xbb\xbf") else 0)
        for raw in fh:
            if b"\x00" in raw:
                raise NotStreamable(path)
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise NotStreamable(path) from None
            if "\r" in line[:-2]:
                raise NotStreamable(path)  # a lone CR ends a line for the whole-file readers
            yield line


def stream_json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """`iter_json_lines` in a stream (see `stream_lines`)."""
    loads = json.loads
    for number, raw in enumerate(stream_lines(path), start=1):
        if raw.isspace():
            continue
        try:
            yield number, loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(f"malformed JSON ({exc.msg})", str(path), number) from None
        except RecursionError:
            raise InputError("JSON nested too deeply", str(path), number) from None
