"""The schema of a project file: its migrations, and what is ours in a file.

Migrations are sqlite-utils `Migrations`, recorded in the file itself; a new
schema version is a new step at the end, never an edit of an old one.
"""

from __future__ import annotations

import json
import uuid as uuidlib
from collections.abc import Iterable
from functools import lru_cache

import sqlite_utils
from sqlite_utils.migrations import Migrations

from annotator.core.clock import LEGACY_NODE

APPLICATION_ID = 0x414E4E54  # "ANNT" in the SQLite header marks our files

migrations = Migrations("annotator")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.executescript(
        """
        CREATE TABLE project (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            hash TEXT NOT NULL UNIQUE,
            text TEXT NOT NULL,
            title TEXT,
            source TEXT,
            published TEXT,
            meta TEXT NOT NULL DEFAULT '{}',
            length INTEGER NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE annotators (name TEXT PRIMARY KEY, created_at TEXT NOT NULL);
        CREATE TABLE spans (
            uuid TEXT PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            annotator TEXT NOT NULL REFERENCES annotators(name),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL,
            attrs TEXT NOT NULL DEFAULT '{}',
            origin TEXT NOT NULL DEFAULT 'manual',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            deleted_at TEXT,
            deleted_by TEXT,
            CHECK (start >= 0 AND "end" > start)
        );
        CREATE INDEX spans_article_annotator ON spans(article_id, annotator);
        CREATE TABLE status (
            article_id INTEGER NOT NULL REFERENCES articles(id),
            annotator TEXT NOT NULL REFERENCES annotators(name),
            status TEXT NOT NULL CHECK (status IN ('todo', 'in_progress', 'done', 'skipped')),
            updated_at TEXT NOT NULL,
            PRIMARY KEY (article_id, annotator)
        );
        CREATE TABLE suggestions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            model TEXT NOT NULL,
            model_version TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL,
            attrs TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            UNIQUE (article_id, model, model_version, start, "end", label)
        );
        CREATE INDEX suggestions_article ON suggestions(article_id);
        CREATE TABLE suggestion_runs (
            article_id INTEGER NOT NULL REFERENCES articles(id),
            model TEXT NOT NULL,
            model_version TEXT NOT NULL,
            count INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (article_id, model, model_version)
        );
        CREATE TABLE decisions (
            article_id INTEGER NOT NULL REFERENCES articles(id),
            annotator TEXT NOT NULL REFERENCES annotators(name),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL,
            decision TEXT NOT NULL CHECK (decision IN ('accept', 'reject')),
            model TEXT,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (article_id, annotator, start, "end", label)
        );
        """
    )


@migrations()
def m002_assignments(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE assignments (
            article_id INTEGER NOT NULL REFERENCES articles(id),
            annotator TEXT NOT NULL,
            overlap INTEGER NOT NULL DEFAULT 0,
            pack TEXT,
            assigned_at TEXT NOT NULL,
            PRIMARY KEY (article_id, annotator)
        );
        """
    )


@migrations()
def m003_token_cache(db: sqlite_utils.Database) -> None:
    # token offsets of immutable texts, so agreement need not re-tokenise a corpus each time
    db.executescript(
        """
        CREATE TABLE token_cache (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id),
            tokenizer TEXT NOT NULL,
            offsets BLOB NOT NULL
        );
        """
    )


@migrations()
def m004_clock(db: sqlite_utils.Database) -> None:
    # A hybrid logical clock per file and a version vector per row (see core/clock.py);
    # rows written before it get their wall time as the stamp of a shared "legacy" node.
    stamp = "CAST(round((julianday(updated_at) - 2440587.5) * 86400000.0) AS INTEGER) * 1000"
    db.executescript(
        f"""
        CREATE TABLE clock (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            last INTEGER NOT NULL,
            node TEXT NOT NULL,
            file TEXT NOT NULL DEFAULT ''
        );
        ALTER TABLE spans ADD COLUMN hlc INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE spans ADD COLUMN vv TEXT NOT NULL DEFAULT '{{}}';
        ALTER TABLE status ADD COLUMN hlc INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE status ADD COLUMN vv TEXT NOT NULL DEFAULT '{{}}';
        ALTER TABLE decisions ADD COLUMN hlc INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE decisions ADD COLUMN vv TEXT NOT NULL DEFAULT '{{}}';
        ALTER TABLE decisions ADD COLUMN cleared_at TEXT;
        UPDATE spans SET hlc = COALESCE({stamp}, 0);
        UPDATE status SET hlc = COALESCE({stamp}, 0);
        UPDATE decisions SET hlc = COALESCE({stamp}, 0);
        UPDATE spans SET vv = json_object('{LEGACY_NODE}', hlc);
        UPDATE status SET vv = json_object('{LEGACY_NODE}', hlc);
        UPDATE decisions SET vv = json_object('{LEGACY_NODE}', hlc);
        """
    )
    last = db.execute(
        "SELECT max(COALESCE((SELECT max(hlc) FROM spans), 0), COALESCE((SELECT max(hlc) FROM status), 0),"
        " COALESCE((SELECT max(hlc) FROM decisions), 0))"
    ).fetchone()[0]
    db.execute("INSERT INTO clock(id, last, node) VALUES (1, ?, ?)", (last or 0, new_node()))


@migrations()
def m005_merge_conflicts(db: sqlite_utils.Database) -> None:
    # What merges resolved or skipped, kept so that review can list them.
    db.executescript(
        """
        CREATE TABLE merge_conflicts (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            reason TEXT NOT NULL,
            key TEXT NOT NULL,
            article_id INTEGER,
            annotator TEXT,
            kept TEXT NOT NULL,
            lost TEXT NOT NULL,
            source TEXT NOT NULL,
            merged_at TEXT NOT NULL,
            UNIQUE (kind, reason, key, kept, lost)
        );
        CREATE INDEX merge_conflicts_article ON merge_conflicts(article_id);
        """
    )


@migrations()
def m006_pack_rounds(db: sqlite_utils.Database) -> None:
    # Packs recorded before they are written, so that a killed `assign` is repaired by a re-run.
    db.executescript(
        """
        ALTER TABLE assignments ADD COLUMN round INTEGER NOT NULL DEFAULT 1;
        CREATE TABLE packs (
            round INTEGER NOT NULL,
            annotator TEXT NOT NULL,
            path TEXT NOT NULL,
            articles INTEGER NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('planned', 'written')),
            created_at TEXT NOT NULL,
            PRIMARY KEY (round, annotator)
        );
        INSERT INTO packs(round, annotator, path, articles, state, created_at)
            SELECT 1, annotator, COALESCE(max(pack), ''), count(*), 'written', min(assigned_at)
            FROM assignments GROUP BY annotator;
        """
    )


@migrations()
def m007_boilerplate(db: sqlite_utils.Database) -> None:
    # Boilerplate ranges, stored like spans (uuid from hash and offsets, tombstones), and
    # the stamp of an article's editable header (#16).
    db.executescript(
        """
        CREATE TABLE boilerplate (
            uuid TEXT PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            origin TEXT NOT NULL DEFAULT 'auto',
            created_by TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            deleted_at TEXT,
            deleted_by TEXT,
            CHECK (start >= 0 AND "end" > start)
        );
        CREATE INDEX boilerplate_article ON boilerplate(article_id);
        ALTER TABLE articles ADD COLUMN header_updated_at TEXT;
        """
    )


DEFAULT_EVENTS = [
    {
        "name": "AGREEMENT",
        "trigger": "AGREEMENT",
        "roles": [
            {"name": "party", "labels": ["ACTOR"], "min": 1, "max": None},
            {"name": "date", "labels": ["DATE"], "min": 0, "max": 1},
        ],
        "attributes": {
            "status": {
                "type": "choice",
                "choices": ["proposed", "agreed", "signed", "implemented", "cancelled"],
            }
        },
    }
]


@migrations()
def m008_events(db: sqlite_utils.Database) -> None:
    # Event frames (#14): an event is one row, its arguments a JSON list of [role, span uuid]
    # in it, so that one version (clock stamp, vector, tombstone) covers the whole frame and
    # a merge can never combine two copies' arguments into a frame neither made (two dates
    # for a role that takes one). Suggested frames refer to offsets (their spans are not
    # spans yet); decisions on them are kept like span decisions.
    db.executescript(
        """
        CREATE TABLE events (
            uuid TEXT PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            annotator TEXT NOT NULL REFERENCES annotators(name),
            label TEXT NOT NULL,
            trigger TEXT NOT NULL,
            args TEXT NOT NULL DEFAULT '[]',
            attrs TEXT NOT NULL DEFAULT '{}',
            origin TEXT NOT NULL DEFAULT 'manual',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            deleted_at TEXT,
            deleted_by TEXT,
            hlc INTEGER NOT NULL DEFAULT 0,
            vv TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX events_article_annotator ON events(article_id, annotator);
        CREATE INDEX events_trigger ON events(trigger);
        CREATE TABLE event_suggestions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            model TEXT NOT NULL,
            model_version TEXT NOT NULL,
            label TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            args TEXT NOT NULL DEFAULT '[]',
            attrs TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            UNIQUE (article_id, model, model_version, label, start, "end")
        );
        CREATE INDEX event_suggestions_article ON event_suggestions(article_id);
        CREATE TABLE event_decisions (
            article_id INTEGER NOT NULL REFERENCES articles(id),
            annotator TEXT NOT NULL REFERENCES annotators(name),
            label TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            decision TEXT NOT NULL CHECK (decision IN ('accept', 'reject')),
            model TEXT,
            updated_at TEXT NOT NULL,
            cleared_at TEXT,
            hlc INTEGER NOT NULL DEFAULT 0,
            vv TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (article_id, annotator, label, start, "end")
        );
        """
    )
    # a project made before events gets the default AGREEMENT frame when its labels allow it
    row = db.execute("SELECT value FROM project WHERE key = 'scheme'").fetchone()
    if row is None:
        return
    scheme = json.loads(row[0])
    names = {label.get("name") for label in scheme.get("labels", [])}
    if "events" not in scheme and {"AGREEMENT", "ACTOR", "DATE"} <= names:
        scheme["events"] = DEFAULT_EVENTS
        db.execute(
            "UPDATE project SET value = ? WHERE key = 'scheme'",
            (json.dumps(scheme, ensure_ascii=False),),
        )


@migrations()
def m009_fts(db: sqlite_utils.Database) -> None:
    # Full-text search over titles and texts (#17): an FTS5 index over the articles table
    # (external content, so texts are not stored twice), kept in step by triggers whatever
    # writes an article (import, merge, packs, header edits); built here for existing files.
    # And boilerplate detection deferred from import to first use: the articles not yet
    # looked at (`boilerplate_pending`); everything imported before is detected already.
    db.executescript(
        """
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text, content='articles', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
        END;
        CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
                VALUES ('delete', old.id, old.title, old.text);
        END;
        CREATE TRIGGER articles_fts_title AFTER UPDATE OF title, text ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
                VALUES ('delete', old.id, old.title, old.text);
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
        END;
        INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
        CREATE TABLE boilerplate_pending (article_id INTEGER PRIMARY KEY REFERENCES articles(id));
        """
    )


@migrations()
def m010_sort_indexes(db: sqlite_utils.Database) -> None:
    # The article list sorted by any column without a stall (#17): keyset pages over an
    # index per sort key (title, date; status and span count per annotator, see listing.py).
    db.executescript(
        """
        CREATE INDEX IF NOT EXISTS articles_title ON articles(title COLLATE NOCASE);
        CREATE INDEX IF NOT EXISTS articles_published ON articles(published);
        CREATE INDEX IF NOT EXISTS status_annotator_status ON status(annotator, status, article_id);
        CREATE INDEX IF NOT EXISTS spans_annotator_live ON spans(annotator, article_id)
            WHERE deleted_at IS NULL;
        """
    )


@migrations()
def m011_article_ids(db: sqlite_utils.Database) -> None:
    # The articles' ids alone (a few bytes an entry; #17): counting the rows before one (its
    # row in the list), the list's count and skipping to its end no longer read the texts
    # (the table's own b-tree holds them: 1 GB read to count a third of 1,000,000 articles).
    db.execute("CREATE INDEX IF NOT EXISTS articles_ids ON articles(id)")


SCHEMA_VERSION = len(migrations._migrations)


def new_node() -> str:
    """A fresh clock node id (a file, or a copy of one, that writes)."""
    return uuidlib.uuid4().hex[:16]


def _normal_sql(sql: str | None) -> str:
    return " ".join((sql or "").split())


@lru_cache(maxsize=1)
def _our_objects() -> frozenset[tuple[str, str, str]]:
    """(type, name, sql) of every table, index, view and trigger some schema version of ours has.

    Built by applying the migrations one by one to a database in memory, so it
    follows whatever the migrations create, now and in later versions.
    """
    mem = sqlite_utils.Database(memory=True)
    seen: set[tuple[str, str, str]] = set()

    def collect() -> None:
        for kind, name, sql in mem.execute("SELECT type, name, sql FROM sqlite_master"):
            seen.add((kind, name, _normal_sql(sql) if kind in ("view", "trigger") else ""))

    for step in migrations._migrations:
        migrations.apply(mem, stop_before=step.name)
        collect()
    migrations.apply(mem)
    collect()
    mem.close()
    return frozenset(seen)


def foreign_objects(rows: Iterable[tuple[str, str, str | None]]) -> list[str]:
    """Objects in a schema that are not ours: another program's tables, triggers or views."""
    ours = _our_objects()
    foreign = []
    for kind, name, sql in rows:
        if name.startswith("sqlite_"):
            continue
        key = (kind, name, _normal_sql(sql) if kind in ("view", "trigger") else "")
        if key not in ours:
            foreign.append(f"{kind} {name}")
    return foreign
