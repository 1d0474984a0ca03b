"""Export the aligned segments of every briefing for other tools: JSON Lines here, TMX in
:mod:`builder.tmx`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TextIO

from builder.model import Briefing

FORMATS = ("jsonl", "tmx")
TMX_DATE_FORMAT = "%Y%m%dT%H%M%SZ"


def segment_records(briefings: Iterable[Briefing]) -> Iterator[dict[str, object]]:
    """One record per segment: the title first, then the body in reading order."""
    for briefing in sorted(briefings, key=lambda b: b.seed.name):
        for pair in briefing.segments():
            segment = pair.segment
            yield {
                "seed": briefing.seed.name,
                "slug": briefing.seed.slug,
                "part": segment.part,
                "paragraph": segment.paragraph,
                "sentence": segment.sentence,
                "line": segment.line,
                "es": pair.es,
                "en": pair.en,
                "unknown": list(pair.uncertain),
                "reviewed": pair.reviewed,
                "engine": briefing.engine_info.name,
                "engine_version": briefing.engine_info.version,
            }


def write_jsonl(briefings: Iterable[Briefing], out: TextIO) -> int:
    """Write JSON Lines to ``out``; return the number of records."""
    count = 0
    for record in segment_records(briefings):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count
