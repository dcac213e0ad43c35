"""Suffix → reader for the other tools' formats, registered in `core/ingest.py`'s dispatch.

`.json` is a Label Studio export (list of tasks, or JSON-MIN); `.tsv`
WebAnno/INCEpTION TSV 3; `.conll`/`.iob`/`.bio` CoNLL-2003/IOB; `.pdf`
and `.docx` office documents. Label Studio tasks one a line in `.jsonl` are
recognised by the JSONL reader itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from annotator.core.model import ArticleIn


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
