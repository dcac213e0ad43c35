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
