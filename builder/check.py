"""``briefings check``: every problem a build would report about its inputs, found without
an engine: the seeds (through the same read loop as a build), the glossary and the
templates."""

from __future__ import annotations

from pathlib import Path

import jinja2

from builder.build import discover_seeds, seed_names
from builder.config import Settings
from builder.errors import InputError, Problem
from builder.files import read_regular
from builder.glossary import load_glossary
from builder.memory import load_memory
from builder.render import BRIEFING_TEMPLATE, EDITORS_TEMPLATE, INDEX_TEMPLATE
from builder.sources import Unreadable, read_sources


def check(settings: Settings) -> list[Problem]:
    """Every problem of the project's inputs, in the order a build reports them."""
    problems = list(load_glossary(settings.glossary_file)[1])
    discovery = discover_seeds(settings)
    memory = load_memory(settings.seeds_dir, settings.memory_file, seed_names(discovery))
    problems += memory.problems.get("", ())
    by_seed: dict[str, list[Problem]] = {}
    for problem in discovery.problems:
        by_seed.setdefault(problem.path.name, []).append(problem)
    for item in read_sources(
        discovery.files,
        encoding=settings.seed_encoding,
        max_bytes=settings.max_seed_bytes,
        memory=memory,
    ):
        found = item.problems if isinstance(item, Unreadable) else item.warnings
        by_seed.setdefault(item.name, []).extend(found)
    problems += [problem for name in sorted(by_seed) for problem in by_seed[name]]
    problems += check_templates(settings.templates_dir)
    return problems


MAX_TEMPLATE_BYTES = 1 << 20


def check_templates(templates_dir: Path) -> list[Problem]:
    """Syntax errors in the templates, and templates that are missing."""
    problems = []
    env = jinja2.Environment(autoescape=True)
    for name in (BRIEFING_TEMPLATE, INDEX_TEMPLATE, EDITORS_TEMPLATE):
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
