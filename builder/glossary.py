"""The editors' glossary: terms never to translate, and forced translations.

``glossary.yml`` in the project::

    keep:                      # kept as written, whatever the engine
      - Kim Il Sung
    translate:                 # Spanish term: the English to use
      Corte Penal Internacional: International Criminal Court

Terms match whole words, case-sensitively; the longest term wins where two overlap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from builder.errors import Problem

GLOSSARY_KEYS = ("keep", "translate")


@dataclass(frozen=True)
class Glossary:
    """Spanish term -> the English that replaces it (the term itself for 'keep')."""

    terms: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.terms)


def _warning(path: Path, message: str, line: int | None = None) -> Problem:
    """A glossary problem never stops the build: the entry is left out."""
    return Problem(path, message, line, severity="warning")


def load_glossary(path: Path | None) -> tuple[Glossary, list[Problem]]:
    """Read and validate the glossary; a missing file is an empty glossary."""
    if path is None or not path.exists():
        return Glossary(), []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        return Glossary(), [_warning(path, f"cannot be read: {error}")]
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        return Glossary(), [_warning(path, f"is not valid YAML: {error.problem}", line)]
    except yaml.YAMLError as error:
        return Glossary(), [_warning(path, f"is not valid YAML: {error}")]
    if data is None:
        return Glossary(), []
    lines = _line_numbers(text)
    problems: list[Problem] = []
    if not isinstance(data, dict):
        return Glossary(), [_warning(path, "must have 'keep:' and/or 'translate:' sections", 1)]
    for key in data:
        if key not in GLOSSARY_KEYS:
            problems.append(
                _warning(
                    path, f"unknown section {key!r} (known: keep, translate)", lines.get(str(key))
                )
            )
    terms: dict[str, str] = {}
    keep = data.get("keep") or []
    if not isinstance(keep, list):
        problems.append(_warning(path, "'keep' must be a list of terms", lines.get("keep")))
        keep = []
    for term in keep:
        if not isinstance(term, str | int) or not str(term).strip():
            problems.append(
                _warning(path, f"'keep' entry {term!r} is not a term", lines.get("keep"))
            )
            continue
        terms[str(term).strip()] = str(term).strip()
    forced = data.get("translate") or {}
    if not isinstance(forced, dict):
        problems.append(
            _warning(path, "'translate' must be 'Spanish: English' lines", lines.get("translate"))
        )
        forced = {}
    for source, target in forced.items():
        where = lines.get(str(source))
        if not isinstance(target, str | int) or not str(target).strip():
            problems.append(_warning(path, f"term {source!r} has no English translation", where))
            continue
        term = str(source).strip()
        if term in terms and terms[term] != str(target).strip():
            problems.append(_warning(path, f"term {term!r} is both kept and translated", where))
        terms[term] = str(target).strip()
    for term in terms:
        if not re.search(r"\w", term):
            problems.append(
                _warning(path, f"term {term!r} has no letters or digits", lines.get(term))
            )
    valid = {k: v for k, v in terms.items() if re.search(r"\w", k)}
    return Glossary(valid), problems


def _line_numbers(text: str) -> dict[str, int]:
    """Line of each key or list item, for messages (first occurrence wins)."""
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(r"\s*(?:-\s*)?[\"']?([^:\"'#]+?)[\"']?\s*(?::|$)", line)
        if match:
            found.setdefault(match.group(1).strip(), number)
    return found
