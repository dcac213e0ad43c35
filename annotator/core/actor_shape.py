"""The guidelines' place-versus-actor rule on a spaCy Doc, from the words around a name.

"in Kabul", "a visit to India", "through Uzbekistan and Afghanistan",
"Afghanistan's borders", "the Wakhan border", "a Delhi-based think tank",
"anti-China": places, routes, owners of territory or economy, parts of another
word — not actors. "ties with Kabul", "outreach to Russia", "China's
interests", "Beijing reaffirmed": actors. Also the shapes a small model gets
wrong: datelines ("KABUL, Aug 14 (AWS) -"), towns it calls persons or
organisations, nationality adjectives, titles and the bodies in them. Works on
tokens only (no parser), so it costs nothing next to NER.
"""

from __future__ import annotations

import re

from annotator.core.credit_shape import in_credit
from annotator.core.dates import MONTHS  # one month table for dates, datelines and names

# "in Kabul", "a visit to India", "through Afghanistan", "envoy for Afghanistan"
PLACE_PREPOSITIONS = {
    "in", "to", "through", "across", "into", "at", "near", "inside", "via", "around", "from",
    "for", "on", "throughout", "within", "over", "towards", "toward", "outside", "beyond",
}  # fmt: skip
# ... unless the preposition ties a relation to the state: "outreach to Russia", "ties with Kabul"
RELATIONAL = {
    "outreach", "ties", "relations", "ambassador", "envoy", "aid", "overtures", "assistance",
    "loans", "credentials", "support", "threat", "appeal", "message", "pressure",
    "close", "closer", "pivot", "rapprochement", "recognition", "according", "thanks",
    "warm", "warming", "warmed", "talks", "talk", "talking", "speaks", "speak", "speaking",
    "disbursements", "payments", "donations", "grants",  # "suspended disbursements to Kabul"
}  # fmt: skip
# ... and "criticism from Pakistan", "engagement from China": the state is where it comes from
FROM_RELATIONAL = {
    "criticism", "engagement", "attention", "support", "pressure", "investment", "investments",
    "aid", "assistance", "interest", "backing", "condemnation", "opposition", "protests",
    "objections", "threat", "threats", "overtures", "outreach", "recognition",
    # "officials from Iran": the state that sends them
    "officials", "official", "delegation", "delegations", "envoys", "envoy", "diplomats",
    "representatives", "ministers", "minister", "delegates", "companies", "firms", "investors",
    # "a message from Beijing": what a government says or asks
    "statement", "statements", "message", "messages", "letter", "signal", "signals", "warning",
    "warnings", "invitation", "request", "offer", "proposal", "demand", "demands", "response",
    "reaction", "call", "calls",
}  # fmt: skip
# what a state gives another, which receives it: "the supply of Russian helicopters to Kabul"
GIVING = {
    "deliver", "delivers", "delivered", "delivering", "delivery", "deliveries", "supply",
    "supplies", "supplied", "supplying", "donate", "donates", "donated", "donation", "grant",
    "granted", "grants", "provide", "provides", "provided", "providing", "give", "gives",
    "gave", "given", "handed", "sell", "sells", "sold", "lend", "lends", "lent",
}  # fmt: skip
PASSIVE = {"be", "been", "being", "is", "are", "was", "were"}
# what is sent to a government, which receives it: "invitations have gone to Kabul"
MESSAGES = {
    "invitation", "invitations", "letter", "letters", "message", "messages", "note", "notes",
    "request", "requests", "appeal", "appeals", "credentials", "demarche", "protest", "invite",
    "invites", "summons", "ultimatum",
}  # fmt: skip
# "crucial for China", "the same holds for Iran": the state whose interest is at stake
MATTERS_FOR = {
    "crucial", "important", "vital", "key", "essential", "critical", "holds", "true", "good",
    "bad", "risky", "dangerous", "difficult", "useful", "beneficial", "costly", "significant",
    "necessary", "unacceptable", "acceptable", "priority", "win", "victory", "setback", "blow",
}  # fmt: skip
# "barter rules for Afghanistan", "a power price for Kabul": terms set for a state, its recipient
TERMS_FOR = {
    "rules", "rule", "price", "prices", "tariff", "tariffs", "duty", "duties", "quota", "quotas",
    "exemption", "exemptions", "waiver", "waivers", "concession", "concessions", "discount",
    "discounts", "visas", "sanctions", "rates", "terms", "mechanism", "regime",
}  # fmt: skip
# "Abbasi signed for Islamabad": the side a signatory signs for
SIGNED_FOR = {"signed", "signs", "sign", "signing", "initialled", "spoke", "speaks", "negotiated"}
FOR_WHOSE = MATTERS_FOR | TERMS_FOR | SIGNED_FOR  # "matters for X", "terms for X": X is a side
# "why the corridor matters to Tehran": whose interest
MATTERS_TO = {"matters", "matter", "mattered", "important", "crucial", "vital", "essential"}
# "Iran's border guards", "Pakistan's border police": men a state commands, not its territory
OWNED_BODIES = {
    "guards", "forces", "troops", "police", "officials", "authorities", "officers", "army",
    "military", "diplomats", "negotiators", "delegation", "ministry", "government",
}  # fmt: skip
# "Beijing's Taliban overtures", "China's Taliban engagement": a state's policy, the state acts
POLICY_WORDS = RELATIONAL | FROM_RELATIONAL | {
    "policy", "policies", "strategy", "diplomacy", "gamble", "bet", "embrace", "dealings", "deal",
}  # fmt: skip
# "aimed at Afghanistan": the state is the target
TARGETING = {"aimed", "directed", "targeted", "targeting", "aiming", "angry", "pointed"}
# words that follow a possessive state when it owns territory or an economy, not a policy
TERRITORY = {
    "border", "borders", "frontier", "territory", "soil", "airspace", "mining", "energy", "mineral",
    "minerals", "natural", "resources", "sector", "sectors", "location", "province", "provinces",
    "region", "regions", "capital", "cities", "north", "south", "east", "west", "northern",
    "southern", "eastern", "western", "people", "population", "future", "path", "trajectory",
    "landscape", "mountains", "deposits", "mines", "economy", "agriculture", "infrastructure",
    "current", "vast", "strategic", "geography", "land", "lands", "side", "villages", "women",
    "tech", "industry", "industries", "market", "markets", "economic", "roads", "port", "ports",
    "towns", "goods", "rivers", "river", "wealth", "exports", "imports",
    "trade", "trading",  # "Uzbekistan's trade with …", "Afghanistan's largest trading partner"
    "banks", "banking", "lenders",  # "Afghanistan's banks still cannot make transfers"
}  # fmt: skip
# a state directly before these is a qualifier of the noun, not an actor: "Afghanistan policy"
QUALIFIED = {
    "policy", "border", "borders", "province", "provinces", "region", "file", "question", "issue",
    "crisis", "situation", "conflict", "war", "territory", "soil", "route", "routes", "trade",
    "peace", "process", "airspace", "embassy", "trip", "tour", "skirmishes", "clashes", "valley",
    "corridor", "railway", "rail", "highway", "road", "pipeline", "crossing", "dam", "port",
    "river", "bridge", "dollar", "dollars", "currency", "mission", "missions", "water",
    "time", "flights", "flight", "cents", "cent",  # "16:52 Kabul time", "Kabul flights"
    "specialist", "specialists", "expert", "experts", "watcher", "watchers",  # "an Iran expert"
    "section", "sections", "stretch", "segment", "leg",  # "the Kabul section (of the line)"
    # "our Kabul correspondent", "the Islamabad bureau", "the white Taliban banner"
    "correspondent", "correspondents", "bureau", "reporter", "reporters", "edition", "banner",
    "flag", "flags",
}  # fmt: skip
# "the Soviet-era pipeline": a name that dates a period is no actor
QUALIFIED |= {"era", "eras"}
# "Afghanistan Foreign Minister Amir Khan Muttaqi": the state is part of a title
TITLE_WORDS = {
    "foreign", "prime", "president", "minister", "deputy", "interior", "defence", "defense",
    "ambassador", "envoy", "special", "chancellor", "spokesman", "spokesperson", "finance",
    "vice", "acting", "interim", "embassy", "consul", "governor", "chairman", "chief", "head",
    "director", "secretary", "commander", "mayor", "ceo", "leader",
}  # fmt: skip
# "a Delhi-based think tank", "the US-backed Quad", "US-mediated"
HYPHEN_QUALIFIERS = {
    "based", "backed", "mediated", "brokered", "born", "made", "funded", "bound", "centric",
    "focused", "owned", "sponsored", "style", "era", "linked", "allied", "aligned", "friendly",
    "appointed", "installed", "designated", "dominated", "affiliated",
}  # fmt: skip
PLACE_PREFIXES = {"anti", "pro", "post", "pre", "non", "inter", "trans", "cross"}
PLACE_ADJECTIVES = {
    "western", "northern", "southern", "eastern", "central", "war-torn", "landlocked",
    "neighbouring", "neighboring", "rural", "urban", "whole", "entire", "modern",
}  # fmt: skip
VISIT_VERBS = {
    "visited",
    "visiting",
    "visit",
    "visits",
    "toured",
    "reached",
    "arrived",
    "flew",
    "travelled",
    "traveled",
    "left",
    "reach",
    "reaches",
    "reaching",
    "fly",  # "Kam Air will fly Urumqi–Kabul": a route's ends
    "flies",
    "flying",
    "entering",  # "without entering Uzbekistan": a territory crossed into
    "entered",
    "enter",
    "enters",
}
# "the Taliban had run Afghanistan": what is ruled or seized is territory
RULE_VERBS = {
    "run", "ran", "runs", "rule", "ruled", "rules", "ruling", "govern", "governed", "governs",
    "governing", "controlled", "controls", "seized", "seize", "captured", "capture", "occupied",
    "occupy", "overran",
}  # fmt: skip
# "set up to bypass Pakistan", "trucks crossing Afghanistan": what a route goes round or through
ROUTE_VERBS = {
    "bypass", "bypasses", "bypassed", "bypassing", "circumvent", "circumvents", "circumventing",
    "cross", "crosses", "crossed", "crossing", "traverse", "traverses", "traversing",
}  # fmt: skip
# an economy's rank among trade partners: "the largest buyer of Iranian goods after China",
# "Iran is Afghanistan's largest trading partner" — economies, not actors
RANKED = {"partner", "partners", "buyer", "buyers", "supplier", "suppliers", "market", "markets",
          "exporter", "exporters", "importer", "importers", "destination", "customer", "source"}  # fmt: skip
RANKS = {"largest", "biggest", "main", "top", "leading", "second-largest", "third-largest",
         "fourth-largest", "fifth-largest", "second-biggest", "third-biggest", "major", "key"}  # fmt: skip
# "turn Afghanistan into a hub": the country as the thing made over, a place
MAKE_VERBS = {"turn", "turns", "turned", "turning", "transform", "transforms", "transformed",
              "transforming", "make", "makes", "making"}  # fmt: skip
# "Bandar Abbas", "Port Qasim": a word that opens a town's name
TOWN_PREFIXES = {"Bandar", "Port", "Fort", "Mount", "Lake", "Cape"}
# "a line linking Uzbekistan to Kabul", "links St Petersburg with Iran's ports": a route's ends
LINK_VERBS = {"link", "links", "linking", "connect", "connects", "connecting"}
# "the corridor between Kabul and Delhi", "a power line from Surkhan to …": what a route joins
ROUTE_NOUNS = {
    "corridor", "corridors", "route", "routes", "line", "lines", "link", "links", "railway",
    "railways", "rail", "road", "roads", "highway", "pipeline", "pipelines", "flights", "flight",
    "trains", "train", "cable", "connection", "bridge", "cargo", "freight", "motorway", "track",
    "fly", "flies", "flew", "flying", "service", "services",  # "will fly daily between … and Kabul"
}  # fmt: skip
COORDINATION = {"and", ",", "or", "&"}
PROJECT_NOUNS = {"project", "projects", "agreement", "deal", "initiative", "programme", "program",
                 "scheme", "treaty", "accord", "plan"}  # fmt: skip
# the last word of a name that names joined by dashes may open: "… Joint Economic Commission"
NAMED_HEADS = {
    "commission", "committee", "corridor", "railway", "railroad", "pipeline", "highway", "forum",
    "agreement", "treaty", "accord", "pact", "initiative", "project", "line", "link", "route",
    "council", "format", "dialogue", "summit", "mechanism", "framework",
}  # fmt: skip
# the last word of a newsletter's or a paper's name: "Pakistan Economy Brief", "Kabul Times"
PUBLICATION_HEADS = {
    "weekly", "daily", "brief", "briefing", "monitor", "digest", "review", "times", "tribune",
    "herald", "post", "bulletin", "observer", "gazette", "journal", "ledger", "newsletter",
    "chronicle", "dispatch",
}  # fmt: skip
# the last word of a project's or a meeting's name that opens with a state's: "Afghanistan
# Regional Cooperation Initiative", "Moscow Format" (a body's name stays the body's)
PROJECT_HEADS = {
    "initiative", "corridor", "forum", "format", "dialogue", "summit", "agreement", "treaty",
    "accord", "pact", "project", "railway", "pipeline", "highway", "framework", "mechanism",
    "conference", "process", "compact", "programme", "program", "plan",
}  # fmt: skip
# what a town's name may qualify: "the Herat rail line", "the Termez-Mazar power line"
SITE_HEADS = {
    "line", "lines", "railway", "rail", "road", "roads", "highway", "motorway", "pipeline",
    "corridor", "route", "link", "bridge", "crossing", "airport",
}  # fmt: skip
# "the port of Karachi", "the Iranian ports of Bandar Abbas and Chabahar"
TOWN_OWNERS = {"port", "ports", "city", "cities", "town", "towns", "province", "capital", "district",
               "village", "outskirts", "suburbs", "region"}  # fmt: skip
# "electricity to the provinces of Herat, Farah", "the substation of Islam Qala", "the
# industrial park of Herat", "the 132 kV line of Zabol", "the people of Herat": parts and
# places of a town, and its dwellers
TOWN_OWNERS |= {"provinces", "districts", "regions", "zone", "zones", "villages", "substation",
                "park", "people", "residents", "inhabitants", "centre", "center", "line"}  # fmt: skip
# "border crossings with Afghanistan": the state is the other side of a border
BORDER_WORDS = {"border", "borders", "frontier", "crossing", "crossings", "boundary"}
# "Bagram Airbase", "Paktika province", "Wisconsin University", "Crocus City Hall"
FACILITY_WORDS = {
    "airbase", "base", "airport", "port", "dam", "hall", "province", "region", "valley",
    "university", "college", "school", "institute", "center", "centre", "foundation", "building",
    "stadium", "hotel", "hospital", "mosque", "palace", "square", "highway", "pass", "river",
    "lake", "mountains", "district", "city", "list", "street", "market", "house",
    "boulevard", "avenue", "road", "lane", "bridge",  # "on Sretensky Boulevard": a street
}  # fmt: skip
# "Sher Khan Bandar": a port ("bandar") named after a person
FACILITY_WORDS |= {"bandar"}
FACILITY_FOLLOWERS = {
    "crossings",
    "pass",  # "the Wakhjir pass"
    "passes",
    "building",
    "buildings",
    "dam",
    "complex",
    "compound",
    "airport",
    "base",
    "hotel",
    "crossing",
    "river",
    "bridge",
    "terminal",
    "border",
    "deposit",
    "deposits",
    "mine",
    "field",
    "fields",
    "basin",
    "station",
    "depot",
    "refinery",
    # "the Kajaki and Kamal Khan dams", "the Hamoun wetlands", "the Kashkari oil block"
    "dams",
    "canal",
    "canals",
    "wetlands",
    "wetland",
    "lake",
    "block",
    "blocks",
    "market",
    "bazaar",
    "concession",  # "the Mes Aynak copper concession": the site a concession is for
    "concessions",
    "plant",  # "the Ghori cement plant"
    "plants",
    "factory",
    "factories",
    "mill",
    "mills",
    # "cross the Panj bridges", "the Hairatan and Torghundi terminals"
    "bridges",
    "terminals",
    "stations",
    "mines",
    "depots",
    "refineries",
}
# "north of Kabul": a direction from a place
COMPASS = {"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"}
# "an expert at the Russian International Affairs Council": a commentator's affiliation
AFFILIATED = {
    "expert", "experts", "analyst", "analysts", "fellow", "researcher", "professor", "scholar",
    "specialist", "specialists",
    "lecturer", "director", "economist", "secretary", "chairman", "member", "head",
}  # fmt: skip
# what a commentator does at the body that employs them: "who studies the border at the …"
AFFILIATED_VERBS = {"studies", "teaches", "works", "worked", "researches", "lectures"}
# the offices an unnamed office holder holds ("the Taliban's interior minister")
OFFICES = {
    "envoy", "ambassador", "representative", "minister", "president", "spokesman",
    "spokesperson", "chancellor", "premier", "commander", "governor", "mayor", "delegate",
    "negotiator", "official", "counterpart", "secretary", "chief", "head",
}  # fmt: skip
OFFICE_OR_TITLE = OFFICES | TITLE_WORDS  # the words of an office or title before a name
MISSIONS = {"embassy", "consulate", "mission"}
# the capitalised words of a minister's portfolio: "Minister of Mines and Petroleum …"
PORTFOLIO_WORDS = {
    "public", "works", "mines", "petroleum", "foreign", "affairs", "commerce", "industry",
    "industries", "finance", "defence", "defense", "interior", "energy", "water", "economy",
    "transport", "information", "culture", "agriculture", "refugees", "repatriation", "trade",
    "health", "education", "justice", "roads", "urban", "development", "communications",
    "technology", "planning", "labour", "labor", "railways", "hajj", "religious", "rural",
    "rehabilitation", "higher", "economic", "border", "tribal", "frontier", "power", "irrigation",
    "livestock", "aviation", "civil", "housing",
}  # fmt: skip
# the words of an office between a body and its holder: "foreign ministry spokesman"
OFFICE_PARTS = {"ministry", "affairs", "office", "press", "media", "aviation", "civil",
                "railway", "railways", "trade", "commerce", "mines", "petroleum", "water"}  # fmt: skip
COPULAS = {"is", "was", "became", "becomes", "remains", "remained"}
# "the sovereignty and independence of Afghanistan", "the people of Iran": a country's own
OWNED_BY = {
    "sovereignty", "independence", "integrity", "people", "citizens", "territory", "soil",
    "borders", "rest", "parts", "part", "map", "heart", "north", "south", "east", "west",
    "provinces", "capital", "cities", "economy", "resources", "mountains", "port", "city",
    "town", "outskirts", "streets", "suburbs", "province", "centre", "center", "airport",
    "ports", "neighbour", "neighbours", "neighbor", "neighbors", "use", "connectivity",
}  # fmt: skip
DASHES = {"—", "–", "-", ":", "--"}  # "--": a dash typed as two hyphens
# nationality adjectives: "Kazakh exporters" is a group, "the Kazakh plan" no actor; the small
# model often calls one alone a person or a state
DEMONYMS = {
    "Afghan", "Pakistani", "Iranian", "Chinese", "Russian", "Indian", "Uzbek", "Turkmen", "Tajik",
    "Kazakh", "Kyrgyz", "Qatari", "Saudi", "Emirati", "Turkish", "American", "British", "German",
    "French", "European", "Eurasian", "Arab", "Japanese", "Korean", "Israeli", "Iraqi",
    "Syrian", "Azerbaijani", "Soviet", "Ukrainian", "Bangladeshi", "Nepali", "Norwegian",
    "Italian", "Spanish", "Canadian", "Australian", "Egyptian", "Kuwaiti", "Omani", "Yemeni",
    "Jordanian", "Lebanese", "Belarusian", "Georgian", "Armenian", "Mongolian", "Turkmenistani",
    "Uzbekistani", "Kazakhstani", "Tajikistani", "Kyrgyzstani", "Bahraini", "Dutch", "Swiss",
    "Swedish", "Danish", "Finnish", "Polish", "Belgian", "Austrian", "Greek", "Indonesian",
    "Malaysian", "Brazilian", "Mexican", "Nigerian", "Ethiopian", "Libyan", "Sudanese",
    # peoples without a state of their own: "Uyghur militants", "Baloch tribes"
    "Uyghur", "Uighur", "Baloch", "Baluch", "Pashtun", "Hazara", "Punjabi", "Sindhi", "Chechen",
}  # fmt: skip
MARKUP = {"[", "]", "(", ")", "#", "*", "_"}


def _prev(doc, i: int) -> int:
    """Index of the word before token i, skipping determiners and inline markup; -1 if none."""
    i -= 1
    while i >= 0 and (doc[i].lower_ in ("the", "a", "an") or doc[i].text in MARKUP):
        i -= 1
    return i


def _word_before(doc, i: int) -> str:
    """The lower-case word before token i as _prev finds it; "" if none (a bare doc[-1]
    would read the last token of the doc after a leading "the")."""
    j = _prev(doc, i)
    return doc[j].lower_ if j >= 0 else ""


def _next(doc, i: int) -> int:
    """Index of the first token at or after i that is not inline markup; len(doc) if none."""
    while i < len(doc) and doc[i].text in MARKUP:
        i += 1
    return i


def is_apposed_title(doc, start: int, end: int) -> bool:
    """ "Gul Hassan Hassan, the new Afghan ambassador": an office set beside a named person is
    that person's title (titles are dropped), not a second actor."""
    # the office closes the span (a rule's span ends one token after it); a name inside a
    # title ("Rosa Otunbayeva, the UN special representative") stays an actor
    offices = [k for k in range(max(start, end - 2), end) if doc[k].lower_ in OFFICES]
    if not offices:  # "acting minister of commerce and industry": the portfolio closes the span
        k = end
        while k > start and (
            doc[k - 1].lower_ in PORTFOLIO_WORDS or doc[k - 1].lower_ in ("of", "and", "the")
        ):
            k -= 1
        if k < end and k > start and doc[k - 1].lower_ in OFFICES:
            offices = [end - 1]  # the office's name runs to the span's end
    if not offices:
        return False
    k = offices[-1] + 1
    while (
        k < len(doc)
        and k < end + 6
        and (doc[k].lower_ in PORTFOLIO_WORDS or doc[k].lower_ in ("of", "and"))
    ):
        k += 1  # "… minister of commerce and industry, Nooruddin Azizi"
    # "Azizi … is the second Taliban minister to travel": a description of him, no one else
    for i in range(start - 2, max(-1, start - 5), -1):
        if doc[i].lower_ in COPULAS:
            if doc[i + 1].lower_ in ("the", "a", "an"):
                return True
            break
        if not (doc[i].is_lower and doc[i].is_alpha):
            break
    if k + 1 < len(doc) and doc[k].lower_ in ("in", "to", "at") and doc[k + 1].is_title:
        k += 2  # "Iran's ambassador in Kabul, Alireza Bikdeli": where the office is held
        while k < len(doc) and doc[k].is_title and doc[k].is_alpha:
            k += 1
    if k + 1 < len(doc) and doc[k].text == "," and _is_name(doc, k + 1, forward=True):
        return True  # "the incoming German chancellor, Friedrich Merz, …"
    # "Pakistan's Special Representative for Afghanistan Mohammad Sadiq" (the model's PERSON
    # right after the office, no comma) or "… for Afghanistan, Mohammad Sadiq" (a name after a
    # comma): the office and what it is for, then the name — a title
    j = k
    if j < len(doc) and doc[j].lower_ in ("for", "of", "to", "in", "on"):
        j += 1
        while (
            j < len(doc) and j < k + 6 and (doc[j].is_title or doc[j].lower_ in ("the", "and", "&"))
        ):
            if doc[j].ent_type_ == "PERSON":
                return True
            j += 1
        if j + 1 < len(doc) and doc[j].text == "," and _is_name(doc, j + 1, forward=True):
            return True
    i, skipped = start - 1, 0
    while (
        i >= 0
        and skipped < 5
        and (
            (doc[i].is_lower and doc[i].is_alpha)
            or doc[i].text in ("-", "–")
            or (doc[i].is_title and i + 1 < start and doc[i + 1].text in ("-", "–"))
        )
    ):
        i, skipped = i - 1, skipped + 1  # "the new", "the first", "the Taliban-appointed"
    return i > 0 and doc[i].text == "," and _is_name(doc, i - 1, forward=False)


def _is_name(doc, i: int, forward: bool) -> bool:
    """A person's name at token i (its first token going forward, its last going back):
    the model's PERSON, or two capitalised words the model gave no place or group label
    (a full name it missed: "Asadullah Bilal Karimi, the … ambassador")."""
    j = i + 1 if forward else i - 1
    name = doc[i]
    if name.ent_type_ == "PERSON":
        return True
    return (
        0 <= j < len(doc)
        and name.is_title
        and doc[j].is_title
        and not {name.ent_type_, doc[j].ent_type_} & {"GPE", "LOC", "FAC", "NORP", "DATE", "ORG"}
    )


# "Russia hands Afghan embassy to …", "it hosts an Afghan embassy": a mission as property
PROPERTY_VERBS = {
    "hand", "hands", "handed", "handing", "host", "hosts", "hosted", "hosting", "reopen",
    "reopens", "reopened", "reopening", "vacate", "vacates", "vacated", "seize", "seized",
    "transfer", "transfers", "transferred", "return", "returns", "returned",
}  # fmt: skip


def is_visited_building(doc, start: int, end: int) -> bool:
    """ "a press conference at the Afghan embassy": a mission as the building where
    something happens, after a preposition of place, is a place; one that is handed over,
    hosted or reopened is property (GUIDELINES.md: keeping an embassy open is one-sided)."""
    if doc[end - 1].lower_ not in MISSIONS:
        return False
    i = _prev(doc, start)
    if i >= 0 and doc[i].lower_ in PROPERTY_VERBS:
        return True
    return i >= 0 and doc[i].lower_ in ("at", "in", "inside", "outside", "near", "into", "from")


def is_qualifier(doc, start: int, end: int) -> bool:
    """Any name that is only part of another word or of a title: "Taliban-appointed",
    "pre-Taliban", "Taliban Prime Minister Hassan Akhund", "the Wakhan border"; an office
    beside a named person; a mission's building."""
    if is_apposed_title(doc, start, end) or is_visited_building(doc, start, end):
        return True
    n = len(doc)
    if (
        end < n
        and doc[end].text in ("-", "–")
        and end + 1 < n
        and doc[end + 1].lower_ in HYPHEN_QUALIFIERS
    ):
        return True
    if start > 1 and doc[start - 1].text in ("-", "–") and doc[start - 2].lower_ in PLACE_PREFIXES:
        return True
    if end + 1 < n and doc[end].lower_ in TITLE_WORDS and doc[end + 1].is_title:
        return True
    if title_of_name(doc, start, end):
        return True
    k = _next(doc, end)
    last = k  # "Afghanistan Regional Cooperation Initiative": the name of a meeting or project
    while (
        last < n
        and last - k < 4
        and ((doc[last].is_title and not doc[last].is_stop) or doc[last].text == "&")
    ):
        if doc[last].lower_ in PROJECT_HEADS or doc[last].lower_ in PUBLICATION_HEADS:
            return True  # … or of a publication: "Afghanistan & Neighbours Weekly"
        last += 1
    if (
        k + 2 < n
        and doc[end - 1].is_title
        and doc[k].lower_ in ("and", "-", "–")
        and doc[k + 1].is_title
    ):
        k += 2  # "Sistan and Baluchestan province": both name the province
    if k < n and doc[k].lower_ in (
        "border",
        "province",
        "provinces",
        "corridor",
        "valley",
        "region",
        "district",
    ):
        return True
    return _facility_follows(doc, k)  # "the Aynak copper deposit": the name of a site


def _line_start(doc, i: int) -> bool:
    return i == 0 or "\n" in doc[i - 1].text or "\n" in doc[i - 1].whitespace_


_SLASHED_AGENCY = re.compile(r"^/[A-Z][A-Za-z-]+/\.?$")  # "/TASS/.", "/Xinhua/"


_TIME_STAMP = re.compile(r"^\d{1,2}[:.]\d\d$")


def _after_time_stamp(doc, i: int) -> bool:
    """Token i follows a time stamp that opens its line and a separator: "17:40 | ", "09.15 – "."""
    return (
        i >= 2
        and doc[i - 1].text in ("|", *DASHES)
        and bool(_TIME_STAMP.match(doc[i - 2].text))
        and _line_start(doc, i - 2)
    )


def _dateline_end(doc, start: int, end: int) -> int | None:
    """Past the dateline that the name at START..END opens, or None: "MOSCOW —", "ISLAMABAD:",
    "KABUL, Aug 14 (AWS) -", "New Delhi, Nov 21 (PTI)", "Tehran, IENA –", or the place
    of a header line ("New Delhi | Updated: …")."""
    n = len(doc)
    first = start
    while first > 0 and doc[first - 1].text in MARKUP and not _line_start(doc, first):
        first -= 1  # "**KABUL, Dec. 2 (AfNews)** --": a dateline in bold
    if _after_time_stamp(doc, first):
        first -= 2  # "17:40 | Herat:": a live blog's item, filed from Herat at 17:40
        if end < n and doc[end].text in (":", "|", *DASHES):
            return end + 1
    if end >= n or not _line_start(doc, first):
        return None
    while end + 1 < n and doc[end].text == "/" and doc[end + 1].text[:1].isupper():
        end += 2  # "ISLAMABAD/KABUL:"
    nxt = doc[end].text if end < n else ""
    if nxt in DASHES and all(t.is_upper or t.text == "/" for t in doc[start:end]):
        return end + 1
    if nxt in DASHES and end + 1 < n and doc[end + 1].like_num and _dated_line(doc, end + 1):
        return end + 1  # "Kabul – 27 Aqrab 1404 (18 November 2025)"
    if nxt in DASHES and _opens_paragraph(doc, start, end):
        return end + 1  # "Kabul - Wholesale prices for green raisins rose …": filed from Kabul
    if nxt == "|":
        return end
    if nxt == ":" and all(t.is_alpha and (t.is_title or t.is_upper) for t in doc[start:end]):
        if end + 1 == n or "\n" in doc[end].whitespace_ or "\n" in doc[end + 1].text:
            return end + 1  # "New Delhi:" on a line of its own above the first paragraph
    if nxt not in (",", "("):
        return None
    # the rest of a wire dateline: a date and the agency, up to a dash or the agency's ")"
    seen = bracket = False
    for k in range(end + (nxt == ","), min(n, end + 9)):
        t = doc[k]
        if seen and (t.text in DASHES or t.text[:1] == ")"):  # "(APP):" is one token
            return k + 1
        bracket = t.text == "(" or (bracket and t.text[:1].isupper())
        if bracket and t.text != "(" and doc[k - 1].text != "(":
            continue  # "(Hindukush Wire)": an agency of several words
        if seen and ("\n" in doc[k - 1].whitespace_ or (t.is_space and "\n" in t.text)):
            return k  # "Tashkent, 14 January 2026" on a line of its own
        if seen and _SLASHED_AGENCY.match(t.text):
            return k + 1  # "MOSCOW, March 3. /TASS/."
        if seen and t.text == ".":
            continue
        if doc[k - 1].text == "(" and t.text[:1].isupper():
            continue  # "(Reuters)"
        if (
            t.text == "("
            or t.like_num
            or t.lower_.rstrip(".") in MONTHS
            or t.is_upper
            or (
                t.is_alpha
                and t.text[0].isupper()
                and k + 1 < n
                and (doc[k + 1].text in DASHES or doc[k + 1].text == "(")
            )
        ):  # "(PTI)", "Aug 14", "IENA –", "UzA –", "TASHKENT, Uzbekistan (AP)"
            seen = True
            continue
        return None
    return None


def _opens_paragraph(doc, start: int, end: int) -> bool:
    """The title-case place at START..END and a spaced dash open a paragraph ("Kabul - Prices
    rose …"), not a pairing of two names ("Kabul - Tehran talks")."""
    n = len(doc)
    if not all(t.is_alpha and t.is_title for t in doc[start:end]) or end + 1 >= n:
        return False
    if not (doc[end - 1].whitespace_ and doc[end].whitespace_):
        return False  # "Kabul-Tehran": one compound
    first = doc[end + 1]
    if not first.is_title or first.ent_type_ in ("GPE", "LOC", "NORP"):
        return False
    words = 0
    for t in doc[end + 1 : min(n, end + 40)]:
        if "\n" in t.text:
            break
        words += t.is_alpha
        if "\n" in t.whitespace_:
            break
    return words >= 10


def names_a_project(doc, start: int) -> bool:
    """ "the … gas pipeline, known as TAPI", "a corridor dubbed CPEC": the name of the route or
    project just mentioned, not an actor."""
    i = _prev(doc, start)
    if i > 0 and doc[i].lower_ == "as" and doc[i - 1].lower_ in ("known", "called"):
        i -= 1
    elif not (i >= 0 and doc[i].lower_ in ("dubbed", "called", "named")):
        return False
    i -= 1
    if i >= 0 and doc[i].text in (",", "(", "—", "–"):
        i -= 1
    return i >= 0 and (doc[i].lower_ in ROUTE_NOUNS or doc[i].lower_ in PROJECT_NOUNS)


def _dated_line(doc, i: int) -> bool:
    """The rest of the line from token i is a date and little else: a day, a month's name
    (any calendar's), a year."""
    k, years = i, 0
    while k < len(doc) and "\n" not in doc[k].text and k < i + 12:
        t = doc[k]
        if t.like_num and len(t.text) == 4:
            years += 1
        elif not (t.like_num or t.is_title or t.is_punct or t.lower_.rstrip(".") in MONTHS):
            return False
        if "\n" in t.whitespace_:
            break
        k += 1
    return years > 0


def is_dateline(doc, start: int, end: int) -> bool:
    """The place a line's dateline names: where the story was filed, no actor."""
    return _dateline_end(doc, start, end) is not None


def is_bare_demonym(doc, start: int, end: int) -> bool:
    """ "every intelligence service, Afghan, Pakistani or Uzbek.", "repacked as Iranian.",
    "translation from Russian": a demonym (or a list of them) whose noun is left out or is a
    language, so no group is named; "Afghan and Pakistani officials" names one."""
    if end - start != 1 or doc[start].text not in DEMONYMS:
        return False
    k, n = end, len(doc)
    while k < n and (doc[k].text in DEMONYMS or doc[k].lower_ in (",", "or", "and", "nor")):
        if "\n" in doc[k - 1].whitespace_:
            return True
        k += 1
    return (
        k == n
        or "\n" in doc[k - 1].whitespace_
        or "\n" in doc[k].text
        or doc[k].text in (".", ";", "!", "?", ")")
        or doc[k - 1].text == ","  # "repacked as Iranian, but …": the comma ends the phrase
    )


def in_dateline(doc, start: int, end: int) -> bool:
    """The place or the agency of a dateline ("(PTI)", "Tehran, IENA –"): neither acts."""
    if is_dateline(doc, start, end):
        return True
    # an agency is upper-case or in brackets; a country after its town's comma
    opening = start
    while opening > 0 and doc[opening - 1].is_title and not _line_start(doc, opening):
        opening -= 1  # "(Pamir Wire)": the model may take the agency's last word alone
    agency = doc[start].is_upper or (opening > 0 and doc[opening - 1].text in ("(", ",", *DASHES))
    if not agency and not (end < len(doc) and doc[end].text in DASHES):
        return False  # an agency is upper-case or in brackets, or a dash follows it
    i = start
    while i > 0 and start - i < 8 and not _line_start(doc, i):
        i -= 1
    if not _line_start(doc, i) or i == start:
        return False
    j = i
    while j < start and (doc[j].is_title or doc[j].is_upper) and doc[j].is_alpha:
        j += 1
    stop = _dateline_end(doc, i, j) if j > i else None
    if stop == start and end < len(doc) and doc[end].text in (".", ":"):
        return True  # "MOSCOW, October 8 – EurAsia-Press.": the agency after the dateline's dash
    return stop is not None and end <= stop


def in_affiliation(doc, start: int) -> bool:
    """A name inside the model's organisation that is a commentator's employer: "deputy head of
    the Afghanistan Chamber of Commerce"."""
    k = start
    while k > 0 and doc[k].ent_iob_ == "I":
        k -= 1
    if doc[k].ent_type_ != "ORG" or doc[k].ent_iob_ != "B":
        return False
    return is_affiliation(doc, k)


def is_affiliation(doc, start: int) -> bool:
    """ "a senior expert at the United States Institute of Peace": who a commentator works for;
    "he told Tolo News", "in an interview with X": an outlet that merely carries a quote."""
    if start > 1 and doc[start - 1].text == "(":  # "… Research Foundation (ORF)": its acronym
        j = start - 2
        while j >= 0 and (doc[j].is_title or doc[j].lower_ in ("of", "for", "on", "and", "&")):
            j -= 1
        if j + 1 < start - 1 and is_affiliation(doc, j + 1):
            return True
    i = _prev(doc, start)
    if i >= 0 and doc[i].lower_ == "told":
        return True
    if i > 1 and doc[i].lower_ in ("with", "to") and _word_before(doc, i) == "interview":
        return True
    if i > 1 and doc[i].lower_ == "at" and doc[i - 1].text == "," and _is_name(doc, i - 2, False):
        return True  # "Aleksei Zakharov, at the Observer Research Foundation"
    if i > 0 and doc[i].lower_ == "at":
        if any(doc[k].lower_ in AFFILIATED_VERBS for k in range(max(0, i - 4), i)):
            return True  # "who studies the border at the Institute of Regional Studies"
    return i > 0 and doc[i].lower_ in ("at", "of", "with") and doc[i - 1].lower_ in AFFILIATED


# things that lie between two places: what stands "between" them names their ends
SPANNING = {
    "banks", "border", "borders", "frontier", "road", "roads", "railway", "railways", "rail",
    "highway", "bridge", "bridges", "river", "crossing", "crossings", "line", "lines",
    "pipeline", "route", "routes", "corridor", "flights", "distance", "boundary",
}  # fmt: skip


def _between_ends_of(doc, start: int) -> bool:
    """ "banks between X and Y", "the road between X, Y and Z": the name is one of its ends."""
    k = start - 1
    while k >= 0 and start - k <= 8:
        t = doc[k]
        if t.lower_ == "between":
            return k > 0 and doc[k - 1].lower_ in SPANNING
        if not (t.is_title or t.lower_ in ("and", ",", "the", "-")):
            return False
        k -= 1
    return False


def is_place(doc, start: int, end: int) -> bool:
    """A place, a route, an owner of territory or part of another word — not an actor."""
    n = len(doc)
    after = doc[end] if end < n else None
    before = doc[start - 1] if start > 0 else None
    if is_dateline(doc, start, end):
        return True
    if _between_ends_of(doc, start):
        return True  # "the river banks between Tajikistan and Afghanistan": the two ends
    if after is not None and after.lower_ in ("'s", "’s", "'", "’"):
        near = [doc[k].lower_ for k in range(end + 1, min(n, end + 3))]  # the words it owns
        k = _hyphenated_name_end(doc, end + 1)
        if (
            k > end + 1
            and k < n
            and (
                doc[k].lower_ in FACILITY_FOLLOWERS
                or doc[k].lower_ in TOWN_OWNERS
                or doc[k].lower_
                in ("corridor", "valley", "pass")  # "Afghanistan's Wakhan corridor"
            )
        ):
            return (
                True  # "Delhi's Khari Baoli market", "Kabul's Shar-e-Naw district": a site's owner
            )
        if (
            k > end + 1
            and doc[end + 1].ent_type_ in ("GPE", "LOC", "FAC")
            and (k >= n or doc[k].lower_ in ("and", "or", ",", ".", ";", ":", ")"))
        ):
            return True  # "compete with Iran's Chabahar and Bandar Abbas": the owner of a town
        head = _possessed_head(doc, end + 1)
        if head in near and "and" not in near and (head in POLICY_WORDS or head in OWNED_BODIES):
            return False  # "Iran's eastern bet", "Iran's border guards": its policy, its men
        return (
            not TERRITORY.isdisjoint(near)
            or (  # "Afghanistan's Taliban rulers", not "Beijing's Taliban overtures"
                end + 1 < n
                and doc[end + 1].text == "Taliban"
                and not (end + 2 < n and doc[end + 2].lower_ in POLICY_WORDS)
            )
            or head in TERRITORY
        )
    if after is not None:
        if after.lower_ in QUALIFIED or after.lower_ in TITLE_WORDS:
            return True
        if after.is_title and after.lower_ in FACILITY_WORDS:
            return True  # "Kabul University", "Kabul Airport": part of a site's own name
        if after.text in ("-", "–") and end + 1 < n and _joined(doc, end):
            nxt = doc[end + 1]
            if nxt.lower_ in HYPHEN_QUALIFIERS:
                return True
            if nxt.is_title and _compound_head(doc, end):
                return True  # "Iran–Afghanistan trade", "the Kabul-Delhi air cargo link"
        if _facility_follows(doc, end):
            return True
    if before is not None and before.text in TOWN_PREFIXES:
        return True  # "Bandar Abbas": the model's person is a port
    if _venue_of_event(doc, start, end):
        return True  # "the JCC meeting, Islamabad (tbc)": where the event is held
    if is_apposed_place(doc, end) or _ranked_economy(doc, start, end):
        return True
    if before is not None:
        if before.text in ("-", "–") and start > 1 and doc[start - 2].lower_ in PLACE_PREFIXES:
            return True
        if before.lower_ in PLACE_ADJECTIVES or before.lower_ in VISIT_VERBS:
            return True
        if (
            before.text[:1].isupper()
            and start > 2
            and doc[start - 2].text in ("-", "–")
            and doc[start - 3].lower_ in PLACE_PREFIXES
        ):
            return True  # "post-NATO Afghanistan", "post-Soviet Tajikistan"
        if (
            before.text in ("-", "–")
            and start > 1
            and doc[start - 2].is_title
            and _joined(doc, start - 1)
        ):
            # the second of "Iran–Afghanistan …": the first one's fate decides
            first = start - 2
            while first > 0 and doc[first - 1].text in ("-", "–") and first > 1:
                first -= 2
            return is_place(doc, first, first + 1) if first != start else False
    i = _governor(doc, start)
    if i < 0:
        return False
    prep = doc[i].lower_
    if prep in VISIT_VERBS or prep in LINK_VERBS or prep in RULE_VERBS or prep in ROUTE_VERBS:
        return True
    if prep in MAKE_VERBS and _into_follows(doc, end):
        return True  # "would turn Afghanistan into a hub", "turn X from a … country into …"
    if prep == "between":  # "the corridor between Kabul and Delhi", not "talks between …"
        return any(doc[k].lower_ in ROUTE_NOUNS for k in range(max(0, i - 4), i))
    if doc[i].text == "For" and _opens_sentence(doc, i):
        return False  # "For Moscow, the relationship was …": whose view, an actor
    if prep == "of" and i > 0 and doc[i - 1].lower_ in COMPASS:
        return True  # "north of Kabul"
    if prep == "of" and _word_before(doc, i) in TOWN_OWNERS:
        return True  # "the substation of Islam Qala", "the Western zone of Afghanistan"
    if prep == "of" and _word_before(doc, i) == "out":
        return True  # "pushed out of Pakistan": a place left
    if prep == "like" and _word_before(doc, i) in TOWN_OWNERS:
        return True  # "in provinces like Bamiyan": an example of a place
    if prep == "of" and _word_before(doc, i) in OWNED_BY:
        return True  # "the independence of Afghanistan", "the people of Iran"
    if prep == "with":
        if i > 1 and doc[i - 1].lower_ in ("trade", "commerce") and doc[i - 2].text in ("'s", "’s"):
            return True  # "Uzbekistan's trade with Afghanistan": the other economy
        return _word_before(doc, i) in BORDER_WORDS
    if prep in PLACE_PREPOSITIONS:
        j = _prev(doc, i)
        while j > 0 and doc[j].is_lower and doc[j].lower_.endswith("ly"):
            j = _prev(doc, j)  # "aimed squarely at Washington"
        before_prep = doc[j].lower_ if i > 0 and j >= 0 else ""
        if prep == "from" and before_prep in FROM_RELATIONAL:
            return False
        if prep == "at" and before_prep in TARGETING:
            return False
        if prep == "for" and before_prep in FOR_WHOSE:
            return False  # "crucial for China", "rules for Iran": whose interest, whose terms
        if prep == "for" and j >= 0 and doc[j].ent_type_ == "PERSON" and doc[j].is_title:
            return False  # "… and Ilkhom Makhkamov for Uzbekistan" (signed): whose side
        if prep == "to" and before_prep in MATTERS_TO:
            return False  # "why the line matters to Tehran": whose interest
        if prep == "to" and _receives(doc, i):
            return False  # "Invitations have gone to Kabul", "Russia will deliver wheat to …"
        return not (prep in ("to", "toward", "towards", "on") and before_prep in RELATIONAL)
    return False


def _receives(doc, i: int) -> bool:
    """The name after "to" (token I) receives what comes before it: a message ("Invitations
    have gone to Kabul, Tehran …") or what a giver gives ("Russia will deliver wheat to
    Afghanistan"; not "LPG will be delivered to Afghanistan": goods sent somewhere)."""
    if any(doc[k].lower_ in MESSAGES for k in range(max(0, i - 5), i)):
        return True
    return any(
        doc[k].lower_ in GIVING and (k == 0 or doc[k - 1].lower_ not in PASSIVE)
        for k in range(max(0, i - 6), i)
    )


# what is held somewhere: its venue may follow it after a comma
EVENT_NOUNS = {
    "meeting", "meetings", "talks", "conference", "summit", "forum", "fair", "expo", "session",
    "round", "ceremony", "signing", "exhibition", "festival", "dialogue", "consultations",
}  # fmt: skip


def _venue_of_event(doc, start: int, end: int) -> bool:
    """ "the JCC meeting, Islamabad (tbc)", "connectivity conference, Tashkent.": a place named
    after an event and a comma, closing the phrase, is where the event is held."""
    n = len(doc)
    if start < 2 or doc[start - 1].text != "," or doc[start - 2].lower_ not in EVENT_NOUNS:
        return False
    return (
        end >= n
        or doc[end].text in (".", ",", ";", "(", ")", "—", "–", "-")
        or ("\n" in doc[end - 1].whitespace_ or doc[end].is_space)
    )


def _ranked_economy(doc, start: int, end: int) -> bool:
    """ "Iran is Afghanistan's largest trading partner after Pakistan", "the third-largest buyer
    of Iranian goods after China and Iraq": the economies a trade ranking names."""
    n = len(doc)
    if end < n and doc[end].lower_ in COPULAS:
        words = [t.lower_ for t in doc[end + 1 : min(n, end + 8)]]
        for j, w in enumerate(words):
            if w in RANKED:
                return any(r in RANKS for r in words[:j])
            if w in (".", ",", ";", "and", "but"):
                break
    i = _governor(doc, start)
    if i > 0 and doc[i].lower_ == "after":
        window = [t.lower_ for t in doc[max(0, i - 7) : i]]
        return any(w in RANKED for w in window) and any(w in RANKS for w in window)
    return False


def _into_follows(doc, end: int) -> bool:
    """ "into" right after the name, or after a "from …" phrase of lower-case words."""
    k = _next(doc, end)
    if k < len(doc) and doc[k].lower_ == "from":
        k += 1
        while k < len(doc) and k < end + 8 and doc[k].is_lower and doc[k].lower_ != "into":
            k += 1
    return k < len(doc) and doc[k].lower_ == "into"


# "Hairatan is a port on the Amu Darya": what a town is said to be
TOWN_KINDS = {
    "port", "town", "city", "village", "district", "province", "crossing", "river", "pass",
    "valley", "oasis", "settlement", "station", "junction", "seaport",
}  # fmt: skip


def is_said_to_be_a_town(doc, end: int) -> bool:
    """ "Hairatan is a port on the Amu Darya", "Torkham is the busiest crossing": the name is
    defined as a place (a copula, an article, at most two adjectives, a town's kind)."""
    n = len(doc)
    if (
        end + 2 >= n
        or doc[end].lower_ not in COPULAS
        or doc[end + 1].lower_ not in ("a", "an", "the")
    ):
        return False
    for k in range(end + 2, min(n, end + 5)):
        if doc[k].lower_ in TOWN_KINDS:
            return True
        if not (doc[k].is_lower and doc[k].is_alpha) and doc[k].text not in ("-", "–"):
            return False
    return False


def is_apposed_place(doc, end: int) -> bool:
    """ "Chabahar, the Iranian port where …", "Termez, a border town": the name is set beside
    the kind of place it is."""
    n = len(doc)
    if end + 2 >= n or doc[end].text != ",":
        return False
    k = end + 1
    if doc[k].lower_ not in ("the", "a", "an"):
        return False
    for j in range(k + 1, min(n, k + 4)):
        if doc[j].lower_ in TOWN_OWNERS or doc[j].lower_ in FACILITY_FOLLOWERS:
            return j + 1 >= n or not doc[j + 1].lower_ == "of"  # "the capital of …" is no place
        if not (doc[j].is_alpha and (doc[j].is_lower or doc[j].text in DEMONYMS)):
            return False
    return False


def title_of_name(doc, start: int, end: int) -> bool:
    """ "Taliban foreign ministry spokesman Abdul Qahar Balkhi": a name before the lower-case
    words of an office and a person's name is part of that person's title (titles drop)."""
    n, k = len(doc), end
    while (
        k < n
        and doc[k].is_lower
        and (
            doc[k].lower_ in TITLE_WORDS
            or doc[k].lower_ in OFFICES
            or doc[k].lower_ in OFFICE_PARTS
        )
    ):
        k += 1
    if not (k > end and doc[k - 1].lower_ in OFFICE_OR_TITLE):
        return False
    if k < n and _is_name(doc, k, forward=True):
        return True
    # "Amir Khan Muttaqi, the first Taliban foreign minister to visit …": a description of a
    # named person ("Rosa Otunbayeva, the UN special representative, said" keeps the UN)
    if not (k < n and doc[k].lower_ == "to"):
        return False
    i, skipped = start - 1, 0
    while i >= 0 and skipped < 4 and doc[i].is_lower and doc[i].is_alpha:
        i, skipped = i - 1, skipped + 1
    return skipped > 0 and i > 0 and doc[i].text == "," and _is_name(doc, i - 1, forward=False)


def _governor(doc, start: int, commas: bool = True) -> int:
    """Index of the word that governs the name at START, past a coordination of names:
    "in" for "in Kabul, Herat and Mazar-i-Sharif"; -1 if none. Without COMMAS, a comma
    ends the walk ("in Kabul, Alireza Bikdeli": an apposition, no list)."""
    i = _prev(doc, start)
    while i >= 0 and doc[i].text in COORDINATION and (commas or doc[i].text != ","):
        j = _prev(doc, i)
        if j < 0 or not doc[j].is_title:
            break
        while j > 0 and (doc[j - 1].is_title or (doc[j - 1].text in ("-", "–") and j > 1)):
            j -= 1  # a hyphenated place: "Mazar-i-Sharif"
            while (
                j > 0
                and doc[j].text in ("-", "–")
                and (doc[j - 1].is_lower and len(doc[j - 1]) <= 3)
            ):
                j -= 1
        i = _prev(doc, j)
    return i


# people named by what they do or where they live: "a shopkeeper from Jurm" comes from a town
RESIDENTS = {
    "farmer", "farmers", "shopkeeper", "shopkeepers", "trader", "traders", "merchant",
    "merchants", "resident", "residents", "villager", "villagers", "driver", "drivers",
    "worker", "workers", "labourer", "labourers", "laborer", "laborers", "student", "students",
    "teacher", "teachers", "doctor", "doctors", "nurse", "nurses", "man", "men", "woman",
    "women", "boy", "girl", "mother", "father", "family", "families", "refugee", "refugees",
    "returnee", "returnees", "elder", "elders", "herder", "herders", "vendor", "vendors",
    "businessman", "businessmen", "businesswoman", "exporter", "exporters", "grower", "growers",
    "pilgrim", "pilgrims", "migrant", "migrants", "carpenter", "tailor", "baker", "pharmacist",
}  # fmt: skip
# "patrols on the Panj", "across the Amu": a river or a range, named with its article
ALONG_WORDS = {"on", "along", "across", "over", "cross", "crossed", "crosses", "crossing", "up"}


def in_town_context(doc, start: int, end: int, person: bool = False) -> bool:
    """A bare name of one or two capitalised words where the words around it expect a town:
    "projects in Kabul, Herat and Mazar-i-Sharif", "the port of Karachi", "a line from Surkhan
    to Puli Khumri", "links St Petersburg with …". The small model often calls such a town an
    organisation or a person; a name the gazetteer knows never comes here. A PERSON is a town
    only after words that never take a person ("in", "the port of"), not after "to"."""
    if start > 0 and doc[start - 1].text in TOWN_PREFIXES:
        return True  # "through Chabahar and Bandar Abbas"
    names = [t for t in doc[start:end] if t.lower_ not in ("and", ",")]
    if end - start > 2 and len(names) <= 3 and names and end - start - len(names) == 1:
        # "through Torghundi and Herat": the model's one span over two towns
        first = next(k for k in range(start, end) if doc[k].lower_ in ("and", ","))
        return in_town_context(doc, start, first, person) and all(
            t.is_title and t.is_alpha for t in names
        )
    words = [t for t in doc[start:end] if t.text not in ("-", "–")]
    if len(words) > 2 or not all(t.is_title and t.is_alpha for t in words):
        return False
    if end < len(doc) and not names_a_body(doc, start, end):
        head = _possessed_head(doc, end) or doc[end].lower_
        if head in SITE_HEADS or doc[end].lower_ in SITE_HEADS:
            return True  # "$500 million for Herat rail line", "the Termez-Mazar power line"
    # a person's name after a comma is an apposition ("in Kabul, Alireza Bikdeli, said"),
    # unless an "and" shows a list ("in Kandahar, Ghazni and Kunduz")
    listed = (start > 0 and doc[start - 1].lower_ in ("and", "or")) or (
        end < len(doc) and doc[end].lower_ in ("and", "or")
    )
    i = _governor(doc, start, commas=listed or not person)
    if i < 0:
        return False
    word = doc[i].lower_
    before = _word_before(doc, i)
    if word in VISIT_VERBS or word in LINK_VERBS:
        return True
    if word == "of":
        return before in TOWN_OWNERS
    if word == "from" and before in RESIDENTS:
        return True  # "a shopkeeper from Jurm": where people live, never who acts
    if word in ALONG_WORDS and i + 1 == start - 1 and doc[start - 1].lower_ == "the":
        return end - start == 1  # "river patrols on the Panj": one name with its article
    if word in ("between", "from") or (word == "to" and before not in ("according", "due")):
        route = any(doc[k].lower_ in ROUTE_NOUNS for k in range(max(0, i - 6), i))
        if route or word == "between":
            return route
        return not person and word == "to" and before not in RELATIONAL and before != "thanks"
    if word == "for":
        return _listed_names(doc, i + 1) >= 3  # "megawatts for Herat, Farah and Nimroz"
    if word == "like" and before in TOWN_OWNERS:
        return True  # "in provinces like Bamiyan"
    return word in ("in", "near", "inside", "at", "through", "via", "outside", "around")


def _listed_names(doc, i: int) -> int:
    """How many bare capitalised names a list from token i holds: "Herat, Farah and Nimroz" 3."""
    count, k, n = 0, i, len(doc)
    while k < n and doc[k].is_title and doc[k].is_alpha:
        while k < n and doc[k].is_title and doc[k].is_alpha:
            k += 1
        count += 1
        if k < n and doc[k].text == "," and k + 1 < n and doc[k + 1].lower_ == "and":
            k += 2
        elif k < n and doc[k].text in (",", "and"):
            k += 1
        else:
            break
    return count


def _joined(doc, dash: int) -> bool:
    """The dash at DASH joins two words ("Iran–Afghanistan"); a spaced one sets off a clause
    ("in Ukraine and Gaza – Washington continues")."""
    return not doc[dash - 1].whitespace_ and not doc[dash].whitespace_


def _opens_sentence(doc, i: int) -> bool:
    """Token i begins a sentence or a line (no parser: the punctuation before it says so)."""
    return _line_start(doc, i) or doc[i - 1].text in (".", "!", "?", ":", '"', "“")


def _compound_head(doc, end: int) -> bool:
    """ "Iran–Afghanistan trade", "Turkmenistan–Afghanistan–Pakistan–India gas pipeline",
    "the Iran-Afghanistan Joint Economic Commission": names joined by dashes from token END
    on modify what follows them — a route, a border, or a name of its own."""
    n, k = len(doc), end
    while k + 1 < n and doc[k].text in ("-", "–") and doc[k + 1].is_title and _joined(doc, k):
        k += 2
    k = _next(doc, k)
    if k >= n or k == end:
        return False
    if doc[k].is_title:  # the names open another name, if it names a body, a route, a deal
        last = k  # (a headline's "Pakistan–Afghanistan Relations Sour" keeps its two states)
        while last + 1 < n and last - k < 4 and doc[last + 1].is_title:
            last += 1
        return any(
            doc[j].lower_ in NAMED_HEADS or doc[j].lower_ in BODY_WORDS for j in range(k, last + 1)
        )
    head = _possessed_head(doc, k) or doc[k].lower_
    return head in QUALIFIED or head in ROUTE_NOUNS or doc[k].lower_ in QUALIFIED


# the short joining words of a hyphenated place name: "Mazar-i-Sharif", "Shar-e-Naw", "Mil-e 73"
NAME_PARTICLES = {"i", "e", "ul", "al", "el", "o", "u", "ye", "y", "da", "de"}


def _hyphenated_name_end(doc, k: int) -> int:
    """Past the capitalised words of a name from token K, hyphenated ones included
    ("Shar-e-Naw"); K itself when no capitalised word stands there."""
    n, start = len(doc), k
    while k < n and k < start + 8:
        if doc[k].is_title and doc[k].is_alpha:
            k += 1
        elif (
            k > start
            and k + 1 < n
            and doc[k].text in ("-", "–")
            and _joined(doc, k)
            and (doc[k + 1].is_title or doc[k + 1].lower_ in NAME_PARTICLES)
        ):
            k += 1  # the hyphen, then the particle ("-e-") or the next word
            if doc[k].lower_ in NAME_PARTICLES and not doc[k].is_title:
                k += 1
        else:
            break
    return k


def is_name_fragment(doc, start: int, end: int) -> bool:
    """One piece of a hyphenated place name the small model cut apart: "Sharif" of
    "Mazar-i-Sharif", "Mil" of "Mil-e 73"."""
    n = len(doc)
    if end + 1 < n and doc[end].text in ("-", "–") and _joined(doc, end):
        if doc[end + 1].lower_ in NAME_PARTICLES:
            return True
    return (
        start > 1
        and doc[start - 1].text in ("-", "–")
        and doc[start - 2].lower_ in NAME_PARTICLES
        and _joined(doc, start - 1)
    )


def _possessed_head(doc, i: int) -> str:
    """The head noun of the lower-case phrase from token i: "oil and mining sectors" ->
    "sectors"; it ends at the first word that is not lower case or a coordination."""
    head, k = "", i
    while k < len(doc) and k < i + 6:
        tok = doc[k]
        if tok.lower_ in ("and", "-", "–") and head:
            k += 1
            continue
        if not (tok.is_lower and tok.is_alpha) or tok.is_stop:
            break
        head, k = tok.lower_, k + 1
    return head


def _facility_follows(doc, end: int) -> bool:
    """ "… crossing", "… copper deposit": a facility word next, or after one lower-case word."""
    n = len(doc)
    if end < n and doc[end].lower_ in FACILITY_FOLLOWERS:
        return True
    return (
        end + 1 < n
        and doc[end].is_lower
        and doc[end].is_alpha
        and not doc[end].is_stop  # "the Taliban are building": a verb, not a site's kind
        and (doc[end + 1].lower_ in FACILITY_FOLLOWERS or doc[end + 1].lower_ == "works")
    )  # ("the Jabal Saraj cement works"; "works" alone after a name is a verb)


# plural place nouns whose colon opens a list of places: "designated crossings: Torkham, Chaman"
PLACE_LISTS = {
    "crossings", "crossing", "points", "ports", "cities", "towns", "provinces", "districts",
    "airports", "stations", "passes", "border", "borders", "markets", "terminals", "routes",
}  # fmt: skip


def is_listed_place(doc, start: int) -> bool:
    """One of the names a colon after a place noun lists: "cleared only at designated
    crossings: Torkham, Chaman, Ghulam Khan and Angoor Adda"."""
    k = start - 1
    while k > 0 and k > start - 16 and (doc[k].is_title or doc[k].lower_ in COORDINATION):
        k -= 1
    return k > 0 and doc[k].text == ":" and doc[k - 1].lower_ in PLACE_LISTS


def is_facility(doc, start: int, end: int) -> bool:
    last = doc[end - 1].lower_
    return last in FACILITY_WORDS or _facility_follows(doc, end)


HONORIFICS = {
    "mr", "mrs", "ms", "dr", "prof", "mullah", "sheikh", "maulvi", "mawlawi", "haji", "hajji",
    "general", "gen", "colonel", "sir", "lord", "madam",
}  # fmt: skip
SENTENCE_OPENERS = {".", "!", "?", ":", ";", '"', "“", "'", "‘", "(", "-", "–", "—"}


def surname_repeats(doc, chosen, taken) -> list[tuple[int, int]]:
    """Later single-token mentions of a suggested person's surname ("Zakharov" after
    "Aleksei Zakharov"): surname-only repeats count (GUIDELINES.md)."""
    surnames = set()
    for start, end, label, attrs in chosen:
        if label == "ACTOR" and attrs.get("kind") == "person" and end - start >= 2:
            surnames.add(doc[end - 1].text)
    if not surnames:
        return []
    out = []
    for tok in doc:
        if tok.text in surnames and not taken[tok.i]:
            if tok.i > 0 and doc[tok.i - 1].text in TOWN_PREFIXES:
                continue  # "Bandar Abbas" after "Amir-Abbas Hoveyda"
            if tok.text in DEMONYMS and tok.ent_type_ == "NORP":
                continue  # "the Afghan side" after a name that ends in "Afghan": an adjective
            if tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ in FACILITY_FOLLOWERS:
                continue  # "the Kamal Khan Dam"
            if in_dateline(doc, tok.i, tok.i + 1) or in_credit(doc, tok.i):
                continue  # "KABUL, Dec 2 (Pamir Wire) -" after a masthead the model took for a name
            prev = doc[tok.i - 1] if tok.i > 0 else None
            if (
                prev is not None
                and prev.is_title
                and prev.is_alpha
                and not taken[prev.i]
                and prev.lower_ not in OFFICE_OR_TITLE
                and prev.lower_.rstrip(".") not in HONORIFICS
                and not (prev.i == 0 or doc[prev.i - 1].text in SENTENCE_OPENERS)
                and "\n" not in doc[prev.i - 1].text
            ):
                continue  # "Ghulam Khan" after "Amir Khan Muttaqi": another name's last word
            out.append((tok.i, tok.i + 1))
    return out


def coordinated_names(doc, chosen, taken, blocked) -> list[tuple[int, int]]:
    """ "Rosneft and Gazprom", "Ariana Afghan Airlines and Kam Air": a run of capitalised words
    the model left unlabelled, joined by "and" to a suggested actor, is one more of its kind."""
    n, out = len(doc), []

    def ok(k: int) -> bool:
        t = doc[k]
        return (
            t.is_alpha
            and (t.is_title or t.is_upper)
            and not t.is_stop
            and not t.ent_type_
            and not taken[k]
            and not blocked[k]
            and t.text not in DEMONYMS
        )

    for start, end, label, _attrs in chosen:
        if label != "ACTOR":
            continue
        if end + 1 < n and doc[end].lower_ == "and" and ok(end + 1):
            k = end + 1
            while k < n and k - end <= 3 and ok(k):
                k += 1
            if k < n and not (doc[k].is_title or doc[k].is_upper):
                out.append((end + 1, k))
        if start > 1 and doc[start - 1].lower_ == "and" and ok(start - 2):
            k = start - 2
            while k > 0 and start - k <= 4 and ok(k - 1):
                k -= 1
            if k == 0 or not (doc[k - 1].is_title or doc[k - 1].is_upper):
                out.append((k, start - 1))
    return sorted(set(out))


# the words that make a place's name the name of a body: "… Customs Administration"
BODY_WORDS = {
    "administration", "ministry", "bank", "council", "commission", "authority", "authorities",
    "company", "corporation", "customs", "agency", "government", "court", "parliament", "office",
    "railways", "airlines", "airways", "committee", "department", "organisation", "organization",
    "service", "services", "forces", "army", "police", "embassy", "consulate", "group",
}  # fmt: skip

# the last word of a body's name before "in <town>": "… Chamber of Commerce and Industry in"
BODY_HEADS = BODY_WORDS | {
    "chamber", "industry", "union", "association", "federation", "institute", "university",
    "foundation", "centre", "center", "board", "directorate", "enterprise", "municipality",
}  # fmt: skip


def in_affiliated_name(doc, start: int) -> bool:
    """A name at the end of a commentator's employer's name the model did not find: "an
    Afghanistan specialist at the Centre for the Study of Contemporary Afghanistan"."""
    k = start - 1
    while k > 0 and (doc[k].is_title or doc[k].lower_ in ("of", "for", "the", "and", "&")):
        k -= 1
    first = k + 1
    while first < start and not doc[first].is_title:
        first += 1
    if first >= start or not any(t.lower_ in BODY_HEADS for t in doc[first:start] if t.is_title):
        return False
    return is_affiliation(doc, first)


def office_at_body(doc, start: int, end: int) -> bool:
    """A body named inside a person's office: "Qatar's Minister of State at the Ministry of
    Foreign Affairs, Mohammed Al-Khulaifi, said" — the office and its body are the title."""
    n = len(doc)
    if start < 3 or doc[start - 1].lower_ != "the" or doc[start - 2].lower_ != "at":
        return False
    if not any(t.lower_ in OFFICES for t in doc[max(0, start - 7) : start - 2]):
        return False
    k = start
    while k < min(n, start + 10) and (doc[k].is_title or doc[k].lower_ in ("of", "and", "&")):
        k += 1
    return k + 1 < n and doc[k].text == "," and _is_name(doc, k + 1, forward=True)


def body_ends_at(doc, k: int) -> bool:
    """Whether a capitalised body's name ends just before token K."""
    return k > 1 and doc[k - 1].is_title and doc[k - 1].lower_ in BODY_HEADS


COMPANY_WORDS = {
    "limited", "ltd", "inc", "co", "corp", "plc", "llc", "jsc", "holding", "holdings", "ports",
    "petroleum", "oil", "gas", "energy", "mining", "logistics", "trading", "industries",
}  # fmt: skip


def names_a_body(doc, start: int, end: int) -> bool:
    return any(t.lower_ in BODY_WORDS for t in doc[start:end])


def is_body_name(doc, start: int, end: int, inner: tuple[int, int]) -> bool:
    """START..END is a body's name that holds a state's name INNER: "Pakistan Railways",
    "Central Bank of Iran", "Da Afghanistan Breshna Sherkat" — capitalised words (and "of",
    "and", "for" between them) with no office, title or place word."""
    words = [t for t in doc[start:end] if not inner[0] <= t.i < inner[1]]
    named = [t for t in words if t.lower_ not in ("of", "and", "for", "&")]
    # a body's word must be there: a headline's "Russia Hosts Talks" is no body
    bodied = any(t.lower_ in BODY_HEADS or t.lower_ in COMPANY_WORDS for t in named)
    return bool(named) and bodied and is_company_name(doc, named)


def is_company_name(doc, words) -> bool:
    """Capitalised words with no office, title or place word among them ("Railways",
    "Ports Global Limited", "Temir Zholy")."""
    return all(t.is_alpha and (t.is_title or t.is_upper) for t in words) and not any(
        t.lower_ in TITLE_WORDS
        or t.lower_ in OFFICES
        or t.lower_ in QUALIFIED
        or t.lower_ in FACILITY_WORDS
        for t in words
    )


# a body named by its kind alone: "the Ministry's headquarters" is an anaphor, not a name
BARE_BODIES = {
    "ministry", "government", "council", "court", "embassy", "parliament", "cabinet",
    "commission", "committee", "directorate", "department", "office", "agency", "authority",
    "company", "corporation", "bank", "army", "administration", "secretariat", "presidency",
}  # fmt: skip
_MODEL_NUMBER = re.compile(r"^[A-Z]{0,3}-?\d{2,4}[A-Z]{0,3}$")
_YEAR_NUMBER = re.compile(r"^(19|20)\d\d$")


# languages that are no people's demonym, and kinds of file: never an actor
LANGUAGES = {"Pashto", "Pashtu", "Dari", "Farsi", "Urdu", "Hindi", "Arabic"}
# units the model takes for bodies: "300 MW", "a 500 kV line"
UNITS = {"MW", "GW", "kW", "KW", "kV", "KV", "MWh", "GWh", "kWh", "TWh", "bcm", "BCM", "km"}
FILE_KINDS = {"PDF", "DOC", "DOCX", "XLS", "XLSX", "CSV", "MP3", "MP4", "JPG", "PNG", "HTML", "RSS"}


def is_not_a_name(doc, start: int, end: int) -> bool:
    """What the small model labels but no annotator marks: a lower-case word ("including
    supreme leader …"), a body named by its kind alone ("the Ministry's headquarters"), a
    maker before its product's model number ("an Airbus A310", "Boeing 737")."""
    if end - start != 1:
        return False
    tok = doc[start]
    if tok.is_lower:
        return True
    if tok.lower_ in BARE_BODIES and tok.is_title:
        return True
    if tok.text in LANGUAGES or tok.text in FILE_KINDS or tok.text in UNITS:
        return True  # "our Pashto edition", "the protocol summary (PDF)"
    return (
        tok.ent_type_ == "ORG"
        and start + 1 < len(doc)
        and bool(_MODEL_NUMBER.match(doc[start + 1].text))
        and not _YEAR_NUMBER.match(doc[start + 1].text)
    )


# the kinds of actor a body is, and the kinds that own one: "the Supreme Court of Kyrgyzstan"
BODY_KINDS = {"organisation", "group", "government", "company"}


def bodies_of_states(doc, chosen: list) -> list:
    """CHOSEN (sorted (start, end, label, attrs)) with a body and the state that owns it joined
    into one span: "Supreme Court" + "of" + "Kyrgyzstan", "U.N. Assistance Mission" + "in" +
    "Afghanistan", "Ministry of Mines and Petroleum" + "of the" + "Islamic Emirate of …" — the
    specific noun phrase (GUIDELINES.md), as "Russia's Supreme Court" is."""
    out: list = []
    starts = [c[0] for c in chosen]
    for n, span in enumerate(chosen):
        s1, e1, label1, attrs1 = span
        org_end = _org_end(doc, e1)
        nxt = starts[n + 1] if n + 1 < len(chosen) else len(doc)
        if label1 == "ACTOR" and attrs1.get("kind") in BODY_KINDS and org_end and org_end <= nxt:
            span = (s1, org_end, label1, attrs1)  # the model's "… of the Islamic Emirate of X"
        if out:
            s1, e1, label1, attrs1 = out[-1]
            s2, e2, label2, attrs2 = span
            gap = [t.lower_ for t in doc[e1:s2]]
            if (
                label1 == label2 == "ACTOR"
                and attrs1.get("kind") in BODY_KINDS
                and attrs2.get("kind") == "state"
                and gap in (["of"], ["of", "the"], ["in"])
                and doc[e1 - 1].is_title
            ):
                out[-1] = (s1, e2, label1, attrs1)
                continue
        out.append(span)
    return out


def name_after_title(doc, start: int, end: int) -> int:
    """Where the name begins in "Minister of Public Works Mohammad Isa Thani": past the office,
    "of" and the capitalised words of the portfolio (the longest run the name leaves two words)."""
    k = start + 2  # the office and "of"
    while k < end - 2 and (doc[k].lower_ in PORTFOLIO_WORDS or doc[k].text in ("and", "&")):
        k += 1
    return k


def _org_end(doc, end: int) -> int:
    """Where the model's organisation goes on past END with "of (the) <capitalised words>",
    or 0: "Ministry of Mines and Petroleum" + "of the Islamic Emirate of Afghanistan"."""
    n = len(doc)
    if not (0 < end < n and doc[end].lower_ == "of" and doc[end].ent_iob_ == "I"):
        return 0
    if doc[end - 1].ent_type_ != "ORG":
        return 0
    k = end
    while k < n and doc[k].ent_iob_ == "I":
        k += 1
    if not all(t.is_title or t.lower_ in ("of", "the", "and") for t in doc[end:k]):
        return 0
    return k if doc[k - 1].is_title else 0


def is_common_word(doc, start: int, end: int) -> bool:
    """ "Recognition opens the door …": a capitalised word at a sentence start that the article
    also uses in lower case is a common noun, not a name."""
    if end - start != 1 or not (
        doc[start].is_title or (doc[start].is_upper and len(doc[start]) > 2)
    ):
        return False  # ("KEY FIGURES": a heading in capitals)
    tok = doc[start]
    if not (start == 0 or doc[start - 1].is_punct or "\n" in doc[start - 1].text):
        return False
    return tok.lower_ in _words_of(doc)


_WORDS_KEY = "annotator_words"  # Doc.user_data: the set of the doc's token texts (`_words_of`)


def _words_of(doc) -> set[str]:
    """The texts of DOC's tokens, gathered once per Doc: a scan of the article for each
    candidate made a long article's shaping quadratic (as `tokens.doc_text` says of the text)."""
    words = doc.user_data.get(_WORDS_KEY)
    if words is None:
        words = doc.user_data[_WORDS_KEY] = {t.text for t in doc}
    return words


def bracketed_acronyms(doc, chosen, taken, blocked) -> list[tuple[int, int]]:
    """ "the Afghan Telecom Regulatory Authority (ATRA)": the one word in brackets right after
    a suggested body's name is its short name, an actor like the body (and so are its later
    mentions, as a surname's are)."""
    n, out, short = len(doc), [], set()
    for start, end, label, attrs in chosen:
        if label != "ACTOR" or end - start < 2 or attrs.get("kind") == "person":
            continue
        k = end
        if not (k + 2 < n and doc[k].text == "(" and doc[k + 2].text == ")"):
            continue
        word = doc[k + 1]
        if (
            word.is_alpha
            and (word.is_upper or word.is_title)
            and len(word) >= 2
            and not taken[word.i]
            and not blocked[word.i]
        ):
            out.append((word.i, word.i + 1))
            short.add(word.text)
    if short:
        seen = {s for s, _e in out}
        for tok in doc:
            if tok.text in short and tok.i not in seen and not taken[tok.i] and not blocked[tok.i]:
                out.append((tok.i, tok.i + 1))
    return sorted(out)


def name_after_comma(doc, ent, end: int) -> int | None:
    """Where the name starts in the model's entity ENT (its end cut to END) that runs on past a
    comma ("The governor of Balkh, Mohammad Yousuf Wafa, met …"): no name holds a comma, so two
    or three capitalised words after its last one are the office holder's; None if none."""
    comma = [t.i for t in ent[1:-1] if t.text == "," and doc[t.i + 1].is_title]
    if (
        comma
        and 2 <= end - comma[-1] - 1 <= 3
        and all(t.is_title and t.is_alpha for t in doc[comma[-1] + 1 : end])
    ):
        return comma[-1] + 1
    return None


def name_after_state(doc, start: int, end: int, state_ends: set[int]) -> tuple[int, int] | None:
    """The person's name inside (or running on past) the model's place START..END that goes on
    past a known state's name ("… of the Republic of Uzbekistan Jurabek Mirzamakhmudov", after
    an office): two or three capitalised words, none of a body or a site; None if none."""
    n = len(doc)
    for p in range(start + 1, end):
        if p not in state_ends:
            continue
        while end < n and end - p < 3 and doc[end].is_title and doc[end].is_alpha:
            end += 1  # "the Russian Federation Dmitry" + "Zhirnov"
        if (
            2 <= end - p <= 3
            and all(
                doc[k].is_title
                and doc[k].is_alpha
                and doc[k].lower_ not in BODY_HEADS
                and doc[k].lower_ not in FACILITY_WORDS
                for k in range(p, end)
            )
            and any(doc[k].lower_ in OFFICES for k in range(max(0, start - 8), p))
        ):
            return p, end
        return None
    return None
