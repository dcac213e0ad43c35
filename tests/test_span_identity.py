"""A span id belongs to one article and one annotator: imports and merges never move or swallow spans."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from conftest import run_cli

from annotator.core.assign import assign
from annotator.core.errors import InputError
from annotator.core.model import Suggestion
from annotator.core.store import Store

TEXT = "Kabul and Moscow agreed to an exchange of ambassadors in April 2025."
OTHER = "China accepted the credentials of the Taliban envoy in January 2024."


def jsonl(path, records) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return str(path)


def live(store: Store, annotator: str) -> list[tuple]:
    return sorted(
        (store.article(s.article_id).text[:10], s.start, s.end, s.label)
        for aid in store.article_ids()
        for s in store.spans(aid, annotator)
    )


def test_same_file_for_two_annotators_gives_each_their_own_spans(tmp_path):
    src = jsonl(tmp_path / "in.jsonl", [
        {"text": TEXT, "spans": [{"id": "span-1", "start": 0, "end": 5, "label": "ACTOR"},
                                 {"id": "span-2", "start": 10, "end": 16, "label": "ACTOR"}]},
    ])  # fmt: skip
    db = str(tmp_path / "p.db")
    for who in ("ana", "bob", "bob"):  # bob twice: the second time changes nothing
        r = run_cli("import", src, "--db", db, "--annotator", who)
        assert r.returncode == 0 and "2 span(s)" in r.stderr, r.stderr
    with Store(db) as store:
        assert (
            live(store, "ana")
            == live(store, "bob")
            == [("Kabul and ", 0, 5, "ACTOR"), ("Kabul and ", 10, 16, "ACTOR")]
        )
        assert store.span("span-1").annotator == "ana"  # the original id stays with the first owner
        assert len(store.conn.execute("SELECT * FROM spans").fetchall()) == 4


def test_reimporting_an_edited_export_puts_spans_on_the_article_they_were_written_for(tmp_path):
    db = tmp_path / "p.db"
    with Store(db) as store:
        aid, _ = store.add_article("Kabul and Moscow agred to an exchange of ambassadors.")
        span = store.add_span(aid, "ana", 10, 16, "ACTOR")
        store.set_status(aid, "ana", "done")
    out = tmp_path / "out.jsonl"
    assert run_cli("export", "--db", str(db), "--out", str(out)).returncode == 0
    record = json.loads(out.read_text(encoding="utf-8"))
    record["text"] = record["text"].replace(
        "agred", "agreed"
    )  # a typo fixed after the span at 10-16
    out.write_text(json.dumps(record) + "\n", encoding="utf-8")
    r = run_cli("import", str(out), "--db", str(db))
    assert r.returncode == 0, r.stderr
    with Store(db) as store:
        old, new = store.article_ids()
        assert store.span(span.uuid).article_id == old  # the original span did not move
        moved = store.spans(new, "ana")
        assert [(s.start, s.end, s.label) for s in moved] == [(10, 16, "ACTOR")]
        assert store.article(new).text[10:16] == "Moscow" and moved[0].uuid != span.uuid
        assert [(s.start, s.end) for s in store.spans(old, "ana")] == [(10, 16)]


def test_merge_skips_and_reports_an_id_that_is_another_articles_span(tmp_path):
    with Store(tmp_path / "p.db") as p:
        a, _ = p.add_article(TEXT)
        p.add_article(OTHER)
        mine = p.add_span(a, "ana", 0, 5, "ACTOR", uuid="clash")
    with Store(tmp_path / "q.db") as q:
        q.add_article(TEXT)
        b, _ = q.add_article(OTHER)
        q.add_span(b, "ana", 0, 5, "ACTOR", uuid="clash")
        q.add_span(b, "bob", 6, 14, "ACTOR")
    with Store(tmp_path / "p.db") as p:
        result = p.merge_from(tmp_path / "q.db")
        assert p.span("clash") == mine  # untouched
        assert len(result.skipped) == 1 and "clash" in result.skipped[0] and result.spans_added == 1
        assert [c["reason"] for c in p.merge_conflicts()] == ["id_clash"]


def test_merge_skips_spans_outside_their_text_and_identical_duplicates(tmp_path):
    with Store(tmp_path / "p.db") as p:
        a, _ = p.add_article(OTHER)
        p.set_suggestions(a, "m", "1", [Suggestion(a, 0, 5, "ACTOR", {}, "m", "1")])
    shutil.copy(tmp_path / "p.db", tmp_path / "q.db")
    for name in ("p.db", "q.db"):  # the same suggestion accepted in two copies: two ids, one span
        with Store(tmp_path / name) as s:
            s.accept_suggestion("ana", s.suggestions(a, "ana")[0])
    with Store(tmp_path / "q.db") as q:
        bad = q.add_span(a, "ana", 6, 14, "ACTOR")
    conn = sqlite3.connect(tmp_path / "q.db")
    conn.execute(
        'UPDATE spans SET "end" = 500 WHERE uuid = ?', (bad.uuid,)
    )  # a damaged or hand-edited pack
    conn.commit()
    conn.close()
    with Store(tmp_path / "p.db") as p:
        result = p.merge_from(tmp_path / "q.db")
        assert result.duplicates == 1 and result.spans_added == 0
        assert "outside" in result.skipped[0]
        with pytest.raises(KeyError):
            p.span(bad.uuid)
        assert [(s.start, s.end) for s in p.spans(a, "ana")] == [(0, 5)]
    r = run_cli("merge", str(tmp_path / "q.db"), "--db", str(tmp_path / "p.db"))
    assert r.returncode == 0 and "skipped:" in r.stderr and "outside" in r.stderr


def test_a_pack_of_another_project_is_refused(tmp_path):
    for name in ("one", "two"):
        with Store(tmp_path / f"{name}.db") as lead:
            lead.add_article(TEXT)
            assign(lead, ["ana"], tmp_path / name, overlap=0)
    with Store(tmp_path / "one" / "ana.db") as pack:
        pack.add_span(pack.article_ids()[0], "ana", 0, 5, "ACTOR")
        assert pack.setting("pack")["lead_project_id"] != pack.setting("project_id")
    before = (tmp_path / "two.db").stat().st_size
    with (
        Store(tmp_path / "two.db") as two,
        pytest.raises(InputError, match="pack of another project"),
    ):
        two.merge_from(tmp_path / "one" / "ana.db")
    r = run_cli("merge", str(tmp_path / "one" / "ana.db"), "--db", str(tmp_path / "two.db"))
    assert (
        r.returncode == 2
        and len(r.stderr.strip().splitlines()) == 1
        and "another project" in r.stderr
    )
    assert (tmp_path / "two.db").stat().st_size == before
    with Store(tmp_path / "two.db") as two:
        assert two.stats()["spans"] == {}
    with Store(tmp_path / "one.db") as one:
        assert one.merge_from(tmp_path / "one" / "ana.db").spans_added == 1
