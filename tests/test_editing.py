"""The marking rule of core.editing: what marking over spans and suggestions replaces, keeps, accepts."""

from __future__ import annotations

from annotator.core.editing import carry_attrs, plan_mark
from annotator.core.model import LabelScheme, Span, Suggestion

SCHEME = LabelScheme.from_dict(
    {
        "labels": [
            {"name": "ACTOR", "attributes": {"kind": {"type": "text"}, "note": {"type": "text"}}},
            {"name": "DATE", "attributes": {"value": {"type": "text"}, "note": {"type": "text"}}},
            {"name": "AGREEMENT", "attributes": {"type": {"type": "text"}}},
        ],
        "allow_overlap": [["ACTOR", "AGREEMENT"]],
    }
)


def span(uuid, start, end, label, **attrs):
    return Span(uuid, 1, "ana", start, end, label, attrs)


def sug(start, end, label, **attrs):
    return Suggestion(1, start, end, label, attrs, model="m", model_version="1")


def test_same_label_keeps_every_attribute_other_label_only_those_it_has():
    attrs = {"kind": "state", "note": "check"}
    assert carry_attrs(attrs, "ACTOR", "ACTOR", SCHEME) == attrs
    assert carry_attrs(attrs, "ACTOR", "DATE", SCHEME) == {"note": "check"}
    assert carry_attrs(attrs, "ACTOR", "AGREEMENT", SCHEME) == {}


def test_marking_over_own_span_replaces_it_and_keeps_what_applies():
    old = span("a", 0, 6, "ACTOR", kind="state", note="n")
    plan = plan_mark(0, 12, "ACTOR", [old], [], SCHEME)  # grown to more words
    assert plan.remove == (old,) and plan.accept is None and plan.relabel is None
    assert plan.attrs == {"kind": "state", "note": "n"}
    plan = plan_mark(0, 12, "DATE", [old], [], SCHEME)
    assert plan.remove == (old,) and plan.attrs == {"note": "n"}


def test_same_extent_relabels_in_place_and_the_same_label_does_nothing():
    old = span("a", 0, 6, "ACTOR", kind="state", note="n")
    plan = plan_mark(0, 6, "DATE", [old], [], SCHEME)
    assert plan.relabel == old and plan.remove == () and plan.attrs == {"note": "n"}
    assert plan_mark(0, 6, "ACTOR", [old], [], SCHEME).existing == old


def test_spans_allowed_to_overlap_stay():
    actor = span("a", 0, 6, "ACTOR", kind="state")
    plan = plan_mark(0, 20, "AGREEMENT", [actor], [], SCHEME)
    assert plan.remove == () and plan.attrs == {}


def test_marking_exactly_over_a_suggestion_accepts_it_with_its_attributes():
    s = sug(10, 20, "DATE", value="2025-04")
    other = sug(10, 20, "ACTOR", kind="person")
    plan = plan_mark(10, 20, "DATE", [], [other, s], SCHEME)
    assert plan.accept == s and plan.attrs == {"value": "2025-04"}
    # another label: the suggestion is accepted as that label, with what still applies
    plan = plan_mark(10, 20, "ACTOR", [], [s], SCHEME)
    assert plan.accept == s and plan.attrs == {}
    # not the same extent: not accepted
    assert plan_mark(10, 19, "DATE", [], [s], SCHEME).accept is None


def test_own_attributes_win_over_the_suggestions_when_both_are_there():
    old = span("a", 10, 20, "DATE", value="2025-05", note="mine")
    s = sug(10, 20, "DATE", value="2025-04")
    plan = plan_mark(10, 20, "DATE", [old], [s], SCHEME)
    assert plan.existing == old  # the span is there already: nothing to do
    old = span("a", 10, 20, "ACTOR", note="mine")
    plan = plan_mark(10, 20, "DATE", [old], [s], SCHEME)
    assert plan.accept == s and plan.remove == (old,)
    assert plan.attrs == {"value": "2025-04", "note": "mine"}
