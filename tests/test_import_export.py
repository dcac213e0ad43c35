"""Import from every reader, rejection of bad input, and the JSONL round trip, via the CLI."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from conftest import run_cli

from annotator.core.store import Store


def table_dump(db: Path) -> list:
    """Everything a user could lose: the content of every table of the project."""
    conn = sqlite3.connect(db)
    out = []
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name != 'project' ORDER BY name"
    ):
        width = len(conn.execute(f"SELECT * FROM [{name}] LIMIT 0").description)
        order = ", ".join(str(i + 1) for i in range(min(width, 2)))
        out.append((name, conn.execute(f"SELECT * FROM [{name}] ORDER BY {order}").fetchall()))
    conn.close()
    return out


def write_jsonl(path: Path, records: list, crlf: bool = False) -> Path:
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    path.write_bytes((text.replace("\n", "\r\n") if crlf else text).encode("utf-8"))
    return path


def test_imports_all_five_seeds_and_dedupes(seeds, tmp_path):
    db = tmp_path / "p.db"
    first = run_cli("import", str(seeds), "--db", str(db))
    assert first.returncode == 0, first.stderr
    assert "imported 5 article(s), 0 duplicate(s)" in first.stderr
    again = run_cli("import", *map(str, sorted(seeds.iterdir())), "--db", str(db))
    assert again.returncode == 0
    assert "imported 0 article(s), 5 duplicate(s)" in again.stderr
    with Store(db) as store:
        assert store.article_count() == 5
        texts = {store.article(i).text for i in store.article_ids()}
        titles = {store.article(i).title for i in store.article_ids()}
        dates = {store.article(i).published for i in store.article_ids()}
    for f in seeds.iterdir():
        raw = f.read_bytes().decode("utf-8").replace("\r\n", "\n")
        assert raw in texts  # stored verbatim: offsets refer to exactly this
    assert "Courting The Taliban, China, India, And Russia Make Overtures" in titles
    assert "2025-05-29" in dates  # "29.05.2025" in the masthead of the Persian-headed seed
    assert all("\r" not in t for t in texts)


def test_encodings_bom_and_newlines(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    body = "Kabul’s café talks — “accreditation” accepted.\r\nSecond line.\rThird line.\n"
    (src / "cp1252.txt").write_bytes(body.encode("cp1252"))
    (src / "bom.txt").write_bytes(b"\xef\xbb\xbf" + body.replace("Kabul", "Moscow").encode())
    (src / "utf16.txt").write_bytes(body.replace("Kabul", "Tehran").encode("utf-16"))
    db = tmp_path / "p.db"
    result = run_cli("import", str(src), "--db", str(db))
    assert result.returncode == 0, result.stderr
    with Store(db) as store:
        texts = sorted(store.article(i).text for i in store.article_ids())
    expected = body.replace("\r\n", "\n").replace("\r", "\n")
    assert texts == sorted(expected.replace("Kabul", c) for c in ("Kabul", "Moscow", "Tehran"))


def test_markdown_html_csv_readers(tmp_path):
    md = tmp_path / "a.md"
    md.write_text(
        "---\ntitle: Quad under pressure\ndate: 2025-05-29\nsource: Test Wire\n---\n"
        "# Heading\n\nThe US-backed dialogue ([QUAD](#)) is *challenged* by "
        "[China](https://example.org/china).\n",
        encoding="utf-8",
    )
    html = tmp_path / "b.html"
    paragraphs = "".join(
        f"<p>Paragraph {i}: Uzbekistan and Pakistan discussed the trans-Afghan railway "
        "corridor with Taliban officials in Tashkent, aiming at a framework agreement.</p>"
        for i in range(6)
    )
    html.write_text(
        "<html><head><title>Rail corridor talks</title>"
        '<meta property="article:published_time" content="2025-04-17"></head><body>'
        "<nav><a href='/'>Home</a> | <a href='/latest'>Latest</a></nav>"
        f"<article><h1>Rail corridor talks</h1>{paragraphs}</article>"
        "<footer>Cookie policy and comments</footer></body></html>",
        encoding="utf-8",
    )
    csv_file = tmp_path / "c.csv"
    csv_file.write_text(
        "title,date,text,url\n"
        'Oil deal,2024-01-05,"Chinese firms signed a 25-year oil contract.",https://example.org/x\n',
        encoding="utf-8",
    )
    db = tmp_path / "p.db"
    result = run_cli("import", str(md), str(html), str(csv_file), "--db", str(db))
    assert result.returncode == 0, result.stderr
    with Store(db) as store:
        arts = {store.article(i).title: store.article(i) for i in store.article_ids()}
    quad = arts["Quad under pressure"]
    assert "(QUAD) is challenged by China." in quad.text and "](#" not in quad.text
    assert quad.published == "2025-05-29" and quad.source == "Test Wire"
    rail = arts["Rail corridor talks"]
    assert "trans-Afghan railway corridor" in rail.text and "Cookie" not in rail.text
    assert rail.published == "2025-04-17"
    oil = arts["Oil deal"]
    assert oil.published == "2024-01-05" and oil.meta["url"] == "https://example.org/x"


def test_jsonl_spans_import_as_done_for_the_right_annotator(tmp_path):
    text = "Russia removed the Taliban from its list in April 2025."
    src = write_jsonl(
        tmp_path / "a.jsonl",
        [
            {"text": text, "spans": [{"start": 0, "end": 6, "label": "ACTOR"}]},
            {
                "text": text + " Again.",
                "spans": [{"start": 44, "end": 54, "label": "DATE", "attrs": {"value": "2025-04"}}],
                "_annotator_id": "ben",
            },
        ],
    )
    db = tmp_path / "p.db"
    result = run_cli("import", str(src), "--db", str(db), "--annotator", "ana")
    assert result.returncode == 0, result.stderr
    stats = json.loads(run_cli("stats", "--db", str(db), "--json").stdout)
    assert stats["articles"] == 2
    assert stats["annotators"] == ["ana", "ben"]
    assert stats["spans"] == {"ana": {"ACTOR": 1}, "ben": {"DATE": 1}}
    assert stats["status"] == {"ana": {"done": 1}, "ben": {"done": 1}}
    # importing the same file again changes nothing
    run_cli("import", str(src), "--db", str(db), "--annotator", "ana")
    assert json.loads(run_cli("stats", "--db", str(db), "--json").stdout) == stats


BAD_INPUTS = {
    "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
    "broken.jsonl": b'{"text": "fine line"}\n{"text": "broken\n',
    "outside.jsonl": b'{"text": "short", "spans": [{"start": 2, "end": 99, "label": "ACTOR"}]}\n',
    "label.jsonl": b'{"text": "Kabul signed.", "spans": [{"start": 0, "end": 5, "label": "WEAPON"}]}\n',
    "drift.jsonl": (
        '{"text": "\U0001f600 Kabul", "spans": [{"start": 3, "end": 8, "label": "ACTOR",'
        ' "text": "Kabul"}]}\n'
    ).encode(),
    "empty.csv": b"title,text\nNo body,\n",
    "nocolumn.csv": b"title,body\nA,B\n",
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_file_is_rejected_whole_and_the_rest_imports(tmp_path, name):
    db = tmp_path / "p.db"
    good = tmp_path / "good.txt"
    good.write_text("Beijing accepted the credentials of the Taliban envoy.\n", encoding="utf-8")
    run_cli("import", str(good), "--db", str(db))
    before = table_dump(db)

    bad = tmp_path / name
    bad.write_bytes(BAD_INPUTS[name])
    other = tmp_path / "other.txt"
    other.write_text("Moscow and Kabul agreed to exchange ambassadors.\n", encoding="utf-8")
    result = run_cli("import", str(bad), str(other), "--db", str(db))

    assert result.returncode == 2
    rejected = [ln for ln in result.stderr.splitlines() if ln.startswith("annotator: rejected")]
    assert len(rejected) == 1 and str(bad) in rejected[0]
    assert "Traceback" not in result.stderr
    assert "rejected 1 file(s)" in result.stderr
    after = table_dump(db)
    articles_after = dict(after)["articles"]
    assert len(articles_after) == 2  # the good file after the bad one still came in
    assert [row for row in dict(before)["articles"]] == articles_after[:1]


def test_rejected_jsonl_line_is_named(tmp_path):
    bad = tmp_path / "b.jsonl"
    bad.write_text('{"text": "ok"}\n\n{"text": 5}\n', encoding="utf-8")
    result = run_cli("import", str(bad), "--db", str(tmp_path / "p.db"))
    assert result.returncode == 2
    assert f"{bad}:3:" in result.stderr


def test_huge_article_is_rejected(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("Kabul. " * 400_000, encoding="utf-8")
    result = run_cli("import", str(big), "--db", str(tmp_path / "p.db"))
    assert result.returncode == 2 and "exceeds the limit" in result.stderr


def test_foreign_project_file_gives_one_line(tmp_path):
    db = tmp_path / "foreign.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    src = tmp_path / "a.txt"
    src.write_text("Some article text for import.", encoding="utf-8")
    for args in (("import", str(src)), ("stats",), ("export", "--out", str(tmp_path / "o.jsonl"))):
        result = run_cli(*args, "--db", str(db))
        assert result.returncode == 2
        assert len(result.stderr.strip().splitlines()) == 1
        assert "not an Annotator project" in result.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest
    assert not (tmp_path / "o.jsonl").exists()


def test_round_trip_emoji_persian_crlf_byte_for_byte(tmp_path):
    text = (
        "د افغانستان آزاد ورځپاڼه 🇦🇫\r\n"
        "Kabul 😀 welcomed China’s ambassador on 30 January 2024.\r\n"
        "مسکو said Russia’s Supreme Court acted in April 2025 👍🏽.\r\n"
    )
    clean = text.replace("\r\n", "\n")
    targets = ["Kabul", "China", "30 January 2024", "Russia’s Supreme Court", "April 2025"]
    spans = []
    for word in targets:
        start = text.index(word)
        spans.append({"start": start, "end": start + len(word), "label": "ACTOR", "text": word})
    spans[2]["label"] = spans[4]["label"] = "DATE"
    spans[2]["attrs"] = {"value": "2024-01-30"}
    src = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {
                "text": text,
                "meta": {"title": "Mixed scripts"},
                "spans": spans,
                "_annotator_id": "ana",
            }
        ],
        crlf=True,
    )
    db1, db2 = tmp_path / "one.db", tmp_path / "two.db"
    out1, out2 = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert run_cli("import", str(src), "--db", str(db1)).returncode == 0
    assert run_cli("export", "--db", str(db1), "--out", str(out1)).returncode == 0
    assert run_cli("import", str(out1), "--db", str(db2)).returncode == 0
    assert run_cli("export", "--db", str(db2), "--out", str(out2)).returncode == 0

    rec1 = json.loads(out1.read_text(encoding="utf-8"))
    rec2 = json.loads(out2.read_text(encoding="utf-8"))
    assert rec1["text"] == clean
    assert json.dumps(rec1["spans"]) == json.dumps(rec2["spans"])
    assert rec1["_input_hash"] == rec2["_input_hash"] and rec1["_task_hash"] == rec2["_task_hash"]
    for span in rec1["spans"]:
        assert clean[span["start"] : span["end"]] == span["text"]
        token_text = [
            t["text"] for t in rec1["tokens"][span["token_start"] : span["token_end"] + 1]
        ]
        assert "".join(token_text).replace(" ", "") == span["text"].replace(" ", "")
    assert [s["text"] for s in rec1["spans"]] == targets
    assert rec1["spans"][2]["attrs"] == {"value": "2024-01-30"}


def test_export_covers_untouched_articles_and_filters(tmp_path):
    db = tmp_path / "p.db"
    with Store(db) as store:
        text = "Kabul and Tashkent discussed the rail corridor."
        a, _ = store.add_article(text, title="A")
        store.add_article("Nobody has looked at this one yet.", title="B")
        store.add_span(a, "ana", 0, 5, "ACTOR")
        at = text.index("rail corridor")
        store.add_span(a, "ben", at, at + 13, "AGREEMENT", {"type": "INFRASTRUCTURE"})
    out = tmp_path / "all.jsonl"
    assert run_cli("export", "--db", str(db), "--out", str(out)).returncode == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["meta"]["title"], r["_annotator_id"], len(r["spans"])) for r in records] == [
        ("A", "ana", 1),
        ("A", "ben", 1),
        ("B", None, 0),
    ]
    only = tmp_path / "ben.jsonl"
    run_cli("export", "--db", str(db), "--out", str(only), "--annotator", "ben")
    ben = [json.loads(line) for line in only.read_text(encoding="utf-8").splitlines()]
    assert len(ben) == 1 and ben[0]["spans"][0]["attrs"] == {"type": "INFRASTRUCTURE"}
    assert ben[0]["spans"][0]["text"] == "rail corridor"
    unknown = run_cli("export", "--db", str(db), "--out", str(only), "--annotator", "zed")
    assert unknown.returncode == 2 and "no annotator 'zed'" in unknown.stderr


def test_export_to_unwritable_path_leaves_nothing(tmp_path):
    db = tmp_path / "p.db"
    with Store(db) as store:
        store.add_article("Some article.")
    missing_dir = tmp_path / "no" / "such" / "dir" / "out.jsonl"
    result = run_cli("export", "--db", str(db), "--out", str(missing_dir))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "cannot write" in result.stderr
    assert not missing_dir.parent.exists()


def test_version_and_help_on_every_command():
    version = run_cli("--version")
    assert version.returncode == 0 and version.stdout.startswith("annotator ")
    from annotator.cli import build_parser

    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # noqa: SLF001
    for name in commands:
        result = run_cli(name, "--help")
        assert result.returncode == 0 and "usage: annotator " + name in result.stdout


def test_stats_json_is_stable(tmp_path):
    db = tmp_path / "p.db"
    with Store(db) as store:
        a, _ = store.add_article("Kabul text.")
        store.add_span(a, "ana", 0, 5, "ACTOR")
    first = run_cli("stats", "--db", str(db), "--json").stdout
    second = run_cli("stats", "--db", str(db), "--json").stdout
    assert first == second
    data = json.loads(first)
    assert data["articles"] == 1 and data["spans"] == {"ana": {"ACTOR": 1}}
    assert data["status"] == {"ana": {"in_progress": 1}}


def test_missing_project_is_an_error_not_a_new_file(tmp_path):
    db = tmp_path / "nope.db"
    result = run_cli("stats", "--db", str(db))
    assert result.returncode == 2 and "no such project" in result.stderr
    assert not db.exists()
