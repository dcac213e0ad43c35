"""Issue 17: `preannotate --cluster ADDRESS` runs the pipeline on a Dask cluster's workers while
this process stores: the suggestions and frames of a local run, in article order, each batch
stored once even when a worker dies mid-run. A real `LocalCluster` of two worker processes."""

from __future__ import annotations

import copy
import io
import json
import os
import shutil
import signal
import socket

import pytest
from conftest import run_cli

distributed = pytest.importorskip("distributed")

from annotator.core.cluster import (  # noqa: E402
    check_workers,
    connect,
    preannotate_cluster,
    send_spec,
    worker_spec,
)
from annotator.core.errors import InputError  # noqa: E402
from annotator.core.ingest import iter_sample_articles  # noqa: E402
from annotator.core.model import ArticleIn  # noqa: E402
from annotator.core.nlp import RULES_ONLY, load_for_project, preannotate  # noqa: E402
from annotator.core.store import Store  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as local:
        yield local


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    """A project of 36 articles, and the same preannotated locally."""
    tmp = tmp_path_factory.mktemp("cluster")
    fresh, local = tmp / "fresh.db", tmp / "local.db"
    samples = list(iter_sample_articles())
    with Store(fresh) as store:
        store.import_articles(
            [ArticleIn(text=f"{a.text}\n\nCopy {i}.", title=a.title, published=a.published)
             for i in range(6) for a in samples],
            None,
        )  # fmt: skip
    shutil.copy(fresh, local)
    with Store(local) as store:
        assert preannotate(store, load_for_project(store, RULES_ONLY), batch_size=4) == 36
    return fresh, local


def _stored(db):
    with Store(db) as store:
        rows = store.conn.execute(
            'SELECT article_id, start, "end", label, attrs, model, model_version FROM suggestions ORDER BY 1, 2, 3, 4'
        ).fetchall()
        events = store.conn.execute(
            'SELECT article_id, label, start, "end", args, attrs FROM event_suggestions ORDER BY 1, 2, 3, 4'
        ).fetchall()
        return [tuple(r) for r in rows], [tuple(r) for r in events]


class Watch(distributed.diagnostics.plugin.SchedulerPlugin):
    """What the scheduler did with the run's batches: how often each ran, how many were
    alive at once (submitted and not yet released by the writer), which workers left."""

    name = "annotator-test-watch"

    def __init__(self):
        self.runs: dict[str, int] = {}
        self.alive: set[str] = set()
        self.most_alive = 0
        self.lost: list[str] = []

    def transition(self, key, start, finish, *args, **kwargs):
        if not str(key).startswith("annotator-batch-"):
            return
        if finish == "processing":
            self.runs[key] = self.runs.get(key, 0) + 1
        if finish == "forgotten":
            self.alive.discard(key)
        else:
            self.alive.add(key)
        self.most_alive = max(self.most_alive, len(self.alive))

    def remove_worker(self, scheduler, worker, **kwargs):
        self.lost.append(worker)


def _watch(cluster) -> Watch:
    watch = Watch()
    cluster.scheduler.add_plugin(watch, name=Watch.name)
    return watch


def _two_workers(cluster):
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
        client.wait_for_workers(2, timeout=60)


def test_cluster_run_stores_what_a_local_run_does(cluster, projects, tmp_path):
    fresh, local = projects
    db = tmp_path / "p.db"
    shutil.copy(fresh, db)
    said, seen = [], []
    watch = _watch(cluster)
    with Store(db) as store:
        pipeline = load_for_project(store, RULES_ONLY)
        n = preannotate_cluster(
            store, pipeline, RULES_ONLY, cluster.scheduler_address, batch_size=4,
            progress=lambda i, total: seen.append((i, total)), in_flight=2, say=said.append,
        )  # fmt: skip
        assert n == 36 and seen[-1] == (36, 36) and len(seen) == 36
        # a re-run finds nothing to do
        assert preannotate_cluster(store, pipeline, RULES_ONLY, cluster.scheduler_address) == 0
    cluster.scheduler.remove_plugin(name=Watch.name)
    assert said and "2 worker(s)" in said[0]
    # memory bounded: 2 batches out at a time, of 9 (the scheduler may see one more: a batch's
    # release travels after the submission of the next)
    assert len(watch.runs) == 9 and watch.most_alive <= 3
    spans, events = _stored(db)
    assert spans and events  # frames too, parsed on the workers
    assert (spans, events) == _stored(local)


def test_a_worker_killed_mid_run_costs_a_redo_not_a_duplicate(cluster, projects, tmp_path):
    """kill -9 of one worker process after the first article is stored: the batches it held
    run again elsewhere (the nanny starts a new worker), each stored once, in order."""
    _two_workers(cluster)
    fresh, local = projects
    db = tmp_path / "p.db"
    shutil.copy(fresh, db)

    watch = _watch(cluster)
    killed = []
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as spy:

        def kill_one(i, total):
            if killed:
                return
            held = {
                w: [
                    k
                    for k in (*spy.processing()[w], *keys)
                    if str(k).startswith("annotator-batch-")
                ]
                for w, keys in spy.has_what().items()
            }
            victims = sorted((w for w in held if held[w]), key=lambda w: -len(held[w]))
            if victims:  # a worker running or holding a batch not yet stored
                pid = spy.run(os.getpid, workers=[victims[0]])[victims[0]]
                os.kill(pid, signal.SIGKILL)
                killed.append((victims[0], held[victims[0]]))

        out = io.StringIO()
        with Store(db) as store:
            pipeline = load_for_project(store, RULES_ONLY)
            todo = store.articles_without_suggestions(pipeline.name, pipeline.version)
            order = [store.article(a).hash for a in todo]
            n = preannotate_cluster(
                store, pipeline, RULES_ONLY,
                cluster.scheduler_address, progress=kill_one, batch_size=3, jsonl_out=out,
            )  # fmt: skip
    cluster.scheduler.remove_plugin(name=Watch.name)
    assert killed and killed[0][0] in watch.lost  # a worker was lost mid-run
    assert len(watch.runs) == 12  # 36 articles in batches of 3
    assert sum(watch.runs.values()) > 12  # and what it held ran again
    # each article stored once (the writer's JSONL line per stored article), in article order
    ids = [json.loads(line)["meta"]["article_id"] for line in out.getvalue().splitlines()]
    assert n == 36 and ids == order and len(set(ids)) == 36
    assert _stored(db) == _stored(local)


def test_a_worker_with_another_pipeline_version_stops_the_run(cluster, projects):
    fresh, _local = projects
    with Store(fresh, readonly=True) as store:
        other = copy.copy(load_for_project(store, RULES_ONLY))
        other.version = "0+rules.0000000000"
        spec = worker_spec(store, other, RULES_ONLY)
    with connect(cluster.scheduler_address) as client:
        with pytest.raises(InputError, match="install the same pipeline version on every worker"):
            check_workers(client, send_spec(client, spec))


def test_a_model_folder_missing_on_the_workers_is_one_line(cluster, projects, tmp_path):
    """A model folder must be at the same path on every worker: here it is nowhere."""
    fresh, _local = projects
    with Store(fresh, readonly=True) as store:
        spec = worker_spec(store, load_for_project(store, RULES_ONLY), RULES_ONLY)
    spec.update(model=str(tmp_path / "gone" / "model-best"), key="gone")
    with connect(cluster.scheduler_address) as client:
        with pytest.raises(InputError, match="same path on every worker") as caught:
            check_workers(client, send_spec(client, spec))
    assert "\n" not in str(caught.value) and str(caught.value).startswith("worker tcp://")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_cli_cluster(cluster, projects, tmp_path, monkeypatch):
    fresh, local = projects
    db = tmp_path / "p.db"
    shutil.copy(fresh, db)
    out = run_cli(
        "preannotate", "--db", str(db), "--model", RULES_ONLY, "--cluster",
        cluster.scheduler_address,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "suggested for 36 article(s)" in out.stderr
    assert _stored(db) == _stored(local)

    both = run_cli("preannotate", "--db", str(db), "--cluster", "tcp://127.0.0.1:1", "--jobs", "2")
    assert both.returncode == 2 and both.stderr.count("\n") == 1 and "--jobs" in both.stderr

    monkeypatch.setenv("DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT", "1s")
    for address in (f"tcp://127.0.0.1:{_free_port()}", "nonsense:::"):
        gone = run_cli("preannotate", "--db", str(db), "--model", RULES_ONLY, "--cluster", address)
        assert gone.returncode == 2, gone.stderr
        assert gone.stderr.count("\n") == 1 and "Traceback" not in gone.stderr
        assert f"cannot reach a Dask scheduler at {address}" in gone.stderr


def test_a_trained_model_folder_at_the_same_path_on_the_workers(cluster, tmp_path):
    """`annotator train`'s folder, registered in the project: the workers load it by its
    absolute path (here the same machine's disk) and suggest what a local run does."""
    from test_formats import annotated_project

    from annotator.core.training import train

    local, remote = tmp_path / "local.db", tmp_path / "remote.db"
    store = annotated_project(local, n=8)
    train(store, tmp_path / "m", annotator="ben", max_steps=10)
    store.close()
    shutil.copy(local, remote)
    with Store(local) as store:
        n = preannotate(store, load_for_project(store, "m"), batch_size=2)
    with Store(remote) as store:
        pipeline = load_for_project(store, "m")
        got = preannotate_cluster(store, pipeline, "m", cluster.scheduler_address, batch_size=2)
    assert n == got == 9
    assert _stored(remote) == _stored(local) and _stored(local)[0]
