"""Handing out work: split a corpus among offline annotators, with a controlled overlap.

A share of the articles goes to several annotators each (for agreement), spread
so that every pair of annotators shares articles; the rest goes to exactly one
annotator, balanced by characters, not by count. Deterministic for a seed.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.model import GOLD
from annotator.core.store import Store, read_pack_info


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


_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}


def safe_file_name(name: str) -> str:
    """A file name stem for an annotator's pack: no folders, no dots in front, nothing reserved."""
    stem = re.sub(r"[^\w.-]+", "_", name).strip("._")[:80] or "annotator"
    return f"_{stem}" if stem.lower().split(".")[0] in _RESERVED else stem


def pack_paths(out: Path, names: Sequence[str]) -> dict[str, Path]:
    """One pack file per annotator, inside OUT, names distinct even on case-blind file systems."""
    taken: set[str] = set()
    paths = {}
    root = out.resolve()
    for name in names:
        stem = safe_file_name(name)
        candidate, n = stem, 1
        while candidate.lower() in taken:
            n += 1
            candidate = f"{stem}-{n}"
        taken.add(candidate.lower())
        path = out / f"{candidate}.db"
        if (
            path.resolve().parent != root
        ):  # cannot happen with the names above; never write elsewhere
            raise InputError(
                f"annotator name {name!r} does not give a file name inside the pack folder",
                str(out),
            )
        paths[name] = path
    return paths


@dataclass
class AssignResult(Plan):
    """A plan as handed out: which round, and whether this run wrote anything."""

    round: int = 0
    written: list[str] = field(default_factory=list)
    repeated: bool = False


def _recorded(store: Store, round: int, written: list[str], repeated: bool) -> AssignResult:
    packs, overlap = store.round_assignments(round)
    lengths = store.article_lengths({a for ids in packs.values() for a in ids})
    return AssignResult(packs, overlap, lengths, round=round, written=written, repeated=repeated)


def _is_our_pack(store: Store, path: Path, record: dict) -> bool:
    """The file at PATH is the pack this record describes (written before a kill, not yet marked)."""
    info = read_pack_info(path)
    return info is not None and (
        info.get("lead_project_id"),
        info.get("annotator"),
        info.get("round"),
        info["article_count"],
    ) == (store.setting("project_id"), record["annotator"], record["round"], record["articles"])


def _write_pending(store: Store, progress: Callable[[int, int, str], None] | None) -> list[str]:
    """Write the packs recorded but not yet written; a re-run after a kill ends here too."""
    pending = store.pending_packs()
    written = []
    for i, record in enumerate(pending):
        path = Path(record["path"])
        ids = store.round_assignments(record["round"])[0].get(record["annotator"], [])
        if path.exists():
            if not _is_our_pack(store, path, record):
                raise InputError(
                    "exists already and is not the pack recorded for it; move it away", str(path)
                )
        else:
            store.write_pack(path, record["annotator"], ids, round=record["round"])
            written.append(str(path))
        store.mark_pack_written(record["round"], record["annotator"])
        if progress:
            progress(i + 1, len(pending), record["annotator"])
    return written


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
    new_round: bool = False,
) -> AssignResult:
    """Plan, record the round in the lead project, then write one pack per annotator.

    Idempotent: a re-run finishes a round a kill interrupted and otherwise hands
    out nothing again; `new_round` hands out the articles nobody has yet. The
    round is recorded before any pack is written and each pack is written under a
    temporary name and renamed, so a kill at any moment leaves records a re-run repairs.
    """
    plan(
        {}, annotators, overlap=overlap, per_article=per_article
    )  # bad arguments fail even on a re-run
    if store.pending_packs():
        round_ = store.pending_packs()[0]["round"]
        return _recorded(store, round_, _write_pending(store, progress), False)
    last = store.assignment_round()
    if last and not new_round:
        return _recorded(store, last, [], True)
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
    paths = pack_paths(out, list(the_plan.packs))
    for path in paths.values():
        if path.exists():
            raise InputError(
                "exists already; merge it back first or choose another --out-dir", str(path)
            )
    number = store.record_round(
        {name: (str(paths[name]), ids) for name, ids in the_plan.packs.items()}, the_plan.overlap
    )
    return _recorded(store, number, _write_pending(store, progress), False)
