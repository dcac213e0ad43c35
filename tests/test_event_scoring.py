"""Scoring suggested frames: trigger match, arguments per role, status accuracy (hand-made)."""

from __future__ import annotations

import pytest

from annotator.core.event_scoring import Frame, pair_frames, score_frames

A = "AGREEMENT"


def test_identical_frames_score_one():
    f = Frame(A, (10, 20), (("party", 0, 5), ("party", 30, 36), ("date", 40, 48)), "signed")
    result = score_frames([([f], [f])], ["party", "date"])
    assert result["triggers"]["exact"]["f1"] == 1.0
    assert result["arguments"]["overall"]["exact"]["f1"] == 1.0
    assert result["arguments"]["per_role"]["party"]["exact"]["tp"] == 2
    assert result["status"] == {
        "accuracy": 1.0, "right": 1, "judged": 1,
        "confusion": [{"reference": "signed", "suggested": "signed", "count": 1}],
    }  # fmt: skip


def test_hand_made_article_pair():
    # reference: two events; suggested: one matching trigger (boundary off by a word),
    # one spurious frame, one reference event missed
    ref = [
        Frame(A, (10, 30), (("party", 0, 6), ("party", 40, 47), ("date", 50, 60)), "signed"),
        Frame(A, (100, 110), (("party", 90, 95),), "proposed"),
    ]
    pred = [
        Frame(A, (14, 30), (("party", 0, 6), ("party", 62, 70), ("date", 50, 58)), "agreed"),
        Frame(A, (200, 210), (("party", 190, 195),), None),
    ]
    r = score_frames([(pred, ref)], ["party", "date"])
    t = r["triggers"]
    assert (t["exact"]["tp"], t["overlap"]["tp"], t["overlap"]["predicted"]) == (0, 1, 2)
    assert t["overlap"]["precision"] == 0.5 and t["overlap"]["recall"] == 0.5
    party = r["arguments"]["per_role"]["party"]
    # predicted parties: 3 (two in the paired frame, one in the spurious); reference: 3
    assert (party["exact"]["tp"], party["exact"]["predicted"], party["exact"]["reference"]) == (
        1, 3, 3
    )  # fmt: skip
    assert party["exact"]["precision"] == pytest.approx(1 / 3)
    date = r["arguments"]["per_role"]["date"]
    assert (date["exact"]["tp"], date["overlap"]["tp"]) == (0, 1)
    assert date["overlap"]["f1"] == 1.0
    overall = r["arguments"]["overall"]["exact"]
    assert (overall["tp"], overall["predicted"], overall["reference"]) == (1, 4, 4)
    assert r["status"]["accuracy"] == 0.0 and r["status"]["judged"] == 1
    assert r["status"]["confusion"] == [{"reference": "signed", "suggested": "agreed", "count": 1}]


def test_labels_must_agree_and_each_frame_pairs_once():
    ref = [Frame(A, (0, 10)), Frame(A, (5, 15))]
    pred = [Frame(A, (0, 10)), Frame("OTHER", (5, 15))]
    assert pair_frames(pred, ref) == [(0, 0)]
    # the exact twin wins over a larger overlap elsewhere
    assert pair_frames([Frame(A, (0, 10))], [Frame(A, (0, 12)), Frame(A, (0, 10))]) == [(0, 1)]


def test_no_status_in_the_reference_is_not_judged_and_empty_is_none():
    r = score_frames([([Frame(A, (0, 4), (), "signed")], [Frame(A, (0, 4))])])
    assert r["status"]["judged"] == 0 and r["status"]["accuracy"] is None
    empty = score_frames([([], [])], ["party"])
    assert empty["triggers"]["exact"]["f1"] is None
    assert empty["arguments"]["per_role"]["party"]["exact"]["precision"] is None


def test_counts_add_up_over_articles():
    f = Frame(A, (0, 4), (("party", 5, 9),), "agreed")
    g = Frame(A, (0, 4), (("party", 5, 9),), "signed")
    r = score_frames([([f], [f]), ([f], [g]), ([], [f])], ["party"])
    assert r["articles"] == 3
    assert r["triggers"]["exact"]["tp"] == 2 and r["triggers"]["exact"]["reference"] == 3
    assert r["status"]["right"] == 1 and r["status"]["judged"] == 2


def test_evaluate_scores_stored_frames_against_an_annotators_events(tmp_path):
    """Hand-made: two suggested frames, the reference annotator's one event; CLI and JSON."""
    import json

    from conftest import run_cli

    from annotator.core.evaluation import evaluate_suggestions
    from annotator.core.model import ArticleIn, EventSuggestion, Suggestion
    from annotator.core.store import Store

    text = "Russia and the Taliban signed an oil contract on 5 May 2025. Iran discussed a deal."
    at = {w: (text.index(w), text.index(w) + len(w)) for w in
          ["Russia", "Taliban", "oil contract", "5 May 2025", "Iran", "deal"]}  # fmt: skip
    db = tmp_path / "p.db"
    with Store(db) as store:
        store.import_articles([ArticleIn(text=text)], None)
        [aid] = store.article_ids()
        labels = {"Russia": "ACTOR", "Taliban": "ACTOR", "oil contract": "AGREEMENT",
                  "5 May 2025": "DATE", "Iran": "ACTOR", "deal": "AGREEMENT"}  # fmt: skip
        store.set_suggestions(
            aid, "m", "1", [Suggestion(aid, *at[w], lab, {}, "m", "1") for w, lab in labels.items()]
        )
        store.set_event_suggestions(aid, "m", "1", [
            EventSuggestion(aid, "AGREEMENT", at["oil contract"],
                            (("party", *at["Russia"]), ("date", *at["5 May 2025"])),
                            {"status": "agreed"}, "m", "1"),
            EventSuggestion(aid, "AGREEMENT", at["deal"], (("party", *at["Iran"]),),
                            {"status": "proposed"}, "m", "1"),
        ])  # fmt: skip
        span = {w: store.add_span(aid, "ana", *at[w], lab) for w, lab in labels.items()}
        store.add_event(aid, "ana", "AGREEMENT", span["oil contract"].uuid,
                        [("party", span["Russia"].uuid), ("party", span["Taliban"].uuid),
                         ("date", span["5 May 2025"].uuid)], {"status": "signed"})  # fmt: skip
        result = evaluate_suggestions(store, "ana")["events"]
    t = result["triggers"]["exact"]
    assert (t["tp"], t["predicted"], t["reference"]) == (1, 2, 1)
    party = result["arguments"]["per_role"]["party"]["exact"]
    assert (party["tp"], party["predicted"], party["reference"]) == (1, 2, 2)
    assert result["arguments"]["per_role"]["date"]["exact"]["f1"] == 1.0
    assert result["status"]["confusion"] == [
        {"reference": "signed", "suggested": "agreed", "count": 1}
    ]
    cli = run_cli("evaluate", "--db", str(db), "--reference", "ana", "--json")
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout)["events"] == result
    table = run_cli("evaluate", "--db", str(db), "--reference", "ana")
    assert table.returncode == 0, table.stderr
    assert "arg party" in table.stdout and "status accuracy on matched frames: 0.000 (0 of 1)" in (
        table.stdout
    )


def test_frames_on_the_seed_articles_against_hand_annotated_events(seeds):
    """tests/data/seed_events.json: 33 events of the five seeds (figures in the note)."""
    import sys
    from pathlib import Path

    from annotator.core.event_frames import parser_for

    if not parser_for().parsed:
        pytest.skip("no spaCy pipeline with a parser installed")
    sys.path.insert(0, str(Path(__file__).parent / "quality"))
    from frames_reference import main

    result = main()["over the reference spans"]
    assert result["triggers"]["overlap"]["recall"] == 1.0
    assert result["arguments"]["per_role"]["party"]["exact"]["f1"] >= 0.7
    assert result["arguments"]["per_role"]["date"]["exact"]["f1"] >= 0.8
    assert result["status"]["accuracy"] >= 0.75
