"""Export speed: `annotator export` of N annotated articles to each format, against plain
json / DocBin code writing the same records in the same run. Target: within 1.5x.

Run: python tests/benchmarks/bench_export.py [N_ARTICLES]   (default 10,000)
"""

from __future__ import annotations

import json
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import corpus  # noqa: E402
from spacy.tokens import DocBin  # noqa: E402

from annotator.core.exporting import export  # noqa: E402
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


def main(n: int = 10_000) -> None:
    tmp = Path(tempfile.mkdtemp())
    t0 = time.perf_counter()
    store = make_project(tmp / "bench.db", n)
    print(f"{n:,} articles with spans made in {time.perf_counter() - t0:.1f} s")
    baselines = {
        "jsonl": baseline_jsonl,
        "doccano": baseline_doccano,
        "spacy": baseline_spacy,
        "conll": baseline_conll,
    }
    for fmt, base in baselines.items():
        t0 = time.perf_counter()
        base(tmp / "bench.db", tmp / f"base.{fmt}")
        plain = time.perf_counter() - t0
        t0 = time.perf_counter()
        export(store, fmt, tmp / f"ours.{fmt}", annotator="ana")
        ours = time.perf_counter() - t0
        print(
            f"{fmt:8} ours {ours:7.2f} s   plain {plain:7.2f} s   ratio {ours / plain:5.2f}  (target <= 1.5)"
        )
    store.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
