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
from datetime import date, datetime, timedelta
from functools import lru_cache

_NUMBER = (
    r"((?!(?:19|20)\d\d\b)\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|a hundred|a few|few|several|many|some)"
)
# "25 years", "for two decades": durations, not calendar expressions (GUIDELINES.md)
_DURATION = re.compile(
    rf"^((for|within|over)\s+)?((about|some|nearly|over|almost|around|more than|less than|"
    rf"up to|at least|another|a further|so|too)\s+|the\s+)?{_NUMBER}(\s+or\s+{_NUMBER})?[\s-]+"
    rf"((working|business|calendar|straight|consecutive|full)\s+)?(years?|months?|weeks?|days?|"
    rf"decades?|centuries|hours?|"
    rf"minutes?|mins?|seconds?)(-old|-long|\s+read)?$|"
    # "2 hours ago" is a clock's; "ten years ago" is a date, anchored to the publication
    rf"^{_NUMBER}\s+(hours?|minutes?|mins?|seconds?)\s+ago$",
    re.IGNORECASE,
)
_DAY_RANGE = re.compile(r"^\d{1,2}\s?[-–]\s?\d{1,2}\s+(\S.*)$")  # "1–15 Nov": its month
_YEAR_WORD = re.compile(r"^(?:19|20)\d\d\s+year$", re.IGNORECASE)
_DECADE_VALUE = re.compile(r"^(?:the\s+)?(\d{3})0s$", re.IGNORECASE)
_COUNTS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50,
}  # fmt: skip
# "ten years ago", "two months ago": a relative date as precise as its unit
_AGO = re.compile(
    rf"^(\d+|{'|'.join(_COUNTS)})\s+(year|month|week|day|decade)s?\s+ago$", re.IGNORECASE
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
    r"(every|each)\s+(other\s+|\w+\s+)?(years?|months?|weeks?|days?|quarters?|spring|summer|"
    r"autumn|winter)|"
    r"(per\s+|a\s+)?(year|month|week|day|annum)|"  # "tonnes per year": a rate
    r"(every|each)\s.*|all\s+(day|night|week|month|year|morning|afternoon|evening)|"  # recurring
    r"an?\s+([a-z]+\s+){1,2}(year|month|week|day|season)|"  # "a busy week", "a very long year"
    r"(another|an?)(\s+(normal|good|bad|typical|dry|wet|full|single|whole|average))?[\s-]+"
    r"(year|month|week|day|season)|"  # "for another year", "in a normal year"
    r"(days|weeks|months|years)\s+(later|earlier)|"  # "weeks later": anchored to an event
    r"(the\s+)?(spring|summer|autumn|fall|winter)|"  # "ahead of winter" (but "by the summer")
    r"(the\s+)?(water|financial|fiscal|academic|school|crop|marketing)\s+year|"
    r"(just\s+|only\s+|mere\s+)?(days|weeks|months|years|decades|hours)|"
    r"(the\s+)?(century|decade|millennium)|"  # "the project of the century": no date
    # "years ago", "at the time", "overnight", "year-round", "once a week", "the Soviet era":
    # no calendar anchor of their own ("two years earlier" has one: the date before it)
    r"(many\s+|several\s+|some\s+)?(years|months|decades)\s+ago|(at\s+)?the\s+time|overnight|"
    r"all\s+year(\s+round)?|year[\s-]round|(once|twice)\s+an?\s+(week|month|year)|"
    r"(the\s+)?[\w-]+\s+eras?)$",
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
# "close to a month", "three consecutive years", "about five months a year", "its first
# hundred days", "the weeks ahead", "quarterly": lengths, rates and vague spans, no anchor
# ("the first five months of the Iranian year" is anchored by what follows)
_SPAN_OF_TIME = re.compile(
    rf"^((about|nearly|almost|around|close to|roughly|some)\s+)?"
    rf"((its|their)\s+(first|last|initial)\s+)?({_NUMBER}|hundred|a hundred)\s+"
    rf"((consecutive|additional|more|further|straight|full|successive)\s+)?"
    rf"(years?|months?|weeks?|days?|decades?)(\s+(a|per)\s+(year|month|week))?$|"
    rf"^(the\s+)?(days|weeks|months|years)\s+ahead$|^(quarterly|biannually|semi-annually)$",
    re.IGNORECASE,
)
# "every Monday", "each January": a recurring day, no date
_RECURRING = {"every", "each", "your", "our"}  # "every Monday", "Your Friday briefing"
_THIS_PERIOD = re.compile(r"^(the|this|the current)\s+(year|month)$", re.IGNORECASE)
WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
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


# the Solar Hijri months of Iran (Persian names) and Afghanistan (Dari names, zodiac signs)
SOLAR_MONTHS = {
    m: i
    for i, names in enumerate(
        [("farvardin", "hamal"), ("ordibehesht", "sawr", "saur", "sour"),
         ("khordad", "jawza", "jauza", "jowza"), ("tir", "saratan"), ("mordad", "amordad", "asad"),
         ("shahrivar", "sonbola", "sunbula", "sunbulah"), ("mehr", "mizan"), ("aban", "aqrab"),
         ("azar", "qaws", "qaus"), ("dey", "jadi", "jaddi"), ("bahman", "dalw", "dalv"),
         ("esfand", "hut", "hoot", "hout")],
        start=1,
    )
    for m in names
}  # fmt: skip
_SOLAR = re.compile(
    r"^(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?(" + "|".join(SOLAR_MONTHS) + r")(?:\s+(1[34]\d\d))?$",
    re.IGNORECASE,
)
_SOLAR_YEAR = re.compile(r"^1[34]\d\d$")


def _solar_to_gregorian(year: int, month: int, day: int) -> date:
    """A Solar Hijri date in the Gregorian calendar: 1 Farvardin is the March equinox day; the
    33-year arithmetic cycle of the Jalaali algorithm, exact for the years 1178–1633 SH."""
    breaks = [-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192,
              2262, 2324, 2394, 2456, 3178]  # fmt: skip
    gy, leap_j, jp = year + 621, -14, breaks[0]
    for jm in breaks[1:]:
        jump = jm - jp
        if year < jm:
            break
        leap_j += jump // 33 * 8 + (jump % 33) // 4
        jp = jm
    n = year - jp
    leap_j += n // 33 * 8 + ((n % 33) + 3) // 4
    if jump % 33 == 4 and jump - n == 4:
        leap_j += 1
    leap_g = gy // 4 - (gy // 100 + 1) * 3 // 4 - 150
    march = 20 + leap_j - leap_g  # the March day of 1 Farvardin
    offset = (month - 1) * 31 if month <= 7 else 186 + (month - 7) * 30
    return date.fromordinal(date(gy, 3, march).toordinal() + offset + day - 1)


def solar_value(core: str, published: date | None) -> str | None:
    """ISO value of a Solar Hijri expression ("23 Tir 1404" -> "2025-07-14"; "1 Jadi" in the
    year of publication), or "" when it is one but no value can be said; None otherwise."""
    if _SOLAR_YEAR.match(core):
        return ""  # a Solar year spans two Gregorian ones
    m = _SOLAR.match(core)
    if not m:
        return None
    month = SOLAR_MONTHS[m.group(2).lower()]
    if m.group(3):
        year = int(m.group(3))
    elif published is not None:
        year = (
            published.year
            - 621
            - (1 if published < _solar_to_gregorian(published.year - 621, 1, 1) else 0)
        )
    else:
        return ""
    try:
        if m.group(1):
            return _solar_to_gregorian(year, month, int(m.group(1))).isoformat()
        first = _solar_to_gregorian(year, month, 1)
        last = _solar_to_gregorian(year, month, 29)
    except ValueError:
        return ""
    return f"{first.year:04d}" if first.year == last.year else ""


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


# a season by itself is vague ("the summer heat") unless a deadline anchors it ("by the summer")
_SEASON = re.compile(r"^(the\s+)?(spring|summer|autumn|fall|winter)$", re.IGNORECASE)
DEADLINES = {"by", "until", "till", "before"}
# "since the start of the": the model's phrase cut before its noun
# a date cut before its end: "the end of", "week to" (the model's span of "week to 28 November")
_DANGLING = re.compile(r"\b(of|the|a|an|to|from|until|till|between|and|or)$", re.IGNORECASE)


def is_calendar_expression(text: str, before: str = "") -> bool:
    """Whether TEXT is a calendar expression; BEFORE is the word before it in the article."""
    t = " ".join(text.split()).strip(" ,.;:")
    if _SEASON.match(t):
        return before.lower() in DEADLINES
    return (
        bool(t)
        and not (t.isdigit() and len(t) > 4)  # "News ID: 85912345"
        and not (t.isdigit() and len(t) < 4)  # "Haji Dost Mohammad, 61,": an age, a count
        and not _DURATION.match(t)
        and not _VAGUE.match(t)
        and not _CLOCK.match(t)
        and not _SPAN_OF_TIME.match(t)
        and before.lower() not in _RECURRING
        and not _DANGLING.search(t)
    )


_FOCUS = {"only", "just"}  # "only last year": a focus word, not the date
_DECADE = re.compile(r"^\d{4}s$")
_TIME_WORD = re.compile(
    r"^(\d{1,2}([:.]\d\d){1,2}|(?i:[ap]\.?m\.?)|[A-Z]{2,4}([+-]\d{1,2})?|[-–—,])$"
)
_MERIDIEM = re.compile(r"\b[ap]\.?m\b", re.I)
_DAY_OR_YEAR = re.compile(r"^(\d{1,2}|(1[89]|20)\d\d)(st|nd|rd|th)?$")
_CLOCK_TOKENS = {"-", "–", "·", "|", "AM", "PM", "am", "pm", "GMT", "IST", "UTC", "PKT", "AFT"}


def date_edges(doc, start: int, end: int) -> tuple[int, int]:
    """The DATE tokens START..END of DOC trimmed to the calendar expression (GUIDELINES.md's
    minimal phrase): no focus word before it ("only last year"), no article before a decade
    ("the 1970s"), no possessive ("Last week's talks") and no clock time after a full date
    ("May 6, 2026 11:02 AM", "July 14, 2025 - 17:30", "9 September 2025 - 11:20 IST")."""
    if end - start > 1 and (
        doc[start].lower_ in _FOCUS
        or doc[start].lower_ == "the"
        and _DECADE.match(doc[start + 1].text)
    ):
        start += 1
    if end - start > 1 and doc[end - 1].lower_ in ("'s", "’s"):
        end -= 1
    commas = [k for k in range(start + 1, end - 1) if doc[k].text == ","]
    if commas and all(t.is_lower for t in doc[commas[-1] + 1 : end]):
        end = commas[-1]  # "Friday, days after the talks": the date ends at the comma
    k = end
    while k - start > 1 and _TIME_WORD.match(doc[k - 1].text):
        k -= 1
    cut = doc[k:end].text
    if k < end and (":" in cut or _MERIDIEM.search(cut)) and _DAY_OR_YEAR.match(doc[k - 1].text):
        end = k  # what was cut is the clock, and a day or a year closes what is left
    # "9 September 2025 - 11:20 IST": an hour and its zone the model keeps, whatever precedes
    while end - start > 1 and (
        doc[end - 1].shape_ in ("d:dd", "dd:dd") or doc[end - 1].text in _CLOCK_TOKENS
    ):
        end -= 1
    return start, end


def date_attrs(text: str, published: date | None, before: str = "") -> dict[str, str] | None:
    """Attributes of a DATE suggestion: {"value": ...} when one can be said, {} when none can;
    None when the text is no calendar expression at all (a duration, a vague word). BEFORE is
    the word that precedes it ("by the summer")."""
    if not is_calendar_expression(text, before):
        return None
    value = normalize_date(text, published)
    return {"value": value} if value else {}


def _ago_value(match: re.Match, published: date | None) -> str | None:
    """ "ten years ago" in 2026: "2016"; "two months ago": its month; "three weeks ago": its ISO
    week; "five days ago": its day; a decade: TIMEX3's decade ("201"). None without a publication."""
    if published is None:
        return None
    word, unit = match.group(1).lower(), match.group(2).lower()
    n = int(word) if word.isdigit() else _COUNTS[word]
    if unit == "decade":
        return f"{(published.year - 10 * n) // 10:03d}"  # TIMEX3's decade: "201" is the 2010s
    if unit == "year":
        return f"{published.year - n:04d}"
    if unit == "month":
        months = published.year * 12 + published.month - 1 - n
        return f"{months // 12:04d}-{months % 12 + 1:02d}"
    when = published - timedelta(days=n * (7 if unit == "week" else 1))
    if unit == "week":
        iso = when.isocalendar()
        return f"{iso.year:04d}-W{iso.week:02d}"
    return when.isoformat()


@lru_cache(maxsize=65536)
def normalize_date(text: str, published: date | None) -> str | None:
    """The value of a DATE expression, or None when it is no calendar expression.

    Relative expressions need the publication date; without one, only
    expressions that carry their own year get a value.
    """
    t = " ".join(text.split()).strip(" ,.;:")
    if not is_calendar_expression(t) and not _SEASON.match(t):
        return None
    core = t
    while True:
        stripped = _MODIFIER.sub("", core, count=1)
        if stripped == core:
            break
        core = stripped
    if not core:
        return None
    solar = solar_value(core, published)
    if solar is not None:
        return solar or None
    ago = _AGO.match(core)
    if ago:
        return _ago_value(ago, published)
    days = _DAY_RANGE.match(core)
    if days:  # "16–30 November 2026": the month holds the range
        core = days.group(1)
        month = normalize_date(core, published)
        return month[:7] if month and len(month) >= 7 and month[4] == "-" else month
    if _YEAR_WORD.match(core):
        return core[:4]  # a machine translation's "2027 year"
    decade = _DECADE_VALUE.match(core)
    if decade:
        return decade.group(1)  # "the 1970s": TIMEX3's decade "197" (dateparser reads a day)
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
    if published is not None and core.lower() in WEEKDAYS and (published - when.date()).days == 7:
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
