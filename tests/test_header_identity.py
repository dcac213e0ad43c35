"""The headline finder and the boilerplate classifier give exactly the results they gave
before they were made faster (#17): title, date, offsets and furniture lines of every seed,
every held-out article and a few hundred generated pages, against tests/data/header_frozen.json.

That file is made from main's code, never from a branch under change:
`python tests/test_header_identity.py --freeze`. Regenerate it only when main's rules change
the results on purpose; a held-out article added since is left out until then.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path

import pytest

from annotator.core import boilerplate, headline

ROOT = Path(__file__).resolve().parent
FROZEN = ROOT / "data" / "header_frozen.json"
SEEDS = ROOT.parents[1] / "shared" / "seeds"
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "quality"))

# header lines a copied page carries, beside those of the real articles
_FURNITURE = [
    "Home", "HomeLatestWorld", "Advertisement", "Share this article", "By Elena Markova",
    "Written by: PTI | Edited by: Staff", "Home › World › Asia", "ePaper | Subscribe | Sign in",
    "Weather 23°C", "Tehran 41°C", "Kabul  12 °C  Sunny", "Follow us on Twitter @news",
    "Published 04.07.2025 09:15 | Updated 11:40", "18 July 2025, 14:20", "Monday, May 12, 2025",
    "29.05.2025", "2025-07-14", "2025-07-14T08:00:00", "Updated: Oct 11, 2025, 06:30 PM IST",
    "From the Newspaper | Published May 31, 2025 07:02am", "27 Aqrab 1404 (18 November 2025)",
    "31.02.2025", "May 31st, 2025", "9 September 2025", "Sept. 9, 2025", "THE STEPPE REVIEW",
    "Outlet | ایران", "کابل نیوز", "Pakistan  World  Business  Sport", "HOME  POLITICS  REGION",
    "Related stories", "Also Read: Talks resume in Doha", "www.example.com", "news@example.org",
    "© 2025 The Astana Ledger. All rights reserved.", "Sign up for our weekly briefing",
    "Economy › Transport", "Name * Email * Website", "Email: media@example.org",
    "Our Correspondent", "Comments (3)", "Leave a reply", "Tags: mining, rail",
    "Monday, July 14, 2025 | 23 Tir 1404      Tehran 41°C", "Published in The Frontier Herald, May 31st, 2025",
    "Date: 12/05/2025", "on 3 March 2025", "Home | About the Ministry | Contact Us | Careers",
    "Namehttp://blog.example.com", "We use cookies to improve your experience on our website",
]  # fmt: skip


def heldout_files(frozen: dict | None = None) -> list[Path]:
    """The held-out articles the results cover: those FROZEN holds (a file added since
    joins at the next --freeze, so adding one never breaks this test), else all of them."""
    paths = sorted((ROOT / "data" / "heldout").glob("*.txt"))
    if frozen is None:
        return paths
    return [p for p in paths if f"heldout/{p.name}" in frozen]


def generated(heldout: list[Path], n: int = 300) -> list[str]:
    """N pages: headers shuffled from real and furniture lines, then a generated body."""
    from corpus import article
    from reference import unmark

    rng = random.Random(17)
    heads: list[str] = list(_FURNITURE)
    for path in sorted(SEEDS.glob("*.txt")) + heldout:
        text = path.read_text(encoding="utf-8")
        if "⟦" in text:
            text = unmark(text)[0]
        heads += [line for _s, _e, line in boilerplate.line_spans(text)[:12]]
    out = []
    for i in range(n):
        lines = rng.sample(heads, rng.randint(0, 14))
        if rng.random() < 0.5:
            lines.insert(rng.randint(0, len(lines)), f"Report {i} on regional diplomacy")
        body = article(rng, rng.choice((300, 1500)))
        tail = rng.choice(["", "", "\n\n" + rng.choice(_FURNITURE)])
        gap = rng.choice(("\n", "\n\n", "\n  \n"))
        out.append(gap.join(lines) + "\n\n" + body + tail)
    return out


def cases(frozen: dict | None = None) -> dict[str, str]:
    from reference import unmark

    heldout = heldout_files(frozen)
    out = {}
    for path in sorted(SEEDS.glob("*.txt")):
        out[f"seed/{path.name}"] = path.read_text(encoding="utf-8")
    for path in heldout:
        out[f"heldout/{path.name}"] = unmark(path.read_text(encoding="utf-8"))[0]
    for i, text in enumerate(generated(heldout)):
        out[f"generated/{i}"] = text
    return out


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value).encode()).hexdigest()[:16]


def results(text: str) -> dict:
    head = headline.find_header(text)
    lines = [line for _s, _e, line in boilerplate.line_spans(text)]
    latin = boilerplate.is_latin_text(text)
    return {
        "title": head.title,
        "published": head.published,
        "title_line": head.title_line,
        "date_lines": sorted(head.date_lines),
        "breadcrumb_of_title": head.breadcrumb_of_title,
        "title_and_date": list(headline.title_and_date(text, "fallback")),
        # every line's verdicts and the page's boilerplate ranges, as digests (the file stays small)
        "furniture": _digest([i for i, line in enumerate(lines) if boilerplate.is_furniture(line, latin)]),
        "datelines": _digest([headline.dateline_of_line(line) for line in lines]),
        "dates": _digest([headline.date_of_line(line) for line in lines]),
        "navigation": _digest([i for i, line in enumerate(lines) if boilerplate.is_navigation(line)]),
        "detect": _digest(boilerplate.detect(text)),
    }  # fmt: skip


@pytest.mark.skipif(not SEEDS.is_dir(), reason="needs ../shared/seeds")
def test_header_results_are_unchanged():
    frozen = json.loads(FROZEN.read_text(encoding="utf-8"))
    texts = cases(frozen)
    assert sorted(texts) == sorted(frozen)
    changed = [name for name, text in texts.items() if results(text) != frozen[name]]
    assert not changed, f"{len(changed)} changed, e.g. {changed[:5]}"


if __name__ == "__main__" and "--freeze" in sys.argv:
    data = {name: results(text) for name, text in cases().items()}
    rows = (f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in data.items())
    FROZEN.write_text("{\n" + ",\n".join(rows) + "\n}\n", encoding="utf-8")
    print(f"{len(data)} cases -> {FROZEN}")


def test_header_lines_are_the_pages_lines():
    """The finder's first and last lines, read without splitting the whole text, are those
    of `line_spans` (blank and space-only lines, a missing or doubled final newline)."""
    rng = random.Random(3)
    pieces = ["", " ", "\t", "a", "Ab cd", "  x  ", "\r", "\u00a0", "é ’", "\u2028"]
    for _ in range(3000):
        text = "\n".join(rng.choice(pieces) for _ in range(rng.randint(0, 120)))
        lines = [line for _s, _e, line in boilerplate.line_spans(text)]
        for n in (1, 5, 41):
            assert headline._first_lines(text, n) == lines[:n]
            assert headline._last_lines(text, n) == lines[-n:]
