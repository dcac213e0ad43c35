"""Code points <-> Qt's UTF-16 positions: checked against Python's own UTF-16 and a real Qt document."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor, QTextDocument

from annotator.gui.offsets import OffsetMap

# ASCII, Persian, a flag (two wide characters), an emoji with a variation selector, a CJK ideograph
# beyond the BMP: the mix an article may bring
ALPHABET = st.sampled_from(list("ab ,.") + list("کابلمسکو") + ["🇦", "🇫", "😀", "\ufe0f", "𠀋", "é"])
TEXTS = st.lists(ALPHABET, max_size=60).map("".join)


def utf16_units(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_every_offset_maps_to_its_utf16_position_and_back(text):
    m = OffsetMap(text)
    for i in range(len(text) + 1):
        q = m.to_qt(i)
        assert q == utf16_units(text[:i])
        assert m.from_qt(q) == i
    assert m.qt_length == utf16_units(text)


@settings(max_examples=100, deadline=None)
@given(TEXTS, st.data())
def test_a_qt_selection_reads_the_same_text_as_the_code_points(qapp, text, data):
    i = data.draw(st.integers(0, len(text)))
    j = data.draw(st.integers(i, len(text)))
    m = OffsetMap(text)
    doc = QTextDocument(text)
    cursor = QTextCursor(doc)
    cursor.setPosition(m.to_qt(i))
    cursor.setPosition(m.to_qt(j), QTextCursor.KeepAnchor)
    assert cursor.selectedText() == text[i:j]
    assert (m.from_qt(cursor.selectionStart()), m.from_qt(cursor.selectionEnd())) == (i, j)


def test_a_position_inside_a_surrogate_pair_belongs_to_that_character():
    text = "a😀b"
    m = OffsetMap(text)
    assert [m.to_qt(i) for i in range(4)] == [0, 1, 3, 4]
    assert m.from_qt(2) == 1  # between the two halves of the emoji
    assert not m.identity and OffsetMap("کابل و مسکو").identity


def test_persian_and_emoji_before_a_span():
    text = "کابل 😀🇦🇫 و مسکو: Moscow"
    m = OffsetMap(text)
    start = text.index("Moscow")
    assert m.to_qt(start) == start + 3  # three characters beyond the BMP before it
    assert m.from_qt(m.to_qt(start) + 6) == start + 6
