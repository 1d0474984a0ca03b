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
    """A Spanish segment next to its English translation."""

    segment: Segment
    translation: Translation

    @property
    def es(self) -> str:
        return self.segment.es

    @property
    def en(self) -> str:
        return self.translation.text


@dataclass(frozen=True)
class Briefing:
    """A seed with every segment translated, ready to render."""

    seed: Seed
    title: AlignedSegment
    paragraphs: tuple[tuple[AlignedSegment, ...], ...]
    engine: EngineInfo

    def segments(self) -> list[AlignedSegment]:
        """Title first, then the body in reading order."""
        return [self.title, *(pair for paragraph in self.paragraphs for pair in paragraph)]
