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
    n = len(window.list_model.ids)
    assert n >= 1 and window.list_model.extra_title == "Match"
    assert "⟦" in window.list_model.extra[window.list_model.ids[0]]
    window.search.setText('"unclosed')
    window.navigate.refresh_list()
    assert "cannot search for" in window.statusBar().currentMessage()
    assert len(window.list_model.ids) == n  # the list stays as it was
