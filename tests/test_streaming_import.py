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


# -- a folder read by worker processes (#17): the same project as reading it in-process -----


def _mixed_folder(folder):
    """Files of every kind a folder holds, a bad one in the middle, duplicates, a subfolder."""
    folder.mkdir()
    (folder / "sub").mkdir()
    for i in range(120):
        dated = f"Published 0{1 + i % 9}.05.2025 09:15 | Updated 11:40\n" if i % 3 else ""
        text = f"Home | World | Asia\nKabul and Beijing sign deal number {i}\n{dated}\n{BODY}"
        (folder / ("sub" if i % 4 == 0 else ".") / f"{i:03d}.txt").write_text(text, "utf-8")
    (folder / "050dup.txt").write_text((folder / "051.txt").read_text("utf-8"), "utf-8")
    (folder / "060cp1252.txt").write_bytes(b"Caf\xe9 talks in Kabul\n\n" + BODY.encode("cp1252"))
    (folder / "061utf16.txt").write_bytes(("Tashkent talks\n\n" + BODY).encode("utf-16"))
    (folder / "062front.md").write_text(
        f"---\ntitle: Front matter title\ndate: 2025-06-01\n---\n# Heading\n\n{BODY}", "utf-8"
    )
    (folder / "063lines.jsonl").write_text(
        "".join(json.dumps({"text": f"Line {i} of a JSONL in the folder. {BODY}"}) + "\n"
                for i in range(5)),
        "utf-8",
    )  # fmt: skip
    (folder / "064binary.txt").write_bytes(b"GIF89a\x00\x01binary")  # rejected: a NUL byte
    (folder / "065broken.txt").write_bytes(
        b"Caf\xc3\xa9 Soci\xc3\xa9t\xc3\xa9: broken \xc3\x28 UTF-8 " + BODY.encode()
    )
    (folder / "066empty.txt").write_text("   \n\n", "utf-8")  # rejected: empty


def _project(store: Store) -> dict:
    conn = store.conn
    ids = store.article_ids()
    conn.execute(
        "CREATE VIRTUAL TABLE temp.fts_terms USING fts5vocab(main, articles_fts, 'instance')"
    )
    try:
        return {
            "articles": conn.execute(
                "SELECT id, hash, text, title, source, published, meta, length FROM articles"
                " ORDER BY id"
            ).fetchall(),
            "fts": conn.execute(
                "SELECT term, doc, col, offset FROM temp.fts_terms ORDER BY 1, 2, 3, 4"
            ).fetchall(),
            "pending": conn.execute("SELECT * FROM boilerplate_pending ORDER BY 1").fetchall(),
            "boilerplate": store.boilerplate_bulk(ids),
        }
    finally:
        conn.execute("DROP TABLE temp.fts_terms")


def test_a_folder_read_by_worker_processes_is_the_same_project_as_read_in_process(tmp_path):
    import multiprocessing

    folder = tmp_path / "f"
    _mixed_folder(folder)
    seen = {}
    for name, options in (("alone", {"pool_min_files": None}), ("pool", {"pool_min_files": 2})):
        workers = []
        with Store(tmp_path / f"{name}.db") as store:
            report = import_paths(
                store,
                [folder],
                progress=lambda i, n, p, w=workers: w.append(
                    len(multiprocessing.active_children())
                ),
                jobs=2,
                **options,
            )
            seen[name] = (report.summary(), [str(e) for e in report.rejected], _project(store))
        assert max(workers) == (2 if name == "pool" else 0)  # the pool's readers, or none
        assert not multiprocessing.active_children()  # and gone when the import ends
    assert seen["pool"] == seen["alone"]
    summary, rejected, project = seen["pool"]
    assert summary.startswith("imported 128 article(s), 1 duplicate(s)")
    assert [r.split(": ")[0] for r in rejected] == [
        str(folder / f"{n}.txt") for n in ("064binary", "065broken", "066empty")
    ]
    assert "binary file" in rejected[0] and "invalid UTF-8 at byte 24" in rejected[1]
    titles = {row[3] for row in project["articles"]}
    assert {"Kabul and Beijing sign deal number 7", "Front matter title"} <= titles
    assert "2025-05-08" in {row[5] for row in project["articles"]}  # a dateline's date
    assert any(project["boilerplate"].values())  # "Home | World | Asia" in each story


def _story_folder(tmp_path, n: int):
    """A folder of N small articles, "Story I about Kabul", named so they sort by number."""
    folder = tmp_path / "f"
    folder.mkdir()
    width = len(str(n))
    for i in range(n):
        (folder / f"{i:0{width}d}.txt").write_text(f"Story {i} about Kabul\n\n{BODY}", "utf-8")
    return folder


def test_a_bad_file_in_the_middle_of_a_pooled_folder_is_one_line_and_the_rest_import(tmp_path):
    folder = _story_folder(tmp_path, 600)
    (folder / "300.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00 not text")
    with Store(tmp_path / "p.db") as store:
        report = import_paths(store, [folder], jobs=1, pool_min_files=100)
        assert report.imported == 599 and report.files == 599
        assert [str(e) for e in report.rejected] == [
            f"{folder / '300.txt'}: binary file, not text (a NUL byte at byte 8)"
        ]
        assert store.article_count() == 599
        assert not store.search_count('"Story 300"')


def test_a_cancelled_pooled_import_keeps_the_files_before_and_stops_its_readers(tmp_path):
    import multiprocessing

    folder = _story_folder(tmp_path, 1000)
    done = []
    with Store(tmp_path / "p.db") as store:
        report = import_paths(
            store,
            [folder],
            progress=lambda i, n, p: done.append(p),
            cancelled=lambda: bool(done),  # Cancel pressed once the first files are stored
            jobs=1,
            pool_min_files=100,
        )
        assert 0 < report.files == len(done) == store.article_count() < 1000
        texts = {store.article(a).text for a in store.article_ids()}
        assert texts == {p.read_text("utf-8") for p in done}  # the files before, each whole
    assert not multiprocessing.active_children()


def test_files_of_a_reader_that_died_are_read_by_the_writer(tmp_path):
    import multiprocessing
    import os
    import signal

    folder = _story_folder(tmp_path, 1500)
    killed = []

    def progress(i, n, p):
        if not killed:  # the reader killed (out of memory, say) once the first files are stored
            for child in multiprocessing.active_children():
                os.kill(child.pid, signal.SIGKILL)
                killed.append(child.pid)

    with Store(tmp_path / "p.db") as store:
        report = import_paths(store, [folder], progress=progress, jobs=1, pool_min_files=100)
        assert killed and report.imported == 1500 and not report.rejected
        assert store.article_count() == 1500


def test_a_folder_is_read_in_the_order_of_its_sorted_paths(tmp_path):
    """The walk yields each folder's entries by name, a subfolder's files where its name
    comes: the order of `sorted(paths)`, so article ids follow the paths as before."""
    from annotator.core.ingest import scan_paths

    folder = tmp_path / "f"
    names = ["a.txt", "a/b.txt", "a-b/c.txt", "a.b/x.md", "B.TXT", "b.txt", "sub/deep/z.txt",
             "sub/y.txt", "sub.txt", "zz/_.txt", "zz/~.txt", "zz/A.txt", "doc.txt", "doc.ann"]  # fmt: skip
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("Kabul and Astana signed a rail agreement.\n", "utf-8")
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "h.txt").write_text("hidden", "utf-8")
    (folder / "notes.odt").write_text("not an article", "utf-8")
    scan = scan_paths([folder])
    wanted = sorted(folder / n for n in names if n != "doc.txt")  # doc.txt: brat's, with doc.ann
    assert scan.files == wanted
    assert scan.sizes == [p.stat().st_size for p in wanted]
    assert {k: len(v) for k, v in scan.skipped.items()} == {"hidden": 1, "suffix": 1}
