"""Pre-suggested agreement frames on sentences of each shape, parsed by the real pipeline.

The span suggestions are given by hand (the NER is not under test here), the
parse is en_core_web_sm's; `preannotate` storing frames is tested end to end.
"""

from __future__ import annotations

import pytest

from annotator.core.event_frames import FrameShape, FrameSuggester, parser_for, propose, windows
from annotator.core.model import Suggestion

SHAPE = FrameShape()


@pytest.fixture(scope="module")
def parser():
    found = parser_for()
    if not found.parsed:
        pytest.skip("no spaCy pipeline with a dependency parser installed")
    return found


def marked(text: str, **phrases: str) -> list[Suggestion]:
    """Suggestions at the first occurrence of each phrase: actor_1="Russia", date="5 May"."""
    out = []
    for key, phrase in phrases.items():
        label = key.split("_")[0].upper()
        start = text.index(phrase)
        attrs = {"type": "DIALOGUE"} if key == "agreement_dialogue" else {}
        label = "AGREEMENT" if label == "AGREEMENT" else label
        out.append(Suggestion(1, start, start + len(phrase), label, attrs, "m", "1"))
    return sorted(out, key=lambda s: s.start)


def frame(parser, text: str, **phrases: str) -> tuple[list[str], str | None, str | None]:
    [event] = propose(1, text, marked(text, **phrases), [SHAPE], parser, "m", "1")
    parties = [text[s:e] for role, s, e in event.args if role == "party"]
    dates = [text[s:e] for role, s, e in event.args if role == "date"]
    assert len(dates) <= 1
    return parties, (dates[0] if dates else None), event.attrs.get("status")


def test_subject_conjuncts_and_the_verbs_date(parser):
    text = "Russia and the Taliban signed an oil production contract on 5 May 2025."
    got = frame(parser, text, actor_1="Russia", actor_2="Taliban",
                agreement="oil production contract", date="5 May 2025")  # fmt: skip
    assert got == (["Russia", "Taliban"], "5 May 2025", "signed")


def test_between_pobj_and_began_operating(parser):
    text = "The rail link between Kabul and Tashkent began operating in January."
    got = frame(parser, text, agreement="rail link", actor_1="Kabul", actor_2="Tashkent",
                date="January")  # fmt: skip
    assert got == (["Kabul", "Tashkent"], "January", "implemented")


def test_possessor_and_with_pobj_cancelled(parser):
    text = "Kazakhstan's deal with Afghanistan was cancelled last week."
    got = frame(parser, text, actor_1="Kazakhstan", agreement="deal", actor_2="Afghanistan",
                date="last week")  # fmt: skip
    assert got == (["Kazakhstan", "Afghanistan"], "last week", "cancelled")


def test_passive_agents(parser):
    text = "The contract was signed by Iran and the Taliban in March."
    got = frame(parser, text, agreement="contract", actor_1="Iran", actor_2="Taliban",
                date="March")  # fmt: skip
    assert got == (["Iran", "Taliban"], "March", "signed")


def test_x_and_y_agreed_to(parser):
    text = "Uzbekistan and Afghanistan agreed to build a rail link."
    got = frame(parser, text, actor_1="Uzbekistan", actor_2="Afghanistan", agreement="rail link")
    assert got == (["Uzbekistan", "Afghanistan"], None, "agreed")


def test_expected_to_sign_is_proposed_and_the_reporting_date_is_not_taken(parser):
    text = (
        "Russian and Taliban representatives are expected to sign a contract at the forum "
        "in May 2025, he wrote on April 28."
    )
    got = frame(parser, text, actor="Russian and Taliban representatives", agreement="contract",
                date_1="May 2025", date_2="April 28")  # fmt: skip
    assert got == (["Russian and Taliban representatives"], "May 2025", "proposed")


@pytest.mark.parametrize(
    "text,status",
    [
        ("Pakistan could sign a trade agreement with the Taliban.", "proposed"),
        ("Pakistan will sign a trade agreement with the Taliban.", "proposed"),
        ("Pakistan plans to sign a trade agreement with the Taliban.", "proposed"),
        ("Pakistan discussed a trade agreement with the Taliban.", "proposed"),
        ("Pakistan inked a trade agreement with the Taliban.", "signed"),
        ("Pakistan reached a trade agreement with the Taliban.", "agreed"),
        ("Pakistan approved a trade agreement with the Taliban.", "agreed"),
        ("Pakistan implemented a trade agreement with the Taliban.", "implemented"),
        ("Pakistan suspended a trade agreement with the Taliban.", "cancelled"),
        ("Pakistan scrapped a trade agreement with the Taliban.", "cancelled"),
    ],
)
def test_status_from_the_verb_and_modality(parser, text, status):
    got = frame(parser, text, actor_1="Pakistan", agreement="trade agreement", actor_2="Taliban")
    assert got == (["Pakistan", "Taliban"], None, status)


def test_the_proposed_noun_and_plans_to(parser):
    text = "The proposed rail link between Uzbekistan and Afghanistan would cost billions."
    got = frame(parser, text, agreement="proposed rail link", actor_1="Uzbekistan",
                actor_2="Afghanistan")  # fmt: skip
    assert got == (["Uzbekistan", "Afghanistan"], None, "proposed")
    text = "Iran's plans to build the Chabahar corridor were announced."
    assert frame(parser, text, actor="Iran", agreement="Chabahar corridor") == (
        ["Iran"], None, "proposed"
    )  # fmt: skip


def test_a_meeting_verb_takes_its_subject_and_partner(parser):
    text = "Deputy Minister for Finance and Administration Mohammad Naeem met with Zhao Xing on Tuesday."
    got = frame(parser, text, actor_1="Mohammad Naeem", agreement_dialogue="met",
                actor_2="Zhao Xing", date="Tuesday")  # fmt: skip
    assert got == (["Mohammad Naeem", "Zhao Xing"], "Tuesday", "agreed")


def test_a_host_and_its_guest_are_parties(parser):
    text = "Bakhtiyor Saidov hosted a Taliban delegation in Tashkent to talk about a proposed rail link."
    got = frame(parser, text, actor_1="Bakhtiyor Saidov", actor_2="Taliban delegation",
                agreement="proposed rail link")  # fmt: skip
    assert got == (["Bakhtiyor Saidov", "Taliban delegation"], None, "proposed")


def test_actors_merely_mentioned_are_not_parties(parser):
    text = "Russia signed the deal with Kabul, said Fakhim Kukhdomani, an analyst in Washington."
    got = frame(parser, text, actor_1="Russia", agreement="deal", actor_2="Kabul",
                actor_3="Fakhim Kukhdomani", actor_4="Washington")  # fmt: skip
    assert got == (["Russia", "Kabul"], None, "signed")


def test_the_nearest_free_date_when_none_is_attached(parser):
    text = "In 2024 the Russia-Afghanistan wheat deal was a first, and a model for others."
    got = frame(parser, text, date="2024", actor_1="Russia", actor_2="Afghanistan",
                agreement="wheat deal")  # fmt: skip
    assert got[1] == "2024"
    assert got[0] == ["Russia", "Afghanistan"]


def test_one_frame_per_agreement_and_offsets_into_the_article(parser):
    text = (
        "🇦🇫 خبر — headline\n"
        "Russia signed a gas contract with the Taliban on Monday. "
        "Separately, Uzbekistan and Pakistan discussed a rail link.\n"
    )
    sugs = marked(text, actor_1="Russia", agreement_1="gas contract", actor_2="Taliban",
                  date="Monday", actor_3="Uzbekistan", actor_4="Pakistan",
                  agreement_2="rail link")  # fmt: skip
    events = propose(7, text, sugs, [SHAPE], parser, "m", "1")
    assert [text[e.trigger[0] : e.trigger[1]] for e in events] == ["gas contract", "rail link"]
    first, second = events
    assert first.article_id == 7 and first.model == "m" and first.label == "AGREEMENT"
    assert [(r, text[s:e]) for r, s, e in first.args] == [
        ("party", "Russia"), ("party", "Taliban"), ("date", "Monday")
    ]  # fmt: skip
    assert [(r, text[s:e]) for r, s, e in second.args] == [
        ("party", "Uzbekistan"), ("party", "Pakistan")
    ]  # fmt: skip
    assert (first.attrs, second.attrs) == ({"status": "signed"}, {"status": "proposed"})


def test_a_batch_of_articles_parsed_together_gives_each_its_own_frames(parser):
    from annotator.core.event_frames import propose_many

    one = "Russia signed a gas contract with the Taliban on Monday."
    two = "Nothing to see.\nUzbekistan and Pakistan discussed a rail link. Kabul agreed."
    three = "Russia and the Taliban met."
    articles = [
        (1, one, marked(one, actor_1="Russia", agreement="gas contract", actor_2="Taliban",
                        date="Monday")),
        (2, two, marked(two, actor_1="Uzbekistan", actor_2="Pakistan", agreement="rail link")),
        (3, three, marked(three, actor="Russia")),  # no trigger: no frame, no parse
    ]  # fmt: skip
    alone = [propose(aid, text, sugs, [SHAPE], parser, "m", "1") for aid, text, sugs in articles]
    together = propose_many(articles, [SHAPE], parser, "m", "1")
    assert together == alone
    assert [len(events) for events in together] == [1, 1, 0]
    assert together[1][0].article_id == 2


def test_no_trigger_no_parse():
    class Never:
        parsed = True
        lemmatizer = None

        def docs(self, texts):
            raise AssertionError("parsed an article without an AGREEMENT")

    text = "Russia and the Taliban met."
    assert propose(1, text, marked(text, actor="Russia"), [SHAPE], Never()) == []


def test_only_the_sentences_holding_a_trigger_are_parsed():
    filler = "Nothing happened here at all. " * 300
    text = (
        "Short one: a deal. Nothing else.\n" + filler + "Russia signed a deal with Kabul. " + filler
    )
    first = Suggestion(1, 13, 17, "AGREEMENT")
    start = text.index("deal with")
    sug = Suggestion(1, start, start + 4, "AGREEMENT")
    short, long = windows(text, [sug, first])
    assert text[short[0] : short[1]] == "Short one: a deal."  # a short paragraph too
    assert text[long[0] : long[1]] == "Russia signed a deal with Kabul."
    # neighbouring trigger sentences make one window
    second = text.index("Nothing", start)
    two = Suggestion(1, second, second + 7, "AGREEMENT")
    [_short, merged] = windows(text, [first, sug, two])
    assert (
        text[merged[0] : merged[1]].strip()
        == "Russia signed a deal with Kabul. Nothing happened here at all."
    )


def test_an_agreement_whose_sentence_names_no_actor_gets_no_frame_and_no_parse(parser):
    class Recording:
        """The real parser, keeping the texts it was asked to parse."""

        parsed = True
        lemmatizer = parser.lemmatizer

        def __init__(self):
            self.texts: list[str] = []

        def docs(self, texts):
            self.texts += texts
            return parser.docs(texts)

    text = (
        "The talks resumed on Monday. Russia signed a deal with Kabul.\n"
        "A gas contract was mentioned."
    )
    sugs = marked(text, agreement_1="talks", date="Monday", actor_1="Russia",
                  agreement_2="deal", actor_2="Kabul", agreement_3="gas contract")  # fmt: skip
    recording = Recording()
    [event] = propose(1, text, sugs, [SHAPE], recording, "m", "1")
    assert text[event.trigger[0] : event.trigger[1]] == "deal"
    assert [(r, text[s:e]) for r, s, e in event.args] == [("party", "Russia"), ("party", "Kabul")]
    assert event.attrs == {"status": "signed"}
    assert recording.texts == ["Russia signed a deal with Kabul."]
    # an event type that takes no party keeps a frame for every trigger
    partyless = FrameShape(event="TALKS", party_role=None)
    assert len(propose(1, text, sugs, [partyless], parser, "m", "1")) == 3


def test_anchored_patterns_match_what_the_dependency_matcher_finds(parser):
    from spacy.matcher import DependencyMatcher

    from annotator.core.event_frames import PATTERNS, anchored

    matcher = DependencyMatcher(parser.nlp.vocab)
    for name, pattern in PATTERNS:
        matcher.add(name, [pattern])
    texts = [
        "Russia and the Taliban signed an oil production contract with Kabul on 5 May 2025.",
        "Kazakhstan's deal with Afghanistan was cancelled by the Iran-Afghanistan commission.",
        "China offered Kabul a loan.",
        "Iran's minister met Muttaqi in Kabul.",
        "The contract was signed by Iran.",
    ]
    seen = set()
    for doc in parser.docs(texts):
        expected = set()
        for match_id, tokens in matcher(doc):
            expected.add((doc.vocab.strings[match_id], tokens[0], tokens[-1]))
        got = {(name, t.i, arg) for name, p in PATTERNS for t in doc for arg in anchored(p, t)}
        assert got == expected
        seen |= {name for name, _a, _b in got}
    assert seen == {name for name, _p in PATTERNS}, seen  # every pattern was exercised


def test_without_a_parser_the_sentence_gives_nearby_arguments():
    import spacy

    from annotator.core.event_frames import FrameParser

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    blank = FrameParser(nlp)
    text = "Iran hosted talks. Russia signed a deal with Kabul on Monday. China watched."
    sugs = marked(text, actor_1="Iran", actor_2="Russia", agreement="deal", actor_3="Kabul",
                  date="Monday", actor_4="China")  # fmt: skip
    [event] = propose(1, text, sugs, [SHAPE], blank)
    assert [text[s:e] for _r, s, e in event.args] == ["Russia", "Kabul", "Monday"]
    assert event.attrs == {}


def test_shapes_follow_the_scheme():
    from annotator.core.model import LabelScheme
    from annotator.core.paths import resource

    scheme = LabelScheme.from_json(resource("scheme.json").read_text(encoding="utf-8"))
    [shape] = FrameShape.from_scheme(scheme)
    assert (shape.event, shape.trigger, shape.party_role, shape.date_role) == (
        "AGREEMENT", "AGREEMENT", "party", "date"
    )  # fmt: skip
    assert "signed" in shape.statuses
    assert FrameSuggester(scheme).shapes == [shape]


def test_preannotate_stores_a_frame_per_suggested_agreement(store, parser):
    from annotator.core.model import ArticleIn
    from annotator.core.nlp import load_for_project, preannotate, suggest_article

    pipeline = load_for_project(store)
    text = (
        "Russia and the Taliban signed an oil production contract on 5 May 2025 in Kabul.\n"
        "Nothing else happened.\n"
    )
    store.import_articles([ArticleIn(text=text, published="2025-05-30")], None)
    [aid] = store.articles_without_suggestions(pipeline.name, pipeline.version)
    assert preannotate(store, pipeline) == 1
    spans = {(s.start, s.end): s.label for s in store.suggestions(aid)}
    [event] = store.event_suggestions(aid)
    assert spans[event.trigger] == "AGREEMENT"
    assert (event.model, event.model_version) == (pipeline.name, pipeline.version)
    for _role, s, e in event.args:
        assert (s, e) in spans  # every argument is a suggested span
    assert [(role, text[s:e]) for role, s, e in event.args] == [
        ("party", "Russia"), ("party", "Taliban"), ("date", "5 May 2025")
    ]  # fmt: skip
    assert event.attrs == {"status": "signed"}
    # the one article on screen: the same frames, replacing the old ones
    suggest_article(store, pipeline, aid)
    assert store.event_suggestions(aid) == [event]
