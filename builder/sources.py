"""Read stage for whole briefings: each seed read and segmented, with its corrections.

``briefings build`` and ``briefings check`` read through this one loop, so that they report
the same problems in the same words.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from builder.corrections import Correction, load_corrections, sidecar_for, stale
from builder.errors import Problem
from builder.model import Seed, Segment
from builder.seeds import SeedFile, read_seeds
from builder.segment import segment_seed


@dataclass(frozen=True)
class Source:
    """One seed, read and segmented, with its editors' corrections."""

    seed: Seed
    title: tuple[Segment, ...]
    body: tuple[tuple[Segment, ...], ...]
    corrections: Mapping[str, Correction]
    warnings: tuple[Problem, ...]

    @property
    def name(self) -> str:
        return self.seed.name

    def segments(self) -> list[Segment]:
        """Title first, then the body in reading order."""
        return [*self.title, *(segment for paragraph in self.body for segment in paragraph)]


@dataclass(frozen=True)
class Unreadable:
    """A seed that cannot be built this time, and why (at least one error)."""

    seed_file: SeedFile
    problems: tuple[Problem, ...]

    @property
    def name(self) -> str:
        return self.seed_file.name


def read_sources(
    seed_files: Iterable[SeedFile], *, encoding: str, max_bytes: int
) -> Iterator[Source | Unreadable]:
    """Read, segment and attach corrections to each seed, in order."""
    for seed_file, result, warnings in read_seeds(seed_files, encoding, max_bytes):
        if not isinstance(result, Seed):
            yield Unreadable(seed_file, (*warnings, Problem.from_seed_error(result)))
            continue
        title, body = segment_seed(result)
        sidecar = sidecar_for(result.path)
        corrections, problems = load_corrections(sidecar)
        if any(problem.is_error for problem in problems):
            yield Unreadable(seed_file, (*warnings, *problems))
            continue
        everything = [*title, *(s for paragraph in body for s in paragraph)]
        problems += stale(sidecar, corrections, (s.es for s in everything))
        yield Source(result, title, body, corrections, (*warnings, *problems))
