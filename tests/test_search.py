"""Issue 17: full-text search (FTS5) in the store, the CLI and the window: phrase, prefix and
boolean queries, ranked, with snippets, filters by label/attribute/status, bad syntax one line."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import run_cli
from test_gui import project, settings, window  # noqa: F401  (fixtures)

from annotator.core.errors import InputError
from annotator.core.ingest import import_paths
from annotator.core.model import ArticleIn, SpanIn
from annotator.core.store import Store

DEAL = "Kazakhstan and the Taliban signed an energy agreement on oil supplies."


@pytest.fixture
def corpus(tmp_path):
    db = tmp_path / "p.db"
    with Store(db) as store:
        start = DEAL.index("an energy agreement") + 3
        store.import_articles(
            [
                ArticleIn(text=DEAL, title="Energy deal", spans=[SpanIn(start, start + 16, "AGREEMENT", {"type": "ENERGY"})], annotator="ana", status="in_progress"),
                ArticleIn(text="Kazakhstan hosted talks on a rail link with Uzbekistan.", title="Rail talks"),
                ArticleIn(text="Lavrov met Muttaqi in Moscow; Kazakhstan was not mentioned by Lavrov again.", title="Moscow"),
                ArticleIn(text="Grain exports rose.", title="Kazakhstan Kazakhstan grain"),
            ],
            None,
        )  # fmt: skip
    return db


def test_phrase_prefix_boolean_ranked_with_snippets(corpus):
    with Store(corpus) as store:
        assert [h.title for h in store.search('"energy agreement"')] == ["Energy deal"]
        assert {h.title for h in store.search("Uzbek*")} == {"Rail talks"}
        assert {h.title for h in store.search("Kazakhstan NOT Lavrov")} == {
            "Energy deal",
            "Rail talks",
            "Kazakhstan Kazakhstan grain",
        }
        assert {h.title for h in store.search("rail OR oil")} == {"Rail talks", "Energy deal"}
        hits = store.search("Kazakhstan")
        assert (
            len(hits) == 4 and hits[0].title == "Kazakhstan Kazakhstan grain"
        )  # titles weigh more
        assert "⟦Lavrov⟧" in store.search("Lavrov")[0].snippet
        assert store.search_count("Kazakhstan") == 4
        assert (
            store.list_article_ids(search="Kazakhstan's") == []
        )  # plain words, not a syntax error


def test_filters_by_label_attribute_and_status(corpus):
    with Store(corpus) as store:
        # ENERGY agreements mentioning Kazakhstan not yet done
        hits = store.search("Kazakhstan", annotator="ana", label="AGREEMENT", attrs={"type": "ENERGY"}, statuses=["todo", "in_progress"])  # fmt: skip
        assert [h.title for h in hits] == ["Energy deal"] and hits[0].status == "in_progress"
        assert (
            store.search("Kazakhstan", annotator="ana", label="AGREEMENT", statuses=["done"]) == []
        )
        assert store.search("Kazakhstan", label="AGREEMENT", attrs={"type": "TRADE"}) == []


def test_bad_syntax_is_one_clear_line(corpus):
    with Store(corpus) as store, pytest.raises(InputError, match="cannot search for"):
        store.search('"unclosed')
    out = run_cli("search", "--db", str(corpus), '"unclosed')
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1
    assert "Traceback" not in out.stderr and "cannot search for" in out.stderr


def test_cli_search_json(corpus):
    out = run_cli("search", "--db", str(corpus), "Kazakhstan", "--label", "AGREEMENT", "--attr", "type=ENERGY", "--json")  # fmt: skip
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["total"] == 1 and data["hits"][0]["title"] == "Energy deal"
    assert (
        "⟦" not in data["hits"][0]["snippet"]
        and "⟦Kazakhstan⟧" in data["hits"][0]["snippet_marked"]
    )


def test_the_index_follows_imports_header_edits_and_existing_files(tmp_path):
    db = tmp_path / "p.db"
    src = tmp_path / "a.jsonl"
    src.write_text(
        json.dumps({"text": "Tashkent and Kabul agreed.", "meta": {"title": "Old"}}) + "\n"
    )
    with Store(db) as store:
        import_paths(store, [src])
        aid = store.article_ids()[0]
        store.set_article_header(aid, "Brand new headline", None)
        assert store.search("brand") and not store.search("old")
        assert store.search("tashkent")
    # a file from before m009: the migration builds the index
    conn = sqlite3.connect(db)
    conn.executescript(
        "DROP TRIGGER articles_fts_insert; DROP TRIGGER articles_fts_delete; DROP TRIGGER articles_fts_title;"
        " DROP TABLE articles_fts; DROP TABLE boilerplate_pending;"
        " DELETE FROM _sqlite_migrations WHERE name = 'm009_fts'; PRAGMA user_version = 8;"
    )
    conn.close()
    with Store(db) as store:
        assert [h.id for h in store.search("Kabul")] == [aid]


def test_window_search_uses_fts_and_says_bad_syntax(qtbot, window, project):  # noqa: F811
    window.search.setText("tashkent")
    window.navigate.refresh_list()
    qtbot.waitUntil(lambda: not window.searching.running)  # off the GUI thread
    n = len(window.list_model.ids)
    assert n >= 1 and window.list_model.extra_title == "Match"
    assert "⟦" in window.list_model.extra[window.list_model.ids[0]]
    window.search.setText('"unclosed')
    window.navigate.refresh_list()
    qtbot.waitUntil(lambda: not window.searching.running)
    assert "cannot search for" in window.statusBar().currentMessage()
    assert len(window.list_model.ids) == n  # the list stays as it was


@pytest.fixture
def common(tmp_path):
    """60 articles that all say "Kabul" (some twice, some in the title), a few "Tashkent"."""
    db = tmp_path / "c.db"
    with Store(db) as store:
        store.import_articles(
            [
                ArticleIn(
                    text=f"Item {i}: Kabul talks." + (" Kabul again." if i % 7 == 0 else "")
                    + (" Tashkent rail link." if i % 10 == 3 else ""),
                    title=f"Kabul item {i}" if i % 13 == 0 else f"Item {i}",
                )
                for i in range(60)
            ],
            None,
        )  # fmt: skip
    return db


def bm25_order(store, query, where=""):
    return [
        r[0]
        for r in store.conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?" + where
            + " ORDER BY bm25(articles_fts, 3.0, 1.0), rowid",
            (query,),
        )
    ]  # fmt: skip


def test_ranking_is_capped_for_a_very_common_word_and_says_so(common):
    with Store(common) as store:
        ids = store.article_ids()
        # within the cap: the ranking is over every match, exactly bm25's
        full = store.search_ranked("Kabul")
        assert not full.capped and full.ids == bm25_order(store, "Kabul")
        assert [h.id for h in store.search("Kabul", limit=60)] == full.ids
        # beyond it: the first CAP matches in id order are ranked, the rest follow by id
        capped = store.search_ranked("Kabul", cap=20)
        assert capped.capped and capped.last == ids[19] and sorted(capped.ids) == ids[:20]
        assert capped.ids == bm25_order(store, "Kabul", f" AND rowid <= {ids[19]}")
        hits = store.search("Kabul", limit=30, cap=20)
        assert [h.id for h in hits] == capped.ids + ids[20:30]
        assert hits[0].rank is not None and hits[25].rank is None
        # a page that starts beyond the candidates continues in id order
        assert [h.id for h in store.search("Kabul", limit=5, offset=40, cap=20)] == ids[40:45]
        # counted with a cap: stops at cap + 1 ("20+"); exactly without
        assert store.search_count("Kabul", cap=20) == 21 and store.search_count("Kabul") == 60
        # phrase, prefix, boolean and filters still hold under the cap
        assert {h.id for h in store.search('"rail link"', cap=2, limit=99)} == set(ids[3::10])
        assert len(store.search("Tash*", cap=2, limit=99)) == 6
        assert {h.id for h in store.search("Kabul NOT Tashkent", cap=5, limit=99)} == set(
            ids
        ) - set(ids[3::10])
        store.set_status(ids[4], "ana", "done")
        store.set_status(ids[50], "ana", "done")
        done = store.search("Kabul", annotator="ana", statuses=["done"], cap=1, limit=9)
        assert [h.id for h in done] == [ids[4], ids[50]] and done[0].status == "done"
        assert store.search_count("Kabul", annotator="ana", statuses=["done"]) == 2


def test_cli_says_when_ranking_is_capped(common):
    out = run_cli("search", "--db", str(common), "Kabul", "--json")
    data = json.loads(out.stdout)
    assert data["total"] == 60 and data["ranked_among"] == 60 and not data["ranking_capped"]
    with Store(common) as store:
        assert data["hits"][0]["id"] == store.search_ranked("Kabul").ids[0]
    capped = run_cli("search", "--db", str(common), "Kabul", "--json", "--rank-within", "20")
    data = json.loads(capped.stdout)
    assert data["total"] == 60 and data["ranked_among"] == 20 and data["ranking_capped"]
    text = run_cli("search", "--db", str(common), "Kabul", "--rank-within", "20")
    assert "among the first 20" in text.stdout
    bad = run_cli("search", "--db", str(common), "Kabul", "--rank-within", "0")
    assert bad.returncode == 2 and "--rank-within" in bad.stderr
