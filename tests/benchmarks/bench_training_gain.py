"""How much `annotator train` improves the suggestions against one annotator's spans.

Run: python tests/benchmarks/bench_training_gain.py [N_TRAIN] [STEPS] [BASE]
The reference annotator's spans are the reference annotation of the seeds and the
held-out articles (tests/quality). Training uses N_TRAIN of their articles; F1 of
the suggestions (overlap and exact) is measured on the others, before (the default
pipeline with the project's rules) and after (the trained folder with the rules).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from quality.reference import heldout_reference, seed_reference  # noqa: E402

from annotator.core.evaluation import score  # noqa: E402
from annotator.core.ingest import import_paths  # noqa: E402
from annotator.core.nlp import load_for_project, preannotate  # noqa: E402
from annotator.core.store import Store  # noqa: E402
from annotator.core.training import train  # noqa: E402

LABELS = ["ACTOR", "DATE", "AGREEMENT"]


def f1s(store, model, ids, ref):
    pairs = []
    for aid in ids:
        pred = [(s.start, s.end, s.label) for s in store.suggestions(aid, model=model)]
        pairs.append((pred, ref[aid]))
    r = score(pairs, LABELS)
    return {
        "overlap": r["overall"]["overlap"]["f1"],
        "exact": r["overall"]["exact"]["f1"],
        **{lab: r["per_label"][lab]["overlap"]["f1"] for lab in LABELS},
    }


def main(n_train: int = 6, steps: int = 200, base: str | None = None) -> None:
    seeds = Path(__file__).resolve().parents[3] / "shared" / "seeds"
    articles = seed_reference(seeds) + heldout_reference()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for name, text, _ in articles:
            (folder / name).write_text(text, encoding="utf-8")
        store = Store(Path(tmp) / "p.db")
        import_paths(store, [folder])
        by_text = {store.article(a).text: a for a in store.article_ids()}
        ref = {}
        ordered = []
        for _name, text, spans in articles:
            aid = by_text[text]
            ordered.append(aid)
            ref[aid] = [(s["start"], s["end"], s["label"]) for s in spans]
        train_ids, test_ids = ordered[:n_train], ordered[n_train:]
        for aid in train_ids:  # the annotator's work the model learns from
            for s, e, lab in ref[aid]:
                store.add_span(aid, "ana", s, e, lab)
            store.set_status(aid, "ana", "done")
        before = load_for_project(store)
        preannotate(store, before)
        t0 = time.perf_counter()
        result = train(store, Path(tmp) / "model", annotator="ana", max_steps=steps, base=base)
        took = time.perf_counter() - t0
        after = load_for_project(store, str(Path(tmp) / "model"))
        preannotate(store, after)
        b, a = f1s(store, before.name, test_ids, ref), f1s(store, after.name, test_ids, ref)
        fill = after.fill_labels
        # the same trained folder without the guard: its NER fills every label it learned
        # wherever the rules and the base NER left room
        loose = Path(tmp) / "unguarded"
        shutil.copytree(Path(tmp) / "model" / "model-best", loose)
        meta = json.loads((loose / "meta.json").read_text(encoding="utf-8"))
        meta["name"] = f"{meta['name']}_unguarded"
        meta.get("annotator", {}).pop("fill_labels", None)
        (loose / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        unguarded = load_for_project(store, str(loose))
        preannotate(store, unguarded)
        u = f1s(store, unguarded.name, test_ids, ref)
        store.close()
    print(
        f"trained on {n_train} articles of one annotator ({result.train_docs} train / {result.dev_docs} dev), "
        f"{steps} steps, base {base or 'blank'}, {took:.0f} s; measured on {len(test_ids)} other articles"
    )
    print(f"pipeline: {' > '.join(after.nlp.pipe_names)}; trained NER fills {sorted(fill or [])}")
    dev = ", ".join(f"{label} p {v['p']:.2f} r {v['r']:.2f}" for label, v in result.scores.items())
    print(f"trained NER on its dev articles (spaCy's evaluation): {dev}")
    for key in b:
        print(
            f"F1 {key:10s} before {b[key] or 0:.3f}  after {a[key] or 0:.3f}  change {(a[key] or 0) - (b[key] or 0):+.3f}"
            f"  (unguarded {u[key] or 0:.3f}, {(u[key] or 0) - (b[key] or 0):+.3f})"
        )


if __name__ == "__main__":
    args = sys.argv[1:]
    main(
        int(args[0]) if args else 6,
        int(args[1]) if len(args) > 1 else 200,
        args[2] if len(args) > 2 else None,
    )
