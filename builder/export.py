"""Export the aligned segments of every briefing for other tools (JSON Lines, TMX 1.4)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from typing import TextIO

from builder import __version__
from builder.clock import build_time
from builder.model import Briefing
from builder.text import make_safe

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


def write_tmx(briefings: Iterable[Briefing], out: TextIO) -> int:
    """Write a TMX 1.4 translation memory of every aligned pair; return the number of units.

    Each unit carries its seed and position as properties; corrected sentences are marked
    ``x-origin=reviewed`` and machine ones ``x-origin=machine`` with the engine's name.
    """
    tmx = ET.Element("tmx", version="1.4")
    ET.SubElement(
        tmx,
        "header",
        {
            "creationtool": "briefings-builder",
            "creationtoolversion": __version__,
            "datatype": "plaintext",
            "segtype": "sentence",
            "adminlang": "en",
            "srclang": "es",
            "o-tmf": "briefings-jsonl",
            "creationdate": build_time().strftime(TMX_DATE_FORMAT),
        },
    )
    body = ET.SubElement(tmx, "body")
    count = 0
    for record in segment_records(briefings):
        unit = ET.SubElement(body, "tu")
        for name in ("seed", "part", "paragraph", "sentence"):
            ET.SubElement(unit, "prop", type=f"x-{name}").text = make_safe(str(record[name]))
        origin = "reviewed" if record["reviewed"] else "machine"
        ET.SubElement(unit, "prop", type="x-origin").text = origin
        if origin == "machine":
            ET.SubElement(unit, "prop", type="x-engine").text = str(record["engine"])
        for lang in ("es", "en"):
            variant = ET.SubElement(unit, "tuv", {"xml:lang": lang})
            ET.SubElement(variant, "seg").text = make_safe(str(record[lang]))
        count += 1
    ET.indent(tmx)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(tmx, encoding="unicode"))
    out.write("\n")
    return count
