"""Events across copies and into gold: merge by the clock with tombstones, packs, review."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from test_events import TEXT, at
from test_session import Writes

from annotator.core.assign import assign
from annotator.core.model import GOLD, EventSuggestion
from annotator.core.review_session import ReviewSession
from annotator.core.session import NothingToDo
from annotator.core.store import Store


def events_by_uuid(path) -> dict:
    conn = sqlite3.connect(path)
    rows = conn.execute(
        "SELECT uuid, annotator, label, trigger, args, attrs, deleted_at IS NOT NULL FROM events"
    ).fetchall()
    conn.close()
    return {r[0]: r[1:] for r in rows}


def frame(store, who="ana"):
    """ana's spans on the article and a signed event with both parties and the date."""
    aid = store.article_ids()[0]
    ids = {}
    for w, lab in [("Russia", "ACTOR"), ("Taliban", "ACTOR"), ("oil production contract", "AGREEMENT"),
                   ("5 May 2025", "DATE")]:  # fmt: skip
        ids[w] = store.add_span(aid, who, *at(w), lab).uuid
    ev = store.add_event(aid, who, "AGREEMENT", ids["oil production contract"],
                         [("party", ids["Russia"]), ("party", ids["Taliban"]), ("date", ids["5 May 2025"])],
                         {"status": "signed"})  # fmt: skip
    return aid, ids, ev


@pytest.fixture
def copies(tmp_path):
    """base.db with ana's event, copied to a.db and b.db (two laptops)."""
    with Store(tmp_path / "base.db") as base:
        base.add_article(TEXT)
        aid, ids, ev = frame(base)
    for name in ("a", "b"):
        shutil.copy(tmp_path / "base.db", tmp_path / f"{name}.db")
    return tmp_path, aid, ids, ev


def both_ways(tmp_path):
    shutil.copy(tmp_path / "a.db", tmp_path / "a0.db")
    shutil.copy(tmp_path / "b.db", tmp_path / "b0.db")
    with Store(tmp_path / "a.db") as a:
        into_a = a.merge_from(tmp_path / "b0.db")
    with Store(tmp_path / "b.db") as b:
        into_b = b.merge_from(tmp_path / "a0.db")
    assert events_by_uuid(tmp_path / "a.db") == events_by_uuid(tmp_path / "b.db")
    return into_a, into_b


def test_a_later_edit_wins_and_a_new_event_travels(copies):
    tmp_path, aid, ids, ev = copies
    with Store(tmp_path / "a.db") as a:
        a.update_event(ev.uuid, attrs={"status": "implemented"})
    with Store(tmp_path / "b.db") as b:
        kabul = b.add_span(aid, "ben", *at("Kabul"), "ACTOR")
        deal = b.add_span(aid, "ben", *at("oil production contract"), "AGREEMENT")
        new = b.add_event(aid, "ben", "AGREEMENT", deal.uuid, [("party", kabul.uuid)])
    into_a, into_b = both_ways(tmp_path)
    assert (into_a.events_added, into_b.events_updated) == (1, 1)
    with Store(tmp_path / "a.db") as a:
        assert a.event(ev.uuid).attrs == {"status": "implemented"}
        assert a.event(new.uuid).args == (("party", kabul.uuid),)
        again = a.merge_from(tmp_path / "b0.db")  # merging again changes nothing
        assert (again.events_added, again.events_updated, again.events_deleted) == (0, 0, 0)


def test_a_deleted_event_stays_deleted_in_both_directions(copies):
    tmp_path, aid, ids, ev = copies
    with Store(tmp_path / "a.db") as a:
        a.delete_event(ev.uuid, by="ana")
    with Store(tmp_path / "b.db") as b:  # concurrently, b edits it: the tombstone wins
        b.update_event(ev.uuid, attrs={"status": "agreed"})
    into_a, into_b = both_ways(tmp_path)
    assert len(into_a.conflicts) == len(into_b.conflicts) == 1
    assert "event" in into_a.conflicts[0]
    for name in ("a", "b"):
        with Store(tmp_path / f"{name}.db") as s:
            assert s.events(aid) == [] and s.event(ev.uuid).deleted_at is not None
            assert {c["kind"] for c in s.merge_conflicts()} == {"event"}


def test_a_party_deleted_in_one_copy_is_unlinked_when_the_other_edited_the_event(copies):
    tmp_path, aid, ids, ev = copies
    with Store(tmp_path / "a.db") as a:  # a deletes Russia (the window would unlink it too)
        a.delete_span(ids["Russia"], by="ana")
    with Store(tmp_path / "b.db") as b:
        b.update_event(ev.uuid, attrs={"status": "agreed"})
    both_ways(tmp_path)
    for name in ("a", "b"):
        with Store(tmp_path / f"{name}.db") as s:
            got = s.event(ev.uuid)
            assert got.attrs == {"status": "agreed"}
            assert got.spans_in("party") == [ids["Taliban"]]  # no argument names a dead span


def test_a_trigger_deleted_in_one_copy_takes_the_event_along(copies):
    tmp_path, aid, ids, ev = copies
    with Store(tmp_path / "a.db") as a:
        a.delete_span(ids["oil production contract"], by="ana")
    with Store(tmp_path / "b.db") as b:
        b.update_event(ev.uuid, attrs={"status": "agreed"})
    both_ways(tmp_path)
    with Store(tmp_path / "a.db") as a:
        assert a.events(aid) == []


def test_merge_refuses_event_types_the_project_lacks(copies):
    from annotator.core.errors import InputError

    tmp_path, aid, ids, ev = copies
    with Store(tmp_path / "b.db") as b:
        scheme = b.setting("scheme")
        scheme["events"].append({"name": "TREATY", "trigger": "AGREEMENT", "roles": []})
        b.set_setting("scheme", scheme)
        deal = b.add_span(aid, "ben", *at("oil production contract"), "AGREEMENT")
        b.add_event(aid, "ben", "TREATY", deal.uuid)
    with Store(tmp_path / "a.db") as a, pytest.raises(InputError, match="event types.*TREATY"):
        a.merge_from(tmp_path / "b.db")


def test_packs_carry_suggested_frames_and_merge_back_the_events(tmp_path):
    lead = Store(tmp_path / "lead.db")
    aid, _ = lead.add_article(TEXT)
    sug = EventSuggestion(aid, "AGREEMENT", at("oil production contract"), (("party", *at("Russia")),),
                          {"status": "signed"}, "m", "1")  # fmt: skip
    lead.set_event_suggestions(aid, "m", "1", [sug])
    assign(lead, ["ana"], tmp_path / "packs", overlap=0.0, seed=1)
    lead.close()
    with Store(tmp_path / "packs" / "ana.db") as pack:
        [got] = pack.event_suggestions(pack.article_ids()[0], "ana")
        assert got.args == sug.args and got.attrs == {"status": "signed"}
        frame(pack)
    with Store(tmp_path / "lead.db") as lead:
        result = lead.merge_from(tmp_path / "packs" / "ana.db")
        assert result.events_added == 1
        [ev] = lead.events(aid, "ana")
        assert ev.attrs == {"status": "signed"} and len(ev.args) == 3


# -- review -----------------------------------------------------------------------------------------


@pytest.fixture
def reviewed(tmp_path):
    store = Store(tmp_path / "p.db")
    store.add_article(TEXT)
    aid, _ids, _ev = frame(store, "ana")
    _aid, ben_ids, ben_ev = frame(store, "ben")
    store.update_event(ben_ev.uuid, args=[("party", ben_ids["Russia"])], attrs={"status": "agreed"})
    for who in ("ana", "ben"):
        store.set_status(aid, who, "done")
    yield store, aid
    store.close()


def gold_frame(store, aid):
    spans = {s.uuid: store.article(aid).text[s.start : s.end] for s in store.spans(aid, GOLD)}
    return [
        (spans[e.trigger], sorted((r, spans[u]) for r, u in e.args), e.attrs.get("status"))
        for e in store.events(aid, GOLD)
    ]


def test_review_lists_event_disagreements_and_takes_one_into_gold_undoably(reviewed):
    store, aid = reviewed
    session = ReviewSession(store, aid, ["ana", "ben"], reviewer="lead")
    [group] = session.open_event_groups()
    assert group.kind == "differ"
    words = group.describe(TEXT)
    assert words["ben"] == "agreed · party: Russia"
    assert words["ana"] == "signed · party: Russia, Taliban · date: 5 May 2025"
    edit = session.take_event(group, 0)
    writes = Writes(store)
    session.refresh(edit.apply())
    assert writes.begins == 1
    assert gold_frame(store, aid) == [
        ("oil production contract", [("date", "5 May 2025"), ("party", "Russia"), ("party", "Taliban")],
         "signed")]  # fmt: skip
    assert all(s.origin == "adjudicated:ana;by=lead" for s in store.spans(aid, GOLD))
    assert session.open_event_groups() == []
    # changing one's mind: ben's event replaces ana's, reusing gold's spans
    session.refresh(session.take_event(session.event_groups[0], 1).apply())
    assert gold_frame(store, aid) == [("oil production contract", [("party", "Russia")], "agreed")]
    assert len(store.spans(aid, GOLD)) == 4
    undo = session.take_event(session.event_groups[0], 0)
    session.refresh(undo.apply())
    session.refresh(undo.revert())
    assert gold_frame(store, aid) == [("oil production contract", [("party", "Russia")], "agreed")]
    with pytest.raises(NothingToDo, match="only 2 annotator"):
        session.take_event(None, 2)


def test_taking_a_span_group_into_gold_unlinks_the_gold_event_that_named_the_old_span(reviewed):
    store, aid = reviewed
    session = ReviewSession(store, aid, ["ana", "ben"], reviewer="lead")
    session.refresh(session.take_event(None, 0).apply())
    taliban = next(g for g in session.groups if g.start == at("Taliban")[0])
    ana = session.take(taliban, 0)  # gold's span there is replaced by a new copy, in one step
    session.refresh(ana.apply())
    [ev] = store.events(aid, GOLD)
    assert len(ev.spans_in("party")) == 1  # the replaced gold span was unlinked in the same step
    session.refresh(ana.revert())
    [ev] = store.events(aid, GOLD)
    assert len(ev.spans_in("party")) == 2


def test_accept_agreed_events_copies_identical_frames(tmp_path):
    store = Store(tmp_path / "p.db")
    store.add_article(TEXT)
    aid, _, _ = frame(store, "ana")
    frame(store, "ben")
    session = ReviewSession(store, aid, ["ana", "ben"], reviewer="lead")
    assert [g.kind for g in session.event_groups] == ["agree"]
    edit = session.accept_agreed_events()
    session.refresh(edit.apply())
    assert gold_frame(store, aid) == [
        ("oil production contract", [("date", "5 May 2025"), ("party", "Russia"), ("party", "Taliban")],
         "signed")]  # fmt: skip
    session.refresh(edit.revert())
    assert store.events(aid, GOLD) == [] and store.spans(aid, GOLD) == []
    store.close()


def test_a_frame_accepted_in_one_copy_and_rejected_in_the_other_is_reported_and_settles_alike(
    copies,
):
    """Decisions on suggested frames merge by the clock like span decisions: both files end
    with the same decision, and the concurrent one is reported and recorded."""
    tmp_path, aid, _ids, _ev = copies
    s = EventSuggestion(aid, "AGREEMENT", at("oil production contract"), (), {}, "m", "1")
    for name, decision in (("a", "accept"), ("b", "reject")):
        with Store(tmp_path / f"{name}.db") as st:
            st.decide_event_suggestion("ana", s, decision)
    into_a, into_b = both_ways(tmp_path)
    assert any("frame decision on AGREEMENT" in c for c in into_a.conflicts)
    assert any("frame decision on AGREEMENT" in c for c in into_b.conflicts)
    kept = []
    for name in ("a", "b"):
        with Store(tmp_path / f"{name}.db") as st:
            (row,) = [d for d in st.event_decisions(aid, "ana")]
            kept.append(row["decision"])
            assert st._q("SELECT count(*) FROM merge_conflicts WHERE kind = 'frame_decision'")[0][0]
    assert kept[0] == kept[1]
