"""The guidelines' AGREEMENT span rules on a spaCy Doc, from the words around a trigger.

"any agreement", "each foreign trip", "all contracts": no concrete arrangement; "the
neighbour that talks to Kabul": a verb; "a great deal": an idiom; "told the meeting": the
audience of a speech; "the Directorate of Contracts": part of a name. And "the Istanbul
talks", "the India-Afghanistan air freight corridor": the place that names the
arrangement belongs to its span. Tokens only (no parser), like actor_shape.
"""

from __future__ import annotations

# a determiner that makes the noun unspecific: no concrete arrangement (GUIDELINES.md)
UNSPECIFIC = {"any", "each", "every", "all", "no"}
UNSPECIFIC_BEFORE = UNSPECIFIC - {"all"}  # "all" before a word is no verdict on it
# a pronoun or relative word right before "talks": the verb ("the neighbour that talks to")
SUBJECTS = {"that", "who", "which", "he", "she", "it", "one", "nobody", "everyone"}
# the words whose object is the audience of a speech: "told the meeting", "addressed the forum"
SPEAKING = {"told", "tells", "telling", "addressed", "addresses", "addressing", "briefed"}
# nouns that end an arrangement's name and take the place before them into it
NAMED_HEADS = {
    "talks", "process", "format", "dialogue", "consultations", "summit", "conference",
    "meeting", "corridor", "link", "links", "railway", "pipeline", "road", "highway", "route",
    "line", "agreement", "treaty", "accord", "pact", "deal", "commission", "forum", "forums",
}  # fmt: skip
DASHES = {"-", "–", "—"}
# words before a verb, never before the noun: "to deal with", "will deal", "cannot deal"
AUXILIARIES = {"to", "will", "would", "can", "could", "must", "should", "cannot", "not", "n't"}


def is_no_arrangement(doc, start: int, end: int) -> bool:
    """Words around an AGREEMENT trigger that show it names no concrete arrangement."""
    first = doc[start]
    j = start - 1
    if j >= 0 and doc[j].lower_ in UNSPECIFIC:
        return True  # "any agreement", "all contracts will be implemented"
    if j > 0 and doc[j - 1].lower_ in UNSPECIFIC_BEFORE:
        if doc[j].is_lower and doc[j].is_alpha and not doc[j].like_num:
            return True  # "any future visit", "each foreign trip"
    if end - start == 1 and first.lower_ == "talks" and start > 0:
        nxt = doc[end].lower_ if end < len(doc) else ""
        if doc[start - 1].lower_ in SUBJECTS and nxt in ("to", "with", "about"):
            return True  # "the neighbour that talks to Kabul"
    if first.lower_ == "deal" and start > 0 and doc[start - 1].lower_ in ("great", "good"):
        return True  # "a great deal"
    if first.lower_ in ("deal", "deals") and start > 0 and doc[start - 1].lower_ in AUXILIARIES:
        return True  # "refuses to deal with the Taliban": the verb
    if start > 1 and doc[start - 1].lower_ in ("the", "a") and doc[start - 2].lower_ in SPEAKING:
        return True  # "told the meeting that …"
    if end - start == 1 and first.lower_ in ("lease", "loan", "credit") and start > 0:
        if doc[start - 1].lower_ == "on":
            return True  # "asked for locomotives on lease": how a thing is had, no arrangement
    if (
        first.is_title
        and start > 1
        and doc[start - 1].lower_ in ("of", "for")
        and doc[start - 2].is_title
    ):
        return True  # "the Directorate of Contracts": a word of a body's name
    if end < len(doc) and doc[end].lower_ in VENUE_NOUNS:
        return True  # "in the ministry's conference hall": a room, no meeting
    return is_denied(doc, start) or is_hypothetical(doc, start, end)


# what opens a condition or a question about what may come: "If Beijing recognised …", "Will
# Beijing recognise the Islamic Emirate?" (GUIDELINES.md: hypothetical arrangements are not marked)
CONDITIONS = {"if", "unless"}
MODAL_OPENERS = {"will", "would", "could", "can", "should", "might", "may", "shall"}
SENTENCE_ENDS = {".", "!", "?", ";"}


def is_hypothetical(doc, start: int, end: int) -> bool:
    """The arrangement lies in a condition ("if Beijing recognised the Emirate") or in a
    question about the future ("Will Beijing recognise …?")."""
    k = start - 1
    while k >= 0 and start - k <= 12:
        t = doc[k]
        if t.text in SENTENCE_ENDS or "\n" in t.whitespace_ or t.is_space:
            break
        if t.lower_ in CONDITIONS:
            return True
        if t.text == ",":
            break
        k -= 1
    opener = doc[k + 1] if k + 1 < start else doc[start]
    if opener.lower_ not in MODAL_OPENERS or not opener.is_title:
        return False
    if start > 0 and doc[start - 1].lower_ in ("the", "this", "that", "its", "their"):
        return False  # "Could the treaty be revived?": an arrangement that exists
    for j in range(end, min(len(doc), end + 25)):
        if doc[j].text == "?":
            return True
        if doc[j].text in (".", "!") or "\n" in doc[j].whitespace_:
            return False
    return False


# what a meeting's word qualifies when it names a place: "the conference hall", "summit venue"
VENUE_NOUNS = {"hall", "halls", "room", "rooms", "centre", "center", "venue", "building", "table"}
# a negation before the arrangement, in the same clause: "has not signed a new gas sales
# agreement", "has not accepted an envoy" (GUIDELINES.md: negated arrangements are not marked)
DENYING = {"not", "n't", "never", "no", "neither", "nor", "without"}
CLAUSE_ENDS = {".", ";", ":", ",", "but", "and", "—", "–", "(", ")", '"', "“", "”", "whether", "if"}


def is_denied(doc, start: int) -> bool:
    """The arrangement at START is denied in its own clause: "no new treaty", or a negation
    of the act that makes one ("neither side has signed a new gas sales agreement", "has not
    accepted an envoy"); "did not comment on the new protocol" denies no arrangement, and "it
    wasn't clear whether the gathering …" is the speaker's doubt, not the meeting's."""
    acted = doc[start].lower_ in ARRANGING  # "accepted an envoy": the act is the span's own
    for k in range(start - 1, max(-1, start - 11), -1):
        t = doc[k]
        if t.lower_ in CLAUSE_ENDS or "\n" in t.whitespace_ or t.is_space:
            return False
        if t.lower_ in DENYING and (acted or (t.lower_ in ("no", "without") and start - k <= 2)):
            return True  # "no new treaty", "ended without agreement"
        if (
            t.lower_ == "no"
            and k + 2 < start
            and doc[k + 1].lower_ in NO_PROSPECT
            and doc[k + 2].lower_ in ("of", "for")
        ):
            return True  # "no question of a tripartite agreement", "no plans for a deal"
        acted = acted or t.lower_ in ARRANGING
    return False


# "no question of", "no plans for": what denies an arrangement's prospect
NO_PROSPECT = {
    "question", "plan", "plans", "talk", "prospect", "prospects", "sign", "chance", "hope",
    "intention", "mention", "likelihood",
}  # fmt: skip
# the acts that make an arrangement, whose negation denies it
ARRANGING = {
    "signed", "sign", "signing", "accepted", "accept", "concluded", "conclude", "reached",
    "reach", "ratified", "ratify", "struck", "strike", "inked", "approved", "approve", "agreed",
}  # fmt: skip


def place_name_before(doc, start: int, end: int, is_place_name) -> int:
    """START moved back over the place name that names the arrangement: "the Istanbul talks",
    "the India-Afghanistan air freight corridor". IS_PLACE_NAME(token) says whether a
    capitalised token is a place (the model's GPE/LOC or a state of the gazetteer)."""
    if doc[end - 1].lower_ not in NAMED_HEADS or not doc[start].is_lower:
        return start
    k = start - 1
    if k < 0 or not (doc[k].is_title and is_place_name(doc[k])):
        return start
    first = k
    while first > 1 and doc[first - 1].text in DASHES and doc[first - 2].is_title:
        if not is_place_name(doc[first - 2]):
            return start
        first -= 2  # "India-Afghanistan", "Turkmenistan–Afghanistan–Pakistan"
    return first
