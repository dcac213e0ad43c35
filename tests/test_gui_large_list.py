"""Issue 17: the article list of a large project counts, then reads the page on screen
(keyset pagination over the id index); it never holds every id."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
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
    qtbot.waitUntil(lambda: not w.searching.running)  # off the GUI thread
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
        "DROP INDEX articles_ids; DROP INDEX articles_title; DROP INDEX articles_published;"
        " DROP INDEX status_annotator_status; DROP INDEX spans_annotator_live;"
        " DELETE FROM _sqlite_migrations WHERE name IN ('m010_sort_indexes', 'm011_article_ids');"
        f" PRAGMA user_version = {SCHEMA_VERSION - 2};"
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


def window_on(qtbot, store, tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)
    w = MainWindow(store, settings, annotator="ana", nlp_loader=rules_loader)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_header_and_view_menu_sort_the_list(qtbot, tmp_path):
    store = sorted_project(tmp_path / "s.db")
    w = window_on(qtbot, store, tmp_path)
    header = w.list_view.horizontalHeader()
    want = expected(store, "title")
    # a click on the Title header sorts by title; a second click, the other way round
    pos = QPoint(header.sectionViewportPosition(0) + 5, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.LeftButton, pos=pos)
    order = header.sortIndicatorOrder()
    ids = w.list_model.ids
    assert w.navigate.sort == "title" and header.sortIndicatorSection() == 0
    assert list(ids[:5]) == (want[:5] if order == Qt.AscendingOrder else want[::-1][:5])
    qtbot.mouseClick(header.viewport(), Qt.LeftButton, pos=pos)
    assert header.sortIndicatorOrder() != order and w.navigate.desc == (order == Qt.AscendingOrder)
    # View › Sort list by status (Ctrl+Alt+3), then by span count, then import order
    w.actions_by_id["sort_status"].trigger()
    assert (
        w.navigate.sort == "status" and not w.navigate.desc and header.sortIndicatorSection() == 2
    )
    assert w.list_model.ids[0] == expected(store, "status")[0]
    w.list_view.scrollToBottom()  # the end of a sorted list: one page, read backwards
    qtbot.wait(20)
    assert w.list_model.data(w.list_model.index(M - 1, 2)) == "skipped"
    w.actions_by_id["sort_spans"].trigger()
    w.actions_by_id["sort_spans"].trigger()  # again: most spans first
    assert w.navigate.desc and w.list_model.ids[0] == expected(store, "spans")[-1]
    assert w.list_model.data(w.list_model.index(0, 3)) == 4
    w.actions_by_id["sort_none"].trigger()
    assert w.navigate.sort is None and header.sortIndicatorSection() == -1
    assert w.list_model.ids[:3] == store.article_ids()[:3]
    # the open article's row follows the sort
    aid = store.article_ids()[100]
    w.show_article(aid)
    w.actions_by_id["sort_title"].trigger()
    assert w.list_view.currentIndex().row() == want.index(aid)
    for spec in w.action_table():
        if spec.id.startswith("sort_"):
            assert spec.menu == "&View" and spec.shortcuts and spec.tip
    w.close()
    store.close()


def slow_searches(monkeypatch):
    """Make a search for "slow" run a query that takes seconds, unless interrupted."""
    from annotator.core.store import search
    from annotator.core.store.search import SearchMixin

    started, log = threading.Event(), []
    real = SearchMixin.search_for_list

    def search_for_list(self, query, **kw):
        if query == "slow":
            started.set()
            try:
                self.conn.execute(
                    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000000)"
                    " SELECT count(*) FROM c"
                ).fetchall()
            except sqlite3.OperationalError as exc:
                log.append(str(exc))  # "interrupted": SQLite's progress handler stopped it
                raise search.Cancelled("search cancelled") from None  # as run_match does
            log.append("finished")
        return real(self, query, **kw)

    monkeypatch.setattr(SearchMixin, "search_for_list", search_for_list)
    return started, log


def test_search_runs_off_the_gui_thread_with_cancel(qtbot, tmp_path, monkeypatch):
    started, log = slow_searches(monkeypatch)
    store = sorted_project(tmp_path / "s.db")
    w = window_on(qtbot, store, tmp_path)
    before = w.list_model.ids
    w.search.setText("slow")
    t0 = time.perf_counter()
    w.navigate.refresh_list()
    assert time.perf_counter() - t0 < 0.5  # the window does not wait for it
    assert started.wait(10) and w.searching.running and w.search_cancel.isVisible()
    assert w.actions_by_id["cancel_search"].isEnabled()
    w.actions_by_id["cancel_search"].trigger()  # Edit › Cancel search (Ctrl+Shift+F)
    qtbot.waitUntil(lambda: bool(log), timeout=10000)
    assert log == ["interrupted"] and not w.searching.running
    assert "Search cancelled" in w.statusBar().currentMessage()
    assert w.list_model.ids is before and not w.search_cancel.isVisible()
    w.close()
    store.close()


def test_a_newer_search_supersedes_the_one_running(qtbot, tmp_path, monkeypatch):
    started, log = slow_searches(monkeypatch)
    store = sorted_project(tmp_path / "s.db")
    w = window_on(qtbot, store, tmp_path)
    w.search.setText("slow")
    w.navigate.refresh_list()
    assert started.wait(10)
    # type-ahead: typing a new query starts it after a pause, without Enter
    w.search.clear()
    qtbot.keyClicks(w.search, '"Article 12"')
    qtbot.waitUntil(lambda: bool(log), timeout=10000)
    assert log == ["interrupted"]  # the older search stopped mid-query
    qtbot.waitUntil(lambda: not w.searching.running, timeout=10000)
    assert list(w.list_model.ids) == [store.article_ids()[12]]
    assert (
        w.list_model.extra_title == "Match"
        and "⟦Article 12⟧" in w.list_model.extra[store.article_ids()[12]]
    )
    w.close()
    store.close()


def test_a_capped_search_shows_the_ranked_page_then_grows_to_every_match(
    qtbot, tmp_path, monkeypatch
):
    from annotator.core.store import search

    monkeypatch.setattr(search, "RANK_CAP", 100)
    store = sorted_project(tmp_path / "s.db")
    w = window_on(qtbot, store, tmp_path)
    w.search.setText("Kabul")  # in every article
    w.navigate.refresh_list()
    qtbot.waitUntil(lambda: not w.searching.running, timeout=10000)
    ids = w.list_model.ids
    assert len(ids) == M and w.list_model.rowCount() == M
    ranked = store.search_ranked("Kabul", cap=100)
    assert ids[:100] == ranked.ids and ids[100] == ranked.last + 1  # best first, then by id
    assert "ranked best first" in w.statusBar().currentMessage()
    w.list_view.scrollToBottom()
    qtbot.wait(20)
    assert ids[M - 1] == store.article_ids()[-1] and ids.position(ids[M - 1]) == M - 1
    # a search sorted by a column: every match sorted in the worker, none of it on this thread
    w.actions_by_id["sort_title"].trigger()
    qtbot.waitUntil(lambda: not w.searching.running, timeout=10000)
    assert list(w.list_model.ids) == expected(store, "title")
    assert w.list_model.extra_title == "Match"
    w.actions_by_id["sort_none"].trigger()  # best first again
    qtbot.waitUntil(lambda: not w.searching.running, timeout=10000)
    assert w.list_model.ids[:100] == ranked.ids
    w.search.clear()  # the whole list again, and the search's line goes from the status bar
    assert len(w.list_model.ids) == M and "match" not in w.statusBar().currentMessage()
    w.search.setText("Kabul")
    w.navigate.refresh_list()
    qtbot.waitUntil(lambda: not w.searching.running, timeout=10000)
    # with the status filter the search combines with it
    w.status_filter.setCurrentIndex(w.status_filter.findData("done"))
    qtbot.waitUntil(lambda: not w.searching.running, timeout=10000)
    done = store.search_ranked("Kabul", search.SearchFilters("ana", statuses=["done"]))
    assert not done.capped and set(done.ids) == set(expected(store, "title", "done"))
    assert list(w.list_model.ids) == done.ids  # best first
    w.close()
    store.close()


def test_closing_the_window_stops_its_search(qtbot, tmp_path, monkeypatch):
    started, log = slow_searches(monkeypatch)
    store = sorted_project(tmp_path / "s.db")
    w = window_on(qtbot, store, tmp_path)
    w.search.setText("slow")
    w.navigate.refresh_list()
    assert started.wait(10)
    w.close()
    qtbot.waitUntil(lambda: bool(log), timeout=10000)
    assert log == ["interrupted"]
    qtbot.wait(50)  # its failure arrives, and is dropped: the window is closed
    store.close()


def test_next_unfinished_reads_a_chunk_not_the_whole_list(tmp_path):
    from annotator.core.session import next_unfinished

    store = sorted_project(tmp_path / "s.db")
    all_ids = store.article_ids()
    for aid in all_ids[:700]:
        store.set_status(aid, "ana", "done")
    ids = store.article_id_list("ana")
    assert next_unfinished(store, "ana", ids) == all_ids[700]
    assert len(ids._pages) == 1  # one page of the list read, not 3
    # from the last article it wraps round; done and skipped are passed over
    assert next_unfinished(store, "ana", ids, after=all_ids[-1]) == all_ids[700]
    by_status = store.article_id_list("ana", sort="status", desc=True)  # skipped, done … first
    want = next(
        a
        for a in expected(store, "status")[::-1]
        if store.status(a, "ana") in ("todo", "in_progress")
    )
    assert next_unfinished(store, "ana", by_status) == want
    store.close()
