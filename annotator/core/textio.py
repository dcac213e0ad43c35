"""Bytes to stored text: encoding detection, BOM removal, newline normalisation.

Offsets everywhere refer to the text as stored, so every reader goes through
here before anything is counted.
"""

from __future__ import annotations

from charset_normalizer import from_bytes

from annotator.core.errors import InputError

_BOMS = (  # UTF-32 first: its little-endian BOM begins with UTF-16's
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# What Western European text in Windows-1252 holds besides letters: a byte
# outside these (or a symbol inside a word) means the text is something else.
_CP1252_MARKS = set("€‚„…†‡ˆ‰‹‘’“”•–—˜™›¡¢£¤¥¦§¨©ª«¬\xad®¯°±²³´µ¶·¸¹º»¼½¾¿×÷\xa0")


def decode(data: bytes, path: str | None = None) -> str:
    """A file's bytes as text: by BOM, UTF-8, BOM-less UTF-16, Windows-1252, else detected.

    Refuses binary data and NUL characters anywhere, and says where UTF-8 is
    broken when the file is UTF-8 but for a bad or cut sequence.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _no_nul(data[len(bom) :].decode(encoding), path)
            except UnicodeDecodeError as exc:
                name = encoding.upper().removesuffix("-LE").removesuffix("-BE")
                raise InputError(f"invalid {name} at byte {exc.start + len(bom)}", path) from None
    nul = data.find(b"\x00")
    if nul >= 0:  # UTF-16 without a BOM has them every other byte; else a binary file
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
        raise InputError(f"binary file, not text (a NUL byte at byte {nul})", path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if _mostly_utf8(data, exc):
            raise InputError(f"invalid UTF-8 at byte {exc.start}", path) from None
    latin = _plausible_cp1252(data)
    if latin is not None:
        return latin
    match = from_bytes(data).best()
    if match is None:
        raise InputError("cannot tell the text encoding (binary file?)", path)
    text = str(match)
    if text.startswith("\ufeff"):
        text = text[1:]
    return _no_nul(text, path)


def _no_nul(text: str, path: str | None) -> str:
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise InputError("a NUL character in the text (binary file?)", path, line)
    return text


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM: every other byte zero on one side, clean when decoded."""
    sample = data[:8192]
    pairs = len(sample) // 2
    if pairs < 2 or len(data) % 2:
        return None
    even = sample[0 : pairs * 2 : 2].count(0)
    odd = sample[1 : pairs * 2 : 2].count(0)
    if odd >= 0.1 * pairs and even <= 0.02 * pairs:
        encoding = "utf-16-le"
    elif even >= 0.1 * pairs and odd <= 0.02 * pairs:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    if "\x00" in text:
        return None
    shown = sum(1 for c in text[:4096] if c.isprintable() or c in "\n\r\t")
    return text if shown >= 0.95 * min(len(text), 4096) else None


def _mostly_utf8(data: bytes, exc: UnicodeDecodeError) -> bool:
    """Whether a file that fails as UTF-8 is UTF-8 all the same, with a bad or cut sequence."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    good = sum(1 for c in text if ord(c) > 127 and c != "\ufffd")
    cut = exc.end == len(data) and exc.reason == "unexpected end of data"
    if cut and (good or len(data) - exc.start >= 2):
        return True  # a multi-byte character cut off at the end of the file
    return good >= 1 and good >= 2 * bad


def _plausible_cp1252(data: bytes) -> str | None:
    """The Windows-1252 reading of DATA when it looks like Western European text."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None  # a byte Windows-1252 leaves undefined
    letters = wide_letters = 0
    for i, c in enumerate(text):
        if c.isalpha():
            letters += 1
            if ord(c) > 127:
                wide_letters += 1
        elif ord(c) > 127:
            if c == "’":
                continue  # an apostrophe: "l’été"
            if c not in _CP1252_MARKS:
                return None
            before = text[i - 1] if i else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            if before.isalpha() and after.isalpha():
                return None  # "Za¿ó³æ": Central European letters read as symbols
        elif ord(c) < 32 and c not in "\n\r\t\f":
            return None
    if letters == 0 or wide_letters > 0.3 * letters:
        return None  # Cyrillic or Greek bytes read as accented Latin
    return text


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def newline_offset_map(text: str) -> list[int] | None:
    """For text with CR characters, map each old offset (0..len) to its normalised one.

    Returns None when the text has no CR, so the common case costs nothing.
    """
    if "\r" not in text:
        return None
    mapping = []
    j = 0
    n = len(text)
    for i, ch in enumerate(text):
        mapping.append(j)
        if ch == "\r" and i + 1 < n and text[i + 1] == "\n":
            continue  # the CR of a CRLF collapses into the LF that follows
        j += 1
    mapping.append(j)
    return mapping
