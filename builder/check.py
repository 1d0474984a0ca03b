"""``briefings check``: every problem a build would report about its inputs, found without
an engine: the seeds (through the same read loop as a build), the glossary and the
templates (their syntax, and a page of each rendered with a seed whose English is its
Spanish, so that an error of a template's own code is found too)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import jinja2

from builder.build import align, discover_seeds, seed_names
from builder.config import Settings
from builder.errors import InputError, Problem, RenderError
from builder.files import read_regular
from builder.glossary import load_glossary
from builder.memory import Memory, load_memory
from builder.model import EngineInfo, Translation
from builder.render import (
    BRIEFING_TEMPLATE,
    EDITORS_TEMPLATE,
    INDEX_TEMPLATE,
    LATEST_TEMPLATE,
    MORE_TEMPLATE,
    Catalogue,
    IndexEntry,
    Renderer,
)
from builder.sources import Source, Unreadable, read_sources
from builder.status import ArchiveStatus, BriefingStatus, MachineChange, UnknownWord

# Stands in for an engine while the templates are rendered: its English is the Spanish.
_CHECK_ENGINE = EngineInfo("check", "no engine (briefings check)", "0")


def check(settings: Settings) -> list[Problem]:
    """Every problem of the project's inputs, in the order a build reports them."""
    problems = list(load_glossary(settings.glossary_file)[1])
    discovery = discover_seeds(settings)
    memory = load_memory(settings.seeds_dir, settings.memory_file, seed_names(discovery))
    problems += memory.problems.get("", ())
    by_seed: dict[str, list[Problem]] = {}
    for problem in discovery.problems:
        by_seed.setdefault(problem.path.name, []).append(problem)
    sample: Source | None = None
    for item in read_sources(
        discovery.files,
        encoding=settings.seed_encoding,
        max_bytes=settings.max_seed_bytes,
        memory=memory,
    ):
        found = item.problems if isinstance(item, Unreadable) else item.warnings
        by_seed.setdefault(item.name, []).extend(found)
        if sample is None and isinstance(item, Source):
            sample = item
    problems += [problem for name in sorted(by_seed) for problem in by_seed[name]]
    template_problems = check_templates(settings.templates_dir)
    if not template_problems and sample is not None:
        template_problems = render_sample(settings, sample, memory)
    return problems + template_problems


MAX_TEMPLATE_BYTES = 1 << 20


def check_templates(templates_dir: Path) -> list[Problem]:
    """Syntax errors in the templates, and templates that are missing."""
    problems = []
    env = jinja2.Environment(autoescape=True)
    for name in (
        BRIEFING_TEMPLATE,
        INDEX_TEMPLATE,
        MORE_TEMPLATE,
        LATEST_TEMPLATE,
        EDITORS_TEMPLATE,
    ):
        path = templates_dir / name
        try:
            source = read_regular(path, MAX_TEMPLATE_BYTES).decode("utf-8")
        except InputError as error:
            problems.append(Problem(path, str(error)))
            continue
        except UnicodeDecodeError as error:
            problems.append(Problem(path, f"is not valid UTF-8 (byte offset {error.start})"))
            continue
        try:
            env.parse(source, name, str(path))
        except jinja2.TemplateSyntaxError as error:
            problems.append(Problem(path, f"template error: {error.message}", error.lineno))
    return problems


def render_sample(settings: Settings, sample: Source, memory: Memory) -> list[Problem]:
    """Render every kind of page for ``sample`` (its English the Spanish): a briefing, the
    index and a tag page, the neighbours, related and latest blocks with a newer and an
    older briefing beside it, and the editors' page with a failed seed, an unknown word and
    a changed sentence, so that every branch a build reaches runs; the first error found,
    as a build would stop at it."""
    renderer = Renderer(settings.templates_dir, settings.use_directory_urls)
    translations = {s.es: Translation(s.es) for s in sample.segments()}
    briefing = align(sample, translations, memory, _CHECK_ENGINE)
    entry = IndexEntry.from_briefing(briefing)
    day = dt.date(2024, 6, 21)
    tags = (*entry.tags, "muestra")
    entries = [
        replace(entry, slug="newer", date=day + dt.timedelta(days=1), tags=tags, review="reviewed"),
        replace(entry, date=entry.date or day, tags=tags),
        replace(entry, slug="older", date=day - dt.timedelta(days=1), tags=tags, draft=True),
    ]
    catalogue = Catalogue(entries)
    status = ArchiveStatus(
        briefings=(
            BriefingStatus(sample.name, entry.slug, entry.title_es, "machine", 2, 1, 1, 1, True),
            BriefingStatus("rota.txt", "", "", "not built", 0, 0, 0, 0, False, "an error"),
        ),
        unknown_words=(UnknownWord("palabra", 2, (sample.name,), (entry.slug,)),),
        changed_at="2024-06-21T00:00:00+00:00",
        changes=(MachineChange(sample.name, "Hola.", "Hello.", "Hi."),),
    )
    try:
        renderer.briefing_page(briefing)
        renderer.list_pages(entries, _CHECK_ENGINE, page_size=2, feed="feed.xml")
        for one in entries:
            renderer.more_briefings(catalogue, one.slug, lambda e: f"{e.slug}/")
        renderer.latest_briefings(catalogue, lambda e: f"{e.slug}/", "briefings/")
        renderer.editors_page(status)
    except RenderError as error:
        return [error.problem or Problem(settings.templates_dir, str(error))]
    return []
