"""Boilerplate lines by their shape (menus, teaser lists, bylines, forms, calls to subscribe),
datelines kept as dates, and the headline found past mastheads and menus."""

from __future__ import annotations

import pytest

from annotator.core.boilerplate import detect, is_furniture, is_menu
from annotator.core.headline import dateline_of_line, find_header


def marked_lines(text: str) -> set[str]:
    return {text[s:e] for s, e in detect(text)}


@pytest.mark.parametrize(
    "line",
    [
        "Pakistan  World  Business  Sport  Opinion  Magazine",
        "HOME  POLITICS  ECONOMY  REGION  SPORT  CONTACTS",
        "☰ MENU   LIVE TV   E-PAPER   SIGN IN",
        "Politics Economy Society Culture Sports World Photo Video",
        "Facebook  Twitter  LinkedIn  Email",
    ],
)
def test_menus_of_section_names(line):
    assert is_menu(line) and is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "China Redefines Naval Warfare",  # a teaser's headline: no section names, single spaces
        "Russia grants Taliban formal recognition, first country to do so",
        "What the Taliban want",
        "Security first",
        "Kazakhstan Uzbekistan Turkmenistan",
        "Commenting on the deal, the minister said talks would go on.",
    ],
)
def test_headlines_subheadings_and_sentences_are_no_menus(line):
    assert not is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "By Elena Markova",
        "Written by: PTI | Edited by: Nidhi Sharma",
        "Reporting by Sayed Hassib in Kabul; Editing by Tom Hogue",
        "Name * Email * Website",
        "Your Comment",
        "Be the first one to comment on this story.",
        "Sign up for our weekly Eurasia briefing",
        "Catch all the latest updates on our app. Download now.",
        "The Astana Ledger © 2025. When quoting, a hyperlink is required.",
        "Economy › Transport",
        "Breaking: Gold coin prices fall in the market",
        "Disclaimer: This story is auto-generated from a syndicated feed.",
    ],
)
def test_bylines_forms_calls_and_breadcrumbs(line):
    assert is_furniture(line)


def test_a_teaser_list_under_a_bare_header_ends_at_the_next_paragraph():
    body = (
        "Officials said the line would open next year, after the last section is finished "
        "and tested by engineers from both countries."
    )
    text = (
        "Headline about a railway deal here\n\n"
        f"{body}\n\nAlso read:\nWheat exports up 40 percent\nRail chief visits depot\n\n"
        f"{body}\n\nTags\nIran Afghanistan Trade Central Bank\n"
    )
    marked = marked_lines(text)
    assert "Wheat exports up 40 percent\nRail chief visits depot" in "\n".join(marked)
    assert "Iran Afghanistan Trade Central Bank" in "\n".join(marked)
    assert not any(body in m for m in marked)


def test_a_datelines_date_stays_out_of_the_furniture_around_it():
    text = (
        "Pakistan  World  Business  Sport\n\nPakistan names an ambassador to Kabul\n\n"
        "From the Newspaper | Our Correspondent | Published May 31, 2025 07:02am\n\n"
        "ISLAMABAD: Pakistan on Friday named an ambassador, the Foreign Office said at its "
        "weekly briefing in the capital.\n\nRELATED\nRupee gains\n"
        "Published in The Herald, May 31st, 2025\n"
    )
    marked = "\n".join(marked_lines(text))
    assert "Our Correspondent" in marked and "Pakistan  World" in marked
    assert "May 31, 2025" not in marked and "May 31st, 2025" not in marked
    assert "Rupee gains" in marked


def test_the_author_box_of_a_bylined_piece():
    text = (
        "After recognition: what Moscow wants\n\nBy Elena Markova\nNovember 12, 2025\n\n"
        "When Russia accepted the credentials of the ambassador, officials were careful to "
        "describe the step as pragmatic.\n\n"
        "Elena Markova is a senior fellow. She previously reported from Kabul.\n"
    )
    marked = "\n".join(marked_lines(text))
    assert "senior fellow" in marked and "By Elena Markova" in marked
    assert "November 12, 2025" not in marked


@pytest.mark.parametrize(
    "line,value",
    [
        ("Published 04.07.2025 09:15 | Updated 11:40", "2025-07-04"),
        ("18 July 2025, 14:20", "2025-07-18"),
        ("Sunday, February 16, 2025 - 08:45", "2025-02-16"),
        ("Updated: Oct 11, 2025, 06:30 PM IST", "2025-10-11"),
        ("From the Newspaper | Our Correspondent | Published May 31, 2025 07:02am", "2025-05-31"),
        ("In April 2025, Russia's Supreme Court lifted the ban", None),
    ],
)
def test_datelines_with_clock_times_and_labels(line, value):
    assert dateline_of_line(line) == value


def test_headline_past_mastheads_and_menus():
    text = (
        "IRAN FRONT PAGE | ایران\nEnglish | فارسی | العربية\n"
        "HOME  POLITICS  ECONOMY  REGION  SPORT\nEconomy › Energy\n\n"
        "Iran to supply Afghanistan with gas under new contract\n\n"
        "Sunday, February 16, 2025 - 08:45\n\n"
        "TEHRAN – Iran and Afghanistan have signed a contract for the export of gas over the "
        "next twelve months, the company said.\n"
    )
    head = find_header(text)
    assert head.title == "Iran to supply Afghanistan with gas under new contract"
    assert head.published == "2025-02-16"
    marked = "\n".join(marked_lines(text))
    assert "HOME  POLITICS" in marked and "IRAN FRONT PAGE" in marked
    assert "Iran to supply" not in marked


@pytest.mark.parametrize(
    "line",
    [
        "Home | About the Office | Director's Desk | Tenders | Laws and Rules | Contact Us",
        "e-Paper | Latest | Punjab | Sindh | World | Business | Sports | Opinion",
        "Our Standards: The Steppe Wire Trust Principles.",
        "Sponsored: Invest smarter with zero fees · Learn more",
        "Catch all the Business News and Latest News Updates on The Daily Ledger.",
        "Email: press@ministry.example.org",
        "Spokesperson: Jane Doe",
    ],
)
def test_link_rows_standards_sponsored_and_contact_fields(line):
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "Live | Kabul | Tashkent | Islamabad sign a new accord on rail tariffs and transit fees today",
        "Kazakhstan, Uzbekistan and Turkmenistan agree on a joint grid",
    ],
)
def test_a_headline_with_separators_is_no_link_row(line):
    assert not is_furniture(line)


def test_a_masthead_and_its_motto_above_the_menu_are_no_headline():
    text = (
        "THE STEPPE DAILY · Kazakhstan's oldest English-language newspaper\n"
        "Home  Politics  Economy  Region  Society  Sport\n"
        "Home / Economy / Transport\n\n"
        "Kazakhstan and Turkmenistan sign a gas transit deal\n\n"
        "Aliya Nurlanovna\n"
        "Published 12.03.2026, 14:05 · Views 812\n\n"
        "ASTANA – Kazakhstan and Turkmenistan on Wednesday signed a deal on the transit of gas "
        "to China, the energy ministry said.\n\n"
        "Read Next\nWheat exports hit a record\nGrid operator orders new lines\n\n"
        "Press Office of the Ministry\nSpokesperson: Jane Doe\nEmail: press@example.org\n"
    )
    head = find_header(text)
    assert head.title == "Kazakhstan and Turkmenistan sign a gas transit deal"
    assert head.published == "2026-03-12"
    marked = "\n".join(marked_lines(text))
    assert "Kazakhstan's oldest" in marked  # the motto above the menu
    assert "Aliya Nurlanovna" in marked  # the author between headline and dateline
    assert "Wheat exports" in marked and "Press Office of the Ministry" in marked
    assert "sign a gas transit deal" not in marked and "12.03.2026" not in marked


def test_a_weather_piece_of_a_date_line_and_a_date_beside_another_calendars():
    text = "Monday, July 14, 2025 | 23 Tir 1404      Tehran 41°C\n\nHeadline of the story here\n"
    marked = marked_lines(text)
    assert marked == {"Tehran 41°C"}
    assert dateline_of_line("Kabul – 27 Aqrab 1404 (18 November 2025)") == "2025-11-18"
    assert dateline_of_line("Last Updated: Sep 02, 2026, 07:45:00 PM IST") == "2026-09-02"


def test_a_headline_with_its_genre_in_capitals_is_the_title_and_a_news_desk_is_not():
    from annotator.core.headline import title_and_date

    text = (
        "Home | Afghanistan | Region | Video\n\n"
        "WATCH: Neighbours send help to Badakhshan after the earthquake\n\n"
        "Herat Times News Desk\n"
        "Published: Tuesday, 1 December 2026 | 18:05\n\n"
        "Iran and Pakistan sent tents and blankets to Badakhshan on Tuesday, officials said.\n"
    )
    title, published = title_and_date(text, "fallback")
    assert title == "WATCH: Neighbours send help to Badakhshan after the earthquake"
    assert published == "2026-12-01"
