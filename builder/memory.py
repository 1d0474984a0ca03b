"""The project's translation memory: every reviewed sentence, applied wherever it appears.

A reviewed English comes from a seed's sidecar or from the project memory file
(``memory.yml``). In its own seed a sidecar entry always applies; elsewhere, unless it is
scoped to its seed, it applies to the same Spanish sentence in every briefing. Sentences
match when they are equal after :func:`~builder.corrections.sentence_key` (Unicode form,
quotes, dashes, white space); a near match (an accent, a word) is only ever *offered*
(:meth:`Memory.near`), never applied.

Parsing every sidecar on every build would cost seconds on a large archive, so each
file's entries are remembered in the cache with the file's size and time, and a file is
read again only when it changed. While a file is broken, its last good entries are used
and its seed keeps its last good page.
"""

from __future__ import annotations

import bisect
import difflib
import hashlib
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from builder.cache import TranslationCache
from builder.corrections import SUFFIX, Entry, load_entries, sentence_key, sidecar_for
from builder.errors import Problem
from builder.text import clean_line, is_name_safe, shorten

_REMEMBERED = "memory"  # kind of the cache documents holding each file's entries
NEAR_SCORE = 85  # rapidfuzz ratio from which a sentence is offered as a near match


def key_hash(key: str) -> str:
    """A short stand-in for a sentence key, as page records store them."""
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()


@dataclass(frozen=True)
class Near:
    """A reviewed sentence like the one asked about, and how they differ."""

    score: float
    entry: Entry
    difference: str


@dataclass(frozen=True)
class Memory:
    """Every editor's file, its entries, and which entry applies where."""

    files: Mapping[Path, tuple[Entry, ...]] = field(default_factory=dict)
    own: Mapping[str, Mapping[str, Entry]] = field(default_factory=dict)  # seed -> key -> entry
    shared: Mapping[str, Entry] = field(default_factory=dict)  # key -> project-wide entry
    broken: frozenset[str] = frozenset()  # seeds whose own sidecar has errors
    problems: Mapping[str, tuple[Problem, ...]] = field(default_factory=dict)  # by seed, "" else

    def lookup(self, seed: str, es: str) -> Entry | None:
        """The reviewed English that applies to ``es`` in ``seed``, if any."""
        key = sentence_key(es)
        own = self.own.get(seed, {}).get(key)
        if own is not None and own.reviewed:
            return own
        return self.shared.get(key)

    def digest(self, seed: str, hashes: Iterable[str]) -> str:
        """A digest of the reviewed English that applies to these sentences in ``seed``."""
        if not self.shared and not self.own.get(seed):
            return ""
        applying = self._by_hash(seed)
        found = sorted((h, applying[h]) for h in set(hashes) if h in applying)
        if not found:
            return ""
        text = "\0".join(f"{h}\0{en}" for h, en in found)
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def _by_hash(self, seed: str) -> dict[str, str]:
        table = self._shared_by_hash()
        own = {
            key_hash(key): entry.en
            for key, entry in self.own.get(seed, {}).items()
            if entry.reviewed
        }
        return {**table, **own} if own else table

    def _shared_by_hash(self) -> dict[str, str]:
        cached: dict[str, str] | None = self.__dict__.get("_hashes")
        if cached is None:
            cached = {key_hash(key): entry.en for key, entry in self.shared.items()}
            object.__setattr__(self, "_hashes", cached)
        return cached

    def near(self, es: str, *, limit: int = 1) -> list[Near]:
        """Reviewed sentences nearly like ``es`` (never ``es`` itself), best first."""
        key = sentence_key(es)
        keys, lengths = self._keys_by_length()
        # fuzz.ratio is 2 * matches / (len(a) + len(b)): a key much shorter or longer than
        # this one cannot reach NEAR_SCORE, so only the keys of lengths in between are scored
        # (a review against a memory of 100,000 sentences compares a few thousand).
        share = NEAR_SCORE / (200 - NEAR_SCORE)
        low = bisect.bisect_left(lengths, math.floor(len(key) * share))
        high = bisect.bisect_right(lengths, math.ceil(len(key) / share))
        choices = [k for k in keys[low:high] if k != key]
        found = process.extract(
            key, choices, scorer=fuzz.ratio, limit=limit, score_cutoff=NEAR_SCORE
        )
        return [
            Near(score, self.shared[choice], word_difference(choice, key))
            for choice, score, _ in found
        ]

    def _keys_by_length(self) -> tuple[list[str], list[int]]:
        cached: tuple[list[str], list[int]] | None = self.__dict__.get("_by_length")
        if cached is None:
            keys = sorted(self.shared, key=lambda k: (len(k), k))
            cached = keys, [len(k) for k in keys]
            object.__setattr__(self, "_by_length", cached)
        return cached

    def reviewed_count(self) -> int:
        return len(self.shared)


def word_difference(old: str, new: str) -> str:
    """What changes from ``old`` to ``new``, word by word: ``[-old-]{+new+}``."""
    a, b = old.split(), new.split()
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        removed, added = " ".join(a[i1:i2]), " ".join(b[j1:j2])
        parts.append((f"[-{removed}-]" if removed else "") + (f"{{+{added}+}}" if added else ""))
    return " ".join(parts) or "only in writing (quotes, spaces)"


def sidecar_names(seeds_dir: Path) -> list[str]:
    """The sidecar files of the seeds folder, by name."""
    return sorted(
        name
        for name in os.listdir(seeds_dir)
        if name.endswith(SUFFIX) and not name.startswith(".") and is_name_safe(name)
    )


def load_memory(
    seeds_dir: Path,
    memory_file: Path | None,
    seed_names: Iterable[str],
    cache: TranslationCache | None = None,
    *,
    root: Path | None = None,
) -> Memory:
    """Every sidecar of ``seeds_dir`` and the memory file, read (or recalled from ``cache``
    when unchanged) and combined. ``seed_names`` are the seeds found: a sidecar belongs to
    the seed it is named after, and one that belongs to none is reported. ``root`` is the
    project folder, which the names of the remembered files are taken from."""
    remembered = cache.recall_prefix(f"{_REMEMBERED}:") if cache is not None else {}
    owners = {sidecar_for(seeds_dir / name).name: name for name in seed_names}
    sources = [(seeds_dir / name, "sidecar") for name in sidecar_names(seeds_dir)]
    if memory_file is not None:
        sources.append((memory_file, "memory"))
    files: dict[Path, tuple[Entry, ...]] = {}
    owner_of: dict[Path, str] = {}
    problems: dict[str, list[Problem]] = {}
    broken: set[str] = set()
    fresh: dict[str, object] = {}
    for path, kind in sources:
        owner = owners.get(path.name, "") if kind == "sidecar" else ""
        owner_of[path] = owner
        key = cache.file_key(_REMEMBERED, path, root or seeds_dir.parent) if cache else ""
        entries, found, keep = _read(path, kind, remembered.get(key))
        if keep is not None:
            fresh[key] = keep
        files[path] = entries
        if kind == "sidecar" and not owner:
            found = [*found, _orphan(path)]
        if found:
            problems.setdefault(owner, []).extend(found)
            if owner and any(p.is_error for p in found):
                broken.add(owner)
    if cache is not None and fresh:
        cache.remember_many(fresh)
    own: dict[str, dict[str, Entry]] = {}
    shared: dict[str, Entry] = {}
    for path, entries in files.items():
        owner = owner_of[path]
        for entry in entries:
            if owner:
                own.setdefault(owner, {})[entry.key] = entry
            if not entry.reviewed or entry.scope == "seed":
                continue
            first = shared.setdefault(entry.key, entry)
            if first is not entry and first.en != entry.en:
                problems.setdefault("", []).append(
                    Problem(
                        entry.path,
                        f"another reviewed English for this sentence is in {first.where}, and "
                        "that one is used in other briefings (add 'scope: seed' to keep this "
                        "one to its own briefing)",
                        entry.line,
                        severity="warning",
                    )
                )
    return Memory(
        files,
        own,
        shared,
        frozenset(broken),
        {name: tuple(found) for name, found in problems.items()},
    )


def _orphan(path: Path) -> Problem:
    seed = path.name.removesuffix(SUFFIX) + ".txt"
    return Problem(
        path,
        f"has no seed named {shorten(seed, 60)}: its reviewed sentences still apply wherever "
        "they appear; rename it if it belongs to a seed, or move its entries to memory.yml",
        severity="warning",
    )


def _read(
    path: Path, kind: str, remembered: object
) -> tuple[tuple[Entry, ...], list[Problem], object | None]:
    """A file's entries: recalled when its size and time are as remembered, else read; while
    it is broken, the last good entries (with its problems and a note). The third value is
    what to remember for next time, if anything."""
    stamp = _stamp(path)
    last = _recalled(path, remembered)
    if last is not None and last[0] == stamp:
        return last[1], list(last[2]), None  # its warnings too, on every build
    entries, problems = load_entries(path, kind)
    if not any(problem.is_error for problem in problems):
        keep = {
            "stamp": stamp,
            "entries": [entry.to_json() for entry in entries],
            "warnings": [[problem.message, problem.line] for problem in problems],
        }
        return tuple(entries), problems, keep
    if last is None or not last[1]:
        return (), problems, None
    note = Problem(
        path,
        f"its last good version ({len(last[1])} entries) is used until it is fixed",
        severity="warning",
    )
    return last[1], [*problems, note], None


def _recalled(
    path: Path, remembered: object
) -> tuple[str, tuple[Entry, ...], tuple[Problem, ...]] | None:
    """A file's stamp, entries and warnings as remembered, checked like input."""
    if not isinstance(remembered, dict):
        return None
    stamp, raw = remembered.get("stamp"), remembered.get("entries")
    warnings = remembered.get("warnings", [])
    if not isinstance(stamp, str) or not isinstance(raw, list) or not isinstance(warnings, list):
        return None
    try:
        entries = tuple(Entry.from_json(path, item) for item in raw)
    except ValueError:
        return None
    problems = []
    for item in warnings:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
            return None
        line = item[1] if isinstance(item[1], int) and not isinstance(item[1], bool) else None
        problems.append(Problem(path, clean_line(item[0])[:500], line, severity="warning"))
    return stamp, entries, tuple(problems)


def _stamp(path: Path) -> str:
    try:
        info = path.stat()
    except OSError:
        return "-"
    return f"{info.st_size}:{info.st_mtime_ns}"


# Stale corrections reported one by one for a seed; more are counted in one line.
STALE_SHOWN = 20


def stale(memory: Memory, seed: str, keys: Iterable[str]) -> list[Problem]:
    """Entries of a seed's own sidecar whose sentence is no longer in the seed (and that
    are not marked ``gone``), as warnings naming the nearest sentence now there."""
    present = set(keys)
    candidates = list(present)
    found = [
        entry
        for key, entry in memory.own.get(seed, {}).items()
        if key not in present and not entry.gone and entry.reviewed
    ]
    problems = []
    for entry in found[:STALE_SHOWN]:
        closest = process.extractOne(entry.key, candidates, scorer=fuzz.ratio, score_cutoff=60)
        hint = ""
        if closest is not None:
            difference = word_difference(entry.key, closest[0])
            hint = (
                f"; the closest sentence now is {shorten(closest[0], 100)} "
                f"({shorten(difference, 100)[1:-1]})"
            )
        problems.append(
            Problem(
                entry.path,
                "stale correction: its Spanish sentence is no longer in the seed, so it does not "
                f"apply there{hint}; 'briefings review' marks it gone",
                entry.line,
                severity="warning",
            )
        )
    if len(found) > STALE_SHOWN:
        problems.append(
            Problem(
                found[STALE_SHOWN].path,
                f"{len(found) - STALE_SHOWN} more stale corrections (one warning each for the "
                f"first {STALE_SHOWN}); 'briefings review' marks them gone",
                found[STALE_SHOWN].line,
                severity="warning",
            )
        )
    return problems
