"""Site boilerplate in plain article text: which lines are menus, teasers, ads, mastheads.

A line classifier with the signals jusText and trafilatura use on HTML, applied
to the lines of plain text: known phrases ("Related stories", "Also Read:",
"Leave a reply", cookie notices, "Advertisement"), menu and breadcrumb shapes
(separators, glued "HomeLatest…" runs), weather widgets, bare URLs and
addresses, lines in another script than the article's (a masthead), short
lines before the headline, and the short teaser lines that follow a
"Related …" header. `detect` gives character ranges (whole lines) that the
project stores per article; `spans_outside_boilerplate` is the one filter that
suggestions, exports, agreement and training share.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# A whole line that is site furniture.
_FURNITURE = re.compile(
    r"^(?:[-–—•|*\s]*)(?:"
    r"advertisement|sponsored(?: content)?|buy now|subscribe(?: now)?|sign in|log ?in|register|epaper|e-paper|"
    r"share(?: this(?: article| story)?)?(?::.*)?|print(?: \| .*)?|follow us.*|stay connected|"
    r"spot_img|date:|publication:|published:|tags?:.*|categories?:.*|"
    r"your browser does(?:n[’']t| not) support html5|"
    r"leave a (?:reply|comment).*|post (?:a )?comment|comments?(?: \(\d+\))?.*|"
    r"please enter your (?:comment|name|email).*|"
    r"your email address will not be published.*|required fields are marked.*|"
    r"privacy (?:overview|policy)|terms of (?:use|service)|cookie (?:policy|settings|information.*)|"
    r"(?:©|copyright\b).*|.*\ball rights reserved\b.*|"
    r"to read more such news.*|download (?:the |our )?.*\bapps?\b.*|"
    r"home(?:page)?|menu|search|skip to (?:main )?content|back to top|load more|read more|more stories"
    r")[-–—\s]*$",
    re.IGNORECASE,
)
# A header after which come teasers of other stories.
_TEASER_HEADER = re.compile(
    r"^(?:related(?: stories| articles| news| posts| content)?|latest(?: stories| articles| news| posts)?|"
    r"most (?:read|popular|viewed|shared)|trending(?: now)?|recommended(?: for you)?|you may (?:also )?like|"
    r"editor[’']?s picks?|top stories|more (?:from|on) .{1,40}|popular (?:stories|posts))\s*:?$",
    re.IGNORECASE,
)
# One teaser on a line: "Also Read: …", "SEE ALSO: …", "Related: …".
_TEASER_LINE = re.compile(
    r"^(?:also read|read also|see also|related|read more|watch|listen|also see|read|more)\s*[:|»›-]\s*\S",
    re.IGNORECASE,
)
_WEATHER = re.compile(
    r"^(?:weather\b.*|-?\d{1,2}(?:[.,]\d)?\s*°?\s*[CF]\b.*|.*\b-?\d{1,2}(?:[.,]\d)?\s*°\s*[CF]\b.*)$",
    re.IGNORECASE,
)
_COOKIE = re.compile(
    r"\bcookies?\b.*\b(?:website|browser|consent|experience|services|agree)\b", re.IGNORECASE
)
_URL_OR_MAIL = re.compile(r"^(?:\S*(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.]+)$", re.IGNORECASE)
_GLUED_URL = re.compile(r"\w(?:https?://|www\.)\S+$")
_MENU_SEPARATORS = re.compile(r"\s[|›»>/•·]\s")
_GLUED_MENU = re.compile(r"^(?:Home|News|Latest|World)(?:[A-Z][a-z]+){1,}")
_HANDLE = re.compile(
    r"(?:follow(?: \w+)? on (?:twitter|x|facebook|instagram)|twitter\s*@\w+)", re.IGNORECASE
)
_PLAYER = re.compile(r"^your browser does(?:n[’']t| not) support html5", re.IGNORECASE)
_LATIN = re.compile(r"[A-Za-z]")
_LETTER = re.compile(r"[^\W\d_]")


def _lines(text: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            out.append((pos + lead, pos + lead + len(stripped), stripped))
        pos += len(raw) + 1
    return out


def _words(line: str) -> int:
    return len(line.split())


def is_weather(line: str) -> bool:
    return bool(_WEATHER.match(line)) and _words(line) <= 8


def is_furniture(line: str, latin_text: bool = True) -> bool:
    """A line that is boilerplate by itself, wherever it stands."""
    if _FURNITURE.match(line) or _TEASER_LINE.match(line) or _URL_OR_MAIL.match(line):
        return True
    if is_weather(line) or _GLUED_MENU.match(line) or _HANDLE.search(line):
        return True
    if _GLUED_URL.search(line) and _words(line) <= 6:
        return True  # an author box: "Name Namehttp://blog…"
    if _COOKIE.search(line):
        return True
    if len(_MENU_SEPARATORS.findall(line)) >= 2 and _words(line) <= 15:
        return True  # "Home › World › Asia", "ePaper | Subscribe | Sign in"
    if latin_text and not line.isascii():  # an ASCII line is all Latin letters
        letters = len(_LETTER.findall(line))
        if letters and _latin_letters(line) / letters < 0.3:
            return True  # a masthead or motto in another script than the article's
    return False


def _latin_letters(text: str) -> int:
    """How many of TEXT's letters are A-Z or a-z (each of those is a letter)."""
    return len(_LATIN.findall(text))


def is_latin_text(text: str) -> bool:
    head = text[:20000]
    if head.isascii():
        return True  # every letter is Latin, or there is none
    letters = len(_LETTER.findall(head))
    return not letters or _latin_letters(head) / letters >= 0.6


def _is_teaser(line: str) -> bool:
    """A line of a teaser block: a short headline or a cut-off snippet ("…", "...")."""
    return (
        len(line) <= 110
        or line.endswith(("...", "…"))
        or _URL_OR_MAIL.match(line.split()[0]) is not None
    )


def detect(text: str) -> list[tuple[int, int]]:
    """Boilerplate ranges of a plain text, as (start, end) code-point offsets of whole lines."""
    from annotator.core.headline import find_header  # the headline bounds the page's prelude

    lines = _lines(text)
    if not lines:
        return []
    latin = is_latin_text(text)
    header = find_header(text)
    marked = [False] * len(lines)
    in_teasers = False
    after_player = False
    for i, (_s, _e, line) in enumerate(lines):
        if after_player and _words(line) <= 15 and not line.endswith("."):
            marked[i], after_player = True, False  # the title of the embedded video: a teaser
            continue
        after_player = bool(_PLAYER.match(line))
        if _TEASER_HEADER.match(line):
            marked[i], in_teasers = True, True
            continue
        if in_teasers:
            if _is_teaser(line) or is_furniture(line, latin):
                marked[i] = True
                continue
            in_teasers = False
        if is_furniture(line, latin):
            marked[i] = True
    # before the headline: everything short that is not the dateline (mastheads, bylines, city names)
    if header.title_line is not None:
        for i in range(header.title_line):
            if i not in header.date_lines and _words(lines[i][2]) <= 6:
                marked[i] = True
        if header.title_line > 0 and header.breadcrumb_of_title is not None:
            marked[header.breadcrumb_of_title] = True
    for i in range(len(lines) - 1):
        # an author box: "Name" over "Namehttp://…" or "Name, Islamabad based journalist …"
        if (
            not marked[i]
            and marked[i + 1]
            and _words(lines[i][2]) <= 3
            and lines[i + 1][2].startswith(lines[i][2])
        ):
            marked[i] = True
    ranges: list[tuple[int, int]] = []
    for i, flag in enumerate(marked):
        if not flag:
            continue
        s, e, _ = lines[i]
        if ranges and not text[ranges[-1][1] : s].strip():
            ranges[-1] = (ranges[-1][0], e)  # neighbouring lines make one range
        else:
            ranges.append((s, e))
    return ranges


def line_spans(text: str) -> list[tuple[int, int, str]]:
    """Non-blank lines as (start, end, stripped text); shared with the headline finder."""
    return _lines(text)


def spans_outside_boilerplate(spans: Iterable, ranges: Sequence[tuple[int, int]]) -> list:
    """The spans (objects with .start/.end or (start, end, …) tuples) that touch no boilerplate range.

    Suggestions, exports, agreement and training all filter through this one function.
    """
    from annotator.core.span_rules import join_ranges, outside

    return outside(spans, join_ranges(ranges))


def spans_outside_boilerplate_bulk(store, ids: list[int], spans_by_key: dict) -> dict:
    """`spans_outside_boilerplate` over {(article id, annotator): spans} for a chunk of articles:
    the one call exports and agreement make."""
    ranges = store.boilerplate_bulk(ids)
    if not ranges:
        return spans_by_key
    return {
        key: spans_outside_boilerplate(spans, ranges.get(key[0], ()))
        for key, spans in spans_by_key.items()
    }
