"""The whole pipeline: read seeds, segment, translate, render, write. Writing comes last."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from builder.cache import TranslationCache
from builder.config import Settings
from builder.corrections import Correction, load_corrections, sidecar_for, stale
from builder.engines import Engine, create_engine
from builder.errors import ConfigError, Problem
from builder.export import build_time
from builder.feed import FEED_NAME, atom_feed
from builder.fingerprint import inputs_digest, seed_digest, seed_stamp
from builder.glossary import load_glossary
from builder.lock import build_lock
from builder.model import AlignedSegment, Briefing, Seed, Segment, Translation
from builder.protect import Protector, acronyms
from builder.render import IndexEntry, Renderer
from builder.seeds import SeedFile, discover, read_seeds
from builder.segment import segment_seed
from builder.translate import translate_protected
from builder.write import Manifest, PageRecord, write_area

log = logging.getLogger(__name__)


@dataclass
class Collection:
    """Briefings ready to render, and what went wrong on the way."""

    briefings: list[Briefing] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)  # seed file names that were skipped
    seed_warnings: dict[str, list[Problem]] = field(default_factory=dict)
    reused: int = 0  # briefings whose inputs had not changed: not read again
    segments: int = 0
    translated: int = 0
    from_cache: int = 0


@dataclass
class BuildReport:
    """What a build did, for the summary line and the exit status."""

    collection: Collection
    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    removed: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    # Paths, in the generated area, of every file the builder has there now (briefings, list
    # pages, the feed): what the MkDocs plugin may treat as the builder's own pages.
    generated: frozenset[str] = frozenset()

    @property
    def problems(self) -> list[Problem]:
        return self.collection.problems

    @property
    def skipped(self) -> int:
        """Seeds not built this time: each has exactly one error."""
        return sum(1 for p in self.collection.problems if p.severity == "error")

    @property
    def briefings(self) -> int:
        """Briefings in the site: rebuilt now or kept from before."""
        return len(self.collection.briefings) + self.collection.reused

    def summary(self) -> str:
        c = self.collection
        total = self.briefings
        parts = [
            f"{total} briefing{'s' if total != 1 else ''} ({len(c.briefings)} rebuilt)",
            f"{c.segments} segments ({c.translated} translated, {c.from_cache} from cache)",
            f"{len(self.written)} files written, {self.unchanged} unchanged",
        ]
        if self.removed:
            parts.append(f"{len(self.removed)} removed")
        if self.skipped:
            parts.append(f"{self.skipped} seed{'s' if self.skipped != 1 else ''} skipped")
        warnings = sum(1 for p in c.problems if p.severity == "warning")
        if warnings:
            parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
        return ", ".join(parts) + f" in {self.seconds:.2f} s"


def open_engine(settings: Settings) -> Engine:
    """The configured engine, checked before any work starts."""
    engine = create_engine(
        settings.engine,
        apertium_pair=settings.apertium_pair,
        timeout=settings.timeout,
        jobs=settings.jobs,
        libre_url=settings.libre_url,
        request_timeout=settings.request_timeout,
        retry_seconds=settings.retry_seconds,
    )
    engine.check()
    return engine


def discover_seeds(settings: Settings) -> tuple[list[SeedFile], list[Problem]]:
    if not settings.seeds_dir.is_dir():
        raise ConfigError(f"seeds folder {str(settings.seeds_dir)!r} does not exist")
    return discover(settings.seeds_dir)


def collect(
    settings: Settings,
    engine: Engine,
    *,
    seed_files: list[SeedFile] | None = None,
    show_progress: bool = False,
) -> Collection:
    """Read, segment and translate the seeds (all of them unless ``seed_files`` says which);
    no file is written but the cache."""
    collection = Collection()
    if seed_files is None:
        seed_files, problems = discover_seeds(settings)
        collection.problems.extend(problems)
    segmented: list[tuple[Seed, Segment, list[list[Segment]]]] = []
    for seed_file, result, warnings in read_seeds(seed_files, settings.seed_encoding):
        collection.problems.extend(warnings)
        collection.seed_warnings.setdefault(seed_file.path.name, []).extend(warnings)
        if isinstance(result, Seed):
            title, body = segment_seed(result)
            segmented.append((result, title, body))
        else:
            collection.problems.append(Problem.from_seed_error(result))
            collection.failed.add(seed_file.path.name)

    sources = [
        segment.es
        for _, title, body in segmented
        for segment in (title, *(s for paragraph in body for s in paragraph))
    ]
    glossary, glossary_problems = load_glossary(settings.glossary_file)
    collection.problems.extend(glossary_problems)
    with TranslationCache(settings.cache_file) as cache:
        protector = (
            Protector(
                glossary,
                cache.ordinary_capitals(engine.info, acronyms(sources), engine.ordinary_capitals),
            )
            if settings.protect
            else Protector(glossary, generic=False)
        )
        outcome = translate_protected(
            sources, engine, cache, protector, show_progress=show_progress
        )
    collection.segments = len(sources)
    collection.translated = outcome.translated
    collection.from_cache = outcome.from_cache
    translations = outcome.translations

    for seed, title, body in segmented:
        sidecar = sidecar_for(seed.path)
        corrections, problems = load_corrections(sidecar)
        everything = [title, *(x for p in body for x in p)]
        problems += stale(sidecar, corrections, (s.es for s in everything))
        collection.problems.extend(problems)
        collection.seed_warnings.setdefault(seed.name, []).extend(problems)
        missing = [s for s in everything if s.es not in translations and s.es not in corrections]
        if missing:
            reason = outcome.error or "no translation"
            collection.problems.append(
                Problem(
                    seed.path,
                    f"not translated by {engine.info.label} ({len(missing)} segments): {reason}; "
                    "its last good page is kept and the next build retries",
                    missing[0].line,
                )
            )
            collection.failed.add(seed.name)
            continue
        collection.briefings.append(_align(seed, title, body, translations, corrections, engine))
    return collection


def _align(
    seed: Seed,
    title: Segment,
    body: list[list[Segment]],
    translations: dict[str, Translation],
    corrections: dict[str, Correction],
    engine: Engine,
) -> Briefing:
    def pair(segment: Segment) -> AlignedSegment:
        correction = corrections.get(segment.es)
        if correction is not None:
            return AlignedSegment(segment, Translation(correction.en), reviewed=True)
        return AlignedSegment(segment, translations[segment.es])

    return Briefing(
        seed=seed,
        title=pair(title),
        paragraphs=tuple(tuple(pair(s) for s in paragraph) for paragraph in body),
        engine=engine.info,
    )


@dataclass
class BriefingLists:
    """The index pages, the tag pages and the Atom feed (a :class:`ListMaker`)."""

    settings: Settings
    renderer: Renderer
    engine: Engine
    inputs: str  # digest of templates, glossary, engine and builder code

    def key(self, entries: Mapping[str, IndexEntry]) -> str:
        digest = hashlib.sha256(self.inputs.encode() + b"\0")
        for part in (self.settings.site_name, self.settings.site_url, self.settings.output_dir):
            digest.update(str(part).encode() + b"\0")
        digest.update(json.dumps([e.to_json() for e in entries.values()]).encode())
        if not any(e.date for e in entries.values()):  # the feed is then dated by the build
            digest.update(build_time().date().isoformat().encode())
        return digest.hexdigest()

    def pages(self, entries: Mapping[str, IndexEntry]) -> dict[str, str]:
        listed = list(entries.values())
        renderer = self.renderer
        lists = renderer.list_pages(listed, self.engine.info, feed=FEED_NAME)
        lists[FEED_NAME] = atom_feed(
            listed,
            site_name=self.settings.site_name,
            site_url=self.settings.site_url,
            area_url=self.settings.output_dir.strip("/") + "/",
            briefing_url={e.slug: renderer.link("index.md", f"{e.slug}.md") for e in listed},
        )
        return lists


@dataclass
class Changes:
    """Which seeds need building, and which pages can stay as the manifest says."""

    fresh: list[SeedFile] = field(default_factory=list)
    reused: dict[str, PageRecord] = field(default_factory=dict)
    fingerprints: dict[str, str] = field(default_factory=dict)  # of the fresh seeds
    stamps: dict[str, str] = field(default_factory=dict)  # size and mtime of every seed


def find_changes(
    settings: Settings, old: Manifest, seed_files: list[SeedFile], inputs: str
) -> Changes:
    """Compare each seed with its manifest record: by size and mtime first, then by content."""
    changes = Changes()
    names = set(os.listdir(settings.seeds_dir))
    written_pages = set(os.listdir(settings.area)) if settings.area.is_dir() else set()
    for seed_file in seed_files:
        name = seed_file.path.name
        sidecar = sidecar_for(seed_file.path).name in names
        changes.stamps[name] = stamp = seed_stamp(seed_file.path, sidecar)
        record = old.records.get(name)
        if (
            record is None
            or record.entry.slug != seed_file.slug
            or record.page not in written_pages
        ):
            changes.fresh.append(seed_file)
            changes.fingerprints[name] = seed_digest(inputs, seed_file.path)
        elif record.inputs == inputs and record.stamp == stamp and record.fingerprint:
            changes.reused[name] = record  # nothing read: size and time as before
        elif record.fingerprint == (fingerprint := seed_digest(inputs, seed_file.path)):
            changes.reused[name] = replace(record, inputs=inputs, stamp=stamp)
        else:
            changes.fresh.append(seed_file)
            changes.fingerprints[name] = fingerprint
    return changes


def build(
    settings: Settings, *, engine: Engine | None = None, show_progress: bool = False
) -> BuildReport:
    """Build the Markdown of every briefing and the index into the generated area."""
    started = time.perf_counter()
    engine = engine or open_engine(settings)
    renderer = Renderer(settings.templates_dir, settings.use_directory_urls)
    with build_lock(settings.cache_dir):
        old = Manifest.load(settings.area)
        seed_files, refused = discover_seeds(settings)
        inputs = inputs_digest(settings, engine.info)
        changes = find_changes(settings, old, seed_files, inputs)
        collection = collect(
            settings, engine, seed_files=changes.fresh, show_progress=show_progress
        )
        collection.problems[:0] = refused
        for record in changes.reused.values():
            collection.problems.extend(record.warnings)
        collection.reused = len(changes.reused)
        pages = {
            b.seed.name: (
                PageRecord(
                    f"{b.seed.slug}.md",
                    IndexEntry.from_briefing(b),
                    changes.fingerprints[b.seed.name],
                    tuple(collection.seed_warnings.get(b.seed.name, ())),
                    inputs=inputs,
                    stamp=changes.stamps[b.seed.name],
                ),
                renderer.briefing_page(b),
            )
            for b in collection.briefings
        }
        kept = {n: old.records[n] for n in collection.failed if n in old.records} | changes.reused
        written = write_area(
            settings.area,
            old,
            pages,
            kept=kept,
            lists=BriefingLists(settings, renderer, engine, inputs),
        )
    return BuildReport(
        collection,
        written=written.written,
        unchanged=written.unchanged,
        removed=written.removed,
        seconds=time.perf_counter() - started,
        generated=written.generated,
    )
