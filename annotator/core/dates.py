"""Normalised values for DATE spans: ISO 8601 / TIMEX3-style, resolved against publication.

"April 2025" -> "2025-04", "29.05.2025" -> "2025-05-29", "last week" -> "2025-W21",
"2021" -> "2021". Without a publication date a value is as precise as the text
allows: "April 28" -> "XXXX-04-28" (TIMEX3's unknown year), "March" -> "XXXX-03",
"last week" -> no value; the expression is still a DATE. The calendar work is
dateparser's; this module only decides what is a calendar expression at all
(durations and vague words are not) and how precise the value may be.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

_NUMBER = (
    r"(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"fifteen|twenty|thirty|forty|fifty|a few|few|several|many|some)"
)
# "25 years", "for two decades": durations, not calendar expressions (GUIDELINES.md)
_DURATION = re.compile(
    rf"^((for|within|over)\s+)?((about|some|nearly|over|almost|around|more than|less than|"
    rf"up to|at least)\s+)?{_NUMBER}[\s-]+(years?|months?|weeks?|days?|decades?|centuries|hours?|"
    rf"minutes?|mins?|seconds?)(\s+ago|-old|-long|\s+read)?$",
    re.IGNORECASE,
)
# "the coming months", "recent weeks": no number, no anchor. "the following three
# years" has both and is a calendar expression (GUIDELINES.md).
_VAGUE = re.compile(
    r"^((for|in|over|within|since)\s+)?(recently|now|nowadays|currently|soon|the future|the past|"
    r"(the\s+)?(coming|following|past|next|last|recent)\s+((few|several|many|some)\s+)?"
    r"(years|months|weeks|days|decades)|"
    r"(its\s+|the\s+|a\s+)?(first|second|third|fourth|fifth|sixth|final)(\s+consecutive)?\s+"
    r"(year|month|week|day|decade)s?|annual|annually|daily|weekly|monthly|yearly|"
    r"(\d+|a|one|two|three)[\s-]+decades?[\s-]*(long|old)?|two-decade|decade-long|"
    r"(every|each)\s+(other\s+)?(year|month|week|day|spring|summer|autumn|winter)|"
    r"(just\s+|only\s+|mere\s+)?(days|weeks|months|years|decades|hours))$",
    re.IGNORECASE,
)
# Parts of a phrase that narrow a period without changing its precision.
_MODIFIER = re.compile(
    r"^(the\s+)?((very\s+)?(end|beginning|start|middle|first half|second half|turn)\s+of\s+|"
    r"(early|late|mid|later|earlier)[\s-]+|(in|on|since|by|from|until|during)\s+)",
    re.IGNORECASE,
)
# "10:30", "06:30 PM IST", "7am", "noon local time": a clock time alone is no calendar date
_CLOCK = re.compile(
    r"^(at\s+)?(about\s+|around\s+)?(\d{1,2}([:.]\d\d){1,2}\s*([ap]\.?m\.?)?|\d{1,2}\s*[ap]\.?m\.?|noon|midnight)"
    r"(\s+(local\s+time|[A-Z]{2,4}|hours|hrs))*$",
    re.IGNORECASE,
)
_THIS_PERIOD = re.compile(r"^(the|this|the current)\s+(year|month)$", re.IGNORECASE)
_WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_YEAR = re.compile(r"\b(1[89]|20)\d\d\b")
MONTHS = {  # month names and abbreviations -> month number
    m: i
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for m in names
}  # fmt: skip
_MONTH = r"(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY_MONTH = re.compile(rf"^(\d{{1,2}})(st|nd|rd|th)?\s+(of\s+)?{_MONTH}$", re.IGNORECASE)
_MONTH_DAY = re.compile(rf"^{_MONTH}\s+(\d{{1,2}})(st|nd|rd|th)?$", re.IGNORECASE)
_MONTH_ONLY = re.compile(rf"^{_MONTH}$", re.IGNORECASE)


def partial_value(core: str) -> str | None:
    """TIMEX3-style value with an unknown year ("XXXX-04-28", "XXXX-03"), or None."""
    m = _DAY_MONTH.match(core)
    if m:
        day, month = int(m.group(1)), MONTHS[m.group(4).lower()]
    else:
        m = _MONTH_DAY.match(core)
        if m:
            month, day = MONTHS[m.group(1).lower()], int(m.group(2))
        else:
            m = _MONTH_ONLY.match(core)
            return f"XXXX-{MONTHS[m.group(1).lower()]:02d}" if m else None
    return f"XXXX-{month:02d}-{day:02d}" if 1 <= day <= 31 else None


def parse_published(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        parsed = _parser(None).get_date_data(value).date_obj
        return parsed.date() if parsed else None


@lru_cache(maxsize=256)
def _parser(base: date | None):
    from dateparser.date import DateDataParser

    settings = {"PREFER_DATES_FROM": "past", "DATE_ORDER": "DMY"}
    if base is not None:
        settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day)
    return DateDataParser(languages=["en"], settings=settings)


def is_calendar_expression(text: str) -> bool:
    t = " ".join(text.split()).strip(" ,.;:")
    return bool(t) and not _DURATION.match(t) and not _VAGUE.match(t) and not _CLOCK.match(t)


def date_attrs(text: str, published: date | None) -> dict[str, str] | None:
    """Attributes of a DATE suggestion: {"value": ...} when one can be said, {} when none can;
    None when the text is no calendar expression at all (a duration, a vague word)."""
    if not is_calendar_expression(text):
        return None
    value = normalize_date(text, published)
    return {"value": value} if value else {}


@lru_cache(maxsize=65536)
def normalize_date(text: str, published: date | None) -> str | None:
    """The value of a DATE expression, or None when it is no calendar expression.

    Relative expressions need the publication date; without one, only
    expressions that carry their own year get a value.
    """
    t = " ".join(text.split()).strip(" ,.;:")
    if not is_calendar_expression(t):
        return None
    core = t
    while True:
        stripped = _MODIFIER.sub("", core, count=1)
        if stripped == core:
            break
        core = stripped
    if not core:
        return None
    this = _THIS_PERIOD.match(core)
    if this:  # "the end of the year", "later this month": the publication's own year or month
        if published is None:
            return None
        return (
            f"{published.year:04d}"
            if this.group(2).lower() == "year"
            else f"{published.year:04d}-{published.month:02d}"
        )
    if published is None and not _YEAR.search(core):
        return partial_value(core)
    data = _parser(published).get_date_data(core)
    when = data.date_obj
    if when is None:
        return None
    period = data.period or "day"
    if published is not None and core.lower() in _WEEKDAYS and (published - when.date()).days == 7:
        when = datetime(
            published.year, published.month, published.day
        )  # "said on Friday", a Friday
    if period == "year":
        return f"{when.year:04d}"
    if period == "month" and published is not None and not _YEAR.search(core):
        # "by the end of June" in April is this June, not last year's: the nearest one
        when = when.replace(day=1)
        ahead = when.replace(year=when.year + 1)
        if abs((ahead.date() - published).days) < abs((when.date() - published).days):
            when = ahead
    if period == "month":
        return f"{when.year:04d}-{when.month:02d}"
    if period == "week":
        iso = when.isocalendar()
        return f"{iso.year:04d}-W{iso.week:02d}"
    return when.date().isoformat()
