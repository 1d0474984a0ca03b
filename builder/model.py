"""The document model: seeds in, segments and briefings out. Small frozen dataclasses only."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

Part = Literal["title", "body"]
# How the page marks a word the engine flagged: "untranslated" (copied from the Spanish, not
# in the engine's dictionary), "form" (a word the engine knew but could not inflect, so it
# is not in the Spanish), "name" (a proper name copied through unchanged: correct, not
# flagged), "" (not flagged).
MarkKind = Literal["", "untranslated", "form", "name"]
# A typical adult silent reading rate, in words a minute; Spanish and English are close.
READING_WORDS_PER_MINUTE = 220
# What may stand before the first word of a sentence: opening quotes, marks and brackets.
_SENTENCE_OPENING = re.compile(r"[\s¿¡«\"'\u201c\u2018(\[\u2014\u2013-]*")


@dataclass(frozen=True)
class SeedMeta:
    """What the optional front matter of a seed says about the article."""

    date: dt.date | None = None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    tags: tuple[str, ...] = ()
    draft: bool = False  # shown by 'mkdocs serve', never published


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a seed and the line of the file it came from."""

    text: str
    line: int


@dataclass(frozen=True)
class Seed:
    """A Spanish article as read from ``seeds/``."""

    path: Path
    slug: str
    title: str
    title_line: int
    paragraphs: tuple[Paragraph, ...]
    meta: SeedMeta = field(default_factory=SeedMeta)

    @property
    def name(self) -> str:
        """The seed's file name, as exports and messages show it."""
        return self.path.name


@dataclass(frozen=True)
class Segment:
    """One unit of translation: the title, or one sentence of a body paragraph."""

    part: Part
    paragraph: int
    sentence: int
    es: str
    line: int


@dataclass(frozen=True)
class Translation:
    """An engine's English for one segment, with the words it did not know."""

    text: str
    unknown: tuple[str, ...] = ()


@dataclass(frozen=True)
class EngineInfo:
    """Which engine translated a briefing, as the page and the cache name it."""

    name: str
    label: str
    version: str


@dataclass(frozen=True)
class AlignedSegment:
    """A Spanish segment next to its English: the engine's, or an editor's correction."""

    segment: Segment
    translation: Translation
    reviewed: bool = False

    @property
    def es(self) -> str:
        return self.segment.es

    @property
    def en(self) -> str:
        return self.translation.text

    @property
    def uncertain(self) -> tuple[str, ...]:
        """Words the engine did not know (none in a reviewed sentence)."""
        return () if self.reviewed else self.translation.unknown

    def mark_kind(self, word: str, names: frozenset[str] = frozenset()) -> MarkKind:
        """How the page should mark ``word``, one of the words the engine flagged here."""
        if _find_word(self.es, word, 0) < 0:
            return "form"
        return "name" if word in names else "untranslated"

    def en_pieces(self, names: frozenset[str] = frozenset()) -> list[tuple[str, MarkKind]]:
        """The English cut into (text, mark kind) runs, for the page to mark flagged words;
        ``names`` are the words to take as proper names (see :attr:`Briefing.names`)."""
        pieces: list[tuple[str, MarkKind]] = []
        text, start = self.en, 0
        for word in self.uncertain:
            found = _find_word(text, word, start)
            if found < 0:
                continue
            if found > start:
                pieces.append((text[start:found], ""))
            pieces.append((word, self.mark_kind(word, names)))
            start = found + len(word)
        if start < len(text):
            pieces.append((text[start:], ""))
        return pieces


def _find_word(text: str, word: str, start: int) -> int:
    """Where ``word`` stands as a whole word in ``text`` from ``start``, or -1."""
    at = text.find(word, start)
    while at >= 0:
        end = at + len(word)
        before = text[at - 1] if at > 0 else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            return at
        at = text.find(word, at + 1)
    return -1


@dataclass(frozen=True)
class Briefing:
    """A seed with every segment translated, ready to render."""

    seed: Seed
    title_parts: tuple[AlignedSegment, ...]  # one, unless the title is very long
    paragraphs: tuple[tuple[AlignedSegment, ...], ...]
    engine_info: EngineInfo  # the engine that made the machine English

    @property
    def title(self) -> AlignedSegment:
        """The title as one pair (its parts joined); reviewed when every part is."""
        if len(self.title_parts) == 1:
            return self.title_parts[0]
        first = self.title_parts[0].segment
        es = " ".join(part.es for part in self.title_parts)
        en = " ".join(part.en for part in self.title_parts)
        unknown = tuple(word for part in self.title_parts for word in part.uncertain)
        return AlignedSegment(
            Segment("title", 0, 0, es, first.line),
            Translation(en, unknown),
            reviewed=all(part.reviewed for part in self.title_parts),
        )

    def segments(self) -> list[AlignedSegment]:
        """Title first, then the body in reading order."""
        return [*self.title_parts, *(pair for paragraph in self.paragraphs for pair in paragraph)]

    @property
    def uncertain_words(self) -> int:
        """Words the engine flagged, proper names included."""
        return sum(len(pair.uncertain) for pair in self.segments())

    @cached_property
    def names(self) -> frozenset[str]:
        """Flagged words taken as proper names the engine rightly copied through unchanged.

        A word counts as a name when the Spanish has it, mixed-case ("Solovyov", not "EE"),
        somewhere other than at the start of a sentence, where Spanish would not capitalise
        a common word. Then every occurrence is a name, at the start of a sentence too. A
        name seen only at the start of sentences stays flagged: it cannot be told from an
        unknown common word there.
        """
        flagged = {word for pair in self.segments() for word in pair.uncertain}
        return frozenset(
            word
            for word in flagged
            if _is_mixed_case(word)
            and any(_inside_sentence(pair.es, word) for pair in self.segments())
        )

    @property
    def flagged_words(self) -> int:
        """Flagged words the page underlines: not translated, or of uncertain form."""
        return self.uncertain_words - self.kept_names

    @property
    def kept_names(self) -> int:
        """Flagged words that are proper names copied through unchanged (not underlined)."""
        names = self.names
        return sum(1 for pair in self.segments() for word in pair.uncertain if word in names)

    @property
    def reviewed(self) -> int:
        return sum(1 for pair in self.segments() if pair.reviewed)

    @property
    def review_state(self) -> str:
        """'reviewed' when an editor reviewed every sentence, 'partly reviewed' when some,
        'machine' when none."""
        reviewed, total = self.reviewed, len(self.segments())
        if reviewed == total:
            return "reviewed"
        return "partly reviewed" if reviewed else "machine"

    @property
    def coverage(self) -> float:
        """Share of the English words the engine's dictionary had: every flagged word counts
        against it, names included (reviewed sentences count as known)."""
        words = sum(len(pair.en.split()) for pair in self.segments())
        return 1.0 if words == 0 else max(0.0, 1 - self.uncertain_words / words)

    @property
    def reading_minutes(self) -> int:
        """Minutes to read the Spanish (or the English) once, rounded up."""
        words = sum(len(pair.es.split()) for pair in self.segments())
        return max(1, math.ceil(words / READING_WORDS_PER_MINUTE))

    @property
    def title_lead(self) -> Literal["es", "en"]:
        """The language whose title leads: the authoritative Spanish, unless an editor
        reviewed the English title."""
        return "en" if self.title.reviewed else "es"


def _is_mixed_case(word: str) -> bool:
    return word[:1].isupper() and any(c.islower() for c in word[1:])


def _inside_sentence(sentence: str, word: str) -> bool:
    """Whether ``word`` stands in ``sentence`` somewhere other than as its first word."""
    opening = _SENTENCE_OPENING.match(sentence)
    first = opening.end() if opening else 0
    at = _find_word(sentence, word, 0)
    while at >= 0:
        before = sentence[:at].rstrip()
        if at > first and before and before[-1] not in ".!?:…":
            return True
        at = _find_word(sentence, word, at + 1)
    return False
