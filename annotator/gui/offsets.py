"""The one place where code points meet Qt's UTF-16 positions.

Everything outside the GUI counts code points; Qt counts UTF-16 units, so an
emoji or any other character beyond the BMP is 2 there. Texts without such
characters (almost all, Persian and Arabic included) map one to one at no cost;
for the others the positions of the wide characters are found once (a regular
expression scan, a few milliseconds for 100,000 characters) and every
conversion is a bisection over them.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_WIDE = re.compile("[\U00010000-\U0010ffff]")


class OffsetMap:
    """Convert between code-point offsets and Qt (UTF-16) positions for one text."""

    def __init__(self, text: str):
        self.length = len(text)
        # code-point indices of the characters that take two UTF-16 units
        self._wide = [] if text.isascii() else [m.start() for m in _WIDE.finditer(text)]
        # the same characters' positions in UTF-16 units, to go back
        self._wide_qt = [i + n for n, i in enumerate(self._wide)]
        self.qt_length = self.length + len(self._wide)

    @property
    def identity(self) -> bool:
        return not self._wide

    def to_qt(self, offset: int) -> int:
        """Qt position of a code-point offset (0..len(text))."""
        if not self._wide:
            return offset
        return offset + bisect_left(self._wide, offset)

    def from_qt(self, position: int) -> int:
        """Code-point offset of a Qt position; a position inside a surrogate pair maps to its character."""
        if not self._wide:
            return position
        n = bisect_right(self._wide_qt, position - 1)
        # a position just after the first unit of a pair belongs to that character
        if n and self._wide_qt[n - 1] + 1 == position:
            return self._wide[n - 1]
        return position - n
