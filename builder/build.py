"""The whole pipeline, in order: find the seeds, see what changed since the last build, read
and segment, translate, render, and only then write.

``build()`` reads like a table of contents; each stage lives in a module of its own and
returns a finished value. Only the edges touch the world: the seeds folder, the engine, the
cache and the generated area.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from builder.cache import TranslationCache
from builder.clock import build_time
from builder.config import Settings
from builder.engines import Engine, ReadsCapitals, create_engine
from builder.errors import ConfigError, Problem
from builder.feed import FEED_NAME, atom_feed
from builder.files import ensure_folder
from builder.glossary import Glossary, load_glossary
from builder.lock import build_lock
from builder.memory import Memory, key_hash, load_memory
from builder.model import AlignedSegment, Briefing, EngineInfo, Segment, Translation
from builder.pages import Pages
from builder.protect import Protector, acronyms
from builder.render import EDITORS_PAGE, IndexEntry, Renderer
from builder.seeds import Discovery, SeedFile, discover
from builder.sources import Source, Unreadable, read_sources
from builder.state import (
    BriefingStats,
    Changes,
    Manifest,
    PageRecord,
    lists_digest,
    shared_digest,
)
from builder.status import ArchiveStatus, archive_status
from builder.text import counted
from builder.translate import translate_protected
from builder.write import apply

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Collection:
    """Briefings ready to render, and what went wrong on the way."""

    briefings: tuple[Briefing, ...]
    problems: Mapping[str, tuple[Problem, ...]]  # by seed file name, for each seed read
    failed: frozenset[str]  # seeds that could not be built this time
    keys: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # memory keys, by seed
    machine: Mapping[str, Translation] = field(default_factory=dict)  # the engine's, by source
    # built with reviewed English where the engine failed: built again next time, to retry
    retry: frozenset[str] = frozenset()
    segments: int = 0
    translated: int = 0
    from_cache: int = 0


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the summary line and the exit status."""

    collection: Collection
    problems: tuple[Problem, ...]  # every problem, each once, in a stable order
    reused: int  # briefings whose inputs had not changed: not even read again
    skipped: int = 0  # seeds not built this time (their last good page, if any, stays)
    held: int = 0  # of those, made but not written: a file the builder did not write is there
    drafts: tuple[str, ...] = ()  # pages in the area that must not be published
    records: Mapping[str, PageRecord] = field(default_factory=dict)  # by seed, as now written
    status: ArchiveStatus | None = None  # the state of the archive, as the editors' page shows
    # Paths, in the generated area, of every file the builder has there now (briefings, list
    # pages, the feed, the editors' page), written now or kept.
    generated: frozenset[str] = frozenset()
    written: tuple[Path, ...] = ()
    unchanged: int = 0
    removed: tuple[Path, ...] = ()
    seconds: float = 0.0

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.is_error)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors

    @property
    def briefings(self) -> int:
        """Briefings in the site: rebuilt now, unchanged, or the last good page of a seed
        that failed this time."""
        return len(self.records)

    def summary(self) -> str:
        c = self.collection
        total = self.briefings
        parts = [
            f"{counted(total, 'briefing')} ({len(c.briefings) - self.held} rebuilt)",
            f"{counted(c.segments, 'segment')} ({c.translated} translated, "
            f"{c.from_cache} from cache)",
            f"{counted(len(self.written), 'file')} written, {self.unchanged} unchanged",
        ]
        if self.removed:
            parts.append(f"{len(self.removed)} removed")
        if self.skipped:
            parts.append(f"{counted(self.skipped, 'seed')} skipped")
        if self.errors:
            parts.append(counted(self.errors, "error"))
        if self.warnings:
            parts.append(counted(self.warnings, "warning"))
        return ", ".join(parts) + f" in {self.seconds:.2f} s"


def open_engine(settings: Settings) -> Engine:
    """The configured engine, checked before any work starts."""
    engine = create_engine(
        settings.engine_name,
        apertium_pair=settings.apertium_pair,
        timeout=settings.timeout,
        jobs=settings.jobs,
        libre_url=settings.libre_url,
        request_timeout=settings.request_timeout,
        retry_seconds=settings.retry_seconds,
    )
    engine.check()
    return engine


def discover_seeds(settings: Settings) -> Discovery:
    if not settings.seeds_dir.is_dir():
        raise ConfigError(f"seeds folder {str(settings.seeds_dir)!r} does not exist")
    return discover(settings.seeds_dir)


def seed_names(discovery: Discovery) -> list[str]:
    """Every seed found, built or refused: each owns its corrections file."""
    return [*(f.name for f in discovery.files), *sorted(discovery.refused)]


def build(
    settings: Settings,
    *,
    engine: Engine | None = None,
    show_progress: bool = False,
    on_wait: Callable[[str], None] | None = None,
    include_drafts: bool = False,
    editors_page: bool = True,
) -> BuildReport:
    """Build the Markdown of every briefing and the list pages into the generated area.

    Draft briefings get their page (MkDocs leaves it out of a published build) but appear
    in the list pages only with ``include_drafts`` (``mkdocs serve``). The editors' page is
    made only with ``editors_page`` (a published build leaves it out anyway).
    """
    started = time.perf_counter()
    engine = engine or open_engine(settings)
    renderer = Renderer(settings.templates_dir, settings.use_directory_urls)
    with build_lock(settings.cache_dir, wait=settings.lock_wait, on_wait=on_wait):
        area = prepare_area(settings)
        old, state_problems = Manifest.load(area)
        discovery = discover_seeds(settings)
        with TranslationCache(settings.cache_file) as cache:
            glossary, glossary_problems = current_glossary(settings, cache)
            memory = load_memory(
                settings.seeds_dir,
                settings.memory_file,
                seed_names(discovery),
                cache,
                root=settings.project_dir,
            )
            shared = shared_digest(settings, engine.info, glossary)
            changes = old.changes(area, settings.seeds_dir, discovery.files, shared, memory)
            collection = collect(
                settings,
                engine,
                cache,
                glossary,
                memory,
                changes.fresh,
                show_progress=show_progress,
            )
            cache.note_machine_english(build_time().isoformat(), machine_english(collection))
            changed_at, machine_changes = cache.machine_changes()
            cache_problems = tuple(cache.problems)

        fresh = page_records(collection, changes, shared, memory)
        pages = Pages()
        for briefing in collection.briefings:
            pages.make(fresh[briefing.seed.name].page, partial(renderer.briefing_page, briefing))
        # A seed whose page's place holds a file the builder did not write fails like a
        # seed with an error: that file is never overwritten.
        taken = set(old.foreign(area, pages))
        held = {
            name: foreign_file(area, record.page, f"the briefing of {name}")
            for name, record in fresh.items()
            if record.page in taken
        }
        for name in held:
            del pages[fresh.pop(name).page]
        failed = collection.failed | discovery.refused | frozenset(held)
        records = standing_records(old, fresh, changes.reused, failed)
        new, list_pages = list_pages_of(
            settings, renderer, engine.info, old, area, records, shared, include_drafts
        )
        problems = report_order(
            (*state_problems, *cache_problems, *glossary_problems, *memory.problems.get("", ())),
            discovery.problems,
            collection.problems,
            {name: record.warnings for name, record in changes.reused.items()},
            held,
        )
        status = None
        if editors_page:
            errors = seed_errors(discovery, collection)
            errors.update((name, problem.message) for name, problem in held.items())
            status = archive_status(new.records, errors, changed_at, machine_changes)
            pages[EDITORS_PAGE] = renderer.editors_page(status)
        if editors_page or EDITORS_PAGE in old.lists:  # kept until a build makes it again
            new = Manifest(new.records, tuple(sorted({*new.lists, EDITORS_PAGE})), new.lists_digest)
        new, list_pages, held_lists = hold_list_pages(area, old, new, pages, list_pages)
        problems = (*problems, *held_lists)
        written = apply(area, old.plan(area, new, pages, list_pages))
        problems = (*problems, *written.problems)

    return BuildReport(
        collection,
        problems,
        reused=len(changes.reused),
        skipped=len(failed),
        held=len(held),
        # The editors' page is never published; a page of that name the builder did not
        # write (held above) is an editor's, and is.
        drafts=tuple(
            sorted(
                {EDITORS_PAGE} & {*new.lists}
                | {r.page for r in new.records.values() if r.entry.draft}
            )
        ),
        records=new.records,
        status=status,
        generated=frozenset([*(record.page for record in new.records.values()), *new.lists]),
        written=written.written,
        unchanged=written.unchanged
        + (len(new.lists) - (EDITORS_PAGE in pages) if list_pages is None else 0),
        removed=written.removed,
        seconds=time.perf_counter() - started,
    )


def hold_list_pages(
    area: Path, old: Manifest, new: Manifest, pages: Pages, list_pages: dict[str, str] | None
) -> tuple[Manifest, dict[str, str] | None, list[Problem]]:
    """The list pages (and the editors' page, in ``pages``) that can be written: not those
    whose place holds a file the builder did not write. Those are left out of the new
    manifest, whose lists are then made again next build (once the file is moved away)."""
    made = dict(list_pages or {})
    if EDITORS_PAGE in pages:
        made[EDITORS_PAGE] = pages[EDITORS_PAGE]  # a text already made
    held = old.foreign(area, made)
    if not held:
        return new, list_pages, []
    if EDITORS_PAGE in held:
        del pages[EDITORS_PAGE]
    kept = {path: text for path, text in (list_pages or {}).items() if path not in held}
    lists = tuple(path for path in new.lists if path not in held)
    problems = [foreign_file(area, path, list_page_name(path)) for path in held]
    return Manifest(new.records, lists, ""), kept, problems


def foreign_file(area: Path, relative: str, what: str) -> Problem:
    """The problem of a file in the generated area that the builder did not write, standing
    where it would write ``what``."""
    return Problem(
        area / relative,
        f"is kept as it is: the builder did not write it, and {what} is not written in its "
        "place until it is moved out of the generated area (or deleted, if it is an old "
        "generated page) or the plugin's output_dir names a folder of the builder's own",
    )


def list_page_name(relative: str) -> str:
    """What the list page at ``relative`` is, for a message."""
    if relative == EDITORS_PAGE:
        return "the editors' page"
    if relative == FEED_NAME:
        return "the feed"
    return "a tag page" if relative.startswith("tags/") else "the briefings' index"


def seed_errors(discovery: Discovery, collection: Collection) -> dict[str, str]:
    """Why each seed that failed this time failed (its first error), by seed file name."""
    errors = {problem.path.name: problem.message for problem in discovery.problems}
    for name, problems in collection.problems.items():
        first = next((problem for problem in problems if problem.is_error), None)
        if first is not None:
            errors.setdefault(name, first.message)
    return errors


def page_records(
    collection: Collection, changes: Changes, shared: str, memory: Memory
) -> dict[str, PageRecord]:
    """The record of each rebuilt briefing's page, by seed file name."""
    records = {}
    for briefing in collection.briefings:
        name = briefing.seed.name
        warnings = tuple(p for p in collection.problems[name] if not p.is_error)
        keys = tuple(key_hash(key) for key in collection.keys[name])
        records[name] = PageRecord(
            f"{briefing.seed.slug}.md",
            IndexEntry.from_briefing(briefing),
            "" if name in collection.retry else changes.digests[name],  # "": not reused
            warnings,
            shared=shared,
            stamp=changes.stamps[name],
            keys=keys,
            memory=memory.digest(name, keys),
            stats=stats_of(briefing, warnings),
        )
    return records


def standing_records(
    old: Manifest,
    fresh: Mapping[str, PageRecord],
    reused: Mapping[str, PageRecord],
    failed: frozenset[str],
) -> dict[str, PageRecord]:
    """The records of every page the area will hold: rebuilt, unchanged, and the last good
    page of each seed that failed this time (unless a rebuilt page now has its address)."""
    records = dict(fresh)
    claimed = {record.page for record in fresh.values()}
    kept = {name: old.records[name] for name in sorted(failed) if name in old.records}
    for name, record in (kept | dict(reused)).items():
        if record.page not in claimed and name not in records:
            records[name] = record
            claimed.add(record.page)  # one page, one record
    return dict(sorted(records.items()))


def list_pages_of(
    settings: Settings,
    renderer: Renderer,
    engine: EngineInfo,
    old: Manifest,
    area: Path,
    records: Mapping[str, PageRecord],
    shared: str,
    include_drafts: bool,
) -> tuple[Manifest, dict[str, str] | None]:
    """The new manifest, and the list pages if what they list changed (None otherwise)."""
    entries = {
        name: record.entry
        for name, record in records.items()
        if include_drafts or not record.entry.draft
    }
    undated_day = "" if any(e.date for e in entries.values()) else build_time().date().isoformat()
    digest = lists_digest(shared, settings, entries, undated_day)
    if not old.lists_outdated(area, digest):
        return Manifest(records, old.lists, digest), None
    list_pages = make_lists(settings, renderer, engine, entries.values())
    return Manifest(records, tuple(sorted(list_pages)), digest), list_pages


@dataclass(frozen=True)
class Gathered:
    """Every briefing of the project, translated but not written (for exports)."""

    briefings: tuple[Briefing, ...]
    problems: tuple[Problem, ...]
    keys: frozenset[str] = frozenset()  # every sentence and paragraph key of the archive
    memory: Memory = field(default_factory=Memory)


def gather(
    settings: Settings,
    engine: Engine,
    *,
    show_progress: bool = False,
    on_wait: Callable[[str], None] | None = None,
) -> Gathered:
    """Read and translate every seed (filling the cache), writing no page."""
    with build_lock(settings.cache_dir, wait=settings.lock_wait, on_wait=on_wait):
        discovery = discover_seeds(settings)
        with TranslationCache(settings.cache_file) as cache:
            glossary, glossary_problems = current_glossary(settings, cache)
            memory = load_memory(
                settings.seeds_dir,
                settings.memory_file,
                seed_names(discovery),
                cache,
                root=settings.project_dir,
            )
            collection = collect(
                settings,
                engine,
                cache,
                glossary,
                memory,
                discovery.files,
                show_progress=show_progress,
            )
            cache_problems = tuple(cache.problems)
    problems = report_order(
        (*cache_problems, *glossary_problems, *memory.problems.get("", ())),
        discovery.problems,
        collection.problems,
        {},
    )
    keys = frozenset(key for found in collection.keys.values() for key in found)
    return Gathered(collection.briefings, problems, keys, memory)


def prepare_area(settings: Settings) -> Path:
    """The generated area as a real folder inside ``docs_dir``: never a link to elsewhere."""
    if not settings.docs_dir.is_dir():
        raise ConfigError(f"docs_dir {str(settings.docs_dir)!r} does not exist")
    return ensure_folder(settings.docs_dir, Path(settings.output_dir))


def current_glossary(settings: Settings, cache: TranslationCache) -> tuple[Glossary, list[Problem]]:
    """The glossary to use: the file's, or, while it has problems, the last good one, so
    that pages are not republished without their terms."""
    path = settings.glossary_file
    glossary, problems = load_glossary(path)
    key = cache.file_key("glossary", path, settings.project_dir) if path else "glossary:"
    if not any(problem.is_error for problem in problems):
        if cache.recall(key) != glossary.to_json():
            cache.remember(key, glossary.to_json())
        return glossary, problems
    last = Glossary.from_json(cache.recall(key))
    if last is None or path is None:
        return glossary, problems
    note = Problem(
        path,
        f"the last good glossary ({len(last.terms)} terms) is used until the problems above "
        "are fixed",
        severity="warning",
    )
    return last, [*problems, note]


def collect(
    settings: Settings,
    engine: Engine,
    cache: TranslationCache,
    glossary: Glossary,
    memory: Memory,
    seed_files: Iterable[SeedFile],
    *,
    show_progress: bool = False,
) -> Collection:
    """Read, segment and translate the given seeds; no file is written but the cache.
    Sentences the memory has reviewed English for are not sent to the engine."""
    sources: list[Source] = []
    problems: dict[str, tuple[Problem, ...]] = {}
    failed: set[str] = set()
    for item in read_sources(
        seed_files,
        encoding=settings.seed_encoding,
        max_bytes=settings.max_seed_bytes,
        memory=memory,
    ):
        if isinstance(item, Unreadable):
            problems[item.name] = item.problems
            failed.add(item.name)
        else:
            sources.append(item)
    texts = [segment.es for source in sources for segment in source.segments()]
    protector = make_protector(settings, engine, cache, glossary, texts)
    outcome = translate_protected(texts, engine, cache, protector, show_progress=show_progress)
    briefings = []
    keys: dict[str, tuple[str, ...]] = {}
    retry: set[str] = set()
    for source in sources:
        unmachined = [s for s in source.segments() if s.es not in outcome.translations]
        missing = [s for s in unmachined if memory.lookup(source.name, s.es) is None]
        if missing:
            reason = outcome.error or "no translation"
            problems[source.name] = (
                *source.warnings,
                Problem(
                    source.seed.path,
                    f"not translated by {engine.info.label} ({counted(len(missing), 'segment')}): "
                    f"{reason}; its last good page is kept and the next build retries",
                    missing[0].line,
                ),
            )
            failed.add(source.name)
            continue
        problems[source.name] = source.warnings
        if unmachined:  # reviewed English stands in on the page: still worth knowing
            retry.add(source.name)
            reason = outcome.error or "no translation"
            problems[source.name] += (
                Problem(
                    source.seed.path,
                    f"{engine.info.label} did not translate "
                    f"{counted(len(unmachined), 'segment')} with reviewed English ({reason}): "
                    "the page shows the reviewed English, and the next build tries again "
                    "('briefings review' keeps such entries as they are until then)",
                    unmachined[0].line,
                    severity="warning",
                ),
            )
        keys[source.name] = tuple(source.keys())
        briefings.append(align(source, outcome.translations, memory, engine.info))
    return Collection(
        tuple(briefings),
        problems,
        frozenset(failed),
        keys,
        outcome.translations,
        frozenset(retry),
        segments=len(texts),
        translated=outcome.translated,
        from_cache=outcome.from_cache,
    )


def make_protector(
    settings: Settings,
    engine: Engine,
    cache: TranslationCache,
    glossary: Glossary,
    texts: Sequence[str],
) -> Protector:
    """Glossary terms always; URLs, numbers and acronyms the engine would misread unless
    generic protection is off."""
    if not settings.protect:
        return Protector(glossary, generic=False)
    capitals: set[str] = set()
    if isinstance(engine, ReadsCapitals):
        capitals = cache.ordinary_capitals(engine.info, acronyms(texts), engine.ordinary_capitals)
    return Protector(glossary, capitals)


def align(
    source: Source,
    translations: Mapping[str, Translation],
    memory: Memory,
    engine: EngineInfo,
) -> Briefing:
    """Each Spanish segment with its English: reviewed English from the memory, else the
    engine's. A paragraph none of whose sentences is reviewed, but which the memory holds
    as a whole (a translator's memory segments differently), becomes one reviewed pair."""

    def pair(segment: Segment) -> AlignedSegment:
        entry = memory.lookup(source.name, segment.es)
        if entry is not None:
            return AlignedSegment(segment, Translation(entry.en), reviewed=True)
        return AlignedSegment(segment, translations[segment.es])

    paragraphs = []
    for paragraph in source.body:
        pairs = tuple(pair(s) for s in paragraph)
        if len(paragraph) > 1 and not any(p.reviewed for p in pairs):
            whole = " ".join(segment.es for segment in paragraph)
            entry = memory.lookup(source.name, whole)
            if entry is not None:
                first = paragraph[0]
                merged = Segment("body", first.paragraph, 0, whole, first.line)
                pairs = (AlignedSegment(merged, Translation(entry.en), reviewed=True),)
        paragraphs.append(pairs)
    return Briefing(
        seed=source.seed,
        title_parts=tuple(pair(s) for s in source.title),
        paragraphs=tuple(paragraphs),
        engine_info=engine,
    )


def machine_english(collection: Collection) -> dict[str, dict[str, str]]:
    """The machine English each rebuilt briefing shows, by seed and Spanish sentence."""
    return {
        briefing.seed.name: {pair.es: pair.en for pair in briefing.segments() if not pair.reviewed}
        for briefing in collection.briefings
    }


def stats_of(briefing: Briefing, warnings: Iterable[Problem]) -> BriefingStats:
    """The figures 'briefings status' shows of a briefing."""
    pairs = briefing.segments()
    return BriefingStats(
        sentences=len(pairs),
        reviewed=sum(1 for pair in pairs if pair.reviewed),
        unknown=tuple(word for pair in pairs for word in pair.uncertain),
        stale=sum(1 for w in warnings if w.message.startswith("stale correction")),
    )


def make_lists(
    settings: Settings, renderer: Renderer, engine: EngineInfo, entries: Iterable[IndexEntry]
) -> dict[str, str]:
    """The index pages, the tag pages and the Atom feed, by path in the area."""
    listed = list(entries)
    lists = renderer.list_pages(listed, engine, feed=FEED_NAME)
    lists[FEED_NAME] = atom_feed(
        listed,
        site_name=settings.site_name,
        site_url=settings.site_url,
        area_url=settings.output_dir.strip("/") + "/",
        briefing_url={e.slug: renderer.link("index.md", f"{e.slug}.md") for e in listed},
    )
    return lists


def report_order(
    general: Iterable[Problem],
    refused: Iterable[Problem],
    by_seed: Mapping[str, Iterable[Problem]],
    reused: Mapping[str, Iterable[Problem]],
    held: Mapping[str, Problem] | None = None,
) -> tuple[Problem, ...]:
    """Every problem once: the builder's own files and the glossary first, then each seed's
    in name order."""
    seeds: dict[str, list[Problem]] = {}
    for problem in refused:
        seeds.setdefault(problem.path.name, []).append(problem)
    for name, problems in (*by_seed.items(), *reused.items()):
        seeds.setdefault(name, []).extend(problems)
    for name, problem in (held or {}).items():
        seeds.setdefault(name, []).append(problem)
    return (*general, *(p for name in sorted(seeds) for p in seeds[name]))
