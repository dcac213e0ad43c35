"""Agreement events: the scheme's frames, the store, the session's edits and their cascades."""

from __future__ import annotations

import copy
import json
import sqlite3

import pytest

from annotator.core.errors import InputError
from annotator.core.model import EventSuggestion, LabelScheme, Suggestion
from annotator.core.paths import resource
from annotator.core.session import ArticleSession, NothingToDo
from annotator.core.store import Store
from annotator.core.store.schema import migrations

TEXT = (
    "Russia and the Taliban signed an oil production contract on 5 May 2025 in Kabul, "
    "with Qatar as mediator."
)


def at(word: str) -> tuple[int, int]:
    i = TEXT.index(word)
    return i, i + len(word)


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "p.db")
    yield s
    s.close()


@pytest.fixture
def aid(store):
    article_id, _ = store.add_article(TEXT, title="Oil", published="2025-05-06")
    return article_id


def mark(session, word, label):
    changed = session.mark(*at(word), label).apply()
    session.refresh(changed)
    return session.span(changed.select)


def apply(session, edit):
    changed = edit.apply()
    session.refresh(changed)
    return changed


@pytest.fixture
def framed(store, aid):
    """ana's spans and one event: Russia, the Taliban as parties, the date, signed."""
    session = ArticleSession(store, aid, "ana")
    spans = {
        w: mark(session, w, lab)
        for w, lab in [
            ("Russia", "ACTOR"),
            ("Taliban", "ACTOR"),
            ("oil production contract", "AGREEMENT"),
            ("5 May 2025", "DATE"),
        ]
    }
    apply(session, session.create_event(spans["oil production contract"]))
    [ev] = session.events
    for w in ("Russia", "Taliban", "5 May 2025"):
        apply(session, session.toggle_link(session.event(ev.uuid), spans[w]))
    apply(session, session.set_event_status(session.event(ev.uuid), "signed"))
    return session, spans, session.event(ev.uuid)


# -- the scheme ---------------------------------------------------------------------------------


def test_the_default_scheme_declares_agreement_frames(store):
    etype = store.scheme.event_type("AGREEMENT")
    assert etype.trigger == "AGREEMENT"
    party, date = etype.roles
    assert (party.name, party.labels, party.min, party.max) == ("party", ("ACTOR",), 1, None)
    assert (date.name, date.labels, date.min, date.max) == ("date", ("DATE",), 0, 1)
    assert etype.attributes["status"]["choices"][2] == "signed"
    assert store.scheme.event_for_trigger("AGREEMENT") is etype
    assert store.scheme.event_for_trigger("ACTOR") is None
    assert etype.role_for("ACTOR").name == "party" and etype.role_for("DATE").name == "date"
    assert store.scheme.event_problems() == []


def with_mediator(scheme: dict) -> dict:
    data = copy.deepcopy(scheme)
    data["events"][0]["roles"].append({"name": "mediator", "labels": ["ACTOR"], "min": 0, "max": 1})
    return data


def test_a_team_adds_a_mediator_role_by_editing_the_scheme(store, aid):
    store.set_setting("scheme", with_mediator(store.setting("scheme")))
    etype = store.scheme.event_type("AGREEMENT")
    assert [r.name for r in etype.roles] == ["party", "date", "mediator"]
    session = ArticleSession(store, aid, "ana")
    trigger = mark(session, "oil production contract", "AGREEMENT")
    qatar = mark(session, "Qatar", "ACTOR")
    russia = mark(session, "Russia", "ACTOR")
    apply(session, session.create_event(trigger))
    [ev] = session.events
    apply(session, session.link(ev, qatar, role="mediator"))
    apply(session, session.toggle_link(session.event(ev.uuid), russia))  # fits party first
    ev = session.event(ev.uuid)
    assert ev.args == (("mediator", qatar.uuid), ("party", russia.uuid))
    # without the role in the scheme, the store refuses it
    plain = store.setting("scheme")
    plain["events"][0]["roles"] = plain["events"][0]["roles"][:2]
    store.set_setting("scheme", plain)
    with pytest.raises(InputError, match="unknown role 'mediator'"):
        store.update_event(ev.uuid, args=ev.args)


def test_scheme_problems_name_unknown_labels():
    data = {"labels": [{"name": "ACTOR"}], "events": [{"name": "X", "trigger": "DEAL", "roles": [
        {"name": "party", "labels": ["ORG"]}]}]}  # fmt: skip
    problems = LabelScheme.from_dict(data).event_problems()
    assert problems == [
        "event X: trigger label 'DEAL' is not a label",
        "event X: role party takes unknown label 'ORG'",
    ]


# -- the store ------------------------------------------------------------------------------------


def test_events_are_stored_with_owner_origin_times_and_tombstones(store, aid, framed):
    session, spans, ev = framed
    stored = store.event(ev.uuid)
    assert stored.annotator == "ana" and stored.origin == "manual" and stored.created_at
    assert stored.trigger == spans["oil production contract"].uuid
    assert stored.args == (
        ("party", spans["Russia"].uuid),
        ("party", spans["Taliban"].uuid),
        ("date", spans["5 May 2025"].uuid),
    )
    assert stored.attrs == {"status": "signed"}
    hlc, vv = store.conn.execute("SELECT hlc, vv FROM events WHERE uuid = ?", (ev.uuid,)).fetchone()
    assert hlc > 0 and vv != "{}"
    store.delete_event(ev.uuid, by="ana")
    assert store.events(aid, "ana") == []
    tomb = store.event(ev.uuid)
    assert tomb.deleted_at and tomb.deleted_by == "ana"
    assert store.restore_event(ev.uuid).deleted_at is None


def test_the_store_checks_events_against_the_scheme(store, aid, framed):
    session, spans, ev = framed
    with pytest.raises(InputError, match="one event per span"):
        store.add_event(aid, "ana", "AGREEMENT", spans["oil production contract"].uuid)
    with pytest.raises(InputError, match="must be a span labelled AGREEMENT, not ACTOR"):
        store.add_event(aid, "ana", "AGREEMENT", spans["Russia"].uuid)
    with pytest.raises(InputError, match="role date takes DATE spans, not ACTOR"):
        store.update_event(ev.uuid, args=[("date", spans["Russia"].uuid)])
    with pytest.raises(InputError, match="at most 1"):
        d = store.add_span(aid, "ana", *at("Kabul"), "DATE")
        store.update_event(ev.uuid, args=[("date", spans["5 May 2025"].uuid), ("date", d.uuid)])
    with pytest.raises(InputError, match="not one of proposed"):
        store.update_event(ev.uuid, attrs={"status": "maybe"})
    ben = store.add_span(aid, "ben", *at("Qatar"), "ACTOR")
    with pytest.raises(InputError, match="role party: no span"):  # another annotator's span
        store.update_event(ev.uuid, args=[("party", ben.uuid)])
    with pytest.raises(InputError, match="unknown event type"):
        store.add_event(aid, "ana", "TREATY", spans["oil production contract"].uuid)


def test_m008_adds_the_tables_and_the_default_frame_to_an_older_project(tmp_path):
    import sqlite_utils

    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m008_events")
    data = json.loads(resource("scheme.json").read_text(encoding="utf-8"))
    del data["events"]
    db.execute("INSERT INTO project(key, value) VALUES ('scheme', ?)", (json.dumps(data),))
    db.conn.commit()
    db.close()
    with Store(path) as s:
        assert s.scheme.event_type("AGREEMENT").role("party").labels == ("ACTOR",)
        assert s.events(1) == []
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"events", "event_suggestions", "event_decisions"} <= tables


# -- the session ----------------------------------------------------------------------------------


def test_create_event_selects_the_existing_one(store, aid, framed):
    session, spans, ev = framed
    with pytest.raises(NothingToDo) as exc:
        session.create_event(spans["oil production contract"])
    assert exc.value.select == ev.uuid
    with pytest.raises(NothingToDo, match="ACTOR spans carry no event"):
        session.create_event(spans["Russia"])


def test_link_unlink_and_status_are_one_step_each(store, aid, framed):
    session, spans, ev = framed
    edit = session.toggle_link(ev, spans["Russia"])
    changed = apply(session, edit)
    assert changed.events == {ev.uuid} and changed.select == ev.uuid
    assert session.event(ev.uuid).spans_in("party") == [spans["Taliban"].uuid]
    session.refresh(edit.revert())
    assert session.event(ev.uuid).spans_in("party") == [spans["Russia"].uuid, spans["Taliban"].uuid]
    # a second date replaces the first (the role takes one)
    kabul = mark(session, "Kabul", "DATE")
    apply(session, session.link(session.event(ev.uuid), kabul))
    assert session.event(ev.uuid).spans_in("date") == [kabul.uuid]
    with pytest.raises(NothingToDo, match="already in this event"):
        session.link(session.event(ev.uuid), spans["oil production contract"])
    other = mark(session, "mediator", "AGREEMENT")
    with pytest.raises(NothingToDo, match="AGREEMENT spans do not fit any role"):
        session.link(session.event(ev.uuid), other)
    edit = session.set_event_status(session.event(ev.uuid), "cancelled")
    apply(session, edit)
    assert store.event(ev.uuid).attrs == {"status": "cancelled"}
    session.refresh(edit.revert())
    assert store.event(ev.uuid).attrs == {"status": "signed"}
    with pytest.raises(InputError, match="not one of"):
        session.set_event_status(session.event(ev.uuid), "rumoured")


def test_deleting_an_event_keeps_its_spans_and_undo_brings_it_back(store, aid, framed):
    session, spans, ev = framed
    edit = session.delete_event(ev)
    apply(session, edit)
    assert session.events == [] and len(session.spans) == 4
    session.refresh(edit.revert())
    assert session.event(ev.uuid) == store.event(ev.uuid)


# -- cascades: one transaction, one undo step ---------------------------------------------------------


class Writes:
    def __init__(self, store):
        self.begins = 0
        store.conn.set_trace_callback(self._seen)

    def _seen(self, sql: str) -> None:
        if sql.strip().upper().startswith("BEGIN"):
            self.begins += 1


def test_deleting_the_trigger_deletes_the_event_and_undo_restores_both(store, aid, framed):
    session, spans, ev = framed
    edit = session.remove(spans["oil production contract"])
    writes = Writes(store)
    changed = apply(session, edit)
    assert writes.begins == 1
    assert changed.events == {ev.uuid} and session.events == []
    assert store.event(ev.uuid).deleted_at is not None
    session.refresh(edit.revert())
    assert writes.begins == 2
    assert session.event(ev.uuid).args == ev.args and session.span(ev.trigger) is not None
    assert session.event(ev.uuid).attrs == {"status": "signed"}


def test_deleting_a_party_unlinks_it_in_the_same_step(store, aid, framed):
    session, spans, ev = framed
    edit = session.remove(spans["Russia"])
    writes = Writes(store)
    apply(session, edit)
    assert writes.begins == 1
    assert session.event(ev.uuid).spans_in("party") == [spans["Taliban"].uuid]
    session.refresh(edit.revert())
    assert writes.begins == 2 and session.event(ev.uuid).args == ev.args


def test_relabelling_a_linked_span_checks_its_role(store, aid, framed):
    session, spans, ev = framed
    edit = session.relabel(spans["5 May 2025"], "ACTOR")  # ACTOR does not fit `date`
    apply(session, edit)
    assert session.event(ev.uuid).spans_in("date") == []
    session.refresh(edit.revert())
    assert session.event(ev.uuid).args == ev.args
    # the trigger relabelled out of AGREEMENT: the event goes, in the same step
    edit = session.relabel(spans["oil production contract"], "ACTOR")
    apply(session, edit)
    assert session.events == []
    session.refresh(edit.revert())
    assert session.event(ev.uuid).args == ev.args


def test_marking_over_a_party_replaces_it_and_unlinks_it(store, aid, framed):
    session, spans, ev = framed
    edit = session.mark(*at("the Taliban"), "ACTOR")  # the new span replaces "Taliban"
    apply(session, edit)
    assert session.event(ev.uuid).spans_in("party") == [spans["Russia"].uuid]
    session.refresh(edit.revert())
    assert session.event(ev.uuid).args == ev.args


# -- suggested frames -------------------------------------------------------------------------------


def suggest(store, aid):
    store.set_suggestions(aid, "m", "1", [
        Suggestion(aid, *at("oil production contract"), "AGREEMENT", {"type": "ENERGY"}, "m", "1"),
        Suggestion(aid, *at("Russia"), "ACTOR", {}, "m", "1"),
    ])  # fmt: skip
    frame = EventSuggestion(
        aid,
        "AGREEMENT",
        at("oil production contract"),
        (("party", *at("Russia")), ("party", *at("the Taliban")), ("date", *at("5 May 2025"))),
        {"status": "signed"},
        "m",
        "1",
    )
    assert store.set_event_suggestions(aid, "m", "1", [frame]) == 1
    return frame


def test_accepting_a_suggested_frame_makes_its_spans_and_event_in_one_step(store, aid):
    frame = suggest(store, aid)
    session = ArticleSession(store, aid, "ana")
    mark(session, "5 May 2025", "DATE")  # one span is there already
    assert session.event_suggestions == [frame]
    edit = session.accept_event_suggestion(frame)
    writes = Writes(store)
    changed = apply(session, edit)
    assert writes.begins == 1
    [ev] = session.events
    assert changed.select == ev.uuid and ev.origin == "model:m@1"
    words = {TEXT[s.start : s.end]: s for s in session.spans}
    assert set(words) == {"oil production contract", "Russia", "the Taliban", "5 May 2025"}
    assert words["oil production contract"].attrs == {"type": "ENERGY"}  # the span suggestion's
    assert ev.args == (
        ("party", words["Russia"].uuid),
        ("party", words["the Taliban"].uuid),
        ("date", words["5 May 2025"].uuid),
    )
    assert session.event_suggestions == [] and session.suggestions == []
    session.refresh(edit.revert())
    assert writes.begins == 2
    assert session.events == [] and [TEXT[s.start : s.end] for s in session.spans] == ["5 May 2025"]
    assert session.event_suggestions == [frame] and len(session.suggestions) == 2
    session.refresh(edit.apply())  # redo: the same event and spans again
    assert [e.uuid for e in session.events] == [ev.uuid]


def test_rejecting_a_suggested_frame_is_remembered_and_undoable(store, aid):
    frame = suggest(store, aid)
    session = ArticleSession(store, aid, "ana")
    edit = session.reject_event_suggestion(frame)
    apply(session, edit)
    assert session.event_suggestions == []
    assert ArticleSession(store, aid, "ana").event_suggestions == []
    assert ArticleSession(store, aid, "ben").event_suggestions == [frame]
    session.refresh(edit.revert())
    assert session.event_suggestions == [frame]
