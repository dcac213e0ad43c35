"""Model suggestions, kept apart from human work, and the annotators' decisions on them.

A suggestion is settled for an annotator once they accepted it (it is copied
into a span of theirs) or rejected it; undo clears a decision, leaving a
tombstone so that a merge does not bring it back.
"""

from __future__ import annotations

import json
import uuid as uuidlib
from collections.abc import Iterable
from typing import Any

from annotator.core.model import Span, Suggestion
from annotator.core.store.base import StoreBase
from annotator.core.store.rows import (
    insert_suggestion_run,
    insert_suggestions,
    json_text,
    now,
    open_suggestions_query,
)


class SuggestionsMixin(StoreBase):
    """Model suggestions and the decisions on them."""

    def has_suggestions(self, article_id: int, model: str, model_version: str) -> bool:
        return bool(
            self._q(
                "SELECT 1 FROM suggestion_runs WHERE article_id = ? AND model = ? AND model_version = ?",
                (article_id, model, model_version),
            )
        )

    def articles_without_suggestions(self, model: str, model_version: str) -> list[int]:
        rows = self._q(
            "SELECT id FROM articles a WHERE NOT EXISTS (SELECT 1 FROM suggestion_runs r"
            " WHERE r.article_id = a.id AND r.model = ? AND r.model_version = ?) ORDER BY id",
            (model, model_version),
        )
        return [r["id"] for r in rows]

    def set_suggestions(
        self, article_id: int, model: str, model_version: str, suggestions: Iterable[Suggestion]
    ) -> int:
        """Store one model version's suggestions for an article, replacing older versions'."""
        stamp = now()
        rows = [
            (article_id, model, model_version, s.start, s.end, s.label, json_text(s.attrs), stamp)
            for s in suggestions
        ]
        with self._write():
            self.conn.execute(
                "DELETE FROM suggestions WHERE article_id = ? AND model = ?", (article_id, model)
            )
            self.conn.execute(
                "DELETE FROM suggestion_runs WHERE article_id = ? AND model = ?",
                (article_id, model),
            )
            insert_suggestions(self.conn, rows)
            insert_suggestion_run(self.conn, article_id, model, model_version, len(rows), stamp)
        return len(rows)

    def suggestions(
        self, article_id: int, annotator: str | None = None, *, model: str | None = None
    ) -> list[Suggestion]:
        """Suggestions for an article; with an annotator, only those still open for them.

        A suggestion is settled for an annotator once they accepted or rejected
        it, or already have a span with the same offsets and label.
        """
        sql, params = open_suggestions_query("suggestions", article_id, model, annotator, """
            EXISTS (SELECT 1 FROM decisions d WHERE d.article_id = g.article_id
                AND d.annotator = :ann AND d.start = g.start AND d."end" = g."end"
                AND d.label = g.label AND d.cleared_at IS NULL)
            OR EXISTS (SELECT 1 FROM spans s WHERE s.article_id = g.article_id
                AND s.annotator = :ann AND s.start = g.start AND s."end" = g."end"
                AND s.label = g.label AND s.deleted_at IS NULL)
        """)  # fmt: skip
        return [
            Suggestion(
                article_id=r["article_id"],
                start=r["start"],
                end=r["end"],
                label=r["label"],
                attrs=json.loads(r["attrs"]),
                model=r["model"],
                model_version=r["model_version"],
            )
            for r in self._q(sql, params)
        ]

    def suggestion_models(self) -> list[str]:
        return [
            r["model"] for r in self._q("SELECT DISTINCT model FROM suggestions ORDER BY model")
        ]

    def accept_suggestions(self, annotator: str, suggestions: Iterable[Suggestion]) -> list[Span]:
        """Copy suggestions into the annotator's spans (one transaction for all of them)."""
        uids = []
        with self._write():
            self._ensure_annotator(annotator)
            for s in suggestions:
                uid = str(uuidlib.uuid4())
                origin = f"model:{s.model}@{s.model_version}" if s.model else "model"
                self._upsert_span(
                    uid, s.article_id, annotator, s.start, s.end, s.label, s.attrs, origin, new=True
                )
                self._put_decision("decisions", _decision_key(s, annotator), "accept", s.model)
                self._touch_status(s.article_id, annotator)
                uids.append(uid)
        return [self.span(u) for u in uids]

    def accept_suggestions_decisions(
        self, annotator: str, suggestions: Iterable[Suggestion]
    ) -> None:
        """Record accept decisions again (redo after undo) without new spans."""
        with self._write():
            for s in suggestions:
                self._put_decision("decisions", _decision_key(s, annotator), "accept", s.model)

    def accept_suggestion(self, annotator: str, suggestion: Suggestion) -> Span:
        return self.accept_suggestions(annotator, [suggestion])[0]

    def reject_suggestion(self, annotator: str, suggestion: Suggestion) -> None:
        with self._write():
            self._ensure_annotator(annotator)
            self._put_decision(
                "decisions", _decision_key(suggestion, annotator), "reject", suggestion.model
            )
            self._touch_status(suggestion.article_id, annotator)

    def clear_decision(self, annotator: str, suggestion: Suggestion) -> None:
        """Forget an accept or reject (undo): the suggestion is open again.

        The row stays as a tombstone, so that a merge does not bring the decision back.
        """
        with self._write():
            self._put_decision("decisions", _decision_key(suggestion, annotator), None, "")

    def decided_places(self, article_id: int, annotator: str) -> set[tuple[int, int, str]]:
        """(start, end, label) of the suggestions an annotator accepted or rejected in an article.

        With the article's suggestions held in memory, the window tells open from
        settled ones by this short read instead of reading thousands of suggestions again.
        """
        sql = (
            'SELECT start, "end", label FROM decisions WHERE article_id = ? AND annotator = ?'
            " AND cleared_at IS NULL"  # a cleared decision is a tombstone: the suggestion is open
        )
        return {(r[0], r[1], r[2]) for r in self._q(sql, (article_id, annotator))}

    def rejections(self, article_id: int, annotator: str | None = None) -> list[dict[str, Any]]:
        return self._decision_rows("decisions", article_id, annotator, " AND decision = 'reject'")

    def reject_suggestions(self, annotator: str, suggestions: Iterable[Suggestion]) -> None:
        with self._write():
            for s in suggestions:
                self.reject_suggestion(annotator, s)

    def clear_decisions(self, annotator: str, suggestions: Iterable[Suggestion]) -> None:
        with self._write():
            for s in suggestions:
                self.clear_decision(annotator, s)

    def set_suggestion_attrs(
        self, article_id: int, updates: Iterable[tuple[int, int, str, dict]]
    ) -> None:
        """New attributes for stored suggestions, by (start, end, label) (e.g. re-resolved dates)."""
        with self._write():
            for start, end, label, attrs in updates:
                self.conn.execute(
                    'UPDATE suggestions SET attrs = ? WHERE article_id = ? AND start = ? AND "end" = ? AND label = ?',
                    (json_text(attrs), article_id, start, end, label),
                )


def _decision_key(s: Suggestion, annotator: str) -> tuple[int, str, int, int, str]:
    return (s.article_id, annotator, s.start, s.end, s.label)
