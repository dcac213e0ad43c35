"""Agreement on events, by hand-made pairs whose figures are worked out in the comments."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli

from annotator.core.event_agreement import event_agreement
from annotator.core.store import Store

OIL = "Russia and the Taliban signed an oil production contract on 5 May 2025, with Qatar as mediator."
RAIL = "Uzbekistan plans the rail link to Afghanistan."


def place(text, word):
    i = text.index(word)
    return i, i + len(word)


def event(store, aid, who, text, trigger, status, **roles):
    t = store.add_span(aid, who, *place(text, trigger), "AGREEMENT").uuid
    args = []
    for role, words in roles.items():
        for w in words:
            label = "DATE" if role == "date" else "ACTOR"
            args.append((role, store.add_span(aid, who, *place(text, w), label).uuid))
    store.add_event(aid, who, "AGREEMENT", t, args, {"status": status})


@pytest.fixture
def pair(tmp_path):
    path = tmp_path / "p.db"
    with Store(path) as s:
        oil, _ = s.add_article(OIL)
        rail, _ = s.add_article(RAIL)
        event(s, oil, "ana", OIL, "oil production contract", "signed",
              party=["Russia", "Taliban"], date=["5 May 2025"])  # fmt: skip
        event(
            s, oil, "ben", OIL, "oil production contract", "agreed", party=["Russia", "the Taliban"]
        )
        event(s, oil, "ben", OIL, "mediator", "proposed", party=["Qatar"])  # ana has none
        event(s, rail, "ana", RAIL, "rail link", "proposed", party=["Uzbekistan"])
        event(s, rail, "ben", RAIL, "the rail link", "proposed", party=["Uzbekistan"])
        for aid in (oil, rail):
            for who in ("ana", "ben"):
                s.set_status(aid, who, "done")
    return path


def test_event_agreement_figures_on_a_hand_made_pair(pair):
    with Store(pair) as s:
        [p] = event_agreement(s, ["ana", "ben"])["pairs"]
    assert (p["a"], p["b"], p["articles"]) == ("ana", "ben", 2)
    assert p["events"] == {"a": 2, "b": 3}
    # exact: only the oil contract matches, 2·1/(2+3); overlap: "rail link" ~ "the rail link" too
    assert p["trigger_f1"] == {"exact": pytest.approx(0.4), "overlap": pytest.approx(0.8)}
    # party, exact (oil only): Russia = Russia, Taliban ≠ the Taliban → 2·1/(2+2)
    # party, overlap (oil and rail): 3 of 3 on each side → 1.0; date: ana's only → 0
    assert p["argument_f1"]["party"] == {"exact": pytest.approx(0.5), "overlap": pytest.approx(1.0)}
    assert p["argument_f1"]["date"] == {"exact": 0.0, "overlap": 0.0}
    # status on the overlap-matched: (signed, agreed), (proposed, proposed) → 1/2; kappa 1 − 1/1.5
    assert p["status"]["matched"] == 2
    assert p["status"]["agreement"] == pytest.approx(0.5)
    assert p["status"]["cohen_kappa"] == pytest.approx(1 / 3)


def test_undefined_figures_are_none_and_unjudged_articles_do_not_count(tmp_path):
    with Store(tmp_path / "p.db") as s:
        aid, _ = s.add_article(RAIL)
        event(s, aid, "ana", RAIL, "rail link", "proposed", party=["Uzbekistan"])
        s.set_status(aid, "ana", "done")
        s.set_status(aid, "ben", "done")  # ben judged it and made no event
        [p] = event_agreement(s, ["ana", "ben"])["pairs"]
        assert p["trigger_f1"] == {"exact": 0.0, "overlap": 0.0}
        assert p["argument_f1"]["party"] == {"exact": None, "overlap": None}
        assert p["status"] == {"matched": 0, "agreement": None, "cohen_kappa": None}
        s.set_status(aid, "ben", "in_progress")
        [p] = event_agreement(s, ["ana", "ben"])["pairs"]
        assert p["articles"] == 0 and p["trigger_f1"]["exact"] is None


def test_the_agreement_command_reports_events(pair):
    r = run_cli("agreement", "--db", str(pair), "--json")
    assert r.returncode == 0, r.stderr
    [p] = json.loads(r.stdout)["events"]["pairs"]
    assert p["trigger_f1"]["overlap"] == pytest.approx(0.8)
    r = run_cli("agreement", "--db", str(pair))
    assert r.returncode == 0 and "trigger F1" in r.stdout and "party F1 (overlap)" in r.stdout
    assert "0.500 (1.000)" in r.stdout


def test_export_events_cli_help_and_one_line_errors(pair, tmp_path):
    r = run_cli("export", "--help")
    assert r.returncode == 0 and "events" in r.stdout and "brat" in r.stdout
    r = run_cli("export", "--db", str(pair), "--format", "events", "--out", str(tmp_path / "e.txt"))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and ".csv or .jsonl" in r.stderr
    r = run_cli("export", "--db", str(pair), "--format", "events", "--out", str(tmp_path / "e.csv"))
    assert r.returncode == 0, r.stderr
    assert len((tmp_path / "e.csv").read_text(encoding="utf-8").splitlines()) == 1 + 5
