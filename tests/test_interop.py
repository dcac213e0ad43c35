"""Our exports fed to the programs people train with: datasets, seqeval, spaCy's convert and debug data.

The consumers come from the optional `interop` extra (`pip install -e ".[interop]"`);
without it these tests are skipped, never faked.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from annotator.core.exporting import export
from annotator.core.store import Store

ARTICLES = [
    ("Kabul 😀 and Moscow agreed on the exchange of ambassadors in April 2025.\nChina's envoy welcomed it.",
     [("Kabul", "ACTOR", {"kind": "state"}), ("Moscow", "ACTOR", {}), ("exchange of ambassadors", "AGREEMENT", {"type": "DIPLOMATIC"}),
      ("April 2025", "DATE", {"value": "2025-04"}), ("China", "ACTOR", {})], "done"),
    ("طالبان و روسیه Taliban and Russia signed a gas deal on 5 May 2025.",
     [("Taliban", "ACTOR", {}), ("Russia", "ACTOR", {"country": "RUS"}), ("gas deal", "AGREEMENT", {"type": "ENERGY"}),
      ("5 May 2025", "DATE", {})], "done"),
    ("The Islamic Emirate of\nAfghanistan met Uzbek officials.", [("Islamic Emirate of\nAfghanistan", "ACTOR", {})], "in_progress"),
    ("Tehran skipped this one.", [], "skipped"),
]  # fmt: skip


@pytest.fixture
def project(tmp_path):
    store = Store(tmp_path / "p.db")
    for text, spans, status in ARTICLES:
        a, _ = store.add_article(text, title=text[:20])
        for word, label, attrs in spans:
            i = text.index(word)
            store.add_span(a, "ana", i, i + len(word), label, attrs)
        store.set_status(a, "ana", status)
    store.add_article("Nobody has looked at this article about Delhi yet.")
    yield store
    store.close()


@pytest.fixture
def datasets(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf-cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    return pytest.importorskip("datasets")


def test_datasets_loads_our_jsonl(project, tmp_path, datasets):
    export(project, "jsonl", tmp_path / "o.jsonl")
    ds = datasets.load_dataset("json", data_files=str(tmp_path / "o.jsonl"), split="train")
    assert len(ds) == 5
    from collections import Counter

    assert Counter(ds["answer"]) == {"accept": 2, "ignore": 1, None: 2}
    first = ds[0]
    assert [first["text"][s["start"] : s["end"]] for s in first["spans"]] == [
        "Kabul", "Moscow", "exchange of ambassadors", "April 2025", "China"
    ]  # fmt: skip


def test_datasets_loads_the_doccano_export(project, tmp_path, datasets):
    export(project, "doccano", tmp_path / "d.jsonl")
    lines = [json.loads(x) for x in (tmp_path / "d.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len({tuple(r) for r in lines}) == 1  # every record has the same keys
    ds = datasets.load_dataset("json", data_files=str(tmp_path / "d.jsonl"), split="train")
    assert len(ds) == 3  # the skipped article is not training data
    row = ds[1]
    assert [row["text"][x["start_offset"] : x["end_offset"]] for x in row["label"]] == [
        "Taliban", "Russia", "gas deal", "5 May 2025"
    ]  # fmt: skip


def test_hf_export_with_a_classlabel_feature(project, tmp_path, datasets):
    (tmp_path / "hf").mkdir()
    summary = export(project, "hf", tmp_path / "hf" / "train.jsonl")
    assert "1 cut at a sentence or line break" in summary
    names = json.loads((tmp_path / "hf" / "labels.json").read_text(encoding="utf-8"))
    assert names[:3] == ["O", "B-ACTOR", "I-ACTOR"]
    features = datasets.Features({
        "id": datasets.Value("string"),
        "tokens": datasets.Sequence(datasets.Value("string")),
        "ner_tags": datasets.Sequence(datasets.ClassLabel(names=names)),
        "article_id": datasets.Value("string"),
        "annotator": datasets.Value("string"),
        "sentence": datasets.Value("int64"),
    })  # fmt: skip
    ds = datasets.load_dataset(
        "json", data_files=str(tmp_path / "hf" / "train.jsonl"), features=features, split="train"
    )
    tag = ds.features["ner_tags"].feature
    decoded = [
        (tok, tag.int2str(t))
        for row in ds
        for tok, t in zip(row["tokens"], row["ner_tags"], strict=True)
    ]
    assert ("Kabul", "B-ACTOR") in decoded and ("ambassadors", "I-AGREEMENT") in decoded
    assert ("Afghanistan", "O") in decoded  # the rest of a span cut at a line break
    assert (
        len(ds) == 4 + 1
    )  # sentences of the three exported articles (the skipped one is left out)
    per_article = export(project, "hf", tmp_path / "hf" / "articles.jsonl", per="article")
    assert per_article.startswith("exported 3 article(s)")


def _conll_sentences(path):
    sentences, current = [], []
    for line in path.read_text(encoding="utf-8").split("\n"):
        cols = line.split()
        if not cols:
            if current:
                sentences.append(current)
            current = []
        elif cols[0] != "-DOCSTART-":
            current.append(cols[-1])
    return sentences


def test_seqeval_strict_reads_every_entity(project, tmp_path):
    pytest.importorskip("seqeval")
    from seqeval.metrics import f1_score
    from seqeval.metrics.sequence_labeling import get_entities
    from seqeval.scheme import IOB2, Entities

    export(project, "conll", tmp_path / "o.conll")
    tags = _conll_sentences(tmp_path / "o.conll")
    strict = Entities(tags, IOB2, suffix=False).entities
    lenient = get_entities(tags)
    assert sum(len(s) for s in strict) == len(lenient) == 10  # nothing dropped by strict IOB2
    assert f1_score(tags, tags, mode="strict", scheme=IOB2) == 1.0


def test_spacy_convert_and_debug_data_read_the_conll(project, tmp_path):
    export(project, "conll", tmp_path / "o.conll")
    export(project, "conll", tmp_path / "t.conll", sep="tab")
    assert all(ln.count("\t") == 1 for ln in (tmp_path / "t.conll").read_text().splitlines() if ln)
    spacy_cli = [sys.executable, "-m", "spacy"]
    out = tmp_path / "converted"
    out.mkdir()
    r = subprocess.run([*spacy_cli, "convert", str(tmp_path / "o.conll"), str(out), "-c", "ner"],
                       capture_output=True, text=True)  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr
    assert "No document delimiters found" not in r.stdout + r.stderr
    from spacy.tokens import DocBin

    from annotator.core.tokens import blank_nlp

    docs = list(DocBin().from_disk(out / "o.spacy").get_docs(blank_nlp().vocab))
    assert len(docs) == 3  # one per article, not one per sentence
    assert [e.text for e in docs[0].ents] == [
        "Kabul",
        "Moscow",
        "exchange of ambassadors",
        "April 2025",
        "China",
    ]
    cfg = tmp_path / "cfg.cfg"
    subprocess.run([*spacy_cli, "init", "config", str(cfg), "--lang", "en", "--pipeline", "ner", "--force"],
                   check=True, capture_output=True)  # fmt: skip
    paths = ["--paths.train", str(out / "o.spacy"), "--paths.dev", str(out / "o.spacy")]
    debug = subprocess.run(
        [*spacy_cli, "debug", "data", str(cfg), *paths], capture_output=True, text=True
    )
    # four articles are too few to train on, and debug data says so; it must find nothing else wrong
    failures = [ln for ln in debug.stdout.splitlines() if "\u2718" in ln]
    assert len(failures) == 2 and "Low number of examples" in failures[0], debug.stdout[-2000:]
    assert "1 error" in failures[1]
    assert "Corpus is loadable" in debug.stdout and "0 missing value(s)" in debug.stdout


def test_nervaluate_reads_the_tab_separated_conll(project, tmp_path):
    pytest.importorskip("nervaluate")
    from nervaluate import Evaluator

    export(project, "conll", tmp_path / "t.conll", sep="tab")
    data = (tmp_path / "t.conll").read_text(encoding="utf-8")
    result = Evaluator(data, data, tags=["ACTOR", "DATE", "AGREEMENT"], loader="conll").evaluate()
    strict = result["overall"]["strict"]
    assert (strict.correct, strict.missed, strict.spurious) == (10, 0, 0)
    export(project, "conll", tmp_path / "s.conll")  # the four-column default is not for this reader
    with pytest.raises(ValueError, match="tab separator"):
        Evaluator(
            *[(tmp_path / "s.conll").read_text()] * 2, tags=["ACTOR"], loader="conll"
        ).evaluate()
