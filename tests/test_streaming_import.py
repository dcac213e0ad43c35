"""Issue 17: import reads and writes in a stream (flat memory), a rejected file writes nothing,
boilerplate is detected where first needed with the same result as at import."""

from __future__ import annotations

import json
import tracemalloc

from annotator.core.boilerplate import detect
from annotator.core.ingest import import_paths
from annotator.core.store import Store

BODY = "Kazakhstan and the Taliban signed an energy agreement on 21 May 2025, officials said. " * 8


def _jsonl(path, n, bad_last=False):
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"text": f"Report {i}.\n\n{BODY}", "meta": {"title": f"T {i}"}}))
            fh.write("\n")
        if bad_last:
            fh.write('{"text": "broken\n')
    return path


def test_a_large_jsonl_streams_in_flat_memory(tmp_path):
    src = _jsonl(tmp_path / "big.jsonl", 20_000)  # 15 MB of text
    warm = tmp_path / "warm.jsonl"
    warm.write_text(json.dumps({"text": "A first article about Kabul."}) + "\n", encoding="utf-8")
    with Store(tmp_path / "p.db") as store:
        import_paths(store, [warm])  # the modules an import loads (spaCy's for tokens) first
        tracemalloc.start()
        report = import_paths(store, [src])
        _now, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert report.imported == 20_000 and not report.rejected
        assert store.article_count() == 20_001
    # a whole-file reader holds the file's text and its records: several times 15 MB
    assert peak < 8 << 20, f"{peak / 2**20:.1f} MiB"


def test_a_bad_last_line_rejects_the_streamed_file_whole(tmp_path):
    src = _jsonl(tmp_path / "big.jsonl", 3_000, bad_last=True)
    with Store(tmp_path / "p.db") as store:
        report = import_paths(store, [src])
        assert store.article_count() == 0 and report.imported == 0
        assert "big.jsonl:3001: malformed JSON" in str(report.rejected[0])
        assert store.conn.execute("SELECT count(*) FROM boilerplate_pending").fetchone()[0] == 0


def test_a_csv_streams_and_a_bad_row_rejects_it_whole(tmp_path):
    good = tmp_path / "a.csv"
    good.write_text(
        "title,text\n" + "".join(f'T{i},"{BODY} {i}"\n' for i in range(500)), encoding="utf-8"
    )
    bad = tmp_path / "b.csv"
    bad.write_text("title,text\nA,one\nB,\n", encoding="utf-8")
    with Store(tmp_path / "p.db") as store:
        report = import_paths(store, [good, bad])
        assert report.imported == 500 and store.article_count() == 500
        assert "b.csv:3: empty text" in str(report.rejected[0])


def test_a_file_that_is_not_utf8_is_read_whole_as_before(tmp_path):
    src = tmp_path / "latin.jsonl"
    src.write_bytes(json.dumps({"text": "Café in Kabul"}, ensure_ascii=False).encode("cp1252"))
    with Store(tmp_path / "p.db") as store:
        report = import_paths(store, [src])
        assert (
            report.imported == 1 and store.article(store.article_ids()[0]).text == "Café in Kabul"
        )


def test_boilerplate_is_detected_on_first_use_as_at_import(tmp_path):
    text = "Home | World | Asia\nA headline about Kabul and Beijing\n" + BODY + "\nAdvertisement\n"
    with Store(tmp_path / "p.db") as store:
        aid, _ = store.add_article(text)
        assert store.conn.execute("SELECT count(*) FROM boilerplate").fetchone()[0] == 0
        assert store.boilerplate(aid) == detect(text)
        assert store.conn.execute("SELECT count(*) FROM boilerplate_pending").fetchone()[0] == 0
        created = store.article(aid).created_at
        stamps = store.conn.execute("SELECT DISTINCT created_at FROM boilerplate").fetchall()
        assert [r[0] for r in stamps] == [created]  # as old as the article, for merges
    # a read-only reader detects without writing
    with Store(tmp_path / "q.db") as store:
        bid, _ = store.add_article(text)
    with Store(tmp_path / "q.db", readonly=True) as ro:
        assert ro.boilerplate(bid) == detect(text)
        assert ro.boilerplate_bulk([bid]) == {bid: detect(text)}
    with Store(tmp_path / "q.db") as store:
        assert store.conn.execute("SELECT count(*) FROM boilerplate_pending").fetchone()[0] == 1


def test_a_folder_is_imported_in_grouped_transactions_each_file_whole(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    for i in range(300):
        (folder / f"{i:03d}.txt").write_text(
            f"Story number {i} about Kabul\n\n{BODY}", encoding="utf-8"
        )
    (folder / "150b.jsonl").write_text(
        '{"text": "x", "spans": [{"start": 0, "end": 1, "label": "NOPE"}], "_annotator_id": "a"}\n'
    )
    with Store(tmp_path / "p.db") as store:
        report = import_paths(store, [folder])
        assert report.imported == 300 and report.files == 300 and len(report.rejected) == 1
        assert store.article_count() == 300


# -- the full-text index, written in bulk by imports, stays what the triggers make ----------


def _fts_exact(store: Store) -> None:
    """The index holds exactly the articles' titles and texts: FTS5's own check against the
    content table, and every (term, article, column, offset) equal to a rebuilt copy's."""
    conn = store.conn
    conn.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
    conn.execute(
        "CREATE VIRTUAL TABLE temp.fts_terms USING fts5vocab(main, articles_fts, 'instance')"
    )
    try:
        terms = "SELECT term, doc, col, offset FROM temp.fts_terms ORDER BY 1, 2, 3, 4"
        before = conn.execute(terms).fetchall()
        conn.execute("SAVEPOINT rebuilt")
        conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
        after = conn.execute(terms).fetchall()
        conn.execute("ROLLBACK TO rebuilt")
        conn.execute("RELEASE rebuilt")
    finally:
        conn.execute("DROP TABLE temp.fts_terms")
    assert before == after and after


def _trigger_sql(store: Store) -> str | None:
    row = store.conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'articles_fts_insert'"
    ).fetchone()
    return row and row[0]


def test_the_search_index_equals_a_rebuild_after_imports_merges_and_header_edits(
    tmp_path, monkeypatch
):
    from annotator.core.store import imports

    FTS_CHUNK = 300  # noqa: N806 (several bulk statements per file, in a small test)
    monkeypatch.setattr(imports, "FTS_CHUNK", FTS_CHUNK)
    with Store(tmp_path / "p.db") as store:
        trigger = _trigger_sql(store)
        assert trigger
        _jsonl(tmp_path / "a.jsonl", 2 * FTS_CHUNK + 700)  # more than one bulk statement
        bad = _jsonl(tmp_path / "bad.jsonl", 2 * FTS_CHUNK + 10, bad_last=True)
        bad.write_text(bad.read_text().replace("Report ", "Bulletin "), encoding="utf-8")
        folder = tmp_path / "f"
        folder.mkdir()
        for i in range(40):
            (folder / f"{i:02d}.txt").write_text(f"Folder story {i}\n\n{BODY}", encoding="utf-8")
        (folder / "x.jsonl").write_text('{"text": ""}\n', encoding="utf-8")  # rejected
        report = import_paths(store, [tmp_path / "a.jsonl", bad, folder])
        assert report.imported == 2 * FTS_CHUNK + 740 and len(report.rejected) == 2
        assert _trigger_sql(store) == trigger  # put back as it was, also after the rejection
        assert store.search_count("Bulletin") == 0
        _fts_exact(store)
        # the same file again: duplicates only, nothing indexed twice
        again = import_paths(store, [tmp_path / "a.jsonl"])
        assert again.imported == 0 and again.duplicates == 2 * FTS_CHUNK + 700
        store.add_article("Astana hosted the signing of a rail agreement.", title="Rail")
        _fts_exact(store)
        aid = store.article_ids()[3]
        store.set_article_header(aid, "Uzbekistan renamed headline", None)
        assert [h.id for h in store.search("Uzbekistan renamed")] == [aid]
        _fts_exact(store)
    with Store(tmp_path / "other.db") as other:
        _jsonl(tmp_path / "b.jsonl", 300)
        import_paths(other, [tmp_path / "b.jsonl", folder])
        other.set_article_header(other.article_ids()[0], "Merged headline Tashkent", None)
    with Store(tmp_path / "p.db") as store:
        store.merge_from(tmp_path / "other.db")
        assert store.search_count("Tashkent") == 1
        _fts_exact(store)
        assert _trigger_sql(store) == trigger


def test_an_import_that_fails_inside_a_transaction_leaves_the_trigger_and_index(tmp_path):
    """import_articles is all or nothing even when its caller's transaction goes on."""
    from annotator.core.errors import InputError
    from annotator.core.model import ArticleIn

    with Store(tmp_path / "p.db") as store:
        trigger = _trigger_sql(store)

        def items():
            for i in range(1200):
                yield ArticleIn(text=f"Item {i} about Kabul.")
            raise InputError("a reader's error at the end")

        with store._write():
            try:
                store.import_articles(items(), None)
            except InputError:
                pass
            store.add_article("Written after the failed import, in the same transaction.")
        assert store.article_count() == 1 and _trigger_sql(store) == trigger
        assert store.search_count("transaction") == 1
        _fts_exact(store)
