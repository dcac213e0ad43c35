"""Pre-annotation overhead: `annotator preannotate` against bare `nlp.pipe`, same model, same texts.

Run: python tests/benchmarks/bench_preannotate.py [N_ARTICLES]
Prints both times and the ratio (target: at most 1.10).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import spacy

sys.path.insert(0, str(Path(__file__).parent))
from corpus import corpus  # noqa: E402

from annotator.core.event_frames import FrameSuggester  # noqa: E402
from annotator.core.model import ArticleIn  # noqa: E402
from annotator.core.nlp import (  # noqa: E402
    UNUSED_COMPONENTS,
    default_pipeline_name,
    load_for_project,
    preannotate,
)
from annotator.core.store import Store  # noqa: E402


def main(n: int = 300) -> None:
    name = default_pipeline_name()
    if name is None:
        print("no spaCy NER pipeline installed; nothing to compare")
        return
    texts = corpus(n, seed=1)
    chars = sum(map(len, texts))

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        store.import_articles([ArticleIn(text=t, published="2025-05-30") for t in texts], None)
        pipeline = load_for_project(store, name)
        bare_ner = spacy.load(name, exclude=list(UNUSED_COMPONENTS))
        bare_full = spacy.load(name)
        # warm both up on the same small batch so neither pays first-call costs
        list(bare_ner.pipe(texts[:5]))
        list(pipeline.suggest([(0, t, "2025-05-30") for t in texts[:5]]))
        # the parser the agreement frames use loads once, like the NER pipeline above
        FrameSuggester.for_pipeline(pipeline).warm()

        t0 = time.perf_counter()
        ents = sum(len(doc.ents) for doc in bare_ner.pipe(texts, batch_size=32))
        bare = time.perf_counter() - t0

        # the same components as ours (NER plus the project's SpanRuler), nothing of our code
        t0 = time.perf_counter()
        for _doc in pipeline.nlp.pipe(texts, batch_size=32):
            pass
        same = time.perf_counter() - t0

        t0 = time.perf_counter()
        done = preannotate(store, pipeline, batch_size=32)
        ours = time.perf_counter() - t0
        stored = sum(store.stats()["suggestions"].values())

        t0 = time.perf_counter()
        for _doc in bare_full.pipe(texts, batch_size=32):
            pass
        full = time.perf_counter() - t0
        store.close()

    print(f"{n} articles, {chars:,} characters, model {name}")
    print(f"bare nlp.pipe (NER components):     {bare:7.2f} s  ({ents} entities)")
    print(
        f"annotator preannotate into project: {ours:7.2f} s  ({done} articles, {stored} suggestions)"
    )
    print(f"bare nlp.pipe, our components:      {same:7.2f} s  (NER + the project's SpanRuler)")
    print(f"ratio preannotate / bare nlp.pipe:  {ours / bare:7.3f}  (stock NER components)")
    print(f"ratio preannotate / same components: {ours / same:6.3f}  (target <= 1.10)")
    print(f"for reference, the full pipeline:   {full:7.2f} s  (ratio ours/full {ours / full:.3f})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
