"""Agreement on event frames, and the event disagreements review settles.

Two annotators' events are compared through their spans' offsets (their span
uuids differ): an event's *frame* is its type, its trigger's offsets, the set
of (role, start, end) of its arguments and its status. Events of several
annotators whose triggers overlap form a group; review shows the groups whose
frames differ and gold takes one annotator's event (`ReviewSession.take_event`).

The figures (`event_agreement`), per annotator pair on the articles both
judged (status done): trigger F1 (exact offsets and type; and overlapping
triggers of the same type, matched one to one), argument F1 per role over the
matched events (exact: arguments of exactly matched events at exactly the
same offsets; overlap: arguments of overlap-matched events that overlap), and
status agreement on the overlap-matched events (share with the same status,
and Cohen's kappa over them). Undefined
figures are None, never 0.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from annotator.core.model import GOLD, Event, Span, Status


@dataclass(frozen=True)
class Frame:
    """An event as offsets: what two annotators' events are compared by."""

    label: str
    trigger: tuple[int, int]
    args: frozenset[tuple[str, int, int]]
    status: str | None

    def role(self, name: str) -> set[tuple[int, int]]:
        return {(s, e) for r, s, e in self.args if r == name}


def frame_of(event: Event, spans: dict[str, Span]) -> Frame | None:
    """EVENT as a frame, its span ids looked up in SPANS (None: its trigger is not there)."""
    trigger = spans.get(event.trigger)
    if trigger is None:
        return None
    args = frozenset(
        (role, spans[uid].start, spans[uid].end) for role, uid in event.args if uid in spans
    )
    return Frame(event.label, (trigger.start, trigger.end), args, event.attrs.get("status"))


def frames(events: Sequence[Event], spans: Sequence[Span]) -> list[tuple[Event, Frame]]:
    by_id = {s.uuid: s for s in spans}
    out = [(e, f) for e in events if (f := frame_of(e, by_id)) is not None]
    out.sort(key=lambda p: (p[1].trigger, p[1].label, p[0].uuid))
    return out


# -- review: event disagreements ---------------------------------------------------------


@dataclass
class EventDisagreement:
    """Events of several annotators on overlapping triggers, and whether their frames agree."""

    start: int
    end: int
    kind: str  # "agree" (all the same frame), "partial" (the same, not everyone), "differ"
    versions: dict[str, list[Event]]  # annotator -> their events in the group
    frames: dict[str, list[Frame]]
    resolved: bool = False  # gold has an event on a trigger in the group

    @property
    def key(self) -> str:
        return f"ev:{self.start}:{self.end}"

    def describe(self, text: str) -> dict[str, str]:
        """Annotator -> their frame in words ("ENERGY? signed · Russia, Taliban · 5 May")."""
        return {n: "; ".join(describe_frame(f, text) for f in fs) or "—"
                for n, fs in self.frames.items()}  # fmt: skip


def describe_frame(frame: Frame, text: str) -> str:
    parts = [frame.status or "no status"]
    by_role: dict[str, list[str]] = {}
    for role, s, e in sorted(frame.args, key=lambda a: (a[1], a[0])):
        by_role.setdefault(role, []).append(text[s:e])
    parts += [f"{role}: {', '.join(words)}" for role, words in by_role.items()]
    return " · ".join(parts)


def event_disagreements(
    store, article_id: int, annotators: Sequence[str]
) -> list[EventDisagreement]:
    """Every group of events on overlapping triggers in the article, classified; gold
    marks the resolved ones."""
    items: list[tuple[str, Event, Frame]] = []
    for n in annotators:
        items += [
            (n, e, f) for e, f in frames(store.events(article_id, n), store.spans(article_id, n))
        ]
    items.sort(key=lambda t: t[2].trigger)
    groups: list[list[tuple[str, Event, Frame]]] = []
    end = -1
    for item in items:
        s, e = item[2].trigger
        if groups and s < end:
            groups[-1].append(item)
            end = max(end, e)
        else:
            groups.append([item])
            end = e
    gold = frames(store.events(article_id, GOLD), store.spans(article_id, GOLD))
    out = []
    for group in groups:
        versions: dict[str, list[Event]] = {n: [] for n in annotators}
        shapes: dict[str, list[Frame]] = {n: [] for n in annotators}
        for n, ev, fr in group:
            versions[n].append(ev)
            shapes[n].append(fr)
        marked = [n for n in annotators if shapes[n]]
        distinct = {frozenset(shapes[n]) for n in marked}
        if len(distinct) == 1:
            kind = "agree" if len(marked) == len(annotators) else "partial"
        else:
            kind = "differ"
        start = min(fr.trigger[0] for _n, _e, fr in group)
        stop = max(fr.trigger[1] for _n, _e, fr in group)
        resolved = any(f.trigger[0] < stop and start < f.trigger[1] for _e, f in gold)
        out.append(EventDisagreement(start, stop, kind, versions, shapes, resolved))
    return out


# -- the figures -----------------------------------------------------------------------------


def _f1(matched: int, predicted: int, reference: int) -> float | None:
    total = predicted + reference
    return 2 * matched / total if total else None


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def match_events(
    a: Sequence[Frame], b: Sequence[Frame], overlap: bool = False
) -> list[tuple[Frame, Frame]]:
    """One-to-one pairs of frames of the same type whose triggers are equal (or overlap),
    exact matches first, then in text order, so the pairing never depends on input order."""
    pairs, used_a, used_b = [], set(), set()
    candidates = [
        (i, j)
        for i, x in enumerate(a)
        for j, y in enumerate(b)
        if x.label == y.label
        and (x.trigger == y.trigger or (overlap and _overlaps(x.trigger, y.trigger)))
    ]
    # exact triggers before overlapping ones, then by position
    candidates.sort(
        key=lambda c: (a[c[0]].trigger != b[c[1]].trigger, a[c[0]].trigger, b[c[1]].trigger)
    )
    for i, j in candidates:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append((a[i], b[j]))
    return pairs


def _arg_matches(x: set[tuple[int, int]], y: set[tuple[int, int]], overlap: bool) -> int:
    if not overlap:
        return len(x & y)
    used: set[tuple[int, int]] = set()
    n = 0
    for p in sorted(x):
        hit = next((q for q in sorted(y) if q not in used and _overlaps(p, q)), None)
        if hit is not None:
            used.add(hit)
            n += 1
    return n


@dataclass
class _Tally:
    trig: dict[str, list[int]] = field(
        default_factory=lambda: {"exact": [0, 0, 0], "overlap": [0, 0, 0]}
    )
    args: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    status: list[tuple[str | None, str | None]] = field(default_factory=list)


def compare_frames(
    pairs_of_articles: Sequence[tuple[Sequence[Frame], Sequence[Frame]]], roles: Sequence[str]
) -> dict:
    """The figures for one pair of annotators over articles (A's frames, B's frames)."""
    from annotator.core.agreement import cohen_kappa

    t = _Tally()
    for role in roles:
        for mode in ("exact", "overlap"):
            t.args[(role, mode)] = [0, 0, 0]
    for fa, fb in pairs_of_articles:
        for mode in ("exact", "overlap"):
            matched = match_events(fa, fb, overlap=mode == "overlap")
            t.trig[mode][0] += len(matched)
            t.trig[mode][1] += len(fa)
            t.trig[mode][2] += len(fb)
            for x, y in matched:
                for role in roles:
                    ra, rb = x.role(role), y.role(role)
                    cell = t.args[(role, mode)]
                    cell[0] += _arg_matches(ra, rb, mode == "overlap")
                    cell[1] += len(ra)
                    cell[2] += len(rb)
                if mode == "overlap":  # status is about the event, not its boundaries
                    t.status.append((x.status, y.status))
    out: dict = {
        "events": {"a": t.trig["exact"][1], "b": t.trig["exact"][2]},
        "trigger_f1": {m: _f1(*t.trig[m]) for m in ("exact", "overlap")},
        "matched": {m: t.trig[m][0] for m in ("exact", "overlap")},
        "argument_f1": {
            role: {m: _f1(*t.args[(role, m)]) for m in ("exact", "overlap")} for role in roles
        },
    }
    same = sum(1 for x, y in t.status if x == y)
    out["status"] = {
        "matched": len(t.status),
        "agreement": same / len(t.status) if t.status else None,
        "cohen_kappa": cohen_kappa(
            [x or "" for x, _ in t.status], [y or "" for _, y in t.status]
        ) if t.status else None,
    }  # fmt: skip
    return out


def event_agreement(store, annotators: Sequence[str]) -> dict:
    """Per annotator pair, on the articles both marked done: trigger F1, argument F1 per
    role (exact and overlap), status agreement on matched events (`agreement --json`
    puts this under "events")."""
    roles = list(dict.fromkeys(r.name for e in store.scheme.events for r in e.roles))
    judged: dict[int, set[str]] = {}
    for (aid, name), status in store.all_statuses().items():
        if name in annotators and status == Status.DONE:
            judged.setdefault(aid, set()).add(name)
    ids = sorted(judged)
    per: dict[tuple[int, str], list[Frame]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        events = store.events_bulk(chunk)
        spans = store.spans_bulk(chunk)
        for key, evs in events.items():
            if key[1] in judged.get(key[0], ()):
                per[key] = [f for _e, f in frames(evs, spans.get(key, []))]
    pairs = []
    for a, b in itertools.combinations(list(annotators), 2):
        shared = [aid for aid in ids if {a, b} <= judged[aid]]
        figures = compare_frames(
            [(per.get((aid, a), []), per.get((aid, b), [])) for aid in shared], roles
        )
        pairs.append({"a": a, "b": b, "articles": len(shared), **figures})
    return {"roles": roles, "pairs": pairs}
