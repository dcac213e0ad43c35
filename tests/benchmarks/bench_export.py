"""Export (#17): `annotator export` of N annotated articles (8 spans each) to each format,
against plain json / DocBin code writing the same records, each in a fresh interpreter,
with its time and peak memory (ru_maxrss). Targets: within 1.5x of plain; the `.spacy`
export (a folder of DocBin shards above 5,000 docs) under 500 MiB at 100,000 articles,
JSONL, CoNLL and doccano streaming.

The plain spaCy code is one DocBin of the whole corpus, as spaCy's docs write it (with
`--docbin-max M` it runs only up to M articles: its memory grows with the corpus, about
15 GiB at 100,000), and DocBins of 1,000 docs written as they fill (plain code in flat
memory). Ours opens the project read-only, as `annotator export` does: the boilerplate of
articles imported since (detected where first needed) is detected during the export.

Run: python tests/benchmarks/bench_export.py [N_ARTICLES] [--formats jsonl,doccano,spacy,conll]
     (default 10,000; the project is built once into /tmp/annotator-bench/export-N.db)
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import corpus  # noqa: E402
from scale import PEAK, WORK, in_child, load  # noqa: E402
from spacy.tokens import DocBin  # noqa: E402

from annotator.core.model import ArticleIn, SpanIn  # noqa: E402
from annotator.core.store import Store  # noqa: E402
from annotator.core.tokens import blank_nlp  # noqa: E402


def make_project(path: Path, n: int) -> Store:
    store = Store(path)
    rng = random.Random(3)
    items = []
    for text in corpus(n, seed=5, chars=1200):
        starts = sorted(rng.sample(range(0, len(text) - 20, 20), 8))
        spans = []
        for s in starts:
            e = text.find(" ", s + 3)
            b = text.rfind(" ", 0, s) + 1
            if e > b and (not spans or b >= spans[-1].end):
                spans.append(SpanIn(b, e, rng.choice(["ACTOR", "DATE", "AGREEMENT"])))
        items.append(ArticleIn(text=text, spans=spans, annotator="ana"))
    for i in range(0, len(items), 1000):
        store.import_articles(items[i : i + 1000], None)
    return store


def plain_rows(db: Path):
    """The same data read with plain sqlite3: (text, [(start, end, label)])."""
    conn = sqlite3.connect(db)
    spans: dict[int, list] = {}
    for aid, s, e, label in conn.execute(
        'SELECT article_id, start, "end", label FROM spans WHERE deleted_at IS NULL ORDER BY article_id, start'
    ):
        spans.setdefault(aid, []).append((s, e, label))
    for aid, text in conn.execute("SELECT id, text FROM articles ORDER BY id"):
        yield text, spans.get(aid, [])


def baseline_jsonl(db: Path, out: Path) -> None:
    nlp = blank_nlp()
    with out.open("w", encoding="utf-8") as fh:
        for text, spans in plain_rows(db):
            doc = nlp.make_doc(text)
            tokens = [
                {
                    "text": t.text,
                    "start": t.idx,
                    "end": t.idx + len(t),
                    "id": t.i,
                    "ws": bool(t.whitespace_),
                }
                for t in doc
            ]
            fh.write(json.dumps({"text": text, "tokens": tokens,
                                 "spans": [{"start": s, "end": e, "label": lab} for s, e, lab in spans]},
                                ensure_ascii=False) + "\n")  # fmt: skip


def baseline_doccano(db: Path, out: Path) -> None:
    """The same record as ours: text, labels, annotator, title/source/published and article id."""
    conn = sqlite3.connect(db)
    meta = {
        aid: (h, t, src, pub)
        for aid, h, t, src, pub in conn.execute(
            "SELECT id, hash, title, source, published FROM articles"
        )
    }
    with out.open("w", encoding="utf-8") as fh:
        for aid, (text, spans) in enumerate(plain_rows(db), start=1):
            h, title, source, published = meta[aid]
            record = {"text": text, "label": [list(s) for s in spans], "annotator": "ana"}
            for key, value in (
                ("title", title),
                ("source", source),
                ("published", published),
                ("article_id", h),
            ):
                if value is not None:
                    record[key] = value
            fh.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")


def baseline_spacy(db: Path, out: Path) -> None:
    nlp = blank_nlp()
    docbin = DocBin(store_user_data=True)
    for text, spans in plain_rows(db):
        doc = nlp.make_doc(text)
        ents = [doc.char_span(s, e, label=lab, alignment_mode="expand") for s, e, lab in spans]
        doc.spans["sc"] = ents
        doc.set_ents(ents)
        docbin.add(doc)
    out.write_bytes(docbin.to_bytes())


def baseline_spacy_shards(db: Path, out: Path) -> None:
    """Plain code in flat memory: the same docs into DocBins of 1,000, each written when full."""
    nlp = blank_nlp()
    out.mkdir()
    docbin, files = DocBin(store_user_data=True), 0
    for text, spans in plain_rows(db):
        doc = nlp.make_doc(text)
        ents = [doc.char_span(s, e, label=lab, alignment_mode="expand") for s, e, lab in spans]
        doc.spans["sc"] = ents
        doc.set_ents(ents)
        docbin.add(doc)
        if len(docbin) == 1000:
            docbin.to_disk(out / f"{files:05d}.spacy")
            docbin, files = DocBin(store_user_data=True), files + 1
    if len(docbin):
        docbin.to_disk(out / f"{files:05d}.spacy")


def baseline_conll(db: Path, out: Path) -> None:
    from annotator.core.iob import _sentencizer

    nlp = _sentencizer()
    with out.open("w", encoding="utf-8") as fh:
        for text, spans in plain_rows(db):
            doc = nlp(text)
            tags = ["O"] * len(doc)
            for s, e, lab in spans:
                sp = doc.char_span(s, e, alignment_mode="expand")
                tags[sp.start] = "B-" + lab
                for i in range(sp.start + 1, sp.end):
                    tags[i] = "I-" + lab
            fh.write("-DOCSTART- -X- -X- O\n\n")
            for t, tag in zip(doc, tags, strict=True):
                if t.is_sent_start and t.i:
                    fh.write("\n")
                if not t.is_space:
                    fh.write(f"{t.text} -X- _ {tag}\n")
            fh.write("\n")


def project(n: int) -> Path:
    """The benchmark project of N articles, made once and kept in /tmp."""
    db = WORK / f"export-{n}.db"
    if not db.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        tmp = db.with_name(db.name + ".tmp")
        for p in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
            p.unlink(missing_ok=True)
        store = make_project(tmp, n)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        tmp.rename(db)
    return db


OURS = (
    PEAK
    + """
import time
from annotator.core.exporting import export
from annotator.core.store import Store
store = Store({db!r}, readonly=True)  # as `annotator export` opens it
t0 = time.perf_counter()
export(store, {fmt!r}, {out!r}, annotator="ana")
print(json.dumps({{"s": time.perf_counter() - t0, "peak_mib": peak()}}))
"""
)

PLAIN = (
    PEAK
    + """
import sys, time
from pathlib import Path
sys.path.insert(0, {here!r})
import bench_export
t0 = time.perf_counter()
bench_export.baseline_{fmt}(Path({db!r}), Path({out!r}))
print(json.dumps({{"s": time.perf_counter() - t0, "peak_mib": peak()}}))
"""
)


def _remove(path: Path) -> None:
    import shutil

    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=10_000)
    ap.add_argument("--formats", default="jsonl,doccano,spacy,conll")
    ap.add_argument("--docbin-max", type=int, default=None)
    args = ap.parse_args()
    n = args.n
    t0 = time.perf_counter()
    db = project(n)
    print(f"{n:,} articles with spans ready in {time.perf_counter() - t0:.1f} s; {load()}")
    tmp = Path(tempfile.mkdtemp(dir=WORK))
    here = str(Path(__file__).parent)
    for fmt in args.formats.split(","):
        out_ours, out_plain = tmp / f"ours.{fmt}", tmp / f"base.{fmt}"
        plains = {}
        if fmt != "spacy" or args.docbin_max is None or n <= args.docbin_max:
            code = PLAIN.format(here=here, fmt=fmt, db=str(db), out=str(out_plain))
            plains["one DocBin" if fmt == "spacy" else "plain"] = in_child(code)
            _remove(out_plain)
        if fmt == "spacy":  # plain code that stays flat: DocBins of 1,000 written as they fill
            code = PLAIN.format(here=here, fmt="spacy_shards", db=str(db), out=str(out_plain))
            plains["plain 1,000-doc DocBins"] = in_child(code)
            _remove(out_plain)
        ours = in_child(OURS.format(db=str(db), fmt=fmt, out=str(out_ours)))
        _remove(out_ours)
        line = f"{fmt:8} ours {ours['s']:7.1f} s {ours['peak_mib']:6.0f} MiB peak"
        for what, plain in plains.items():
            line += (
                f";  {what} {plain['s']:7.1f} s {plain['peak_mib']:6.0f} MiB peak"
                f" (ratio {ours['s'] / plain['s']:.2f})"
            )
        print(f"{line}   [{load()}]", flush=True)
    tmp.rmdir()


if __name__ == "__main__":
    main()
