"""Articles from office documents: PDF (its text layer, with pypdf) and Word `.docx` (python-docx).

The title and date come from the document's own metadata where it has them
(PDF `/Title` and `/CreationDate`, the .docx core properties `title` and
`created`), else from the first lines as for plain text. A PDF with no text
layer (a scan) is refused with one message: it needs OCR first.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.model import ArticleIn
from annotator.core.textio import normalize_newlines

_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d\d)?(\d\d)?")


def _pdf_date(value: object) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    m = _PDF_DATE.match(str(value or ""))
    if not m:
        return None
    year, month, day = m.groups()
    return "-".join(p for p in (year, month, day) if p)


def _tidy(text: str) -> str:
    """Stored text: normalised newlines, no trailing blanks, at most one empty line in a row."""
    lines = [line.rstrip() for line in normalize_newlines(text).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def read_pdf(path: Path) -> list[ArticleIn]:
    from annotator.core.headline import guess_header

    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError:
        raise InputError(
            "PDF import needs the pypdf package (pip install pypdf)", str(path)
        ) from None
    # pypdf logs what it repairs ("EOF marker not found"): the user gets one line, ours
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError("the PDF is encrypted with a password", str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata or {}
    except PdfReadError as exc:
        raise InputError(f"not a readable PDF ({exc})", str(path)) from None
    text = _tidy("\n\n".join(p.strip("\n") for p in pages if p.strip()))
    if not text.strip():
        raise InputError(
            f"no text layer in the PDF ({len(pages)} page(s)): a scanned document needs OCR first",
            str(path),
        )
    guessed_title, guessed_date = guess_header(text, path.stem)
    title = str(info.get("/Title") or "").strip() or guessed_title
    published = _pdf_date(info.get("/CreationDate")) or guessed_date
    meta = {"file": path.name, "pages": len(pages)}
    author = str(info.get("/Author") or "").strip()
    if author:
        meta["author"] = author
    return [ArticleIn(text=text, title=title, published=published, meta=meta)]


def read_docx(path: Path) -> list[ArticleIn]:
    from annotator.core.headline import guess_header

    try:
        import docx
    except ImportError:
        raise InputError(
            "Word import needs the python-docx package (pip install python-docx)", str(path)
        ) from None
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises zipfile/KeyError/lxml errors for damaged files
        raise InputError(f"not a readable .docx file ({type(exc).__name__})", str(path)) from None
    blocks = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            blocks.append("\t".join(cell.text for cell in row.cells))
    text = _tidy("\n\n".join(b for b in blocks if b.strip()))
    if not text.strip():
        raise InputError("no text in the document", str(path))
    props = document.core_properties
    guessed_title, guessed_date = guess_header(text, path.stem)
    title = (props.title or "").strip() or guessed_title
    published = props.created.date().isoformat() if props.created else guessed_date
    meta = {"file": path.name}
    if props.author:
        meta["author"] = props.author
    return [ArticleIn(text=text, title=title, published=published, meta=meta)]
