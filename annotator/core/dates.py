"""Normalised values for DATE spans: ISO 8601 / TIMEX3-style, resolved against publication.

"April 2025" -> "2025-04", "29.05.2025" -> "2025-05-29", "last week" -> "2025-W21",
"2021" -> "2021". The calendar work is dateparser's; this module only decides
what is a calendar expression at all (durations and vague words are not) and
how precise the value may be.
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
    rf"^(for\s+)?((about|some|nearly|over|almost|around|more than|less than)\s+)?"
    rf"{_NUMBER}[\s-]+(years?|months?|weeks?|days?|decades?|centuries|hours?)(\s+ago|-old|-long)?$",
    re.IGNORECASE,
)
_VAGUE = re.compile(
    r"^(recently|now|nowadays|currently|soon|the future|the past|years|decades|"
    r"(the\s+)?(coming|following|past|next|last|recent)\s+(few\s+)?"
    r"(\w+\s+)?(years|months|weeks|days|decades))$",
    re.IGNORECASE,
)
# Parts of a phrase that narrow a period without changing its precision.
_MODIFIER = re.compile(
    r"^(the\s+)?((very\s+)?(end|beginning|start|middle|first half|second half|turn)\s+of\s+|"
    r"(early|late|mid)[\s-]+|(in|on|since|by|from|until|during)\s+)",
    re.IGNORECASE,
)
_WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_YEAR = re.compile(r"\b(1[89]|20)\d\d\b")


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
    t = " ".join(text.split())
    return bool(t) and not _DURATION.match(t) and not _VAGUE.match(t)


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
    if published is None and not _YEAR.search(core):
        return None
    data = _parser(published).get_date_data(core)
    when = data.date_obj
    if when is None:
        return None
    period = data.period or "day"
    if published is not None and core.lower() in _WEEKDAYS and (published - when.date()).days == 7:
        when = datetime(published.year, published.month, published.day)  # "said on Friday", a Friday
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
