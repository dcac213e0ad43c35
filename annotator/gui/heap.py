"""The window's long-lived objects kept out of the cyclic garbage collector's way.

With Qt, the widgets and spaCy loaded, a full collection scans hundreds of thousands of
objects that live as long as the window: ~80 ms, paid by every other opening of a long
article (bench_gui, 5,000 spans: opens of ~55 ms and ~140 ms alternating). Frozen
objects are still freed as soon as nothing refers to them; only the collector skips them.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Move every object alive now into the collector's permanent generation, so that a full
    collection scans only what was made since (the open article's spans, marks and rows)."""
    gc.freeze()
