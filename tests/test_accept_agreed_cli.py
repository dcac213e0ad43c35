"""`annotator accept-agreed`: review without the window, through the CLI's main."""

from __future__ import annotations

import json

from annotator.cli import main
from annotator.core.agreement import disagreements
from annotator.core.model import GOLD
from annotator.core.store import Store

TEXT = "Kabul and Moscow agreed on an exchange of ambassadors in April 2025."


def project(tmp_path):
    db = tmp_path / "p.db"
    with Store(db) as store:
        a, _ = store.add_article(TEXT)
        b, _ = store.add_article("Tehran and Delhi met in Doha last week.")
        k, m, d = TEXT.index("Kabul"), TEXT.index("Moscow"), TEXT.index("April 2025")
        for who in ("ana", "ben"):
            store.add_span(a, who, k, k + 5, "ACTOR")  # agreed
            store.add_span(a, who, d, d + 10, "DATE")  # agreed
            store.set_status(a, who, "done")
            store.add_span(b, who, 0, 6, "ACTOR")  # agreed, but ben has not finished b
        store.add_span(a, "ana", m, m + 6, "ACTOR")  # partial: left to the reviewer
        store.set_status(b, "ana", "done")
    return db, a, b


def test_accept_agreed_copies_agreed_groups_into_gold(tmp_path, capsys):
    db, a, b = project(tmp_path)
    assert main(["accept-agreed", "--db", str(db), "--reviewer", "lead"]) == 0
    assert capsys.readouterr().out.strip() == (
        "2 agreed span group(s) copied into gold, in 1 article(s)"
    )
    with Store(db) as store:
        gold = store.spans(a, GOLD)
        assert [(s.start, s.end, s.label) for s in gold] == [
            (TEXT.index("Kabul"), TEXT.index("Kabul") + 5, "ACTOR"),
            (TEXT.index("April 2025"), TEXT.index("April 2025") + 10, "DATE"),
        ]
        assert all(s.origin == "adjudicated:ana;by=lead" for s in gold)
        assert store.spans(b, GOLD) == []  # not finished by everyone compared
        kinds = [(g.kind, g.resolved) for g in disagreements(store, a, ["ana", "ben"])]
        assert kinds == [("agree", True), ("partial", False), ("agree", True)]
    # a second run finds nothing left to copy
    assert main(["accept-agreed", "--db", str(db), "--reviewer", "lead", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"articles": 0, "groups": 0}


def test_accept_agreed_errors_are_one_line_exit_2(tmp_path, capsys):
    db, _a, _b = project(tmp_path)
    argv = ["accept-agreed", "--db", str(db), "--reviewer", "lead", "--annotators"]
    for names, words in (("ana,zed", "zed"), ("ana", "at least two"), ("ana,gold", "gold")):
        assert main([*argv, names]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("annotator: error:") and words in err
    assert main(["accept-agreed", "--db", str(tmp_path / "none.db"), "--reviewer", "x"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("annotator: error:")
    with Store(db) as store:
        assert GOLD not in store.annotators()


def test_accept_agreed_help(capsys):
    try:
        main(["accept-agreed", "--help"])
    except SystemExit as exc:
        assert exc.code == 0
    out = capsys.readouterr().out
    assert "--reviewer NAME" in out and "--annotators" in out and "gold" in out
