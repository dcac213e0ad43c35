"""Pre-suggested agreement frames: parties, date and status read off the dependency parse.

For each AGREEMENT suggestion of an article, `propose` returns one event
suggestion whose arguments are other suggestions of the same article:

- **parties**: the ACTOR suggestions the parse ties to the agreement or to its
  governing verb: subjects and their conjuncts ("Russia and the Taliban
  signed …"), passive agents ("signed by …"), the objects of `with` /
  `between` / `among` ("… between Kabul and Tashkent", "a deal with Kabul"),
  possessors and modifiers of the agreement noun ("Kazakhstan's deal"), and the
  object of a hosting or meeting verb ("hosted a Taliban delegation");
- **date**: the DATE attached to the agreement or its verb chain (a `prep` /
  `npadvmod` path that meets no other verb), else the nearest DATE of the
  sentence that no other verb claims;
- **status**: from the verb chain, outermost first ("are expected to sign" is
  proposed, "agreed to build" agreed), modal auxiliaries ("could", "will"),
  the agreement's own modifiers ("the proposed rail link") and nouns
  ("removal", "plans to build").

The argument shapes are spaCy `DependencyMatcher` patterns keyed by their
anchor token; the walks up the tree use the Doc's own heads and children.
Only the sentences holding an AGREEMENT suggestion and an ACTOR suggestion (a party
candidate) are parsed, and only they get a frame: a frame reads nothing outside its
trigger's sentence, and one that could name no party was never an event of the
reference (tests/quality/frames_reference.py). They are parsed by a pipeline with a
parser: the NER pipeline's own parser, loaded beside its NER and run over these
sentences only, when its model has one, else the best installed English one. With
none installed, frames still come, with parties and date from the sentence by
proximity only.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from annotator.core.model import EventSuggestion, Suggestion

# Bump when the reading of frames below changes.
FRAMES_VERSION = "2"


def _words(**by_status: str) -> dict[str, frozenset[str]]:
    return {status: frozenset(words.split()) for status, words in by_status.items()}


# Lemmas of a governing verb, by the status they give (first match wins, in this order).
VERB_STATUS = _words(
    cancelled="cancel scrap suspend withdraw block halt freeze terminate revoke annul abandon "
    "shelve reject",
    proposed="plan expect propose discuss consider intend aim seek hope want offer invite "
    "negotiate prepare explore call urge envisage mull eye study pursue talk",
    signed="sign ink conclude formalise formalize ratify seal",
    implemented="implement launch open deliver inaugurate operate commission complete remove "
    "delist supply begin start",
    agreed="agree reach approve accept grant hold endorse adopt strike finalise finalize meet "
    "visit host decide confirm renew extend restore establish reestablish award resume summon",
)
# Lemmas of the agreement noun, or of the noun a verb complements ("plans to build").
NOUN_STATUS = _words(
    cancelled="cancellation suspension termination withdrawal collapse",
    proposed="proposal plan prospect possibility idea offer bid invitation",
    signed="signing ratification",
    implemented="removal implementation launch delivery opening inauguration delisting",
    agreed="decision approval acceptance",
)
# a verb that is itself the meeting took place: "met", "talked", "visited"
HAPPENED = frozenset("meet talk visit hold host".split())
MODALS = frozenset("will would could may might shall should can 'll wo ca".split())
PROPOSED_MODIFIERS = frozenset(
    "proposed planned potential possible future prospective draft expected envisaged mooted "
    "would-be upcoming".split()
)
SIGNED_MODIFIERS = frozenset(["signed"])
PARTNER_PREPOSITIONS = ["with", "between", "among", "amongst", "alongside"]
DATE_PREPOSITIONS = [
    "in", "on", "by", "since", "until", "till", "from", "during", "at", "before", "after",
    "for", "through", "throughout", "within", "around", "of", "as",
]  # fmt: skip
NOMINAL_LINKS = frozenset("poss compound nmod appos amod prep pobj conj".split())
INSIDE_PREPOSITIONS = frozenset("of for from".split())
INSIDE_DEPTH = 3
NOUN_TAGS = ["NN", "NNS", "NNP", "NNPS"]
VERB_TAGS = ["VB", "VBD", "VBG", "VBN", "VBP", "VBZ"]
SUBJECT_DEPS = ["nsubj", "nsubjpass", "csubj", "expl"]
# a verb's object is a side of the arrangement when the verb is a meeting, a hosting, …
MEETING_VERBS = frozenset("host meet receive welcome summon invite visit join sign".split())

# (name, pattern): the arguments an anchor token may have, as spaCy DependencyMatcher
# patterns; `anchor` is the token the walk asks about, `arg` the one it gets back. They
# are matched from the anchor down (`anchored`), which gives what a DependencyMatcher
# over the whole window gives at that anchor (a test holds them equal) for the few
# anchors a frame asks about: a DependencyMatcher over every window took a third of
# the frames' time.
PATTERNS: list[tuple[str, list[dict]]] = [
    ("subject", [
        {"RIGHT_ID": "anchor", "RIGHT_ATTRS": {}},
        {"LEFT_ID": "anchor", "REL_OP": ">", "RIGHT_ID": "arg",
         "RIGHT_ATTRS": {"DEP": {"IN": SUBJECT_DEPS}}},
    ]),
    ("agent", [
        {"RIGHT_ID": "anchor", "RIGHT_ATTRS": {}},
        {"LEFT_ID": "anchor", "REL_OP": ">", "RIGHT_ID": "by", "RIGHT_ATTRS": {"DEP": "agent"}},
        {"LEFT_ID": "by", "REL_OP": ">", "RIGHT_ID": "arg", "RIGHT_ATTRS": {"DEP": "pobj"}},
    ]),
    ("partner", [
        {"RIGHT_ID": "anchor", "RIGHT_ATTRS": {}},
        {"LEFT_ID": "anchor", "REL_OP": ">", "RIGHT_ID": "prep",
         "RIGHT_ATTRS": {"DEP": "prep", "LOWER": {"IN": PARTNER_PREPOSITIONS}}},
        {"LEFT_ID": "prep", "REL_OP": ">", "RIGHT_ID": "arg", "RIGHT_ATTRS": {"DEP": "pobj"}},
    ]),
    ("possessor", [
        {"RIGHT_ID": "anchor", "RIGHT_ATTRS": {}},
        {"LEFT_ID": "anchor", "REL_OP": ">", "RIGHT_ID": "arg", "RIGHT_ATTRS": {"DEP": "poss"}},
    ]),
    ("modifier", [
        {"RIGHT_ID": "anchor", "RIGHT_ATTRS": {"TAG": {"IN": NOUN_TAGS}}},
        {"LEFT_ID": "anchor", "REL_OP": ">", "RIGHT_ID": "arg",
         "RIGHT_ATTRS": {"DEP": {"IN": ["compound", "amod", "nmod"]}}},
    ]),
    ("object", [
        {"RIGHT_ID": "anchor", "RIGHT_ATTRS": {"TAG": {"IN": VERB_TAGS}}},
        {"LEFT_ID": "anchor", "REL_OP": ">", "RIGHT_ID": "arg", "RIGHT_ATTRS": {"DEP": "dobj"}},
    ]),
    ("recipient", [
        {"RIGHT_ID": "anchor", "RIGHT_ATTRS": {"TAG": {"IN": VERB_TAGS}}},
        {"LEFT_ID": "anchor", "REL_OP": ">", "RIGHT_ID": "arg", "RIGHT_ATTRS": {"DEP": "dative"}},
    ]),
]  # fmt: skip
PATTERN = dict(PATTERNS)
_ATTR = {"DEP": "dep_", "TAG": "tag_", "LOWER": "lower_"}


def _fits(token, attrs: dict) -> bool:
    for key, want in attrs.items():
        value = getattr(token, _ATTR[key])
        if value not in want["IN"] if isinstance(want, dict) else value != want:
            return False
    return True


def anchored(pattern: list[dict], anchor) -> list[int]:
    """Indexes of the `arg` tokens of a chain-shaped DependencyMatcher PATTERN at ANCHOR."""
    first = pattern[0]
    if not _fits(anchor, first["RIGHT_ATTRS"]):
        return []
    nodes = {first["RIGHT_ID"]: [anchor]}
    for step in pattern[1:]:
        assert step["REL_OP"] == ">"
        nodes[step["RIGHT_ID"]] = [
            c for t in nodes[step["LEFT_ID"]] for c in t.children if _fits(c, step["RIGHT_ATTRS"])
        ]
    return [t.i for t in nodes["arg"]]


@dataclass(frozen=True)
class FrameShape:
    """Where a frame's pieces go, read from the scheme's event type."""

    event: str = "AGREEMENT"
    trigger: str = "AGREEMENT"
    party_role: str | None = "party"
    party_label: str = "ACTOR"
    date_role: str | None = "date"
    date_label: str = "DATE"
    status_attr: str | None = "status"
    statuses: tuple[str, ...] = ("proposed", "agreed", "signed", "implemented", "cancelled")

    @classmethod
    def from_scheme(cls, scheme) -> list[FrameShape]:
        """One shape per event type of the scheme whose roles take ACTOR / DATE spans."""
        shapes = []
        for ev in scheme.events if scheme is not None else ():
            party = next((r for r in ev.roles if "ACTOR" in r.labels), None)
            date = next((r for r in ev.roles if "DATE" in r.labels), None)
            status = (ev.attributes or {}).get("status")
            shapes.append(
                cls(
                    event=ev.name,
                    trigger=ev.trigger,
                    party_role=party.name if party else None,
                    date_role=date.name if date else None,
                    status_attr="status" if status else None,
                    statuses=tuple(status.get("choices", ())) if status else (),
                )
            )
        return shapes


# -- reading one parsed Doc ------------------------------------------------------------------


class _Frames:
    """The frames of one parsed window of an article (`base` = its first character)."""

    def __init__(self, doc, suggestions: Sequence[Suggestion], base: int, lemmatizer=None):
        self.doc = doc
        self.lemmatizer = lemmatizer
        self.base = base
        self.label_at: list[int | None] = [None] * len(doc)  # token -> index into self.spans
        self.spans: list[tuple[Suggestion, Any]] = []
        # the window's length, without joining its text as `doc.text` does on each call
        end = base + (doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0)
        for s in suggestions:
            if s.start < base or s.end > end:
                continue
            span = doc.char_span(s.start - base, s.end - base, alignment_mode="expand")
            if span is None or not len(span):
                continue
            index = len(self.spans)
            self.spans.append((s, span))
            for i in range(span.start, span.end):
                if self.label_at[i] is None:
                    self.label_at[i] = index
        self._args_cache: dict[tuple[str, int], list[int]] = {}

    # -- the tree

    def governing_verb(self, root):
        """The verb the agreement is an argument of (itself when it is a verb)."""
        t = root
        for _ in range(5):
            if _verbal(t):
                return t
            if t.head.i == t.i or t.dep_ in ("ROOT", "appos", "relcl", "acl", "advcl"):
                return None
            t = t.head
        return None

    def chain(self, verb) -> list:
        """The verb and the control verbs above it, innermost first: sign < expected."""
        out = [verb]
        t = verb
        while t.head.i != t.i and _verbal(t.head) and len(out) < 5:
            if t.dep_ == "xcomp" or (t.dep_ == "ccomp" and self.lookup(VERB_STATUS, t.head)):
                t = t.head
                out.append(t)
            else:
                break
        return out

    def subjects(self, verb, depth: int = 0) -> list:
        found = self._args("subject", verb)
        if found:
            return found
        if depth > 3:
            return []
        if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head.i != verb.i:
            return self.subjects(verb.head, depth + 1)  # "… and agreed", "agreed to build"
        if verb.dep_ in ("acl", "relcl") and _nominal(verb.head):
            noun = verb.head
            poss = self._args("possessor", noun)
            if poss:  # "Moscow's decision to remove …"
                return poss
            if verb.dep_ == "relcl" or noun.dep_ in SUBJECT_DEPS:
                return [noun]  # "the delegation that visited …"
            if noun.dep_ in ("attr", "dobj") and noun.head.i != noun.i:
                return self.subjects(noun.head, depth + 1)  # "China became the first to …"
        return []

    def actors(self, tokens: Iterable, label: str) -> list[int]:
        """Indexes of LABEL spans at these tokens and their conjuncts, else the nearest inside.

        Inside: "the administration of late Iranian president Ebrahim Raisi", "Deputy
        Minister … for Finance and Administration Mohammad Naeem", along nominal links only.
        """
        out: list[int] = []
        for t in tokens:
            for u in (t, *t.conjuncts):
                for hit in self._inside(u, label):
                    if hit not in out:
                        out.append(hit)
        return out

    def _inside(self, token, label: str) -> list[int]:
        hit = self._span_at(token, label)
        if hit is not None:
            return [hit]
        level = [token]
        for _ in range(INSIDE_DEPTH):
            level = [
                c
                for t in level
                for c in t.children
                if c.dep_ in NOMINAL_LINKS and (c.dep_ != "prep" or c.lower_ in INSIDE_PREPOSITIONS)
            ]
            hits = []
            for c in level:
                hit = self._span_at(c, label)
                if hit is not None and hit not in hits:
                    hits.append(hit)
            if hits:
                return hits
        return []

    def _span_at(self, token, label: str) -> int | None:
        index = self.label_at[token.i]
        if index is None or self.spans[index][0].label != label:
            return None
        return index

    # -- words

    def lemma(self, token) -> str:
        """The token's lemma; only the few tokens a frame asks about are lemmatized."""
        if token.lemma_:
            return token.lemma_.lower()
        if self.lemmatizer is None or not token.tag_:
            return token.lower_
        if not token.pos_:
            token.pos_ = (
                "PROPN" if token.tag_.startswith("NNP") else COARSE.get(token.tag_[:2], "X")
            )
        return self.lemmatizer.rule_lemmatize(token)[0].lower()

    def lookup(self, table: dict[str, frozenset[str]], token) -> str | None:
        lemma = self.lemma(token)
        for status, lemmas in table.items():
            if lemma in lemmas or token.lower_ in lemmas:
                return status
        return None

    def verb_status(self, verb, is_trigger: bool) -> str | None:
        """What a verb says of the agreement it governs; IS_TRIGGER: it is the agreement ("met")."""
        if not _verbal(verb):
            return None
        found = self.lookup(VERB_STATUS, verb)
        if found == "cancelled":
            return found
        if _modal(verb):
            return "proposed"  # "could sign", "will open"
        if is_trigger and self.lemma(verb) in HAPPENED:
            return "agreed"  # "met with", "talked": it took place
        return found

    # -- one frame

    def frame(self, index: int, shape: FrameShape) -> tuple[list[int], int | None, str | None]:
        s, span = self.spans[index]
        root = span.root
        verb = self.governing_verb(root)
        chain = self.chain(verb) if verb is not None else []
        in_chain = {v.i for v in chain}
        # verbs that say something about the agreement noun: "the deal signed by …", "which …"
        attached = [c for c in root.children if c.dep_ in ("acl", "relcl") and _verbal(c)]
        # the predicate below the chain: "began operating in January"
        below = [
            c
            for v in chain
            for c in v.children
            if c.dep_ == "xcomp" and _verbal(c) and c.i not in in_chain
        ]
        label = shape.party_label
        found: list[int] = []
        # the agreement noun itself: "Kazakhstan's deal with Afghanistan", "talks with …"
        for name in ("possessor", "partner"):
            found += self.actors(self._args(name, root), label)
        for m in self._args("modifier", root):  # "the Russia-Afghanistan wheat deal"
            found += self.actors([m, *(c for c in m.children if c.dep_ == "compound")], label)
        for v in [*chain, *attached]:
            found += self.actors(self.subjects(v), label)
            for name in ("agent", "partner", "recipient"):
                found += self.actors(self._args(name, v), label)
        for v in below:
            for name in ("agent", "partner"):
                found += self.actors(self._args(name, v), label)
        if verb is not None and (root.i == verb.i or self.lemma(verb) in MEETING_VERBS):
            found += self.actors(self._args("object", verb), label)  # "meeting Muttaqi"
        for v in chain:
            host = v.head
            if v.dep_ == "advcl" and self.lemma(host) in MEETING_VERBS:
                found += self.actors(self._args("object", host), label)  # "hosted … to talk"
        if verb is not None and verb.dep_ == "acl" and _nominal(verb.head):
            found += self.actors(self._args("partner", verb.head), label)
        parties = sorted({i for i in found if i != index}, key=lambda i: self.spans[i][0].start)
        date = self.date(span, [root, *chain, *attached, *below], shape.date_label)
        status = self.status(span, chain, attached, shape, s)
        return parties, date, status

    def _args(self, name: str, token) -> list:
        key = (name, token.i)
        found = self._args_cache.get(key)
        if found is None:
            found = self._args_cache[key] = anchored(PATTERN[name], token)
        return [self.doc[i] for i in found]

    def date(self, span, anchors: list, label: str) -> int | None:
        anchor_ids = {t.i for t in anchors} | {t.i for t in span}
        dates = [i for i, (s, _) in enumerate(self.spans) if s.label == label]
        if not dates:
            return None
        sent = span.sent
        free = []
        for i in dates:
            d = self.spans[i][1]
            if d.sent != sent:
                continue
            owner = self._date_owner(d.root)
            if owner is not None and owner.i in anchor_ids:
                return i  # "signed … on 5 May 2025", "cancelled last week"
            if owner is None or not _verbal(owner):
                free.append(i)
        if not free:
            return None

        def distance(i: int) -> int:
            d = self.spans[i][1]
            return min(abs(d.start_char - span.end_char), abs(span.start_char - d.end_char))

        return min(free, key=distance)

    def _date_owner(self, token):
        """The head a date hangs on by a time path: `in` → May, `npadvmod` week."""
        t = token
        for _ in range(4):
            if t.head.i == t.i:
                return None
            if t.dep_ == "pobj" and t.head.dep_ in ("prep", "agent"):
                t = t.head.head
            elif t.dep_ in ("npadvmod", "tmod", "obl", "nmod", "appos", "conj", "compound"):
                t = t.head
            else:
                return t.head if t.i == token.i else t
            if _verbal(t) or self.label_at[t.i] is not None:
                return t
        return t

    def status(self, span, chain: list, attached: list, shape: FrameShape, s) -> str | None:
        """Outermost first: "plans to build" and "are expected to sign" are proposed."""
        if not shape.status_attr:
            return None
        allowed = set(shape.statuses)
        root = span.root
        said: list[str | None] = []
        if chain and chain[-1].dep_ == "acl" and _nominal(chain[-1].head):
            said.append(self.lookup(NOUN_STATUS, chain[-1].head))  # "plans to build", "decision to"
        said += [self.verb_status(v, v.i == root.i) for v in reversed(chain)]
        said += [self.verb_status(v, False) for v in attached]  # "the agreement signed in May"
        words = {c.lower_ for c in root.children} | {t.lower_ for t in span}
        if words & PROPOSED_MODIFIERS:
            said.append("proposed")  # "the proposed rail link"
        if words & SIGNED_MODIFIERS:
            said.append("signed")
        if _nominal(root):
            said.append(self.lookup(NOUN_STATUS, root))  # "removal of the Taliban from …"
        for found in said:
            if found in allowed:
                return found
        if chain:
            v = chain[0]
            if _modal(v):
                return "proposed" if "proposed" in allowed else None
            if v.tag_ in ("VBD", "VBN") and "agreed" in allowed:
                return "agreed"  # talks held, a visit made: it took place
        if s.attrs.get("type") == "DIALOGUE" and "agreed" in allowed:
            return "agreed"
        return None


def _verbal(token) -> bool:
    return token.tag_.startswith("VB") or token.tag_ == "MD"


def _nominal(token) -> bool:
    return token.tag_ in ("NN", "NNS", "NNP", "NNPS")


def _modal(verb) -> bool:
    return any(c.dep_ == "aux" and c.lower_ in MODALS for c in verb.children)


# the tagger's fine tags as the coarse ones the lemmatizer's rules are keyed by
COARSE = {"VB": "VERB", "MD": "AUX", "NN": "NOUN", "JJ": "ADJ"}


# -- windows and the parser ----------------------------------------------------------------


def windows(
    text: str,
    triggers: Sequence[Suggestion],
    candidates: Sequence[Suggestion] | None = None,
) -> list[tuple[int, int]]:
    """(start, end) of the sentences holding a trigger, neighbours merged.

    Sentences by spaCy's rule-based sentencizer within each paragraph (a line of
    the text): a frame reads only its trigger's sentence, so nothing else is parsed.
    With CANDIDATES (the spans a frame's parties come from), a trigger whose sentence
    holds none of them gets no window: its frame could name no party.
    """
    out: list[tuple[int, int]] = []
    ordered = sorted(triggers, key=lambda s: s.start)
    if candidates is not None:
        spans = sorted((c.start, c.end) for c in candidates)
        starts = [a for a, _b in spans]
    k = 0
    while k < len(ordered):
        pos = ordered[k].start
        start = text.rfind("\n", 0, pos) + 1
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        inside = []
        while k < len(ordered) and ordered[k].start < end:
            inside.append(ordered[k])
            k += 1
        sents = _sentences(text[start:end])
        firsts = [a for a, _b in sents]
        picked: list[tuple[int, int]] = []
        for t in inside:
            i = max(0, bisect_right(firsts, t.start - start) - 1)
            j = max(i, bisect_right(firsts, t.end - start - 1) - 1)
            a, b = start + sents[i][0], start + sents[j][1]
            if candidates is not None and not any(
                e <= b for _s, e in spans[bisect_left(starts, a) : bisect_left(starts, b)]
            ):
                continue
            if picked and not text[picked[-1][1] : a].strip():
                picked[-1] = (picked[-1][0], max(b, picked[-1][1]))
            else:
                picked.append((a, b))
        out += picked
    return out


_blank = None
_blank_lock = threading.Lock()


def _sentences(text: str) -> list[tuple[int, int]]:
    """Character ranges of TEXT's sentences by spaCy's rule-based sentencizer."""
    global _blank
    with _blank_lock:
        if _blank is None:
            import spacy

            _blank = spacy.blank("en")
            _blank.add_pipe("sentencizer")
        doc = _blank(text)
    return [(s.start_char, s.end_char) for s in doc.sents]


class FrameParser:
    """A spaCy pipeline with a dependency parser, loaded once, one thread at a time.

    Its lemmatizer (and the attribute ruler before it, which costs as much as the
    parser) does not run over the text: the frames lemmatize the few words they ask about.
    With COMPONENTS, only those of NLP run (in its order), whether enabled or not: the
    pre-annotation pipeline's own parser, loaded disabled beside its NER (`of_pipeline`),
    so one model serves both and the parse runs over the trigger windows only.
    """

    def __init__(self, nlp, components: Sequence[str] | None = None, lock=None):
        self.nlp = nlp
        self.name = nlp.meta.get("name", "?")
        self.components = list(components) if components is not None else None
        run = self.components if self.components is not None else nlp.pipe_names
        self.parsed = "parser" in run
        self.lock = lock if lock is not None else threading.Lock()
        self.lemmatizer = (
            nlp.get_pipe("lemmatizer")
            if "lemmatizer" in nlp.component_names and "lemmatizer" not in run
            else None
        )

    @classmethod
    def of_pipeline(cls, nlp, lock=None) -> FrameParser | None:
        """A parser on NLP's own (disabled) parsing components, or None when it has none."""
        if "parser" not in nlp.component_names or nlp.lang != "en":
            return None
        return cls(nlp, [n for n in nlp.component_names if n in FRAME_COMPONENTS], lock)

    def docs(self, texts: list[str]):
        with self.lock:
            if self.components is None:
                return list(self.nlp.pipe(texts))
            docs = [self.nlp.make_doc(t) for t in texts]
            for name in self.components:  # what nlp.pipe does, for these components only
                proc = self.nlp.get_pipe(name)
                if hasattr(proc, "pipe"):
                    docs = list(proc.pipe(docs, batch_size=self.nlp.batch_size))
                else:
                    docs = [proc(doc) for doc in docs]
            return docs


# what a parse needs of a pipeline: the embedding the tagger and parser listen to, and them
FRAME_COMPONENTS = ("tok2vec", "transformer", "tagger", "morphologizer", "parser")
_parsers: dict[str, FrameParser] = {}
_parsers_lock = threading.Lock()


def parser_for(preferred: str | None = None) -> FrameParser:
    """The installed pipeline to parse with: PREFERRED when it has a parser, else the best."""
    import spacy

    from annotator.core.nlp import PREFERENCE

    installed = set(spacy.util.get_installed_models())
    names = [n for n in (preferred, *PREFERENCE) if n and n in installed]
    names += sorted(installed - set(names))
    with _parsers_lock:
        for name in names:
            if name in _parsers:
                return _parsers[name]
            try:
                nlp = spacy.load(
                    name,
                    exclude=["ner", "entity_ruler", "span_ruler", "senter"],
                    disable=["attribute_ruler", "lemmatizer"],
                )
            except Exception:  # a broken package must not stop pre-annotation
                continue
            if "parser" not in nlp.pipe_names or nlp.lang != "en":
                continue
            _parsers[name] = FrameParser(nlp)
            return _parsers[name]
        key = "blank"
        if key not in _parsers:
            nlp = spacy.blank("en")
            nlp.add_pipe("sentencizer")
            _parsers[key] = FrameParser(nlp)
        return _parsers[key]


# -- the entry points ----------------------------------------------------------------------


def frames_from_doc(
    doc,
    suggestions: Sequence[Suggestion],
    shapes: Sequence[FrameShape],
    *,
    base: int = 0,
    article_id: int = 0,
    model: str = "",
    model_version: str = "",
    lemmatizer=None,
) -> list[EventSuggestion]:
    """One event suggestion per trigger suggestion inside DOC (a window starting at BASE)."""
    frames = _Frames(doc, suggestions, base, lemmatizer)
    out = []
    for shape in shapes:
        for index, (s, _span) in enumerate(frames.spans):
            if s.label != shape.trigger:
                continue
            if frames.doc.has_annotation("DEP"):
                parties, date, status = frames.frame(index, shape)
            else:
                parties, date, status = _nearby(frames, index, shape)
            args: list[tuple[str, int, int]] = []
            if shape.party_role:
                args += [(shape.party_role, *_offsets(frames, i)) for i in parties]
            if shape.date_role and date is not None:
                args.append((shape.date_role, *_offsets(frames, date)))
            attrs = {shape.status_attr: status} if shape.status_attr and status else {}
            out.append(
                EventSuggestion(
                    article_id=article_id,
                    label=shape.event,
                    trigger=(s.start, s.end),
                    args=tuple(args),
                    attrs=attrs,
                    model=model,
                    model_version=model_version,
                )
            )
    return out


def _offsets(frames: _Frames, index: int) -> tuple[int, int]:
    s = frames.spans[index][0]
    return s.start, s.end


def _nearby(frames: _Frames, index: int, shape: FrameShape):
    """Without a parse: the sentence's ACTORs around the trigger, its nearest DATE."""
    _s, span = frames.spans[index]
    sent = span.sent
    near = []
    date = None
    for i, (other, o) in enumerate(frames.spans):
        if i == index or o.sent != sent:
            continue
        gap = min(abs(o.start_char - span.end_char), abs(span.start_char - o.end_char))
        if other.label == shape.party_label:
            near.append((gap, i))
        elif other.label == shape.date_label and (date is None or gap < date[0]):
            date = (gap, i)
    parties = sorted(i for _gap, i in sorted(near)[:2])
    return parties, (date[1] if date else None), None


def propose(
    article_id: int,
    text: str,
    suggestions: Sequence[Suggestion],
    shapes: Sequence[FrameShape],
    parser: FrameParser,
    model: str = "",
    model_version: str = "",
) -> list[EventSuggestion]:
    """The event suggestions of one article from its span suggestions."""
    [out] = propose_many([(article_id, text, suggestions)], shapes, parser, model, model_version)
    return out


def frame_windows(
    text: str, suggestions: Sequence[Suggestion], shapes: Sequence[FrameShape]
) -> list[tuple[int, int]]:
    """The `windows` of TEXT that the frames of SHAPES parse."""
    wanted = [s for s in suggestions if s.label in {shape.trigger for shape in shapes}]
    if not wanted:
        return []
    # a frame's parties come from the ACTORs of its sentence: without one there is no frame
    # to give (unless an event type takes no party), so that sentence is not parsed
    if not all(shape.party_role for shape in shapes):
        return windows(text, wanted)
    parties = {shape.party_label for shape in shapes}
    return windows(text, wanted, [s for s in suggestions if s.label in parties])


def propose_many(
    articles: Sequence[tuple[int, str, Sequence[Suggestion]]],
    shapes: Sequence[FrameShape],
    parser: FrameParser,
    model: str = "",
    model_version: str = "",
) -> list[list[EventSuggestion]]:
    """`propose` for each (article id, text, suggestions) of ARTICLES, their windows parsed
    in one call (a batch of an article's few windows alone costs the parser a third more)."""
    spans = [frame_windows(text, suggestions, shapes) for _aid, text, suggestions in articles]
    texts = [text[a:b] for (_aid, text, _s), ws in zip(articles, spans, strict=True) for a, b in ws]
    docs = iter(parser.docs(texts) if texts else [])
    return [
        _frames_of(aid, suggestions, windows_, [next(docs) for _ in windows_], shapes, parser,
                   model, model_version)
        for (aid, _text, suggestions), windows_ in zip(articles, spans, strict=True)
    ]  # fmt: skip


def _frames_of(
    article_id: int,
    suggestions: Sequence[Suggestion],
    spans: list[tuple[int, int]],
    docs: list,
    shapes: Sequence[FrameShape],
    parser: FrameParser,
    model: str,
    model_version: str,
) -> list[EventSuggestion]:
    if not spans:
        return []
    ordered = sorted(suggestions, key=lambda s: s.start)
    starts = [s.start for s in ordered]
    out: list[EventSuggestion] = []
    for (a, b), doc in zip(spans, docs, strict=True):
        inside = ordered[bisect_left(starts, a) : bisect_left(starts, b)]
        out += frames_from_doc(
            doc,
            inside,
            shapes,
            base=a,
            article_id=article_id,
            model=model,
            model_version=model_version,
            lemmatizer=parser.lemmatizer,
        )
    seen: set[tuple[str, tuple[int, int]]] = set()
    unique = []
    for e in sorted(out, key=lambda e: (e.trigger, e.label)):
        if (e.label, e.trigger) not in seen:  # a trigger in two windows: the first is kept
            seen.add((e.label, e.trigger))
            unique.append(e)
    return unique


class FrameSuggester:
    """Frames for a pre-annotation run: the scheme's event shapes and a parser, once."""

    def __init__(self, scheme, model: str = "", model_version: str = "", parser=None):
        self.shapes = FrameShape.from_scheme(scheme)
        self.model = model
        self.model_version = model_version
        self._parser = parser

    @classmethod
    def for_pipeline(cls, pipeline) -> FrameSuggester:
        """Frames parsed by PIPELINE's own parser when its model has one (else `parser_for`);
        none at all for a pipeline loaded without them (spans only)."""
        if not getattr(pipeline, "frames", True):
            return cls(None, pipeline.name, pipeline.version)
        parser = getattr(pipeline, "frame_parser", None)
        return cls(pipeline.scheme, pipeline.name, pipeline.version, parser)

    @property
    def parser(self) -> FrameParser:
        if self._parser is None:
            self._parser = parser_for(self.model or None)
        return self._parser

    def warm(self) -> FrameSuggester:
        """Load the parser now (with the model, off the GUI thread), not on the first frame."""
        if self.shapes:
            self.parser.docs(["Russia signed a deal."])
        return self

    def frames(
        self, article_id: int, text: str, suggestions: Sequence[Suggestion]
    ) -> list[EventSuggestion]:
        if not self.shapes:
            return []
        return propose(
            article_id,
            text,
            suggestions,
            self.shapes,
            self.parser,
            self.model,
            self.model_version,
        )

    def frames_many(
        self, articles: Sequence[tuple[int, str, Sequence[Suggestion]]]
    ) -> list[list[EventSuggestion]]:
        """`frames` of each (article id, text, suggestions), parsed in one batch."""
        if not self.shapes:
            return [[] for _ in articles]
        return propose_many(articles, self.shapes, self.parser, self.model, self.model_version)

    def store(self, store, article_id: int, suggestions: Sequence[Suggestion]) -> None:
        """Store an article's span suggestions and the frames made of them, as one write."""
        triggers = {shape.trigger for shape in self.shapes}
        needed = any(s.label in triggers for s in suggestions)
        events = (
            self.frames(article_id, store.article(article_id).text, suggestions) if needed else []
        )
        self.write(store, article_id, suggestions, events)

    def write(self, store, article_id: int, suggestions, events) -> None:
        """An article's span suggestions and frames, as one write."""
        with store.transaction():
            store.set_suggestions(article_id, self.model, self.model_version, suggestions)
            store.set_event_suggestions(article_id, self.model, self.model_version, events)
