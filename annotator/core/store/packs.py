"""Handing out work: rounds of assignments, and the pack files written for them.

A round is recorded before any pack is written, so that a killed `assign` is
repaired by a re-run (`pending_packs`); a pack is a project file of its own
that records its lead project, and merges back only into it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import GOLD, Status
from annotator.core.store.base import StoreBase
from annotator.core.store.boilerplate import copy_boilerplate

# Settings a pack carries from its lead project, so annotators work to the same scheme.
PACK_SETTINGS = ("scheme", "guidelines", "patterns", "gazetteer")


class PacksMixin(StoreBase):
    """Assignment rounds and pack files."""

    def assignable_articles(self, only_status: str | None = None) -> dict[int, int]:
        """{article id: length} of articles nobody has finished (or all at `only_status`)."""
        if only_status:
            sql = (
                "SELECT id, length FROM articles a WHERE NOT EXISTS (SELECT 1 FROM status s"
                " WHERE s.article_id = a.id AND s.status != ? AND s.annotator != ?)"
            )
            params: tuple = (str(Status(only_status)), GOLD)
        else:
            sql = (
                "SELECT id, length FROM articles a WHERE NOT EXISTS (SELECT 1 FROM status s"
                " WHERE s.article_id = a.id AND s.status = 'done')"
            )
            params = ()
        return {r["id"]: r["length"] for r in self._q(sql, params)}

    def assigned_articles(self) -> dict[str, set[int]]:
        out: dict[str, set[int]] = {}
        for r in self._q("SELECT annotator, article_id FROM assignments"):
            out.setdefault(r["annotator"], set()).add(r["article_id"])
        return out

    def record_round(self, packs: dict[str, tuple[str, list[int]]], overlap: set[int]) -> int:
        """Record a new round of packs, all of it in one transaction, before any pack is written.

        `packs` maps annotators to (pack path, article ids). Returns the round number.
        A kill after this leaves the packs 'planned': `pending_packs` lists them for a re-run.
        """
        stamp = self._now()
        with self._write():
            number = self.assignment_round() + 1
            for annotator, (path, ids) in packs.items():
                self.conn.executemany(
                    "INSERT INTO assignments(article_id, annotator, overlap, pack, assigned_at, round)"
                    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(article_id, annotator) DO NOTHING",
                    [(a, annotator, int(a in overlap), path, stamp, number) for a in ids],
                )
                self.conn.execute(
                    "INSERT INTO packs(round, annotator, path, articles, state, created_at)"
                    " VALUES (?, ?, ?, ?, 'planned', ?)",
                    (number, annotator, path, len(ids), stamp),
                )
        return number

    def assignment_round(self) -> int:
        """The newest round of packs handed out (0 before the first)."""
        return self._q("SELECT COALESCE(max(round), 0) FROM packs")[0][0]

    def pack_records(self, round: int | None = None) -> list[dict[str, Any]]:
        """Packs as recorded: round, annotator, path, articles, state ('planned' or 'written')."""
        sql, params = "SELECT * FROM packs", ()
        if round is not None:
            sql, params = sql + " WHERE round = ?", (round,)
        return [dict(r) for r in self._q(sql + " ORDER BY round, annotator", params)]

    def pending_packs(self) -> list[dict[str, Any]]:
        return [p for p in self.pack_records() if p["state"] == "planned"]

    def round_assignments(self, round: int) -> tuple[dict[str, list[int]], set[int]]:
        """({annotator: article ids}, overlap articles) of one round, as recorded."""
        packs: dict[str, list[int]] = {p["annotator"]: [] for p in self.pack_records(round)}
        overlap: set[int] = set()
        for r in self._q(
            "SELECT article_id, annotator, overlap FROM assignments WHERE round = ? ORDER BY article_id",
            (round,),
        ):
            packs.setdefault(r["annotator"], []).append(r["article_id"])
            if r["overlap"]:
                overlap.add(r["article_id"])
        return packs, overlap

    def mark_pack_written(self, round: int, annotator: str) -> None:
        with self._write():
            self.conn.execute(
                "UPDATE packs SET state = 'written' WHERE round = ? AND annotator = ?",
                (round, annotator),
            )

    def has_assignments(self) -> bool:
        return bool(self._q("SELECT 1 FROM assignments LIMIT 1"))

    def assignment_labels(self) -> dict[int, str]:
        """Per article, who has it ("ana, ben ⧉" marks the overlap), for the article list."""
        out: dict[int, list[str]] = {}
        for r in self._q("SELECT article_id, annotator FROM assignments ORDER BY annotator"):
            out.setdefault(r["article_id"], []).append(r["annotator"])
        return {a: ", ".join(n) + (" ⧉" if len(n) > 1 else "") for a, n in out.items()}

    def overlap_articles(self) -> set[int]:
        """Articles handed to more than one annotator."""
        rows = self._q("SELECT article_id FROM assignments GROUP BY article_id HAVING count(*) > 1")
        return {r["article_id"] for r in rows}

    def assignment_stats(self) -> dict[str, dict[str, int]]:
        """Per annotator: assigned, done, remaining, and how many are in the overlap."""
        rows = self._q(
            """
            SELECT g.annotator, count(*) AS assigned,
                   sum(CASE WHEN st.status = 'done' THEN 1 ELSE 0 END) AS done,
                   sum(g.overlap) AS overlap
            FROM assignments g
            LEFT JOIN status st ON st.article_id = g.article_id AND st.annotator = g.annotator
            GROUP BY g.annotator ORDER BY g.annotator
            """
        )
        return {
            r["annotator"]: {
                "assigned": r["assigned"],
                "done": r["done"],
                "remaining": r["assigned"] - r["done"],
                "overlap": r["overlap"],
            }
            for r in rows
        }

    def write_pack(
        self, path: str | Path, annotator: str, article_ids: Iterable[int], *, round: int = 1
    ) -> None:
        """A new project file for one annotator: the articles, their suggestions, the scheme.

        Nothing of anybody's annotations goes in. The pack records its lead
        project and round, and its clock starts from the lead's. Written beside
        the target as one file (no -wal) and renamed into place; an existing pack
        is never overwritten, since it may hold work that has not been merged back yet.
        """
        target = Path(path)
        if target.exists():
            raise InputError(
                "exists already; merge it back first or choose another --out-dir", str(target)
            )
        tmp = target.with_name(f".{target.name}.part")
        leftovers = (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"))
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
        ids = sorted(set(article_ids))
        info = {
            "annotator": annotator,
            "lead_project_id": self.setting("project_id"),
            "round": round,
            "created_at": self._now(),
            "articles": len(ids),
        }
        try:
            # an empty project of its own (schema, project id, clock), filled through its
            # public methods; written on this laptop, so by this laptop's clock
            with type(self)(tmp, wall_clock=self.wall_clock) as pack:
                pack.take_articles(self.path, ids)
                with pack.transaction():
                    for key in PACK_SETTINGS:
                        value = self.setting(key)
                        if value is not None:
                            pack.set_setting(key, value)
                    pack.set_setting("pack", info)
                    pack.add_annotator(annotator)
                    pack.advance_clock(self.clock_stamp())
                pack.make_self_contained()
            os.replace(tmp, target)
        except BaseException:
            for leftover in leftovers:
                leftover.unlink(missing_ok=True)
            raise

    def take_articles(self, source: str | Path, ids: list[int]) -> None:
        """Copy articles of another project file, their ids kept, with their suggestions (spans
        and event frames) and
        boilerplate but nobody's annotations: how a new pack is filled. One transaction."""
        self.conn.execute("ATTACH DATABASE ? AS source", (str(source),))
        try:
            with self._write():
                self.conn.execute("CREATE TEMP TABLE pack_ids (id INTEGER PRIMARY KEY)")
                self.conn.executemany("INSERT INTO pack_ids VALUES (?)", [(i,) for i in ids])
                self.conn.execute(
                    "INSERT INTO main.articles SELECT * FROM source.articles"
                    " WHERE id IN (SELECT id FROM pack_ids)"
                )
                self.conn.execute(
                    'INSERT INTO main.suggestions(article_id, model, model_version, start, "end",'
                    " label, attrs, created_at) SELECT article_id, model, model_version, start,"
                    ' "end", label, attrs, created_at FROM source.suggestions'
                    " WHERE article_id IN (SELECT id FROM pack_ids)"
                )
                self.conn.execute(
                    "INSERT INTO main.suggestion_runs SELECT * FROM source.suggestion_runs"
                    " WHERE article_id IN (SELECT id FROM pack_ids)"
                )
                self.conn.execute(
                    "INSERT INTO main.event_suggestions(article_id, model, model_version, label,"
                    ' start, "end", args, attrs, created_at) SELECT article_id, model,'
                    ' model_version, label, start, "end", args, attrs, created_at'
                    " FROM source.event_suggestions WHERE article_id IN (SELECT id FROM pack_ids)"
                )
                copy_boilerplate(self.conn, "source")
                self.conn.execute("DROP TABLE pack_ids")
        finally:
            self.conn.execute("DETACH DATABASE source")

    def make_self_contained(self) -> None:
        """Fold the write-ahead log into the file and stop keeping one: the file alone is
        the whole project (a pack handed out before it gets its final name)."""
        self.conn.execute("PRAGMA journal_mode = DELETE")
