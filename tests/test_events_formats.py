"""Events out and back in: JSONL (events + Prodigy relations), with emoji and Persian first."""

from __future__ import annotations

import json

import pytest

from annotator.core.exporting import export
from annotator.core.ingest import import_paths
from annotator.core.store import Store

# emoji (non-BMP: two UTF-16 units each) and Persian before every span
TEXT = (
    "🇷🇺🤝🇦🇫 خبر فوری: قرارداد نفت امضا شد. "
    "Russia and the Taliban signed an oil production contract on 5 May 2025 in Kabul, "
    "with Qatar as mediator."
)


def at(word: str) -> tuple[int, int]:
    i = TEXT.index(word)
    return i, i + len(word)


def framed(store, who="ana"):
    aid, _ = store.add_article(TEXT, title="نفت 🛢", published="2025-05-06")
    ids = {}
    for w, lab, attrs in [
        ("Russia", "ACTOR", {"canonical": "Russia", "country": "RUS"}),
        ("Taliban", "ACTOR", {"canonical": "Islamic Emirate of Afghanistan", "country": "AFG"}),
        ("oil production contract", "AGREEMENT", {"type": "ENERGY"}),
        ("5 May 2025", "DATE", {"value": "2025-05-05"}),
        ("Qatar", "ACTOR", {"country": "QAT"}),
    ]:
        ids[w] = store.add_span(aid, who, *at(w), lab, attrs).uuid
    ev = store.add_event(aid, who, "AGREEMENT", ids["oil production contract"],
                         [("party", ids["Russia"]), ("party", ids["Taliban"]), ("date", ids["5 May 2025"])],
                         {"status": "signed"})  # fmt: skip
    store.set_status(aid, who, "done")
    return aid, ids, ev


def frames_of(store, aid, who="ana"):
    spans = {s.uuid: TEXT[s.start : s.end] for s in store.spans(aid, who)}
    return [
        (e.label, spans[e.trigger], [(r, spans[u]) for r, u in e.args], e.attrs)
        for e in store.events(aid, who)
    ]


@pytest.fixture
def project(tmp_path):
    with Store(tmp_path / "p.db") as s:
        aid, ids, ev = framed(s)
    return tmp_path, aid, ids, ev


def test_jsonl_carries_events_and_prodigy_relations(project):
    tmp_path, aid, ids, ev = project
    with Store(tmp_path / "p.db") as s:
        export(s, "jsonl", tmp_path / "out.jsonl")
    [rec] = [
        json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    [item] = rec["events"]
    assert item["id"] == ev.uuid and item["label"] == "AGREEMENT" and item["trigger"] == ev.trigger
    assert item["attrs"] == {"status": "signed"}
    assert item["args"] == [{"role": "party", "span": ids["Russia"]},
                            {"role": "party", "span": ids["Taliban"]},
                            {"role": "date", "span": ids["5 May 2025"]}]  # fmt: skip
    assert item["origin"] == "manual" and item["created_at"] and item["updated_at"]
    spans = {s["id"]: s for s in rec["spans"]}
    rels = rec["relations"]
    assert [r["label"] for r in rels] == ["party", "party", "date"]
    trigger = spans[ev.trigger]
    for r, arg in zip(rels, ["Russia", "Taliban", "5 May 2025"], strict=True):
        child = spans[ids[arg]]
        assert r["head"] == trigger["token_end"] and r["child"] == child["token_end"]
        assert r["head_span"] == {
            k: trigger[k] for k in ("start", "end", "token_start", "token_end", "label")
        }
        assert rec["text"][r["child_span"]["start"] : r["child_span"]["end"]] == arg
        # token indices name the span's tokens in the record's own token list
        assert rec["tokens"][r["child"]]["end"] == child["end"]


def test_jsonl_round_trip_is_lossless_with_emoji_and_persian(project):
    tmp_path, aid, ids, ev = project
    with Store(tmp_path / "p.db") as s:
        export(s, "jsonl", tmp_path / "out.jsonl")
        before = frames_of(s, aid)
        stored = s.event(ev.uuid)
    with Store(tmp_path / "q.db") as q:
        report = import_paths(q, [tmp_path / "out.jsonl"])
        assert report.rejected == [], report.rejected
        [qaid] = q.article_ids()
        assert frames_of(q, qaid) == before
        back = q.event(ev.uuid)  # the same id, origin and times
        assert (back.trigger, back.args, back.origin, back.created_at, back.updated_at) == (
            stored.trigger, stored.args, stored.origin, stored.created_at, stored.updated_at)  # fmt: skip
        export(q, "jsonl", tmp_path / "again.jsonl")
        import_paths(q, [tmp_path / "again.jsonl"])  # re-import: no copies
        assert len(q.events(qaid)) == 1
    first = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    again = json.loads((tmp_path / "again.jsonl").read_text(encoding="utf-8"))
    assert first["events"] == again["events"] and first["relations"] == again["relations"]


def test_prodigy_relations_alone_import_as_events(project):
    tmp_path, aid, ids, ev = project
    with Store(tmp_path / "p.db") as s:
        export(s, "jsonl", tmp_path / "out.jsonl")
        before = frames_of(s, aid)
    rec = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    del rec["events"]
    for sp in rec["spans"]:
        del sp["id"]
    (tmp_path / "rel.jsonl").write_text(
        json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    with Store(tmp_path / "q.db") as q:
        report = import_paths(q, [tmp_path / "rel.jsonl"])
        assert report.rejected == [], report.rejected
        # the same frame; the status is not something rel.manual carries
        assert frames_of(q, q.article_ids()[0]) == [(*before[0][:3], {})]


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda r: r["events"][0].update(trigger="nope"),
            "event 1: trigger 'nope' is not the id of a span",
        ),
        (
            lambda r: r["events"][0]["args"][0].update(span="gone"),
            "event 1: party span 'gone' is not the id",
        ),
        (lambda r: r["events"][0]["args"][0].update(role="host"), "unknown role 'host'"),
        (
            lambda r: r["events"][0]["args"][2].update(role="party"),
            "role party takes ACTOR spans, not DATE",
        ),
        (lambda r: r["events"][0].update(label="TREATY"), "unknown event type 'TREATY'"),
        (lambda r: r["events"][0]["attrs"].update(status="rumoured"), "not one of proposed"),
        (
            lambda r: (r.pop("events"), r["relations"][0]["head_span"].update(start=0)),
            "relation 1: its head_span is not one of the record's spans",
        ),
    ],
)
def test_bad_events_are_one_clear_line_naming_file_and_place(project, change, message):
    tmp_path, aid, ids, ev = project
    with Store(tmp_path / "p.db") as s:
        export(s, "jsonl", tmp_path / "out.jsonl")
    rec = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    change(rec)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    with Store(tmp_path / "q.db") as q:
        report = import_paths(q, [bad])
        [err] = report.rejected
        line = str(err)
        assert message in line and "bad.jsonl" in line and "\n" not in line, line
        assert q.article_ids() == []  # nothing written


# -- the events table -------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_the_events_table_loads_in_pandas_as_it_is(project, suffix):
    pd = pytest.importorskip("pandas")
    tmp_path, aid, ids, ev = project
    out = tmp_path / f"events{suffix}"
    with Store(tmp_path / "p.db") as s:
        summary = export(s, "events", out)
        digest = s.article(aid).hash
    assert summary == f"exported 1 event(s) to {out}"
    table = pd.read_csv(out) if suffix == ".csv" else pd.read_json(out, lines=True)
    assert len(table) == 1
    row = table.iloc[0]
    assert row["article_id"] == digest and row["title"] == "نفت 🛢"
    assert str(row["published"]).startswith("2025-05-06")
    assert (row["event_type"], row["agreement"], row["agreement_type"], row["status"]) == (
        "AGREEMENT", "oil production contract", "ENERGY", "signed")  # fmt: skip
    assert row["parties"] == "Russia | Taliban"
    assert row["party_countries"] == "RUS | AFG"
    assert (row["party_1"], row["party_1_canonical"], row["party_1_country"]) == (
        "Russia",
        "Russia",
        "RUS",
    )
    assert (row["party_2_canonical"], row["party_2_country"]) == (
        "Islamic Emirate of Afghanistan",
        "AFG",
    )
    assert (row["date_text"], str(row["date_value"])[:10]) == ("5 May 2025", "2025-05-05")
    assert row["sentence"].startswith("Russia and the Taliban signed") and row["sentence"].endswith(
        "mediator."
    )
    assert TEXT[row["trigger_start"] : row["trigger_end"]] == "oil production contract"


def test_the_events_table_gives_a_teams_own_role_its_columns(project):
    pd = pytest.importorskip("pandas")
    tmp_path, aid, ids, ev = project
    with Store(tmp_path / "p.db") as s:
        scheme = s.setting("scheme")
        scheme["events"][0]["roles"].append({"name": "mediator", "labels": ["ACTOR"], "max": 1})
        s.set_setting("scheme", scheme)
        s.update_event(ev.uuid, args=[*s.event(ev.uuid).args, ("mediator", ids["Qatar"])])
        export(s, "events", tmp_path / "e.csv")
        with pytest.raises(Exception, match="csv or .jsonl"):
            export(s, "events", tmp_path / "e.txt")
    row = pd.read_csv(tmp_path / "e.csv").iloc[0]
    assert (row["mediator_1"], row["mediator_1_country"]) == ("Qatar", "QAT")
