"""`preannotate --no-frames`: a bulk run that suggests spans only, with no parser loaded; its spans
are a full run's, and a later full run adds the frames."""

from __future__ import annotations

import shutil

import pytest
from conftest import run_cli

from annotator.core.ingest import iter_sample_articles
from annotator.core.nlp import SPANS_ONLY, default_pipeline_name, load_for_project
from annotator.core.store import Store


def _stored(db):
    with Store(db) as store:
        spans = store.conn.execute(
            'SELECT article_id, start, "end", label, attrs FROM suggestions ORDER BY 1, 2, 3, 4'
        ).fetchall()
        versions = {r[0] for r in store.conn.execute("SELECT model_version FROM suggestion_runs")}
        events = store.conn.execute(
            'SELECT article_id, label, start, "end", args, attrs FROM event_suggestions'
            " ORDER BY 1, 2, 3, 4"
        ).fetchall()
    return [tuple(r) for r in spans], versions, [tuple(r) for r in events]


@pytest.fixture(scope="module")
def model():
    name = default_pipeline_name()
    if name is None:
        pytest.skip("no spaCy NER pipeline installed: the frames need its parser")
    return name


def test_no_frames_stores_the_spans_of_a_full_run_and_no_frames(tmp_path, model):
    full, spans_only = tmp_path / "full.db", tmp_path / "spans.db"
    with Store(full) as store:
        store.import_articles(list(iter_sample_articles()), None)
    shutil.copy(full, spans_only)

    out = run_cli("preannotate", "--db", str(full), "--model", model)
    assert out.returncode == 0, out.stderr
    out = run_cli("preannotate", "--db", str(spans_only), "--model", model, "--no-frames")
    assert out.returncode == 0, out.stderr
    assert "suggested for" in out.stderr and SPANS_ONLY in out.stderr

    full_spans, full_versions, full_events = _stored(full)
    spans, versions, events = _stored(spans_only)
    assert full_events, "the samples hold agreements with parties: a full run frames them"
    assert spans == full_spans and spans
    assert events == []
    assert all(v.endswith(SPANS_ONLY) for v in versions)
    assert not any(v.endswith(SPANS_ONLY) for v in full_versions)

    # the spans-only run is a run of its own: without the flag, the frames come
    again = run_cli("preannotate", "--db", str(spans_only), "--model", model)
    assert again.returncode == 0, again.stderr
    assert _stored(spans_only) == (full_spans, full_versions, full_events)


def test_no_frames_loads_no_parser(tmp_path, model):
    with Store(tmp_path / "p.db") as store:
        spans_only = load_for_project(store, model, frames=False)
        full = load_for_project(store, model)
    assert "parser" in full.nlp.component_names
    assert not {"parser", "tagger", "lemmatizer"} & set(spans_only.nlp.component_names)
    assert spans_only.frame_parser is None
    assert spans_only.version == full.version + SPANS_ONLY


def test_no_frames_in_the_help():
    out = run_cli("preannotate", "--help")
    assert out.returncode == 0 and "--no-frames" in out.stdout


def test_no_frames_on_worker_processes(tmp_path):
    from annotator.core.model import ArticleIn
    from annotator.core.nlp import RULES_ONLY, preannotate
    from annotator.core.parallel import preannotate_parallel

    one, two = tmp_path / "one.db", tmp_path / "two.db"
    with Store(one) as store:
        store.import_articles(
            [ArticleIn(text=f"Russia and the Taliban signed a deal in Kabul, part {i}.")
             for i in range(40)],
            None,
        )  # fmt: skip
    shutil.copy(one, two)
    with Store(one) as store:
        preannotate(store, load_for_project(store, RULES_ONLY, frames=False), batch_size=8)
    with Store(two) as store:
        pipeline = load_for_project(store, RULES_ONLY, frames=False)
        assert preannotate_parallel(store, pipeline, RULES_ONLY, 2, batch_size=8) == 40
    assert _stored(one) == _stored(two)
    assert _stored(one)[0] and _stored(one)[2] == []
