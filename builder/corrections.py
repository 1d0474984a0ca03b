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
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from builder.errors import Problem
from builder.seeds import clean_line

SUFFIX = ".corrections.yml"


@dataclass(frozen=True)
class Correction:
    es: str
    en: str
    line: int


def _warning(path: Path, message: str, line: int | None = None) -> Problem:
    """A problem with a sidecar never stops its seed: it is built without the corrections."""
    return Problem(path, message, line, severity="warning")


def sidecar_for(seed_path: Path) -> Path:
    return seed_path.with_name(seed_path.stem + SUFFIX)


def load_corrections(path: Path) -> tuple[dict[str, Correction], list[Problem]]:
    """The corrections in a sidecar file (none if it does not exist), and its problems."""
    if not path.is_file():
        return {}, []
    try:
        text = path.read_text(encoding="utf-8-sig")
        nodes = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError) as error:
        return {}, [_warning(path, f"cannot be read: {error}")]
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        return {}, [_warning(path, f"is not valid YAML: {error.problem}", line)]
    if data is None:
        return {}, []
    if not isinstance(data, list) or not isinstance(nodes, yaml.SequenceNode):
        return {}, [_warning(path, "must be a list of '- es: ...' / '  en: ...' entries", 1)]
    corrections: dict[str, Correction] = {}
    problems = []
    for item, node in zip(data, nodes.value, strict=True):
        line = node.start_mark.line + 1
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("es"), str)
            or not isinstance(item.get("en"), str)
        ):
            problems.append(_warning(path, "each entry needs an 'es' and an 'en' sentence", line))
            continue
        es, en = clean_line(item["es"]), clean_line(item["en"])
        if not es or not en:
            problems.append(_warning(path, "each entry needs an 'es' and an 'en' sentence", line))
            continue
        if es in corrections:
            first = corrections[es].line
            message = f"a second correction for the same sentence (first on line {first})"
            problems.append(_warning(path, message, line))
            continue
        corrections[es] = Correction(es, en, line)
    return corrections, problems


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
        hint = f"; the closest sentence now is {closest[0]!r}" if closest else ""
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
