"""The scheme's model label map applied to imported spans (GPE → ACTOR, DATE → DATE …).

Files from other tools carry the labels of the model or scheme they were
made with. A label the project does not have but its scheme's `model_map`
names is renamed, and counted so the import can say what it mapped; a label
neither knows still rejects the file (the store says which). Suggestions
with a label the project cannot show are dropped, and counted too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from annotator.core.model import ArticleIn, LabelScheme


def apply_model_map(items: Iterable[ArticleIn], scheme: LabelScheme) -> Counter:
    names = set(scheme.names)
    mapping = {k: v for k, v in scheme.model_map.items() if k not in names and v in names}
    counts: Counter = Counter()
    for item in items:
        for span in item.spans or []:
            if span.label in mapping:
                counts[(span.label, mapping[span.label])] += 1
                span.label = mapping[span.label]
        if item.suggestions:
            kept = []
            for span in item.suggestions:
                if span.label in mapping:
                    counts[(span.label, mapping[span.label])] += 1
                    span.label = mapping[span.label]
                if span.label in names:
                    kept.append(span)
                else:
                    counts[(span.label, None)] += 1
            item.suggestions = kept
    return counts


def mapped_summary(counts: Counter) -> str:
    if not counts:
        return ""
    mapped = [f"{a}→{b} {n}" for (a, b), n in sorted(counts.items(), key=str) if b is not None]
    dropped = [f"{a} {n}" for (a, b), n in sorted(counts.items(), key=str) if b is None]
    out = ""
    if mapped:
        out += "; labels mapped by the scheme: " + ", ".join(mapped)
    if dropped:
        out += "; suggestions with unknown labels dropped: " + ", ".join(dropped)
    return out
