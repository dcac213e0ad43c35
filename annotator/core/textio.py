"""Bytes to stored text: encoding detection, BOM removal, newline normalisation.

Offsets everywhere refer to the text as stored, so every reader goes through
here before anything is counted.
"""

from __future__ import annotations

from charset_normalizer import from_bytes

from annotator.core.errors import InputError


def decode(data: bytes, path: str | None = None) -> str:
    """Decode a file's bytes: UTF-8 (BOM dropped) or, failing that, detected."""
    if b"\x00" in data[:65536] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("binary file, not text", path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    match = from_bytes(data).best()
    if match is None:
        raise InputError("cannot tell the text encoding (binary file?)", path)
    text = str(match)
    if text.startswith("\ufeff"):
        text = text[1:]
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
