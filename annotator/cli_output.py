"""What the `annotator` commands print: names made safe for a terminal, tables, JSON,
progress bars that show only on a terminal, warnings."""

from __future__ import annotations

import json
import sys
import unicodedata
from typing import Any

_HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}


def shown(value: object) -> str:
    """VALUE made safe for a terminal: control, format (bidi) and line-breaking characters escaped.

    A file or annotator name with ESC, a newline or U+202E could otherwise
    clear the screen, fake an output line or reverse the text after it.
    """
    text = str(value)
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        c.encode("unicode_escape").decode("ascii")
        if unicodedata.category(c) in _HIDDEN_CATEGORIES
        else c
        for c in text
    )


def echo(text: object = "", *, err: bool = False) -> None:
    """Print one line for the user; every name and path in it goes through `shown`."""
    print(shown(text), file=sys.stderr if err else sys.stdout)


def progress_bar(total: int, desc: str, unit: str = "file"):
    """A tqdm bar on a terminal, a silent stand-in otherwise."""
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, disable=not sys.stderr.isatty(), leave=False)


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, sort_keys=True)
    sys.stdout.write("\n")


def print_table(header: list[str], rows: list[list[Any]]) -> None:
    cells = [header, *[[shown(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    for row in cells:
        padded = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        echo("  ".join(padded))


def warn(message: str) -> None:
    echo(f"annotator: warning: {message}", err=True)


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"
