"""Token classification for Hugging Face `datasets`: `tokens` and `ner_tags` (IOB2 ids).

One JSON object a line, per sentence (default) or per article, with `id`,
`tokens`, `ner_tags`, `article_id`, `annotator` and, per sentence, its number
`sentence`. The tag names go beside the file in `labels.json`
(`["O", "B-ACTOR", "I-ACTOR", ...]`, the id is the position), ready for
`datasets.ClassLabel(names=...)`. Tokens, sentence breaks and the cutting of
spans at breaks are exactly the CoNLL export's (both use `core.iob`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from annotator.core.iob import ConllStats, sentences
from annotator.core.jsonio import dumps

LABELS_FILE = "labels.json"


def tag_names(labels: Iterable[str]) -> list[str]:
    names = ["O"]
    for label in labels:
        names += [f"B-{label}", f"I-{label}"]
    return names


def write_hf(
    records: Iterable[dict[str, Any]], fh, labels: list[str], *, per: str = "sentence"
) -> tuple[int, list[str], ConllStats]:
    """Write the records; returns (records written, tag names, alignment counts).

    A label not in `labels` (the scheme's) is appended, so ids stay stable.
    """
    names = tag_names(labels)
    ids = {name: i for i, name in enumerate(names)}
    stats = ConllStats()
    n = 0
    for record in records:
        if record.get("answer", "accept") != "accept":
            continue
        meta = record.get("meta") or {}
        article_id = meta.get("article_id")
        annotator = record.get("_annotator_id")
        sents = sentences(record, stats)
        for tag in sorted({t for s in sents for _tok, t in s if t not in ids}):
            for new in (f"B-{tag[2:]}", f"I-{tag[2:]}"):
                if new not in ids:
                    ids[new] = len(names)
                    names.append(new)
        groups = [[pair for s in sents for pair in s]] if per == "article" else sents
        for i, group in enumerate(groups):
            if not group:
                continue
            row: dict[str, Any] = {
                "id": f"{article_id}-{annotator}-{i}"
                if per == "sentence"
                else f"{article_id}-{annotator}",
                "tokens": [tok for tok, _tag in group],
                "ner_tags": [ids[tag] for _tok, tag in group],
                "article_id": article_id,
                "annotator": annotator,
            }
            if per == "sentence":
                row["sentence"] = i
            fh.write(dumps(row) + "\n")
            n += 1
    return n, names, stats


def write_labels(out: Path, names: list[str]) -> Path:
    from annotator.core.fileio import atomic_output

    target = out.parent / LABELS_FILE
    with atomic_output(target) as fh:
        fh.write(json.dumps(names, ensure_ascii=False, indent=1) + "\n")
    return target
