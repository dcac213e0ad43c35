"""Reading other tools' files: Label Studio, WebAnno/INCEpTION TSV, CoNLL/IOB, PDF, Word, Prodigy db-out.

Sample files are written here from each format's documentation, with emoji
before spans so that UTF-16 offsets (Label Studio, INCEpTION) are exercised.
"""

from __future__ import annotations

import json

import pytest
from conftest import run_cli

from annotator.core.exporting import export
from annotator.core.ingest import import_paths
from annotator.core.store import Store

TEXT = "Kabul 😀 and Moscow agreed on the exchange of ambassadors in April 2025.\nChina's envoy welcomed it."


def u16(text: str, i: int) -> int:
    """The UTF-16 offset of code point offset i (what JavaScript and Java count)."""
    return len(text[:i].encode("utf-16-le")) // 2


def ls_region(rid: str, text: str, word: str, label: str, kind: str = "labels", **value) -> dict:
    i = text.index(word)
    v = {"start": u16(text, i), "end": u16(text, i + len(word)), "text": word, **value}
    if kind == "labels":
        v["labels"] = [label]
    return {"id": rid, "from_name": label if kind != "labels" else "label", "to_name": "text",
            "type": kind, "value": v, "origin": "manual"}  # fmt: skip


def spans_of(store: Store, annotator: str) -> list[tuple[str, str, dict]]:
    out = []
    for aid in store.article_ids():
        text = store.article(aid).text
        out += [(text[s.start : s.end], s.label, s.attrs) for s in store.spans(aid, annotator)]
    return sorted(out, key=str)


def test_label_studio_json_export(tmp_path):
    moscow = ls_region("r2", TEXT, "Moscow", "ACTOR")
    task = {
        "id": 7,
        "data": {"text": TEXT, "title": "Ties"},
        "annotations": [
            {
                "id": 11, "completed_by": 1, "was_cancelled": False, "ground_truth": False,
                "created_at": "2025-05-02T10:00:00Z", "lead_time": 12.5,
                "result": [
                    ls_region("r1", TEXT, "Kabul", "ACTOR"),
                    moscow,
                    # per-region controls share the region's id
                    {**ls_region("r2", TEXT, "Moscow", "kind", "choices", choices=["state"]), "from_name": "kind"},
                    {"id": "r2", "from_name": "canonical", "to_name": "text", "type": "textarea",
                     "value": {**{k: moscow["value"][k] for k in ("start", "end")}, "text": ["Russia"]}},
                    ls_region("r3", TEXT, "exchange of ambassadors", "AGREEMENT"),
                    {"id": "x", "from_name": "rel", "to_name": "text", "type": "relation",
                     "from_id": "r1", "to_id": "r2", "direction": "right", "labels": []},
                ],
            },
            {"id": 12, "completed_by": {"id": 2, "email": "bea@example.org"}, "was_cancelled": True, "result": []},
        ],
        "predictions": [
            {"model_version": "ner-v2", "score": 0.9,
             "result": [ls_region("p1", TEXT, "China", "GPE"), ls_region("p2", TEXT, "April 2025", "DATE")]},
        ],
    }  # fmt: skip
    path = tmp_path / "project-1-at-2025-05-02.json"
    path.write_text(
        json.dumps([task, {"id": 8, "data": {"text": "Tehran waited."}, "annotations": []}]),
        encoding="utf-8",
    )
    with Store(tmp_path / "p.db") as store:
        report = import_paths(store, [path])
        assert not report.rejected, report.rejected
        assert report.imported == 2
        assert spans_of(store, "labelstudio-1") == [
            ("Kabul", "ACTOR", {}),
            ("Moscow", "ACTOR", {"kind": "state", "canonical": "Russia"}),
            ("exchange of ambassadors", "AGREEMENT", {}),
        ]
        aid = store.article_ids()[0]
        assert store.article(aid).title == "Ties"
        assert store.status(aid, "labelstudio-1") == "done"
        assert store.status(aid, "bea@example.org") == "skipped"
        sugg = [(TEXT[s.start : s.end], s.label, s.model) for s in store.suggestions(aid)]
        assert sugg == [("April 2025", "DATE", "ner-v2"), ("China", "ACTOR", "ner-v2")]
        assert "GPE→ACTOR 1" in report.summary()


def test_label_studio_json_min_and_jsonl(tmp_path):
    i = TEXT.index("Moscow")
    region = {"start": u16(TEXT, i), "end": u16(TEXT, i + 6), "text": "Moscow", "labels": ["ACTOR"]}
    kind = {"start": region["start"], "end": region["end"], "text": "Moscow", "choices": ["state"]}
    minimal = [{"id": 7, "text": TEXT, "label": [region], "kind": [kind], "annotator": "ali@example.org",
                "annotation_id": 11, "created_at": "2025-05-02T10:00:00Z", "lead_time": 3.2}]  # fmt: skip
    (tmp_path / "min.json").write_text(json.dumps(minimal), encoding="utf-8")
    task = {"id": 9, "data": {"text": "Tehran 🌍 and Delhi met."},
            "annotations": [{"completed_by": 3, "result": [ls_region("a", "Tehran 🌍 and Delhi met.", "Delhi", "ACTOR")]}]}  # fmt: skip
    (tmp_path / "tasks.jsonl").write_text(json.dumps(task) + "\n", encoding="utf-8")
    with Store(tmp_path / "p.db") as store:
        report = import_paths(store, [tmp_path / "min.json", tmp_path / "tasks.jsonl"])
        assert not report.rejected, report.rejected
        assert spans_of(store, "ali@example.org") == [("Moscow", "ACTOR", {"kind": "state"})]
        assert spans_of(store, "labelstudio-3") == [("Delhi", "ACTOR", {})]


def test_label_studio_offsets_that_miss_their_text_reject_the_file(tmp_path):
    task = {"data": {"text": TEXT}, "annotations": [{"completed_by": 1, "result": [
        {"id": "a", "type": "labels", "from_name": "label", "to_name": "text",
         "value": {"start": 0, "end": 4, "text": "Kabul", "labels": ["ACTOR"]}}]}]}  # fmt: skip
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    with Store(tmp_path / "p.db") as store:
        [error] = import_paths(store, [path]).rejected
        assert store.article_count() == 0
    assert str(error).endswith(
        "bad.json: task 1: region 0-4 does not match its text 'Kabul' in the task's text"
    )


WEBANNO = """#FORMAT=WebAnno TSV 3.3
#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|identifier|value
#T_SP=webanno.custom.Agreement|type


#Text=Kabul 😀 and Moscow agreed on the exchange of ambassadors.
1-1\t0-5\tKabul\t*\tACTOR\t_\t
1-2\t6-8\t😀\t_\t_\t_\t
1-3\t9-12\tand\t_\t_\t_\t
1-4\t13-19\tMoscow\t*\tGPE\t_\t
1-5\t20-26\tagreed\t_\t_\t_\t
1-6\t27-29\ton\t_\t_\t_\t
1-7\t30-33\tthe\t_\t_\t_\t
1-8\t34-42\texchange\t_\t_\tDIPLOMATIC[1]\t
1-9\t43-45\tof\t_\t_\tDIPLOMATIC[1]\t
1-10\t46-57\tambassadors\t_\t_\tDIPLOMATIC[1]\t
1-11\t57-58\t.\t_\t_\t_\t

#Text=China's envoy welcomed it.
2-1\t59-64\tChina\t*[2]|*\tACTOR[2]|GPE\t_\t
2-2\t64-66\t's\t*[2]\tACTOR[2]\t_\t
2-3\t67-72\tenvoy\t_\t_\t_\t
2-4\t73-81\twelcomed\t_\t_\t_\t
2-5\t82-84\tit\t_\t_\t_\t
2-6\t84-85\t.\t_\t_\t_\t
"""


def test_webanno_tsv(tmp_path):
    path = tmp_path / "news.tsv"
    path.write_text(WEBANNO, encoding="utf-8")
    with Store(tmp_path / "p.db") as store:
        report = import_paths(store, [path], annotator="ines")
        assert not report.rejected, report.rejected
        [aid] = store.article_ids()
        text = store.article(aid).text
        assert (
            text
            == "Kabul 😀 and Moscow agreed on the exchange of ambassadors. China's envoy welcomed it."
        )
        assert spans_of(store, "ines") == sorted([
            ("Kabul", "ACTOR", {}),
            ("Moscow", "ACTOR", {}),
            ("exchange of ambassadors", "AGREEMENT", {"type": "DIPLOMATIC"}),
            ("China's", "ACTOR", {}),
            ("China", "ACTOR", {}),
        ], key=str)  # fmt: skip
        assert "GPE→ACTOR 2" in report.summary()
    # a feature the project's scheme lacks is refused by the scheme check, naming it
    linked = tmp_path / "linked.tsv"
    linked.write_text(
        WEBANNO.replace("13-19\tMoscow\t*", "13-19\tMoscow\thttp://www.wikidata.org/entity/Q159"),
        encoding="utf-8",
    )
    with Store(tmp_path / "q.db") as store:
        [error] = import_paths(store, [linked], annotator="ines").rejected
    assert "unknown attribute 'identifier' for ACTOR" in str(error)


def test_webanno_rejects_a_token_not_in_its_sentence(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text(WEBANNO.replace("1-3\t9-12\tand", "1-3\t9-12\tor"), encoding="utf-8")
    with Store(tmp_path / "p.db") as store:
        [error] = import_paths(store, [path], annotator="x").rejected
    assert str(error).endswith("bad.tsv:9: token 'or' is not in the sentence's #Text")


def test_conll_round_trip_and_foreign_tag_schemes(tmp_path):
    with Store(tmp_path / "a.db") as store:
        a, _ = store.add_article(TEXT)
        for word, label in (("Kabul", "ACTOR"), ("Moscow", "ACTOR"), ("April 2025", "DATE")):
            i = TEXT.index(word)
            store.add_span(a, "ana", i, i + len(word), label)
        export(store, "conll", tmp_path / "out.conll")
    for sep in ("space", "tab"):
        with Store(tmp_path / "a.db") as store:
            export(store, "conll", tmp_path / f"{sep}.conll", sep=sep)
        with Store(tmp_path / f"{sep}.db") as store:
            report = import_paths(store, [tmp_path / f"{sep}.conll"], annotator="ana")
            assert not report.rejected, report.rejected
            [aid] = store.article_ids()
            assert (
                store.article(aid).text
                == "Kabul 😀 and Moscow agreed on the exchange of ambassadors in April 2025 .\nChina 's envoy welcomed it ."
            )
            assert spans_of(store, "ana") == [
                ("April 2025", "DATE", {}),
                ("Kabul", "ACTOR", {}),
                ("Moscow", "ACTOR", {}),
            ]
            export(store, "conll", tmp_path / f"{sep}-again.conll", sep=sep)
        assert (tmp_path / f"{sep}-again.conll").read_text() == (
            tmp_path / f"{sep}.conll"
        ).read_text()
    # IOB1 and BIOES files from other tools
    (tmp_path / "iob1.iob").write_text(
        "Kabul I-ACTOR\nand O\nMoscow I-ACTOR\nI-ACTOR B-ACTOR\n", encoding="utf-8"
    )
    (tmp_path / "bioes.bio").write_text(
        "-DOCSTART- O\n\nNew B-ACTOR\nDelhi E-ACTOR\nmet O\nTehran S-ACTOR\n", encoding="utf-8"
    )
    with Store(tmp_path / "f.db") as store:
        report = import_paths(store, [tmp_path / "iob1.iob", tmp_path / "bioes.bio"], annotator="x")
        assert not report.rejected, report.rejected
        assert spans_of(store, "x") == sorted([("Kabul", "ACTOR", {}), ("Moscow", "ACTOR", {}), ("I-ACTOR", "ACTOR", {}),
                                               ("New Delhi", "ACTOR", {}), ("Tehran", "ACTOR", {})], key=str)  # fmt: skip
    (tmp_path / "bad.conll").write_text("Kabul B-ACTOR\nMoscow ACTOR\n", encoding="utf-8")
    with Store(tmp_path / "g.db") as store:
        [error] = import_paths(store, [tmp_path / "bad.conll"], annotator="x").rejected
    assert "bad.conll:2: 'ACTOR' is not an IOB tag" in str(error)


def tiny_pdf(lines: list[str] | None, info: dict[str, str] | None = None) -> bytes:
    """A one-page PDF written by hand: a text layer in Helvetica, or only an image (a scan)."""
    if lines is not None:
        ops = ["BT /F1 12 Tf 72 720 Td 16 TL"] + [f"({ln}) Tj T*" for ln in lines] + ["ET"]
        resources = "/Font << /F1 5 0 R >>"
        extra = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    else:
        ops = ["q 612 0 0 792 0 0 cm /Im1 Do Q"]
        resources = "/XObject << /Im1 5 0 R >>"
        extra = (b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray"
                 b" /BitsPerComponent 8 /Length 4 >>\nstream\n\x80\x40\x20\x10\nendstream")  # fmt: skip
    content = "\n".join(ops).encode("latin-1")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << {resources} >> /Contents 4 0 R >>".encode(),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        extra,
    ]
    if info:
        objs.append(
            ("<< " + " ".join(f"/{k} ({v})" for k, v in info.items()) + " >>").encode("latin-1")
        )
    out = b"%PDF-1.4\n"
    offsets = []
    for i, obj in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\n" % (
        len(objs) + 1,
        b" /Info 6 0 R" if info else b"",
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return out


def test_pdf_and_docx_articles(tmp_path):
    pytest.importorskip("pypdf")
    docx = pytest.importorskip("docx")
    (tmp_path / "deal.pdf").write_bytes(tiny_pdf(
        ["Kabul and Moscow signed a trade deal.", "Talks follow in June."],
        {"Title": "Kabul and Moscow sign", "CreationDate": "D:20250501093000+04'30'", "Author": "Desk"},
    ))  # fmt: skip
    document = docx.Document()
    document.add_heading("Tehran and Delhi talk rail", level=1)
    document.add_paragraph("Tehran and Delhi discussed the Chabahar rail link on Monday.")
    document.core_properties.title = "Rail talks"
    from datetime import datetime

    document.core_properties.created = datetime(2025, 5, 20, 8, 0)
    document.save(tmp_path / "rail.docx")
    with Store(tmp_path / "p.db") as store:
        report = import_paths(store, [tmp_path / "deal.pdf", tmp_path / "rail.docx"])
        assert not report.rejected, report.rejected
        articles = {store.article(i).title: store.article(i) for i in store.article_ids()}
    pdf = articles["Kabul and Moscow sign"]
    assert pdf.text == "Kabul and Moscow signed a trade deal.\nTalks follow in June."
    assert pdf.published == "2025-05-01" and pdf.meta["author"] == "Desk"
    word = articles["Rail talks"]
    assert (
        word.text
        == "Tehran and Delhi talk rail\n\nTehran and Delhi discussed the Chabahar rail link on Monday."
    )
    assert word.published == "2025-05-20"


def test_scanned_pdf_is_one_clear_message(tmp_path):
    pytest.importorskip("pypdf")
    (tmp_path / "scan.pdf").write_bytes(tiny_pdf(None))
    (tmp_path / "ok.txt").write_text(
        "Kabul and Moscow met today in a long meeting.", encoding="utf-8"
    )
    r = run_cli(
        "import",
        str(tmp_path / "scan.pdf"),
        str(tmp_path / "ok.txt"),
        "--db",
        str(tmp_path / "p.db"),
    )
    assert r.returncode == 2
    errors = [ln for ln in r.stderr.splitlines() if "rejected" in ln and "scan.pdf" in ln]
    assert errors == [f"annotator: rejected {tmp_path / 'scan.pdf'}: no text layer in the PDF (1 page(s)): "
                      "a scanned document needs OCR first"]  # fmt: skip
    assert "imported 1 article(s)" in r.stderr  # the other file of the batch still imports


def prodigy(text: str, spans, answer: str, stamp: int, session: str) -> dict:
    out = []
    for word, label in spans:
        i = text.index(word)
        out.append({"start": i, "end": i + len(word), "label": label})
    return {"text": text, "_input_hash": 1, "_task_hash": stamp, "spans": out, "answer": answer,
            "_timestamp": stamp, "_session_id": session, "_view_id": "ner_manual"}  # fmt: skip


def test_prodigy_db_out_semantics(tmp_path):
    a = "Kabul and Moscow agreed on the exchange of ambassadors."
    b = "Beijing hosted talks with Islamabad on Friday."
    records = [
        prodigy(a, [("Kabul", "GPE")], "accept", 1700000300, "news_ner-alice"),  # newer: wins
        prodigy(
            a,
            [("Moscow", "GPE"), ("exchange of ambassadors", "AGREEMENT")],
            "accept",
            1700000100,
            "news_ner-alice",
        ),
        prodigy(a, [("Moscow", "ORG")], "accept", 1700000200, "news_ner-bob"),
        prodigy(b, [], "ignore", 1700000400, "news_ner-bob"),
        prodigy(
            b, [("Beijing", "GPE"), ("Friday", "DATE")], "accept", 1700000500, "news_ner-alice"
        ),
    ]
    path = tmp_path / "news_ner.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with Store(tmp_path / "p.db") as store:
        report = import_paths(store, [path])
        assert not report.rejected, report.rejected
        assert sorted(store.annotators()) == ["alice", "bob"]
        assert spans_of(store, "alice") == [
            ("Beijing", "ACTOR", {}),
            ("Friday", "DATE", {}),
            ("Kabul", "ACTOR", {}),
        ]
        assert spans_of(store, "bob") == [("Moscow", "ACTOR", {})]
        ids = {store.article(i).text: i for i in store.article_ids()}
        assert store.status(ids[b], "bob") == "skipped" and store.status(ids[a], "alice") == "done"
        assert store.rejections(ids[b], "bob") == []  # ignore is a skip, not rejections
        assert "labels mapped by the scheme: GPE→ACTOR 2, ORG→ACTOR 1" in report.summary()


def test_statuses_and_attributes_come_back_in_jsonl_and_spacy(tmp_path):
    texts = ["Kabul and Moscow agreed on the exchange of ambassadors.", "Beijing hosted talks on Friday.",
             "Tehran signed a gas deal.", "Delhi waited."]  # fmt: skip
    with Store(tmp_path / "a.db") as store:
        ids = [store.add_article(t)[0] for t in texts]
        store.add_span(ids[0], "ana", 0, 5, "ACTOR", {"kind": "state", "country": "AFG"})
        store.add_span(ids[0], "ana", 31, 54, "AGREEMENT", {"type": "DIPLOMATIC"})
        store.add_span(ids[1], "ana", 0, 7, "ACTOR")  # in progress by touching
        store.add_span(
            ids[2], "ana", 0, 4, "ACTOR", {"canonical": "Iran"}
        )  # "Tehr": off token edges
        store.set_status(ids[0], "ana", "done")
        store.set_status(ids[2], "ana", "skipped")
        store.set_status(ids[3], "ana", "todo")
        before = {(store.article(i).text, s.start, s.end, s.label, json.dumps(s.attrs, sort_keys=True))
                  for i in ids for s in store.spans(i, "ana")}  # fmt: skip
        statuses = {store.article(i).text: store.status(i, "ana") for i in ids}
        assert set(statuses.values()) == {"done", "in_progress", "skipped", "todo"}
        summary = export(store, "jsonl", tmp_path / "o.jsonl")
        export(store, "spacy", tmp_path / "o.spacy")
    assert "1 span(s) snapped to token boundaries" in summary
    recs = [json.loads(x) for x in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    answers = {r["text"]: r.get("answer") for r in recs}
    assert answers == {texts[0]: "accept", texts[1]: None, texts[2]: "ignore", texts[3]: None}
    for r in recs:
        for s in r["spans"]:  # offsets and token indices agree
            assert (
                s["start"] == r["tokens"][s["token_start"]]["start"]
                and s["end"] == r["tokens"][s["token_end"]]["end"]
            )
    for suffix in ("jsonl", "spacy"):
        with Store(tmp_path / f"{suffix}.db") as store:
            report = import_paths(store, [tmp_path / f"o.{suffix}"])
            assert not report.rejected, report.rejected
            after = {(store.article(i).text, s.start, s.end, s.label, json.dumps(s.attrs, sort_keys=True))
                     for i in store.article_ids() for s in store.spans(i, "ana")}  # fmt: skip
            got = {store.article(i).text: store.status(i, "ana") for i in store.article_ids()}
        # a skipped article is no training data: .spacy leaves it out, JSONL keeps it
        kept = texts if suffix == "jsonl" else [t for t in texts if statuses[t] != "skipped"]
        assert after == {x for x in before if x[0] in kept}, suffix
        assert {t: got[t] for t in kept} == {t: statuses[t] for t in kept}, suffix


def test_preannotate_jsonl_is_suggestions_not_answers(tmp_path):
    db = tmp_path / "p.db"
    with Store(db) as store:
        store.add_article(
            "Representatives of Uzbekistan and Afghanistan signed a memorandum in Kabul on 5 May 2025."
        )
    r = run_cli(
        "preannotate", "--db", str(db), "--model", "rules", "--jsonl", str(tmp_path / "s.jsonl")
    )
    assert r.returncode == 0, r.stderr
    [rec] = [json.loads(x) for x in (tmp_path / "s.jsonl").read_text(encoding="utf-8").splitlines()]
    assert "answer" not in rec and "_annotator_id" not in rec and rec["spans"]
    assert rec["meta"]["model"]
    with Store(tmp_path / "q.db") as store:
        report = import_paths(store, [tmp_path / "s.jsonl"], annotator="nobody")
        assert not report.rejected
        [aid] = store.article_ids()
        assert store.annotators() == [] or "nobody" not in store.annotators()
        assert {(s.start, s.end, s.label) for s in store.suggestions(aid)} == {
            (s["start"], s["end"], s["label"]) for s in rec["spans"]
        }


def test_conll_cuts_a_span_at_a_line_break(tmp_path):
    text = "The Islamic Emirate of\nAfghanistan signed."
    with Store(tmp_path / "p.db") as store:
        a, _ = store.add_article(text)
        store.add_span(a, "ana", 4, text.index(" signed"), "ACTOR")
        summary = export(store, "conll", tmp_path / "o.conll")
    assert "1 cut at a sentence or line break" in summary
    rows = [ln.split() for ln in (tmp_path / "o.conll").read_text(encoding="utf-8").split("\n")]
    tags = [r[-1] if r else "" for r in rows[2:]]
    assert tags == ["O", "B-ACTOR", "I-ACTOR", "I-ACTOR", "", "O", "O", "O", "", ""]
