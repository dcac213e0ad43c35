"""Rules about offsets and ranges that hold everywhere in the core, each written once.

Offsets are code points into an article's text, `end` exclusive (see core/model.py).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable


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
