"""``briefings check``: validate seeds and templates without translating anything."""

from __future__ import annotations

from pathlib import Path

import jinja2

from builder.config import Settings
from builder.corrections import load_corrections, sidecar_for, stale
from builder.errors import ConfigError, Problem
from builder.glossary import load_glossary
from builder.render import BRIEFING_TEMPLATE, INDEX_TEMPLATE
from builder.seeds import discover, read_seeds
from builder.segment import segment_seed


def check(settings: Settings) -> list[Problem]:
    """Every problem a build would report about its inputs, found without an engine."""
    if not settings.seeds_dir.is_dir():
        raise ConfigError(f"seeds folder {str(settings.seeds_dir)!r} does not exist")
    seed_files, problems = discover(settings.seeds_dir)
    for _, result, warnings in read_seeds(seed_files, settings.seed_encoding):
        problems.extend(warnings)
        if isinstance(result, Exception):
            problems.append(Problem.from_seed_error(result))
            continue
        title, body = segment_seed(result)
        sidecar = sidecar_for(result.path)
        corrections, sidecar_problems = load_corrections(sidecar)
        problems.extend(sidecar_problems)
        sentences = [title.es, *(s.es for paragraph in body for s in paragraph)]
        problems.extend(stale(sidecar, corrections, sentences))
    problems.extend(load_glossary(settings.glossary_file)[1])
    problems.extend(check_templates(settings.templates_dir))
    return problems


def check_templates(templates_dir: Path) -> list[Problem]:
    """Syntax errors in the templates, and templates that are missing."""
    problems = []
    env = jinja2.Environment(autoescape=True)
    for name in (BRIEFING_TEMPLATE, INDEX_TEMPLATE):
        path = templates_dir / name
        try:
            source = path.read_text(encoding="utf-8")
        except OSError as error:
            problems.append(Problem(path, f"cannot be read: {error.strerror}"))
            continue
        try:
            env.parse(source, name, str(path))
        except jinja2.TemplateSyntaxError as error:
            problems.append(Problem(path, f"template error: {error.message}", error.lineno))
    return problems
