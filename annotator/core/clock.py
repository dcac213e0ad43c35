"""A hybrid logical clock and per-row version vectors: merges follow causality, not wall clocks.

Every project keeps the newest stamp it has seen. A write is stamped
max(wall clock, newest stamp + 1), so a file's stamps never go backwards
whatever its laptop's clock does, and a merge advances the receiving file past
everything it took in. Stamps are integers (microseconds since the epoch at the
wall-clock end), so they sort and stay readable as times.

Each row (span, status, decision) carries a version vector: for every copy
(node) of the project that wrote it, the stamp of that node's latest write the
version includes. A version whose vector covers another's was made after
seeing it and wins; two versions neither of which covers the other were made
without seeing each other: a conflict, resolved by `resolve` the same way
whichever file is merged into which.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime

LEGACY_NODE = "legacy"
"""The node under which rows written before the clock existed are versioned (by their wall time)."""

WallClock = Callable[[], int]


def wall_micros() -> int:
    """This machine's wall clock in microseconds since the epoch."""
    return time.time_ns() // 1000


def next_stamp(last: int, wall: int) -> int:
    """The stamp of the next write: never behind the wall clock, always past the newest seen."""
    return max(wall, last + 1)


def micros_to_iso(micros: int) -> str:
    return datetime.fromtimestamp(micros / 1_000_000, UTC).isoformat(timespec="microseconds")


def iso_to_micros(text: str | None) -> int:
    """Microseconds of an ISO timestamp (UTC if it names no zone); 0 if it cannot be read."""
    if not text:
        return 0
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return 0
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp() * 1_000_000)


def parse_vector(text: str | None) -> dict[str, int]:
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return {str(k): int(v) for k, v in data.items()} if isinstance(data, dict) else {}


def dump_vector(vector: dict[str, int]) -> str:
    return json.dumps(vector, sort_keys=True, separators=(",", ":"))


def bump(vector: dict[str, int], node: str, stamp: int) -> dict[str, int]:
    """The vector of a new write by NODE on top of VECTOR."""
    out = dict(vector)
    out[node] = max(out.get(node, 0), stamp)
    return out


def join(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    """What a version has seen once it has seen both A and B."""
    out = dict(a)
    for node, stamp in b.items():
        out[node] = max(out.get(node, 0), stamp)
    return out


def covers(a: dict[str, int], b: dict[str, int]) -> bool:
    """A has seen everything B has."""
    return all(a.get(node, 0) >= stamp for node, stamp in b.items())


EQUAL, AFTER, BEFORE, CONCURRENT = "equal", "after", "before", "concurrent"


def compare(incoming: dict[str, int], local: dict[str, int]) -> str:
    """How an incoming version relates to the local one."""
    forward, backward = covers(incoming, local), covers(local, incoming)
    if forward and backward:
        return EQUAL
    if forward:
        return AFTER
    if backward:
        return BEFORE
    return CONCURRENT


def conflict_rank(deleted: bool, stamp: int, content: tuple) -> tuple:
    """Order of two versions that did not see each other: a deletion first (an edit that
    did not see a deletion never undoes it), then the later stamp, then content, so the
    result is the same whichever way the files are merged."""
    return (bool(deleted), stamp, tuple("" if c is None else str(c) for c in content))
