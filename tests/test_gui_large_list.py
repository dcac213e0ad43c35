"""Issue 17: the article list of a large project counts, then reads the page on screen
(keyset pagination over the id index); it never holds every id."""

from __future__ import annotations

import sqlite3
import time

import pytest
from PySide6.QtCore import QSettings
from test_gui import rules_loader

from annotator.core.model import ArticleIn
from annotator.core.store import SCHEMA_VERSION, Store, listing
from annotator.core.store.listing import PAGE, SORTS, ArticleIds
from annotator.gui.main_window import MainWindow

N = 25_000


def test_a_large_list_reads_pages_not_every_id(qtbot, tmp_path):
    store = Store(tmp_path / "big.db")
    store.import_articles(
        (
            ArticleIn(text=f"Report {i}: Kabul and Tashkent talks.", title=f"Report {i}")
            for i in range(N)
        ),
        None,
    )
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)
    t0 = time.perf_counter()
    w = MainWindow(store, settings, annotator="ana", nlp_loader=rules_loader)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    opened = time.perf_counter() - t0
    ids = w.list_model.ids
    assert isinstance(ids, ArticleIds) and len(ids) == N and w.list_model.rowCount() == N
    assert len(ids._pages) <= 2  # the first page (and the open article's), not 25 of them
    # scroll to the end: the last page is read by OFFSET over the id index, at once
    w.list_view.scrollToBottom()
    qtbot.wait(50)
    last = w.list_model.index(N - 1, 0)
    assert w.list_model.data(last) == f"Report {N - 1}"
    assert w.list_model.row_of(ids[N - 1]) == N - 1
    assert len(ids._pages) <= 6
    # keyset: the page after a known one starts after its last id
    assert ids[PAGE] == ids[PAGE - 1] + 1
    # searching narrows it, still lazily
    w.search.setText('"Report 24999"')
    w.navigate.refresh_list()
    assert list(w.list_model.ids) == [N]
    assert opened < 5  # generous on a shared machine; bench_window.py measures 1,000,000
    w.close()
    store.close()


M = 3_000


def sorted_project(path):
    """M articles: titles in mixed case with gaps, dates with repeats and gaps, statuses and
    spans of "ana" on a few (and a deleted span, which does not count)."""
    store = Store(path)
    store.import_articles(
        (
            ArticleIn(
                text=f"Article {i} on Kabul.",
                title=None if i % 17 == 0 else (f"report {i % 500}" if i % 2 else f"Report {i % 700}"),
                published=None if i % 23 == 0 else f"2025-{1 + i % 12:02d}-{1 + i % 5:02d}",
            )
            for i in range(M)
        ),
        None,
    )  # fmt: skip
    ids = store.article_ids()
    for k, aid in enumerate(ids[5::97]):
        store.set_status(aid, "ana", ("done", "skipped", "in_progress", "todo")[k % 4])
    for k, aid in enumerate(ids[7::61]):
        for j in range(1 + k % 4):
            store.add_span(aid, "ana", j, j + 1, "ACTOR")
    store.delete_span(store.spans(ids[7], "ana")[0].uuid, "ana")
    return store


def expected(store, sort, status=None):
    rows = {r.id: r for r in store.list_articles("ana", ids=store.article_ids())}
    order = ("todo", "in_progress", "done", "skipped")
    key = {
        "title": lambda r: (r.title is not None, (r.title or "").lower(), r.id),
        "published": lambda r: (r.published is not None, r.published or "", r.id),
        "status": lambda r: (order.index(r.status), r.id),
        "spans": lambda r: (r.span_count, r.id),
    }[sort]
    return [r.id for r in sorted(rows.values(), key=key) if status in (None, r.status)]


@pytest.mark.parametrize("sort", SORTS)
def test_sorted_by_any_column_in_keyset_pages(tmp_path, sort, monkeypatch):
    monkeypatch.setattr(listing, "PAGE", 100)  # many pages from a few thousand articles
    store = sorted_project(tmp_path / "s.db")
    want = expected(store, sort)
    for desc in (False, True):
        ids = store.article_id_list("ana", sort=sort, desc=desc)
        assert len(ids) == M
        assert ids[0] == (want[-1] if desc else want[0]) and len(ids._pages) <= 2  # one page read
        assert ids[-1] == (want[0] if desc else want[-1])  # the end: read backwards, at once
        assert list(ids) == (want[::-1] if desc else want)  # page after page by keyset
        for aid in want[::211]:
            assert ids.position(aid) == (M - 1 - want.index(aid) if desc else want.index(aid))
    # with the status filter and with a search the same order holds
    done = store.article_id_list("ana", status="done", sort=sort)
    assert list(done) == expected(store, sort, "done")
    found = store.article_id_list("ana", search='"Article 1*"', sort=sort, desc=True)
    hits = {
        r[0]
        for r in store.conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH '\"Article 1*\"'"
        )
    }
    assert list(found) == [i for i in want[::-1] if i in hits]
    store.close()


def test_the_sort_indexes_come_with_m010_for_an_existing_project(tmp_path):
    db = tmp_path / "old.db"
    store = sorted_project(db)
    want = expected(store, "title")
    store.close()
    conn = sqlite3.connect(db)  # a file from before m010 (as every project of the last release)
    conn.executescript(
        "DROP INDEX articles_title; DROP INDEX articles_published;"
        " DROP INDEX status_annotator_status; DROP INDEX spans_annotator_live;"
        " DELETE FROM _sqlite_migrations WHERE name = 'm010_sort_indexes';"
        f" PRAGMA user_version = {SCHEMA_VERSION - 1};"
    )
    conn.close()
    with Store(db) as store:
        names = {
            r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        }
        assert {
            "articles_title",
            "articles_published",
            "status_annotator_status",
            "spans_annotator_live",
        } <= names
        assert list(store.article_id_list("ana", sort="title")) == want
        plan = " ".join(
            str(r[3]) for r in store.conn.execute(
                "EXPLAIN QUERY PLAN SELECT a.id FROM articles a WHERE a.title COLLATE NOCASE >= 'r'"
                " ORDER BY a.title COLLATE NOCASE, a.id LIMIT 10"
            )
        )  # fmt: skip
        assert "articles_title" in plan
