"""CoNLL-2003-style IOB2, written and read: one token a line, a blank line between sentences.

Written: four space-separated columns as in CoNLL-2003, `TOKEN -X- _ TAG`
(no POS or chunk tags: the placeholders keep column-counting readers happy;
the tag is always last), or with `sep="\t"` two, `TOKEN\tTAG`, for readers
such as nervaluate's. Each document opens with `-DOCSTART- -X- O O` and a
blank line, the delimiter spaCy's `convert -c ner` looks for. Sentences come
from spaCy's rule-based sentencizer, and every line break in the text ends a
sentence too. Spans are snapped to whole tokens (`tokens.snap_to_tokens`, as
every token format is). The sequence is always valid IOB2: a span across a
sentence or line break is cut at the break (its first part kept), and
overlapping spans cannot be expressed (the tokens take the span that starts
first, then the longer one); both are counted in the export's summary.

Read: CoNLL-2003 (any number of columns, the tag last), `token\tTAG` files,
IOB1, IOB2 and BIOES/BILOU tags. `-DOCSTART-` lines separate articles; the
text is the tokens joined by spaces, sentences by line breaks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.iob import ConllStats, sentences
from annotator.core.model import ArticleIn, SpanIn
from annotator.core.textio import decode

DOCSTART = "-DOCSTART- -X- O O"
SUFFIXES = {".conll", ".conll03", ".iob", ".iob2", ".bio"}


def record_to_conll(
    record: dict[str, Any], stats: ConllStats | None = None, sep: str = " "
) -> list[str]:
    stats = stats if stats is not None else ConllStats()
    docstart = DOCSTART if sep == " " else "-DOCSTART-" + sep + "O"
    lines = [docstart, ""]
    for sentence in sentences(record, stats):
        for token, tag in sentence:
            lines.append(f"{token} -X- _ {tag}" if sep == " " else f"{token}{sep}{tag}")
        lines.append("")
    return lines


def write_conll(records: Iterable[dict[str, Any]], fh, *, sep: str = " ") -> tuple[int, ConllStats]:
    stats = ConllStats()
    n = 0
    for record in records:
        if record.get("answer", "accept") != "accept":
            continue
        fh.write("\n".join(record_to_conll(record, stats, sep)))
        fh.write("\n")
        n += 1
    return n, stats


# -- reading ------------------------------------------------------------------

_TAG = re.compile(r"^(?:O|[BIESLU][-_].+)$")


def read_conll(path: Path) -> list[ArticleIn]:
    """Articles with their spans from a CoNLL / IOB file (spans need --annotator)."""
    content = decode(path.read_bytes(), str(path))
    docs: list[tuple[int, list[list[tuple[str, str]]]]] = []
    current: list[list[tuple[str, str]]] = []
    sentence: list[tuple[str, str]] = []
    start_line = 1

    def end_sentence() -> None:
        nonlocal sentence
        if sentence:
            current.append(sentence)
            sentence = []

    def end_doc(next_line: int) -> None:
        nonlocal current, start_line
        end_sentence()
        if current:
            docs.append((start_line, current))
        current = []
        start_line = next_line

    for number, raw in enumerate(content.split("\n"), start=1):
        line = raw.strip("\r")
        cols = line.split("\t") if "\t" in line else line.split()
        cols = [c.strip() for c in cols if c.strip()]
        if not cols:
            end_sentence()
            continue
        if cols[0] == "-DOCSTART-":
            end_doc(number)
            continue
        if len(cols) < 2:
            raise InputError(f"expected a token and a tag, found {line!r}", str(path), number)
        tag = cols[-1]
        if not _TAG.match(tag):
            if line.startswith("#"):
                continue  # a comment line (CoNLL-U style)
            raise InputError(
                f"{tag!r} is not an IOB tag (O, B-X, I-X, E-X, S-X)", str(path), number
            )
        sentence.append((cols[0], tag))
    end_doc(0)
    out = []
    for i, (line, sents) in enumerate(docs, start=1):
        text, spans = _decode_tags(sents)
        title = f"{path.stem} #{i}" if len(docs) > 1 else path.stem
        out.append(
            ArticleIn(text=text, title=title, meta={"file": path.name}, spans=spans, line=line)
        )
    return out


def _decode_tags(sents: list[list[tuple[str, str]]]) -> tuple[str, list[SpanIn]]:
    """Text (tokens joined by spaces, sentences by line breaks) and the spans the tags mark."""
    parts: list[str] = []
    spans: list[SpanIn] = []
    pos = 0
    for s_i, sentence in enumerate(sents):
        if s_i:
            parts.append("\n")
            pos += 1
        open_span: list[Any] | None = None  # [start, end, label]
        for t_i, (token, tag) in enumerate(sentence):
            if t_i:
                parts.append(" ")
                pos += 1
            start, end = pos, pos + len(token)
            parts.append(token)
            pos = end
            prefix, label = (tag[0], tag[2:]) if tag != "O" else ("O", "")
            continues = open_span is not None and open_span[2] == label and prefix in "IEL"
            if continues:
                open_span[1] = end
            else:
                if open_span is not None:
                    spans.append(SpanIn(*open_span))
                    open_span = None
                if prefix != "O":
                    open_span = [start, end, label]
            if open_span is not None and prefix in "ESLU":
                spans.append(SpanIn(*open_span))
                open_span = None
        if open_span is not None:
            spans.append(SpanIn(*open_span))
    return "".join(parts), spans
