"""First run: `annotator` with no project opens a default one holding the sample articles."""

from __future__ import annotations

import os

from conftest import run_cli

from annotator.core.paths import default_project_path
from annotator.core.store import Store


def test_first_run_creates_default_project_with_samples(tmp_path):
    shot = tmp_path / "first.png"
    result = run_cli("gui", "--screenshot", str(shot))
    assert result.returncode == 0, result.stderr
    path = default_project_path()
    assert str(path).startswith(os.environ["XDG_DATA_HOME"])
    with Store(path) as store:
        rows = store.list_articles()
        articles = [store.article(r.id) for r in rows]
    assert len(articles) >= 5
    for a in articles:
        assert a.title and a.source and a.published
        assert len(a.text.split()) > 150
    topics = " ".join(a.text for a in articles).lower()
    for fact in ("credentials", "terrorist", "oil", "lpg", "rail", "currency"):
        assert fact in topics
    assert shot.stat().st_size > 5_000

    # a second start neither duplicates the samples nor brings back deleted ones
    run_cli("gui", "--screenshot", str(shot))
    with Store(path) as store:
        assert store.article_count() == len(articles)
