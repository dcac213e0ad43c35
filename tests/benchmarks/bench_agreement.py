"""Agreement speed: 5,000 articles x 3 annotators (target under 2 s).

Run: python tests/benchmarks/bench_agreement.py [N_ARTICLES] [CHARS]
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import corpus  # noqa: E402

from annotator.core.agreement import agreement  # noqa: E402
from annotator.core.model import ArticleIn, SpanIn  # noqa: E402
from annotator.core.store import Store  # noqa: E402


def main(n: int = 5000, chars: int = 800) -> None:
    rng = random.Random(7)
    store = Store(Path(tempfile.mkdtemp()) / "agr.db")
    texts = corpus(n, seed=9, chars=chars)
    items = []
    for text in texts:
        words = [i for i in range(1, len(text)) if text[i - 1] == " " and text[i] != " "]
        base = sorted(rng.sample(words, min(10, len(words))))
        for name in ("ana", "ben", "cai"):
            spans, last = [], -1
            for s in base:
                if rng.random() < 0.15:
                    continue  # this annotator missed it
                e = text.find(" ", s)
                if s > last and e > s:
                    label = (
                        rng.choice(["ACTOR", "DATE", "AGREEMENT"])
                        if rng.random() < 0.1
                        else "ACTOR"
                    )
                    spans.append(SpanIn(s, e, label))
                    last = e
            items.append(ArticleIn(text=text, spans=spans, annotator=name))
    for i in range(0, len(items), 3000):
        store.import_articles(items[i : i + 3000], None)
    chars_total = sum(map(len, texts))
    t0 = time.perf_counter()
    result = agreement(store)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    agreement(store)
    again = time.perf_counter() - t0
    print(f"{n:,} articles x 3 annotators, {chars_total:,} characters, {result['units']:,} units")
    print(f"agreement, first run (tokenises and caches): {first:.2f} s")
    print(
        f"agreement, any later run:                    {again:.2f} s (target < 2 s); alpha {result['krippendorff_alpha']:.3f}"
    )
    store.close()


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
