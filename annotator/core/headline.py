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
from datetime import date
from functools import lru_cache

from annotator.core.dates import MONTHS as _MONTHS  # one month table for dates and datelines

_YEAR = re.compile(r"\b(19|20)\d\d\b")
_BYLINE = re.compile(r"^(by|from|written by|author|posted by|reported by)\b", re.IGNORECASE)
_ASCII_LOWER = re.compile(r"[a-z]")
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


_DAYNAME = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_MONTHNAME = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
# a calendar date with its day and year anywhere in a line: "May 31st, 2025", "9 September 2025"
_FULL_DATE = re.compile(
    rf"\b{_DAYNAME}(?:{_MONTHNAME}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d"
    rf"|(?:\d{{1,2}}\s?[-–]\s?)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHNAME},?\s+(?:19|20)\d\d"
    r"|\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d\d|(?:19|20)\d\d-\d\d-\d\d)\b",
    re.IGNORECASE,
)
# "Published", "Updated:", "First published on" before a dateline's date
_DATELINE_WORDS = re.compile(
    r"^(?:(?:first |last )?(?:published|updated|posted|modified)(?: on| at| in)?|date|on)\s*:?\s*",
    re.IGNORECASE,
)
# a clock time after the date: "09:15", "06:30 PM IST", "6:42 AM GMT+4", "07:02am",
# "16:52 Kabul time", "10:00 local time"
_CLOCK_TAIL = re.compile(
    r"(?:,?\s*(?:at\s+)?\d{1,2}(?:[:.]\d{2}){1,2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4}(?:[+-]\d{1,2})?)?"
    r"(?:\s+(?:[A-Z][a-z]+|local)\s+time)?)$",
    re.IGNORECASE,
)
# what parts a header line: "… | Posted 2 Hamal 1405 / 22 March 2026 | …" (a date in two calendars)
_SEGMENTS = re.compile(r"\s+[|·•/]\s+|\s+[-–—]\s+")


def full_dates(line: str) -> list[tuple[int, int]]:
    """(start, end) in LINE of each calendar date written with its day and year."""
    return [m.span() for m in _FULL_DATE.finditer(line)]


@lru_cache(maxsize=4096)
def dateline_of_line(line: str) -> str | None:
    """ISO date of a dateline: a date alone ("29.05.2025") or with what datelines carry
    around it — "Published 04.07.2025 09:15 | Updated 11:40", "18 July 2025, 14:20",
    "Updated: Oct 11, 2025, 06:30 PM IST", "From the Newspaper | Published May 31, 2025"."""
    value = date_of_line(line)
    if value or len(line) > 160 or not _YEAR.search(line):
        return value
    found = []
    for segment in _SEGMENTS.split(line):
        segment = _CLOCK_TAIL.sub("", _DATELINE_WORDS.sub("", segment.strip())).strip(" ,")
        value = date_of_line(segment)
        if not value and segment.endswith(")") and "(" in segment:
            # "27 Aqrab 1404 (18 November 2025)": the Gregorian date beside another calendar's
            value = date_of_line(segment[segment.rindex("(") + 1 : -1])
        if value:
            found.append(value)
    return found[0] if found else None


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


def _weak_headline(line: str) -> bool:
    """A masthead or kicker rather than a headline: all capitals ("THE STEPPE REVIEW",
    "IRAN FRONT PAGE | …") or cut by a separator ("Outlet | ایران")."""
    # the ASCII letters are A-Z and a-z: all capitals unless one of a-z is there
    return " | " in line or (not _ASCII_LOWER.search(line) and any(c.isalpha() for c in line))


def _closing_dateline(line: str) -> str | None:
    """ "Published in The Frontier Herald, May 31st, 2025": a closing line's one date."""
    value = dateline_of_line(line)
    if value or not _DATELINE_WORDS.match(line) or len(line) > 120:
        return value
    dates = full_dates(line)
    return date_of_line(line[dates[0][0] : dates[0][1]]) if len(dates) == 1 else None


def _first_lines(text: str, n: int) -> list[str]:
    """The first N non-blank lines, stripped, as `boilerplate.line_spans` gives them, without
    splitting the rest of the article."""
    out: list[str] = []
    rest = text
    while True:
        raws = rest.split("\n", 2 * n)  # a chunk of lines at a time: blank ones come too
        more = len(raws) > 2 * n
        if more:
            rest = raws.pop()  # the text after the chunk, not yet split
        for raw in raws:
            line = raw.strip()
            if line:
                out.append(line)
                if len(out) == n:
                    return out
        if not more:
            return out


def _last_lines(text: str, n: int) -> list[str]:
    """The last N non-blank lines, stripped, read from the end."""
    out: list[str] = []
    end = len(text)
    while len(out) < n and end >= 0:
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end].strip()
        if line:
            out.append(line)
        end = start - 1
    return out[::-1]


# a headline's genre in capitals ("WATCH: Governments rush help …"); "Watch: …" is a teaser
_GENRE_PREFIX = re.compile(r"^(?:WATCH|VIDEO|LISTEN|PHOTOS?|LIVE)\s*:\s*\S")


def find_header(text: str) -> Header:
    from annotator.core.boilerplate import (
        is_byline,
        is_furniture,
        is_latin_text,
        is_navigation,
        is_weather,
    )

    # the loop reads the first HEADER_LINES lines and the one after them, the closing search
    # the last five: nothing else of a long article is split into lines
    lines = _first_lines(text, HEADER_LINES + 1)
    tail = lines[-5:] if len(lines) <= HEADER_LINES else _last_lines(text, 5)
    latin: bool | None = None  # the whole text's script, counted only if a line needs it
    head = Header()
    after_title = 0
    fallback: int | None = None  # a masthead-like line, taken when no better headline comes
    for i, line in enumerate(lines[:HEADER_LINES]):
        value = dateline_of_line(line)
        if value:
            head.date_lines.add(i)
            # a weather widget's line beside it: today's date on the page, not the article's
            near = [] if head.title is not None else lines[max(0, i - 2) : i] + lines[i + 1 : i + 2]
            if head.published is None and not any(is_weather(n) for n in near):
                head.published = value
            continue
        if head.title is not None:
            if head.published is None and is_navigation(line) and not is_byline(line):
                # the site's menu below it: that was the masthead or its motto, not the headline
                fallback = head.title_line if fallback is None else fallback
                head.title, head.title_line, head.breadcrumb_of_title = None, None, None
                after_title = 0
                continue
            after_title += 1
            if after_title >= 3 or head.published is not None:
                break
            continue
        if not line.isascii() and latin is None:
            latin = is_latin_text(text)
        if is_furniture(line, latin is not False) and not (
            _GENRE_PREFIX.match(line) and _looks_like_headline(line)
        ):  # an ASCII line is Latin whatever the text
            continue
        if _is_body(line):
            if fallback is not None:
                _take_title(head, lines, fallback)
            else:
                head.title = _first_sentence(line)  # no headline above the body: its first sentence
            break
        if _looks_like_headline(line):
            if _weak_headline(line):
                fallback = i if fallback is None else fallback
                continue
            _take_title(head, lines, i)
    if head.title is None and fallback is not None:
        _take_title(head, lines, fallback)
    if head.published is None:
        for line in tail:
            value = _closing_dateline(line)
            if value:
                head.published = value
                break
    return head


def _take_title(head: Header, lines: list[str], i: int) -> None:
    line = lines[i]
    head.title, head.title_line = line, i
    for j in range(i):
        if lines[j] != line and lines[j].endswith(line):
            head.breadcrumb_of_title = j


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
