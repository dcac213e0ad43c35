"""The editing session without Qt: every edit is one transaction, undone in one, and says what changed."""

from __future__ import annotations

import sqlite3

import pytest

from annotator.core.errors import InputError
from annotator.core.model import GOLD, Suggestion
from annotator.core.session import ArticleSession, NothingToDo, next_unfinished
from annotator.core.store import Store

TEXT = "Kabul and Moscow agreed to an exchange of ambassadors in April 2025 in Tashkent."


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
    article_id, _ = store.add_article(TEXT, title="Ties", published="2025-05-02")
    return article_id


class Writes:
    """Counts the transactions the store begins (the statements SQLite itself is sent)."""

    def __init__(self, store):
        self.begins = 0
        store.conn.set_trace_callback(self._seen)

    def _seen(self, sql: str) -> None:
        if sql.strip().upper().startswith("BEGIN"):
            self.begins += 1


def suggest(store, aid, *places, model="m"):
    sugs = [Suggestion(aid, s, e, lab, attrs, model, "1") for s, e, lab, attrs in places]
    store.set_suggestions(aid, model, "1", sugs)


def human(store, aid, who="ana"):
    return [(TEXT[s.start : s.end], s.label) for s in store.spans(aid, who)]


def test_mark_is_one_transaction_selects_the_span_and_reverts_in_one(store, aid):
    session = ArticleSession(store, aid, "ana")
    edit = session.mark(*at("Kabul"), "ACTOR")
    writes = Writes(store)
    changed = edit.apply()
    assert writes.begins == 1 and human(store, aid) == [("Kabul", "ACTOR")]
    [span] = store.spans(aid, "ana")
    assert changed.spans == {span.uuid} and changed.select == span.uuid
    session.refresh(changed)
    assert [s.uuid for s in session.spans] == [span.uuid]
    changed = edit.revert()
    assert writes.begins == 2 and human(store, aid) == []
    session.refresh(changed)
    assert session.spans == []
    edit.apply()  # redo restores the same span, not a new one
    assert [s.uuid for s in store.spans(aid, "ana")] == [span.uuid]


def test_a_new_span_over_an_old_one_replaces_it_in_one_transaction(store, aid):
    session = ArticleSession(store, aid, "ana")
    session.refresh(session.mark(*at("Kabul"), "ACTOR").apply())
    [old] = session.spans
    session.refresh(session.set_attrs(old, {"kind": "state"}).apply())
    writes = Writes(store)
    start, _ = at("Kabul")
    edit = session.mark(start, at("Moscow")[1], "ACTOR")
    session.refresh(edit.apply())
    assert writes.begins == 1
    assert human(store, aid) == [("Kabul and Moscow", "ACTOR")]
    assert store.spans(aid, "ana")[0].attrs == {"kind": "state"}  # what still applies is kept
    session.refresh(edit.revert())
    [back] = store.spans(aid, "ana")
    assert back.uuid == old.uuid and back.attrs == {"kind": "state"}
    # the same span again is nothing to write: it is selected instead
    with pytest.raises(NothingToDo) as nothing:
        session.mark(*at("Kabul"), "ACTOR")
    assert nothing.value.select == old.uuid


def test_accepting_under_another_label_is_one_write(store, aid):
    suggest(store, aid, (*at("Moscow"), "DATE", {"value": "x"}))
    session = ArticleSession(store, aid, "ana")
    [sug] = session.suggestions
    writes = Writes(store)
    edit = session.accept([sug], label="ACTOR")
    changed = edit.apply()
    assert writes.begins == 1 and human(store, aid) == [("Moscow", "ACTOR")]
    assert store.spans(aid, "ana")[0].attrs == {}  # DATE's value does not apply to ACTOR
    session.refresh(changed)
    assert session.suggestions == []  # settled
    session.refresh(edit.revert())
    assert human(store, aid) == [] and [s.key for s in session.suggestions] == [sug.key]


def test_a_failed_edit_writes_nothing_and_can_be_tried_again(store, aid):
    session = ArticleSession(store, aid, "ana")
    session.refresh(session.mark(*at("Kabul"), "ACTOR").apply())
    start, _ = at("Kabul")
    edit = session.mark(start, at("Moscow")[1], "ACTOR")  # removes the old span, adds a new one
    other = sqlite3.connect(store.path)
    other.execute(
        "CREATE TRIGGER no_spans BEFORE INSERT ON spans BEGIN SELECT RAISE(ABORT, 'full'); END"
    )
    other.commit()
    with pytest.raises(sqlite3.Error):
        edit.apply()
    assert human(store, aid) == [("Kabul", "ACTOR")]  # all or nothing
    other.execute("DROP TRIGGER no_spans")
    other.commit()
    other.close()
    edit.apply()
    assert human(store, aid) == [("Kabul and Moscow", "ACTOR")]


def test_suggestions_are_shown_once_and_accept_all_takes_the_longest_that_fit(store, aid):
    k0, k1 = at("Kabul")
    m0, m1 = at("Moscow")
    suggest(store, aid, (k0, k1, "ACTOR", {}), (k0, m1, "ACTOR", {}), (m0, m1, "ACTOR", {}),
            (*at("Tashkent"), "ACTOR", {}))  # fmt: skip
    suggest(store, aid, (*at("Tashkent"), "ACTOR", {}), model="other")  # the same span again
    session = ArticleSession(store, aid, "ana")
    assert len(session.suggestions) == 4  # not 5: one per place
    session.refresh(session.mark(*at("Tashkent"), "DATE").apply())  # your span stays
    edit = session.accept_all()
    assert edit.count == 1
    session.refresh(edit.apply())
    assert human(store, aid) == [("Kabul and Moscow", "ACTOR"), ("Tashkent", "DATE")]
    assert "overlap your spans" in session.accept_all_message(edit.count)


def test_reject_in_a_range_status_and_next_unfinished(store, aid):
    suggest(store, aid, (*at("Kabul"), "ACTOR", {}), (*at("Moscow"), "ACTOR", {}))
    session = ArticleSession(store, aid, "ana")
    with pytest.raises(NothingToDo, match="No open suggestions in the selection"):
        session.reject_in(*at("exchange"))
    edit = session.reject_in(0, at("Moscow")[1])
    session.refresh(edit.apply())
    assert session.suggestions == [] and len(store.rejections(aid, "ana")) == 2
    session.refresh(edit.revert())
    assert len(session.suggestions) == 2
    other, _ = store.add_article("Beijing signed.", title="Two")
    third, _ = store.add_article("Delhi waited.", title="Three")
    ids = [aid, other, third]
    session.refresh(session.set_status("done").apply())
    assert store.status(aid, "ana") == "done"
    assert next_unfinished(store, "ana", ids, after=third) == other  # wraps round, skips done
    store.set_status(other, "ana", "skipped")
    assert next_unfinished(store, "ana", ids, after=None) == third


def test_boilerplate_and_header_edits_undo(store, aid):
    session = ArticleSession(store, aid, "ana")
    edit = session.toggle_boilerplate(*at("Tashkent"))
    session.refresh(edit.apply())
    assert at("Tashkent") in store.boilerplate(aid)
    assert session.toggle_boilerplate(*at("Tashkent")).text == "Unmark boilerplate"
    session.refresh(edit.revert())
    assert store.boilerplate(aid) == []
    with pytest.raises(InputError, match="Not a date"):
        session.edit_header("New", "yesterday-ish")
    edit = session.edit_header("New", "2025-06-01")
    session.refresh(edit.apply())
    assert session.article.title == "New" and store.article(aid).published == "2025-06-01"
    session.refresh(edit.revert())
    assert session.article.title == "Ties"


def test_relabel_and_remove(store, aid):
    session = ArticleSession(store, aid, "ana")
    session.refresh(session.mark(*at("Kabul"), "ACTOR").apply())
    [span] = session.spans
    session.refresh(session.relabel(span, "DATE").apply())
    assert human(store, aid) == [("Kabul", "DATE")]
    with pytest.raises(NothingToDo):
        session.relabel(session.spans[0], "DATE")
    edit = session.remove(session.spans[0])
    session.refresh(edit.apply())
    assert human(store, aid) == [] and session.spans == []
    session.refresh(edit.revert())
    assert [s.uuid for s in session.spans] == [span.uuid]


def test_gold_is_not_a_special_case_for_the_session(store, aid):
    session = ArticleSession(store, aid, GOLD)
    session.refresh(session.mark(*at("Kabul"), "ACTOR").apply())
    assert human(store, aid, GOLD) == [("Kabul", "ACTOR")] and human(store, aid) == []
