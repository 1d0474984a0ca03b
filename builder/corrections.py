"""Editors' reviewed English, kept in YAML files: a sidecar beside each seed, and the
project memory.

``seeds/<seed name>.corrections.yml`` (a *sidecar*; ``briefings review`` writes one to
fill in) holds one entry per sentence::

    - es: Sin embargo, recibió una recepción entusiasta en Pionyang esta semana.
      en: Yet this week he was given an enthusiastic welcome in Pyongyang.
      state: reviewed

``state`` is ``machine`` (not reviewed yet: the engine's English, with ``machine:``, a
digest of it, so that an edit can be told from an engine update), ``reviewed`` (an
editor's English), ``approved`` (the machine English accepted as it stands) or ``shared``
(English reviewed in another file, shown for the editor and followed, with ``machine:`` its
digest, until it is edited: only then does this file's entry apply). An entry written by
hand with no state is reviewed. ``scope: seed`` keeps an entry to its own
briefing; by default a reviewed sentence applies wherever the same Spanish appears.
``gone: true`` marks an entry whose sentence has left its seed (it still serves others).

``memory.yml`` in the project holds reviewed pairs from elsewhere (``briefings import``
puts a CAT tool's translations there), in the same shape.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from builder.errors import InputError, LocatedInputError, Problem
from builder.files import read_text
from builder.text import clean_line, shorten
from builder.yamlfile import Comment, Document, cut_short_message, flag, parse

SUFFIX = ".corrections.yml"
MAX_BYTES = {"sidecar": 8 << 20, "memory": 64 << 20}  # about 25,000 and 200,000 pairs
# The comments the tools write, recognised as whole lines: the head of a review file and of
# memory.yml, the note before the entries gone from the seed, and the comments 'briefings
# review' puts above an entry. Any other comment, wherever it is, is an editor's note, kept
# when the file is written again.
REVIEW_HEADER = """\
# Review of {seed}: one entry per sentence, in reading order.
# - Edit 'en' to correct the English: the entry becomes reviewed.
# - Set 'state: approved' to accept the machine English as it stands.
# - Entries in state 'machine' change nothing until you edit them.
# - Entries in state 'shared' show English reviewed elsewhere (the comment above says
#   where) and follow it; edit one to give this sentence other English.
# - A reviewed sentence applies wherever the same Spanish appears; add 'scope: seed'
#   to keep it to this briefing.
# Run 'briefings review {name}' again after the seed changes: your work is kept.
"""
MEMORY_HEADER = """\
# The project's translation memory: reviewed English for Spanish sentences, applied
# wherever the same sentence appears. 'briefings import FILE.tmx' adds to it; your
# comments above an entry are kept.
"""
GONE_NOTE = """
# No longer in the seed: kept so that nothing you wrote is lost (they still
# apply where the same sentence appears). Delete them when you are done.
"""
# What 'briefings review' writes above an entry (builder/review.py), as whole lines.
_NEAR_MATCH = re.compile(r"near match \(\d+%\) in .+\.ya?ml:\d+, differs by .*:")
_NEAR_ENGLISH = re.compile(r'  en: ".*"')  # the tool's only on the line under a near match
ENTRY_COMMENTS = (
    re.compile(r"new since the last review"),
    re.compile(r"reviewed in .+\.ya?ml:\d+"),  # a file name may hold spaces
    _NEAR_MATCH,
)
_WRITTEN_LINES = (
    *ENTRY_COMMENTS,
    *(
        re.compile(re.escape(line[2:]).replace(r"\{seed\}", ".+").replace(r"\{name\}", ".+"))
        for line in (REVIEW_HEADER + MEMORY_HEADER + GONE_NOTE).splitlines()
        if line.startswith("# ")
    ),
)
STATES = ("machine", "shared", "reviewed", "approved")
# States of an entry 'briefings review' wrote that an editor has not touched yet: it follows
# the engine ("machine") or English reviewed elsewhere ("shared") until its English is edited.
FOLLOWING = ("machine", "shared")
SCOPES = ("project", "seed")
ENTRY_KEYS = ("es", "en", "state", "machine", "scope", "gone", "origin")
# Differences in writing that do not change the meaning of a sentence.
_QUOTES = str.maketrans(
    {
        **dict.fromkeys("\u00ab\u00bb\u201c\u201d\u201e\u201f", '"'),  # «» “” „‟
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u00b4", "'"),  # single quotes, acute
        **dict.fromkeys("\u2012\u2013\u2014\u2015\u2212", "-"),  # figure, en, em dash, minus
        "\u00a0": " ",  # no-break space
    }
)
_SPACES = re.compile(r"\s+")


def sidecar_for(seed_path: Path) -> Path:
    return seed_path.with_name(seed_path.stem + SUFFIX)


def sentence_key(es: str) -> str:
    """The Spanish sentence as the memory matches it: Unicode composed, quotes, dashes and
    white space written one way. Accents, case and words still count."""
    text = unicodedata.normalize("NFC", es).translate(_QUOTES)
    return _SPACES.sub(" ", text).strip()


def machine_digest(en: str) -> str:
    """A short digest of machine English, to tell an editor's edit from an engine update."""
    return hashlib.sha256(clean_line(en).encode("utf-8", "surrogatepass")).hexdigest()[:10]


@dataclass(frozen=True)
class Entry:
    """One Spanish sentence and its English, as an editor's file holds it."""

    es: str
    en: str
    path: Path
    line: int
    state: str = ""  # "" when written by hand: reviewed
    machine: str = ""  # digest of the machine English the entry was written with
    scope: str = "project"
    gone: bool = False
    origin: str = ""  # where an imported pair came from
    notes: tuple[str, ...] = ()  # an editor's comments above the entry, kept on rewrites

    @property
    def key(self) -> str:
        return sentence_key(self.es)

    @property
    def reviewed(self) -> bool:
        """Whether the English is an editor's: reviewed, approved, or a machine entry whose
        English was edited (its digest no longer matches)."""
        if self.state in FOLLOWING:
            return bool(self.machine) and machine_digest(self.en) != self.machine
        return True

    @property
    def where(self) -> str:
        return f"{self.path.name}:{self.line}"

    def to_json(self) -> dict[str, object]:
        return {
            "es": self.es,
            "en": self.en,
            "line": self.line,
            "state": self.state,
            "machine": self.machine,
            "scope": self.scope,
            "gone": self.gone,
            "origin": self.origin,
        }

    @classmethod
    def from_json(cls, path: Path, data: object) -> Entry:
        """An entry the builder remembered, checked: ``ValueError`` if it is not one."""
        if not isinstance(data, dict):
            raise ValueError("not a map")
        es, en = data.get("es"), data.get("en")
        state, scope = data.get("state", ""), data.get("scope", "project")
        if not (isinstance(es, str) and isinstance(en, str) and es and en):
            raise ValueError("no es/en")
        if state not in ("", *STATES) or scope not in SCOPES:
            raise ValueError("bad state or scope")
        line = data.get("line")
        return cls(
            clean_line(es),
            clean_line(en),
            path,
            line if isinstance(line, int) else 0,
            str(state),
            str(data.get("machine") or "")[:20],
            str(scope),
            data.get("gone") is True,
            clean_line(str(data.get("origin") or ""))[:200],
        )


def load_entries(path: Path, kind: str = "sidecar") -> tuple[list[Entry], list[Problem]]:
    """The entries of a seed's sidecar or of the memory file (``kind``: "sidecar" or
    "memory"; none if there is no file), and its problems.

    A problem here is an error: what the file says cannot be trusted until it is fixed.
    """
    if not os.path.lexists(path):
        return [], []
    outside = path.is_symlink() and not path.resolve().is_relative_to(path.parent.resolve())
    if kind == "sidecar" and outside:  # refused, as a seed linking out of the folder is
        return [], [_error(path, "is a link to a file outside the seeds folder; refused")]
    try:
        text, replaced = read_text(path, MAX_BYTES[kind])
        document = parse(text)
    except LocatedInputError as error:
        return [], [_error(path, error.message, error.line)]
    except InputError as error:
        return [], [_error(path, str(error))]
    problems = [replaced] if replaced else []
    data = document.value
    if data is None:
        return [], problems
    problems.extend(
        Problem(path, f"{cut_short_message(where)} (the rest is kept as a note)", line, "warning")
        for where, line in document.cut_short
        if len(where) == 2 and where[1] in ("es", "en", "origin")
    )
    if not isinstance(data, list):
        problems.append(_error(path, "must be a list of '- es: ...' / '  en: ...' entries", 1))
        return [], problems
    notes = _notes(document)
    entries: list[Entry] = []
    first_line: dict[str, int] = {}
    for index, item in enumerate(data):
        line = document.line(index) or 0
        entry, problem = _entry(path, item, line, kind)
        if entry is None:
            problems.append(_error(path, problem or "not an entry", line))
            continue
        if entry.key in first_line:
            message = (
                f"a second entry for the same sentence (first on line {first_line[entry.key]})"
            )
            problems.append(_error(path, message, line))
            continue
        first_line[entry.key] = line
        entries.append(replace(entry, notes=tuple(notes.get(index, ()))))
    return entries, problems


def is_written_by_the_tools(comment: str, above: str | None = None) -> bool:
    """Whether a comment is one the tools write (and write again), not an editor's;
    ``above`` is the comment on the line right above it, if any. A near match's English
    looks like a commented-out entry line, which is an editor's unless it follows one."""
    if _NEAR_ENGLISH.fullmatch(comment):
        return above is not None and _NEAR_MATCH.fullmatch(above) is not None
    return any(line.fullmatch(comment) for line in _WRITTEN_LINES)


def _editors_comments(comments: Sequence[Comment]) -> list[Comment]:
    """The comments of a file that are an editor's, not the tools'."""
    kept = []
    for n, comment in enumerate(comments):
        before = comments[n - 1] if n else None
        above = before.text if before is not None and before.line == comment.line - 1 else None
        if not is_written_by_the_tools(comment.text, above):
            kept.append(comment)
    return kept


def loose_notes(path: Path) -> tuple[str, ...]:
    """The editor's comments of a file that has no entry to keep them with (only comments,
    or an empty list), to be written above its first entry; () if it has entries."""
    try:
        text, _ = read_text(path, MAX_BYTES["memory"])
        document = parse(text)
    except InputError:
        return ()
    if document.value:
        return ()
    return tuple(c.text for c in _editors_comments(document.comments))


def _notes(document: Document) -> dict[int, list[str]]:
    """The editor's comments of each entry (by its index): those on its lines and those
    above it, down from the end of the entry before; comments after the last entry are its.
    Nothing an editor wrote in a comment is lost when the file is written again."""
    items = document.value if isinstance(document.value, list) else []
    ends = []
    for index, item in enumerate(items):
        end = document.line(index) or 0
        for key in item if isinstance(item, dict) else ():
            end = max(end, document.end_line(index, key) or document.line(index, key) or 0)
        ends.append(end)
    notes: dict[int, list[str]] = {}
    for comment in _editors_comments(document.comments) if ends else ():
        owner = bisect.bisect_left(ends, comment.line)
        notes.setdefault(min(owner, len(ends) - 1), []).append(comment.text)
    return notes


def _entry(path: Path, item: object, line: int, kind: str) -> tuple[Entry | None, str | None]:
    if not isinstance(item, dict):
        return None, "each entry needs an 'es' and an 'en' sentence"
    es, en = item.get("es"), item.get("en")
    if not isinstance(es, str) or not isinstance(en, str):
        return None, "each entry needs an 'es' and an 'en' sentence"
    es, en = clean_line(es), clean_line(en)
    if not es or not en:
        return None, "each entry needs an 'es' and an 'en' sentence"
    unknown = [key for key in item if key not in ENTRY_KEYS]
    if unknown:
        return None, f"unknown key {shorten(unknown[0], 30)} (known: {', '.join(ENTRY_KEYS)})"
    state = item.get("state", "")
    if state not in ("", *STATES):
        return None, f"'state' must be one of {', '.join(STATES)} (got {shorten(state, 30)})"
    scope = item.get("scope", "project")
    if scope not in SCOPES:
        return None, f"'scope' must be 'seed' or 'project' (got {shorten(scope, 30)})"
    gone = flag(item["gone"]) if item.get("gone") is not None else False
    if gone is None:
        return None, "'gone' must be true or false"
    machine = item.get("machine", "")
    if not isinstance(machine, str) or len(machine) > 20:
        return None, "'machine' is the digest 'briefings review' wrote: leave it as it is"
    if state in FOLLOWING and not machine:
        return None, (
            f"'state: {state}' needs the 'machine:' line 'briefings review' wrote; if you "
            "reviewed this English, write 'state: reviewed'"
        )
    if machine and not state:
        return None, (
            "has a 'machine:' line but no 'state:': put back 'state: machine', or write "
            "'state: reviewed' if you reviewed this English"
        )
    if kind == "memory" and scope == "seed":
        return None, "'scope: seed' is for a seed's corrections file; memory.yml applies everywhere"
    origin = item.get("origin", "")
    return (
        Entry(
            es,
            en,
            path,
            line,
            state,
            machine,
            scope,
            gone,
            clean_line(origin)[:200] if isinstance(origin, str) else "",
        ),
        None,
    )


def _error(path: Path, message: str, line: int | None = None) -> Problem:
    return Problem(path, message, line, severity="error")


def dump_entries(entries: Iterable[tuple[Entry, Sequence[str]]], header: str) -> str:
    """An editors' file: ``header``, then each entry with its comments (an editor's notes
    first, then ``comments``), as YAML that :func:`load_entries` reads back."""
    out = [header]
    gone_started = False
    for entry, comments in entries:
        if entry.gone and not gone_started:
            out.append(GONE_NOTE)
            gone_started = True
        out.append("\n")
        out += [f"# {_one_line(comment)}\n" for comment in (*entry.notes, *comments)]
        out.append(f"- es: {yaml_quoted(entry.es)}\n  en: {yaml_quoted(entry.en)}\n")
        out.append(f"  state: {entry.state or 'reviewed'}\n")
        if entry.state in FOLLOWING:
            out.append(f"  machine: {yaml_quoted(entry.machine)}\n")
        if entry.scope != "project":
            out.append(f"  scope: {entry.scope}\n")
        if entry.gone:
            out.append("  gone: true\n")
        if entry.origin:
            out.append(f"  origin: {yaml_quoted(entry.origin)}\n")
    return "".join(out)


def yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset of it)."""
    return json.dumps(text, ensure_ascii=False)


def _one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ", text)
