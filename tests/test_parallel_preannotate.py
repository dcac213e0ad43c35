"""Issue 17: `preannotate --jobs N` runs the pipeline in N worker processes while one writer
stores; the suggestions are those of a single process."""

from __future__ import annotations

import shutil

from conftest import run_cli

from annotator.core.ingest import iter_sample_articles
from annotator.core.model import ArticleIn
from annotator.core.nlp import RULES_ONLY, load_for_project, preannotate
from annotator.core.parallel import default_jobs, preannotate_parallel
from annotator.core.store import Store


def _suggestions(db):
    with Store(db) as store:
        rows = store.conn.execute(
            'SELECT article_id, start, "end", label, attrs, model_version FROM suggestions ORDER BY 1, 2, 3, 4'
        ).fetchall()
        events = store.conn.execute(
            'SELECT article_id, label, start, "end", args, attrs FROM event_suggestions ORDER BY 1, 2, 3, 4'
        ).fetchall()
        return [tuple(r) for r in rows], [tuple(r) for r in events]


def test_parallel_preannotation_stores_what_one_process_does(tmp_path):
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    samples = list(iter_sample_articles())
    with Store(one) as store:
        store.import_articles(
            [ArticleIn(text=f"{a.text}\n\nCopy {i}.", title=a.title, published=a.published)
             for i in range(12) for a in samples],
            None,
        )  # fmt: skip
    shutil.copy(one, two)
    with Store(one) as store:
        n1 = preannotate(store, load_for_project(store, RULES_ONLY), batch_size=8)
    with Store(two) as store:
        n2 = preannotate_parallel(
            store, load_for_project(store, RULES_ONLY), RULES_ONLY, 2, batch_size=8
        )
        assert preannotate_parallel(store, load_for_project(store, RULES_ONLY), RULES_ONLY, 2) == 0
    assert n1 == n2 == 12 * len(samples)
    assert _suggestions(one) == _suggestions(two) and _suggestions(one)[0]
    assert default_jobs() >= 1


def test_cli_jobs(tmp_path):
    db = tmp_path / "p.db"
    with Store(db) as store:
        store.import_articles([ArticleIn(text=f"Russia and the Taliban signed a deal in Kabul, part {i}.") for i in range(70)], None)  # fmt: skip
    out = run_cli("preannotate", "--db", str(db), "--model", RULES_ONLY, "--jobs", "2")
    assert out.returncode == 0, out.stderr
    assert "suggested for 70 article(s)" in out.stderr
    bad = run_cli("preannotate", "--db", str(db), "--jobs", "0")
    assert bad.returncode == 2 and "--jobs" in bad.stderr
