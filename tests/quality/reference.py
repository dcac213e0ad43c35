"""The reference annotation that pre-highlighting is measured against.

Seeds: offsets and labels only (tests/data/seed_reference.json), the texts read
from ../shared/seeds. Held-out: articles written for this test in the seeds'
style, with inline marks ⟦LABEL|phrase⟧ (tests/data/heldout/), never seen by the
rules. `measure` imports each file through the project's own readers (title,
dateline, boilerplate), pre-annotates and scores per label by overlap match.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
LABELS = {"A": "ACTOR", "D": "DATE", "G": "AGREEMENT"}
_MARK = re.compile(r"⟦(\w+)\|(.*?)⟧", re.S)


def seed_reference(seeds: Path) -> list[tuple[str, str, list[dict]]]:
    """(file name, text, spans) for each seed whose text matches the reference."""
    data = json.loads((DATA / "seed_reference.json").read_text(encoding="utf-8"))
    out = []
    for article in data["articles"]:
        text = (seeds / article["file"]).read_text(encoding="utf-8")
        if hashlib.sha256(text.encode()).hexdigest()[:16] != article["sha256"]:
            raise ValueError(
                f"{article['file']}: seed text changed; the reference no longer applies"
            )
        out.append((article["file"], text, article["spans"]))
    return out


def unmark(marked: str) -> tuple[str, list[dict]]:
    text, spans, pos = [], [], 0
    length = 0
    for m in _MARK.finditer(marked):
        text.append(marked[pos : m.start()])
        length += m.start() - pos
        label, _, kind = m.group(1).partition("_")
        spans.append(
            {"start": length, "end": length + len(m.group(2)), "label": LABELS[label], "type": kind}
        )
        text.append(m.group(2))
        length += len(m.group(2))
        pos = m.end()
    text.append(marked[pos:])
    return "".join(text), spans


def heldout_reference() -> list[tuple[str, str, list[dict]]]:
    out = []
    for path in sorted((DATA / "heldout").glob("*.txt")):
        text, spans = unmark(path.read_text(encoding="utf-8"))
        out.append((path.name, text, spans))
    return out


def measure(articles, model: str | None = None) -> dict:
    """Overlap P/R per label of the pre-highlighting over these articles, read as .txt files."""
    from annotator.core.evaluation import score
    from annotator.core.ingest import import_paths
    from annotator.core.nlp import load_for_project, preannotate
    from annotator.core.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for name, text, _spans in articles:
            (folder / name).write_text(text, encoding="utf-8")
        with Store(Path(tmp) / "p.db") as store:
            import_paths(store, [folder])
            pipeline = load_for_project(store, model)
            preannotate(store, pipeline)
            pairs = []
            by_text = {store.article(aid).text: aid for aid in store.article_ids()}
            for _name, text, spans in articles:
                aid = by_text[text]
                predicted = [
                    (s.start, s.end, s.label) for s in store.suggestions(aid, model=pipeline.name)
                ]
                pairs.append((predicted, [(s["start"], s["end"], s["label"]) for s in spans]))
            result = score(pairs, ["ACTOR", "DATE", "AGREEMENT"])
            result["model"] = pipeline.name
            return result


def table(result: dict) -> str:
    rows = []
    for label, block in result["per_label"].items():
        o = block["overlap"]
        rows.append(
            f"{label:10s} recall {o['recall'] or 0:.2f}  precision {o['precision'] or 0:.2f}"
            f"  (tp {o['tp']}, predicted {o['predicted']}, reference {o['reference']})"
        )
    return "\n".join(rows)


if __name__ == "__main__":
    import sys

    seeds = Path(__file__).resolve().parents[3] / "shared" / "seeds"
    model = sys.argv[1] if len(sys.argv) > 1 else None
    for title, arts in (("seeds", seed_reference(seeds)), ("held-out", heldout_reference())):
        r = measure(arts, model)
        print(f"== {title} ({r['model']}, {len(arts)} articles)\n{table(r)}")
