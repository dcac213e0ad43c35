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
