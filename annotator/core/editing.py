"""The rule for marking text where spans or suggestions already are.

Marking over your own span asks nothing and loses nothing: the new span
replaces the old one and keeps the attributes that still apply; marking
exactly over a suggestion accepts it, with its attributes and its origin.
Pure Python over plain spans: the window turns the plan into one undo step.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from annotator.core.model import LabelScheme, Span, Suggestion
from annotator.core.span_rules import in_the_way


@dataclass(frozen=True)
class MarkPlan:
    """What marking [start, end) as a label does.

    existing: your span already there with this label: nothing to write.
    relabel:  your span of the same extent, relabelled in place (it keeps its id).
    accept:   a suggestion of the same extent, accepted as the new span.
    remove:   your spans that overlap and make way.
    attrs:    the attributes the new (or relabelled) span ends up with.
    """

    existing: Span | None = None
    relabel: Span | None = None
    accept: Suggestion | None = None
    remove: tuple[Span, ...] = ()
    attrs: dict[str, Any] = field(default_factory=dict)


def carry_attrs(
    attrs: dict[str, Any], from_label: str, to_label: str, scheme: LabelScheme
) -> dict[str, Any]:
    """Attributes that still apply under another label: all of them for the same label,
    otherwise only those the new label also has."""
    if from_label == to_label:
        return dict(attrs)
    target = scheme.get(to_label)
    allowed = set(target.attributes) if target is not None else set()
    return {k: v for k, v in attrs.items() if k in allowed}


def plan_mark(
    start: int,
    end: int,
    label: str,
    spans: Iterable[Span],
    suggestions: Iterable[Suggestion],
    scheme: LabelScheme,
) -> MarkPlan:
    """Plan marking [start, end) as `label` among an annotator's spans and open suggestions."""
    overlapping = in_the_way(spans, start, end, label, scheme)
    same = [s for s in overlapping if s.start == start and s.end == end]
    if any(s.label == label for s in same):
        return MarkPlan(existing=next(s for s in same if s.label == label))
    # the replaced span that shares most text with the new one hands on its attributes
    carried: dict[str, Any] = {}
    if overlapping:
        donor = max(
            overlapping, key=lambda s: (min(s.end, end) - max(s.start, start), s.start == start)
        )
        carried = carry_attrs(donor.attrs, donor.label, label, scheme)
    exact = [g for g in suggestions if g.start == start and g.end == end]
    sug = next((g for g in exact if g.label == label), None) or (exact[0] if exact else None)
    if sug is not None:
        # the model's attributes where the annotator had none of their own
        attrs = {**carry_attrs(sug.attrs, sug.label, label, scheme), **carried}
        return MarkPlan(accept=sug, remove=tuple(overlapping), attrs=attrs)
    if same:
        old = same[0]
        rest = tuple(s for s in overlapping if s.uuid != old.uuid)
        return MarkPlan(
            relabel=old, remove=rest, attrs=carry_attrs(old.attrs, old.label, label, scheme)
        )
    return MarkPlan(remove=tuple(overlapping), attrs=carried)
