"""The events table for analysts: one row per event, "who agreed what with whom, and when".

`export --format events --out events.csv` (or `.jsonl`): per event the article
(its id — the text hash every export uses —, title, publication date), whose
annotation it is, the agreement's text and type, its status, each party's
text, canonical name and ISO-3 country (numbered columns `party_1`,
`party_1_canonical`, `party_1_country`, … as many as the widest event has,
and the same joined with " | " in `parties`, `party_canonicals`,
`party_countries`), the date's text (`date_text`: a column named `date` would be parsed by pandas) and ISO value, and the sentence the
agreement stands in. Roles other than party and date (a team's `mediator`)
get the same three columns. The CSV is UTF-8 with a header and loads with
`pandas.read_csv` as it is; the JSONL with `pandas.read_json(lines=True)`.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from annotator.core.fileio import atomic_output

FIXED = [
    "article_id", "title", "published", "annotator", "event_id", "event_type",
    "agreement", "agreement_type", "status", "parties", "party_canonicals",
    "party_countries", "date_text", "date_value", "sentence", "trigger_start", "trigger_end",
]  # fmt: skip


def sentence_at(text: str, start: int, end: int) -> str:
    """The sentence around [start, end): spaCy's rule-based sentencizer over the line."""
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    hi = len(text) if hi < 0 else hi
    line = text[lo:hi]
    doc = _sentencizer_nlp()(line)
    for sent in doc.sents:
        s, e = lo + sent.start_char, lo + sent.end_char
        if s <= start < e or (s < end <= e):
            return text[s:e].strip()
    return line.strip()


@lru_cache(maxsize=1)
def _sentencizer_nlp():
    import spacy

    nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return nlp


def event_rows(store, annotator: str | None = None) -> Iterator[dict[str, Any]]:
    """One row per live event (of ANNOTATOR, or everyone's), in article order."""
    ids = store.article_ids()
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        events = store.events_bulk(chunk, annotator)
        if not events:
            continue
        spans = store.spans_bulk(chunk, annotator)
        articles = store.articles_bulk(sorted({aid for aid, _who in events}))
        for (aid, who), evs in sorted(events.items()):
            by_id = {s.uuid: s for s in spans.get((aid, who), [])}
            article = articles[aid]
            for ev in evs:
                trigger = by_id.get(ev.trigger)
                if trigger is None:
                    continue
                yield _row(article, who, ev, trigger, by_id)


def _row(article, who: str, ev, trigger, by_id) -> dict[str, Any]:
    text = article.text
    row: dict[str, Any] = {
        "article_id": article.hash, "title": article.title, "published": article.published,
        "annotator": who, "event_id": ev.uuid, "event_type": ev.label,
        "agreement": text[trigger.start : trigger.end],
        "agreement_type": trigger.attrs.get("type"), "status": ev.attrs.get("status"),
    }  # fmt: skip
    by_role: dict[str, list] = {}
    for role, uid in ev.args:
        if uid in by_id:
            by_role.setdefault(role, []).append(by_id[uid])
    parties = by_role.pop("party", [])
    row["parties"] = " | ".join(text[s.start : s.end] for s in parties)
    row["party_canonicals"] = " | ".join(s.attrs.get("canonical") or "" for s in parties)
    row["party_countries"] = " | ".join(s.attrs.get("country") or "" for s in parties)
    dates = by_role.pop("date", [])
    row["date_text"] = text[dates[0].start : dates[0].end] if dates else None
    row["date_value"] = dates[0].attrs.get("value") if dates else None
    row["sentence"] = sentence_at(text, trigger.start, trigger.end)
    row["trigger_start"], row["trigger_end"] = trigger.start, trigger.end
    for n, s in enumerate(parties, 1):
        row[f"party_{n}"] = text[s.start : s.end]
        row[f"party_{n}_canonical"] = s.attrs.get("canonical")
        row[f"party_{n}_country"] = s.attrs.get("country")
    for role, found in by_role.items():  # a team's own roles (mediator …)
        for n, s in enumerate(found, 1):
            row[f"{role}_{n}"] = text[s.start : s.end]
            row[f"{role}_{n}_canonical"] = s.attrs.get("canonical")
            row[f"{role}_{n}_country"] = s.attrs.get("country")
    for key, value in ev.attrs.items():  # the frame's other attributes
        if key != "status":
            row[f"attr_{key}"] = value
    return row


def columns(rows: Iterable[dict[str, Any]]) -> list[str]:
    """The fixed columns, then every numbered and extra one the rows have, in a stable order."""
    extra: dict[str, None] = {}
    for r in rows:
        for k in r:
            if k not in FIXED:
                extra.setdefault(k, None)

    def order(k: str) -> tuple:
        head, _, rest = k.partition("_")
        num = rest.split("_", 1)[0]
        return (head != "party", head, int(num) if num.isdigit() else 0, k)

    return FIXED + sorted(extra, key=order)


def write_events_table(rows: Iterable[dict[str, Any]], out: str | Path) -> int:
    """CSV when OUT ends in .csv, else JSON lines; returns the number of rows."""
    rows = list(rows)
    cols = columns(rows)
    out = Path(out)
    with atomic_output(out) as fh:
        if out.suffix.lower() == ".csv":
            writer = csv.DictWriter(fh, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
            for r in rows:
                writer.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in cols})
        else:
            for r in rows:
                fh.write(json.dumps({k: r.get(k) for k in cols}, ensure_ascii=False))
                fh.write("\n")
    return len(rows)
