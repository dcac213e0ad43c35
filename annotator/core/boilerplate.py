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
import string
from collections.abc import Iterable, Sequence

from annotator.core.dates import SOLAR_MONTHS

# A whole line that is site furniture.
# an e-mail address, alone on a line (`_URL_OR_MAIL`) or in a contact's line (`_MAIL_IN_LINE`)
_MAIL = r"[\w.+-]+@[\w-]+\.[\w.]+"
# furniture whose date is the page's or a poll's, never the article's: "This page was last
# edited on …", "Poll: …", "○ In 2027 — 31%"
_PAGE_DATED = (
    r"this page was last (?:edited|modified|updated)\b.*|\W*poll\s*:.*|.*\s[-–—]\s\d{1,3}\s?%"
)
_FURNITURE = re.compile(
    r"^(?:[-–—•|*\s]*)(?:"
    r"advertisement|sponsored(?: content)?(?::.*)?|our standards:.*|buy now|subscribe(?: now)?|sign in|log ?in|register|epaper|e-paper|"
    r"share(?: this(?: article| story)?)?(?::.*)?|print(?: \| .*)?|follow us.*|stay connected|"
    r"spot_img|date:|publication:|published:|tags?:.*|categories?:.*|"
    # an editor's note on the text: "This interview has been edited for length and clarity."
    r"(?:this|the) (?:interview|conversation|transcript|article|story|q&a) (?:has been|was|is) "
    r"(?:lightly |slightly )?(?:edited|condensed|translated|abridged)\b.*|"
    r"your browser does(?:n[’']t| not) support html5|"
    r"leave a (?:reply|comment).*|post (?:a )?comment|comments?(?: \(\d+\))?(?:\s*[:*].*)?|"
    r"comments? (?:are|is|have been) (?:closed|moderated|disabled|turned off).*|"
    r"(?:add|write|submit) (?:a |your )?comment.*|be the first (?:one )?to comment.*|"
    r"save my name,? email.*|disclaimer:.*|"
    r"please enter your (?:comment|name|email).*|"
    r"your email address will not be published.*|required fields are marked.*|"
    r"privacy (?:overview|policy)|terms of (?:use|service)|cookie (?:policy|settings|information.*)|"
    r"(?:©|\(c\)\s*(?:19|20)\d\d|copyright\b).*|.*\ball rights reserved\b.*|"
    r"keywords?:.*|(?:number of )?visit(?:or)?s(?: today| count)?:.*|"  # a page's tags and counter
    r"in the name of (?:god|allah),?(?: the)?(?: most)? (?:compassionate|gracious|beneficent)\b.*|"
    r".*\ball (?:material |intellectual )?rights\b.*\bbelong to\b.*|"  # "… rights of this website belong to"
    r"to read more such news.*|download (?:the |our )?.*\bapps?\b.*|"
    r"catch (?:all )?the (?:latest|business|breaking) .*\bnews\b.*|"
    r"home(?:page)?|menu|search|skip to (?:main )?content|back to top|load more|read more|more stories|"
    # page tools, credits and pagers: "Print this page", "5 min read", "(Photo by …/AFP)",
    # "Join our WhatsApp channel", "Next article", "Story continues below advertisement"
    r"print this (?:page|article|story)|listen to (?:this|the) (?:article|story)|"
    r"\d+[- ]min(?:ute)?s?(?: read)?|(?:file photo|representational image|getty images)|"
    r"(?:photo|image|picture)(?: credit)?s?\s*:\s*\S+(?:\s+\S+){0,3}|\((?:photo|image) by .*\)|"
    r"credit\s*:\s*\S+(?:\s+\S+){0,3}|join our (?:whatsapp|telegram|viber) (?:channel|group).*|"
    r"follow .{1,40} on google news|newsletter sign[- ]?up|click here\b.*|continue reading|"
    r"report an error|send us a tip|(?:updated|published|posted) \d+ (?:minutes?|hours?|days?) ago|"
    r"(?:next|previous) (?:article|story|post)|story continues (?:below|after) (?:the )?advertisement|"
    r"sponsored links?|share on (?:facebook|twitter|x|whatsapp|telegram|linkedin)\b.*|"
    r"filed under\s*:.*|posted in(?:\s+\S+){1,4}|"
    r"the views expressed (?:in this (?:article|piece) )?are (?:the author|their|his|her).*|"
    r"this (?:article|story|piece) (?:was )?(?:first|originally) (?:published|appeared)\b.*|"
    # a wiki's and a messaging channel's page tools: "This page was last edited on …",
    # "Text is available under the Creative Commons …", "Forwarded from Kabul Economy Desk"
    rf"{_PAGE_DATED}|text is available under\b.*|forwarded from\b.*|"
    # a wiki's hatnotes: "From Wikipedia, the free encyclopedia", "For the older lines, see …"
    r"from wikipedia\b.*|(?:for|about) [^.]{1,80}, see [^.]{1,80}\.?|this article is about\b.*|"
    r"(?:main|further) (?:article|information)s?\s*:.*|[\d,.]+[kKmM]? votes|"
    # a press release's furniture: its kind, its release note, its press office
    r"(?:for immediate release|press release|news release|embargoed\b.*|-?\s?ends\s?-?|###)|"
    r"(?:ref(?:erence)?\.?(?:\s*(?:no\.?|number))?|our ref|file no\.?|press release no\.?)\s*:.*|"
    r"(?:directorate|department|office|bureau) (?:of|for) (?:media|information|press|"
    r"communications?|public relations)(?: and [\w ]{1,30})?"
    r")[-–—\s]*$",
    re.IGNORECASE,
)
# A reader's comment under the article: "Priya S. - 2 days ago: Good initiative."
_COMMENT_ROW = re.compile(
    r"^[A-Z][\w'’-]*(?:\s+[A-Z][\w'’.-]*){0,3}\s*[-–—·|]\s*"
    r"(?:\d+|an?|one)\s+(?:second|minute|hour|day|week|month|year)s?\s+ago\b"
)
# A line that says when this article came out, wherever it stands
_OWN_DATE = re.compile(r"^(?:first |last )?(?:published|posted|updated)\b", re.IGNORECASE)
# A header after which come teasers of other stories.
_TEASER_HEADER = re.compile(
    r"^(?:related(?: \w+){0,2}|"
    r"latest(?: stories| articles| news| posts)?|also read|read also|read more|read next|up next|"
    r"see also|more news|popular in .{1,30}|"
    r"more stories|don[’']t miss|must read|"
    r"most (?:read|popular|viewed|shared|visited)|trending(?: now| stories)?|recommended(?: for you)?|"
    r"you may (?:also )?like|you might (?:also )?like|editor[’']?s picks?|top stories|"
    r"more (?:from|on|in) .{1,40}|popular (?:stories|posts)|tags|topics|suggested topics|"
    r"other (?:digests|newsletters|issues|stories|news)|also on .{1,40}|trending on .{1,40}|"
    r"(?:earlier|previous|past|more|other) live(?: ?blogs?| coverage| updates| pages)?|"
    r"references|bibliography|further reading|external links|(?:useful )?links|contacts?)"
    r"\s*(?:\[edit\])?\s*:?$",
    re.IGNORECASE,
)
# One teaser on a line: "Also Read: …", "SEE ALSO: …", "Related: …".
_TEASER_LINE = re.compile(
    r"^(?:also read|read also|see also|related|read more|watch|listen|also see|read|more|"
    r"trending(?: now)?|breaking(?: news)?|just in|suggested topics|topics|"
    r"(?:in )?(?:the )?next (?:issue|edition)|coming up|"  # a digest's next issue
    r"more (?:newsletters|digests|briefings|stories|news))\s*[:|»›-]\s*\S",
    re.IGNORECASE,
)
# a byline or a wire's credits: "By Elena Markova", "Written by: PTI", "Reporting by … ; Editing by …"
_BYLINE = re.compile(
    r"^(?:by|(?:written|edited|reported|compiled|posted|story|text|photos?|additional reporting|"
    r"reporting|writing|editing|interview|interviewed|translated|translation|produced) by)\s*:?\s+\S",
    re.IGNORECASE,
)
_BYLINE_SEGMENT = re.compile(
    r"^(?:(?:our|staff|special) (?:correspondent|reporter)s?|staff report|from the newspaper|"
    r"(?:[\w'’-]+ ){0,3}(?:news|web|city|foreign|business|digital) desk|agencies)$",
    re.IGNORECASE,
)
# a call to subscribe, sign up, download the app or follow the site
_CALL = re.compile(
    r"\b(?:sign up(?:\]\([^)]*\))? (?:for|to)|subscribe (?:to (?:our|the|this)|now|for)|subscribe\s*$|"
    r"our (?:newsletter|app)\b|refresh for (?:new|the latest|more) (?:posts|updates)|"
    r"you are reading (?:the|our)\b|"
    r"download (?:now|the app|our app)|get the app|follow us|"
    r"unsubscribe|you are receiving this|manage (?:your )?preferences|"
    r"that[’']?s all for (?:this|today|now)\b|see you next (?:week|time|issue|\w+day)\b|"  # sign-offs
    r"until next (?:week|time)\b)",
    re.IGNORECASE,
)
# words of a comment form: "Name * Email * Website", "Your Comment", "Send"
_FORM_WORDS = {
    "name", "email", "e-mail", "website", "comment", "comments", "message", "submit", "send",
    "post", "your", "cancel", "reply", "*", "required",
}  # fmt: skip
# the sections of a news site's menu: "World  Business  Sport  Opinion", "Share: Facebook X"
_SECTION_WORDS = {
    "home", "news", "latest", "world", "politics", "business", "economy", "markets", "market",
    "opinion", "opinions", "sport", "sports", "video", "videos", "photo", "photos", "multimedia",
    "podcast", "podcasts", "events", "about", "contact", "contacts", "tech", "technology",
    "science", "health", "culture", "society", "lifestyle", "entertainment", "travel", "region",
    "regions", "national", "local", "international", "analysis", "features", "magazine",
    "editorial", "blogs", "blog", "live", "tv", "e-paper", "epaper", "subscribe", "login",
    "log", "sign", "menu", "search", "more", "asia", "africa", "europe", "americas", "energy",
    "security", "legal", "commodities", "sustainability", "weather", "education",
    "environment", "climate", "arts", "books", "food", "jobs", "archive", "english", "facebook",
    "twitter", "linkedin", "email", "whatsapp", "telegram", "instagram", "youtube", "x",
    "print", "share", "newsletter", "newsletters", "columns", "interviews", "reports",
    "defence", "defense", "diplomacy", "finance", "investigations", "media", "topics",
}  # fmt: skip
# function words: a menu or a tag list has none; a headline or a sentence nearly always does
_FUNCTION_WORDS = {
    "a", "an", "the", "of", "in", "on", "to", "for", "with", "and", "or", "but", "at", "by",
    "from", "as", "is", "are", "was", "were", "be", "has", "have", "had", "will", "after",
    "over", "into", "its", "it", "his", "her", "their", "not", "no", "that", "this", "says",
    "said", "who", "what", "why", "how", "amid", "against", "up", "out", "new",
}  # fmt: skip
_BREADCRUMB = re.compile(r"\s[›»>]\s")
_WEATHER = re.compile(
    r"^(?:weather\b.*|-?\d{1,2}(?:[.,]\d)?\s*°?\s*[CF]\b.*|.*\b-?\d{1,2}(?:[.,]\d)?\s*°\s*[CF]\b.*)$",
    re.IGNORECASE,
)
_COOKIE = re.compile(
    r"\bcookies?\b.*\b(?:website|browser|consent|experience|services|agree|accept|decline|"
    r"reject|analytics|preferences|settings)\b|\b(?:website|site|we) uses? cookies\b",
    re.IGNORECASE,
)
# markdown emphasis around a whole line: "**More from AfNews**", "### Related"
_EMPHASIS = re.compile(r"^[*_#\s]+|[*_\s]+$")
_URL_OR_MAIL = re.compile(rf"^(?:\S*(?:https?://|www\.)\S+|{_MAIL})$", re.IGNORECASE)
_GLUED_URL = re.compile(r"\w(?:https?://|www\.)\S+$")
_MENU_SEPARATORS = re.compile(r"\s[|›»>/•·]\s")
_GLUED_MENU = re.compile(r"^(?:Home|News|Latest|World)(?:[A-Z][a-z]+){1,}")
_HANDLE = re.compile(
    r"(?:follow(?: \w+)? on (?:twitter|x|facebook|instagram)|twitter\s*@\w+)", re.IGNORECASE
)
# "Home | About the Ministry | Contact Us", "e-Paper | Latest | Pakistan | KP | World": a row of
# short links; a headline or a sentence never has four separated pieces of at most four words
_LINK_SEPARATOR = re.compile(r"\s+[|•·›»/]\s+")
_SENTENCE_MARK = re.compile(r"[.!?;]\s|[.!?;,]$|[“”\"]|,\s")
# a press contact's fields: "Email: media@…", "Spokesperson: Name", "Tel: +93 …"
_CONTACT_FIELD = re.compile(
    r"^(?:e-?mail|tel|telephone|phone|fax|mobile|spokesperson|press contact|media contact|"
    r"contact|website|web|address)\s*:\s*\S",
    re.IGNORECASE,
)
# the pieces of a header line: "Monday, July 14, 2025 | 23 Tir 1404      Tehran 41°C"
_PIECE = re.compile(r"[^|·•]+?(?=\s{2,}|\s[|·•]\s|$)")
# a postal address: "The Kabul Connection, PO Box 48211, Dubai, UAE", "Darul Aman Road, Kabul, …"
_ADDRESS = re.compile(
    r"\bP\.?\s?O\.?\s?Box\s*\d+|"
    r"^[\w'’ -]{2,40} (?:Road|Street|St\.|Avenue|Ave\.|Boulevard|Lane|Square|Highway),"
    r"(?: [\w'’ -]+,){0,3} [\w'’ -]+$"
)
# what an advertiser paid for: the paragraph under it is the ad ("— SPONSORED —")
_AD_HEADER = re.compile(
    r"^\W*(?:sponsored(?: content| message| post)?|advertisement|promoted|"
    r"partner content|paid (?:post|content))[-–—•|*\s:]*$",
    re.IGNORECASE,
)
_PROSE_END = re.compile(r"[.!?]$")
_NOT_THE_ARTICLES_DATE = re.compile(rf"^(?:{_PAGE_DATED})[-–—\s]*$", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
_ALPHA_WORD = re.compile(r"\b[^\W\d_]{2,}\b")
_CITED = re.compile(r"^\s*(?:\d{1,3}\.\s*)?\^")  # a reference list's entry: "3. ^ …"
_MAIL_IN_LINE = re.compile(_MAIL)
# a line of hashtags: "#CPEC #trilateral #Muttaqi"
_HASHTAGS = re.compile(r"^(?:#[\w-]+[\s,]*){1,12}$")
# "World / Central Asia and Afghanistan": a section path with slashes
_SLASH_PATH = re.compile(
    r"^(?:home|news|world|politics|economy|business|region|regions|society|asia)"
    r"(?:\s/\s[^/]{1,40}){1,3}$",
    re.IGNORECASE,
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


def _words_upto(line: str, most: int) -> int:
    """min(_words(LINE), MOST + 1): enough for every "at most MOST words" test, without
    splitting a paragraph into all its words."""
    return len(line.split(None, most))


# the patterns of the per-line tests, compiled once (every header line meets them)
_SIGN_IN = re.compile(r"\b(?:sign|log)(?: in| up| out)\b", re.IGNORECASE)
_MENU_SPLIT = re.compile(r"\s+|\s*[|›»/•·]\s*")
_SMALL_WORD = re.compile(r"(?:^|[\s|›»/•·])[a-z]")
_GAP = re.compile(r"\S(?: {2,}|\t)\S")
_END_MARK = re.compile(r"[.,;!?]$")
_BYLINE_SPLIT = re.compile(r"\s+[|·•]\s+|;\s*")
_PROSE_MARKS = re.compile(r'[.,;:!?"“”]')
# three of the characters one of which each match of _LINK_SEPARATOR holds
_THREE_LINK_CHARS = re.compile(r"[|•·›»/].*?[|•·›»/].*?[|•·›»/]", re.DOTALL)


def is_weather(line: str, words: int | None = None) -> bool:
    """A weather widget's line ("Kabul  12 °C  Sunny"); WORDS: LINE's word count, when the
    caller has it (at least up to 9)."""
    words = _words_upto(line, 8) if words is None else words
    return words <= 8 and bool(_WEATHER.match(line))  # the count first: it is cheap


def is_menu(line: str) -> bool:
    """A site menu, a row of share buttons or a tag list: three or more capitalised section
    names and no function word ("Pakistan  World  Business  Sport", "HOME  POLITICS  REGION",
    "☰ MENU   LIVE TV   E-PAPER"), either set apart by wide gaps or mostly the names a
    news site gives its sections."""
    if _PROSE_MARKS.search(line):
        return False  # sentence punctuation: checked first, it rules out every prose line
    bare = _SIGN_IN.sub("Login", line)
    if _SMALL_WORD.search(bare):
        return False  # a word (as _MENU_SPLIT cuts them) opening in a-z, found without the split
    words = [w for w in _MENU_SPLIT.split(bare) if w]
    if any(w[0].isalpha() and not w[0].isupper() for w in words):
        return False  # a word opening in a small letter: the cheapest test, so the first
    alpha = [w for w in words if w.isalpha() or any(c.isalpha() for c in w)]
    if not 3 <= len(alpha) <= 15 or any(w.lower() in _FUNCTION_WORDS for w in alpha):
        return False
    sections = sum(w.lower() in _SECTION_WORDS for w in alpha)
    gaps = len(_GAP.findall(line))
    return gaps >= 2 or 2 * sections >= len(alpha)


def is_link_row(line: str) -> bool:
    """A row of four or more links set apart by separators, each of one to four words
    ("Home | About the Ministry | Minister's Office | Contracts | Contact Us")."""
    if line.startswith("|") and line.endswith("|"):
        return False  # a row of a markdown table: the article's data
    if not _THREE_LINK_CHARS.search(line):
        return False  # fewer than three separators: fewer than four pieces
    pieces = _LINK_SEPARATOR.split(line)
    if len(pieces) < 4 or _SENTENCE_MARK.search(line):
        return False
    return all(1 <= _words(p) <= 4 and any(c.isupper() for c in p) for p in pieces)


def is_navigation(line: str, words: int | None = None) -> bool:
    """A menu, a row of links or a breadcrumb: the site's navigation, above which stands
    only its masthead. WORDS: LINE's word count, when the caller has it (at least up to 16)."""
    if is_menu(line) or is_link_row(line) or _GLUED_MENU.match(line):
        return True
    words = _words_upto(line, 15) if words is None else words
    if words <= 8 and _breadcrumb(line):
        return True
    return words <= 15 and len(_MENU_SEPARATORS.findall(line)) >= 2


def _breadcrumb(line: str) -> bool:
    """ "Economy › Transport", "Commodities > Metals" (a short line: its words are counted)."""
    return bool(_BREADCRUMB.search(line)) and not _END_MARK.search(line)


def is_contact_field(line: str, words: int | None = None) -> bool:
    """ "Email: media@…", "Spokesperson: Name"; WORDS as for `is_weather`."""
    words = _words_upto(line, 8) if words is None else words
    return words <= 8 and bool(_CONTACT_FIELD.match(line))


def is_byline(line: str) -> bool:
    """ "By Elena Markova", "Written by: PTI | Edited by: …", "Reporting by …; Editing by …",
    "From the Newspaper | Our Correspondent | Published …"."""
    parts = [p.strip() for p in _BYLINE_SPLIT.split(line) if p.strip()]
    for part in parts:
        if _BYLINE_SEGMENT.match(part):
            return True
        if _BYLINE.match(part):
            rest = part.split(None, 1)[1] if part.lower().startswith("by") else part
            if len(rest.split()) <= 12 and not rest.rstrip().endswith("."):
                return True
            if not part.lower().startswith("by") and _credit_sentences(part):
                return True  # "Edited by A and B. Additional reporting by our correspondents."
    return False


def _credit_sentences(part: str) -> bool:
    """Every sentence of PART is a credit of a dozen words at most ("Edited by A and B.");
    a plain "By …" sentence may be prose ("By then the two sides had signed.")."""
    sentences = [s for s in re.split(r"(?<=\.)\s+(?=[A-Z])", part.strip()) if s]
    return all(
        _BYLINE.match(s) and not s.lower().startswith("by ") and len(s.split()) <= 14
        for s in sentences
    )


def is_form(line: str) -> bool:
    """A comment form's fields and buttons: "Name * Email * Submit", "Your Comment"."""
    words = line.lower().replace("*", " * ").split()
    return bool(words) and len(words) <= 10 and all(w.strip(":") in _FORM_WORDS for w in words)


def is_furniture(line: str, latin_text: bool = True) -> bool:
    """A line that is boilerplate by itself, wherever it stands. (Every line of every
    article passes here: a word count, cheap, goes before each pattern it can rule out.)"""
    if _FURNITURE.match(line) or _TEASER_LINE.match(line) or _URL_OR_MAIL.match(line):
        return True
    if line[:1] in "*_" and _TEASER_LINE.match(_EMPHASIS.sub("", line)):
        return True  # "**More newsletters:** [Caspian Energy Weekly](…)"
    if is_byline(line) or is_form(line) or _COMMENT_ROW.match(line):
        return True
    words = _words_upto(line, 30)  # counted once for the tests below
    # the site's navigation: menus, rows of links, "HomeLatest…", "Economy › Transport",
    # "Home › World › Asia", "ePaper | Subscribe | Sign in"
    if is_navigation(line, words) or is_contact_field(line, words) or is_weather(line, words):
        return True
    if words <= 30 and ("©" in line or _CALL.search(line)):
        return True  # "The Astana Ledger © 2025 …", "Sign up for our weekly briefing"
    if _HANDLE.search(line):
        return True  # "Follow us on Twitter @news"
    if words <= 6 and _GLUED_URL.search(line):
        return True  # an author box: "Name Namehttp://blog…"
    if _COOKIE.search(line):
        return True
    if (
        words <= 20
        and (_ADDRESS.search(line) or _MAIL_IN_LINE.search(line))
        and not _PROSE_END.search(line)
    ):
        return True  # a postal address, a contact ("Maria Lindqvist, Officer, m@unhcr.org")
    if _HASHTAGS.match(line) or (words <= 8 and _SLASH_PATH.match(line)):
        return True  # a post's hashtags; a section path ("World / Central Asia")
    if latin_text and not line.isascii():  # an ASCII line is all Latin letters
        letters = len(_LETTER.findall(line))
        if letters and _latin_letters(line) / letters < 0.3:
            return True  # a masthead or motto in another script than the article's
    return False


def _latin_letters(text: str) -> int:
    """How many of TEXT's letters are A-Z or a-z (each of those is a letter)."""
    return len(_LATIN.findall(text))


_ASCII_LETTERS = string.ascii_letters.encode()
_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")


def is_latin_text(text: str) -> bool:
    head = text[:20000]
    if head.isascii():
        return True  # every letter is Latin, or there is none
    # the same counts as _LATIN and _LETTER over HEAD, twenty times faster: the only ASCII
    # letters are A-Z and a-z, counted in bytes; the regex sees just the non-ASCII characters
    ascii_part = head.encode("ascii", "ignore")
    latin = len(ascii_part) - len(ascii_part.translate(None, _ASCII_LETTERS))
    letters = latin + len(_LETTER.findall(_ASCII_RUNS.sub("", head)))
    return not letters or latin / letters >= 0.6


_LINK_TARGET = re.compile(r"\]\([^)\s]*\)")  # the "](https://…)" of a markdown link


def _is_teaser(line: str) -> bool:
    """A line of a teaser block: a short headline or a cut-off snippet ("…", "..."), a
    reference list's entry ("3. ^ "Title". Outlet. 2025."); a markdown link's address does not
    count ("- [Explainer: …](https://…)")."""
    return (
        len(_LINK_TARGET.sub("]", line)) <= 110
        or _CITED.match(line) is not None
        or _MAIL_IN_LINE.search(line) is not None
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
    teaser = [False] * len(lines)  # other stories' lines: their dates are not this article's
    in_teasers = False
    after_player = after_ad = False
    for i, (_s, _e, line) in enumerate(lines):
        if after_player and _words(line) <= 15 and not line.endswith("."):
            marked[i], after_player = True, False  # the title of the embedded video: a teaser
            continue
        after_player = bool(_PLAYER.match(line))
        if after_ad and 3 <= _words(line) <= 60 and not _OWN_DATE.match(line):
            marked[i] = teaser[i] = True  # the advertiser's paragraph
            after_ad = False
            continue
        after_ad = bool(_AD_HEADER.match(line))
        if _TEASER_HEADER.match(line) or (
            line[:1] in "*_#" and _TEASER_HEADER.match(_EMPHASIS.sub("", line))
        ):
            marked[i] = teaser[i] = in_teasers = True
            continue
        if in_teasers:
            if is_furniture(line, latin):
                marked[i] = True
                teaser[i] = not _OWN_DATE.match(line)  # among teasers: other pages' dates
                continue
            if _is_teaser(line) and (not _is_prose(line) or _CITED.match(line)):
                marked[i] = True
                teaser[i] = not _OWN_DATE.match(line)  # "Published in …, May 31st, 2025"
                continue
            in_teasers = False
        if is_furniture(line, latin):
            marked[i] = True
            teaser[i] = bool(_NOT_THE_ARTICLES_DATE.match(line))
    # before the headline: everything short that is not the dateline (mastheads, bylines, city
    # names), and whatever stands above the site's navigation (a masthead, its motto, a ticker)
    if header.title_line is not None:
        above_nav = max(
            (i for i in range(header.title_line) if marked[i] and is_navigation(lines[i][2])),
            default=-1,
        )
        for i in range(header.title_line):
            if i not in header.date_lines and (_words(lines[i][2]) <= 6 or i < above_nav):
                marked[i] = True
        _mark_byline_names(lines, marked, header)
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
    # the author box at the end: a line that opens with the byline's name
    names = {_byline_name(line) for _s, _e, line in lines} - {None}
    for i, (_s, _e, line) in enumerate(lines):
        if not marked[i] and any(line.startswith(n + " ") for n in names) and _words(line) <= 60:
            marked[i] = True
    _mark_contact_blocks(text, lines, marked)
    _mark_repeated_lines(lines, marked, teaser, header)
    for i in header.date_lines:
        teaser[i] = False  # the page's own dateline, even where teasers run into it
    pieces: list[tuple[int, int]] = []
    for i, flag in enumerate(marked):
        if flag and teaser[i]:
            pieces.append(lines[i][:2])
        elif flag:
            pieces.extend(_without_dates(*lines[i]))
        elif "°" in lines[i][2] and i < 40:
            pieces.extend(_weather_pieces(*lines[i]))  # "… | 23 Tir 1404      Tehran 41°C"
    pieces.sort()
    ranges: list[tuple[int, int]] = []
    for s, e in pieces:
        if ranges and not text[ranges[-1][1] : s].strip():
            ranges[-1] = (ranges[-1][0], e)  # neighbouring lines make one range
        else:
            ranges.append((s, e))
    return ranges


def _mark_byline_names(lines, marked: list[bool], header) -> None:
    """ "Sardar Ahmad Yousafzai" or "Rohit Malhotra, EL Bureau" on the line between the headline
    and the dateline: the author, a byline without its "By"."""
    for d in header.date_lines:
        i = d - 1
        if i <= header.title_line or marked[i] or i in header.date_lines:
            continue
        line = lines[i][2]
        words = [w for w in re.split(r"[\s,]+", line) if w]
        if (
            2 <= len(words) <= 6
            and not _SENTENCE_MARK.search(line.replace(", ", " "))
            and all(w[0].isupper() or w.lower() in ("and", "of", "de", "van", "al") for w in words)
        ):
            marked[i] = True


def _mark_repeated_lines(lines, marked: list[bool], teaser: list[bool], header) -> None:
    """A short line that comes back word for word is the page's, not the article's: a PDF's
    running header or footer ("UNHCR · Situation Report No. 9 · 2 December 2026"), a channel's
    name over each of its posts. Its dates are not the article's either (its dateline, when
    it is one, keeps its date)."""
    seen: dict[str, list[int]] = {}
    for i, (_s, _e, line) in enumerate(lines):
        if _words(line) <= 15 and not _is_prose(line):
            # the page number changes from page to page: "Page 1 of 3", "Page 2 of 3"
            seen.setdefault(_DIGITS.sub("#", " ".join(line.split())), []).append(i)
    for line, where in seen.items():
        if len(where) < 2 or len(_ALPHA_WORD.findall(line)) < 2:
            continue  # (a row of figures repeats by chance)
        if header.title is not None and lines[where[0]][2] == header.title:
            continue  # a wiki's infobox repeats the headline: still the article's
        for i in where:
            if i != header.title_line:
                marked[i] = True
                teaser[i] = i not in header.date_lines


def _mark_contact_blocks(text: str, lines, marked: list[bool]) -> None:
    """A press contact block: the short lines right above "Email: …" or "Spokesperson: …"
    with no blank line between ("Media and Public Relations Directorate" / "Ministry of …")."""
    for i, (_s, _e, line) in enumerate(lines):
        if not (marked[i] and is_contact_field(line)):
            continue
        j = i - 1
        while (
            j >= 0
            and i - j <= 4
            and text.count("\n", lines[j][1], lines[j + 1][0]) == 1
            and _words(lines[j][2]) <= 8
            and not lines[j][2].endswith((".", '"', "”"))
        ):
            marked[j] = True
            j -= 1


def _weather_pieces(start: int, _end: int, line: str) -> list[tuple[int, int]]:
    """The weather widget's pieces of an otherwise kept line."""
    out = []
    for m in _PIECE.finditer(line):
        piece = m.group().strip()
        if piece and is_weather(piece):
            lead = len(m.group()) - len(m.group().lstrip())
            out.append((start + m.start() + lead, start + m.start() + lead + len(piece)))
    return out


def _is_prose(line: str) -> bool:
    """A sentence of the article, not a teaser: ends with a full stop and has a dozen words."""
    return line.endswith((".", '."', ".”")) and not line.endswith("...") and _words(line) >= 12


def _byline_name(line: str) -> str | None:
    """The author's name of a short "By First Last" byline (its segment before a separator)."""
    m = re.match(r"^by\s+((?:[A-Z][\w'’-]+\s+){1,3}[A-Z][\w'’-]+)\s*(?:$|[|,·•])", line, re.I)
    return m.group(1) if m and _words(m.group(1)) <= 4 else None


# a Solar Hijri date with its day and year: "10 Azar 1405", "27 Aqrab 1404"
_SOLAR_DATE = re.compile(
    r"\b\d{1,2}\s+(?:" + "|".join(sorted(SOLAR_MONTHS, key=len, reverse=True)) + r")\s+1[34]\d\d\b",
    re.IGNORECASE,
)


def _without_dates(start: int, end: int, line: str) -> list[tuple[int, int]]:
    """A marked line's range less the calendar dates it holds: a dateline's or byline's date
    ("… | Published May 31, 2025 07:02am") is a DATE, the furniture around it is not."""
    from annotator.core.headline import full_dates

    out, pos = [], 0
    dates = full_dates(line)
    if _SOLAR_DATE.search(line):  # "Publish date: 10 Azar 1405 - 09:30": a Solar Hijri date
        dates = sorted(dates + [m.span() for m in _SOLAR_DATE.finditer(line)])
    for a, b in dates:
        if line[pos:a].strip(" |·•,-–—:"):
            out.append((start + pos, start + len(line[:a].rstrip())))
        pos = b
    if line[pos:].strip(" |·•,-–—:"):
        tail = len(line[pos:]) - len(line[pos:].lstrip())
        out.append((start + pos + tail, end))
    return out


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
