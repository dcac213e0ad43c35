"""Merging another copy of a project (a pack handed back, a laptop's copy) into this one.

Causality decides, not wall time (see core/clock.py): a version made after
seeing the other wins; versions that did not see each other are conflicts,
settled the same way in either merge direction and recorded for review. Rows
are written through the same writers as import and edits (`rows.py`).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core import clock
from annotator.core.clock import LEGACY_NODE
from annotator.core.errors import InputError, ProjectError
from annotator.core.span_rules import within
from annotator.core.store.base import StoreBase
from annotator.core.store.boilerplate import merge_boilerplate
from annotator.core.store.events import (
    EVENT_COLUMNS,
    insert_event_suggestions,
    repair_events,
    write_event,
)
from annotator.core.store.files import check_file
from annotator.core.store.rows import (
    DECISION_KEY_COLUMNS,
    SPAN_COLUMNS,
    insert_annotator,
    insert_article,
    insert_suggestion_run,
    insert_suggestions,
    set_vector,
    write_decision,
    write_span,
    write_status,
)


@dataclass
class MergeResult:
    source: str
    articles: int = 0
    spans_added: int = 0
    spans_updated: int = 0
    spans_deleted: int = 0
    statuses: int = 0
    suggestions: int = 0
    decisions: int = 0
    duplicates: int = 0
    events_added: int = 0
    events_updated: int = 0
    events_deleted: int = 0
    conflicts: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.source}: {self.articles} new article(s), {self.spans_added} span(s) added, "
            f"{self.spans_updated} updated, {self.spans_deleted} deleted, {self.statuses} status(es), "
            f"{self.suggestions} suggestion(s), {self.events_added} event(s) added, "
            f"{self.events_updated} updated, {self.events_deleted} deleted, "
            f"{len(self.conflicts)} conflict(s) resolved, "
            f"{len(self.skipped)} span(s) skipped"
        )

    def details(self) -> list[str]:
        """One line per conflict and per skipped span, for the merge report."""
        return [f"conflict: {c}" for c in self.conflicts] + [f"skipped: {s}" for s in self.skipped]


@dataclass
class _Version:
    """One side of a merge for one row: what it says, its stamp and what it has seen."""

    content: tuple
    deleted: bool
    stamp: int
    vector: dict[str, int]

    @property
    def rank(self) -> tuple:
        return clock.conflict_rank(self.deleted, self.stamp, self.content)


def _settle(incoming: _Version, local: _Version) -> tuple[bool, bool, dict[str, int]]:
    """(take the incoming version, it was a conflict, the vector to store).

    A version made after seeing the other wins; versions that did not see each
    other are a conflict, settled by `clock.conflict_rank` and stored with the
    join of both vectors, so the result is the same in either merge direction
    and merging again changes nothing.
    """
    if incoming.content == local.content and incoming.deleted == local.deleted:
        return False, False, clock.join(incoming.vector, local.vector)  # the same: nothing to take
    relation = clock.compare(incoming.vector, local.vector)
    if relation == clock.AFTER:
        return True, False, incoming.vector
    if relation == clock.BEFORE:
        return False, False, local.vector
    return incoming.rank > local.rank, True, clock.join(incoming.vector, local.vector)


def _describe_span(v: _Version) -> str:
    start, end, label = v.content[:3]
    return "deleted" if v.deleted else f"{label} {start}-{end}"


def _describe_event(v: _Version) -> str:
    if v.deleted:
        return "deleted"
    args = json.loads(v.content[2])
    status = json.loads(v.content[3]).get("status")
    return f"{v.content[0]} with {len(args)} argument(s)" + (f", {status}" if status else "")


_DESCRIBE = {"span": _describe_span, "event": _describe_event}
_A = {"span": "a", "event": "an"}


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}


def _row_version(row: sqlite3.Row, versioned: bool, content: tuple, deleted: bool) -> _Version:
    """A row's version; rows of files from before the clock are versioned by their wall time."""
    if versioned:
        return _Version(content, deleted, row["hlc"], clock.parse_vector(row["vv"]))
    stamp = round(clock.iso_to_micros(row["updated_at"]) / 1000) * 1000  # as m004 converts them
    return _Version(content, deleted, stamp, {LEGACY_NODE: stamp})


class MergeMixin(StoreBase):
    """Merging another copy of the project in."""

    def merge_from(self, other_path: str | Path) -> MergeResult:
        """Bring in another project's work, following causality (see core/clock.py).

        Articles match by text hash; a span id that is another article's or
        annotator's here, or a span outside its article's text, is reported and
        skipped; tombstones travel; versions that did not see each other are
        conflicts, settled the same way in either merge direction, counted and
        listed (`merge_conflicts`). A pack of another lead project is refused.
        One transaction per file.
        """
        other = Path(other_path)
        if not other.exists():
            raise InputError("no such project file", str(other))
        if other.resolve() == self.path.resolve():
            raise InputError("is the project itself", str(other))
        try:
            check_file(other)
        except ProjectError as exc:
            raise InputError(str(exc)) from None
        src = sqlite3.connect(f"{other.resolve().as_uri()}?mode=ro", uri=True)
        src.row_factory = sqlite3.Row
        try:
            if (
                src.execute(
                    "SELECT count(*) FROM sqlite_master WHERE name = 'articles'"
                ).fetchone()[0]
                == 0
            ):
                raise InputError("is an empty file, not an Annotator project", str(other))
            self._check_same_project(src, str(other))
            return self._merge(src, str(other))
        except sqlite3.DatabaseError as exc:
            raise InputError(f"cannot read ({exc})", str(other)) from None
        finally:
            src.close()

    def _check_same_project(self, src: sqlite3.Connection, name: str) -> None:
        """A pack merges only into its lead project (or a copy of it, or a sibling pack)."""
        settings = {r["key"]: json.loads(r["value"]) for r in src.execute(
            "SELECT key, value FROM project WHERE key IN ('pack', 'project_id')")}  # fmt: skip
        pack = settings.get("pack")
        if not isinstance(pack, dict) or not pack.get("lead_project_id"):
            return
        mine = self.setting("project_id")
        my_pack = self.setting("pack") or {}
        lead = pack["lead_project_id"]
        if lead not in {mine, my_pack.get("lead_project_id")}:
            raise InputError(
                f"is a pack of another project (its lead project is {lead}, this project is {mine}); "
                "nothing was merged",
                name,
            )

    def _merge(self, src: sqlite3.Connection, name: str) -> MergeResult:
        result = MergeResult(name)
        labels = set(self.scheme.names)
        foreign = {r[0] for r in src.execute("SELECT DISTINCT label FROM spans")} - labels
        if foreign:
            raise InputError(
                f"uses labels this project does not have ({', '.join(sorted(foreign))}); "
                "add them to the project's scheme first",
                name,
            )
        if _columns(src, "events"):
            kinds = {e.name for e in self.scheme.events}
            foreign = {r[0] for r in src.execute("SELECT DISTINCT label FROM events")} - kinds
            if foreign:
                raise InputError(
                    f"uses event types this project does not have ({', '.join(sorted(foreign))}); "
                    "add them to the project's scheme first",
                    name,
                )
        with self._write():
            ids = self._merge_articles(src, result)
            merge_boilerplate(self.conn, src, ids)  # boilerplate ranges and headers (#16)
            for r in src.execute("SELECT name, created_at FROM annotators"):
                insert_annotator(self.conn, r["name"], r["created_at"])
            seen = [self._merge_spans(src, ids, result), self._merge_statuses(src, ids, result),
                    self._merge_decisions(src, ids, result)]  # fmt: skip
            if _columns(src, "events"):
                seen += [self._merge_events(src, ids, result),
                         self._merge_decisions(src, ids, result, "event_decisions")]  # fmt: skip
            if _columns(src, "clock"):
                seen.append(src.execute("SELECT max(last) FROM clock").fetchone()[0] or 0)
            self._advance_clock(max(seen))  # past everything taken in
            self._merge_suggestions(src, ids, result)
            if _columns(src, "event_suggestions"):
                result.suggestions += insert_event_suggestions(self.conn, (
                    (ids[r["article_id"]], r["model"], r["model_version"], r["label"], r["start"],
                     r["end"], r["args"], r["attrs"], r["created_at"])
                    for r in src.execute("SELECT * FROM event_suggestions")
                ))  # fmt: skip
            repair_events(self.conn, set(ids.values()), self._now())
        return result

    def _merge_articles(self, src: sqlite3.Connection, result: MergeResult) -> dict[int, int]:
        ids: dict[int, int] = {}
        for r in src.execute("SELECT * FROM articles ORDER BY id"):
            local = self.article_id_by_hash(r["hash"])
            if local is None:
                local = insert_article(self.conn, r["hash"], r["text"], r["title"], r["source"],
                                       r["published"], r["meta"], r["created_at"])  # fmt: skip
                result.articles += 1
            ids[r["id"]] = local
        return ids

    def _record_conflict(self, kind: str, reason: str, key: str, article_id: int, annotator: str,
                         kept: Any, lost: Any, source: str) -> None:  # fmt: skip
        self.conn.execute(
            "INSERT OR IGNORE INTO merge_conflicts(kind, reason, key, article_id, annotator, kept, lost,"
            " source, merged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (kind, reason, key, article_id, annotator, json.dumps(kept, ensure_ascii=False),
             json.dumps(lost, ensure_ascii=False), source, self._now()),
        )  # fmt: skip

    def _id_clash(
        self, kind: str, key: tuple, mine, what: dict, desc: str, result: MergeResult
    ) -> bool:
        """Whether this uuid already names a row of another article or annotator here
        (recorded and skipped: one id must never stand for two rows)."""
        uid, aid, who = key
        if mine is None or (mine["article_id"], mine["annotator"]) == (aid, who):
            return False
        result.skipped.append(f"{kind} {uid} ({who}, {desc}): this id is already {_A[kind]} {kind} of "
                              f"{mine['annotator']} on article {mine['article_id']} here")  # fmt: skip
        self._record_conflict(kind, "id_clash", uid, aid, who, {"article_id": mine["article_id"],
                              "annotator": mine["annotator"]}, what, result.source)  # fmt: skip
        return True

    def _settled(self, kind: str, key: tuple, theirs: _Version, ours: _Version,
                 result: MergeResult) -> str | None:  # fmt: skip
        """The version vector to write when THEIRS wins over the row we hold (counted as an
        update or a deletion), else None (ours kept; its vector now also covers theirs).
        A concurrent edit is recorded."""
        uid, aid, who = key
        take, conflict, vector = _settle(theirs, ours)
        if conflict:
            kept, lost = (theirs, ours) if take else (ours, theirs)
            describe = _DESCRIBE[kind]
            result.conflicts.append(f"{kind} {uid} ({who}, article {aid}): kept {describe(kept)}, "
                                    f"not {describe(lost)} (edited in both copies)")  # fmt: skip
            self._record_conflict(kind, "concurrent", uid, aid, who, [*kept.content, kept.deleted],
                                  [*lost.content, lost.deleted], result.source)  # fmt: skip
        if not take:
            if vector != ours.vector:
                set_vector(self.conn, f"{kind}s", (uid,), clock.dump_vector(vector))
            return None
        counter = f"{kind}s_{'deleted' if theirs.deleted and not ours.deleted else 'updated'}"
        setattr(result, counter, getattr(result, counter) + 1)
        return clock.dump_vector(vector)

    def _merge_spans(
        self, src: sqlite3.Connection, ids: dict[int, int], result: MergeResult
    ) -> int:
        """Spans, in uuid order; returns the newest stamp taken in."""
        lengths = {r["id"]: r["length"] for r in self._q("SELECT id, length FROM articles")}
        versioned = {"hlc", "vv"} <= _columns(src, "spans")
        newest = 0
        for r in src.execute(
            f"SELECT {SPAN_COLUMNS}{', hlc, vv' if versioned else ''} FROM spans ORDER BY uuid"
        ):
            uid, aid, who, start, end, label = (
                r["uuid"],
                ids[r["article_id"]],
                r["annotator"],
                r["start"],
                r["end"],
                r["label"],
            )
            theirs = _row_version(r, versioned, (start, end, label, r["attrs"], r["origin"], r["deleted_by"]),
                                  r["deleted_at"] is not None)  # fmt: skip
            newest = max(newest, theirs.stamp)
            what = {"span": uid, "annotator": who, "start": start, "end": end, "label": label}
            if not within(start, end, lengths[aid]):
                result.skipped.append(f"span {uid} ({who}, {label} {start}-{end}) lies outside its "
                                      f"article's text ({lengths[aid]} characters)")  # fmt: skip
                self._record_conflict(
                    "span", "outside_text", uid, aid, who, None, what, result.source
                )
                continue
            mine = self.conn.execute(
                f"SELECT {SPAN_COLUMNS}, hlc, vv FROM spans WHERE uuid = ?", (uid,)
            ).fetchone()
            if self._id_clash(
                "span", (uid, aid, who), mine, what, f"{label} {start}-{end}", result
            ):
                continue
            values = (uid, aid, who, *[r[c] for c in ("start", "end", "label", "attrs", "origin",
                      "created_at", "updated_at", "deleted_at", "deleted_by")])  # fmt: skip
            if mine is None:
                if theirs.deleted is False and self._q(
                    'SELECT 1 FROM spans WHERE article_id = ? AND annotator = ? AND start = ? AND "end" = ?'
                    " AND label = ? AND deleted_at IS NULL LIMIT 1",
                    (aid, who, start, end, label),
                ):
                    result.duplicates += 1  # the same span under another id: keep one
                    continue
                write_span(self.conn, values, theirs.stamp, clock.dump_vector(theirs.vector))
                result.spans_added += not theirs.deleted
                continue
            ours = _row_version(mine, True, (mine["start"], mine["end"], mine["label"], mine["attrs"],
                                mine["origin"], mine["deleted_by"]), mine["deleted_at"] is not None)  # fmt: skip
            vv = self._settled("span", (uid, aid, who), theirs, ours, result)
            if vv is None:
                continue
            write_span(self.conn, values, theirs.stamp, vv, take_created=True)
        return newest

    def _merge_statuses(
        self, src: sqlite3.Connection, ids: dict[int, int], result: MergeResult
    ) -> int:
        versioned = {"hlc", "vv"} <= _columns(src, "status")
        newest = 0
        extra = ", hlc, vv" if versioned else ""
        for r in src.execute(f"SELECT article_id, annotator, status, updated_at{extra} FROM status"
                             " ORDER BY article_id, annotator"):  # fmt: skip
            aid, who = ids[r["article_id"]], r["annotator"]
            theirs = _row_version(r, versioned, (r["status"],), False)
            newest = max(newest, theirs.stamp)
            mine = self.conn.execute(
                "SELECT status, updated_at, hlc, vv FROM status WHERE article_id = ? AND annotator = ?",
                (aid, who),
            ).fetchone()
            if mine is None:
                take, vector = True, theirs.vector
            else:
                ours = _row_version(mine, True, (mine["status"],), False)
                take, conflict, vector = _settle(theirs, ours)
                if conflict:
                    kept, lost = (theirs, ours) if take else (ours, theirs)
                    result.conflicts.append(f"status of article {aid} for {who}: kept {kept.content[0]}, "
                                            f"not {lost.content[0]} (set in both copies)")  # fmt: skip
                    self._record_conflict("status", "concurrent", f"{aid}:{who}", aid, who, kept.content[0],
                                          lost.content[0], result.source)  # fmt: skip
                if not take:
                    if vector != ours.vector:
                        set_vector(self.conn, "status", (aid, who), clock.dump_vector(vector))
                    continue
            vv = clock.dump_vector(vector)
            write_status(self.conn, aid, who, r["status"], r["updated_at"], theirs.stamp, vv)
            result.statuses += 1
        return newest

    def _merge_decisions(
        self, src: sqlite3.Connection, ids: dict[int, int], result: MergeResult,
        table: str = "decisions",
    ) -> int:  # fmt: skip
        """Accepts and rejects of suggested spans (or, with TABLE "event_decisions", of
        suggested frames), by their version vectors; returns the newest stamp taken in."""
        names = DECISION_KEY_COLUMNS[table]
        cols = _columns(src, table)
        versioned = {"hlc", "vv"} <= cols
        extra = (", hlc, vv" if versioned else "") + (
            ", cleared_at" if "cleared_at" in cols else ""
        )
        keys = ", ".join(f'"{c}"' for c in names)
        where = " AND ".join(f'"{c}" = ?' for c in names)
        what = "frame decision" if table == "event_decisions" else "decision"
        newest = 0
        for r in src.execute(f"SELECT {keys}, decision, model, updated_at{extra} FROM {table}"
                             f" ORDER BY {keys}"):  # fmt: skip
            key = (ids[r["article_id"]], *(r[c] for c in names[1:]))
            place = {c: v for c, v in zip(names, key, strict=True)}
            cleared = r["cleared_at"] if "cleared_at" in cols else None
            theirs = _row_version(r, versioned, (r["decision"], r["model"]), cleared is not None)
            newest = max(newest, theirs.stamp)
            mine = self.conn.execute(
                f"SELECT decision, model, updated_at, cleared_at, hlc, vv FROM {table} WHERE {where}",
                key,
            ).fetchone()
            if mine is None:
                vector = theirs.vector
            else:
                ours = _row_version(
                    mine, True, (mine["decision"], mine["model"]), mine["cleared_at"] is not None
                )
                take, conflict, vector = _settle(theirs, ours)
                if conflict:
                    kept = theirs if take else ours
                    result.conflicts.append(
                        f"{what} on {place['label']} {place['start']}-{place['end']} of article "
                        f"{key[0]} for {key[1]}: kept {'cleared' if kept.deleted else kept.content[0]}"
                        " (made in both copies)"
                    )
                    self._record_conflict(what.replace(" ", "_"), "concurrent", ":".join(map(str, key)),
                                          key[0], key[1], [*kept.content, kept.deleted],
                                          [*(ours if take else theirs).content], result.source)  # fmt: skip
                if not take:
                    if vector != ours.vector:
                        set_vector(self.conn, table, key, clock.dump_vector(vector))
                    continue
            write_decision(self.conn, key, r["decision"], r["model"], r["updated_at"], cleared,
                           theirs.stamp, clock.dump_vector(vector), table=table)  # fmt: skip
            result.decisions += 1
        return newest

    def _merge_events(
        self, src: sqlite3.Connection, ids: dict[int, int], result: MergeResult
    ) -> int:
        """Events, in uuid order, by the rules of spans (after the spans they name)."""
        newest = 0
        for r in src.execute(f"SELECT {EVENT_COLUMNS}, hlc, vv FROM events ORDER BY uuid"):
            uid, aid, who = r["uuid"], ids[r["article_id"]], r["annotator"]
            content = (
                r["label"],
                r["trigger"],
                r["args"],
                r["attrs"],
                r["origin"],
                r["deleted_by"],
            )
            theirs = _row_version(r, True, content, r["deleted_at"] is not None)
            newest = max(newest, theirs.stamp)
            values = (uid, aid, who, *[r[c] for c in ("label", "trigger", "args", "attrs", "origin",
                      "created_at", "updated_at", "deleted_at", "deleted_by")])  # fmt: skip
            what = {"event": uid, "annotator": who, "label": r["label"], "trigger": r["trigger"]}
            mine = self.conn.execute(
                f"SELECT {EVENT_COLUMNS}, hlc, vv FROM events WHERE uuid = ?", (uid,)
            ).fetchone()
            if self._id_clash("event", (uid, aid, who), mine, what, r["label"], result):
                continue
            if mine is None:
                trigger = self.conn.execute(
                    "SELECT article_id, annotator FROM spans WHERE uuid = ?", (r["trigger"],)
                ).fetchone()
                if trigger is None or (trigger[0], trigger[1]) != (aid, who):
                    result.skipped.append(f"event {uid} ({who}, {r['label']}): its trigger span "
                                          f"{r['trigger']} did not come with it")  # fmt: skip
                    self._record_conflict(
                        "event", "no_trigger", uid, aid, who, None, what, result.source
                    )
                    continue
                if not theirs.deleted and self._q(
                    "SELECT 1 FROM events WHERE trigger = ? AND deleted_at IS NULL LIMIT 1",
                    (r["trigger"],),
                ):
                    result.duplicates += 1  # an event on the same span under another id: keep one
                    self._record_conflict(
                        "event", "same_trigger", uid, aid, who, None, what, result.source
                    )
                    continue
                write_event(self.conn, values, theirs.stamp, clock.dump_vector(theirs.vector),
                            take_created=True)  # fmt: skip
                result.events_added += not theirs.deleted
                continue
            ours = _row_version(mine, True, (mine["label"], mine["trigger"], mine["args"], mine["attrs"],
                                mine["origin"], mine["deleted_by"]), mine["deleted_at"] is not None)  # fmt: skip
            vv = self._settled("event", (uid, aid, who), theirs, ours, result)
            if vv is None:
                continue
            write_event(self.conn, values, theirs.stamp, vv, take_created=True)
        return newest

    def _merge_suggestions(
        self, src: sqlite3.Connection, ids: dict[int, int], result: MergeResult
    ) -> None:
        result.suggestions += insert_suggestions(
            self.conn,
            (
                (ids[r["article_id"]], r["model"], r["model_version"], r["start"], r["end"],
                 r["label"], r["attrs"], r["created_at"])
                for r in src.execute("SELECT * FROM suggestions")
            ),
        )  # fmt: skip
        for r in src.execute("SELECT * FROM suggestion_runs"):
            insert_suggestion_run(self.conn, ids[r["article_id"]], r["model"], r["model_version"],
                                  r["count"], r["created_at"])  # fmt: skip

    def merge_conflicts(self, article_id: int | None = None) -> list[dict[str, Any]]:
        """What merges settled or skipped, newest first, for review."""
        sql = "SELECT * FROM merge_conflicts"
        params: tuple = ()
        if article_id is not None:
            sql, params = sql + " WHERE article_id = ?", (article_id,)
        rows = self._q(sql + " ORDER BY id DESC", params)
        return [
            {**dict(r), "kept": json.loads(r["kept"]), "lost": json.loads(r["lost"])} for r in rows
        ]
