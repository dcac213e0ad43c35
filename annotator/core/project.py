"""Opening projects the way a user expects: the default one comes with sample articles."""

from __future__ import annotations

from pathlib import Path

from annotator.core.paths import default_project_path
from annotator.core.store import Store


def open_project(path: str | Path | None) -> Store:
    """Open PATH, or the user's default project, creating it with the samples on first use."""
    if path:
        return Store(path, create=True)
    default = default_project_path()
    store = Store(default, create=True)
    if store.article_count() == 0 and not store.setting("samples_loaded"):
        add_samples(store)
    return store


def add_samples(store: Store) -> int:
    from annotator.core.ingest import iter_sample_articles

    result = store.import_articles(list(iter_sample_articles()), None)
    store.set_setting("samples_loaded", True)
    return result.imported
