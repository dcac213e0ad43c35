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


# -- brat standoff ----------------------------------------------------------------------------------


def test_brat_export_writes_t_e_a_lines_and_a_conf_from_the_scheme(project):
    tmp_path, aid, ids, ev = project
    with Store(tmp_path / "p.db") as s:
        summary = export(s, "brat", tmp_path / "brat")
        stem = s.article(aid).hash[:16]
    assert summary.startswith("exported 1 document(s) of 1 annotator(s)")
    folder = tmp_path / "brat" / "ana"
    assert (folder / f"{stem}.txt").read_text(encoding="utf-8") == TEXT
    ann = (folder / f"{stem}.ann").read_text(encoding="utf-8").splitlines()
    t = {line.split("\t")[2]: line.split("\t")[0] for line in ann if line.startswith("T")}
    start, end = at("Russia")
    assert f"{t['Russia']}\tACTOR {start} {end}\tRussia" in ann  # code points, after emoji/Persian
    [e] = [line for line in ann if line.startswith("E")]
    assert e == (f"E1\tAGREEMENT:{t['oil production contract']} party:{t['Russia']} "
                 f"party2:{t['Taliban']} date:{t['5 May 2025']}")  # fmt: skip
    assert any(line.endswith("\tstatus E1 signed") for line in ann)
    assert any(line.endswith(f"\ttype {t['oil production contract']} ENERGY") for line in ann)
    assert any(line.endswith(f"\tcountry {t['Russia']} RUS") for line in ann)
    assert any(f"AnnotatorNotes {t['Taliban']}\tcanonical: Islamic Emirate of Afghanistan" in line
               for line in ann)  # fmt: skip
    conf = (tmp_path / "brat" / "annotation.conf").read_text(encoding="utf-8")
    assert "[events]\nAGREEMENT\tparty+:ACTOR, date?:DATE\n" in conf
    assert "status\tArg:AGREEMENT, Value:proposed|agreed|signed|implemented|cancelled" in conf
    assert (folder / "annotation.conf").read_text(encoding="utf-8") == conf
    with Store(tmp_path / "p.db") as s, pytest.raises(Exception, match="not an empty folder"):
        export(s, "brat", tmp_path / "brat")


def test_brat_round_trip_with_emoji_and_persian(project):
    tmp_path, aid, ids, ev = project
    with Store(tmp_path / "p.db") as s:
        export(s, "brat", tmp_path / "brat")
        before = frames_of(s, aid)
        attrs = {TEXT[x.start : x.end]: x.attrs for x in s.spans(aid, "ana")}
    with Store(tmp_path / "q.db") as q:
        report = import_paths(q, [tmp_path / "brat"], annotator="ana")
        assert report.rejected == [] and report.imported == 1, report.summary()
        [qaid] = q.article_ids()
        assert q.article(qaid).text == TEXT
        assert frames_of(q, qaid) == before
        assert {TEXT[x.start : x.end]: x.attrs for x in q.spans(qaid, "ana")} == attrs
        import_paths(q, [tmp_path / "brat"], annotator="ana")  # again: updated, not copied
        assert len(q.events(qaid)) == 1 and len(q.spans(qaid, "ana")) == 5


def brat_folder(tmp_path, ann: str, conf: str | None = None):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "doc.txt").write_text(TEXT, encoding="utf-8")
    (folder / "doc.ann").write_text(ann, encoding="utf-8")
    if conf is not None:
        (folder / "annotation.conf").write_text(conf, encoding="utf-8")
    return folder


def t_line(n, label, word):
    s, e = at(word)
    return f"T{n}\t{label} {s} {e}\t{word}\n"


def test_brat_r_lines_become_event_arguments(tmp_path):
    ann = (t_line(1, "ACTOR", "Russia") + t_line(2, "AGREEMENT", "oil production contract")
           + t_line(3, "DATE", "5 May 2025") + "R1\tparty Arg1:T2 Arg2:T1\nR2\tdate Arg1:T2 Arg2:T3\n")  # fmt: skip
    folder = brat_folder(tmp_path, ann)
    with Store(tmp_path / "q.db") as q:
        report = import_paths(q, [folder], annotator="cai")
        assert report.rejected == [], report.rejected
        assert frames_of(q, q.article_ids()[0], "cai") == [
            (
                "AGREEMENT",
                "oil production contract",
                [("party", "Russia"), ("date", "5 May 2025")],
                {},
            )
        ]


@pytest.mark.parametrize(
    "ann, conf, message",
    [
        (
            t_line(1, "AGREEMENT", "oil production contract") + "E1\tAGREEMENT:T1 party:T9\n",
            None,
            "E1: party T9 is not a T line of this file",
        ),
        (
            t_line(1, "AGREEMENT", "oil production contract")
            + t_line(2, "ACTOR", "Qatar")
            + "E1\tAGREEMENT:T1 mediator:T2\n",
            None,
            "unknown role 'mediator'",
        ),
        (
            t_line(1, "ACTOR", "Qatar"),
            "[entities]\nACTOR\n[events]\nAGREEMENT\tmediator?:ACTOR\n",
            "role mediator is not in the project's scheme",
        ),
        (
            t_line(1, "ACTOR", "Qatar"),
            "[entities]\nACTOR\nWEAPON\n",
            "entity type WEAPON is not a label",
        ),
        ("T1\tACTOR 0 6\tRussia\n", None, "T1 says 'Russia' but the text there is"),
    ],
)
def test_bad_brat_is_one_line_naming_the_file_and_nothing_is_written(tmp_path, ann, conf, message):
    folder = brat_folder(tmp_path, ann, conf)
    with Store(tmp_path / "q.db") as q:
        report = import_paths(q, [folder], annotator="cai")
        [err] = report.rejected
        assert message in str(err) and "doc.ann" in str(err) and "\n" not in str(err), str(err)
        assert q.article_ids() == []


def test_brat_with_a_mediator_role_imports_once_the_scheme_has_it(tmp_path):
    ann = (t_line(1, "AGREEMENT", "oil production contract") + t_line(2, "ACTOR", "Qatar")
           + "E1\tAGREEMENT:T1 mediator:T2\nA1\tstatus E1 agreed\n")  # fmt: skip
    folder = brat_folder(
        tmp_path, ann, "[entities]\nACTOR\nAGREEMENT\n[events]\nAGREEMENT\tmediator?:ACTOR\n"
    )
    with Store(tmp_path / "q.db") as q:
        scheme = q.setting("scheme")
        scheme["events"][0]["roles"].append({"name": "mediator", "labels": ["ACTOR"], "max": 1})
        q.set_setting("scheme", scheme)
        report = import_paths(q, [folder], annotator="cai")
        assert report.rejected == [], report.rejected
        assert frames_of(q, q.article_ids()[0], "cai") == [
            ("AGREEMENT", "oil production contract", [("mediator", "Qatar")], {"status": "agreed"})
        ]
