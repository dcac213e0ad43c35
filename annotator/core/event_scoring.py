"""Scoring suggested event frames against an annotator's events.

Frames are compared by offsets (a suggested frame's spans are not spans yet):

1. **Triggers.** A suggested frame and a reference event pair up when they have
   the same event label and their triggers overlap, greedily by the largest
   overlap, each at most once (the span rule of `evaluation.py`). Trigger
   precision / recall / F1 are given exact (same offsets) and overlap.
2. **Arguments, per role.** Every argument of every suggested frame is a
   prediction and every argument of every reference event a reference item;
   an argument is right when it sits in a paired frame, in the same role, at
   the same offsets (exact) or overlapping (overlap). An argument of an
   unpaired frame is therefore wrong: these are end-to-end figures.
3. **Status.** On paired frames whose reference has a status: the share the
   suggestion got right, with the confusion counts (reference → suggested).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from annotator.core.evaluation import exact_matches, overlap_matches, prf


@dataclass(frozen=True)
class Frame:
    """An event by offsets: label, trigger (start, end), args ((role, start, end), ...)."""

    label: str
    trigger: tuple[int, int]
    args: tuple[tuple[str, int, int], ...] = ()
    status: str | None = None


def frame_of_suggestion(s, status_key: str = "status") -> Frame:
    """A Frame from an EventSuggestion."""
    return Frame(s.label, tuple(s.trigger), tuple(s.args), s.attrs.get(status_key) or None)


def frame_of_event(event, spans: dict, status_key: str = "status") -> Frame | None:
    """A Frame from an Event and its article's spans by uuid (None: its trigger is gone)."""
    trigger = spans.get(event.trigger)
    if trigger is None:
        return None
    args = tuple(
        (role, spans[uid].start, spans[uid].end) for role, uid in event.args if uid in spans
    )
    return Frame(
        event.label, (trigger.start, trigger.end), args, event.attrs.get(status_key) or None
    )


def pair_frames(predicted: Sequence[Frame], reference: Sequence[Frame]) -> list[tuple[int, int]]:
    """(predicted index, reference index) of frames whose triggers overlap, same label."""
    candidates = []
    for i, p in enumerate(predicted):
        for j, r in enumerate(reference):
            if p.label != r.label:
                continue
            ov = min(p.trigger[1], r.trigger[1]) - max(p.trigger[0], r.trigger[0])
            if ov > 0 or p.trigger == r.trigger:
                exact = p.trigger == r.trigger
                candidates.append((not exact, -ov, i, j))
    candidates.sort()
    used_p, used_r, pairs = set(), set(), []
    for _inexact, _ov, i, j in candidates:
        if i not in used_p and j not in used_r:
            used_p.add(i)
            used_r.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def score_frames(
    pairs: Iterable[tuple[Sequence[Frame], Sequence[Frame]]], roles: Sequence[str] = ()
) -> dict:
    """Trigger, per-role argument and status scores over (predicted, reference) per article."""
    counts = Counter()
    arg_counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # exact, overlap, p, r
    confusion: Counter = Counter()
    articles = 0
    for predicted, reference in pairs:
        articles += 1
        counts["predicted"] += len(predicted)
        counts["reference"] += len(reference)
        counts["exact"] += exact_matches(
            [(*p.trigger, p.label) for p in predicted], [(*r.trigger, r.label) for r in reference]
        )
        matched = pair_frames(predicted, reference)
        counts["overlap"] += len(matched)
        for frame in predicted:
            for role, _s, _e in frame.args:
                arg_counts[role][2] += 1
        for frame in reference:
            for role, _s, _e in frame.args:
                arg_counts[role][3] += 1
        for i, j in matched:
            p, r = predicted[i], reference[j]
            for role in {a[0] for a in p.args} | {a[0] for a in r.args}:
                pa = [(s, e, role) for rr, s, e in p.args if rr == role]
                ra = [(s, e, role) for rr, s, e in r.args if rr == role]
                arg_counts[role][0] += exact_matches(pa, ra)
                arg_counts[role][1] += overlap_matches(pa, ra)
            if r.status is not None:
                confusion[(r.status, p.status)] += 1

    def block(tp_exact: int, tp_overlap: int, n_pred: int, n_ref: int) -> dict:
        return {"exact": prf(tp_exact, n_pred, n_ref), "overlap": prf(tp_overlap, n_pred, n_ref)}

    names = list(dict.fromkeys([*roles, *sorted(arg_counts)]))
    total = [sum(arg_counts[r][k] for r in names) for k in range(4)]
    judged = sum(confusion.values())
    right = sum(n for (ref, got), n in confusion.items() if ref == got)
    return {
        "articles": articles,
        "triggers": block(
            counts["exact"], counts["overlap"], counts["predicted"], counts["reference"]
        ),  # fmt: skip
        "arguments": {
            "overall": block(*total),
            "per_role": {role: block(*arg_counts[role]) for role in names},
        },
        "status": {
            "accuracy": right / judged if judged else None,
            "right": right,
            "judged": judged,
            "confusion": [
                {"reference": ref, "suggested": got, "count": n}
                for (ref, got), n in sorted(
                    confusion.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))
                )
            ],
        },
    }


def evaluate_frames(store, model: str, pairs: Iterable[tuple[int, str]]) -> dict | None:
    """A model's suggested frames against the events of each (article, annotator) in PAIRS.

    None when the project's scheme declares no event types.
    """
    events = store.scheme.events
    if not events:
        return None
    roles = list(dict.fromkeys(r.name for e in events for r in e.roles))
    scored = []
    for article_id, annotator in pairs:
        spans = {s.uuid: s for s in store.spans(article_id, annotator)}
        reference = [
            f for e in store.events(article_id, annotator) if (f := frame_of_event(e, spans))
        ]
        predicted = [
            frame_of_suggestion(s) for s in store.event_suggestions(article_id, model=model)
        ]
        scored.append((predicted, reference))
    return score_frames(scored, roles)
