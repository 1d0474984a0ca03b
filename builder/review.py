"""``briefings review SEED``: write (or bring up to date) a seed's sidecar with every
sentence, so that an editor reviews English in place instead of retyping Spanish.

Each sentence gets an entry in reading order: the Spanish, the English the page shows and
its state. Nothing an editor wrote is lost when it is run again: reviewed and approved
entries stay as they are, an edited machine entry becomes reviewed, untouched machine
entries follow the engine, new sentences are marked new, and entries whose sentence left
the seed are kept at the end, marked gone. Near matches from the translation memory are
offered as comments, never applied.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from builder.build import collect, current_glossary, discover_seeds, seed_names
from builder.cache import TranslationCache
from builder.config import Settings
from builder.corrections import (
    FOLLOWING,
    REVIEW_HEADER,
    Entry,
    dump_entries,
    load_entries,
    loose_notes,
    machine_digest,
    sentence_key,
    sidecar_for,
    yaml_quoted,
)
from builder.engines import Engine
from builder.errors import FileError, Problem
from builder.files import write_editors_file
from builder.lock import build_lock
from builder.memory import Memory, load_memory
from builder.model import Segment, Translation
from builder.seeds import Discovery, SeedFile
from builder.sources import Source, read_sources
from builder.text import shorten

NAME_MAX = 255  # bytes in a file name, on the file systems this runs on


class ReviewError(FileError):
    """A review file cannot be written (the seed is unknown or its sidecar is broken);
    ``problem`` names the file (and line) at fault when there is one."""


@dataclass(frozen=True)
class ReviewLine:
    """One entry of the file to write, with its comments."""

    entry: Entry
    comments: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReviewResult:
    sidecar: Path
    written: bool
    sentences: int
    reviewed: int
    new: int
    gone: int
    warnings: tuple[Problem, ...]

    def summary(self) -> str:
        to_review = self.sentences - self.reviewed
        extra = []
        if self.new:
            extra.append(f"{self.new} new")
        if self.gone:
            extra.append(f"{self.gone} gone")
        tail = f" ({', '.join(extra)})" if extra else ""
        state = "written" if self.written else "unchanged"
        return (
            f"{self.sidecar.name}: {self.sentences} sentences, {self.reviewed} reviewed, "
            f"{to_review} to review{tail}; {state}"
        )


def find_seed(settings: Settings, discovery: Discovery, name: str) -> SeedFile:
    """The seed a user named: its file name, its name without .txt, its slug, or its path
    (a path to a file that is not in the seeds folder is refused, not taken for a seed of
    the same name there)."""
    given = Path(name)
    wanted = given.name
    if len(given.parts) > 1 and given.parent.resolve() != settings.seeds_dir.resolve():
        raise ReviewError(
            f"{shorten(name)} is not in the seeds folder {str(settings.seeds_dir)!r}: only the "
            "project's seeds are reviewed (give the name of one, like nota.txt)"
        )
    for seed_file in discovery.files:
        if wanted in (seed_file.name, seed_file.path.stem, seed_file.slug):
            return seed_file
    for problem in discovery.problems:
        if problem.path.name == wanted or problem.path.stem == wanted:
            raise ReviewError(str(problem), problem)
    raise ReviewError(
        f"no seed named {shorten(name)} in {str(settings.seeds_dir)!r} (give its file name, "
        f"like {discovery.files[0].name if discovery.files else 'nota.txt'})"
    )


def review(settings: Settings, engine: Engine, name: str) -> ReviewResult:
    """Write or update the sidecar of the seed called ``name``."""
    discovery = discover_seeds(settings)
    seed_file = find_seed(settings, discovery, name)
    sidecar = sidecar_for(seed_file.path)
    if len(os.fsencode(sidecar.name)) > NAME_MAX:
        raise ReviewError(
            f"{seed_file.name}: its name is too long for a corrections file beside it "
            f"({sidecar.name!r} would pass the {NAME_MAX}-byte limit of file names): "
            "shorten the seed's file name"
        )
    with build_lock(settings.cache_dir, wait=settings.lock_wait):
        existing, problems = load_entries(sidecar)
        errors = [p for p in problems if p.is_error]
        if errors:
            message = f"{errors[0].message}: fix it first, then review again"
            raise ReviewError(message, replace(errors[0], message=message))
        with TranslationCache(settings.cache_file) as cache:
            glossary, _ = current_glossary(settings, cache)
            memory = load_memory(
                settings.seeds_dir,
                settings.memory_file,
                seed_names(discovery),
                cache,
                root=settings.project_dir,
            )
            collection = collect(settings, engine, cache, glossary, memory, [seed_file])
        found = list(
            read_sources(
                [seed_file],
                encoding=settings.seed_encoding,
                max_bytes=settings.max_seed_bytes,
                memory=memory,
            )
        )
        # Read, planned and written under the lock: two reviews at once lose nothing.
        source = found[0]
        if not isinstance(source, Source) or not collection.briefings:
            reasons = [p for p in collection.problems.get(seed_file.name, ()) if p.is_error]
            if reasons:
                raise ReviewError(str(reasons[0]), reasons[0])
            raise ReviewError(f"{seed_file.name} cannot be read")
        rerun = any(entry.state for entry in existing)  # written by review before
        lines, counts = plan(source, collection.machine, existing, memory, rerun=rerun)
        loose = loose_notes(sidecar) if not existing and lines else ()
        if loose:  # a file of comments only: they go above its first entry
            first = lines[0]
            lines[0] = ReviewLine(
                replace(first.entry, notes=(*loose, *first.entry.notes)), first.comments
            )
        text = dump(lines, seed=f"seeds/{seed_file.name}", name=seed_file.name)
        written = write_editors_file(sidecar, text)
    return ReviewResult(sidecar, written, *counts, tuple(collection.problems[seed_file.name]))


def plan(
    source: Source,
    translations: Mapping[str, Translation],
    existing: Sequence[Entry],
    memory: Memory,
    *,
    rerun: bool,
) -> tuple[list[ReviewLine], tuple[int, int, int, int]]:
    """The entries of the review file and (sentences, reviewed, new, gone)."""
    own = {entry.key: entry for entry in existing}
    path = sidecar_for(source.seed.path)
    lines: list[ReviewLine] = []
    seen: set[str] = set()
    new = 0
    for segment in source.segments():
        key = sentence_key(segment.es)
        if key in seen:
            continue  # the same sentence twice in a seed: one entry serves both
        seen.add(key)
        english = translations.get(segment.es)
        machine_en = english.text if english is not None else ""  # "": the engine failed
        mine = own.get(key)
        if mine is not None and mine.reviewed:
            lines.append(ReviewLine(_kept(mine)))  # the editor's work, as they left it
            continue
        # Nothing of the editor's for this sentence here: show the English the page shows.
        elsewhere = memory.lookup(source.name, segment.es)
        if elsewhere is not None:  # reviewed in memory.yml or another seed's file: follow it
            shared = replace(
                mine or Entry(segment.es, "", path, 0),
                en=elsewhere.en,
                state="shared",
                machine=machine_digest(elsewhere.en),
                gone=False,
            )
            lines.append(ReviewLine(shared, (f"reviewed in {elsewhere.where}",)))
            continue
        if mine is not None:  # untouched: follow the engine, if it answered this time
            if machine_en:
                mine = replace(
                    mine, en=machine_en, state="machine", machine=machine_digest(machine_en)
                )
            lines.append(ReviewLine(replace(mine, gone=False), tuple(_near(memory, segment))))
            continue
        if rerun:
            new += 1
        entry = Entry(segment.es, machine_en, path, 0, "machine", machine_digest(machine_en))
        comments = ["new since the last review"] if rerun else []
        comments += _near(memory, segment)
        lines.append(ReviewLine(entry, tuple(comments)))
    gone = [e for key, e in own.items() if key not in seen and (e.reviewed or e.notes)]
    lines += [ReviewLine(replace(entry, gone=True)) for entry in gone]
    current = [line for line in lines if not line.entry.gone]
    reviewed = sum(1 for line in current if line.entry.reviewed or line.entry.state == "shared")
    return lines, (len(current), reviewed, new, len(gone))


def _kept(mine: Entry) -> Entry:
    """An editor's entry kept: an edited machine or shared entry becomes reviewed."""
    if mine.state in ("", *FOLLOWING):  # written by hand, or edited in place
        return replace(mine, state="reviewed", machine="", gone=False)
    return replace(mine, gone=False)


def _near(memory: Memory, segment: Segment) -> list[str]:
    comments = []
    for near in memory.near(segment.es):
        comments.append(
            f"near match ({near.score:.0f}%) in {near.entry.where}, differs by "
            f"{shorten(near.difference, 120)[1:-1]}:"
        )
        comments.append(f"  en: {yaml_quoted(near.entry.en)}")
    return comments


def dump(lines: Sequence[ReviewLine], *, seed: str, name: str) -> str:
    """The review file: YAML that :func:`~builder.corrections.load_entries` reads back."""
    header = REVIEW_HEADER.format(seed=seed, name=name)
    return dump_entries(((line.entry, line.comments) for line in lines), header)
