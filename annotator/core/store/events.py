"""Event frames: an AGREEMENT span tied to its parties, its date and its status.

An event is stored like a span (see `spans.py`): a uuid, an owner (article and
annotator) for life, an origin, created/updated times, a tombstone instead of
a deletion, and a clock stamp and version vector on every write. Its trigger
and arguments are span uuids of the same article and annotator; the arguments
are a JSON list of [role, span uuid] in the event's own row, so that one
version covers the whole frame (a merge takes one copy's frame or the other's,
never a mix that breaks the scheme's counts).

Suggested frames (`event_suggestions`) refer to offsets, because the spans they
need are suggestions themselves until accepted; the decisions on them
(`event_decisions`) are kept like the decisions on span suggestions.

The row writers here are the ones import, edits and merge share.
"""

from __future__ import annotations

import json
import sqlite3
import uuid as uuidlib
from collections.abc import Iterable, Sequence
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import Event, EventSuggestion, event_problems
from annotator.core.store.base import StoreBase
from annotator.core.store.rows import (
    json_text,
    now,
    open_suggestions_query,
    tombstoned_upsert,
)

EVENT_COLUMNS = (
    "uuid, article_id, annotator, label, trigger, args, attrs, origin,"
    " created_at, updated_at, deleted_at, deleted_by"
)


def args_text(args: Iterable[Sequence[str]]) -> str:
    """Arguments as stored: a JSON list of [role, span uuid], in link order."""
    return json.dumps([[role, span] for role, span in args], ensure_ascii=False)


def parse_args(text: str | None) -> tuple[tuple[str, str], ...]:
    if not text or text == "[]":
        return ()
    return tuple((str(role), str(span)) for role, span in json.loads(text))


def event_from_row(row: sqlite3.Row | tuple) -> Event:
    """An event from a row selected with EVENT_COLUMNS."""
    uid, aid, who, label, trigger, args, attrs, origin, created, updated, deleted, by = row
    return Event(
        uid,
        aid,
        who,
        label,
        trigger,
        parse_args(args),
        {} if attrs == "{}" else json.loads(attrs),
        origin,
        created,
        updated,
        deleted,
        by,
    )


def _event_upsert(take_created: bool) -> str:
    return tombstoned_upsert("events", EVENT_COLUMNS, "label, trigger, args, attrs", take_created)


_EVENT_UPSERT = {False: _event_upsert(False), True: _event_upsert(True)}


def write_event(
    conn: sqlite3.Connection, values: tuple, hlc: int, vv: str, *, take_created: bool = False
) -> None:
    """One event row: VALUES in EVENT_COLUMNS order (args and attrs as stored text), with
    its version. A row already under the id is rewritten; it keeps its creation time
    unless TAKE_CREATED (a merge takes the other copy's row whole)."""
    conn.execute(_EVENT_UPSERT[take_created], (*values, hlc, vv))


def suggestion_args_text(args: Iterable[Sequence[Any]]) -> str:
    return json.dumps([[role, int(s), int(e)] for role, s, e in args])


def insert_event_suggestions(conn: sqlite3.Connection, rows: Iterable[tuple]) -> int:
    """Rows of (article id, model, model version, label, start, end, args text, attrs text,
    created at); one already stored is left alone. Returns how many were new."""
    cur = conn.executemany(
        "INSERT OR IGNORE INTO event_suggestions(article_id, model, model_version, label, start,"
        ' "end", args, attrs, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        rows,
    )
    return max(cur.rowcount, 0)


def event_suggestion_from_row(r: sqlite3.Row) -> EventSuggestion:
    return EventSuggestion(
        article_id=r["article_id"],
        label=r["label"],
        trigger=(r["start"], r["end"]),
        args=tuple((role, s, e) for role, s, e in json.loads(r["args"])),
        attrs=json.loads(r["attrs"]),
        model=r["model"],
        model_version=r["model_version"],
    )


class EventsMixin(StoreBase):
    """Event frames of articles, the suggested ones, and the decisions on those."""

    # -- reading ---------------------------------------------------------------------------

    def event(self, uid: str) -> Event:
        rows = self._q(f"SELECT {EVENT_COLUMNS} FROM events WHERE uuid = ?", (uid,))
        if not rows:
            raise KeyError(uid)
        return event_from_row(rows[0])

    def events(
        self, article_id: int, annotator: str | None = None, *, include_deleted: bool = False
    ) -> list[Event]:
        """An article's events (one annotator's, or everyone's), oldest first."""
        rows = self._article_rows(
            "events", EVENT_COLUMNS, article_id, annotator, include_deleted,
            "annotator, created_at, uuid",
        )  # fmt: skip
        return [event_from_row(r) for r in rows]

    def events_bulk(
        self, ids: list[int], annotator: str | None = None
    ) -> dict[tuple[int, str], list[Event]]:
        """Live events of several articles, keyed by (article id, annotator)."""
        marks = ",".join(str(int(i)) for i in ids) or "NULL"
        sql = (
            f"SELECT {EVENT_COLUMNS} FROM events WHERE article_id IN ({marks})"
            " AND deleted_at IS NULL"
        )
        params: tuple = ()
        if annotator is not None:
            sql += " AND annotator = ?"
            params = (annotator,)
        out: dict[tuple[int, str], list[Event]] = {}
        for row in self._q(sql + " ORDER BY article_id, annotator, created_at, uuid", params):
            ev = event_from_row(row)
            out.setdefault((ev.article_id, ev.annotator), []).append(ev)
        return out

    def event_of(self, trigger: str) -> Event | None:
        """The live event whose trigger is span TRIGGER, if it has one."""
        rows = self._q(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE trigger = ? AND deleted_at IS NULL"
            " ORDER BY created_at, uuid LIMIT 1",
            (trigger,),
        )
        return event_from_row(rows[0]) if rows else None

    def events_with_span(self, span: str) -> list[Event]:
        """Live events that name span SPAN as trigger or argument (same article and annotator)."""
        rows = self._q("SELECT article_id, annotator FROM spans WHERE uuid = ?", (span,))
        if not rows:
            return []
        return [e for e in self.events(rows[0][0], rows[0][1]) if span in e.span_ids]

    # -- writing ---------------------------------------------------------------------------

    def _check_event(
        self,
        uid: str | None,
        article_id: int,
        annotator: str,
        label: str,
        trigger: str,
        args: Sequence[tuple[str, str]],
        attrs: dict[str, Any],
    ) -> None:
        wanted = {trigger, *(span for _r, span in args)}
        marks = ",".join("?" * len(wanted))
        labels = {
            r[0]: r[1]
            for r in self._q(
                f"SELECT uuid, label FROM spans WHERE uuid IN ({marks}) AND article_id = ?"
                " AND annotator = ? AND deleted_at IS NULL",
                (*wanted, article_id, annotator),
            )
        }
        problems = event_problems(self.scheme, label, labels.get(trigger), args, labels, attrs)
        if len({span for _r, span in args}) < len(args):
            problems.append("a span fills two roles, or one role twice")
        if trigger in {span for _r, span in args}:
            problems.append("its trigger cannot also be one of its arguments")
        if problems:
            raise InputError(f"event {label} on article {article_id}: {problems[0]}")
        other = self.event_of(trigger)
        if other is not None and other.uuid != uid:
            raise InputError(
                f"span {trigger} is already the trigger of event {other.uuid}: one event per span"
            )

    def add_event(
        self,
        article_id: int,
        annotator: str,
        label: str,
        trigger: str,
        args: Sequence[tuple[str, str]] = (),
        attrs: dict[str, Any] | None = None,
        *,
        origin: str = "manual",
        uuid: str | None = None,
    ) -> Event:
        """A new event on span TRIGGER, checked against the scheme (one live event per trigger)."""
        args = [tuple(a) for a in args]
        attrs = dict(attrs or {})
        uid = uuid or str(uuidlib.uuid4())
        with self._write():
            self._check_event(uid, article_id, annotator, label, trigger, args, attrs)
            old = self.conn.execute("SELECT article_id, annotator, vv FROM events WHERE uuid = ?",
                                    (uid,)).fetchone()  # fmt: skip
            if old is not None and (old[0], old[1]) != (article_id, annotator):
                raise InputError(f"event id {uid} belongs to another article or annotator")
            stamp, vv = self._versioned(old["vv"] if old is not None else None)
            wall = self._now()
            values = (uid, article_id, annotator, label, trigger, args_text(args),
                      json_text(attrs), origin, wall, wall, None, None)  # fmt: skip
            write_event(self.conn, values, stamp, vv)
            self._touch_status(article_id, annotator)
        return self.event(uid)

    def _restamp_event(self, uid: str, **changes: Any) -> None:
        """Change an event in place (edit, delete, restore) as a new version of it."""
        old = self.conn.execute(
            f"SELECT {EVENT_COLUMNS}, vv FROM events WHERE uuid = ?", (uid,)
        ).fetchone()
        if old is None:
            raise KeyError(uid)
        row = {**dict(old), **changes, "updated_at": self._now()}
        stamp, vv = self._versioned(row.pop("vv"))
        write_event(self.conn, tuple(row.values()), stamp, vv)

    def update_event(
        self,
        uid: str,
        *,
        args: Sequence[tuple[str, str]] | None = None,
        attrs: dict[str, Any] | None = None,
        trigger: str | None = None,
    ) -> Event:
        """New arguments, attributes or trigger for an event, checked against the scheme."""
        old = self.event(uid)
        new_args = [tuple(a) for a in (old.args if args is None else args)]
        new_attrs = dict(old.attrs if attrs is None else attrs)
        new_trigger = old.trigger if trigger is None else trigger
        with self._write():
            self._check_event(uid, old.article_id, old.annotator, old.label, new_trigger,
                              new_args, new_attrs)  # fmt: skip
            self._restamp_event(uid, trigger=new_trigger, args=args_text(new_args),
                                attrs=json_text(new_attrs))  # fmt: skip
        return self.event(uid)

    def delete_event(self, uid: str, by: str) -> None:
        """Leave a tombstone, so that merging another copy does not bring the event back."""
        with self._write():
            self._restamp_event(uid, deleted_at=self._now(), deleted_by=by)

    def restore_event(self, uid: str) -> Event:
        """Undo a deletion (the spans it names are restored first by the same undo step)."""
        with self._write():
            self._restamp_event(uid, deleted_at=None, deleted_by=None)
        return self.event(uid)

    # -- import ------------------------------------------------------------------------------

    def _import_events(
        self, article_id: int, item: Any, annotator: str, digest: str, uids: list[str]
    ) -> int:
        """The events of an imported record (an `ArticleIn` whose spans were stored under
        UIDS), inside the import's transaction. An event keeps its id unless that id is
        another article's or annotator's here; without one it gets an id derived from its
        trigger, so importing the same file again updates instead of copying."""
        labels = {uid: s.label for uid, s in zip(uids, item.spans, strict=True)}
        stamp = self._now()
        for n, e in enumerate(item.events or []):
            where = f"event {n + 1}"
            trigger = uids[e.trigger]
            label = e.label
            if label is None:
                etype = self.scheme.event_for_trigger(labels[trigger])
                if etype is None:
                    raise InputError(
                        f"{where}: {labels[trigger]} spans carry no event", line=item.line
                    )
                label = etype.name
            args = [(role, uids[i]) for role, i in e.args]
            problems = event_problems(self.scheme, label, labels[trigger], args, labels, e.attrs)
            if problems:
                raise InputError(f"{where} ({label}): {problems[0]}", line=item.line)
            uid = e.uuid or str(
                uuidlib.uuid5(uuidlib.NAMESPACE_URL, f"{digest}:{annotator}:event:{trigger}")
            )
            row = self.conn.execute(
                f"SELECT {EVENT_COLUMNS}, vv FROM events WHERE uuid = ?", (uid,)
            ).fetchone()
            if row is not None and (row["article_id"], row["annotator"]) != (article_id, annotator):
                uid = str(uuidlib.uuid5(uuidlib.NAMESPACE_URL, f"{uid}:{digest}:{annotator}"))
                row = self.conn.execute(
                    f"SELECT {EVENT_COLUMNS}, vv FROM events WHERE uuid = ?", (uid,)
                ).fetchone()
            created, updated = e.created_at or stamp, e.updated_at or stamp
            values = (uid, article_id, annotator, label, trigger, args_text(args),
                      json_text(e.attrs), e.origin, created, updated, None, None)  # fmt: skip
            if row is not None:
                same = (
                    tuple(row[c] for c in ("label", "trigger", "args", "attrs", "origin"))
                    == values[3:8]
                )
                if (same and row["deleted_at"] is None) or updated < row["updated_at"]:
                    continue  # nothing new, or older than what the project holds
            other = self.event_of(trigger)
            if other is not None and other.uuid != uid:
                raise InputError(
                    f"{where}: its trigger span already has event {other.uuid} here", line=item.line
                )
            hlc, vv = self._versioned(row["vv"] if row is not None else None)
            write_event(self.conn, values, hlc, vv, take_created=row is None)
        return len(item.events or [])

    # -- suggested frames ------------------------------------------------------------------

    def set_event_suggestions(
        self,
        article_id: int,
        model: str,
        model_version: str,
        suggestions: Iterable[EventSuggestion],
    ) -> int:
        """Store one model version's suggested frames for an article, replacing older versions'."""
        stamp = now()
        rows = [
            (article_id, model, model_version, s.label, s.trigger[0], s.trigger[1],
             suggestion_args_text(s.args), json_text(s.attrs), stamp)
            for s in suggestions
        ]  # fmt: skip
        with self._write():
            self.conn.execute(
                "DELETE FROM event_suggestions WHERE article_id = ? AND model = ?",
                (article_id, model),
            )
            insert_event_suggestions(self.conn, rows)
        return len(rows)

    def event_suggestions(
        self, article_id: int, annotator: str | None = None, *, model: str | None = None
    ) -> list[EventSuggestion]:
        """Suggested frames for an article; with an annotator, only those still open for them:
        not accepted or rejected, and no event of theirs on a trigger span at those offsets."""
        sql, params = open_suggestions_query("event_suggestions", article_id, model, annotator, """
            EXISTS (SELECT 1 FROM event_decisions d WHERE d.article_id = g.article_id
                AND d.annotator = :ann AND d.label = g.label AND d.start = g.start
                AND d."end" = g."end" AND d.cleared_at IS NULL)
            OR EXISTS (SELECT 1 FROM events e JOIN spans s ON s.uuid = e.trigger
                WHERE e.article_id = g.article_id AND e.annotator = :ann
                AND e.label = g.label AND e.deleted_at IS NULL
                AND s.start = g.start AND s."end" = g."end")
        """)  # fmt: skip
        return [event_suggestion_from_row(r) for r in self._q(sql, params)]

    def decide_event_suggestion(
        self, annotator: str, suggestion: EventSuggestion, decision: str | None
    ) -> None:
        """Accept or reject a suggested frame for an annotator (None: forget the decision)."""
        with self._write():
            self._ensure_annotator(annotator)
            key = (suggestion.article_id, annotator, suggestion.label, *suggestion.trigger)
            self._put_decision("event_decisions", key, decision, suggestion.model)
            if decision is not None:
                self._touch_status(suggestion.article_id, annotator)

    def event_decisions(self, article_id: int, annotator: str | None = None) -> list[dict]:
        return self._decision_rows("event_decisions", article_id, annotator)


def repair_events(conn: sqlite3.Connection, article_ids: set[int], wall: str) -> int:
    """After a merge: live events of ARTICLE_IDS whose trigger is no longer a live span of
    theirs are tombstoned, and arguments that are not are dropped (two copies that did not
    see each other: one deleted a span, the other edited the event naming it).

    The repaired row keeps the version it had, so that merging in either direction ends
    in the same rows. Returns how many events were repaired.
    """
    rows = [
        r
        for r in conn.execute(
            "SELECT uuid, article_id, annotator, trigger, args FROM events WHERE deleted_at IS NULL"
        )
        if r[1] in article_ids
    ]
    if not rows:
        return 0
    named = {r[3] for r in rows} | {span for r in rows for _role, span in parse_args(r[4])}
    live: set[tuple[str, int, str]] = set()
    names = sorted(named)
    for i in range(0, len(names), 500):
        chunk = names[i : i + 500]
        live |= {
            (u, a, w)
            for u, a, w in conn.execute(
                f"SELECT uuid, article_id, annotator FROM spans WHERE uuid IN ({','.join('?' * len(chunk))})"
                " AND deleted_at IS NULL",
                chunk,
            )
        }
    repaired = 0
    for uid, aid, who, trigger, args in rows:
        if (trigger, aid, who) not in live:
            conn.execute(
                "UPDATE events SET deleted_at = ?, deleted_by = 'merge' WHERE uuid = ?", (wall, uid)
            )
            repaired += 1
            continue
        old = parse_args(args)
        kept = [(role, span) for role, span in old if (span, aid, who) in live]
        if len(kept) < len(old):
            conn.execute("UPDATE events SET args = ? WHERE uuid = ?", (args_text(kept), uid))
            repaired += 1
    return repaired
