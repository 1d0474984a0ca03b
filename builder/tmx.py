"""Exchange with CAT tools (OmegaT, Trados, ...) through TMX 1.4 translation memories.

Export writes every aligned pair, or only the reviewed ones (a CAT tool that loads machine
output offers it as matches); import takes a translator's reviewed pairs into the project
memory (``memory.yml``), exactly matched against the archive's sentences (or paragraphs),
and reports what it took and what it skipped, and why. A TMX file is untrusted XML:
defusedxml refuses entity expansion and external references.
"""

from __future__ import annotations

import codecs
import dataclasses
import os
import re
import stat
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TextIO

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from builder import __version__
from builder.clock import build_time
from builder.corrections import (
    MAX_BYTES,
    MEMORY_HEADER,
    Entry,
    dump_entries,
    load_entries,
    loose_notes,
    sentence_key,
)
from builder.errors import BriefingError
from builder.export import segment_records
from builder.files import describe_os_error, write_editors_file
from builder.memory import Memory
from builder.model import Briefing
from builder.text import clean_line, counted, make_safe, shorten

TMX_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MAX_UNIT_CHARS = 20_000  # a long paragraph; anything longer is not a translation unit
# Inline elements whose content is the original document's markup, not text.
_NATIVE_CODE = {"bpt", "ept", "ph", "it", "ut"}


# The XML declaration's encoding, if the file starts with one (after a UTF-8 BOM, if any).
_DECLARATION = re.compile(
    rb"(?:\xef\xbb\xbf)?<\?xml[^>]{0,200}?\sencoding\s*=\s*[\"']([A-Za-z0-9._-]{1,40})[\"']"
)


class TmxError(BriefingError):
    """A TMX file cannot be imported (not TMX, not readable, or memory.yml is broken)."""


@dataclass(frozen=True)
class SkippedUnit:
    """A unit of a TMX file that an import did not take, and why."""

    number: int  # its position among the file's units, from 1
    why: str
    es: str  # its Spanish, as read (may be empty)


@dataclass
class Skipped:
    """The units an import did not take, in the file's order, with their reasons."""

    units: list[SkippedUnit] = field(default_factory=list)

    def add(self, number: int, why: str, es: str = "") -> None:
        self.units.append(SkippedUnit(number, why, es))

    def in_file_order(self) -> list[SkippedUnit]:
        return sorted(self.units, key=lambda unit: unit.number)

    def by_reason(self) -> Counter[str]:
        return Counter(unit.why for unit in self.units)

    def __len__(self) -> int:
        return len(self.units)


def write_tmx(briefings: Iterable[Briefing], out: TextIO, *, reviewed_only: bool = False) -> int:
    """Write a TMX 1.4 memory of the aligned pairs (only reviewed ones with
    ``reviewed_only``); return the number of units.

    Each unit carries its seed and position as properties; reviewed sentences are marked
    ``x-origin=reviewed`` and machine ones ``x-origin=machine`` with the engine's name.
    """
    tmx = ET.Element("tmx", version="1.4")
    header = ET.SubElement(
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
    content = "reviewed only" if reviewed_only else "reviewed and machine"
    ET.SubElement(header, "prop", type="x-content").text = content
    body = ET.SubElement(tmx, "body")
    count = 0
    for record in segment_records(briefings):
        if reviewed_only and not record["reviewed"]:
            continue
        unit = ET.SubElement(body, "tu")
        for name in ("seed", "part", "paragraph", "sentence"):
            ET.SubElement(unit, "prop", type=f"x-{name}").text = make_safe(str(record[name]))
        origin = "reviewed" if record["reviewed"] else "machine"
        ET.SubElement(unit, "prop", type="x-origin").text = origin
        if origin == "machine":
            ET.SubElement(unit, "prop", type="x-engine").text = make_safe(str(record["engine"]))
        for lang in ("es", "en"):
            variant = ET.SubElement(unit, "tuv", {"xml:lang": lang})
            ET.SubElement(variant, "seg").text = make_safe(str(record[lang]))
        count += 1
    ET.indent(tmx)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(tmx, encoding="unicode"))
    out.write("\n")
    return count


@dataclass(frozen=True)
class Unit:
    """One translation unit of a TMX file: its Spanish and English, and where it is."""

    es: str
    en: str
    number: int  # its position among the file's units, from 1
    machine: bool = False  # marked as machine output (x-origin=machine)


def read_tmx(path: Path) -> tuple[list[Unit], Skipped]:
    """The Spanish/English units of a TMX file, and the units skipped while reading, with
    why. The file is read as a stream, a unit at a time, so its size costs no memory."""
    units: list[Unit] = []
    skipped = Skipped()
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # a pipe never blocks
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise TmxError(f"{str(path)!r} is not a regular file")
        with os.fdopen(fd, "rb") as handle:
            _check_declared_encoding(handle, path)
            events = SafeET.iterparse(handle, events=("start", "end"))
            _, root = next(events)
            if root.tag != "tmx":
                raise TmxError(f"{str(path)!r} is not a TMX file (no <tmx>)")
            number = 0
            for event, element in events:
                if event != "end" or element.tag != "tu":
                    continue
                number += 1
                unit, why, es = _unit(element, number)
                if unit is not None:
                    units.append(unit)
                else:
                    skipped.add(number, why, es)
                root.clear()  # what was read is not kept
    except OSError as error:
        raise TmxError(f"{str(path)!r} {describe_os_error(error, path)}") from None
    except (ET.ParseError, DefusedXmlException, ValueError, LookupError, StopIteration) as error:
        raise TmxError(
            f"{str(path)!r} is not a TMX file this can read ({shorten(error, 100)[1:-1]})"
        ) from None
    return units, skipped


def _check_declared_encoding(handle: BinaryIO, path: Path) -> None:
    """Refuse a file whose first line declares a one-byte encoding (ISO-8859-1, cp1252)
    while its bytes are UTF-8, as CAT tools and hand edits leave them: read as declared,
    every accented letter would become two ('é' as 'Ã©') and be taken as reviewed English.
    The file is read once more here, a chunk at a time; the handle is left at its start."""
    declared = _DECLARATION.match(handle.read(512))
    handle.seek(0)
    if declared is None:
        return
    try:
        name = codecs.lookup(declared.group(1).decode("ascii")).name
    except LookupError:
        return  # the parser says what is wrong with it
    if name.startswith(("utf-", "utf_")):
        return
    decoder = codecs.getincrementaldecoder("utf-8")()
    wide = False
    try:
        while chunk := handle.read(1 << 20):
            wide = wide or max(chunk) >= 0x80
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return  # not UTF-8: the declared encoding may well be right
    finally:
        handle.seek(0)
    if wide:
        raise TmxError(
            f"{str(path)!r} says its text is {declared.group(1).decode('ascii')}, but its "
            "bytes are UTF-8: read as declared, every accented letter would be garbled "
            "('é' as 'Ã©'). Change encoding=\"...\" in its first line to encoding=\"UTF-8\" "
            "and import it again"
        )


def _unit(tu: ET.Element, number: int) -> tuple[Unit | None, str, str]:
    """One <tu> as a unit, or why it is skipped (and its Spanish, if any)."""
    texts: dict[str, str] = {}
    for tuv in tu.findall("tuv"):
        lang = (tuv.get(XML_LANG) or tuv.get("lang") or "").lower()
        seg = tuv.find("seg")
        if seg is None:
            continue
        for code in ("es", "en"):
            if lang == code or lang.startswith((f"{code}-", f"{code}_")):
                texts.setdefault(code, clean_line(seg_text(seg)))
    es, en = texts.get("es", ""), texts.get("en", "")
    if not es or not en:
        return None, "without both a Spanish and an English text", es
    if max(len(es), len(en)) > MAX_UNIT_CHARS:
        why = f"longer than {MAX_UNIT_CHARS:,} characters (not a sentence or paragraph)"
        return None, why, es
    origin = next((p.text for p in tu.findall("prop") if p.get("type") == "x-origin"), None)
    return Unit(es, en, number, machine=origin == "machine"), "", es


def seg_text(seg: ET.Element) -> str:
    """The text of a <seg>: its words, without the inline codes of the original format.
    (Walked with a stack: a translator's file may nest inline elements deeply.)"""
    parts: list[str] = []
    stack: list[tuple[ET.Element, bool]] = [(seg, False)]
    while stack:
        element, done = stack.pop()
        if done:  # after its children: the text that follows it
            parts.append(element.tail or "")
            continue
        if element is not seg:
            stack.append((element, True))
            if element.tag in _NATIVE_CODE:
                continue
        parts.append(element.text or "")
        stack.extend((child, False) for child in reversed(element))
    return "".join(parts)


@dataclass(frozen=True)
class ImportResult:
    memory_file: Path
    taken: int
    skipped: Skipped
    written: bool

    def summary(self) -> str:
        reasons = ", ".join(f"{n} {why}" for why, n in sorted(self.skipped.by_reason().items()))
        tail = f"; skipped {len(self.skipped)}: {reasons}" if self.skipped else ""
        taken = counted(self.taken, "reviewed translation")
        return f"took {taken} into {self.memory_file.name}{tail}"


def import_units(
    units: Iterable[Unit],
    skipped: Skipped,
    *,
    archive_keys: set[str],
    memory: Memory,
    memory_file: Path,
    origin: str,
    replace: bool = False,
) -> ImportResult:
    """Add the units whose Spanish is in the archive to ``memory_file``."""
    origin = clean_line(origin)[:200]  # it names the file given: any characters at all
    existing, problems = load_entries(memory_file, "memory")
    errors = [p for p in problems if p.is_error]
    if errors:
        raise TmxError(f"{errors[0]}: fix it first, then import again")
    kept: dict[str, Entry] = {entry.key: entry for entry in existing}
    taken_now: set[str] = set()
    for unit in units:
        key = sentence_key(unit.es)
        why = _why_not_taken(unit, key, archive_keys, memory, memory_file, replace)
        if why is None and key in taken_now:
            same = kept[key].en == unit.en
            why = "twice in the file" if same else "twice in the file, with other English"
        if why is not None:
            skipped.add(unit.number, why, unit.es)
            continue
        notes = kept[key].notes if key in kept else ()  # the editor's, on the entry replaced
        kept[key] = Entry(unit.es, unit.en, memory_file, 0, "reviewed", origin=origin, notes=notes)
        taken_now.add(key)
    taken = len(taken_now)
    loose = loose_notes(memory_file) if not existing and kept else ()
    if loose:  # a file of comments only: they go above its first entry
        first = min(kept.values(), key=lambda e: (e.key, e.en))
        kept[first.key] = dataclasses.replace(first, notes=(*loose, *first.notes))
    text = dump_memory(kept.values())
    if len(text.encode("utf-8")) > MAX_BYTES["memory"]:
        raise TmxError(
            f"{memory_file.name} would be {len(text.encode()) >> 20} MB, over its limit of "
            f"{MAX_BYTES['memory'] >> 20} MB: import fewer units (nothing was written)"
        )
    written = write_editors_file(memory_file, text) if taken else False
    return ImportResult(memory_file, taken, skipped, written)


def _why_not_taken(
    unit: Unit,
    key: str,
    archive_keys: set[str],
    memory: Memory,
    memory_file: Path,
    replace: bool,
) -> str | None:
    """Why an import does not take ``unit`` into ``memory_file``, or None if it does."""
    if unit.machine:
        return "marked as machine translation"
    if key not in archive_keys:
        return "not in any briefing"
    current = memory.shared.get(key)
    if current is None:
        return None
    if current.en == unit.en:
        return "already reviewed the same way"
    if current.path != memory_file:
        return "reviewed otherwise in a seed's corrections (edit it there)"
    if not replace:
        return "reviewed otherwise in the memory (--replace takes the file's)"
    return None


def dump_memory(entries: Iterable[Entry]) -> str:
    """``memory.yml``: its entries, every field and note kept, sorted by Spanish."""
    ordered = sorted(entries, key=lambda e: (e.key, e.en))
    return dump_entries(((entry, ()) for entry in ordered), MEMORY_HEADER)
