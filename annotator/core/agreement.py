"""Inter-annotator agreement, disagreement lists and adjudication into gold.

Units are the tokens of spaCy's blank English tokenizer; each token takes the
label of the span covering any part of it (the one that starts first, then the
longer), else "O". An annotator's judgement on an article counts when their
status for it is `done`. Cohen's kappa per pair (articles both judged),
Krippendorff's alpha (nominal) for all, missing judgements as missing, span F1
exact and overlap per pair; per label the binary question "this label or not".
Undefined figures are None, never 0. Computed with numpy; tests check them
against scikit-learn and the `krippendorff` package.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from annotator.core.boilerplate import spans_outside_boilerplate_bulk
from annotator.core.evaluation import overlap_matches_by_label
from annotator.core.model import GOLD, Span, Status
from annotator.core.span_rules import precedence
from annotator.core.store import Store
from annotator.core.tokens import TOKENIZER_ID, TokenIndex, offsets_blob

OUTSIDE = "O"


# -- units ------------------------------------------------------------------------


def cohen_kappa(a: Sequence, b: Sequence) -> float | None:
    """Cohen's kappa of two label sequences; None when undefined (chance agreement is 1)."""
    if len(a) == 0:
        return None
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        # small non-negative codes: categories nobody used add only zero rows and columns
        x, y = a.astype(np.int64), b.astype(np.int64)
        k = int(max(x.max(), y.max())) + 1
    else:
        values = {v: i for i, v in enumerate(sorted(set(a) | set(b)))}
        x = np.fromiter((values[v] for v in a), dtype=np.int64, count=len(a))
        y = np.fromiter((values[v] for v in b), dtype=np.int64, count=len(b))
        k = len(values)
    confusion = np.bincount(x * k + y, minlength=k * k).reshape(k, k).astype(float)
    n = confusion.sum()
    expected = np.outer(confusion.sum(axis=1), confusion.sum(axis=0)) / n
    off = ~np.eye(k, dtype=bool)
    denominator = expected[off].sum()
    if denominator == 0:
        return None
    return float(1 - confusion[off].sum() / denominator)


def krippendorff_alpha(units: Sequence[Sequence[str | None]]) -> float | None:
    """Nominal alpha; `units` holds one value per coder (None = missing) for each unit.
    The values are coded and handed to `krippendorff_alpha_codes`, the one computation."""
    width = max((len(unit) for unit in units), default=0)
    values: dict[str, int] = {}
    matrix = np.full((len(units), width), -1, dtype=np.int64)
    for i, unit in enumerate(units):
        for j, v in enumerate(unit):
            if v is not None:
                matrix[i, j] = values.setdefault(v, len(values))
    return krippendorff_alpha_codes(matrix)


def krippendorff_alpha_codes(matrix: np.ndarray) -> float | None:
    """Nominal alpha from a units x coders matrix of small non-negative codes, -1 where missing."""
    if matrix.size == 0:
        return None
    valid = matrix >= 0
    pairable = valid.sum(axis=1) >= 2
    matrix, valid = matrix[pairable], valid[pairable]
    if not len(matrix):
        return None
    n_units, n_coders = matrix.shape
    width = int(matrix.max()) + 1
    rows = np.repeat(np.arange(n_units), n_coders)[valid.ravel()]
    values = matrix.ravel()[valid.ravel()].astype(np.int64)
    counts = np.bincount(rows * width + values, minlength=n_units * width).reshape(n_units, width)
    counts = counts[:, counts.sum(axis=0) > 0].astype(float)  # values that occur
    if counts.shape[1] < 2:
        return None
    w = 1.0 / (counts.sum(axis=1) - 1)
    weighted = counts * w[:, None]
    coincidence = weighted.T @ counts - np.diag(weighted.sum(axis=0))
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    off = ~np.eye(counts.shape[1], dtype=bool)
    expected = np.outer(n_c, n_c)[off].sum()
    if expected == 0:
        return None
    return float(1 - (n - 1) * coincidence[off].sum() / expected)


# -- the project's figures -----------------------------------------------------------


@dataclass
class ArticleJudgements:
    article_id: int
    index: TokenIndex
    spans: dict[str, list[tuple[int, int, str]]]  # annotator -> spans, only those who judged
    units: dict[str, np.ndarray] = field(default_factory=dict)  # label codes, 0 = O


def default_annotators(store: Store) -> list[str]:
    return [a for a in store.annotators() if a != GOLD]


def collect(
    store: Store, annotators: Sequence[str], label: str | None = None
) -> list[ArticleJudgements]:
    """Per article, the spans of every annotator whose judgement counts (status done)."""
    chosen = set(annotators)
    judged: dict[int, list[str]] = {}
    for (article_id, name), status in store.all_statuses().items():
        if name in chosen and status == Status.DONE:
            judged.setdefault(article_id, []).append(name)
    out = []
    ids = sorted(judged)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        offsets = store.token_offsets(chunk, TOKENIZER_ID, offsets_blob)
        spans = spans_outside_boilerplate_bulk(store, chunk, store.span_triples_bulk(chunk))
        for article_id in chunk:
            names = sorted(judged[article_id])
            per = {
                n: [s for s in spans.get((article_id, n), []) if label is None or s[2] == label]
                for n in names
            }
            out.append(
                ArticleJudgements(article_id, TokenIndex.from_blob(offsets[article_id]), per)
            )
    codes = {lab: i + 1 for i, lab in enumerate(store.scheme.names)}
    for art in out:
        art.units = {n: unit_codes(art.index, s, codes) for n, s in art.spans.items()}
    return out


def unit_codes(index: TokenIndex, spans, codes: dict[str, int]) -> np.ndarray:
    """One code per token (0 = O): the covering span's (the one `precedence` puts first),
    filled a span at a time."""
    out = np.zeros(len(index), dtype=np.int16)
    last = -1  # last token filled: spans that do not overlap it can be written whole
    for start, end, label in sorted(spans, key=lambda s: precedence(*s)):
        rng = index.token_range(start, end)
        if rng is None:
            continue
        code = codes.get(label) or codes.setdefault(label, len(codes) + 1)
        if rng[0] > last:
            out[rng[0] : rng[1] + 1] = code
        else:
            part = out[rng[0] : rng[1] + 1]
            part[part == 0] = code
        last = max(last, rng[1])
    return out


def _f1(matched: int, total: int) -> float | None:
    return 2 * matched / total if total else None


def agreement(
    store: Store, annotators: Sequence[str] | None = None, label: str | None = None
) -> dict:
    """The figures of `annotator agreement --json`."""
    names = list(annotators) if annotators else default_annotators(store)
    labels = [label] if label else store.scheme.names
    arts = collect(store, names, label)
    shared = [a for a in arts if len(a.spans) >= 2]

    # alpha over all units at once, built column-wise for speed
    codes = {lab: i + 1 for i, lab in enumerate(store.scheme.names)}
    columns = []
    for n in names:
        col = [
            art.units[n] if n in art.units else np.full(len(art.index), -1, dtype=np.int16)
            for art in shared
        ]
        columns.append(np.concatenate(col) if col else np.zeros(0, dtype=np.int16))
    matrix = np.stack(columns, axis=1) if columns else np.zeros((0, 0), dtype=np.int16)

    def alpha_fast(binary_label: str | None) -> float | None:
        if binary_label is None:
            return krippendorff_alpha_codes(matrix)
        code = codes[binary_label]
        binary = np.where(matrix < 0, -1, (matrix == code).astype(np.int16))
        return krippendorff_alpha_codes(binary)

    result = {
        "annotators": names,
        "label": label,
        "articles": len(shared),
        "units": sum(len(a.index) for a in shared),
        "krippendorff_alpha": alpha_fast(label or None),
        "per_label": {lab: {"krippendorff_alpha": alpha_fast(lab)} for lab in labels},
        "pairs": [],
    }
    for a, b in itertools.combinations(names, 2):
        both = [art for art in arts if a in art.spans and b in art.spans]
        ua = np.concatenate([art.units[a] for art in both]) if both else np.zeros(0, dtype=np.int16)
        ub = np.concatenate([art.units[b] for art in both]) if both else np.zeros(0, dtype=np.int16)
        pair = {
            "a": a,
            "b": b,
            "articles": len(both),
            "units": len(ua),
            "cohen_kappa": cohen_kappa(ua, ub)
            if not label
            else cohen_kappa(ua == codes[label], ub == codes[label]),
            "per_label": {},
        }
        exact: dict[str | None, int] = {}
        overlap: dict[str | None, int] = {}
        total: dict[str | None, int] = {}
        for art in both:
            sa, sb = art.spans[a], art.spans[b]
            for lab, n in Counter(s[2] for s in (*sa, *sb)).items():
                total[lab] = total.get(lab, 0) + n
            for span, n in (Counter(sa) & Counter(sb)).items():  # multiset intersection
                exact[span[2]] = exact.get(span[2], 0) + n
            for lab, n in overlap_matches_by_label(sa, sb).items():
                overlap[lab] = overlap.get(lab, 0) + n
        pair.update(
            span_f1_exact=_f1(sum(exact.values()), sum(total.values())),
            span_f1_overlap=_f1(sum(overlap.values()), sum(total.values())),
        )
        for lab in labels:
            pair["per_label"][lab] = {
                "span_f1_exact": _f1(exact.get(lab, 0), total.get(lab, 0)),
                "span_f1_overlap": _f1(overlap.get(lab, 0), total.get(lab, 0)),
                "cohen_kappa": cohen_kappa(ua == codes[lab], ub == codes[lab]),
            }
        result["pairs"].append(pair)
    return result


# -- disagreements and adjudication ------------------------------------------------------


@dataclass
class Disagreement:
    """A group of overlapping spans from several annotators, and what kind of (dis)agreement."""

    start: int
    end: int
    kind: str  # "agree", "partial" (not everyone marked it), "label", "boundary"
    versions: dict[str, list[Span]]  # annotator -> their spans in the group
    resolved: bool = False  # gold already covers the group

    @property
    def key(self) -> str:
        return f"dis:{self.start}:{self.end}"

    @property
    def agreed(self) -> bool:
        """All annotators agree and gold does not cover it yet: what "accept all agreed" takes."""
        return self.kind == "agree" and not self.resolved


def disagreements(store: Store, article_id: int, annotators: Sequence[str]) -> list[Disagreement]:
    """Every group of overlapping spans in the article, classified; gold marks resolved ones."""
    spans = [s for n in annotators for s in store.spans(article_id, n)]
    spans.sort(key=lambda s: (s.start, s.end))
    groups: list[list[Span]] = []
    end = -1
    for s in spans:
        if groups and s.start < end:
            groups[-1].append(s)
            end = max(end, s.end)
        else:
            groups.append([s])
            end = s.end
    gold = store.spans(article_id, GOLD)
    out = []
    for group in groups:
        versions: dict[str, list[Span]] = {n: [] for n in annotators}
        for s in group:
            versions[s.annotator].append(s)
        shapes = {n: tuple((s.start, s.end, s.label) for s in v) for n, v in versions.items()}
        marked = [n for n in annotators if shapes[n]]
        distinct = set(shapes[n] for n in marked)
        if len(distinct) == 1 and len(marked) == len(annotators):
            kind = "agree"
        elif len(distinct) == 1:
            kind = "partial"
        elif len({tuple((a, b) for a, b, _ in shape) for shape in distinct}) == 1:
            kind = "label"
        else:
            kind = "boundary"
        start, stop = min(s.start for s in group), max(s.end for s in group)
        resolved = any(g.start < stop and start < g.end for g in gold)
        out.append(Disagreement(start, stop, kind, versions, resolved))
    return out


def disagreement_counts(
    store: Store, article_ids: Sequence[int] | None, annotators: Sequence[str]
) -> dict[int, int]:
    """Open (unresolved, not agreed) disagreements per article, for the article list: of
    ARTICLE_IDS, or with None of every article one of ANNOTATORS marked (only those can
    disagree; an article nobody marked is left out rather than counted as 0)."""
    if article_ids is None:
        article_ids = store.articles_marked_by(annotators)
    counts = {}
    for aid in article_ids:
        counts[aid] = sum(
            1 for d in disagreements(store, aid, annotators) if d.kind != "agree" and not d.resolved
        )
    return counts


def adjudicate(
    store: Store, article_id: int, group: Disagreement, choice: str | None, reviewer: str
) -> list[Span]:
    """Settle a group: gold takes `choice`'s version (None: nobody's, the group is rejected).

    Gold spans record who was followed and who decided in their origin,
    `adjudicated:<annotator>;by=<reviewer>`, and when in their timestamps.
    """
    for g in store.spans(article_id, GOLD):
        if g.start < group.end and group.start < g.end:
            store.delete_span(g.uuid, by=reviewer)
    made = []
    source = group.versions.get(choice, []) if choice else []
    for s in source:
        made.append(
            store.add_span(
                article_id,
                GOLD,
                s.start,
                s.end,
                s.label,
                s.attrs,
                origin=f"adjudicated:{choice};by={reviewer}",
            )  # fmt: skip
        )
    return made


def accept_all_agreed(
    store: Store, article_id: int, annotators: Sequence[str], reviewer: str
) -> int:
    """Copy every group all annotators agree on into gold; returns how many."""
    n = 0
    for group in disagreements(store, article_id, annotators):
        if group.agreed:
            adjudicate(store, article_id, group, annotators[0], reviewer)
            n += 1
    return n
