"""Rules about offsets and ranges that hold everywhere in the core, each written once.

Offsets are code points into an article's text, `end` exclusive (see core/model.py).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from annotator.core.errors import InputError


def within(start: int, end: int, length: int) -> bool:
    """The offset rule: a span is a non-empty range inside a text of `length` code points."""
    return 0 <= start < end <= length


def check_range(
    start: int, end: int, length: int, path: str | None = None, line: int | None = None
) -> None:
    """The offset check of every reader and of the store: `within`, or the one error."""
    if not within(start, end, length):
        raise InputError(
            f"span {start}-{end} lies outside the text ({length} characters)", path, line
        )


def in_the_way(spans: Iterable, start: int, end: int, label: str, scheme) -> list:
    """The spans (with .start/.end/.label) a new `label` span over [start, end) may not share
    text with: they overlap it and the scheme does not allow the two labels to overlap. When
    marking, they make way; "accept all" takes no suggestion over them."""
    return [
        s
        for s in spans
        if s.start < end and start < s.end and not scheme.may_overlap(s.label, label)
    ]


def precedence(start: int, end: int, label: str = "") -> tuple[int, int, str]:
    """Which of two overlapping spans wins, as a sort key (smaller wins): the one that starts
    first, then the longer, then the label name, so the result never depends on the order
    spans come in. Agreement units, CoNLL tags, the spaCy export, pre-annotation and
    "accept all" all follow it."""
    return start, start - end, label


def join_ranges(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Ranges in order, overlapping or touching ones joined into one."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(ranges):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def outside(spans, ranges: list[tuple[int, int]]):
    """The spans (with .start/.end, {"start", "end"} dicts or (start, end, …) tuples) that
    touch no range of RANGES (sorted and joined, as `join_ranges` gives them)."""
    if not ranges:
        return list(spans)
    starts = [s for s, _e in ranges]
    out = []
    for sp in spans:
        if isinstance(sp, dict):
            s, e = sp["start"], sp["end"]
        else:
            s, e = (sp.start, sp.end) if hasattr(sp, "start") else (sp[0], sp[1])
        i = bisect.bisect_right(starts, s) - 1
        hit = (i >= 0 and ranges[i][1] > s) or (i + 1 < len(ranges) and ranges[i + 1][0] < e)
        if not hit:
            out.append(sp)
    return out
