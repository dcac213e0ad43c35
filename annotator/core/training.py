"""Closing the loop: train a NER pipeline on the project's annotations and register it.

Uses spaCy's training API (`nlp.initialize`, `nlp.update`, `nlp.evaluate`) so
progress and cancel can be reported to the terminal or a GUI worker. The best
model on the dev set is saved as MODEL_DIR/model-best and registered in the
project under its name, so `preannotate --model NAME` and the GUI can use it.
"""

from __future__ import annotations

import random
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


@dataclass
class TrainResult:
    name: str
    path: str
    train_docs: int
    dev_docs: int
    steps: int
    scores: dict[str, dict[str, float]] = field(default_factory=dict)  # per label, and "ALL"
    alignment: Alignment = field(default_factory=Alignment)


def training_docs(store, annotator: str | None, gold: bool) -> tuple[list[tuple[dict[str, Any], Any]], Alignment]:
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
    from spacy.training import Example
    from spacy.util import minibatch

    labels = store.scheme.names
    pairs, alignment = training_docs(store, annotator, gold)
    if len(pairs) < MIN_ARTICLES:
        raise InputError(
            f"need at least {MIN_ARTICLES} annotated articles to train, the project has {len(pairs)}"
        )
    pairs.sort(key=lambda rd: split_key(rd[0], seed))
    n_train = min(max(int(len(pairs) * split), 1), len(pairs) - 1)
    train_docs = [doc for _r, doc in pairs[:n_train]]
    dev_docs = [doc for _r, doc in pairs[n_train:]]

    if base:
        try:
            nlp = spacy.load(base, exclude=["parser", "tagger", "attribute_ruler", "lemmatizer", "senter"])
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot load base pipeline {base!r}: {exc}") from None
        if "ner" not in nlp.pipe_names:
            nlp.add_pipe("ner")
        for pipe in [p for p in nlp.pipe_names if p != "ner"]:
            nlp.remove_pipe(pipe)
    else:
        nlp = spacy.blank("en")
        nlp.add_pipe("ner")
    ner = nlp.get_pipe("ner")
    for label in labels:
        ner.add_label(label)

    def examples(docs):
        return [Example(nlp.make_doc(d.text), d) for d in docs]

    train_examples, dev_examples = examples(train_docs), examples(dev_docs)
    random.seed(seed)
    spacy.util.fix_random_seed(seed)
    optimizer = nlp.initialize(lambda: train_examples) if not base else nlp.resume_training()
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the model folder ({exc.strerror})", str(out)) from None

    # a new version each run, so preannotate re-suggests with the retrained model
    nlp.meta["version"] = f"1.0.{int(time.time())}"
    nlp.meta["name"] = name or out.name or "project_ner"
    best_f, best_scores, step = -1.0, {}, 0
    eval_every = max(10, max_steps // 10)
    rng = random.Random(seed)
    while step < max_steps:
        rng.shuffle(train_examples)
        for batch in minibatch(train_examples, size=8):
            if cancelled and cancelled():
                raise InputError("training cancelled; the project is unchanged")
            losses: dict[str, float] = {}
            nlp.update(batch, drop=0.2, sgd=optimizer, losses=losses)
            step += 1
            if step % eval_every == 0 or step == max_steps:
                scores = _scores(nlp, dev_examples, labels)
                if scores["ALL"]["f"] >= best_f:
                    best_f, best_scores = scores["ALL"]["f"], scores
                    nlp.to_disk(out / "model-best")
                if progress:
                    progress(step, max_steps, {"loss": losses.get("ner", 0.0), "f": scores["ALL"]["f"]})
            elif progress:
                progress(step, max_steps, {"loss": losses.get("ner", 0.0)})
            if step >= max_steps:
                break
    nlp.to_disk(out / "model-last")
    model_name = name or out.name or "project-ner"
    models = dict(store.setting("models", {}) or {})
    models[model_name] = str((out / "model-best").resolve())
    store.set_setting("models", models)
    return TrainResult(model_name, models[model_name], len(train_docs), len(dev_docs), step, best_scores, alignment)


def _scores(nlp, examples, labels) -> dict[str, dict[str, float]]:
    scores = nlp.evaluate(examples)
    per_type = scores.get("ents_per_type") or {}
    out = {"ALL": {"p": scores.get("ents_p") or 0.0, "r": scores.get("ents_r") or 0.0, "f": scores.get("ents_f") or 0.0}}
    for label in labels:
        s = per_type.get(label, {})
        out[label] = {"p": s.get("p", 0.0), "r": s.get("r", 0.0), "f": s.get("f", 0.0)}
    return out
