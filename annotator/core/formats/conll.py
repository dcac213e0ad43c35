"""CoNLL-2003-style IOB2: one token a line, a blank line between sentences.

Four columns as in CoNLL-2003, `TOKEN -X- _ TAG` (no POS or chunk tags: the
placeholders keep column-counting readers happy; the tag is always last), a
`-DOCSTART- -X- -X- O` line and a blank line before each document. Sentences
come from spaCy's rule-based sentencizer, and every line break in the text
ends a sentence too. Overlapping spans cannot be expressed in IOB: the tokens
take the span that starts first, then the longer one.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import spacy

DOCSTART = "-DOCSTART- -X- -X- O"


@lru_cache(maxsize=1)
def _sentencizer():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def iob_tags(doc, spans: list[dict[str, Any]]) -> list[str]:
    tags = ["O"] * len(doc)
    ordered = sorted(spans, key=lambda s: (s["start"], -(s["end"] - s["start"])))
    for s in ordered:
        span = doc.char_span(s["start"], s["end"], label=s["label"], alignment_mode="expand")
        if span is None or any(tags[i] != "O" for i in range(span.start, span.end)):
            continue
        tags[span.start] = f"B-{s['label']}"
        for i in range(span.start + 1, span.end):
            tags[i] = f"I-{s['label']}"
    return tags


def record_to_conll(record: dict[str, Any]) -> list[str]:
    doc = _sentencizer()(record["text"])
    tags = iob_tags(doc, record["spans"])
    lines = [DOCSTART, ""]
    sentence: list[str] = []
    for token, tag in zip(doc, tags, strict=True):
        if token.is_sent_start and sentence:
            lines.extend([*sentence, ""])
            sentence = []
        if token.is_space or not token.text.strip():
            if "\n" in token.text and sentence:
                lines.extend([*sentence, ""])
                sentence = []
            continue
        sentence.append(f"{token.text} -X- _ {tag}")
        if "\n" in token.whitespace_:
            lines.extend([*sentence, ""])
            sentence = []
    if sentence:
        lines.extend([*sentence, ""])
    return lines


def write_conll(records: Iterable[dict[str, Any]], fh) -> int:
    n = 0
    for record in records:
        if record.get("answer", "accept") != "accept":
            continue
        fh.write("\n".join(record_to_conll(record)))
        fh.write("\n")
        n += 1
    return n
