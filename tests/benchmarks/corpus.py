"""Generated news-like articles for benchmarks: realistic length and entity density."""

from __future__ import annotations

import random

ACTORS = [
    "China", "Russia", "Iran", "India", "Pakistan", "Uzbekistan", "the Taliban",
    "Foreign Minister Amir Khan Muttaqi", "Wang Yi", "Sergey Lavrov", "Ishaq Dar",
    "Chinese companies", "Russian officials", "the Afghan Ministry of Mines and Petroleum",
    "Beijing", "Moscow", "Kabul", "Tehran", "Islamabad", "Da Afghanistan Bank",
]  # fmt: skip
DATES = [
    "last week", "in March", "on 21 May 2025", "in April 2025", "this week", "on Thursday",
    "at the end of January", "in 2023", "last month", "on 29.05.2025", "in February 2024",
]  # fmt: skip
DEALS = [
    "a 25-year oil production contract", "a memorandum of understanding on mining",
    "the proposed trans-Afghan rail link", "an LPG supply deal", "local currency trade mechanisms",
    "the exchange of ambassadors", "a framework agreement on transit", "talks on water sharing",
    "a copper mining concession", "a humanitarian aid package",
]  # fmt: skip
VERBS = ["signed", "discussed", "welcomed", "proposed", "announced", "criticised", "reviewed"]
FILLER = [
    "Analysts said the move reflected a wider shift in regional diplomacy.",
    "Officials did not give further details about the financing.",
    "The statement was published on the ministry's website.",
    "Security along the border remains a concern for investors.",
    "Traders in the capital said prices had risen sharply.",
]


def sentence(rng: random.Random) -> str:
    a, b = rng.sample(ACTORS, 2)
    return (
        f"{a[0].upper() + a[1:]} and {b} {rng.choice(VERBS)} {rng.choice(DEALS)} "
        f"{rng.choice(DATES)}, according to a statement. {rng.choice(FILLER)}"
    )


def article(rng: random.Random, chars: int = 3000) -> str:
    paragraphs, size = [], 0
    while size < chars:
        para = " ".join(sentence(rng) for _ in range(rng.randint(2, 4)))
        paragraphs.append(para)
        size += len(para) + 2
    return "\n\n".join(paragraphs)


def corpus(n: int, seed: int = 0, chars: int = 3000) -> list[str]:
    rng = random.Random(seed)
    return [f"Report {i}.\n\n" + article(rng, chars) for i in range(n)]


def heldout_corpus(n: int) -> list[str]:
    """N articles of agreement news as written (tests/data/heldout, marks removed), cycled,
    each under its own first line so that none is a duplicate: sparser in agreements and
    actors than `corpus`, where every other sentence is "X and Y signed a deal …"."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[1] / "quality"))
    from reference import heldout_reference

    texts = [text for _name, text, _spans in heldout_reference()]
    return [f"Report {i}.\n\n" + texts[i % len(texts)] for i in range(n)]
