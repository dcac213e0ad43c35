"""Closing the loop: train a NER pipeline on the project's annotations, spaCy's own way.

`train` writes what `spacy init config` would generate for an English NER
pipeline (`spacy.cli.init_config.init_config`) as MODEL_DIR/config.cfg, for
users to edit and run again with `python -m spacy train`; the corpus as
MODEL_DIR/corpus/{train,dev}.spacy; and trains through spaCy's own training
loop (`spacy.training.loop.train`, what `spacy train` runs), with a logger of
ours only to report progress and honour Cancel. The trained pipelines
(MODEL_DIR/model-best, model-last) get the project's rules as an
`entity_ruler`, then the base pipeline's NER (`base_ner`), then the trained NER,
which only fills what neither found — so `spacy.load` alone gives rules and
models together, and training cannot make the suggestions worse than the base. The folder is registered in the project under its name, so
`preannotate --model NAME` (or `--model MODEL_DIR`) uses it.
"""

from __future__ import annotations

import contextvars
import io
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.exporting import export_records
from annotator.core.formats.spacy_docbin import Alignment, record_to_doc, split_key
from annotator.core.model import GOLD

MIN_ARTICLES = 4
RULES_COMPONENT = "project_rules"
FILL_PRECISION = 0.9  # dev precision a label needs before the trained NER may add it
BASE_COMPONENT = "base_ner"  # the base pipeline's NER, kept in front of the trained one
LOGGER = "annotator.progress.v1"

# the progress callback and cancel check of the training run under way (one per thread)
_hooks: contextvars.ContextVar[tuple] = contextvars.ContextVar(
    "annotator_train_hooks", default=(None, None, 0)
)


class _Cancelled(Exception):
    pass


@dataclass
class TrainResult:
    name: str
    path: str
    train_docs: int
    dev_docs: int
    steps: int
    scores: dict[str, dict[str, float]] = field(default_factory=dict)  # per label, and "ALL"
    alignment: Alignment = field(default_factory=Alignment)
    config: str = ""  # the config.cfg written beside the model


def training_docs(
    store, annotator: str | None, gold: bool
) -> tuple[list[tuple[dict[str, Any], Any]], Alignment]:
    who = GOLD if gold else annotator
    if who and who not in store.annotators():
        raise InputError(f"no annotations by {who!r} in this project")
    alignment = Alignment()
    out = []
    for record in export_records(store, who, include_untouched=False):
        if who is None and record["_annotator_id"] == GOLD:
            continue  # gold is trained on only when asked for
        if not record["spans"] and record["meta"].get("status") != "done":
            continue  # nothing marked and not finished: no evidence either way
        out.append((record, record_to_doc(record, alignment)))
    return out, alignment


def _register_logger() -> None:
    import spacy

    if LOGGER in spacy.registry.loggers.get_all():
        return

    @spacy.registry.loggers(LOGGER)
    def progress_logger():
        def setup(nlp, stdout, stderr):
            state = {"step": 0, "loss": 0.0}

            def log_step(info: dict | None) -> None:
                progress, cancelled, total = _hooks.get()
                state["step"] += 1
                if cancelled and cancelled():
                    raise _Cancelled()
                if info is not None:
                    state["loss"] = float(info.get("losses", {}).get("ner", 0.0))
                    f = float(info.get("other_scores", {}).get("ents_f") or 0.0)
                    if progress:
                        progress(min(state["step"], total), total, {"loss": state["loss"], "f": f})
                elif progress:
                    progress(min(state["step"], total), total, {"loss": state["loss"]})

            return log_step, lambda: None

        return setup


def training_config(max_steps: int, seed: int, base: str | None = None):
    """The config `spacy init config --lang en --pipeline ner` writes, with our steps and seed."""
    from spacy.cli.init_config import init_config

    config = init_config(lang="en", pipeline=["ner"], optimize="efficiency", gpu=False, silent=True)
    training = config["training"]
    training["max_steps"] = max_steps
    training["eval_frequency"] = max(10, max_steps // 10)
    training["seed"] = seed
    training["patience"] = 0  # run the steps asked for
    if base:
        # fine-tune the base pipeline's own NER (and its tok2vec) instead of starting from nothing
        config["components"]["ner"] = {"source": base}
        config["components"]["tok2vec"] = {"source": base}
    return config


def train(
    store,
    out_dir: str | Path,
    *,
    annotator: str | None = None,
    gold: bool = False,
    base: str | None = None,
    max_steps: int = 400,
    split: float = 0.8,
    seed: int = 0,
    name: str | None = None,
    progress: Callable[[int, int, dict[str, float]], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> TrainResult:
    import spacy
    from spacy.tokens import DocBin
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as spacy_train

    pairs, alignment = training_docs(store, annotator, gold)
    if len(pairs) < MIN_ARTICLES:
        raise InputError(
            f"need at least {MIN_ARTICLES} annotated articles to train, the project has {len(pairs)}"
        )
    pairs.sort(key=lambda rd: split_key(rd[0], seed))
    n_train = min(max(int(len(pairs) * split), 1), len(pairs) - 1)
    train_docs = [doc for _r, doc in pairs[:n_train]]
    dev_docs = [doc for _r, doc in pairs[n_train:]]

    out = Path(out_dir)
    try:
        (out / "corpus").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the model folder ({exc.strerror})", str(out)) from None
    train_path, dev_path = (
        (out / "corpus" / "train.spacy").resolve(),
        (out / "corpus" / "dev.spacy").resolve(),
    )
    DocBin(docs=train_docs, store_user_data=False).to_disk(train_path)
    DocBin(docs=dev_docs, store_user_data=False).to_disk(dev_path)

    if base:
        try:
            spacy.util.get_lang_class("en")
            spacy.load(
                base, exclude=["parser", "tagger", "attribute_ruler", "lemmatizer", "senter"]
            )
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot load base pipeline {base!r}: {exc}") from None
    config = training_config(max_steps, seed, base)
    config["paths"]["train"] = str(train_path)
    config["paths"]["dev"] = str(dev_path)
    config_path = out / "config.cfg"
    config.to_disk(config_path)  # for users: `python -m spacy train MODEL_DIR/config.cfg`

    _register_logger()
    run = spacy.util.load_config(config_path, interpolate=False)
    run["training"]["logger"] = {"@loggers": LOGGER}
    spacy.util.fix_random_seed(seed)
    token = _hooks.set((progress, cancelled, max_steps))
    try:
        nlp = init_nlp(run, use_gpu=-1)
        spacy_train(nlp, out, use_gpu=-1, stdout=io.StringIO(), stderr=io.StringIO())
    except _Cancelled:
        raise InputError("training cancelled; the project is unchanged") from None
    except ValueError as exc:
        raise InputError(f"spaCy could not train on these annotations: {exc}") from None
    finally:
        _hooks.reset(token)

    model_name = name or out.name or "project-ner"
    version = f"1.0.{int(time.time())}"  # a new version each run, so preannotate re-suggests
    from annotator.core.nlp import project_rules, rule_patterns

    patterns = rule_patterns(store.scheme, *project_rules(store))
    from annotator.core.nlp import default_pipeline_name

    keep_in_front = base or default_pipeline_name()
    for folder in ("model-best", "model-last"):
        _finish(out / folder, model_name, version, patterns, keep_in_front, store.scheme.model_map)
    scores = _scores(out / "model-best", store.scheme.names)
    models = dict(store.setting("models", {}) or {})
    models[model_name] = str(out.resolve())
    store.set_setting("models", models)
    return TrainResult(
        model_name,
        models[model_name],
        len(train_docs),
        len(dev_docs),
        max_steps,
        scores,
        alignment,
        str(config_path),
    )


def _finish(
    path: Path,
    name: str,
    version: str,
    patterns: list[dict],
    base: str | None = None,
    model_map: dict[str, str] | None = None,
) -> None:
    """Rules first, then the base pipeline's NER, then the trained NER filling what is left.

    spaCy's NER keeps the entities a component before it set and predicts around them, so
    the trained model only adds where neither the rules nor the base model found anything:
    training on a few articles cannot take away what the base model suggested. The base
    NER is sourced as BASE_COMPONENT; meta.json records it and the labels the trained one
    fills (`annotator.fill_labels`)."""
    import spacy

    nlp = spacy.load(path)
    if base and BASE_COMPONENT not in nlp.pipe_names:
        try:
            source = spacy.load(
                base, exclude=["parser", "tagger", "attribute_ruler", "lemmatizer", "senter"]
            )
        except (OSError, ValueError):
            source = None  # the base went away since training started: the trained NER alone
        if source is not None and "ner" in source.pipe_names:
            nlp.add_pipe("ner", name=BASE_COMPONENT, source=source, before="ner")
    covered = set()  # our labels the base NER already gives (PERSON/GPE/… → ACTOR, DATE)
    if BASE_COMPONENT in nlp.pipe_names:
        covered = {(model_map or {}).get(lab) for lab in nlp.get_pipe(BASE_COMPONENT).labels}
    if RULES_COMPONENT not in nlp.pipe_names:
        first = BASE_COMPONENT if BASE_COMPONENT in nlp.pipe_names else "ner"
        ruler = nlp.add_pipe(
            "entity_ruler", name=RULES_COMPONENT, before=first, config={"validate": True}
        )
        ruler.add_patterns(patterns)
    nlp.meta["name"] = name
    nlp.meta["version"] = version
    nlp.meta["annotator"] = {
        "order": [c for c in (RULES_COMPONENT, BASE_COMPONENT, "ner") if c in nlp.pipe_names],
        "base_ner": base if BASE_COMPONENT in nlp.pipe_names else None,
        "fill_labels": fill_labels(
            nlp.meta, [lab for lab in nlp.get_pipe("ner").labels if lab not in covered]
        ),
    }
    nlp.to_disk(path)


def fill_labels(meta: dict, labels: list[str]) -> list[str]:
    """The labels the trained NER may fill: of LABELS (those the base NER does not give),
    the ones it predicted precisely enough on the dev articles (spaCy's own evaluation in
    meta.json). A label it was unsure of is left to the rules, so a few training articles
    cannot add noise. (Filling DATE gaps next to the base model's dates cost 0.13 of DATE
    F1 in bench_training_gain.py: the base model's labels stay the base model's.)"""
    per_type = (meta.get("performance") or {}).get("ents_per_type") or {}
    return sorted(
        label for label in labels if (per_type.get(label) or {}).get("p", 0.0) >= FILL_PRECISION
    )


def _scores(path: Path, labels) -> dict[str, dict[str, float]]:
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    perf = meta.get("performance", {})
    out = {
        "ALL": {
            "p": perf.get("ents_p") or 0.0,
            "r": perf.get("ents_r") or 0.0,
            "f": perf.get("ents_f") or 0.0,
        }
    }
    per_type = perf.get("ents_per_type") or {}
    for label in labels:
        s = per_type.get(label, {})
        out[label] = {"p": s.get("p", 0.0), "r": s.get("r", 0.0), "f": s.get("f", 0.0)}
    return out
