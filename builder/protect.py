"""Protect spans of a segment from the engine, and put them back into its translation.

Glossary terms, URLs, e-mail addresses, numbers with units and all-capitals acronyms that
the engine would read as ordinary words are swapped for placeholders (``ZXQA``, ``ZXQB``...)
before translation: made-up capitalised words that every engine copies as they are. The
translation cache is keyed by the protected text, so changing the English of a glossary term
needs no new translation, and adding a term re-translates only the segments that contain it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

from builder.glossary import Glossary
from builder.model import Translation

_PREFIX = "ZXQ"
_PLACEHOLDER = re.compile(rf"{_PREFIX}[A-Z]+")
_URL = r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]»”]"
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_UNITS = r"%|°C|°F|km²|km/h|km|m²|m³|m|cm|mm|kg|mg|g|t|l|ml|h|min|s|€|\$|US\$|MW|GW|kW|kWh|GB|MB|TB"
_NUMBER_WITH_UNIT = rf"(?<![\w.,])\d+(?:[.,]\d+)*\s?(?:{_UNITS})(?![\w²³])"
# Each pattern with a cheap test that must pass before it is worth running.
_GENERIC = (
    ("://", re.compile(_URL)),
    ("@", re.compile(_EMAIL)),
    ("", re.compile(_NUMBER_WITH_UNIT)),
)
# An acronym: two to six capitals (Spanish ones included), standing alone.
ACRONYM = re.compile(r"(?<![\w-])[A-ZÁÉÍÓÚÑÜ]{2,6}(?![\w-])")
_CAPITAL_WORD = re.compile(r"(?<![\w-])[A-ZÁÉÍÓÚÑÜ]{2,}(?![\w-])")
_ROMAN = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")


@dataclass(frozen=True)
class Protected:
    """A segment as the engine sees it, and what each placeholder stands for."""

    text: str
    spans: tuple[tuple[str, str], ...] = ()

    def restore(self, translation: Translation) -> Translation | None:
        """The translation with placeholders replaced; None if the engine lost one of them."""
        if not self.spans:
            return translation
        found = _PLACEHOLDER.findall(translation.text)
        names = [name for name, _ in self.spans]
        if sorted(found) != sorted(names):
            return None
        mapping = dict(self.spans)
        text = _PLACEHOLDER.sub(lambda m: mapping[m.group(0)], translation.text)
        unknown = tuple(word for word in translation.unknown if word not in mapping)
        return Translation(text, unknown)


def placeholder(index: int) -> str:
    """ZXQA, ZXQB, ... ZXQZ, ZXQBA, ...: letters only, so no engine splits them."""
    letters = ""
    while True:
        index, rest = divmod(index, 26)
        letters = chr(ord("A") + rest) + letters
        if index == 0:
            break
    return _PREFIX + letters


class Protector:
    """Finds the spans to protect in a segment, for one glossary and one engine."""

    def __init__(
        self, glossary: Glossary, ordinary_caps: Collection[str] = (), *, generic: bool = True
    ) -> None:
        self.glossary = glossary
        self.generic = generic
        self.ordinary_caps = frozenset(ordinary_caps)
        terms = sorted(glossary.terms, key=len, reverse=True)
        self._terms = (
            re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in terms) + r")(?!\w)")
            if terms
            else None
        )

    def protect(self, text: str) -> Protected:
        if _PREFIX in text:  # the text already holds our marker: leave it all to the engine
            return Protected(text)
        matches: list[tuple[int, int, str]] = []
        if self._terms is not None:
            matches += [
                (m.start(), m.end(), self.glossary.terms[m.group(0)])
                for m in self._terms.finditer(text)
            ]
        if self.generic:
            has_digit = any(ch.isdigit() for ch in text)
            for needle, pattern in _GENERIC:
                if (needle and needle in text) or (not needle and has_digit):
                    matches += [(m.start(), m.end(), m.group(0)) for m in pattern.finditer(text)]
        if self.ordinary_caps and _has_lowercase(text):
            matches += [
                (m.start(), m.end(), m.group(0))
                for m in _lone_acronyms(text)
                if m.group(0) in self.ordinary_caps
            ]
        if not matches:
            return Protected(text)
        pieces: list[str] = []
        spans: list[tuple[str, str]] = []
        end = 0
        for start, stop, replacement in sorted(matches, key=lambda m: (m[0], -(m[1] - m[0]))):
            if start < end:  # overlaps an earlier, longer match
                continue
            name = placeholder(len(spans))
            pieces += [text[end:start], name]
            spans.append((name, replacement))
            end = stop
        pieces.append(text[end:])
        return Protected("".join(pieces), tuple(spans))


def acronyms(texts: Iterable[str]) -> set[str]:
    """The all-capitals words of texts that also hold lower case (a shouted headline has none)."""
    return {m.group(0) for text in texts if _has_lowercase(text) for m in _lone_acronyms(text)}


def _lone_acronyms(text: str) -> Iterator[re.Match[str]]:
    """Acronym-like words that stand alone: not Roman numerals ("siglo XIX"), and not part of
    a run of capitals ("NO OTRA PERSONA" is shouting, not three acronyms)."""
    capitals = list(_CAPITAL_WORD.finditer(text))
    for index, word in enumerate(capitals):
        match = ACRONYM.fullmatch(text, word.start(), word.end())
        if match is None or _ROMAN.fullmatch(match.group(0)):
            continue
        before = capitals[index - 1] if index else None
        after = capitals[index + 1] if index + 1 < len(capitals) else None
        if before is not None and not text[before.end() : word.start()].strip(" ,"):
            continue
        if after is not None and not text[word.end() : after.start()].strip(" ,"):
            continue
        yield match


def _has_lowercase(text: str) -> bool:
    return any(ch.islower() for ch in text)
