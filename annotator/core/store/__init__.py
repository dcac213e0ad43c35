"""The project file: `Store`, the one class that reads and writes SQLite.

A project is a single SQLite file (WAL mode) holding immutable articles
identified by the SHA-256 of their text, annotators, human spans with uuids
and tombstones, per-(article, annotator) statuses, and model suggestions kept
apart from human work. Every public write method is one transaction, begun
IMMEDIATE so that two processes writing at once queue instead of failing.
Opening a file that is not an Annotator project, or one written by a newer
version, raises ProjectError before anything touches the file.

`Store` is composed of one part per concern, each a module of this package:

- `schema`      migrations and what is ours in a file
- `files`       checks of a file before opening it, read-only URIs, pack records
- `base`        the connection: open, migrate, transactions, clock, settings, annotators
- `rows`        the per-table row writers that import, edits and merge share
- `articles`    reading articles and article lists
- `imports`     adding articles, with their spans, suggestions and rejections
- `spans`       human spans
- `events`      event frames, suggested frames and the decisions on them
- `suggestions` model suggestions and the decisions on them
- `statuses`    statuses and summary counts
- `boilerplate` boilerplate ranges and editable headers
- `packs`       assignment rounds and pack files
- `merge`       merging another copy in
- `search`      full-text search (FTS5) with filters
"""

from __future__ import annotations

from annotator.core.store.articles import ArticlesMixin
from annotator.core.store.base import UpgradeCancelled
from annotator.core.store.boilerplate import BoilerplateMixin, Change, HeaderMixin, boilerplate_uuid
from annotator.core.store.events import EVENT_COLUMNS, EventsMixin
from annotator.core.store.files import DatabaseError, is_busy, read_pack_info, readonly_uri
from annotator.core.store.imports import MAX_ARTICLE_CHARS, ImportResult, ImportsMixin
from annotator.core.store.merge import MergeMixin, MergeResult
from annotator.core.store.packs import PACK_SETTINGS, PacksMixin
from annotator.core.store.rows import SPAN_COLUMNS, now, span_uuid, text_hash
from annotator.core.store.schema import APPLICATION_ID, SCHEMA_VERSION, migrations
from annotator.core.store.search import SearchHit, SearchMixin
from annotator.core.store.spans import SpansMixin
from annotator.core.store.statuses import StatusesMixin
from annotator.core.store.suggestions import SuggestionsMixin

__all__ = [
    "APPLICATION_ID",
    "EVENT_COLUMNS",
    "MAX_ARTICLE_CHARS",
    "PACK_SETTINGS",
    "SCHEMA_VERSION",
    "SPAN_COLUMNS",
    "Change",
    "DatabaseError",
    "ImportResult",
    "SearchHit",
    "MergeResult",
    "Store",
    "boilerplate_uuid",
    "is_busy",
    "migrations",
    "now",
    "read_pack_info",
    "readonly_uri",
    "span_uuid",
    "text_hash",
    "UpgradeCancelled",
]


class Store(
    ArticlesMixin,
    ImportsMixin,
    SpansMixin,
    EventsMixin,
    SuggestionsMixin,
    StatusesMixin,
    BoilerplateMixin,
    HeaderMixin,
    PacksMixin,
    MergeMixin,
    SearchMixin,
):
    """An open project file. Not shared between threads: open one per thread.

    `wall_clock` (microseconds since the epoch) is this laptop's clock; tests
    replace it to play laptops whose clocks are wrong.
    """
