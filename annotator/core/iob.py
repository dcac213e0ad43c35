"""IOB2 tags of spans over a text's tokens and sentences, shared by the CoNLL and Hugging
Face exports: the same tokens, sentence breaks and cutting of spans at breaks.

Sentences come from spaCy's rule-based sentencizer, and every line break ends a
sentence too. Spans are snapped to whole tokens (`tokens.snap_to_tokens`); where
spans overlap, the tokens take the one `span_rules.precedence` puts first and the
others are counted and left out; a span across a break is cut there (its first
part kept).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import spacy

from annotator.core.span_rules import precedence
from annotator.core.tokens import TokenIndex, snap_to_tokens


@dataclass
class ConllStats:
    snapped: int = 0  # spans whose offsets moved to token edges
    cut: int = 0  # spans cut at a sentence or line break
    overlapping: int = 0  # spans left out: their tokens already had a span
    empty: int = 0  # spans covering no token

    def summary(self) -> str:
        out = (
            f"{self.snapped} span(s) snapped to token boundaries, "
            f"{self.cut} cut at a sentence or line break"
        )
        if self.overlapping:
            out += f", {self.overlapping} overlapping span(s) left out"
        if self.empty:
            out += f", {self.empty} span(s) covering no token left out"
        return out


@lru_cache(maxsize=1)
def _sentencizer():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def iob_tags(doc, spans: list[dict[str, Any]], stats: ConllStats | None = None) -> list[str]:
    """IOB2 tags per token of `doc` (before cutting at sentence breaks)."""
    stats = stats if stats is not None else ConllStats()
    index = TokenIndex(doc)
    tags = ["O"] * len(doc)
    ordered = sorted(spans, key=lambda s: precedence(s["start"], s["end"], s["label"]))
    for s in ordered:
        snapped = snap_to_tokens(index, s["start"], s["end"])
        if snapped is None:
            stats.empty += 1
            continue
        start, end, first, last = snapped
        if any(tags[i] != "O" for i in range(first, last + 1)):
            stats.overlapping += 1
            continue
        if (start, end) != (s["start"], s["end"]):
            stats.snapped += 1
        tags[first] = f"B-{s['label']}"
        for i in range(first + 1, last + 1):
            tags[i] = f"I-{s['label']}"
    return tags


_WS = re.compile(r"\s")


def sentences(record: dict[str, Any], stats: ConllStats) -> list[list[tuple[str, str]]]:
    """(token, tag) lists, one per sentence, with spans cut at the breaks."""
    doc = _sentencizer()(record["text"])
    tags = iob_tags(doc, record["spans"], stats)
    out: list[list[tuple[str, str]]] = []
    sentence: list[tuple[str, str]] = []

    def close() -> None:
        nonlocal sentence
        if sentence:
            out.append(sentence)
            sentence = []

    cut_label = None  # the label of a span cut at the last break: its rest becomes O
    for token, tag in zip(doc, tags, strict=True):
        if token.is_sent_start:
            close()
        if token.is_space or not token.text.strip():
            if "\n" in token.text:
                close()
            continue
        if tag.startswith("I-") and not sentence:
            if cut_label != tag[2:]:
                stats.cut += 1
                cut_label = tag[2:]
            tag = "O"
        elif tag.startswith("I-") and cut_label == tag[2:] and sentence[-1][1] == "O":
            tag = "O"
        else:
            cut_label = None
        # readers split columns on any whitespace: none may stand inside a token
        sentence.append((_WS.sub("_", token.text), tag))
        if "\n" in token.whitespace_:
            close()
    close()
    return out
