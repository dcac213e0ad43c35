"""Pre-annotation on every core (#17): `preannotate --jobs 2` against one process and against
bare `nlp.pipe(n_process=2)` with the same components, same texts, same run.

    python tests/benchmarks/bench_parallel.py [N_ARTICLES] [JOBS]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import corpus  # noqa: E402
from scale import load  # noqa: E402

from annotator.core.model import ArticleIn  # noqa: E402
from annotator.core.nlp import default_pipeline_name, load_for_project, preannotate  # noqa: E402
from annotator.core.parallel import preannotate_parallel  # noqa: E402
from annotator.core.store import Store  # noqa: E402


def main(n: int = 300, jobs: int = 2) -> None:
    name = default_pipeline_name()
    if name is None:
        print("no spaCy NER pipeline installed; nothing to compare")
        return
    print(load())
    texts = corpus(n, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        one, many = Path(tmp) / "one.db", Path(tmp) / "many.db"
        with Store(one) as store:
            store.import_articles([ArticleIn(text=t, published="2025-05-30") for t in texts], None)
            store.boilerplate_bulk(store.article_ids())  # detected before timing, for both
        shutil.copy(one, many)
        with Store(one) as store:
            pipeline = load_for_project(store, name)
            t0 = time.perf_counter()
            preannotate(store, pipeline)
            single = time.perf_counter() - t0
        with Store(many) as store:
            t0 = time.perf_counter()  # worker start-up (spawn, model load) included
            preannotate_parallel(store, pipeline, name, jobs)
            parallel = time.perf_counter() - t0
        t0 = time.perf_counter()
        for _doc in pipeline.nlp.pipe(texts, batch_size=32, n_process=jobs):
            pass
        bare = time.perf_counter() - t0
    print(
        f"preannotate {n} articles: one process {single:.1f} s; --jobs {jobs} {parallel:.1f} s"
        f" ({single / parallel:.2f}x faster); bare nlp.pipe(n_process={jobs}) same components"
        f" {bare:.1f} s (ours {parallel / bare:.2f}x of it)"
    )
    print(load())


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
