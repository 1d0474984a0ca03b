"""Untrusted text made safe for everywhere it goes: engines, YAML, XML, HTML and terminals.

Seeds, sidecars, the glossary and engine answers may hold characters that no consumer can
carry: C0 and C1 control characters, lone surrogates (from a bad ``utf-7`` or a broken file
name), Unicode noncharacters (Apertium stops reading at U+FFFF, XML 1.0 refuses U+FFFE) and
line separators that some readers take for line breaks. They are replaced by a space where
the text is read, and named in a warning, so that nothing downstream has to care.
"""

from __future__ import annotations

import re
from pathlib import Path

# Control characters other than tab and newline, DEL and C1 controls (NEL among them),
# lone surrogates, noncharacters (U+FDD0-U+FDEF and the last two code points of every
# plane) and the Unicode line and paragraph separators.
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0, 0x110000, 0x10000)
)
# Bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) are left out too: in
# a title they can make the rest of an index line read backwards. So is a byte order mark
# inside the text (two files joined): invisible, it makes 'Rusia' another tag than 'Rusia'.
UNSAFE = re.compile(
    f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff{_NONCHARACTERS}]"
)
_WHITESPACE = re.compile(r"\s+")
_SHORTEN_AT = 80


def unsafe_characters(text: str) -> list[str]:
    """The characters of ``text`` that :func:`make_safe` would replace, as ``U+XXXX``."""
    return [f"U+{ord(ch):04X}" for ch in UNSAFE.findall(text)]


def describe_unsafe(text: str) -> tuple[int, str] | None:
    """Where and which characters :func:`make_safe` would replace, as (line, message)."""
    first = UNSAFE.search(text)
    if first is None:
        return None
    found = unsafe_characters(text)
    kinds = ", ".join(dict.fromkeys(found[:50]))
    if len(kinds) > 60:
        kinds = kinds[:60].rsplit(",", 1)[0] + ", ..."
    count = len(found)
    done = "removed" if set(found) == {"U+FEFF"} else "replaced by spaces"
    message = f"{count} character{'s' if count != 1 else ''} that cannot be shown ({kinds}) {done}"
    return text.count("\n", 0, first.start()) + 1, message


def make_safe(text: str) -> str:
    """``text`` with every unsafe character replaced by a space (a byte order mark, which
    has no width, by nothing: 'Ru\ufeffsia' is 'Rusia')."""
    return UNSAFE.sub(" ", text.replace("\ufeff", ""))


def clean_line(raw: str) -> str:
    """One line of text: unsafe characters removed, white space folded, ends trimmed."""
    # Most text is clean already: isprintable() is False for every unsafe character and
    # every white space but the ASCII space (one fast scan), the rest are a few lookups.
    if raw.isprintable() and "  " not in raw and raw[:1] != " " and raw[-1:] != " ":
        return raw
    return _WHITESPACE.sub(" ", make_safe(raw)).strip()


def counted(number: int, word: str, plural: str = "") -> str:
    """``1 file``, ``2 files``: a count and its noun (``plural`` when not just an 's')."""
    return f"{number} {word if number == 1 else plural or word + 's'}"


def shorten(value: object, limit: int = _SHORTEN_AT) -> str:
    """A value for a message: quoted like ``repr``, at most about ``limit`` characters."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return printable(repr(text))


def printable(text: str) -> str:
    """``text`` with every character a terminal could act on written as an escape."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def shown_path(path: Path | str) -> str:
    """A path for a message: characters a terminal could act on are escaped."""
    return printable(str(path))


def is_utf8(text: str) -> bool:
    """Whether ``text`` can be written as UTF-8: not a name read from bytes that are not
    (Python keeps those as lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def is_name_safe(name: str) -> bool:
    """True when a file name can be shown, stored and exported as it is."""
    return UNSAFE.search(name) is None and name.isprintable()
