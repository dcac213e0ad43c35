"""Pre-highlighting: discovery, label mapping, rules, date values, fallback, re-runs, the CLI."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from conftest import run_cli

from annotator.core.dates import normalize_date
from annotator.core.ingest import iter_sample_articles
from annotator.core.nlp import (
    RULES_ONLY,
    discover_pipelines,
    load_annotator_pipeline,
    load_for_project,
    preannotate,
)
from annotator.core.store import Store


def suggest_one(pipeline, text: str, published: str | None = "2025-05-30"):
    [(_, sugs)] = list(pipeline.suggest([(1, text, published)]))
    return {text[s.start : s.end]: s for s in sugs}


@pytest.fixture(scope="module")
def model():
    pipeline = load_annotator_pipeline()
    if pipeline.rules_only:
        pytest.skip("no spaCy NER pipeline installed")
    return pipeline


@pytest.fixture(scope="module")
def rules():
    return load_annotator_pipeline(RULES_ONLY)


PUBLISHED = date(2025, 5, 30)


@pytest.mark.parametrize(
    "text,value",
    [
        ("April 2025", "2025-04"),
        ("29.05.2025", "2025-05-29"),
        ("30 January 2024", "2024-01-30"),
        ("2021", "2021"),
        ("last week", "2025-W21"),
        ("this week", "2025-W22"),
        ("last month", "2025-04"),
        ("in March", "2025-03"),
        ("the end of January", "2025-01"),
        ("21 May", "2025-05-21"),
        ("Thursday", "2025-05-29"),
        ("Friday", "2025-05-30"),  # "said on Friday" in a Friday paper is that day
        ("the end of June", "2025-06"),  # the nearest June, not last year's
        ("25 years", None),
        ("25-year", None),
        ("recently", None),
        ("the coming months", None),
    ],
)
def test_date_values_against_publication(text, value):
    assert normalize_date(text, PUBLISHED) == value


def test_relative_dates_need_a_publication_date():
    assert normalize_date("last week", None) is None
    assert normalize_date("April 2025", None) == "2025-04"


def test_discovery_marks_one_default_and_registered_models(tmp_path):
    infos = discover_pipelines({"ours": str(tmp_path)})
    assert sum(i.default for i in infos) <= 1
    ours = [i for i in infos if i.name == "ours"]
    assert ours and ours[0].registered and not ours[0].default
    installed = [i for i in infos if not i.registered]
    if installed:
        assert infos[[i.name for i in infos].index(installed[0].name)]
        assert any(i.default for i in installed)
        assert all("DATE" in i.ner_labels for i in installed if i.lang == "en")


def test_model_labels_map_onto_the_scheme(model):
    text = "Foreign Minister Amir Khan Muttaqi met Chinese officials in Beijing on 21 May 2025."
    found = suggest_one(model, text)
    assert found["Amir Khan Muttaqi"].label == "ACTOR"  # title dropped
    assert found["Amir Khan Muttaqi"].attrs == {
        "kind": "person", "canonical": "Amir Khan Muttaqi", "country": "AFG",
    }  # fmt: skip
    assert found["21 May 2025"].label == "DATE" and found["21 May 2025"].attrs == {
        "value": "2025-05-21"
    }
    assert found["Chinese officials"].attrs["kind"] == "group"
    assert "Beijing" not in found  # "in Beijing" is a place here
    assert {s.label for s in found.values()} <= {"ACTOR", "DATE", "AGREEMENT"}


def test_capitals_as_governments_map_to_their_state(rules):
    text = "Beijing reaffirmed its support, while Moscow and Kabul agreed to an exchange of ambassadors."
    found = suggest_one(rules, text)
    assert (
        found["Beijing"].attrs["country"] == "CHN"
        and found["Beijing"].attrs["canonical"] == "China"
    )
    assert found["Moscow"].attrs["canonical"] == "Russia"
    assert found["Kabul"].attrs == {"kind": "state", "canonical": "Afghanistan", "country": "AFG"}
    assert found["exchange of ambassadors"].attrs == {"type": "DIPLOMATIC"}


@pytest.mark.parametrize(
    "text,phrase,kind",
    [
        ("China's President Xi Jinping accepted the credentials of the envoy.", "accepted the credentials", "DIPLOMATIC"),
        ("Russia removed the Taliban from its list of terrorist organizations.", "removed the Taliban from its list of terrorist organizations", "DIPLOMATIC"),
        ("Chinese companies signed oil production contracts with the Taliban.", "oil production contracts", "ENERGY"),
        ("They are expected to sign an LPG deal at the forum.", "LPG deal", "ENERGY"),
        ("Talks on the proposed trans-Afghan rail link continued.", "proposed trans-Afghan rail link", "INFRASTRUCTURE"),
        ("Kabul plans local currency trade mechanisms with both powers.", "local currency trade mechanisms", "FINANCE"),
        ("Iran wants to build the Iran–Afghanistan–China corridor soon.", "Iran–Afghanistan–China corridor", "INFRASTRUCTURE"),
        ("The firm holds a copper mining concession in Logar.", "copper mining concession", "MINING"),
        ("The deputy minister received the credentials of the envoy.", "received the credentials", "DIPLOMATIC"),
        ("In April the court lifted the ban on the Taliban entirely.", "lifted the ban on the Taliban", "DIPLOMATIC"),
        ("Freight runs on the Khaf–Herat railway every day.", "Khaf–Herat railway", "INFRASTRUCTURE"),
        ("Both sides agreed to settle trade in rials and afghanis.", "settle trade in rials and afghanis", "FINANCE"),
        ("They signed the Afghanistan-Pakistan Transit Trade Agreement.", "Afghanistan-Pakistan Transit Trade Agreement", "INFRASTRUCTURE"),
        ("Moscow became the first to formally recognise the group.", "formally recognise", "DIPLOMATIC"),
    ],
)  # fmt: skip
def test_agreement_rules_with_types(rules, text, phrase, kind):
    found = suggest_one(rules, text)
    assert phrase in found, sorted(found)
    assert found[phrase].label == "AGREEMENT" and found[phrase].attrs["type"] == kind


def test_agreement_that_contains_a_party_wins_over_the_actor(rules):
    text = "Russia removed the Taliban from its list of terrorist organizations."
    found = suggest_one(rules, text)
    assert "Taliban" not in found  # the party stays inside the agreement (GUIDELINES.md)
    assert found["Russia"].label == "ACTOR"


def test_no_overlaps_and_deterministic(model):
    article = next(iter_sample_articles())
    first = [
        (s.start, s.end, s.label)
        for s in suggest_one(model, article.text, article.published).values()
    ]
    again = [
        (s.start, s.end, s.label)
        for s in suggest_one(model, article.text, article.published).values()
    ]
    assert first == again
    ordered = sorted(first)
    assert all(a[1] <= b[0] for a, b in zip(ordered, ordered[1:], strict=False))


def test_sample_articles_are_well_covered(model):
    for article in iter_sample_articles():
        found = suggest_one(model, article.text, article.published)
        labels = {s.label for s in found.values()}
        assert labels == {"ACTOR", "DATE", "AGREEMENT"}, article.title
        for text, s in found.items():
            assert text == text.strip()
            if s.label != "DATE":  # "the end of January" is a whole date expression
                assert not text.lower().startswith(("the ", "a "))
            if s.label == "DATE" and "value" in s.attrs:  # none when nothing can be said
                assert re.fullmatch(r"(\d{4}|XXXX)(-W\d\d|-\d\d(-\d\d)?)?", s.attrs["value"]), (
                    s.attrs
                )
            if s.label == "AGREEMENT":
                assert s.attrs["type"] in {
                    "DIPLOMATIC", "TRADE", "ENERGY", "MINING", "INFRASTRUCTURE",
                    "SECURITY", "AID", "FINANCE", "DIALOGUE",
                }  # fmt: skip
            if s.label == "ACTOR":
                assert s.attrs["kind"]


def test_seeds_get_suggestions_after_emoji_free_offsets(model, seeds):
    for path in sorted(seeds.iterdir()):
        text = path.read_text(encoding="utf-8")
        found = suggest_one(model, text, None)
        for phrase, s in found.items():
            assert text[s.start : s.end] == phrase
        assert any(s.label == "ACTOR" for s in found.values())


def test_rules_only_fallback_still_suggests(rules):
    assert rules.rules_only and rules.name == "rules"
    found = suggest_one(rules, "Russia and China signed a mining contract in Kabul last week.")
    assert found["mining contract"].attrs["type"] == "MINING"
    assert found["Russia"].attrs["country"] == "RUS"


def test_preannotate_rerun_is_a_noop_and_changed_rules_resuggest(tmp_path, rules):
    with Store(tmp_path / "p.db") as store:
        store.import_articles(list(iter_sample_articles()), None)
        pipeline = load_for_project(store, RULES_ONLY)
        assert preannotate(store, pipeline) == store.article_count()
        counts = store.stats()["suggestions"]
        assert preannotate(store, pipeline) == 0
        assert store.stats()["suggestions"] == counts
        # the team edits its gazetteer: a new version, suggested again
        gazetteer = store.setting("gazetteer")
        gazetteer["entries"].append(
            {"canonical": "Tashkent Forum", "kind": "organisation", "aliases": ["KazanForum"]}
        )
        store.set_setting("gazetteer", gazetteer)
        changed = load_for_project(store, RULES_ONLY)
        assert changed.version != pipeline.version
        assert preannotate(store, changed) == store.article_count()
        assert store.spans(store.article_ids()[0]) == []  # suggestions never become spans


def test_cli_preannotate_evaluate_and_errors(tmp_path):
    db = str(tmp_path / "p.db")
    samples = tmp_path / "s.jsonl"
    with samples.open("w", encoding="utf-8") as fh:
        for a in iter_sample_articles():
            fh.write(
                json.dumps({"text": a.text, "meta": {"title": a.title, "published": a.published}})
                + "\n"
            )
    assert run_cli("import", str(samples), "--db", db).returncode == 0
    out = tmp_path / "sug.jsonl"
    first = run_cli("preannotate", "--db", db, "--model", "rules", "--jsonl", str(out))
    assert first.returncode == 0, first.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # the model's output is suggestions: nobody's answer (issue 15)
    assert len(records) == 6 and all(r["meta"]["model"] == "rules" for r in records)
    assert not any("answer" in r or "_annotator_id" in r for r in records)
    assert all(r["text"][s["start"] : s["end"]] == s["text"] for r in records for s in r["spans"])
    again = run_cli("preannotate", "--db", db, "--model", "rules")
    assert "suggested for 0 article(s)" in again.stderr

    # a reference annotator who accepted half the suggestions and added one of their own
    with Store(db) as store:
        aid = store.article_ids()[0]
        sugs = store.suggestions(aid, "ana")
        store.accept_suggestions("ana", sugs[: len(sugs) // 2])
        store.add_span(aid, "ana", 0, 5, "DATE")
        store.set_status(aid, "ana", "done")
    result = run_cli("evaluate", "--db", db, "--reference", "ana", "--json")
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    half = len(sugs) // 2
    exact = scores["overall"]["exact"]
    assert (exact["tp"], exact["predicted"], exact["reference"]) == (half, len(sugs), half + 1)
    assert scores["articles"] == 1 and scores["model"] == "rules"

    missing = run_cli("preannotate", "--db", db, "--model", str(tmp_path / "no-such-model"))
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1
    unknown = run_cli("preannotate", "--db", db, "--model", "xx_no_such_pipeline")
    assert unknown.returncode == 2 and "no spaCy pipeline named" in unknown.stderr
    assert run_cli("models").returncode == 0


def test_negated_recognition_is_no_agreement(rules):
    found = suggest_one(rules, "No other government has recognised the Taliban so far.")
    assert "recognised" not in found and found["Taliban"].label == "ACTOR"


@pytest.mark.parametrize(
    "text,place",
    [
        ("MOSCOW — Russia said on Thursday it would act.", "MOSCOW"),
        ("The route crosses mountains north of Kabul, officials said.", "Kabul"),
        ("Goods would travel to Pakistan's ports, officials said.", "Pakistan"),
    ],
)
def test_datelines_directions_and_ports_are_places(model, text, place):
    found = suggest_one(model, text)
    assert place not in found, sorted(found)


def test_a_commentators_employer_is_no_actor(model):
    text = "The plan matters, said Asfandyar Mir, a senior expert at the United States Institute of Peace."
    found = suggest_one(model, text)
    assert "United States Institute of Peace" not in found and "Asfandyar Mir" in found


@pytest.mark.parametrize("text", ["10:30", "06:30 PM IST", "7am", "14:20 GMT", "10.30 local time"])
def test_a_clock_time_alone_is_no_date(text):
    from annotator.core.dates import date_attrs

    assert date_attrs(text, None) is None
    assert date_attrs("Oct 11, 2025", None) == {"value": "2025-10-11"}


EDGE_PATTERNS = [
    # words only: become phrases (LOWER; ORTH for TEXT words throughout)
    {"label": "AGREEMENT", "id": "X", "pattern": [{"LOWER": {"IN": ["new", "big"]}, "OP": "?"},
                                                 {"LOWER": "deal"}]},
    {"label": "AGREEMENT", "id": "", "pattern": [{"LOWER": "local"}, {"TEXT": {"IN": ["-", "–"]}},
                                                {"LOWER": "currency"}]},
    {"label": "AGREEMENT", "id": "Y", "pattern": [{"TEXT": "Belt"}, {"TEXT": "and"},
                                                 {"TEXT": "Road"}]},
    # not words only, or not the tokenizer's words: they stay token patterns
    {"label": "AGREEMENT", "id": "", "pattern": [{"LOWER": "Deal"}]},  # never matches lower_
    {"label": "AGREEMENT", "id": "", "pattern": [{"LOWER": "re-establish"}, {"LOWER": "ties"}]},
    {"label": "AGREEMENT", "id": "", "pattern": [{"LOWER": "talks", "OP": "+"}]},
    {"label": "ACTOR", "id": "", "pattern": [{"TEXT": "Afghan"}, {"LOWER": "side"}]},
    {"label": "DATE", "id": "", "pattern": [{"TEXT": {"REGEX": "^20\\d\\d$"}}]},
]  # fmt: skip


def test_word_only_patterns_match_as_phrases_exactly_where_token_patterns_did(seeds):
    """The automatic conversion of word-only token patterns to phrase patterns: the
    project's patterns and edge cases give the very spans one plain SpanRuler gives."""
    import spacy

    from annotator.core.nlp import RULER_KEY, default_rules, phrase_patterns, rule_patterns

    scheme, patterns, gazetteer = default_rules()
    patterns = patterns + EDGE_PATTERNS
    pipeline = load_annotator_pipeline(RULES_ONLY, patterns=patterns)
    kept, lower = phrase_patterns(patterns, pipeline.nlp.make_doc)
    assert len(lower) > len(patterns)  # most are words only, expanded into their phrases
    assert {json.dumps(p["pattern"]) for p in EDGE_PATTERNS[3:]} <= {
        json.dumps(p["pattern"]) for p in kept
    }
    plain = spacy.blank("en")
    plain.add_pipe("span_ruler", config={"spans_key": RULER_KEY}).add_patterns(
        rule_patterns(scheme, patterns, gazetteer, keep_non_actors=True)
    )
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))]
    texts.append(
        "A new deal, a big Deal and a deal; local-currency and local – currency trade. "
        "The Belt and Road, belt and road. They re-establish ties; talks talks. "
        "The Afghan side, the afghan side, in 2024."
    )
    found = 0
    for text in texts:
        doc, plain_doc = pipeline.nlp(text), plain(text)
        ours = [(s.start, s.end, s.label_, s.id_) for s in pipeline.rule_spans(doc)]
        theirs = [(s.start, s.end, s.label_, s.id_) for s in plain_doc.spans[RULER_KEY]]
        assert ours == theirs
        found += len(ours)
    assert found > 100


def test_one_model_load_serves_the_ner_and_the_frames_parse(model):
    """The frames parse with the NER pipeline's own parser (loaded disabled), and an
    embedding no running component listens to does not run over the text."""
    from annotator.core.event_frames import FrameSuggester

    parser = FrameSuggester.for_pipeline(model).parser
    if "parser" not in model.nlp.component_names:
        pytest.skip("the default pipeline has no parser")
    assert parser.nlp is model.nlp and parser.parsed
    assert "parser" not in model.nlp.pipe_names and "tagger" not in model.nlp.pipe_names
    for name in ("tok2vec", "transformer"):
        if name in model.nlp.pipe_names:
            listeners = model.nlp.get_pipe(name).listening_components
            assert set(listeners) & set(model.nlp.pipe_names)
    [doc] = parser.docs(["Russia signed a deal with Kabul."])
    assert doc.has_annotation("DEP") and doc.has_annotation("TAG")


def test_forked_workers_store_what_one_process_does(tmp_path, model, monkeypatch):
    """`--jobs` workers forked from the process that loaded the pipeline (as bare
    nlp.pipe(n_process) does) give the same suggestions and frames as one process."""
    import shutil

    from annotator.core import parallel
    from annotator.core.model import ArticleIn

    monkeypatch.setattr(parallel, "start_method", lambda: "fork")
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    samples = list(iter_sample_articles())
    with Store(one) as store:
        store.import_articles(
            [ArticleIn(text=a.text, title=a.title, published=a.published) for a in samples], None
        )
    shutil.copy(one, two)

    def stored(db):
        with Store(db) as store:
            return [
                (store.suggestions(a, model=model.name), store.event_suggestions(a))
                for a in store.article_ids()
            ]

    with Store(one) as store:
        preannotate(store, model, batch_size=2)
    with Store(two) as store:
        parallel.preannotate_parallel(store, model, None, 2, batch_size=2)
    first, forked = stored(one), stored(two)
    assert first == forked and any(events for _s, events in first)
