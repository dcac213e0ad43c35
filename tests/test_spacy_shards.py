"""Issue 17: a large `.spacy` export is a folder of DocBin shards that spaCy's own corpus
reader and `spacy debug data` take as they take one file; small exports stay one file."""

from __future__ import annotations

import subprocess
import sys

import spacy
from spacy.training import Corpus
from test_formats import annotated_project

from annotator.core.exporting import export
from annotator.core.formats import spacy_docbin


def _docs(path) -> int:
    nlp = spacy.blank("en")
    return sum(1 for _ in Corpus(str(path))(nlp))


def test_small_exports_stay_one_file_large_ones_are_shards(tmp_path, monkeypatch):
    with annotated_project(tmp_path / "p.db", n=140) as store:
        export(store, "spacy", tmp_path / "one.spacy")
        assert (tmp_path / "one.spacy").is_file()
        n = _docs(tmp_path / "one.spacy")
        monkeypatch.setattr(spacy_docbin, "SHARD_DOCS", 30)
        export(store, "spacy", tmp_path / "big.spacy")
        export(store, "spacy", tmp_path / "data", split=0.8)
        export(store, "spacy", tmp_path / "data", split=0.8)  # again: replaces, never mixes
    shards = sorted(p.name for p in (tmp_path / "big.spacy").iterdir())
    assert shards == [f"{i:05d}.spacy" for i in range(len(shards))] and len(shards) == -(-n // 30)
    assert _docs(tmp_path / "big.spacy") == n
    train, dev = tmp_path / "data" / "train.spacy", tmp_path / "data" / "dev.spacy"
    assert train.is_dir() and dev.is_dir()
    assert _docs(train) + _docs(dev) == n and _docs(dev) > 0
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    cfg = tmp_path / "cfg.cfg"
    spacy_cli = [sys.executable, "-m", "spacy"]
    subprocess.run([*spacy_cli, "init", "config", str(cfg), "--lang", "en", "--pipeline", "ner",
                    "--optimize", "efficiency", "--force"], check=True, capture_output=True)  # fmt: skip
    debug = subprocess.run(
        [
            *spacy_cli,
            "debug",
            "data",
            str(cfg),
            "--paths.train",
            str(train),
            "--paths.dev",
            str(dev),
        ],
        capture_output=True,
        text=True,
    )
    assert debug.returncode == 0, debug.stdout[-2000:]
    assert f"{_docs(train)} training docs" in debug.stdout


def test_a_sharded_export_holds_no_docs_beyond_the_one_being_added(tmp_path, monkeypatch):
    """Flat memory: while a shard is written, the Docs before it are gone (only records of
    the first shard wait to see whether the export is sharded at all)."""
    import gc
    import weakref

    live: weakref.WeakSet = weakref.WeakSet()
    made = spacy_docbin.record_to_doc

    def tracked(record, alignment):
        doc = made(record, alignment)
        live.add(doc)
        return doc

    most = []
    to_disk = spacy_docbin.DocBin.to_disk

    def written(self, path):
        gc.collect()
        most.append(len(live))
        return to_disk(self, path)

    monkeypatch.setattr(spacy_docbin, "record_to_doc", tracked)
    monkeypatch.setattr(spacy_docbin.DocBin, "to_disk", written)
    monkeypatch.setattr(spacy_docbin, "SHARD_DOCS", 30)
    with annotated_project(tmp_path / "p.db", n=140) as store:
        export(store, "spacy", tmp_path / "big.spacy")
    assert len(most) >= 4 and max(most) <= 1, most
