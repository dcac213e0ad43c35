"""Property: whatever a file of a supported format holds, `import` exits 0 or 2, never 1.

Generated records of every format (txt, md, html, jsonl, doccano, csv, .spacy)
go through `annotator.cli.main` in-process, the CLI's own entry point, in a
batch with a good file. On exit 2 there is one "rejected" line, naming the
generated file, and every table of the project is as it was before.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sqlite3
import tempfile
from pathlib import Path

import pytest
from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator import cli
from annotator.core.store import Store

GOOD_TEXT = "Kabul and Tashkent signed a railway agreement on Monday."
TRIED = {"inputs": 0, "rejected": 0, "accepted": 0}
FAST = settings(
    max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None
)
SLOW = settings(
    max_examples=400, deadline=None, suppress_health_check=list(HealthCheck), database=None
)


def table_dump(db: Path) -> list:
    conn = sqlite3.connect(db)
    out = []
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ):
        out.append((name, conn.execute(f"SELECT * FROM [{name}]").fetchall()))
    conn.close()
    return out


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """One project for a run of examples, holding the good file's article already."""
    root = tmp_path_factory.mktemp("hostile")
    good = root / "good.jsonl"
    good.write_text(json.dumps({"text": GOOD_TEXT}) + "\n", encoding="utf-8")
    db = root / "p.db"
    Store(db).close()
    assert cli.main(["import", str(good), "--db", str(db)]) == 0
    yield root, db, good
    print(f"\nhostile inputs tried: {TRIED}")


def check_import(project, suffix: str, data: bytes) -> None:
    root, db, good = project
    folder = Path(tempfile.mkdtemp(dir=root))
    hostile = folder / f"generated{suffix}"
    hostile.write_bytes(data)
    before = table_dump(db)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(["import", str(hostile), str(good), "--db", str(db), "--annotator", "ana"])
    lines = err.getvalue().splitlines()
    TRIED["inputs"] += 1
    assert code in (0, 2), lines
    assert not any("internal error" in ln for ln in lines), lines
    assert lines and lines[-1].startswith("imported "), lines  # the summary comes last
    rejected = [ln for ln in lines if ln.startswith("annotator: rejected ")]
    if code == 2:
        TRIED["rejected"] += 1
        assert len(rejected) == 1 and len(lines) == 2, lines
        assert rejected[0].startswith(f"annotator: rejected {cli.shown(hostile)}"), lines
        assert table_dump(db) == before  # the good file is a duplicate: nothing may change
    else:
        TRIED["accepted"] += 1
        assert not rejected, lines
    for p in folder.iterdir():
        p.unlink()
    folder.rmdir()


# -- strategies ---------------------------------------------------------------------------------

any_chars = st.characters(codec=None, exclude_categories=())  # lone surrogates and NUL included
nasty_text = st.text(any_chars, max_size=40) | st.sampled_from(
    ["", " ", "\x00", "\ud800", "<b>x</b>", "\x1b[2J", "\u202e", "Genève", "\r\n"]
)
json_scalars = (
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True) | nasty_text
)  # fmt: skip
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(nasty_text, inner, max_size=4),
    max_leaves=12,
)
offsets = st.integers(min_value=-3, max_value=70) | json_scalars
labels = st.sampled_from(["ACTOR", "DATE", "AGREEMENT", "BANANA", ""]) | json_scalars
attr_keys = (
    st.sampled_from(["kind", "country", "canonical", "value", "type", "colour"]) | nasty_text
)
attr_values = (
    st.sampled_from(["state", "banana", "AFG", "Russia", "2025-04", "soon", "TRADE", ""])
    | json_values
)
texts = (
    st.sampled_from([GOOD_TEXT, GOOD_TEXT + "\r\nSecond line.", "Kabul\x00", "Kab\ud800ul"])
    | json_values
)


def maybe(key: str, strategy) -> st.SearchStrategy:
    return st.one_of(st.just({}), strategy.map(lambda v: {key: v}))


@st.composite
def span_dicts(draw):
    span = {"start": draw(offsets), "end": draw(offsets), "label": draw(labels)}
    for key, strategy in (
        ("attrs", st.dictionaries(attr_keys, attr_values, max_size=3) | json_values),
        ("origin", json_values), ("created_at", json_values), ("updated_at", json_values),
        ("id", json_values), ("text", json_values),
    ):  # fmt: skip
        span.update(draw(maybe(key, strategy)))
    return span


@st.composite
def jsonl_records(draw):
    record = {"text": draw(texts)}
    record.update(draw(maybe("spans", st.lists(span_dicts(), max_size=3) | json_values)))
    record.update(draw(maybe("meta", st.fixed_dictionaries(
        {}, optional={"title": json_values, "source": json_values, "published": json_values, "x": json_values}
    ) | json_values)))  # fmt: skip
    record.update(
        draw(maybe("_annotator_id", st.sampled_from(["ana", "bob\x1b", ""]) | json_values))
    )
    record.update(
        draw(maybe("answer", st.sampled_from(["accept", "reject", "ignore"]) | json_values))
    )
    return record


@st.composite
def doccano_records(draw):
    triple = st.tuples(offsets, offsets, labels).map(list)
    entity = st.fixed_dictionaries(
        {"start_offset": offsets, "end_offset": offsets, "label": labels}
    )
    record = {"text": draw(texts), draw(st.sampled_from(["label", "labels", "entities"])):
              draw(st.lists(triple | entity | json_values, max_size=3))}  # fmt: skip
    for key in ("title", "source", "published", "annotator", "id"):
        record.update(draw(maybe(key, json_values)))
    return record


def json_lines(records) -> st.SearchStrategy[bytes]:
    line = records.map(lambda r: json.dumps(r)) | st.sampled_from(
        ["[" * 1000 + "]" * 1000, '{"text": "x", "meta": {"a": NaN}}', "{", "null", "[]", '"text"']
    ) | st.text(any_chars, max_size=30)  # fmt: skip
    return st.lists(line, min_size=1, max_size=3).map(
        lambda ls: "\n".join(ls).encode("utf-8", "surrogatepass")
    )


encodings = st.sampled_from(["utf-8", "utf-16-le", "utf-16", "cp1252", "latin-1", "utf-8-sig"])
plain_bytes = st.binary(max_size=300) | st.tuples(st.text(any_chars, max_size=200), encodings).map(
    lambda te: te[0].encode(te[1], "surrogatepass" if te[1].startswith("utf") else "replace")
)
html_bytes = plain_bytes | st.tuples(nasty_text, nasty_text).map(
    lambda tb: (
        f"<html><head><title>{tb[0]}</title></head><body><article><p>{tb[1]} "
        f"talks in Kabul went on for three days.</p></article></body></html>".encode(
            "utf-8", "surrogatepass"
        )
    )
)
csv_cell = st.text(st.sampled_from(list('ab, "\n\r\x00é')), max_size=12) | nasty_text
csv_bytes = st.tuples(
    st.lists(
        st.sampled_from(["text", "title", "id", "date", "source", ""]) | nasty_text,
        min_size=1,
        max_size=4,
    ),
    st.lists(st.lists(csv_cell, min_size=1, max_size=5), max_size=5),
).map(
    lambda hr: "\n".join([",".join(hr[0]), *(",".join(row) for row in hr[1])]).encode(
        "utf-8", "surrogatepass"
    )
)


@st.composite
def spacy_bytes(draw):
    if draw(st.booleans()):
        return draw(st.binary(max_size=200))
    from spacy.tokens import DocBin

    from annotator.core.tokens import blank_nlp

    text = draw(st.sampled_from([GOOD_TEXT, "Kabul", " ", "Genève talks"]))
    doc = blank_nlp().make_doc(text)
    for key in ("annotator", "meta", "span_attrs"):
        doc.user_data.update(draw(maybe(key, json_values | st.lists(
            st.tuples(offsets, offsets, labels, json_values, json_values).map(list), max_size=2
        ))))  # fmt: skip
    if draw(st.booleans()) and len(doc) > 1:
        doc.ents = [
            doc.char_span(0, len(doc[0].text), label=draw(st.sampled_from(["ACTOR", "BANANA"])))
        ]
    bins = DocBin(store_user_data=True)
    try:
        bins.add(doc)
        return bins.to_bytes()
    except (TypeError, ValueError, OverflowError):  # msgpack refuses some values: plain bytes then
        return draw(st.binary(max_size=50))


FORMATS = {
    ".txt": plain_bytes,
    ".md": plain_bytes.map(lambda b: b"---\ntitle: x\n---\n# " + b),
    ".html": html_bytes,
    ".jsonl": json_lines(jsonl_records()),
    "doccano.jsonl": json_lines(doccano_records()),
    ".csv": csv_bytes,
    ".spacy": spacy_bytes(),
}


# Readers added since (Label Studio .json, WebAnno .tsv, CoNLL, PDF, DOCX, …): whatever the
# table holds gets bytes, JSON and tab-separated lines of every kind.
tsv_bytes = st.lists(st.lists(csv_cell, min_size=1, max_size=4).map("\t".join), max_size=6).map(
    lambda ls: "\n".join(["#FORMAT=WebAnno TSV 3.3", *ls]).encode("utf-8", "surrogatepass")
)
peer_bytes = (
    plain_bytes | tsv_bytes | json_lines(jsonl_records())
    | st.lists(jsonl_records() | json_values, max_size=3).map(lambda v: json.dumps(v).encode())
    | st.binary(max_size=100).map(lambda b: b"PK\x03\x04" + b) | st.binary(max_size=100).map(lambda b: b"%PDF-1.4\n" + b)
)  # fmt: skip


def _other_suffixes() -> list[str]:
    from annotator.core.ingest import READERS

    covered = {".txt", ".md", ".html", ".jsonl", ".csv", ".spacy"}
    return sorted(s for s in READERS if s not in covered)


def _suffix(name: str) -> str:
    return name if name.startswith(".") else "_" + name


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_import_never_fails_with_an_internal_error(project, fmt):
    @FAST
    @given(data=FORMATS[fmt])
    def run(data):
        check_import(project, _suffix(fmt), data)

    run()


@pytest.mark.parametrize("suffix", _other_suffixes())
def test_import_of_other_readers_never_fails_with_an_internal_error(project, suffix):
    @settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(data=peer_bytes)
    def run(data):
        check_import(project, suffix, data)

    run()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_import_never_fails_with_an_internal_error_long(project, fmt):
    @SLOW
    @given(data=FORMATS[fmt])
    def run(data):
        check_import(project, _suffix(fmt), data)

    run()


def test_real_cli_batch_of_hostile_files(tmp_path):
    """The installed command on the issue's own cases: one line each, the good file imported."""
    bad = {
        "deep.jsonl": "[" * 1000 + "]" * 1000 + "\n",
        "origin.jsonl": json.dumps({"text": GOOD_TEXT, "_annotator_id": "a",
                                    "spans": [{"start": 0, "end": 5, "label": "ACTOR", "origin": ["x"]}]}),
        "surrogate.jsonl": '{"text": "Kabul \\ud800"}\n',
        "bools.jsonl": json.dumps({"text": GOOD_TEXT, "_annotator_id": "a",
                                   "spans": [{"start": False, "end": True, "label": "ACTOR"}]}),
        "doccano.jsonl": json.dumps({"text": GOOD_TEXT, "label": [], "title": {"a": 1}}),
        "attrs.jsonl": json.dumps({"text": GOOD_TEXT, "_annotator_id": "a", "spans": [
            {"start": 0, "end": 5, "label": "ACTOR", "attrs": {"kind": "banana"}}]}),
    }  # fmt: skip
    paths = []
    for name, content in bad.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
        paths.append(tmp_path / name)
    os.mkfifo(tmp_path / "fifo.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    paths += [tmp_path / "fifo.txt", tmp_path / "zero.txt"]
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"text": GOOD_TEXT}) + "\n")
    result = run_cli("import", *map(str, paths), str(good), "--db", str(tmp_path / "p.db"))
    lines = result.stderr.splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == len(paths) + 1 and all(
        ln.startswith("annotator: rejected ") for ln in lines[:-1]
    )
    assert lines[-1].startswith("imported 1 article(s)")
    for path, line in zip(paths, lines, strict=False):
        assert str(path) in line
