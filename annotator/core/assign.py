"""Handing out work: split a corpus among offline annotators, with a controlled overlap.

A share of the articles goes to several annotators each (for agreement), spread
so that every pair of annotators shares articles; the rest goes to exactly one
annotator, balanced by characters, not by count. Deterministic for a seed.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.model import GOLD
from annotator.core.store import Store


@dataclass
class Plan:
    """Who gets which article; `overlap` holds the articles given to several people."""

    packs: dict[str, list[int]]
    overlap: set[int] = field(default_factory=set)
    lengths: dict[int, int] = field(default_factory=dict)

    def characters(self, annotator: str) -> int:
        return sum(self.lengths[a] for a in self.packs[annotator])

    def rows(self) -> list[dict]:
        """One row per annotator for a preview table."""
        return [
            {
                "annotator": name,
                "articles": len(ids),
                "characters": self.characters(name),
                "overlap": sum(1 for a in ids if a in self.overlap),
            }
            for name, ids in self.packs.items()
        ]


def plan(
    lengths: dict[int, int],
    annotators: Sequence[str],
    *,
    overlap: float = 0.2,
    per_article: int = 2,
    seed: int = 0,
    already: dict[str, set[int]] | None = None,
) -> Plan:
    """Split article ids (with their lengths) among annotators.

    `already` maps annotators to articles they were given before: nobody gets
    the same article twice.
    """
    names = list(dict.fromkeys(annotators))
    if not names:
        raise InputError("give at least one annotator")
    if GOLD in names:
        raise InputError(f"{GOLD!r} is reserved for adjudicated annotations")
    if not 0.0 <= overlap <= 1.0:
        raise InputError("--overlap must be between 0 and 1")
    if per_article < 1 or (overlap > 0 and per_article > len(names)):
        raise InputError(f"--per-article must be between 1 and {len(names)} (the annotators)")
    already = {n: set(already.get(n, ())) for n in names} if already else {n: set() for n in names}

    rng = random.Random(seed)
    ids = sorted(lengths)
    rng.shuffle(ids)
    n_overlap = round(overlap * len(ids)) if per_article > 1 else 0
    overlap_ids, single_ids = ids[:n_overlap], ids[n_overlap:]

    packs: dict[str, list[int]] = {n: [] for n in names}
    load = dict.fromkeys(names, 0)
    shared: set[int] = set()

    # Overlap: cycle through the annotator combinations so every pair meets; among
    # equally due combinations, the least loaded wins.
    combos = list(itertools.combinations(names, per_article))
    used = dict.fromkeys(combos, 0)
    for article in sorted(overlap_ids, key=lambda a: (-lengths[a], a)):
        eligible = [c for c in combos if not any(article in already[n] for n in c)]
        if not eligible:
            single_ids.append(article)
            continue
        best = min(eligible, key=lambda c: (used[c], sum(load[n] for n in c), combos.index(c)))
        used[best] += 1
        shared.add(article)
        for n in best:
            packs[n].append(article)
            load[n] += lengths[article]

    # The rest: longest first to whoever has the fewest characters so far.
    for article in sorted(single_ids, key=lambda a: (-lengths[a], a)):
        eligible = [n for n in names if article not in already[n]]
        if not eligible:
            continue
        who = min(eligible, key=lambda n: (load[n], names.index(n)))
        packs[who].append(article)
        load[who] += lengths[article]

    for n in names:
        packs[n].sort()
    return Plan(packs, shared, dict(lengths))


def candidates(store: Store, only_status: str | None = None) -> dict[int, int]:
    """Articles still to hand out: nobody has finished them (or, with a status, all have it)."""
    return store.assignable_articles(only_status)


def assign(
    store: Store,
    annotators: Sequence[str],
    out_dir: str | Path,
    *,
    overlap: float = 0.2,
    per_article: int = 2,
    seed: int = 0,
    only_status: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> Plan:
    """Plan, then write one pack per annotator and record the assignments in the lead project."""
    out = Path(out_dir)
    the_plan = plan(
        candidates(store, only_status),
        annotators,
        overlap=overlap,
        per_article=per_article,
        seed=seed,
        already=store.assigned_articles(),
    )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the pack folder ({exc.strerror})", str(out)) from None
    total = len(the_plan.packs)
    for i, (name, ids) in enumerate(the_plan.packs.items()):
        store.write_pack(out / f"{name}.db", name, ids)
        store.record_assignments(name, ids, the_plan.overlap, str(out / f"{name}.db"))
        if progress:
            progress(i + 1, total, name)
    return the_plan
