"""Pre-annotation on a Dask distributed cluster (#17): `preannotate --cluster ADDRESS`.

When a corpus outgrows one machine, an existing Dask cluster runs the
pipeline and this process stays the one writer, as with `--jobs`:

- The project file never leaves this machine. Each batch carries what a
  worker needs: (article id, text, publication date, boilerplate ranges) of
  `batch_size` articles. The pipeline travels by name, once per run (with the
  project's scheme, AGREEMENT patterns and gazetteer, scattered to every
  worker): each worker loads it and checks that its `version` (the model's
  version and the rules' fingerprint) and annotator's own version are this
  machine's, else the run stops with one line naming the worker. So the
  pipeline (and annotator) must be installed on every worker; a model folder
  (`annotator train`, `--model PATH`) must be at the same absolute path on
  every worker (a shared disk, or a copy), or be packaged with
  `spacy package` and installed there.
- At most `in_flight` batches (default twice the cluster's threads) are
  submitted and not yet stored, so memory stays bounded however large the
  corpus; results come back in any order and are stored in article order,
  one transaction per article (its spans and frames), by `parallel.Writer`,
  the writer of `--jobs`.
- A worker lost mid-run: the scheduler runs its batches again elsewhere; a
  batch the scheduler gives up on (`KilledWorker`) is submitted again, twice
  at most. Whatever happens, the writer stores each batch index once.

`distributed` is the optional `cluster` extra; nothing here imports it before
a run asks for a cluster.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

from annotator import __version__
from annotator.core.errors import AnnotatorError, InputError
from annotator.core.parallel import Writer, read_batches, suggest_batch

RESUBMITS = 2  # a batch whose workers all died is submitted again this many times


class ClusterError(AnnotatorError):
    """The cluster could not finish the run; what was stored stays (whole articles)."""


# -- on a worker ---------------------------------------------------------------------------

_loaded: dict[str, tuple] = {}  # run spec's key -> (pipeline, frame suggester), per process
_loaded_lock = threading.Lock()


def _where() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        import socket

        return socket.gethostname()


def _worker_pipeline(spec: dict) -> tuple:
    """The pipeline SPEC names, loaded once in this worker process and checked."""
    from annotator.core.event_frames import FrameSuggester
    from annotator.core.model import LabelScheme
    from annotator.core.nlp import load_annotator_pipeline

    with _loaded_lock:
        if spec["key"] in _loaded:
            return _loaded[spec["key"]]
        if __version__ != spec["annotator"]:
            raise InputError(
                f"worker {_where()} has annotator {__version__}, this machine"
                f" {spec['annotator']}: install the same annotator on every worker"
            )
        try:
            pipeline = load_annotator_pipeline(
                spec["model"],
                LabelScheme.from_dict(spec["scheme"]),
                spec["patterns"],
                spec["gazetteer"],
                spec["models"],
                spec.get("frames", True),
            )
        except InputError as exc:
            hint = (
                "; a model folder must be at the same path on every worker"
                " (or packaged with `spacy package` and installed there)"
                if spec["model"] in spec["models"] or "/" in spec["model"] or "\\" in spec["model"]
                else "; install the same pipeline on every worker"
            )
            raise InputError(f"worker {_where()}: {exc}{hint}") from None
        if pipeline.version != spec["version"]:
            raise InputError(
                f"worker {_where()} loaded {pipeline.name} {pipeline.version}, this machine"
                f" {spec['version']}: install the same pipeline version on every worker"
            )
        frames = FrameSuggester.for_pipeline(pipeline).warm()  # the frames' parser, now
        _loaded[spec["key"]] = (pipeline, frames)
        return pipeline, frames


def _spec(text: str) -> dict:
    return json.loads(text)


def _check(spec: dict) -> dict:
    """What this worker runs: the pipeline's version and the parser the frames use."""
    pipeline, frames = _worker_pipeline(spec)
    parser = "-"
    if frames.shapes:
        meta = frames.parser.nlp.meta
        parser = f"{meta.get('lang', '')}_{meta.get('name', '?')} {meta.get('version', '?')}"
    return {"worker": _where(), "version": pipeline.version, "parser": parser}


def _suggest(spec: dict, batch: list[tuple]) -> list[tuple[int, list, list]]:
    pipeline, frames = _worker_pipeline(spec)
    return suggest_batch(pipeline, frames, batch)


# -- on this machine -----------------------------------------------------------------------


def connect(address: str):
    """A `distributed.Client` of the scheduler at ADDRESS, or one line saying why not.

    Waits as long as Dask's `distributed.comm.timeouts.connect` (30 s unless set,
    e.g. DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT=5s), then for one worker as long.
    """
    try:
        import dask
        from distributed import Client
    except ImportError:
        raise InputError(
            "--cluster needs Dask distributed: pip install 'annotator[cluster]'"
        ) from None
    if not address.strip():
        raise InputError("--cluster needs the scheduler's address, e.g. tcp://HOST:8786")
    try:
        from distributed.comm.addressing import parse_address, parse_host_port
        from distributed.comm.registry import get_backend

        scheme, where = parse_address(address)  # here, not in a half-made Client that
        get_backend(scheme)  # complains at exit
        if scheme in ("tcp", "tls", "ws", "wss"):
            parse_host_port(where)
        client = Client(address, set_as_default=False)
    except (OSError, ValueError, TimeoutError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"cannot reach a Dask scheduler at {address}: {reason}") from None
    try:
        client.wait_for_workers(1, timeout=dask.config.get("distributed.comm.timeouts.connect"))
    except (OSError, TimeoutError):
        client.close()
        raise InputError(f"the Dask scheduler at {address} has no workers") from None
    return client


def worker_spec(store, pipeline, model: str | None) -> dict:
    """What a worker needs to load the caller's pipeline: its name (or a model folder's
    absolute path) and the project's scheme and rules, with the version to expect."""
    from annotator.core.nlp import project_rules

    patterns, gazetteer = project_rules(store)
    models = {
        name: str(Path(path).resolve()) if Path(path).exists() else path
        for name, path in (store.setting("models", {}) or {}).items()
    }
    name = model if model is not None else pipeline.name
    if name not in models and Path(name).exists():
        name = str(Path(name).resolve())
    spec = {
        "model": name,
        "scheme": store.scheme.raw,
        "patterns": patterns,
        "gazetteer": gazetteer,
        "models": models,
        "version": pipeline.version,
        "frames": pipeline.frames,
        "annotator": __version__,
    }
    blob = json.dumps(spec, sort_keys=True, ensure_ascii=False).encode("utf-8")
    spec["key"] = hashlib.sha256(blob).hexdigest()[:16]
    return spec


def send_spec(client, spec: dict):
    """SPEC on the cluster, as a task's result rather than scattered data: a copy lost with
    its worker is computed again, so the batches that need it can still run."""
    return client.submit(_spec, json.dumps(spec), key=f"annotator-spec-{uuid.uuid4().hex[:8]}")


def check_workers(client, spec_future) -> dict[str, dict]:
    """Load the pipeline on every worker now and check it: one line for the first that
    differs from this machine, or from the other workers in the parser of the frames."""
    workers = list(client.scheduler_info()["workers"])
    futures = [  # one on each (loosely: a worker gone meanwhile must not hang the run)
        client.submit(_check, spec_future, workers=[w], allow_other_workers=True, pure=False)
        for w in workers
    ]
    found = {}
    for w, future in zip(workers, futures, strict=True):
        try:
            result = future.result()
            found[result["worker"]] = result
        except AnnotatorError:
            raise
        except Exception as exc:
            reason = (str(exc).splitlines() or [type(exc).__name__])[0]
            raise ClusterError(
                f"worker {w} could not load the pipeline: {reason} (install annotator"
                f" {__version__} on the scheduler and every worker)"
            ) from None
    parsers = {r["parser"] for r in found.values()}
    if len(parsers) > 1:
        raise InputError(
            "the workers parse the frames with different pipelines ("
            + ", ".join(sorted(parsers))
            + "): install the same spaCy pipelines on every worker"
        )
    return found


def preannotate_cluster(
    store,
    pipeline,
    model: str | None,
    address: str,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    batch_size: int = 32,
    jsonl_out=None,
    in_flight: int | None = None,
    say: Callable[[str], None] | None = None,
) -> int:
    """`nlp.preannotate` on the Dask cluster at ADDRESS (MODEL as the caller named it):
    the same suggestions, stored in the same order. Returns the number of articles."""
    from distributed import CancelledError, KilledWorker, as_completed

    run = uuid.uuid4().hex[:8]
    with connect(address) as client:
        ids = store.articles_without_suggestions(pipeline.name, pipeline.version)
        if not ids:
            return 0  # nothing to do: no worker loads the pipeline for it
        spec = worker_spec(store, pipeline, model)
        spec_future = send_spec(client, spec)
        check_workers(client, spec_future)
        workers = client.scheduler_info()["workers"]
        threads = sum(w["nthreads"] for w in workers.values())
        window = max(2, in_flight or 2 * threads)
        if say:
            say(f"on {len(workers)} worker(s), {threads} thread(s), at {address}")

        writer = Writer(store, pipeline, len(ids), progress, jsonl_out)
        source = enumerate(read_batches(store, ids, batch_size, cancelled))
        waiting: dict[int, list[tuple]] = {}  # index -> batch: submitted, not yet stored
        ready: dict[int, list] = {}  # index -> results: back, waiting for those before it
        attempts: dict[int, int] = {}
        owner: dict = {}  # future -> batch index
        done = as_completed(loop=client.loop)
        next_write = 0

        def submit(i: int, batch: list[tuple]) -> None:
            attempt = attempts.get(i, 0)
            future = client.submit(
                _suggest, spec_future, batch, key=f"annotator-batch-{run}-{i}-{attempt}"
            )
            owner[future] = i
            done.add(future)

        def fill() -> None:
            while len(waiting) < window:
                item = next(source, None)
                if item is None:
                    return
                i, batch = item
                waiting[i] = batch
                submit(i, batch)

        fill()
        for future in done:
            i = owner.pop(future)
            if cancelled and cancelled():
                client.cancel(list(owner))
                break
            try:
                results = future.result()  # "lost" with its worker: waits for the redo
            except (KilledWorker, CancelledError) as exc:
                attempts[i] = attempts.get(i, 0) + 1
                if attempts[i] > RESUBMITS:
                    raise ClusterError(
                        f"batch {i} was lost with its workers {attempts[i]} times"
                        f" ({type(exc).__name__}: {exc}); what was stored stays"
                    ) from None
                submit(i, waiting[i])  # the scheduler gave up on it: once more, a new key
                continue
            except AnnotatorError:
                raise  # a worker without the pipeline: one line
            except Exception as exc:
                raise ClusterError(
                    f"batch {i} failed on the cluster: {type(exc).__name__}: {exc}"
                ) from None
            future.release()
            if i < next_write or i in ready:
                continue  # stored already: each batch is stored once
            ready[i] = results
            while next_write in ready:
                writer.write(ready.pop(next_write))
                del waiting[next_write]
                next_write += 1
            fill()
        return writer.done
