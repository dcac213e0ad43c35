"""Pre-annotation on a Dask cluster (#17): `preannotate --cluster` on a LocalCluster of 2 worker
processes against bare `nlp.pipe(n_process=2)` with the same components (and `--jobs 2`), same
texts, same run, with the load average before and after.

    python tests/benchmarks/bench_cluster.py [N_ARTICLES] [WORKERS]

The cluster's time counts from connecting (its workers load the pipeline when the run
checks them); starting the LocalCluster itself is shown apart, as a real cluster is up
before a run. Bare `nlp.pipe` runs the NER components only, not the frames' parse that
`preannotate` does too, so it is the floor, not the same work.
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

from annotator.core.cluster import preannotate_cluster  # noqa: E402
from annotator.core.model import ArticleIn  # noqa: E402
from annotator.core.nlp import RULES_ONLY, default_pipeline_name, load_for_project  # noqa: E402
from annotator.core.parallel import preannotate_parallel  # noqa: E402
from annotator.core.store import Store  # noqa: E402


def main(n: int = 300, workers: int = 2) -> None:
    from distributed import LocalCluster

    name = default_pipeline_name() or RULES_ONLY
    print(load())
    texts = corpus(n, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        first, second = Path(tmp) / "cluster.db", Path(tmp) / "jobs.db"
        with Store(first) as store:
            store.import_articles([ArticleIn(text=t, published="2025-05-30") for t in texts], None)
            store.boilerplate_bulk(store.article_ids())  # detected before timing, for both
        shutil.copy(first, second)
        t0 = time.perf_counter()
        with LocalCluster(
            n_workers=workers, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster:
            started = time.perf_counter() - t0
            with Store(first) as store:
                pipeline = load_for_project(store, name)
                t0 = time.perf_counter()
                preannotate_cluster(store, pipeline, name, cluster.scheduler_address)
                on_cluster = time.perf_counter() - t0
        with Store(second) as store:
            t0 = time.perf_counter()
            preannotate_parallel(store, pipeline, name, workers)
            jobs = time.perf_counter() - t0
        t0 = time.perf_counter()
        for _doc in pipeline.nlp.pipe(texts, batch_size=32, n_process=workers):
            pass
        bare = time.perf_counter() - t0
    print(
        f"preannotate {n} articles with {name}: --cluster (LocalCluster, {workers} workers,"
        f" started in {started:.1f} s) {on_cluster:.1f} s; --jobs {workers} {jobs:.1f} s;"
        f" bare nlp.pipe(n_process={workers}) same components {bare:.1f} s"
        f" (cluster {on_cluster / bare:.2f}x of bare, {on_cluster / jobs:.2f}x of --jobs)"
    )
    print(load())


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
