"""Pre-annotation overhead: `annotator preannotate` against bare `nlp.pipe`, same model, same texts.

Run: python tests/benchmarks/bench_preannotate.py [N_ARTICLES] [ROUNDS]

Each round times ours and every bare baseline once, in an order rotated from round to
round (so a change of the machine's load falls on all of them alike); a ratio is taken
within a round, and the median over the rounds is printed. The baselines, all
`nlp.pipe(texts, batch_size=32)` of the same model and nothing of our code:

- strict: the components our pre-annotation runs over the whole text — the model's NER
  and the project's SpanRuler, the very objects ours uses. The agreement frames parse
  their trigger sentences besides: this baseline has no parse at all.
- fair: the same plus what the frames' parse needs (the model's tok2vec, tagger and
  parser), run over the whole text as bare spaCy would to give a parse.
- stock + rules: `spacy.load(model, exclude=UNUSED_COMPONENTS)` (its tok2vec and NER)
  plus a SpanRuler holding the project's patterns as written: what a user would build.
- stock NER: `spacy.load(model, exclude=UNUSED_COMPONENTS)` alone; full: `spacy.load(model)`.

A third row times `preannotate --no-frames` (spans only, its pipeline loaded without a
parser) against strict bare `nlp.pipe` of that pipeline's own object ("strict spans").

Target: ours / strict <= 1.10.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import spacy

sys.path.insert(0, str(Path(__file__).parent))
from corpus import corpus, heldout_corpus  # noqa: E402
from scale import load  # noqa: E402

from annotator.core.event_frames import (  # noqa: E402
    FRAME_COMPONENTS,
    FrameShape,
    FrameSuggester,
    frame_windows,
)
from annotator.core.model import ArticleIn  # noqa: E402
from annotator.core.nlp import (  # noqa: E402
    RULER_KEY,
    UNUSED_COMPONENTS,
    default_pipeline_name,
    load_for_project,
    preannotate,
    project_rules,
    rule_patterns,
)
from annotator.core.store import Store  # noqa: E402


def main(n: int = 200, rounds: int = 3, texts_of: str = "generated") -> None:
    name = default_pipeline_name()
    if name is None:
        print("no spaCy NER pipeline installed; nothing to compare")
        return
    print(load())
    texts = heldout_corpus(n) if texts_of == "heldout" else corpus(n, seed=1)
    chars = sum(map(len, texts))

    with tempfile.TemporaryDirectory() as tmp:
        master = Path(tmp) / "master.db"
        with Store(master) as store:
            store.import_articles([ArticleIn(text=t, published="2025-05-30") for t in texts], None)
            store.boilerplate_bulk(store.article_ids())  # detected before timing
            pipeline = load_for_project(store, name)
            spans_only = load_for_project(store, name, frames=False)  # --no-frames
            patterns, gazetteer = project_rules(store)
            scheme = store.scheme
        nlp = pipeline.nlp
        parse = [c for c in nlp.component_names if c in FRAME_COMPONENTS]
        fair_pipes = [c for c in nlp.component_names if c in parse or c in nlp.pipe_names]
        stock = spacy.load(name, exclude=list(UNUSED_COMPONENTS))
        stock_rules = spacy.load(name, exclude=list(UNUSED_COMPONENTS))
        stock_rules.add_pipe("span_ruler", config={"spans_key": RULER_KEY}).add_patterns(
            rule_patterns(scheme, patterns, gazetteer, keep_non_actors=True)
        )
        full = spacy.load(name)
        # warm everything up on the same small batch so none pays first-call costs
        for model in (nlp, spans_only.nlp, stock, stock_rules, full):
            list(model.pipe(texts[:5]))
        for p in (pipeline, spans_only):
            list(p.suggest([(0, t, "2025-05-30") for t in texts[:5]]))
        FrameSuggester.for_pipeline(pipeline).warm()

        counts: dict[str, int] = {}

        def ours(i: int) -> None:
            db = Path(tmp) / f"run{i}.db"
            shutil.copy(master, db)
            with Store(db) as store:
                counts["articles"] = preannotate(store, pipeline, batch_size=32)
                counts["suggestions"] = sum(store.stats()["suggestions"].values())
                if i == 0:  # what the frames parsed: the windows of the stored suggestions
                    shapes = FrameShape.from_scheme(store.scheme)
                    counts["parsed"] = sum(
                        b - a
                        for aid in store.article_ids()
                        for a, b in frame_windows(
                            store.article(aid).text, store.suggestions(aid), shapes
                        )
                    )
            db.unlink()

        def ours_spans(i: int) -> None:
            db = Path(tmp) / f"spans{i}.db"
            shutil.copy(master, db)
            with Store(db) as store:
                assert preannotate(store, spans_only, batch_size=32) == counts["articles"]
                counts["spans-only suggestions"] = sum(store.stats()["suggestions"].values())
            db.unlink()

        def bare(model, enable=None):
            def run(_i: int) -> None:
                if enable is None:
                    for _doc in model.pipe(texts, batch_size=32):
                        pass
                    return
                off = [c for c in enable if c not in model.pipe_names]
                for c in off:
                    model.enable_pipe(c)
                try:
                    for _doc in model.pipe(texts, batch_size=32):
                        pass
                finally:
                    for c in off:
                        model.disable_pipe(c)

            return run

        runs = {
            "ours": ours,
            "ours --no-frames": ours_spans,
            "strict": bare(nlp),
            "strict spans": bare(spans_only.nlp),
            "fair": bare(nlp, fair_pipes),
            "stock + rules": bare(stock_rules),
            "stock NER": bare(stock),
            "full": bare(full),
        }
        times: dict[str, list[float]] = {k: [] for k in runs}
        cpu: dict[str, list[float]] = {k: [] for k in runs}
        keys = list(runs)
        for r in range(rounds):
            for key in keys[r % len(keys) :] + keys[: r % len(keys)]:
                t0, c0 = time.perf_counter(), time.process_time()
                runs[key](r)
                times[key].append(time.perf_counter() - t0)
                cpu[key].append(time.process_time() - c0)

    def ratio(key: str, of: str = "ours") -> str:
        # wall time, and this process's CPU time: what other jobs on a shared machine
        # take from us shows in the first, hardly in the second; median and range of rounds
        def spread(t: dict) -> str:
            r = [o / b for o, b in zip(t[of], t[key], strict=True)]
            return f"{statistics.median(r):.3f} [{min(r):.3f}-{max(r):.3f}]"

        return f"{spread(times)} (CPU {spread(cpu)})"

    def secs(key: str) -> str:
        return f"{statistics.median(times[key]):7.2f} s (CPU {statistics.median(cpu[key]):.2f} s)"

    print(f"{n} articles, {chars:,} characters, model {name}, {rounds} rounds (medians)")
    print(
        f"annotator preannotate into project: {secs('ours')}  "
        f"({counts['articles']} articles, {counts['suggestions']} suggestions; the frames "
        f"parsed {counts['parsed'] / chars:.1%} of the text)"
    )
    print(f"strict: {'+'.join(nlp.pipe_names)}: {secs('strict')}  ratio ours/strict "
          f"{ratio('strict')}  (target <= 1.10)")  # fmt: skip
    print(f"fair: {'+'.join(fair_pipes)}: {secs('fair')}  ratio ours/fair {ratio('fair')}")
    print(f"ours --no-frames: {secs('ours --no-frames')}  ({counts['spans-only suggestions']} "
          f"suggestions, no frames, no parser loaded)  ratio /strict spans "
          f"{ratio('strict spans', 'ours --no-frames')}  /strict "
          f"{ratio('strict', 'ours --no-frames')}")  # fmt: skip
    print(f"strict spans: {'+'.join(spans_only.nlp.pipe_names)}: {secs('strict spans')}")
    print(f"stock + rules: {'+'.join(stock_rules.pipe_names)}: {secs('stock + rules')}  "
          f"ratio {ratio('stock + rules')}")  # fmt: skip
    print(f"stock NER: {'+'.join(stock.pipe_names)}: {secs('stock NER')}  "
          f"ratio {ratio('stock NER')}")  # fmt: skip
    print(f"full: {'+'.join(full.pipe_names)}: {secs('full')}  ratio {ratio('full')}")
    print("per round, wall (CPU) s: " + "; ".join(
        f"{k} " + "/".join(f"{t:.1f} ({c:.1f})" for t, c in zip(v, cpu[k], strict=True))
        for k, v in times.items()))  # fmt: skip
    print(load())


if __name__ == "__main__":
    main(*(a if a == "heldout" else int(a) for a in sys.argv[1:]))
