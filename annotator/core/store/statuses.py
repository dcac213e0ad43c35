"""Per-(article, annotator) statuses (todo, in progress, done, skipped), and the
project's summary counts built on them.
"""

from __future__ import annotations

from typing import Any

from annotator.core.model import Status
from annotator.core.store.base import StoreBase
from annotator.core.store.rows import write_status


class StatusesMixin(StoreBase):
    """Statuses of articles per annotator, and summary counts."""

    def all_statuses(self) -> dict[tuple[int, str], str]:
        return {
            (r["article_id"], r["annotator"]): r["status"] for r in self._q("SELECT * FROM status")
        }

    def count_status(self, annotator: str, status: str) -> int:
        return self._q(
            "SELECT count(*) AS n FROM status WHERE annotator = ? AND status = ?",
            (annotator, str(status)),
        )[0]["n"]

    def _put_status(self, article_id: int, annotator: str, status: str) -> None:
        value = str(Status(status))
        old = self.conn.execute(
            "SELECT status, vv FROM status WHERE article_id = ? AND annotator = ?",
            (article_id, annotator),
        ).fetchone()
        if old is not None and old["status"] == value:
            return  # setting what is there is no new version
        stamp, vv = self._versioned(old["vv"] if old is not None else None)
        write_status(self.conn, article_id, annotator, value, self._now(), stamp, vv)

    def _touch_status(self, article_id: int, annotator: str) -> None:
        """Starting work on a todo article makes it in progress."""
        if self.status(article_id, annotator) == Status.TODO:
            self._put_status(article_id, annotator, Status.IN_PROGRESS)

    def set_status(self, article_id: int, annotator: str, status: str) -> None:
        with self._write():
            self._ensure_annotator(annotator)
            self._put_status(article_id, annotator, status)

    def status(self, article_id: int, annotator: str) -> str:
        rows = self._q(
            "SELECT status FROM status WHERE article_id = ? AND annotator = ?",
            (article_id, annotator),
        )
        return rows[0]["status"] if rows else str(Status.TODO)

    # -- summaries ---------------------------------------------------------------------

    def annotated_pairs(self, annotator: str | None = None) -> list[tuple[int, str]]:
        """(article id, annotator) pairs that have live spans or a status, in order."""
        sql = """
            SELECT article_id, annotator FROM status
            UNION SELECT article_id, annotator FROM spans WHERE deleted_at IS NULL
        """
        rows = self._q(f"SELECT * FROM ({sql}) ORDER BY article_id, annotator")
        return [
            (r["article_id"], r["annotator"])
            for r in rows
            if annotator is None or r["annotator"] == annotator
        ]

    def stats(self) -> dict[str, Any]:
        spans: dict[str, dict[str, int]] = {}
        for r in self._q(
            "SELECT annotator, label, count(*) AS n FROM spans WHERE deleted_at IS NULL"
            " GROUP BY annotator, label ORDER BY annotator, label"
        ):
            spans.setdefault(r["annotator"], {})[r["label"]] = r["n"]
        status: dict[str, dict[str, int]] = {}
        for r in self._q(
            "SELECT annotator, status, count(*) AS n FROM status GROUP BY annotator, status"
            " ORDER BY annotator, status"
        ):
            status.setdefault(r["annotator"], {})[r["status"]] = r["n"]
        suggestions = {
            r["model"]: r["n"]
            for r in self._q(
                "SELECT model, count(*) AS n FROM suggestions GROUP BY model ORDER BY model"
            )
        }
        return {
            "articles": self.article_count(),
            "annotators": self.annotators(),
            "spans": spans,
            "status": status,
            "suggestions": suggestions,
            "assignments": self.assignment_stats(),
            "overlap_articles": len(self.overlap_articles()),
        }
