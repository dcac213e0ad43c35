"""Span matching and precision / recall / F1: suggestions against a reference annotator.

Exact match: same start, end and label. Overlap match: same label and
intersecting ranges, each span matched at most once, greedily by the largest
overlap. The same matching serves inter-annotator span F1.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from annotator.core.errors import InputError

Triple = tuple[int, int, str]


def exact_matches(a: Iterable[Triple], b: Iterable[Triple]) -> int:
    from collections import Counter

    ca, cb = Counter(a), Counter(b)
    return sum(min(n, cb[k]) for k, n in ca.items())


def overlap_matches(a: Sequence[Triple], b: Sequence[Triple]) -> int:
    """Pairs with the same label whose ranges intersect, greedily by largest overlap."""
    return sum(overlap_matches_by_label(a, b).values())


def overlap_matches_by_label(a: Sequence[Triple], b: Sequence[Triple]) -> dict[str, int]:
    """Overlap matches counted per label (spans only ever match their own label)."""
    out: dict[str, int] = {}
    by_label: dict[str, tuple[list, list]] = {}
    for s in a:
        by_label.setdefault(s[2], ([], []))[0].append(s)
    for s in b:
        by_label.setdefault(s[2], ([], []))[1].append(s)
    for label, (la, lb) in by_label.items():
        if not la or not lb:
            continue
        if sorted(la) == sorted(lb):
            out[label] = len(la)  # identical: every span matches its twin
            continue
        pairs = []
        for i, (s1, e1, _) in enumerate(la):
            for j, (s2, e2, _) in enumerate(lb):
                ov = (e1 if e1 < e2 else e2) - (s1 if s1 > s2 else s2)
                if ov > 0:
                    pairs.append((-ov, i, j))
        pairs.sort()
        used_a, used_b = set(), set()
        for _ov, i, j in pairs:
            if i not in used_a and j not in used_b:
                used_a.add(i)
                used_b.add(j)
        out[label] = len(used_a)
    return out


def prf(tp: int, predicted: int, reference: int) -> dict[str, float | int | None]:
    p = tp / predicted if predicted else None
    r = tp / reference if reference else None
    f = 2 * tp / (predicted + reference) if predicted + reference else None
    return {
        "precision": p,
        "recall": r,
        "f1": f,
        "tp": tp,
        "predicted": predicted,
        "reference": reference,
    }


def score(
    pairs: Iterable[tuple[Sequence[Triple], Sequence[Triple]]], labels: Sequence[str]
) -> dict:
    """Micro-averaged P/R/F1, overall and per label, for (predicted, reference) per article."""
    counts = defaultdict(lambda: [0, 0, 0, 0])  # exact tp, overlap tp, predicted, reference
    articles = 0
    for predicted, reference in pairs:
        articles += 1
        for label in [None, *labels]:
            p = [t for t in predicted if label is None or t[2] == label]
            r = [t for t in reference if label is None or t[2] == label]
            c = counts[label]
            c[0] += exact_matches(p, r)
            c[1] += overlap_matches(p, r)
            c[2] += len(p)
            c[3] += len(r)

    def block(c):
        return {"exact": prf(c[0], c[2], c[3]), "overlap": prf(c[1], c[2], c[3])}

    return {
        "articles": articles,
        "overall": block(counts[None]),
        "per_label": {label: block(counts[label]) for label in labels},
    }


def evaluate_suggestions(store, reference: str, model: str | None = None) -> dict:
    """Score a model's stored suggestions against one annotator's spans.

    Articles count where the reference annotator is done or has spans.
    """
    models = store.suggestion_models()
    if model is None:
        if not models:
            raise InputError("the project has no suggestions yet: run `annotator preannotate`")
        if len(models) > 1:
            raise InputError(
                f"several models have suggestions ({', '.join(models)}): choose one with --model"
            )
        model = models[0]
    elif model not in models:
        raise InputError(f"no suggestions from {model!r} (models: {', '.join(models) or 'none'})")
    pairs, judged = [], []
    for article_id, name in store.annotated_pairs(reference):
        spans = store.spans(article_id, name)
        if not spans and store.status(article_id, name) != "done":
            continue
        predicted = [(s.start, s.end, s.label) for s in store.suggestions(article_id, model=model)]
        pairs.append((predicted, [(s.start, s.end, s.label) for s in spans]))
        judged.append((article_id, name))
    result = score(pairs, store.scheme.names)
    result.update(model=model, reference=reference)
    from annotator.core.event_scoring import evaluate_frames  # it builds on the matching here

    result["events"] = evaluate_frames(store, model, judged)  # the suggested frames, scored
    return result
