"""The project file: identity by hash, spans with tombstones, statuses, suggestions, safety."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from annotator.core.errors import InputError, ProjectError
from annotator.core.model import ArticleIn, SpanIn, Status, Suggestion
from annotator.core.store import SCHEMA_VERSION, Store


def file_digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_text_is_one_article(store):
    a, created_a = store.add_article("Kabul and Moscow agreed.", title="one")
    b, created_b = store.add_article("Kabul and Moscow agreed.", title="two")
    assert a == b and created_a and not created_b
    assert store.article_count() == 1
    assert store.article(a).title == "one"  # text and its metadata are immutable


def test_span_lifecycle_leaves_tombstone(store):
    aid, _ = store.add_article("China accepted the credentials of the envoy.")
    span = store.add_span(aid, "ana", 0, 5, "ACTOR", {"kind": "state", "country": "CHN"})
    assert span.origin == "manual" and span.attrs["country"] == "CHN"
    assert store.status(aid, "ana") == Status.IN_PROGRESS  # starting work moves todo on

    relabelled = store.update_span(span.uuid, label="AGREEMENT", attrs={"type": "DIPLOMATIC"})
    assert relabelled.label == "AGREEMENT" and relabelled.updated_at >= span.updated_at

    store.delete_span(span.uuid, by="ana")
    assert store.spans(aid, "ana") == []
    tomb = store.spans(aid, "ana", include_deleted=True)[0]
    assert tomb.deleted_at and tomb.deleted_by == "ana"

    restored = store.restore_span(span.uuid)
    assert restored.deleted_at is None and store.spans(aid, "ana")[0].uuid == span.uuid


def test_span_validation_rejects_bad_offsets_and_labels(store):
    aid, _ = store.add_article("Short text.")
    with pytest.raises(InputError):
        store.add_span(aid, "ana", 5, 50, "ACTOR")
    with pytest.raises(InputError):
        store.add_span(aid, "ana", 0, 5, "WEAPON")
    assert store.spans(aid) == []


def test_import_batch_is_all_or_nothing(store):
    good = ArticleIn(text="First article text.", spans=[SpanIn(0, 5, "ACTOR")], annotator="ana")
    bad = ArticleIn(text="Second article text.", spans=[SpanIn(0, 6, "NOPE")], annotator="ana")
    with pytest.raises(InputError):
        store.import_articles([good, bad], None)
    assert store.article_count() == 0
    assert store.annotators() == []


def test_suggestions_are_kept_apart_and_decisions_remembered(store):
    aid, _ = store.add_article("Russia removed the Taliban from its list in April 2025.")
    sugs = [
        Suggestion(aid, 0, 6, "ACTOR", {"kind": "state"}, "m", "1"),
        Suggestion(aid, 44, 54, "DATE", {"value": "2025-04"}, "m", "1"),
    ]
    store.set_suggestions(aid, "m", "1", sugs)
    assert store.spans(aid) == []  # suggestions never appear as human spans
    assert store.articles_without_suggestions("m", "1") == []
    assert store.articles_without_suggestions("m", "2") == [aid]

    span = store.accept_suggestion("ana", store.suggestions(aid, "ana")[0])
    assert span.origin == "model:m@1" and span.attrs == {"kind": "state"}
    store.reject_suggestion("ana", store.suggestions(aid, "ana")[0])
    assert store.suggestions(aid, "ana") == []
    assert len(store.suggestions(aid, "ben")) == 2  # another annotator still sees both
    assert store.rejections(aid, "ana")[0]["label"] == "DATE"

    # a new run of the same model replaces the old suggestions; decisions stay
    store.set_suggestions(aid, "m", "2", sugs)
    assert store.suggestions(aid, "ana") == []
    store.clear_decision("ana", sugs[1])
    assert [s.label for s in store.suggestions(aid, "ana")] == ["DATE"]


def test_schema_version_and_wal(tmp_path):
    path = tmp_path / "p.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    applied = conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0]
    conn.close()
    # reopening applies nothing twice and keeps the data
    with Store(path) as s:
        s.add_article("Some text here.")
    with Store(path) as s:
        assert s.article_count() == 1
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == applied


def test_foreign_files_are_refused_untouched(tmp_path):
    text_file = tmp_path / "notes.db"
    text_file.write_text("just some notes, not a database\n" * 50)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
    conn.commit()
    conn.close()
    for path in (text_file, other):
        before = file_digest(path)
        with pytest.raises(ProjectError) as err:
            Store(path)
        assert "not an Annotator project" in str(err.value)
        assert file_digest(path) == before
        assert not path.with_name(path.name + "-wal").exists()


def test_newer_schema_is_refused_untouched(tmp_path):
    path = tmp_path / "future.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    before = file_digest(path)
    with pytest.raises(ProjectError) as err:
        Store(path)
    assert "newer Annotator" in str(err.value)
    assert file_digest(path) == before


def test_missing_project_when_not_creating(tmp_path):
    with pytest.raises(ProjectError):
        Store(tmp_path / "absent.db", create=False)
    assert not (tmp_path / "absent.db").exists()


def test_new_project_carries_scheme_and_guidelines(store):
    assert store.scheme.names == ["ACTOR", "DATE", "AGREEMENT"]
    assert [label.key for label in store.scheme.labels] == ["1", "2", "3"]
    assert "AGREEMENT" in store.guidelines
    assert store.scheme.model_map["GPE"] == "ACTOR"


def test_list_articles_has_no_text_but_status_and_counts(store):
    a, _ = store.add_article("Alpha text about Kabul.", title="Alpha")
    b, _ = store.add_article("Beta text about Beijing.", title="Beta")
    store.add_span(a, "ana", 0, 5, "ACTOR")
    store.set_status(b, "ana", "done")
    rows = store.list_articles("ana")
    assert [(r.title, r.status, r.span_count) for r in rows] == [
        ("Alpha", "in_progress", 1),
        ("Beta", "done", 0),
    ]
    assert not hasattr(rows[0], "text")
    assert [r.title for r in store.list_articles("ana", status="done")] == ["Beta"]
    assert [r.title for r in store.list_articles("ana", search="beijing")] == ["Beta"]
