"""WebAnno / INCEpTION TSV 3.x (`#FORMAT=WebAnno TSV 3.3`): span layers to spans with attributes.

The header declares layers, one a line: `#T_SP=<layer>|<feature>|...` for
span layers, `#T_CH=` for chains and `#T_RL=` for relations; each feature is
one column of the token rows, in header order. A sentence starts with its
`#Text=` line(s), then one row per token: `<sent>-<tok>\t<begin>-<end>\t<token>\t<columns>`
(sub-token rows are numbered `1-3.1`). A cell is `_` (nothing), `*` (an
annotation with no value for that feature) or values joined by `|` when
annotations stack; a value ending in `[n]` belongs to the multi-token
annotation `n`, repeated on each of its tokens.

A span layer becomes spans: the label is the feature named `value` or
`label` (dkpro's NamedEntity keeps the entity type in `value`), or else the
layer's short name in capitals (`webanno.custom.Agreement` → `AGREEMENT`);
the other features become attributes. Slot features (`ROLE_…`), chains and
relations are not kept. The text is rebuilt from the `#Text=` lines at the
sentences' offsets; offsets count UTF-16 units (Java strings), so tokens are
placed by their text within the sentence, which makes emoji safe whatever
the counting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.model import ArticleIn, SpanIn
from annotator.core.textio import decode

_ESCAPES = {"\\\\": "\\", "\\[": "[", "\\]": "]", "\\|": "|", "\\_": "_", "\\->": "->",
            "\\;": ";", "\\t": "\t", "\\n": "\n", "\\*": "*"}  # fmt: skip
_ESCAPE = re.compile(r"\\(?:->|[\\\[\]|_;tn*])")
_ID = re.compile(r"^(.*?)\[(\d+)\]$")
LABEL_FEATURES = ("value", "label")


def _unescape(value: str) -> str:
    return _ESCAPE.sub(lambda m: _ESCAPES[m.group(0)], value)


def _split_stack(cell: str) -> list[str]:
    """Values of a cell, split on unescaped `|`."""
    return re.split(r"(?<!\\)\|", cell)


@dataclass
class Layer:
    name: str
    kind: str  # SP, CH, RL
    features: list[str]
    first_column: int

    @property
    def short(self) -> str:
        return self.name.rsplit(".", 1)[-1]


@dataclass
class _Open:
    layer: Layer
    start: int
    end: int
    values: dict[str, str | None] = field(default_factory=dict)


def _layers(lines: list[str], path: str) -> list[Layer]:
    layers = []
    column = 3
    for number, line in enumerate(lines, start=1):
        m = re.match(r"^#T_(SP|CH|RL)=(.*)$", line)
        if not m:
            continue
        name, *features = m.group(2).split("|")
        features = features or [""]  # a layer without features still has its column
        if not name:
            raise InputError("a layer declaration without a layer name", path, number)
        layers.append(Layer(name, m.group(1), features, column))
        column += len(features)
    return layers


def read_webanno(path: Path) -> list[ArticleIn]:
    content = decode(path.read_bytes(), str(path))
    lines = content.replace("\r\n", "\n").split("\n")
    if not lines or not lines[0].startswith("#FORMAT=WebAnno TSV 3"):
        raise InputError(
            'not a WebAnno TSV 3 file (the first line must be "#FORMAT=WebAnno TSV 3.x")',
            str(path),
            1,
        )
    layers = _layers(lines, str(path))
    parts: list[str] = []  # the document's text, sentence by sentence
    pos = 0  # its length so far, in code points
    utf16_end = 0  # where the last sentence ended, in the file's (UTF-16) offsets
    sentence_text: list[str] = []
    sentence_start = 0  # code point offset of the current sentence
    cursor = 0  # where the next token is searched within the sentence
    token_pos: dict[str, tuple[int, int]] = {}
    spans: list[SpanIn] = []
    open_spans: dict[tuple[str, str], _Open] = {}
    for number, line in enumerate(lines, start=1):
        if line.startswith("#Text="):
            sentence_text.append(_unescape(line[len("#Text=") :]))
            continue
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 3 or not re.match(r"^\d+-\d+(\.\d+)?$", cols[0]):
            raise InputError(
                f"expected a token row (1-1<tab>0-5<tab>word...), found {line[:40]!r}",
                str(path),
                number,
            )
        if sentence_text:  # the first token of a new sentence: place the sentence
            text = "\n".join(sentence_text)
            sentence_text = []
            begin16 = _begin(cols[1], str(path), number)
            gap = begin16 - utf16_end if parts else begin16
            if parts:
                filler = " " if gap == 1 else "\n" * max(gap, 1)
            else:
                filler = " " * gap
            parts.append(filler)
            pos += len(filler)
            sentence_start = pos
            parts.append(text)
            pos += len(text)
            utf16_end = begin16 + len(text.encode("utf-16-le")) // 2
            cursor = 0
            current = text
        elif not parts:
            raise InputError("a token row before any #Text= line", str(path), number)
        token = _unescape(cols[2])
        is_sub = "." in cols[0]
        if is_sub:
            parent_id = cols[0].split(".")[0]
            p_start, p_end = token_pos.get(
                parent_id, (sentence_start + cursor, sentence_start + cursor)
            )
            found = current.find(token, p_start - sentence_start, p_end - sentence_start)
            if found < 0:
                raise InputError(f"sub-token {token!r} is not inside its token", str(path), number)
            start = sentence_start + found
        else:
            found = current.find(token, cursor)
            if found < 0 or current[cursor:found].strip():
                raise InputError(
                    f"token {token!r} is not in the sentence's #Text", str(path), number
                )
            cursor = found + len(token)
            start = sentence_start + found
        end = start + len(token)
        token_pos[cols[0]] = (start, end)
        _annotate(layers, cols, start, end, open_spans, spans, str(path), number, is_sub)
    if not parts:
        raise InputError("no sentences (#Text= lines) in the file", str(path))
    text = "".join(parts)
    for item in open_spans.values():
        spans.append(_finish(item))
    spans.sort(key=lambda s: (s.start, s.end, s.label))
    return [ArticleIn(text=text, title=path.stem, meta={"file": path.name}, spans=spans)]


def _begin(cell: str, path: str, number: int) -> int:
    m = re.match(r"^(\d+)-(\d+)$", cell)
    if not m:
        raise InputError(f"expected token offsets begin-end, found {cell!r}", path, number)
    return int(m.group(1))


def _finish(item: _Open) -> SpanIn:
    layer = item.layer
    label_feature = next((f for f in layer.features if f in LABEL_FEATURES), None)
    label = item.values.get(label_feature) if label_feature else None
    attrs = {f: v for f, v in item.values.items() if f != label_feature and v is not None}
    return SpanIn(item.start, item.end, label or layer.short.upper(), attrs)


def _annotate(layers, cols, start, end, open_spans, spans, path, number, is_sub) -> None:
    """Add this token's cells to the annotations they belong to; close single-token ones."""
    for layer in layers:
        if layer.kind != "SP":
            continue
        # one list of stacked values per feature; `_` means none of the layer's annotations
        cells = [
            cols[layer.first_column + k] if layer.first_column + k < len(cols) else "_"
            for k in range(len(layer.features))
        ]
        stacks = [_split_stack(c) for c in cells]
        depth = max(len(s) for s in stacks) if stacks else 0
        for i in range(depth):
            values: dict[str, str | None] = {}
            ann_id = None
            present = False
            for feature, stack in zip(layer.features, stacks, strict=True):
                raw = stack[i] if i < len(stack) else "_"
                m = _ID.match(raw)
                if m:
                    raw, ann_id = m.group(1), m.group(2)
                if feature.startswith("ROLE_") or "." in feature and not feature.startswith("BT_"):
                    continue  # slot features and their targets are not kept
                if raw == "_":
                    continue
                present = True
                values[feature] = None if raw in ("*", "") else _unescape(raw)
            if not present and ann_id is None:
                continue
            if ann_id is None:
                spans.append(_finish(_Open(layer, start, end, values)))
                continue
            key = (layer.name, ann_id)
            if key in open_spans:
                open_spans[key].end = max(open_spans[key].end, end)
            else:
                open_spans[key] = _Open(layer, start, end, values)
