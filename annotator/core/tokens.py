"""Tokens: the one blank tokenizer, token offsets and span-to-token alignment, and a Doc's
text joined once (`doc_text`) with the bounds and the text of a token's line (`line_bounds`,
`line_text`).

One blank English tokenizer (`spacy.blank("en")`) is loaded once per process:
it is what the JSONL `tokens`, the CoNLL lines and the agreement units use.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc


@lru_cache(maxsize=1)
def blank_nlp() -> Language:
    return spacy.blank("en")


def tokenize(text: str) -> Doc:
    return blank_nlp().make_doc(text)


def token_dicts(doc: Doc) -> list[dict[str, Any]]:
    """Prodigy-style tokens: text, start, end, id, ws."""
    return [
        {
            "text": t.text,
            "start": t.idx,
            "end": t.idx + len(t),
            "id": t.i,
            "ws": bool(t.whitespace_),
        }
        for t in doc
    ]


TOKENIZER_ID = f"blank-en-{spacy.__version__}"


def offsets_blob(text: str) -> bytes:
    """Token starts and ends of a text, packed for the store's token cache."""
    import numpy as np

    doc = tokenize(text)
    if not len(doc):
        return b""
    arr = doc.to_array(["IDX", "LENGTH"]).astype(np.int64)
    return np.stack([arr[:, 0], arr[:, 0] + arr[:, 1]]).tobytes()


class TokenIndex:
    """Find the tokens a character range touches, by bisection over token starts."""

    @classmethod
    def from_blob(cls, blob: bytes) -> TokenIndex:
        import numpy as np

        index = cls.__new__(cls)
        arr = (
            np.frombuffer(blob, dtype=np.int64).reshape(2, -1)
            if blob
            else np.zeros((2, 0), dtype=np.int64)
        )
        index.starts, index.ends = arr[0].tolist(), arr[1].tolist()
        return index

    def __init__(self, doc: Doc):
        # one C-level pass: iterating Token objects costs ~2 µs each on long articles
        if len(doc):
            offsets = doc.to_array(["IDX", "LENGTH"])
            self.starts = offsets[:, 0].tolist()
            self.ends = (offsets[:, 0] + offsets[:, 1]).tolist()
        else:
            self.starts, self.ends = [], []

    def __len__(self) -> int:
        return len(self.starts)

    def token_range(self, start: int, end: int) -> tuple[int, int] | None:
        """(first, last) token indices, inclusive, of tokens overlapping [start, end)."""
        first = bisect_right(self.ends, start)  # first token ending after start
        last = bisect_left(self.starts, end) - 1  # last token starting before end
        if first > last or first >= len(self.starts):
            return None
        return first, last

    def snap(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        """A rough selection made into a span: whole tokens, no punctuation-only tokens at the edges."""
        start, end = self.expand(start, end)
        rng = self.token_range(start, end)
        if rng is None:
            return None
        first, last = rng
        while first < last and _is_punct(text[self.starts[first] : self.ends[first]]):
            first += 1
        while last > first and _is_punct(text[self.starts[last] : self.ends[last]]):
            last -= 1
        return max(start, self.starts[first]), min(end, self.ends[last])

    def expand(self, start: int, end: int) -> tuple[int, int]:
        """The character range grown to whole tokens (spaCy's alignment_mode='expand')."""
        rng = self.token_range(start, end)
        if rng is None:
            return start, end
        return min(start, self.starts[rng[0]]), max(end, self.ends[rng[1]])


def _is_punct(token: str) -> bool:
    return all(unicodedata.category(ch).startswith(("P", "S")) for ch in token)


def snap_to_tokens(index: TokenIndex, start: int, end: int) -> tuple[int, int, int, int] | None:
    """(start, end, first token, last token) of a span made into whole tokens, or None.

    The one rule every token-based format (JSONL, spaCy, CoNLL, hf) follows: a
    span covers every token it touches, and its offsets become those tokens'
    edges, so `start/end` and `token_start/token_end` always agree.
    """
    rng = index.token_range(start, end)
    if rng is None:
        return None
    first, last = rng
    return index.starts[first], index.ends[last], first, last


def utf16_to_codepoints(text: str) -> list[int]:
    """For each UTF-16 offset 0..len16 of `text`, the code-point offset it stands at.

    Label Studio (JavaScript) and INCEpTION (Java) count UTF-16 units: a
    character outside the BMP (an emoji) is two of them. An offset inside a
    surrogate pair maps to the character's start.
    """
    out: list[int] = []
    for i, ch in enumerate(text):
        out.append(i)
        if ord(ch) > 0xFFFF:
            out.append(i)
    out.append(len(text))
    return out


TEXT_KEY = "annotator_text"  # Doc.user_data: the text, joined once (`doc_text`)


def doc_text(doc: Doc) -> str:
    """DOC's text, joined once per Doc: `Doc.text` joins every token's on each call, and one
    call per candidate made a long article's shaping quadratic."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def line_bounds(doc: Doc, i: int) -> tuple[int, int]:
    """The code-point range of the line that holds token I, its newline left out."""
    text = doc_text(doc)
    at = doc[i].idx
    end = text.find("\n", at)
    return text.rfind("\n", 0, at) + 1, len(text) if end < 0 else end


def line_text(doc: Doc, i: int) -> str:
    """The line that holds token I (`line_bounds`), as text."""
    line_start, line_end = line_bounds(doc, i)
    return doc_text(doc)[line_start:line_end]
