"""Exchange formats: round trips, alignment, overlaps, filters, and real clients accepting them."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli

from annotator.core.exporting import export
from annotator.core.formats.spacy_docbin import read_spacy
from annotator.core.model import ArticleIn
from annotator.core.nlp import RULES_ONLY, load_for_project, preannotate
from annotator.core.store import Store

sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
from corpus import corpus  # noqa: E402

TEXT = "Kabul 😀 and Moscow agreed on the exchange of ambassadors in April 2025.\nChina's envoy welcomed it."


def annotated_project(path: Path, n: int = 0) -> Store:
    store = Store(path)
    a, _ = store.add_article(TEXT, title="Ties", published="2025-05-01")
    for word, label in (
        ("Kabul", "ACTOR"),
        ("Moscow", "ACTOR"),
        ("exchange of ambassadors", "AGREEMENT"),
        ("April 2025", "DATE"),
    ):
        i = TEXT.index(word)
        attrs = {"type": "DIPLOMATIC"} if label == "AGREEMENT" else {}
        store.add_span(a, "ana", i, i + len(word), label, attrs)
    store.set_status(a, "ana", "done")
    if n:
        store.import_articles(
            [ArticleIn(text=t, published="2025-05-30") for t in corpus(n, seed=2, chars=600)], None
        )
        pipeline = load_for_project(store, RULES_ONLY)
        preannotate(store, pipeline)
        for aid in store.article_ids()[1:]:
            store.accept_suggestions("ben", store.suggestions(aid, "ben"))
            store.set_status(aid, "ben", "done")
    return store


def cli_roundtrip(tmp_path, fmt: str, suffix: str) -> tuple[str, str]:
    db = tmp_path / "a.db"
    annotated_project(db).close()
    first, second = tmp_path / f"one{suffix}", tmp_path / f"two{suffix}"
    r = run_cli("export", "--db", str(db), "--format", fmt, "--out", str(first))
    assert r.returncode == 0, r.stderr
    r = run_cli("import", str(first), "--db", str(tmp_path / "b.db"))
    assert r.returncode == 0, r.stderr
    r = run_cli("export", "--db", str(tmp_path / "b.db"), "--format", fmt, "--out", str(second))
    assert r.returncode == 0, r.stderr
    return first, second


@pytest.mark.parametrize(
    "fmt,suffix", [("jsonl", ".jsonl"), ("doccano", ".jsonl"), ("spacy", ".spacy")]
)
def test_round_trip_export_import_export(tmp_path, fmt, suffix):
    first, second = cli_roundtrip(tmp_path, fmt, suffix)
    if fmt == "spacy":
        a, b = read_spacy(first), read_spacy(second)
        assert [(x.text, [(s.start, s.end, s.label, s.attrs) for s in x.spans]) for x in a] == [
            (x.text, [(s.start, s.end, s.label, s.attrs) for s in x.spans]) for x in b
        ]
        assert a[0].annotator == "ana"
    else:
        assert first.read_bytes() == second.read_bytes()


def test_doccano_shape_and_labels_alias(tmp_path):
    first, _ = cli_roundtrip(tmp_path, "doccano", ".jsonl")
    rec = json.loads(first.read_text(encoding="utf-8").splitlines()[0])
    assert (
        rec["text"] == TEXT
        and [TEXT[x["start_offset"] : x["end_offset"]] for x in rec["label"]][0] == "Kabul"
    )
    assert rec["label"][0] == {"start_offset": 0, "end_offset": 5, "label": "ACTOR"}
    alias = tmp_path / "alias.jsonl"
    alias.write_text(json.dumps({"text": "Tehran signed.", "labels": [[0, 6, "ACTOR"]]}) + "\n"
                     + json.dumps({"text": "Kabul signed.", "entities": [{"start_offset": 0, "end_offset": 5, "label": "ACTOR"}]}) + "\n",
                     encoding="utf-8")  # fmt: skip
    r = run_cli("import", str(alias), "--db", str(tmp_path / "c.db"), "--annotator", "dora")
    assert r.returncode == 0, r.stderr
    stats = json.loads(run_cli("stats", "--db", str(tmp_path / "c.db"), "--json").stdout)
    assert stats["spans"] == {"dora": {"ACTOR": 2}}


def test_conll_iob2(tmp_path):
    with annotated_project(tmp_path / "a.db") as store:
        export(store, "conll", tmp_path / "out.conll")
    lines = (tmp_path / "out.conll").read_text(encoding="utf-8").split("\n")
    assert lines[0] == "-DOCSTART- -X- O O" and lines[1] == ""
    rows = [ln.split() for ln in lines if ln and not ln.startswith("-DOCSTART-")]
    assert all(len(r) == 4 for r in rows)
    tagged = [(r[0], r[3]) for r in rows]
    assert ("Kabul", "B-ACTOR") in tagged and ("exchange", "B-AGREEMENT") in tagged
    assert ("ambassadors", "I-AGREEMENT") in tagged and ("2025", "I-DATE") in tagged
    for prev, cur in zip(rows, rows[1:], strict=False):  # IOB2: I- only continues its own label
        if cur[3].startswith("I-"):
            assert prev[3][2:] == cur[3][2:]
    # the line break ends a sentence
    i = lines.index("it -X- _ O") if "it -X- _ O" in lines else None
    assert i is not None
    assert "" in lines[lines.index(". -X- _ O") : i]


def test_misaligned_and_overlapping_spans_in_spacy(tmp_path):
    store = Store(tmp_path / "p.db")
    text = "Uzbekistan and Pakistan discussed the trans-Afghan railway corridor."
    a, _ = store.add_article(text)
    store.add_span(a, "ana", 2, 8, "ACTOR")  # "bekist": inside a token
    i = text.index("trans-Afghan railway corridor")
    store.add_span(a, "ana", i, i + 29, "AGREEMENT")
    j = text.index("Afghan")
    store.add_span(a, "ana", j, j + 6, "ACTOR")  # overlaps the agreement
    summary = export(store, "spacy", tmp_path / "o.spacy")
    assert "1 span(s) expanded" in summary
    from spacy.tokens import DocBin

    from annotator.core.tokens import blank_nlp

    [doc] = list(DocBin().from_disk(tmp_path / "o.spacy").get_docs(blank_nlp().vocab))
    assert [e.text for e in doc.ents] == ["Uzbekistan"]
    assert sorted(s.text for s in doc.spans["sc"]) == [
        "Afghan",
        "Uzbekistan",
        "trans-Afghan railway corridor",
    ]
    missing = [t.text for t in doc if t.ent_iob_ == ""]
    assert missing == ["trans", "-", "Afghan", "railway", "corridor"]  # unknown, not "O"
    store.close()


def test_filters_status_gold_and_rejections(tmp_path):
    store = annotated_project(tmp_path / "p.db")
    b, _ = store.add_article("Beijing and Islamabad met in Beijing on Friday.")
    store.add_span(b, "ana", 0, 7, "ACTOR")  # in progress, not done
    store.set_suggestions(b, "m", "1", [])
    from annotator.core.model import Suggestion

    store.reject_suggestion("ana", Suggestion(b, 12, 21, "ACTOR", {}, "m", "1"))
    out = tmp_path / "done.jsonl"
    export(store, "jsonl", out, status="done")
    recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["meta"]["status"] for r in recs] == ["done"]
    export(store, "jsonl", out, include_rejected=True, annotator="ana")
    recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    rejected = [r for r in recs if r.get("answer") == "reject"]
    assert "answer" not in next(r for r in recs if r["meta"].get("status") == "in_progress")
    assert len(rejected) == 1 and rejected[0]["spans"][0]["text"] == "Islamabad"
    # rejections travel back in through import
    run_cli("import", str(out), "--db", str(tmp_path / "q.db"))
    with Store(tmp_path / "q.db") as q:
        bid = q.article_id_by_hash(store.article(b).hash)
        assert q.rejections(bid, "ana")[0]["label"] == "ACTOR"
    r = run_cli(
        "export", "--db", str(tmp_path / "p.db"), "--gold", "--format", "jsonl", "--out", str(out)
    )
    assert r.returncode == 2 and "no gold annotations" in r.stderr
    store.close()


def test_empty_project_exports_valid_files(tmp_path):
    db = tmp_path / "e.db"
    Store(db).close()
    for fmt, suffix in (
        ("jsonl", ".jsonl"),
        ("doccano", ".jsonl"),
        ("conll", ".conll"),
        ("spacy", ".spacy"),
    ):
        out = tmp_path / f"e{suffix}"
        r = run_cli("export", "--db", str(db), "--format", fmt, "--out", str(out))
        assert r.returncode == 0, r.stderr
        assert out.exists()
    assert read_spacy(tmp_path / "e.spacy") == []


def test_unwritable_output_leaves_nothing(tmp_path):
    db = tmp_path / "a.db"
    annotated_project(db).close()
    missing = tmp_path / "no" / "such" / "out.spacy"
    for fmt in ("spacy", "jsonl", "doccano", "conll"):
        r = run_cli("export", "--db", str(db), "--format", fmt, "--out", str(missing))
        assert r.returncode == 2 and "cannot write" in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "no").exists()
    target = tmp_path / "folder.jsonl"
    target.mkdir()  # a folder where the file should go
    r = run_cli("export", "--db", str(db), "--out", str(target))
    assert r.returncode == 2 and list(target.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_every_span_text_is_the_slice_of_text(tmp_path):
    with annotated_project(tmp_path / "p.db", n=20) as store:
        export(store, "jsonl", tmp_path / "o.jsonl")
    for line in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        for s in rec["spans"]:
            assert rec["text"][s["start"] : s["end"]] == s["text"]


def test_spacy_itself_accepts_the_export(tmp_path):
    """spaCy's own debug data and train commands run on our DocBin without a fix-up."""
    with annotated_project(tmp_path / "p.db", n=140) as store:
        summary = export(store, "spacy", tmp_path / "data", split=0.8)
    assert "dev" in summary
    spacy_cli = [sys.executable, "-m", "spacy"]
    cfg = tmp_path / "cfg.cfg"
    subprocess.run([*spacy_cli, "init", "config", str(cfg), "--lang", "en", "--pipeline", "ner",
                    "--optimize", "efficiency", "--force"], check=True, capture_output=True)  # fmt: skip
    paths = [
        "--paths.train",
        str(tmp_path / "data" / "train.spacy"),
        "--paths.dev",
        str(tmp_path / "data" / "dev.spacy"),
    ]
    debug = subprocess.run(
        [*spacy_cli, "debug", "data", str(cfg), *paths], capture_output=True, text=True
    )
    assert debug.returncode == 0, debug.stdout[-2000:]
    assert " error" not in debug.stdout.split("Summary")[-1], debug.stdout[-1500:]
    train = subprocess.run(
        [*spacy_cli, "train", str(cfg), "--output", str(tmp_path / "model"), *paths,
         "--training.max_steps", "20", "--training.eval_frequency", "10"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert train.returncode == 0, train.stdout[-2000:] + train.stderr[-2000:]
    assert (tmp_path / "model" / "model-last" / "meta.json").exists()


def test_train_command_registers_a_model_preannotate_can_use(tmp_path):
    db = tmp_path / "p.db"
    annotated_project(db, n=24).close()
    r = run_cli(
        "train",
        "--db",
        str(db),
        "--out",
        str(tmp_path / "mymodel"),
        "--max-steps",
        "30",
        "--annotator",
        "ben",
    )
    assert r.returncode == 0, r.stderr
    assert "ACTOR" in r.stdout and "F1" in r.stdout and "registered as 'mymodel'" in r.stdout
    with Store(db) as store:
        assert "mymodel" in store.setting("models")
    models = run_cli("models", "--db", str(db), "--json")
    assert any(
        m["name"] == "mymodel" and "ACTOR" in m["ner_labels"] for m in json.loads(models.stdout)
    )
    pre = run_cli("preannotate", "--db", str(db), "--model", "mymodel")
    assert pre.returncode == 0, pre.stderr
    with Store(db) as store:
        assert "mymodel" in store.suggestion_models()
    few = run_cli("train", "--db", str(db), "--out", str(tmp_path / "m2"), "--annotator", "ana")
    assert few.returncode == 2 and "need at least" in few.stderr


def test_corpus_generator_is_deterministic():
    assert corpus(3, seed=random.Random(1).randint(0, 9)) == corpus(
        3, seed=random.Random(1).randint(0, 9)
    )
