"""Readers that turn input files into articles: txt, md, html, jsonl, csv and folders.

Every reader parses and validates a whole file before anything is written,
so that `import_paths` can store each file in one transaction and reject a
bad one without a trace.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core import headline
from annotator.core.errors import AnnotatorError, InputError
from annotator.core.formats.labelmap import apply_model_map, mapped_summary
from annotator.core.headline import parse_date_line
from annotator.core.jsonio import NotStreamable, stream_lines
from annotator.core.model import ArticleIn
from annotator.core.readahead import POOL_MIN_FILES, read_ahead, worker_count
from annotator.core.readers import iter_jsonl, read_jsonl
from annotator.core.store import ImportResult, Store
from annotator.core.textio import decode, normalize_newlines
from annotator.core.validate import (
    MAX_ARTICLE_CHARS,
    MAX_FILE_BYTES,
    check_against_scheme,
    check_article,
)


def read_text_file(path: Path) -> str:
    return normalize_newlines(decode(path.read_bytes(), str(path)))


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
    return list(_csv_articles(path, io.StringIO(content, newline="")))


def iter_csv(path: Path) -> Iterator[ArticleIn]:
    """`read_csv` in a stream (raises NotStreamable for a file that is not plain UTF-8)."""
    return _csv_articles(path, stream_lines(path))


def _csv_articles(path: Path, lines: Iterable[str]) -> Iterator[ArticleIn]:
    if csv.field_size_limit() < MAX_ARTICLE_CHARS + 1:
        csv.field_size_limit(MAX_ARTICLE_CHARS + 1)  # a field may be a whole article
    # strict: a stray quote is an error at its line, not rows swallowed into one field
    reader = csv.DictReader(lines, strict=True)
    try:
        fieldnames = reader.fieldnames or []
        if "text" not in fieldnames:
            raise InputError('no "text" column (columns: ' + ", ".join(fieldnames) + ")", str(path))
        first = 2
        for row in reader:
            line = reader.line_num
            if None in row:
                raise InputError("more fields than the header has", str(path), line)
            for name, value in row.items():
                if value and "\n" in value and _swallowed_rows(value, len(fieldnames)):
                    raise InputError(
                        f"the quoted {name!r} field starting here runs on to line {line}"
                        ' and holds rows of the file (a stray " ?)',
                        str(path),
                        first,
                    )
            text = normalize_newlines(row.pop("text") or "")
            if not text.strip():
                raise InputError("empty text", str(path), line)

            def take(names: tuple[str, ...], row=row) -> str | None:
                for name in names:
                    if row.get(name):
                        return row.pop(name)
                return None

            yield ArticleIn(
                text=text,
                title=take(_CSV_TITLE),
                source=take(_CSV_SOURCE),
                published=take(_CSV_DATE),
                meta={k: v for k, v in row.items() if v not in (None, "")},
                line=line,
            )
            first = line + 1
    except csv.Error as exc:
        reason = str(exc)
        if "field larger than field limit" in reason:
            reason = f"a field longer than the article limit of {MAX_ARTICLE_CHARS:,} characters"
        elif "expected after" in reason or "unexpected end of data" in reason:
            reason += '; a stray " opens a quoted field that swallows the rows after it'
        raise InputError(f"malformed CSV ({reason})", str(path), reader.line_num or None) from None


def _swallowed_rows(value: str, columns: int) -> bool:
    """Whether a multi-line field is really rows of the file caught in an unclosed quote."""
    lines = [ln for ln in value.split("\n")[1:] if ln.strip()]
    if columns < 2 or len(lines) < 3:
        return False
    rowlike = sum(1 for parsed in csv.reader(lines) if len(parsed) == columns)
    return rowlike >= 3 and rowlike >= 0.5 * len(lines)


def _peer_readers() -> dict[str, Callable[[Path], list[ArticleIn]]]:
    from annotator.core.readers import PEER_READERS

    return PEER_READERS


def _read_spacy(path: Path) -> list[ArticleIn]:
    from annotator.core.formats.spacy_docbin import read_spacy

    return read_spacy(path)


# The one table of what import reads: a new format is one line here. The
# "skipped" message of folder imports derives from it.
READERS: dict[str, Callable[[Path], list[ArticleIn]]] = {
    ".txt": read_txt,
    ".text": read_txt,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".html": read_html,
    ".htm": read_html,
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".csv": read_csv,
    ".spacy": _read_spacy,
}
# the exchange formats of other tools (issue 15): one reader per suffix, from core/formats
READERS.update(_peer_readers())
# The formats import reads in a stream (one record in memory at a time, no size limit);
# a file of them that is not plain UTF-8 falls back to its whole-file reader above.
STREAMERS: dict[str, Callable[[Path], Iterator[ArticleIn]]] = {
    ".jsonl": iter_jsonl,
    ".ndjson": iter_jsonl,
    ".csv": iter_csv,
}


@dataclass
class Scan:
    """What a set of paths holds: the files to read, what was skipped and why, folder errors."""

    files: list[Path] = field(default_factory=list)
    skipped: dict[str, list[Path]] = field(default_factory=dict)  # reason -> paths
    errors: list[InputError] = field(default_factory=list)
    sizes: list[int | None] = field(default_factory=list)  # of each file; None: not known

    def skip(self, reason: str, path: Path) -> None:
        self.skipped.setdefault(reason, []).append(path)


def scan_paths(paths: Iterable[str | Path]) -> Scan:
    """Files to import, folders walked recursively.

    Hidden files, suffixes no reader takes and non-regular files inside
    folders are skipped and counted; a folder that cannot be listed is an error.
    """
    scan = Scan()
    for p in map(Path, paths):
        if not p.is_dir():
            scan.files.append(p)  # named by the user: read_file says what is wrong with it
            scan.sizes.append(None)
            continue

        def failed(exc: OSError, scan=scan) -> None:
            reason = exc.strerror or type(exc).__name__
            scan.errors.append(InputError(f"cannot read the folder ({reason})", exc.filename))

        for child, size in _walk(p, scan, failed):
            scan.files.append(child)
            scan.sizes.append(size)
    return scan


def _walk(
    folder: Path, scan: Scan, failed: Callable[[OSError], None]
) -> Iterator[tuple[Path, int]]:
    """The files to read under FOLDER and their sizes, in the order `sorted` puts their paths
    (part by part: each folder's entries by name, a subfolder's files where its name comes),
    so nothing is sorted at the end (100,000 paths and their keys held at once); what is
    skipped goes to SCAN, a folder that cannot be listed to FAILED. As `os.walk` walks:
    links to folders are not followed."""
    try:
        with os.scandir(os.fspath(folder)) as listing:  # its errors name a str, as os.walk's
            entries = sorted(listing, key=lambda e: os.path.normcase(e.name))
    except OSError as exc:
        failed(exc)
        return
    present = {e.name for e in entries}
    for entry in entries:
        name = entry.name
        child = folder / name
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        dot = name.rfind(".")
        suffix = name[dot:].lower() if 0 < dot < len(name) - 1 else ""  # Path.suffix
        if name.startswith("."):
            scan.skip("hidden", child)
        elif is_dir:
            if not entry.is_symlink():
                yield from _walk(child, scan, failed)
        elif suffix not in READERS:
            scan.skip("suffix", child)
        elif suffix == ".txt" and _brat_text(folder, name[:dot] + ".ann", present):
            continue  # a brat document's text: read with its .ann
        else:
            size = _regular_size(entry)
            if size is None:
                scan.skip("special", child)
            else:
                yield child, size


def _brat_text(base: Path, ann: str, present: set[str]) -> bool:
    """Whether a brat .ann file stands beside a .txt (a stat only when one may)."""
    return ann in present and (base / ann).is_file()


def _regular_size(entry: os.DirEntry) -> int | None:
    """The size of a regular file, None for anything else (a FIFO, a broken link)."""
    try:
        info = entry.stat()
    except OSError:
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) else None


def skipped_summary(skipped: dict[str, list[Path]]) -> str:
    """What a folder import left out and why ("12 files skipped: .ann, .conf are not article files")."""
    n = sum(len(v) for v in skipped.values())
    if not n:
        return ""
    parts = []
    if skipped.get("suffix"):
        suffixes = sorted({p.suffix.lower() or "(no suffix)" for p in skipped["suffix"]})
        shown = ", ".join(suffixes[:8]) + (", …" if len(suffixes) > 8 else "")
        one = len(skipped["suffix"]) == 1
        parts.append(f"{shown} {'is not an article file' if one else 'are not article files'}")
    if skipped.get("hidden"):
        parts.append(f"{len(skipped['hidden'])} hidden")
    if skipped.get("special"):
        parts.append(f"{len(skipped['special'])} not regular files (FIFOs, devices)")
    return f"{n} file{'s' if n != 1 else ''} skipped: " + "; ".join(parts)


def _regular_file(path: Path, limit: int | None) -> None:
    """Refuse what is not a regular file (a FIFO would hang, /dev/zero fill memory), or larger
    than LIMIT bytes."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError("no such file", str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", str(path)) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("is a folder", str(path))
    if not stat.S_ISREG(info.st_mode):
        raise InputError("not a regular file (a FIFO, socket or device): not read", str(path))
    if limit is not None and info.st_size > limit:
        raise InputError(f"larger than {limit >> 20:,} MiB: split it first", str(path))


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """A reader's failure as one InputError naming the file: it rejects this file, never the batch."""
    try:
        yield
    except NotStreamable:
        raise
    except InputError as exc:
        if exc.path is None:  # a reader's error without a location gets the file's
            raise InputError(exc.reason, str(path), exc.line) from None
        raise
    except ImportError as exc:
        module = exc.name or str(exc)
        raise InputError(
            f"cannot read: the Python module {module!r} is missing (pip install {module})",
            str(path),
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror or exc})", str(path)) from None
    except RecursionError:
        raise InputError("nested too deeply to read", str(path)) from None
    except MemoryError:
        raise InputError("too large to read into memory", str(path)) from None
    except Exception as exc:  # a reader tripped on something its checks missed
        detail = str(exc).splitlines()[0][:200] if str(exc) else ""
        raise InputError(f"cannot read ({type(exc).__name__}: {detail})", str(path)) from None


def read_file(path: Path) -> list[ArticleIn]:
    """A file's articles, validated; InputError (one line, naming the file) for anything wrong."""
    _regular_file(path, MAX_FILE_BYTES)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise InputError(f"unsupported file type (known: {known})", str(path))
    with _reading(path):
        items = reader(path)
        for item in items:
            check_article(item, str(path))
    if not items:
        raise InputError("no articles in the file", str(path))
    return items


class Cancelled(Exception):
    """Cancel pressed inside a long file: its transaction rolls back."""


def stream_file(
    path: Path,
    scheme,
    mapped: Counter,
    cancelled: Callable[[], bool] | None = None,
) -> Iterator[ArticleIn]:
    """A streamable file's articles, validated one by one as `read_file` validates them all
    (labels mapped by the scheme into MAPPED): flat memory, no size limit. Consumed inside
    the store's one transaction for the file, so an error at any line writes nothing."""
    _regular_file(path, None)
    streamer = STREAMERS[path.suffix.lower()]
    n = 0
    where = str(path)
    with _reading(path):
        for item in streamer(path):
            check_article(item, where)
            mapped.update(apply_model_map((item,), scheme))
            check_against_scheme(item, scheme, where)
            n += 1
            if cancelled is not None and n % 1000 == 0 and cancelled():
                raise Cancelled
            yield item
    if not n:
        raise InputError("no articles in the file", where)


@dataclass
class ImportReport(ImportResult):
    files: int = 0
    rejected: list[InputError] = field(default_factory=list)
    skipped: dict[str, list[Path]] = field(default_factory=dict)
    mapped: Counter = field(default_factory=Counter)  # (model label, scheme label): spans

    def summary(self) -> str:
        out = (
            f"imported {self.imported} article(s), {self.duplicates} duplicate(s), "
            f"{self.spans} span(s) from {self.files} file(s); rejected {len(self.rejected)} file(s)"
        )
        out += mapped_summary(self.mapped)
        skipped = skipped_summary(self.skipped)
        return f"{out}; {skipped}" if skipped else out


def import_paths(
    store: Store,
    paths: Iterable[str | Path],
    annotator: str | None = None,
    progress: Callable[[int, int, Path], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    jobs: int | None = None,
    pool_min_files: int | None = POOL_MIN_FILES,
) -> ImportReport:
    """Import files and folders: each file in one transaction, bad ones rejected whole.

    JSONL and CSV files stream (one record in memory at a time). Files are
    grouped into transactions of about half a second, each file a savepoint in
    it: a rejected file writes nothing, and a killed import leaves whole files
    only (those of the transactions committed before it), none of the file in
    flight; importing the same paths again completes it (the same text is the
    same article).

    Files read whole are read ahead by JOBS worker processes (default: one fewer than the
    cores, at most 4; see `readahead.worker_count`) when there are at least POOL_MIN_FILES
    of them (None: never), with the same outcome as reading them here; fewer are not worth
    the workers' start.
    """
    scan = scan_paths(paths)
    files = scan.files
    report = ImportReport(rejected=list(scan.errors), skipped=scan.skipped)
    done = 0
    group: list[tuple[Path, list[ArticleIn], Counter]] = []  # small files read, not yet written

    def rejected(path: Path, exc: AnnotatorError) -> None:
        if not isinstance(exc, InputError):
            exc = InputError(str(exc), str(path))
        elif exc.path is None:
            exc = InputError(exc.reason, str(path), exc.line)
        report.rejected.append(exc)

    def stored(path: Path, result: ImportResult, mapped: Counter) -> None:
        report.__iadd__(result)
        report.mapped.update(mapped)
        report.files += 1

    def tick(path: Path) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, len(files), path)

    def flush() -> None:
        """The small files read so far in one statement per table (the full-text index
        writes a segment per statement); should one fail, each file again on its own."""
        if not group:
            return
        try:
            with part():
                result = store.import_articles(
                    [i for _p, items, _m in group for i in items], annotator
                )
        except AnnotatorError:
            for path, items, mapped in group:
                try:
                    with part():
                        stored(path, store.import_articles(items, annotator), mapped)
                except AnnotatorError as exc:
                    rejected(path, exc)
                tick(path)
        else:
            for path, _items, mapped in group:
                stored(path, ImportResult(), mapped)
                tick(path)
            report.__iadd__(result)
        group.clear()

    scheme = store.scheme
    # the files read whole, maybe ahead; with their sizes
    whole = [
        (p, n) for p, n in zip(files, scan.sizes, strict=True) if p.suffix.lower() not in STREAMERS
    ]
    workers = worker_count(jobs) if pool_min_files is not None else 0
    if workers and len(whole) >= pool_min_files:
        reading = read_ahead(whole, scheme, workers)
    else:
        reading = nullcontext(_attempt(p, scheme) for p, _size in whole)

    with store.import_cache(), store.grouped_writes() as part, reading as reads:
        chars = 0
        for path in files:
            if cancelled and cancelled():
                break
            mapped: Counter = Counter()
            if path.suffix.lower() in STREAMERS:
                flush()
                try:
                    result = _import_stream(store, part, path, annotator, mapped, cancelled)
                except Cancelled:
                    break
                except AnnotatorError as exc:
                    rejected(path, exc)
                    tick(path)
                    continue
                if result is not None:
                    stored(path, result, mapped)
                    tick(path)
                    continue
                outcome = _attempt(path, scheme)  # not plain UTF-8: read whole instead
            else:
                outcome = next(reads)
            if isinstance(outcome, AnnotatorError):
                flush()
                rejected(path, outcome)
                tick(path)
                continue
            items, mapped = outcome
            group.append((path, items, mapped))
            chars += sum(len(i.text) for i in items)
            if len(group) >= 256 or chars >= 8 << 20:
                flush()
                chars = 0
        flush()
    return report


def read_checked(path: Path, scheme) -> tuple[list[ArticleIn], Counter]:
    """A file read whole as import stores it: its articles validated, model labels (GPE,
    ORG …) renamed by SCHEME's map, then checked against SCHEME; and the renames counted.
    Everything but the database, so worker processes can do it (`core/readahead.py`)."""
    if path.suffix.lower() == ".ann":  # brat: its annotation.conf against the scheme
        from annotator.core.formats.brat import check_conf_for

        check_conf_for(path, scheme)
    items = read_file(path)
    mapped = apply_model_map(items, scheme)
    for item in items:
        check_against_scheme(item, scheme, str(path))
    return items, mapped


def _attempt(path: Path, scheme) -> tuple[list[ArticleIn], Counter] | AnnotatorError:
    """`read_checked`, or the error that rejects the file."""
    try:
        return read_checked(path, scheme)
    except AnnotatorError as exc:
        return exc


def _import_stream(store: Store, part, path: Path, annotator, mapped: Counter, cancelled):
    """A streamable file, all of it or nothing (a savepoint of the grouped transaction);
    None when it is not plain UTF-8, for the whole-file reader."""
    try:
        with part():
            return store.import_articles(
                stream_file(path, store.scheme, mapped, cancelled), annotator
            )
    except NotStreamable:
        mapped.clear()  # rolled back: read it whole instead
        return None


def iter_sample_articles() -> Iterator[ArticleIn]:
    from annotator.core.paths import resource

    yield from read_jsonl(resource("samples.jsonl"))
