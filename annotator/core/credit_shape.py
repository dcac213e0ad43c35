"""Names a news page holds that do not act: credits, outlets that only report, currencies,
the rows of a price table and the portfolio of an office.

GUIDELINES.md marks who agrees, meets, signs or acts. A page also names who took the
photo ("Photo: Pamir Wire / N. Rahimi"), who played the music, which outlet carried the
news ("Turkish broadcaster TRT Haber reported") and what the prices are in ("AFN 70.2"):
none of them is a party, nor is "Red raisins, Shindandi: 190-205" (a price table's row) or
"Consular Affairs" in "Director General for Consular Affairs" (what the office deals with).
Each test reads the tokens around a candidate span of a spaCy
Doc; `nlp.Pipeline._shape` drops the ACTOR suggestions they recognise.
"""

from __future__ import annotations

import re

from annotator.core.tokens import doc_text, line_bounds, line_text

# ISO 4217 codes of the currencies the corpus trades in ("$1 = AFN 70.2", "PKR 280")
CURRENCY_CODES = frozenset(
    "AFN USD EUR GBP PKR INR IRR IRT CNY RMB RUB KZT UZS TJS TMT KGS AED SAR QAR TRY JPY CHF".split()
)
# the word that opens a credit: "Photo: …", "Photo credit: …", "Music: … by …"
CREDIT_WORDS = frozenset(
    "photo photos photograph picture image images video credit credits music illustration "
    "graphic graphics cartoon source footage sources data".split()
)
# a credit that lists sources: "Data sources: Mandawi traders' association, ACCI, NSIA."; its
# names carry describing words of their own, and none of them acts
SOURCE_WORDS = frozenset("source sources data".split())
# what an outlet is called before its name: "Turkish broadcaster TRT Haber", "news agency QNA"
OUTLET_NOUNS = frozenset(
    "broadcaster agency newspaper daily weekly channel outlet website portal broadsheet "
    "tabloid magazine wire newswire radio station".split()
)


def is_currency(doc, start: int, end: int) -> bool:
    """ "AFN", "AFN 70.2", "PKR 12 billion": a currency code and its amount."""
    return doc[start].text in CURRENCY_CODES and all(
        t.like_num or t.is_punct or t.lower_ in ("million", "billion", "m", "bn")
        for t in doc[start + 1 : end]
    )


# the small words a credit holds; a caption that describes ("Photo: Muttaqi meets …") has others
CREDIT_SMALL_WORDS = frozenset("by and of the at via courtesy for from on in".split())


def in_credit(doc, start: int) -> bool:
    """The name stands in a credit, from its opening to the end of its line: "Photo: X / Y",
    "Photo credit: X", "Music: "Rubob at Dawn" by X"; never in a caption that describes."""
    k = start - 1
    while k > 0 and start - k <= 12 and "\n" not in doc[k].whitespace_ and not doc[k].is_space:
        if doc[k].text == ":" and doc[k - 1].lower_ in CREDIT_WORDS:
            if doc[k - 1].lower_ in SOURCE_WORDS and _opens_line(doc, k - 1):
                return True  # "Data sources: …", "Source: FAO": a list of where figures come from
            return _credit_rest(doc, k + 1)
        k -= 1
    return False


def _opens_line(doc, i: int) -> bool:
    """Token i opens its line, or follows one opening word there ("Data sources")."""
    for k in (i - 1, i - 2):
        if k < 0 or doc[k].is_space or "\n" in doc[k].whitespace_:
            return True
        if k == i - 2 or not doc[k].is_alpha:
            return False
    return False


def _credit_rest(doc, i: int) -> bool:
    """From token i to the end of the line: a short run of names, no describing words."""
    for k in range(i, min(len(doc), i + 14)):
        t = doc[k]
        if t.is_space or t.text == ",":
            return True  # ", used with permission": a remark after the credit
        if t.is_alpha and t.is_lower and t.lower_ not in CREDIT_SMALL_WORDS:
            return False
        if "\n" in t.whitespace_ or k + 1 == len(doc):
            return True
    return False


# what an outlet may be called after its name: "the QNA state news agency", "Tolo TV channel"
OUTLET_AFTER = frozenset("broadcaster newspaper daily channel outlet website portal wire".split())
OUTLET_KINDS = frozenset("state official semi-official national private news tv".split())


def after_outlet_noun(doc, start: int) -> bool:
    """ "Turkish broadcaster TRT Haber", "the news agency QNA": an outlet named as such."""
    return start > 0 and doc[start - 1].lower_ in OUTLET_NOUNS


def before_outlet_noun(doc, end: int) -> bool:
    """ "The QNA state news agency said", "the Kabul Now website": the name of an outlet, said
    after it ("agency" and "site" only after "news": "the UN refugee agency" acts)."""
    k = end
    while k < len(doc) and doc[k].lower_ in OUTLET_KINDS:
        k += 1
    if k >= len(doc):
        return False
    word = doc[k].lower_
    if word in ("agency", "site") and k > end and doc[k - 1].lower_ == "news":
        return True  # "a Dushanbe news site", "the QNA state news agency"
    return word in OUTLET_AFTER


# a footnote or a reference list's entry: "[1] Ministry of Mines, …", "3. ^ "Title". Outlet."
_CITATION = re.compile(r"^\s*(?:\[\d{1,3}\]|\d{1,3}\.\s*\^|\^)")


def in_citation(doc, start: int) -> bool:
    """The name stands in a footnote or a reference: who published a source does not act."""
    return bool(_CITATION.match(line_text(doc, start)))


# an infobox's fields that list places: "Countries: Uzbekistan, Afghanistan", "Route: …"
_PLACE_FIELD = re.compile(
    r"^(?:countries|country|locations?|route|passes through|regions?|provinces?|termin(?:i|us)|"
    r"crosses|districts?|start point|end point)\s*:",
    re.IGNORECASE,
)


def in_place_field(doc, start: int) -> bool:
    """The name stands in an infobox's field that lists places ("Countries: Uzbekistan,
    Afghanistan"): where a line runs, not who acts."""
    return bool(_PLACE_FIELD.match(line_text(doc, start)))


# a press office's field: "Directorate of Media and Public Awareness", "Department of Information"
PRESS_FIELDS = frozenset("media information press communications communication awareness".split())
PRESS_BODIES = frozenset("directorate department office bureau division unit".split())


_PRESS_OFFICE = re.compile(
    r"\b(?:directorate|department|office|bureau|division|unit) (?:of|for) ", re.IGNORECASE
)


def in_press_office(doc, start: int, end: int) -> bool:
    """The name is, or lies inside, the name of a press office ("Directorate of Media and
    Public Awareness"): the body's voice, not the body (as "the Public Relations of …")."""
    line_start, line_end = line_bounds(doc, start)
    if not _PRESS_OFFICE.search(doc_text(doc), line_start, line_end):
        return False  # the cheap test first: most lines name no press office
    i = start
    while i > 0 and (doc[i - 1].is_title or doc[i - 1].lower_ in ("of", "and", "&", "for")):
        i -= 1
    k = end
    while k < len(doc) and (doc[k].is_title or doc[k].lower_ in ("and", "&")):
        k += 1
    words = [t.lower_ for t in doc[i:k]]
    return (
        len(words) >= 3
        and words[0] in PRESS_BODIES
        and words[1] in ("of", "for")
        and bool(PRESS_FIELDS.intersection(words[2:]))
    )


_TABLE_ROW = re.compile(
    r"^[^.!?:\n]{1,60}(?<!\d):\s*[-+]?[\d.,]+\s*(?:[-–]\s*[\d.,]+)?(?:\s|$)|"
    # a flattened table's row: "Nimroz 26,744 15,180 11,564 +4%"
    r"^[^\d\n:]{2,40}\s+[-+]?[\d.,]+%?(?:\s+[-+]?[\d.,]+%?){2,}\s*$"
)


def in_table_row(doc, start: int) -> bool:
    """The name labels a row of figures: "Red raisins, Shindandi: 190-205 (+5)", "Nimroz 26,744
    15,180 11,564 +4%"."""
    return bool(_TABLE_ROW.match(line_text(doc, start)))


# what an office or a working body deals with: "Director General for Consular Affairs",
# "Joint Working Group on Consular and Migration Issues"
PORTFOLIO_WORDS = frozenset("affairs issues matters questions relations cooperation".split())
PORTFOLIO_HOLDERS = frozenset(
    "general director minister secretary commissioner envoy representative adviser advisor "
    "coordinator group committee subcommittee commission council panel taskforce force".split()
)


def is_portfolio(doc, start: int, end: int) -> bool:
    """The capitalised words after "for" or "on" that name an office's or a body's field."""
    n = len(doc)
    i = start
    while i > 0 and (doc[i - 1].is_title or doc[i - 1].lower_ in ("and", "&", ",")):
        i -= 1
    field = {t.lower_ for t in doc[start:end]}
    k = end  # "Consular" of "Consular and Migration Issues", "Customs" of "Customs Issues"
    while k < n and (doc[k].is_title or doc[k].lower_ in ("and", "&")):
        field.add(doc[k].lower_)
        k += 1
    # (the field's own words: "Amir Khan Muttaqi" after "Minister for Foreign Affairs" is none)
    return (
        i >= 2
        and doc[i - 1].lower_ in ("for", "on")
        and doc[i - 2].lower_ in PORTFOLIO_HOLDERS
        and bool(field & PORTFOLIO_WORDS)
    )
