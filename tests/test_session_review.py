"""Adjudication as edits: taking a version and accepting all agreed are one transaction and undoable."""

from __future__ import annotations

import pytest
from test_session import TEXT, Writes, at

from annotator.core.errors import InputError
from annotator.core.model import GOLD
from annotator.core.review_session import (
    ReviewSession,
    check_agreement_args,
    judged_annotators,
    parse_names,
)
from annotator.core.session import NothingToDo
from annotator.core.store import Store


@pytest.fixture
def reviewed(tmp_path):
    store = Store(tmp_path / "p.db")
    a, _ = store.add_article(TEXT, title="Ties")
    for who in ("ana", "ben"):
        store.add_span(a, who, *at("Kabul"), "ACTOR")
        store.add_span(a, who, *at("Tashkent"), "ACTOR")
        store.set_status(a, who, "done")
    store.add_span(a, "ana", *at("exchange of ambassadors"), "AGREEMENT")
    store.add_span(a, "ben", *at("exchange"), "AGREEMENT")
    store.add_span(a, "ana", *at("Moscow"), "ACTOR")
    yield store, a
    store.close()


def gold(store, a):
    return [(TEXT[s.start : s.end], s.origin) for s in store.spans(a, GOLD)]


def test_accept_all_agreed_is_one_transaction_and_one_undo(reviewed):
    store, a = reviewed
    session = ReviewSession(store, a, ["ana", "ben"], reviewer="lead")
    assert sorted(g.kind for g in session.open_groups()) == [
        "agree",
        "agree",
        "boundary",
        "partial",
    ]
    writes = Writes(store)
    edit = session.accept_agreed()
    assert edit.count == 2
    session.refresh(edit.apply())
    assert writes.begins == 1
    assert gold(store, a) == [
        ("Kabul", "adjudicated:ana;by=lead"),
        ("Tashkent", "adjudicated:ana;by=lead"),
    ]
    assert sorted(g.kind for g in session.open_groups()) == ["boundary", "partial"]
    session.refresh(edit.revert())
    assert writes.begins == 2 and gold(store, a) == [] and len(session.open_groups()) == 4
    session.refresh(edit.apply())  # redo brings back the same gold spans
    assert len(gold(store, a)) == 2


def test_taking_a_version_replaces_gold_there_and_undo_puts_it_back(reviewed):
    store, a = reviewed
    session = ReviewSession(store, a, ["ana", "ben"], reviewer="lead")
    boundary = next(g for g in session.open_groups() if g.kind == "boundary")
    session.refresh(session.take(boundary, 1).apply())  # ben's "exchange"
    assert gold(store, a) == [("exchange", "adjudicated:ben;by=lead")]
    change_mind = session.take(session.group(boundary.key), 0)
    session.refresh(change_mind.apply())
    assert gold(store, a) == [("exchange of ambassadors", "adjudicated:ana;by=lead")]
    changed = change_mind.revert()
    session.refresh(changed)
    assert gold(store, a) == [("exchange", "adjudicated:ben;by=lead")]
    assert changed.select == boundary.key


def test_takes_that_can_do_nothing_say_why(reviewed):
    store, a = reviewed
    session = ReviewSession(store, a, ["ana", "ben"], reviewer="lead")
    partial = next(g for g in session.open_groups() if g.kind == "partial")
    with pytest.raises(NothingToDo, match="ben marked nothing here"):
        session.take(partial, 1)
    with pytest.raises(NothingToDo, match="only 2 annotator"):
        session.take(partial, 4)
    assert gold(store, a) == []


def test_agreement_arguments_are_checked_in_one_place(reviewed):
    store, a = reviewed
    assert parse_names(" ana, ben ,") == ["ana", "ben"] and parse_names("") is None
    assert judged_annotators(store) == ["ana", "ben"]
    check_agreement_args(store, ["ana", "ben"], "ACTOR")
    with pytest.raises(InputError, match="no annotator 'cai'"):
        check_agreement_args(store, ["ana", "cai"])
    with pytest.raises(InputError, match="unknown label 'PLACE'"):
        check_agreement_args(store, None, "PLACE")
