"""The document model: seeds in, segments and briefings out. Small frozen dataclasses only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Part = Literal["title", "body"]


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

    def en_pieces(self) -> list[tuple[str, bool]]:
        """The English cut into (text, uncertain) runs, for the page to mark unknown words."""
        pieces: list[tuple[str, bool]] = []
        text, start = self.en, 0
        for word in self.uncertain:
            found = _find_word(text, word, start)
            if found < 0:
                continue
            if found > start:
                pieces.append((text[start:found], False))
            pieces.append((word, True))
            start = found + len(word)
        if start < len(text):
            pieces.append((text[start:], False))
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
        return sum(len(pair.uncertain) for pair in self.segments())

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
        """Share of the English words the engine knew (reviewed sentences count as known)."""
        words = sum(len(pair.en.split()) for pair in self.segments())
        return 1.0 if words == 0 else max(0.0, 1 - self.uncertain_words / words)
