"""Pre-annotation on every core (#17): `preannotate --jobs N` against one process and against
bare `nlp.pipe(n_process=N)`, same texts, same run.

    python tests/benchmarks/bench_parallel.py [N_ARTICLES] [JOBS] [ROUNDS]

Each round times every variant once, in an order rotated from round to round (a change of
the machine's load falls on all alike); ratios are taken within a round, medians printed.
Bare baselines run the very pipeline object ours loads, nothing of our code:

- strict: its enabled components (the model's NER and the project's SpanRulers) — no parse,
  though the agreement frames parse their trigger sentences;
- fair: the same plus the model's tok2vec, tagger and parser over the whole text, as bare
  spaCy would to give a parse.

Ours includes the workers' start-up (spawn, model load); bare `n_process` forks.
`--jobs N --no-frames` (spans only, its pipeline loaded without a parser) is timed too.
Targets: --jobs N at most 1.10x of strict bare, at least 1.6x faster than one process.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import corpus, heldout_corpus  # noqa: E402
from scale import load  # noqa: E402

from annotator.core.event_frames import FRAME_COMPONENTS  # noqa: E402
from annotator.core.model import ArticleIn  # noqa: E402
from annotator.core.nlp import default_pipeline_name, load_for_project, preannotate  # noqa: E402
from annotator.core.parallel import preannotate_parallel  # noqa: E402
from annotator.core.store import Store  # noqa: E402


def main(n: int = 300, jobs: int = 2, rounds: int = 3, texts_of: str = "generated") -> None:
    name = default_pipeline_name()
    if name is None:
        print("no spaCy NER pipeline installed; nothing to compare")
        return
    print(load())
    texts = heldout_corpus(n) if texts_of == "heldout" else corpus(n, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        master = Path(tmp) / "master.db"
        with Store(master) as store:
            store.import_articles([ArticleIn(text=t, published="2025-05-30") for t in texts], None)
            store.boilerplate_bulk(store.article_ids())  # detected before timing, for all
            pipeline = load_for_project(store, name)
            spans_only = load_for_project(store, name, frames=False)
        nlp = pipeline.nlp
        parse = [c for c in nlp.component_names if c in FRAME_COMPONENTS]
        for p in (pipeline, spans_only):
            list(p.suggest([(0, t, "2025-05-30") for t in texts[:5]]))

        def ours(parallel: bool, pipeline=pipeline):
            def run(r: int) -> None:
                db = Path(tmp) / f"run{r}.db"
                shutil.copy(master, db)
                with Store(db) as store:
                    if parallel:
                        done = preannotate_parallel(store, pipeline, name, jobs)
                    else:
                        done = preannotate(store, pipeline)
                assert done == n
                db.unlink()

            return run

        def bare(extra: list[str]):
            def run(_r: int) -> None:
                for c in extra:
                    nlp.enable_pipe(c)
                try:
                    for _doc in nlp.pipe(texts, batch_size=32, n_process=jobs):
                        pass
                finally:
                    for c in extra:
                        nlp.disable_pipe(c)

            return run

        runs = {
            "jobs": ours(True),
            "strict": bare([]),
            "one process": ours(False),
            "fair": bare([c for c in parse if c not in nlp.pipe_names]),
            "jobs --no-frames": ours(True, spans_only),
        }
        times: dict[str, list[float]] = {k: [] for k in runs}
        cpu: dict[str, list[float]] = {k: [] for k in runs}
        keys = list(runs)
        for r in range(rounds):
            for key in keys[r % len(keys) :] + keys[: r % len(keys)]:
                t0, c0 = time.perf_counter(), _cpu()
                runs[key](r)
                times[key].append(time.perf_counter() - t0)
                cpu[key].append(_cpu() - c0)

    def ratio(a: str, b: str, with_cpu: bool = True) -> str:
        # wall time, and the CPU time of this process and its finished workers: what other
        # jobs on a shared machine take from us shows in the first, hardly in the second
        wall = statistics.median(x / y for x, y in zip(times[a], times[b], strict=True))
        used = statistics.median(x / y for x, y in zip(cpu[a], cpu[b], strict=True))
        return f"{wall:.2f}x (CPU {used:.2f}x)" if with_cpu else f"{wall:.2f}x"

    def secs(key: str) -> str:
        return f"{statistics.median(times[key]):.1f} s (CPU {statistics.median(cpu[key]):.1f} s)"

    print(f"preannotate {n} articles, {rounds} rounds (medians), model {name}")
    print(f"one process {secs('one process')}; --jobs {jobs} {secs('jobs')} "
          f"({ratio('one process', 'jobs', False)} faster; target >= 1.6)")  # fmt: skip
    print(f"bare nlp.pipe(n_process={jobs}) strict ({'+'.join(nlp.pipe_names)}) "
          f"{secs('strict')}: ours {ratio('jobs', 'strict')} of it (target <= 1.10)")  # fmt: skip
    print(f"bare nlp.pipe(n_process={jobs}) fair (+{'+'.join(parse)} over the whole text) "
          f"{secs('fair')}: ours {ratio('jobs', 'fair')} of it")  # fmt: skip
    print(f"--jobs {jobs} --no-frames {secs('jobs --no-frames')}: "
          f"{ratio('jobs --no-frames', 'strict')} of strict")  # fmt: skip
    print("per round (s): " + "; ".join(f"{k} " + "/".join(f"{t:.1f}" for t in v)
                                         for k, v in times.items()))  # fmt: skip
    print(load())


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the workers)."""
    import resource

    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + child.ru_utime + child.ru_stime


if __name__ == "__main__":
    main(*(a if a == "heldout" else int(a) for a in sys.argv[1:]))
