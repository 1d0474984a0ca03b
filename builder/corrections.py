"""Editor corrections: the English an editor wrote for a sentence, kept beside its seed.

``seeds/<seed name>.corrections.yml`` holds a list of pairs::

    - es: Sin embargo, recibió una recepción entusiasta en Pionyang esta semana.
      en: Yet this week he was given an enthusiastic welcome in Pyongyang.

A correction is keyed by its Spanish sentence, so it survives rebuilds and the reordering
of paragraphs. When that sentence changes, the correction no longer applies: it is reported
as stale, with the sentence that now looks most like it.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from builder.errors import InputError, LocatedInputError, Problem
from builder.files import read_text
from builder.text import clean_line, shorten
from builder.yamlfile import parse

SUFFIX = ".corrections.yml"
MAX_BYTES = 8 << 20


@dataclass(frozen=True)
class Correction:
    es: str
    en: str
    line: int


def sidecar_for(seed_path: Path) -> Path:
    return seed_path.with_name(seed_path.stem + SUFFIX)


def load_corrections(path: Path) -> tuple[dict[str, Correction], list[Problem]]:
    """The corrections in a sidecar file (none if there is none), and its problems.

    A problem here is an error: the seed's page is not made again without the corrections
    (its last good page stays) until the file is fixed.
    """
    if not os.path.lexists(path):
        return {}, []
    try:
        text, replaced = read_text(path, MAX_BYTES)
        document = parse(text)
    except LocatedInputError as error:
        return {}, [_error(path, error.message, error.line)]
    except InputError as error:
        return {}, [_error(path, str(error))]
    problems = [replaced] if replaced else []
    data = document.value
    if data is None:
        return {}, problems
    if not isinstance(data, list):
        return {}, [_error(path, "must be a list of '- es: ...' / '  en: ...' entries", 1)]
    corrections: dict[str, Correction] = {}
    for index, item in enumerate(data):
        line = document.line(index)
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("es"), str)
            or not isinstance(item.get("en"), str)
        ):
            problems.append(_error(path, "each entry needs an 'es' and an 'en' sentence", line))
            continue
        es, en = clean_line(item["es"]), clean_line(item["en"])
        if not es or not en:
            problems.append(_error(path, "each entry needs an 'es' and an 'en' sentence", line))
            continue
        if es in corrections:
            first = corrections[es].line
            message = f"a second correction for the same sentence (first on line {first})"
            problems.append(_error(path, message, line))
            continue
        corrections[es] = Correction(es, en, line or 0)
    return corrections, problems


def _error(path: Path, message: str, line: int | None = None) -> Problem:
    return Problem(path, message, line, severity="error")


def stale(
    path: Path, corrections: dict[str, Correction], sentences: Iterable[str]
) -> list[Problem]:
    """Corrections whose Spanish sentence is no longer in the seed, as warnings."""
    present = set(sentences)
    problems = []
    for correction in corrections.values():
        if correction.es in present:
            continue
        closest = difflib.get_close_matches(correction.es, list(present), n=1, cutoff=0.6)
        hint = f"; the closest sentence now is {shorten(closest[0], 120)}" if closest else ""
        problems.append(
            Problem(
                path,
                "stale correction: its Spanish sentence is no longer in the seed, so the machine "
                f"translation is shown{hint}",
                correction.line,
                severity="warning",
            )
        )
    return problems
