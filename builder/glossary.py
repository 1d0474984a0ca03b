"""The editors' glossary: terms never to translate, and forced translations.

``glossary.yml`` in the project::

    keep:                      # kept as written, whatever the engine
      - Kim Il Sung
    translate:                 # Spanish term: the English to use
      Corte Penal Internacional: International Criminal Court

Terms match whole words, case-sensitively; the longest term wins where two overlap.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from builder.errors import InputError, LocatedInputError, Problem
from builder.files import read_text
from builder.text import clean_line, shorten
from builder.yamlfile import cut_short_message, parse

GLOSSARY_KEYS = ("keep", "translate")


@dataclass(frozen=True)
class Glossary:
    """Spanish term -> the English that replaces it (the term itself for 'keep')."""

    terms: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.terms)

    def to_json(self) -> dict[str, str]:
        return dict(sorted(self.terms.items()))

    @classmethod
    def from_json(cls, data: object) -> Glossary | None:
        """A glossary the builder stored itself, checked like any input; None if unusable."""
        if not isinstance(data, dict):
            return None
        terms = {}
        for source, target in data.items():
            term, english = _term(source), _term(target)
            if term is None or english is None:
                return None
            terms[term] = english
        return cls(terms)


MAX_BYTES = 8 << 20
MAX_TERM = 200


def _error(path: Path, message: str, line: int | None = None) -> Problem:
    return Problem(path, message, line, severity="error")


def load_glossary(path: Path | None) -> tuple[Glossary, list[Problem]]:
    """Read and validate the glossary; a missing file is an empty glossary.

    Any problem is an error, and the glossary returned then holds only the valid terms: the
    caller decides whether the last good glossary is used instead.
    """
    if path is None or not os.path.lexists(path):
        return Glossary(), []
    try:
        text, replaced = read_text(path, MAX_BYTES)
        document = parse(text)
    except LocatedInputError as error:
        return Glossary(), [_error(path, error.message, error.line)]
    except InputError as error:
        return Glossary(), [_error(path, str(error))]
    problems: list[Problem] = [replaced] if replaced else []
    problems.extend(
        Problem(path, cut_short_message(where), line, severity="warning")
        for where, line in document.cut_short
    )
    data = document.value
    if data is None:
        return Glossary(), problems
    if not isinstance(data, dict):
        problems.append(_error(path, "must have 'keep:' and/or 'translate:' sections", 1))
        return Glossary(), problems
    for key in data:
        if key not in GLOSSARY_KEYS:
            problems.append(
                _error(
                    path,
                    f"unknown section {shorten(key, 40)} (known: keep, translate); "
                    "is its indentation right?",
                    document.line(key),
                )
            )
    terms: dict[str, str] = {}
    keep = data.get("keep") or []
    if not isinstance(keep, list):
        problems.append(_error(path, "'keep' must be a list of terms", document.line("keep")))
        keep = []
    for index, term in enumerate(keep):
        where = document.line("keep", index)
        text_term = _term(term)
        if text_term is None:
            problems.append(_error(path, f"'keep' entry {shorten(term, 40)} is not a term", where))
            continue
        terms[text_term] = text_term
    forced = data.get("translate") or {}
    if not isinstance(forced, dict):
        problems.append(
            _error(path, "'translate' must be 'Spanish: English' lines", document.line("translate"))
        )
        forced = {}
    for source, target in forced.items():
        where = document.line("translate", source)
        english = _term(target)
        if english is None:
            problems.append(
                _error(path, f"term {shorten(source, 40)} has no English translation", where)
            )
            continue
        term = _term(source)
        if term is None:
            problems.append(_error(path, f"term {shorten(source, 40)} is not a term", where))
            continue
        if term in terms and terms[term] != english:
            problems.append(
                _error(path, f"term {shorten(term, 40)} is both kept and translated", where)
            )
        terms[term] = english
    return Glossary(terms), problems


def _term(value: object) -> str | None:
    """A glossary term as written, or None if it is not one (empty, no letters, too long)."""
    if not isinstance(value, str):
        return None
    term = clean_line(value)
    if not term or len(term) > MAX_TERM or not re.search(r"\w", term):
        return None
    return term
