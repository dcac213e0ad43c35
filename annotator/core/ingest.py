"""Readers that turn input files into articles: txt, md, html, jsonl, csv and folders.

Every reader parses and validates a whole file before anything is written,
so that `import_paths` can store each file in one transaction and reject a
bad one without a trace.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from annotator.core import headline
from annotator.core.errors import AnnotatorError, InputError
from annotator.core.formats.jsonl import read_jsonl
from annotator.core.model import ArticleIn
from annotator.core.store import ImportResult, Store
from annotator.core.textio import decode, normalize_newlines

TEXT_SUFFIXES = {".txt", ".text"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CSV_SUFFIXES = {".csv"}
SPACY_SUFFIXES = {".spacy"}

# Only a cheap filter before asking dateparser: a header line with a year in it.
_YEAR = re.compile(r"\b(19|20)\d\d\b")


def read_text_file(path: Path) -> str:
    return normalize_newlines(decode(path.read_bytes(), str(path)))


@lru_cache(maxsize=4096)
def parse_date_line(line: str) -> str | None:
    """ISO date of a short line that is nothing but a full calendar date, else None."""
    line = line.strip()
    if not line or len(line) > 40 or not _YEAR.search(line):
        return None
    import dateparser  # slow to import; only needed here

    parsed = dateparser.parse(
        line,
        languages=["en"],
        settings={"STRICT_PARSING": True, "DATE_ORDER": "DMY", "PREFER_LOCALE_DATE_ORDER": False},
    )
    return parsed.date().isoformat() if parsed else None


def guess_header(text: str, fallback_title: str) -> tuple[str, str | None]:
    """Title and publication date from the first lines of a plain article.

    The title is the first short line of several words that is not a date; the
    date the first line that is a full date by itself.
    """
    title = None
    published = None
    for line in text.split("\n")[:25]:
        stripped = line.strip()
        if not stripped:
            continue
        if published is None:
            published = parse_date_line(stripped)
            if published:
                continue
        if (
            title is None
            and len(stripped) <= 200
            and len(stripped.split()) >= 4
            and not stripped.endswith((".", ":", ","))
        ):
            title = stripped
    return title or fallback_title, published


def read_txt(path: Path) -> list[ArticleIn]:
    text = read_text_file(path)
    title, published = headline.title_and_date(text, path.stem)  # #16: headline, not breadcrumb
    return [ArticleIn(text=text, title=title, published=published, meta={"file": path.name})]


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """`---`-delimited `key: value` lines at the top of a markdown file."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---", 4)
    if end < 0:
        return {}, text
    fields = {}
    for line in text[4:end].split("\n"):
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip().lower()] = value.strip().strip("\"'")
    rest = text[end + 4 :]
    return fields, rest[1:] if rest.startswith("\n") else rest


def markdown_to_text(source: str) -> tuple[str, str | None]:
    """Plain text of a markdown document (links keep their text), and its first heading."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    tokens = md.parse(source)
    blocks: list[str] = []
    heading = None
    in_heading = False
    for tok in tokens:
        if tok.type == "heading_open":
            in_heading = True
        elif tok.type == "heading_close":
            in_heading = False
        elif tok.type == "inline":
            text = _inline_text(tok.children or [])
            if in_heading and heading is None:
                heading = text
            blocks.append(text)
        elif tok.type in ("fence", "code_block"):
            blocks.append(tok.content.rstrip("\n"))
    return "\n\n".join(b for b in blocks if b.strip()), heading


def _inline_text(children) -> str:
    out = []
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif child.type == "image":
            out.append(_inline_text(child.children or []))
    return "".join(out)


def read_markdown(path: Path) -> list[ArticleIn]:
    fields, body = _front_matter(read_text_file(path))
    text, heading = markdown_to_text(body)
    title = fields.pop("title", None) or heading
    published = fields.pop("date", None) or fields.pop("published", None)
    if published:
        published = parse_date_line(published) or published
    source = fields.pop("source", None)
    if title is None:
        title, guessed = headline.title_and_date(text, path.stem)
        published = published or guessed
    meta = {"file": path.name, **fields}
    return [ArticleIn(text=text, title=title, published=published, source=source, meta=meta)]


def read_html(path: Path) -> list[ArticleIn]:
    import trafilatura

    raw = path.read_bytes()
    html = decode(raw, str(path))
    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    text = normalize_newlines(getattr(doc, "text", None) or "") if doc else ""
    if not text.strip():
        raise InputError("no article text found in the page", str(path))
    meta = {"file": path.name}
    for key in ("url", "author", "hostname", "description"):
        value = getattr(doc, key, None)
        if value:
            meta[key] = value
    return [
        ArticleIn(
            text=text,
            title=getattr(doc, "title", None) or path.stem,
            source=getattr(doc, "sitename", None) or getattr(doc, "hostname", None),
            published=getattr(doc, "date", None),
            meta=meta,
        )
    ]


_CSV_TITLE = ("title", "headline")
_CSV_SOURCE = ("source", "outlet", "publisher")
_CSV_DATE = ("published", "date", "publication_date", "pub_date")


def read_csv(path: Path) -> list[ArticleIn]:
    content = decode(path.read_bytes(), str(path))
    try:
        reader = csv.DictReader(io.StringIO(content, newline=""))
        fieldnames = reader.fieldnames or []
        if "text" not in fieldnames:
            raise InputError('no "text" column (columns: ' + ", ".join(fieldnames) + ")", str(path))
        out = []
        for row in reader:
            line = reader.line_num
            text = normalize_newlines(row.pop("text") or "")
            if not text.strip():
                raise InputError("empty text", str(path), line)
            if None in row:
                raise InputError("more fields than the header has", str(path), line)

            def take(names: tuple[str, ...], row=row) -> str | None:
                for name in names:
                    if row.get(name):
                        return row.pop(name)
                return None

            out.append(
                ArticleIn(
                    text=text,
                    title=take(_CSV_TITLE),
                    source=take(_CSV_SOURCE),
                    published=take(_CSV_DATE),
                    meta={k: v for k, v in row.items() if v not in (None, "")},
                    line=line,
                )
            )
        return out
    except csv.Error as exc:
        raise InputError(f"malformed CSV ({exc})", str(path)) from None


READERS: dict[str, Callable[[Path], list[ArticleIn]]] = {}
for suffixes, reader in (
    (TEXT_SUFFIXES, read_txt),
    (MARKDOWN_SUFFIXES, read_markdown),
    (HTML_SUFFIXES, read_html),
    (JSONL_SUFFIXES, read_jsonl),
    (CSV_SUFFIXES, read_csv),
    (SPACY_SUFFIXES, lambda path: _read_spacy(path)),
):
    for suffix in suffixes:
        READERS[suffix] = reader


def _read_spacy(path: Path) -> list[ArticleIn]:
    from annotator.core.formats.spacy_docbin import read_spacy

    return read_spacy(path)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files to import, folders walked recursively; hidden files and unknown suffixes skipped."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                rel_parts = child.relative_to(p).parts
                if child.is_file() and child.suffix.lower() in READERS and not any(
                    part.startswith(".") for part in rel_parts
                ):
                    out.append(child)
        else:
            out.append(p)
    return out


def read_file(path: Path) -> list[ArticleIn]:
    if not path.exists():
        raise InputError("no such file", str(path))
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise InputError(f"unsupported file type (known: {known})", str(path))
    try:
        items = reader(path)
    except InputError as exc:
        if exc.path is None:  # a reader's error without a location gets the file's
            raise InputError(exc.reason, str(path), exc.line) from None
        raise
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read ({exc})", str(path)) from None
    if not items:
        raise InputError("no articles in the file", str(path))
    return items


@dataclass
class ImportReport(ImportResult):
    files: int = 0
    rejected: list[InputError] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"imported {self.imported} article(s), {self.duplicates} duplicate(s), "
            f"{self.spans} span(s) from {self.files} file(s); rejected {len(self.rejected)} file(s)"
        )


def import_paths(
    store: Store,
    paths: Iterable[str | Path],
    annotator: str | None = None,
    progress: Callable[[int, int, Path], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import files and folders: each file in one transaction, bad ones rejected whole."""
    files = expand_paths(paths)
    report = ImportReport()
    for i, path in enumerate(files):
        if cancelled and cancelled():
            break
        try:
            items = read_file(path)
            result = store.import_articles(items, annotator)
        except InputError as exc:
            if exc.path is None:
                exc = InputError(exc.reason, str(path), exc.line)
            report.rejected.append(exc)
        except AnnotatorError as exc:
            report.rejected.append(InputError(str(exc), str(path)))
        else:
            report += result
            report.files += 1
        if progress:
            progress(i + 1, len(files), path)
    return report


def iter_sample_articles() -> Iterator[ArticleIn]:
    from annotator.core.paths import resource

    yield from read_jsonl(resource("samples.jsonl"))
