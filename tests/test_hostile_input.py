"""Hostile input: every bad file one clear line naming it, nothing of it written, the batch goes on.

Each case here misbehaved once (an "internal error", a stopped batch, a wrong
text stored); the readers' checks live in core/validate.py.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import sys
from pathlib import Path

import pytest
from conftest import run_cli

from annotator import cli
from annotator.core.errors import InputError
from annotator.core.fileio import atomic_output
from annotator.core.ingest import READERS, import_paths, scan_paths, skipped_summary
from annotator.core.model import LabelScheme
from annotator.core.paths import resource
from annotator.core.store import Store
from annotator.core.textio import decode

GOOD = {
    "text": "Kabul and Tashkent signed a railway agreement on Monday.",
    "meta": {"title": "Rail"},
}


def table_dump(db: Path) -> list:
    conn = sqlite3.connect(db)
    out = []
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ):
        out.append((name, conn.execute(f"SELECT * FROM [{name}] ORDER BY 1").fetchall()))
    conn.close()
    return out


def jsonl(path: Path, *records, raw: str | None = None) -> Path:
    text = raw if raw is not None else "".join(json.dumps(r) + "\n" for r in records)
    path.write_text(text, encoding="utf-8")
    return path


def run_import(capsys, *paths, db: Path) -> tuple[int, list[str]]:
    """The CLI's own entry point in-process: exit code and the lines it wrote to stderr."""
    code = cli.main(["import", *map(str, paths), "--db", str(db), "--annotator", "ana"])
    return code, capsys.readouterr().err.splitlines()


def span(start, end, label="ACTOR", **extra):
    return {"start": start, "end": end, "label": label, **extra}


BAD_JSONL = {
    "deep": None,  # built below: 1,000 nested lists
    "origin_list": {**GOOD, "_annotator_id": "ana", "spans": [span(0, 5, origin=["x"])]},
    "stamp_dict": {**GOOD, "_annotator_id": "ana", "spans": [span(0, 5, created_at={"a": 1})]},
    "bool_offsets": {**GOOD, "_annotator_id": "ana", "spans": [span(False, True)]},
    "float_offsets": {**GOOD, "_annotator_id": "ana", "spans": [span(0.0, 5.0)]},
    "surrogate": {"text": "Kabul \ud800 talks"},
    "surrogate_title": {**GOOD, "meta": {"title": "x\udfff"}},
    "nul_text": {"text": "Kabul\u0000 talks"},
    "title_dict": {**GOOD, "meta": {"title": {"a": 1}}},
    "meta_deep": {**GOOD, "meta": {"x": json.loads("[" * 40 + "1" + "]" * 40)}},
    "meta_huge": {**GOOD, "meta": {"x": "a" * 1_000_001}},
    "annotator_int": {**GOOD, "_annotator_id": 5, "spans": []},
    "annotator_esc": {**GOOD, "_annotator_id": "ana\x1b[2J", "spans": []},
    "attrs_banana": {
        **GOOD,
        "_annotator_id": "ana",
        "spans": [span(0, 5, attrs={"kind": "banana"})],
    },
    "attrs_country": {
        **GOOD,
        "_annotator_id": "ana",
        "spans": [span(0, 5, attrs={"country": "Russia"})],
    },
    "attrs_unknown": {**GOOD, "_annotator_id": "ana", "spans": [span(0, 5, attrs={"colour": 7})]},
    "attrs_date": {
        **GOOD,
        "_annotator_id": "ana",
        "spans": [span(0, 5, "DATE", attrs={"value": "soon"})],
    },
    "reject_unknown_label": {
        **GOOD,
        "_annotator_id": "ana",
        "answer": "reject",
        "spans": [span(0, 5, "BANANA")],
    },
    "doccano_title_dict": {"text": GOOD["text"], "label": [[0, 5, "ACTOR"]], "title": {"x": 1}},
    "doccano_source_list": {"text": GOOD["text"], "label": [[0, 5, "ACTOR"]], "source": [1]},
    "doccano_published_dict": {"text": GOOD["text"], "label": [], "published": {"y": 2}},
    "doccano_bool": {"text": GOOD["text"], "label": [[True, 5, "ACTOR"]]},
    "nan": None,  # raw line below
}


def _bad_line(name: str) -> str:
    if name == "deep":
        return "[" * 1000 + "]" * 1000 + "\n"
    if name == "nan":
        return '{"text": "Kabul talks", "meta": {"x": NaN}}\n'
    return json.dumps(BAD_JSONL[name]) + "\n"


@pytest.mark.parametrize("name", sorted(BAD_JSONL))
def test_bad_jsonl_record_is_one_line_and_the_batch_goes_on(name, tmp_path, capsys):
    db = tmp_path / "p.db"
    bad = jsonl(
        tmp_path / f"a_{name}.jsonl",
        raw=json.dumps({"text": "A first good line."}) + "\n" + _bad_line(name),
    )
    good = jsonl(tmp_path / "b_good.jsonl", GOOD)
    Store(db).close()
    before = table_dump(db)
    code, lines = run_import(capsys, bad, good, db=db)
    assert code == 2, lines
    rejected = [ln for ln in lines if ln.startswith("annotator: rejected")]
    assert len(rejected) == 1 and f"a_{name}.jsonl:2:" in rejected[0], lines
    assert "internal error" not in "\n".join(lines)
    assert "imported 1 article(s)" in lines[-1]
    with Store(db) as store:  # only the good file's article
        assert [store.article(i).text for i in store.article_ids()] == [GOOD["text"]]
    assert len(before) == len(table_dump(db))


def test_messages_name_the_rule(tmp_path):
    scheme = LabelScheme.from_json(resource("scheme.json").read_text())
    store = Store(tmp_path / "p.db")
    cases = {
        "attrs_banana": "'kind' = 'banana' is not one of state",
        "attrs_country": "is not an ISO 3166 alpha-3 country code",
        "attrs_unknown": "unknown attribute 'colour' for ACTOR",
        "attrs_date": "ISO 8601 / TIMEX3",
        "reject_unknown_label": "rejected suggestion 0-5: unknown label 'BANANA'",
        "bool_offsets": "span start must be a non-negative integer, not a boolean (false)",
        "origin_list": "'origin' must be a string",
        "surrogate": "lone surrogate U+D800",
        "nul_text": "NUL character",
        "deep": "nested too deeply",
        "meta_deep": "nested more than 32 levels",
        "meta_huge": "meta holds more than 1,000,000 characters",
        "doccano_title_dict": '"title" must be a string, not an object',
        "annotator_esc": "has control characters",
    }
    for name, expected in cases.items():
        path = jsonl(tmp_path / f"{name}.jsonl", raw=_bad_line(name))
        report = import_paths(store, [path], annotator="ana")
        assert len(report.rejected) == 1, name
        assert expected in str(report.rejected[0]), (name, str(report.rejected[0]))
        assert str(report.rejected[0]).startswith(f"{path}:1: ")
    assert store.article_count() == 0
    assert scheme.attribute_problem("ACTOR", "country", "AFG") is None
    store.close()


def test_valid_attributes_still_import(tmp_path, store):
    rec = {**GOOD, "_annotator_id": "ana", "spans": [
        span(0, 5, attrs={"kind": "state", "country": "AFG", "canonical": "Kabul"}),
        span(45, 55, "DATE", attrs={"value": "2025-W20"}),
        span(10, 18, attrs={"kind": ""}),  # empty is "not set"
    ]}  # fmt: skip
    report = import_paths(store, [jsonl(tmp_path / "ok.jsonl", rec)])
    assert not report.rejected and report.spans == 3


def _spacy_file(path: Path, user_data: dict) -> Path:
    from spacy.tokens import DocBin

    from annotator.core.tokens import blank_nlp

    doc = blank_nlp().make_doc("Kabul and Tashkent signed a railway agreement.")
    doc.user_data.update(user_data)
    db = DocBin(store_user_data=True)
    db.add(doc)
    path.write_bytes(db.to_bytes())
    return path


@pytest.mark.parametrize(
    "user_data, expected",
    [
        ({"annotator": 5}, '"annotator" must be a string'),
        ({"span_attrs": 7}, '"span_attrs" must be a list'),
        ({"meta": [1, 2]}, '"meta" must be an object'),
        (
            {"span_attrs": [[0, 5, "ACTOR", "x", None]]},
            "rows must be [start, end, label, attrs, id]",
        ),
        ({"meta": {"title": {"a": 1}}}, "title must be a string"),
    ],
)
def test_bad_spacy_user_data(tmp_path, store, user_data, expected):
    bad = _spacy_file(tmp_path / "bad.spacy", user_data)
    report = import_paths(store, [bad, jsonl(tmp_path / "good.jsonl", GOOD)])
    assert len(report.rejected) == 1 and expected in str(report.rejected[0])
    assert str(report.rejected[0]).startswith(f"{bad}:1: ")
    assert report.imported == 1


def test_fifo_and_dev_zero_are_refused_without_reading(tmp_path, store):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.txt"
    zero.symlink_to("/dev/zero")
    good = jsonl(tmp_path / "good.jsonl", GOOD)
    report = import_paths(store, [fifo, zero, good])  # a read of either would hang or fill memory
    assert [e.path for e in report.rejected] == [str(fifo), str(zero)]
    assert all("not a regular file" in str(e) for e in report.rejected)
    assert report.imported == 1
    folder = tmp_path / "folder"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    (folder / "a.txt").write_text("A plain article about Kabul.")
    report = import_paths(store, [folder])
    assert report.files == 1 and "1 not regular files" in report.summary()


def test_rejected_file_leaves_tables_unchanged(tmp_path):
    db = tmp_path / "p.db"
    with Store(db) as s:
        import_paths(s, [jsonl(tmp_path / "good.jsonl", GOOD)], annotator="ana")
    before = table_dump(db)
    # first record fine, the second breaks: nothing of the file may stay
    bad = jsonl(
        tmp_path / "bad.jsonl",
        {"text": "Another fine article."},
        {**GOOD, "spans": [span(0, 5, origin=[1])]},
    )
    with Store(db) as s:
        assert len(import_paths(s, [bad], annotator="ana").rejected) == 1
    assert table_dump(db) == before


# -- CSV ----------------------------------------------------------------------------------------


def test_csv_field_up_to_the_article_limit(tmp_path, store):
    big = "Kabul. " * 150_000  # 1,050,000 characters, beyond csv's default 131,072
    path = tmp_path / "big.csv"
    path.write_text('id,text\n1,"' + big + '"\n', encoding="utf-8")
    report = import_paths(store, [path])
    assert not report.rejected, report.rejected
    assert report.imported == 1


def test_csv_stray_quote_is_reported_not_swallowed(tmp_path, store):
    rows = [f'{i},"Article {i}, about talks in Kabul.",Title {i}' for i in range(1, 1001)]
    rows[2] = '3,"Article 3 with a stray quote, Title 3'
    path = tmp_path / "stray.csv"
    path.write_text("id,text,title\n" + "\n".join(rows) + "\n", encoding="utf-8")
    report = import_paths(store, [path])
    assert len(report.rejected) == 1 and "stray" in str(report.rejected[0])
    assert store.article_count() == 0
    # closed again later, with nothing strict to trip on: the swallowed rows are spotted
    rows = [f"{i},Article {i} about talks,Title {i}" for i in range(1, 11)]
    rows[2] = '3,"Article 3 with a stray quote,Title 3'
    rows[8] = '9,Article 9 about talks",Title 9'
    path.write_text("id,text,title\n" + "\n".join(rows) + "\n", encoding="utf-8")
    report = import_paths(store, [path])
    assert len(report.rejected) == 1, report.summary()
    assert ":4: " in str(report.rejected[0]) and "holds rows of the file" in str(report.rejected[0])


def test_csv_multiline_article_still_imports(tmp_path, store):
    path = tmp_path / "ok.csv"
    path.write_text(
        'id,text\n1,"First paragraph.\n\nSecond, with a comma.\nThird."\n2,Short one.\n'
    )
    report = import_paths(store, [path])
    assert not report.rejected and report.imported == 2


# -- encodings ----------------------------------------------------------------------------------


def test_windows_1252_reads_as_a_person_expects():
    text = "Café talks in Genève …, été 2024"
    assert decode(text.encode("cp1252")) == text
    german = "Die Verhandlungen über das Abkommen in München dauerten länger."
    assert decode(german.encode("cp1252")) == german


def test_other_legacy_encodings_are_left_to_detection():
    russian = "Переговоры в Кабуле продолжались три дня, сообщил министр иностранных дел."
    assert decode(russian.encode("cp1251")) == russian


def test_utf16_without_bom():
    text = "Kabul and Tashkent signed a railway agreement.\nÉté 2024 — Genève."
    assert decode(text.encode("utf-16-le")) == text
    assert decode(text.encode("utf-16-be")) == text
    assert decode(text.encode("utf-16")) == text  # with its BOM


def test_invalid_utf8_says_where():
    data = "Zürich — Genève talks, été 2024, ".encode() * 3
    with pytest.raises(InputError, match=r"invalid UTF-8 at byte 25\b"):
        decode(data[:25] + b"\xff" + data[25:], "x.txt")
    with pytest.raises(InputError, match=f"invalid UTF-8 at byte {len(data)}$"):
        decode(data + "—".encode()[:2], "x.txt")  # cut in the middle of the last character


def test_nul_anywhere_is_refused(tmp_path, store):
    path = tmp_path / "late.txt"
    path.write_bytes(b"Kabul talks. " * 10_000 + b"\x00" + b"more")
    report = import_paths(store, [path])
    assert len(report.rejected) == 1 and "NUL" in str(report.rejected[0])


# -- folders ------------------------------------------------------------------------------------


def test_folder_lists_what_it_skipped(tmp_path, store):
    corpus = tmp_path / "brat"
    corpus.mkdir()
    for i in range(6):
        (corpus / f"doc{i}.txt").write_text(f"Article {i} about the talks in Kabul.")
        k = f"Article {i} about the talks in Kabul.".index("Kabul")
        (corpus / f"doc{i}.ann").write_text(f"T1\tACTOR {k} {k + 5}\tKabul\n")
    for name in ("annotation.conf", "visual.conf", ".stats_cache"):
        (corpus / name).write_text("x")
    report = import_paths(store, [corpus], annotator="ana")
    assert report.files == 6 and report.spans == 6  # a brat folder: .ann read with its .txt (#14)
    summary = report.summary()
    assert "3 files skipped: .conf are not article files; 1 hidden" in summary, summary
    assert all(s in READERS for s in (".txt", ".jsonl", ".csv"))
    assert skipped_summary(scan_paths([corpus]).skipped) in summary


def test_folder_of_unknown_files_says_so(tmp_path, capsys):
    folder = tmp_path / "xlsx"  # (.tsv is read since issue 15: WebAnno/INCEpTION TSV)
    folder.mkdir()
    for i in range(3):
        (folder / f"{i}.xlsx").write_text("PK")
    code, lines = run_import(capsys, folder, db=tmp_path / "p.db")
    assert lines[-1].endswith("; 3 files skipped: .xlsx are not article files"), lines
    assert code == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder")
def test_unreadable_folder_is_an_error(tmp_path, capsys):
    folder = tmp_path / "locked"
    (folder / "inner").mkdir(parents=True)
    (folder / "inner" / "a.txt").write_text("An article about Kabul.")
    (folder / "inner").chmod(0)
    try:
        code, lines = run_import(capsys, folder, db=tmp_path / "p.db")
    finally:
        (folder / "inner").chmod(stat.S_IRWXU)
    assert code == 2 and any("cannot read the folder" in ln for ln in lines)


def test_unreadable_folder_is_an_error_as_root_too(tmp_path, store, monkeypatch):
    """os.walk's error callback: what a non-root user meets, made to happen here."""
    folder = tmp_path / "f"
    folder.mkdir()
    real_scandir = os.scandir

    def refuse(path="."):
        if Path(path) == folder:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refuse)
    report = import_paths(store, [folder])
    assert report.rejected and "cannot read the folder (Permission denied)" in str(
        report.rejected[0]
    )


# -- terminal -----------------------------------------------------------------------------------


def test_cli_escapes_names(tmp_path):
    assert (
        cli.shown("a\x1b[2Jb\nimported 99 article(s)\u202e")
        == "a\\x1b[2Jb\\nimported 99 article(s)\\u202e"
    )
    assert cli.shown("Genève — ok") == "Genève — ok"
    evil = tmp_path / "x\x1b[2J\nimported 99 article(s).jsonl"
    evil.write_text('{"text": "\\ud800"}\n')
    result = run_cli("import", str(evil), "--db", str(tmp_path / "p.db"))
    assert result.returncode == 2
    assert "\x1b" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and "\\x1b[2J\\nimported 99" in lines[0]


# -- files --------------------------------------------------------------------------------------


def test_outputs_follow_the_umask_and_leave_no_part(tmp_path):
    old = os.umask(0o022)
    try:
        target = tmp_path / "out.jsonl"
        leftover = tmp_path / ".out.jsonl.dead1234.part"
        leftover.write_text("from a killed run")
        with atomic_output(target) as fh:
            fh.write("x\n")
        assert stat.S_IMODE(target.stat().st_mode) == 0o644
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]
        for exc in (KeyboardInterrupt, RuntimeError):
            with pytest.raises(exc):
                with atomic_output(tmp_path / "other.jsonl") as fh:
                    fh.write("partial")
                    raise exc()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]
        os.umask(0o077)
        with atomic_output(tmp_path / "private.jsonl") as fh:
            fh.write("x")
        assert stat.S_IMODE((tmp_path / "private.jsonl").stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_a_live_writers_part_file_is_left_alone(tmp_path):
    target = tmp_path / "out.jsonl"
    with atomic_output(target) as fh:
        fh.write("x")
        (part,) = tmp_path.glob(".out.jsonl.*.part")
        with atomic_output(target) as other:  # a second writer of the same file meanwhile
            other.write("y")
        assert part.exists()
    assert target.read_text() == "x"


def test_export_is_0644(tmp_path):
    old = os.umask(0o022)
    try:
        db = tmp_path / "p.db"
        assert (
            run_cli("import", str(jsonl(tmp_path / "a.jsonl", GOOD)), "--db", str(db)).returncode
            == 0
        )
        out = tmp_path / "out.jsonl"
        result = run_cli("export", "--db", str(db), "--out", str(out))
        assert result.returncode == 0, result.stderr
        assert stat.S_IMODE(out.stat().st_mode) == 0o644
        assert not list(tmp_path.glob(".*.part"))
    finally:
        os.umask(old)


# -- optional modules ---------------------------------------------------------------------------


def test_html_reader_dependencies_are_declared():
    import tomllib

    deps = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"][
        "dependencies"
    ]
    assert any(d.startswith("lxml_html_clean") for d in deps)
    import lxml_html_clean  # noqa: F401  (what trafilatura's justext imports as lxml.html.clean)


def test_missing_module_is_one_line_for_that_file(tmp_path, store, monkeypatch):
    page = tmp_path / "page.html"
    page.write_text("<html><body><article><p>Kabul talks went on.</p></article></body></html>")
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # as if it were not installed
    report = import_paths(store, [page, jsonl(tmp_path / "good.jsonl", GOOD)])
    assert len(report.rejected) == 1
    assert "the Python module 'trafilatura' is missing" in str(report.rejected[0])
    assert report.imported == 1
