"""Read stage for whole briefings: each seed read and segmented, with what the translation
memory says about it.

``briefings build``, ``briefings check`` and ``briefings review`` read through this one
loop, so that they report the same problems in the same words.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from builder.corrections import sentence_key
from builder.errors import Problem
from builder.memory import Memory, stale
from builder.model import Seed, Segment
from builder.seeds import SeedFile, read_seeds
from builder.segment import segment_seed

# Segments one briefing may have: bounds the size of its page (about 300 bytes a segment).
MAX_SEGMENTS = 5_000


@dataclass(frozen=True)
class Source:
    """One seed, read and segmented."""

    seed: Seed
    title: tuple[Segment, ...]
    body: tuple[tuple[Segment, ...], ...]
    warnings: tuple[Problem, ...]

    @property
    def name(self) -> str:
        return self.seed.name

    def segments(self) -> list[Segment]:
        """Title first, then the body in reading order."""
        return [*self.title, *(segment for paragraph in self.body for segment in paragraph)]

    def keys(self) -> list[str]:
        """The memory keys of its sentences, and of each paragraph of several sentences (a
        translator's memory may hold a paragraph as one unit)."""
        keys = [sentence_key(segment.es) for segment in self.segments()]
        keys += [paragraph_key(paragraph) for paragraph in self.body if len(paragraph) > 1]
        return keys


def paragraph_key(paragraph: Iterable[Segment]) -> str:
    return sentence_key(" ".join(segment.es for segment in paragraph))


@dataclass(frozen=True)
class Unreadable:
    """A seed that cannot be built this time, and why (at least one error)."""

    seed_file: SeedFile
    problems: tuple[Problem, ...]

    @property
    def name(self) -> str:
        return self.seed_file.name


def read_sources(
    seed_files: Iterable[SeedFile], *, encoding: str, max_bytes: int, memory: Memory
) -> Iterator[Source | Unreadable]:
    """Read and segment each seed, in order; a seed whose own corrections are broken is
    not built (its last good page keeps its reviewed sentences)."""
    for seed_file, result, warnings in read_seeds(seed_files, encoding, max_bytes):
        own = memory.problems.get(seed_file.name, ())
        if not isinstance(result, Seed):
            yield Unreadable(seed_file, (*warnings, Problem.from_seed_error(result), *own))
            continue
        if seed_file.name in memory.broken:
            yield Unreadable(seed_file, (*warnings, *own))
            continue
        title, body = segment_seed(result)
        count = len(title) + sum(len(paragraph) for paragraph in body)
        if count > MAX_SEGMENTS:
            message = (
                f"has {count:,} sentences; a briefing may have at most {MAX_SEGMENTS:,} "
                "(a news article has about 50): split the seed"
            )
            yield Unreadable(seed_file, (*warnings, Problem(seed_file.path, message), *own))
            continue
        source = Source(result, title, body, ())
        found = stale(memory, seed_file.name, source.keys())
        yield Source(result, title, body, (*warnings, *own, *found))
