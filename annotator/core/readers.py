"""Which format reads a file: suffix → reader for the other tools' formats, registered in
`core/ingest.py`'s dispatch, and the dialects of a `.jsonl` file.

`.json` is a Label Studio export (list of tasks, or JSON-MIN); `.tsv`
WebAnno/INCEpTION TSV 3; `.conll`/`.iob`/`.bio` CoNLL-2003/IOB; `.pdf`
and `.docx` office documents. A `.jsonl` line is ours (or Prodigy's), a Label
Studio task, or doccano's when it carries `label`/`labels`. The format modules
never import each other: this module is where they meet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

# the JSON-lines dialects at import time, as ingest always had them: reading a file then
# allocates only its records (tests/test_streaming_import.py measures the peak)
from annotator.core.formats import doccano, jsonl, labelstudio
from annotator.core.model import ArticleIn


def read_jsonl(path: Path) -> list[ArticleIn]:
    """Our JSONL (and Prodigy's), Label Studio tasks one a line, or doccano's records."""
    return jsonl.read_jsonl(path, _jsonl_dialect)


def iter_jsonl(path: Path) -> Iterator[ArticleIn]:
    """`read_jsonl` in a stream (import's; NotStreamable for a file that is not plain UTF-8)."""
    return jsonl.iter_jsonl(path, _jsonl_dialect)


def _jsonl_dialect(obj: Any, path: str, line: int) -> list[ArticleIn] | None:
    if labelstudio.is_task(obj) or labelstudio.is_min(obj):
        return labelstudio.read_object(obj, path, line)
    if doccano.is_doccano(obj):
        return [doccano.doccano_to_article(obj, path, line)]
    return None


def _labelstudio(path: Path) -> list[ArticleIn]:
    from annotator.core.formats.labelstudio import read_labelstudio_json

    return read_labelstudio_json(path)


def _webanno(path: Path) -> list[ArticleIn]:
    from annotator.core.formats.webanno import read_webanno

    return read_webanno(path)


def _conll(path: Path) -> list[ArticleIn]:
    from annotator.core.formats.conll import read_conll

    return read_conll(path)


def _pdf(path: Path) -> list[ArticleIn]:
    from annotator.core.formats.documents import read_pdf

    return read_pdf(path)


def _docx(path: Path) -> list[ArticleIn]:
    from annotator.core.formats.documents import read_docx

    return read_docx(path)


def _brat(path: Path) -> list[ArticleIn]:
    from annotator.core.formats.brat import read_brat

    return read_brat(path)


PEER_READERS: dict[str, Callable[[Path], list[ArticleIn]]] = {
    ".json": _labelstudio,
    ".tsv": _webanno,
    **dict.fromkeys((".conll", ".conll03", ".iob", ".iob2", ".bio"), _conll),
    ".pdf": _pdf,
    ".docx": _docx,
    ".ann": _brat,  # brat standoff: the .txt beside it is its text
}
