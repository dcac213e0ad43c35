"""Title and dateline of a plain-text article (.txt, and .md without metadata).

Pages copied as text start with site furniture: a breadcrumb that repeats the
headline ("HomeLatestTaliban's Global Comeback…"), a masthead, a weather widget
with today's date, a byline. The headline is the first line before the body
that reads like one (several words, not furniture, not a date, not a byline);
the body starts at the first paragraph-sized line, and subheadings after it are
never the title. The publication date is a line that is a full date by itself
("29.05.2025", "Monday, May 12, 2025") in the header, unless a weather widget
stands beside it; failing that, such a line at the very end of the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from annotator.core.dates import MONTHS as _MONTHS  # one month table for dates and datelines

_YEAR = re.compile(r"\b(19|20)\d\d\b")
_BYLINE = re.compile(r"^(by|from|written by|author|posted by|reported by)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"'])")
HEADER_LINES = 40
TITLE_CHARS = 120


_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_MONTH = r"([a-z]{3,9})\.?"
_NUMERIC = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-]((?:19|20)\d\d)$")
_ISO = re.compile(r"^((?:19|20)\d\d)-(\d{2})-(\d{2})(?:[T ].*)?$")
_MONTH_FIRST = re.compile(
    rf"^{_WEEKDAY}{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)$", re.IGNORECASE
)
_DAY_FIRST = re.compile(
    rf"^{_WEEKDAY}(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+((?:19|20)\d\d)$",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def date_of_line(line: str) -> str | None:
    """ISO date of a short line that is nothing but a full calendar date, else None.

    Day-first for numeric dates ("29.05.2025"), as news sites outside the US write them.
    """
    from datetime import date

    line = line.strip().strip("|•-–— ")
    if not line or len(line) > 40 or not _YEAR.search(line):
        return None
    ymd = None
    if m := _NUMERIC.match(line):
        ymd = (int(m.group(3)), int(m.group(2)), int(m.group(1)))
    elif m := _ISO.match(line):
        ymd = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
    elif (m := _MONTH_FIRST.match(line)) and m.group(1).lower() in _MONTHS:
        ymd = (int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)))
    elif (m := _DAY_FIRST.match(line)) and m.group(2).lower() in _MONTHS:
        ymd = (int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
    if ymd is None:
        return None
    try:
        return date(*ymd).isoformat()
    except ValueError:
        return None


@dataclass
class Header:
    title: str | None = None
    published: str | None = None
    title_line: int | None = None  # index among the non-blank lines
    date_lines: set[int] = field(default_factory=set)
    breadcrumb_of_title: int | None = None


def _is_body(line: str) -> bool:
    words = len(line.split())
    return len(line) > 200 or (words > 14 and line.endswith((".", "”", '"')))


def _looks_like_headline(line: str) -> bool:
    words = len(line.split())
    return (
        3 <= words <= 30
        and len(line) <= 200
        and not line.endswith((":", ",", ";"))
        and not _BYLINE.match(line)
    )


def _first_sentence(line: str) -> str:
    sentence = _SENTENCE_END.split(line, maxsplit=1)[0].rstrip(" .")
    if len(sentence) <= TITLE_CHARS:
        return sentence
    cut = sentence[:TITLE_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def find_header(text: str) -> Header:
    from annotator.core.boilerplate import is_furniture, is_latin_text, is_weather, line_spans

    lines = [line for _s, _e, line in line_spans(text)]
    latin = is_latin_text(text)
    head = Header()
    after_title = 0
    for i, line in enumerate(lines[:HEADER_LINES]):
        value = date_of_line(line)
        if value:
            head.date_lines.add(i)
            # a weather widget's line beside it: today's date on the page, not the article's
            near = [] if head.title is not None else lines[max(0, i - 2) : i] + lines[i + 1 : i + 2]
            if head.published is None and not any(is_weather(n) for n in near):
                head.published = value
            continue
        if head.title is not None:
            after_title += 1
            if after_title >= 3 or head.published is not None:
                break
            continue
        if is_furniture(line, latin):
            continue
        if _is_body(line):
            head.title = _first_sentence(line)  # no headline above the body: its first sentence
            break
        if _looks_like_headline(line):
            head.title, head.title_line = line, i
            for j in range(i):
                if lines[j] != line and lines[j].endswith(line):
                    head.breadcrumb_of_title = j
    if head.published is None:
        for line in lines[-5:]:
            value = date_of_line(line)
            if value:
                head.published = value
                break
    return head


def title_and_date(text: str, fallback_title: str) -> tuple[str, str | None]:
    """(title, ISO publication date or None) of a plain-text article."""
    head = find_header(text)
    return head.title or fallback_title, head.published


@lru_cache(maxsize=4096)
def parse_date_line(line: str) -> str | None:
    """ISO date of a short line that is nothing but a full calendar date, else None
    (by dateparser: front matter and office documents' header lines)."""
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
