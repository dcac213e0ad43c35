"""`annotator train` on spaCy's own config and training loop; the folder it writes is a model."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli
from test_formats import annotated_project

from annotator.core.errors import InputError
from annotator.core.nlp import load_for_project
from annotator.core.store import Store
from annotator.core.training import BASE_COMPONENT, RULES_COMPONENT, train


def test_train_writes_spacy_config_trains_with_spacy_and_keeps_rules_in_front(tmp_path):
    import spacy

    store = annotated_project(tmp_path / "p.db", n=10)
    seen = []
    result = train(
        store, tmp_path / "model", annotator="ben", max_steps=20, progress=lambda *a: seen.append(a)
    )
    assert result.train_docs + result.dev_docs == 10 and seen[-1][0] == 20
    assert any("f" in info for _s, _t, info in seen)  # evaluations reported along the way
    config = spacy.util.load_config(tmp_path / "model" / "config.cfg")
    assert config["nlp"]["pipeline"] == ["tok2vec", "ner"] and config["training"]["max_steps"] == 20
    assert config["paths"]["train"].endswith("train.spacy")
    # what `spacy init config` writes: spaCy itself fills it with nothing left to add
    from spacy.cli.init_config import fill_config

    filled, _ = fill_config(tmp_path / "filled.cfg", tmp_path / "model" / "config.cfg", silent=True)
    assert filled["training"]["max_steps"] == 20
    best = spacy.load(tmp_path / "model" / "model-best")
    assert best.pipe_names.index(RULES_COMPONENT) < best.pipe_names.index("ner")
    from annotator.core.nlp import default_pipeline_name

    if default_pipeline_name():  # the base NER in front, the trained one fills what is left
        assert best.pipe_names.index(BASE_COMPONENT) < best.pipe_names.index("ner")
        meta = json.loads((tmp_path / "model" / "model-best" / "meta.json").read_text())
        assert meta["annotator"]["base_ner"] == default_pipeline_name()
        assert set(meta["annotator"]["fill_labels"]) <= {"ACTOR", "DATE", "AGREEMENT"}
    doc = best("Russia and the Taliban signed an oil production contract in Kabul.")
    assert "oil production contract" in {
        e.text for e in doc.ents
    }  # the rules, with spacy.load alone
    assert store.setting("models")["model"] == str((tmp_path / "model").resolve())
    pipeline = load_for_project(store, str(tmp_path / "model"))  # the folder, not only model-best
    # the trained NER runs only when it may fill a label (meta.json), the base NER always
    assert ("ner" in pipeline.nlp.pipe_names) == bool(pipeline.fill_labels) or (
        pipeline.fill_labels is None and "ner" in pipeline.nlp.pipe_names
    )
    store.close()


def test_preannotate_accepts_the_folder_train_wrote_and_cancel_changes_nothing(tmp_path):
    db = tmp_path / "p.db"
    store = annotated_project(db, n=8)
    train(store, tmp_path / "m", annotator="ben", max_steps=10)
    with pytest.raises(InputError, match="cancelled"):
        train(
            store, tmp_path / "m2", annotator="ben", max_steps=10, name="m2", cancelled=lambda: True
        )
    assert "m2" not in store.setting("models")
    store.close()
    r = run_cli("preannotate", "--db", str(db), "--model", str(tmp_path / "m"))
    assert r.returncode == 0, r.stderr
    with Store(db) as store:
        assert any(m.endswith("m") for m in store.suggestion_models())
    models = json.loads(run_cli("models", "--db", str(db), "--json").stdout)
    assert any(m["name"] == "m" and "ACTOR" in m["ner_labels"] for m in models)
