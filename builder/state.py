"""What changed since the last build, and what the generated area holds: one owner.

The generated area keeps a manifest of the files the builder wrote there:
- the page record of each seed: its page, its index entry, the digest of its inputs and the
  size and time of its files, so that an unchanged seed is not even read again, and a seed
  that fails this time keeps its last good page and its place in the index;
- the list pages (index, tag pages, feed) and a digest of what they were made from, so
  that they are made again only when what they list changes.

Anyone can change the manifest (a restored CI cache, a careless hand), so everything read
back is checked before it steers a write or a delete: a record whose page is not a slug the
builder could have made, or a list page outside the shapes the builder writes, is ignored
with a warning; a file is only ever deleted inside the area, through real folders, and when
it is a regular file the manifest says the builder wrote. A file the manifest does not record
is never overwritten either (a page an editor put there, a folder named as ``output_dir``):
see :meth:`Manifest.foreign`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from builder.config import Settings
from builder.corrections import sidecar_for
from builder.errors import InputError, Problem, StateError
from builder.files import holds, read_regular
from builder.glossary import Glossary
from builder.memory import Memory
from builder.model import EngineInfo
from builder.pages import Pages
from builder.render import BRIEFING_TEMPLATE, INDEX_TEMPLATE, IndexEntry
from builder.seeds import SLUG, SeedFile, slug_for
from builder.text import clean_line, is_name_safe, shorten

MANIFEST_NAME = ".briefings-manifest.json"  # a dot file: MkDocs does not publish it
MANIFEST_VERSION = 5
_READABLE_VERSIONS = (4, 5)  # version 4 named the digests 'fingerprint' and 'inputs'
PACKAGE = Path(__file__).resolve().parent
# The shapes of the list pages the builder writes, relative to the area.
_SLUG = SLUG.pattern
LIST_PAGE = re.compile(
    rf"index\.md|page/[1-9][0-9]{{0,5}}\.md|tags/{_SLUG}\.md"
    rf"|tags/{_SLUG}/page/[1-9][0-9]{{0,5}}\.md|feed\.xml|editors\.md"
)
# A manifest larger than this is not one the builder wrote (5,000 briefings: about 5 MB).
MAX_MANIFEST_BYTES = 256 << 20


@dataclass(frozen=True)
class BriefingStats:
    """What an editor wants to know of a briefing, kept so that status needs no rebuild."""

    sentences: int = 0
    reviewed: int = 0
    unknown: tuple[str, ...] = ()  # the words the engine did not know, as often as they occur
    stale: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "sentences": self.sentences,
            "reviewed": self.reviewed,
            "unknown": list(self.unknown),
            "stale": self.stale,
        }

    @classmethod
    def from_json(cls, data: object) -> BriefingStats:
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise ValueError("stats are not a map")
        numbers = [data.get(key, 0) for key in ("sentences", "reviewed", "stale")]
        unknown = data.get("unknown") or []
        if not all(isinstance(n, int) and n >= 0 for n in numbers) or not isinstance(unknown, list):
            raise ValueError("stats are not counts")
        words = tuple(clean_line(word)[:100] for word in unknown if isinstance(word, str))
        return cls(numbers[0], numbers[1], words, numbers[2])


@dataclass(frozen=True)
class PageRecord:
    """What the builder last wrote for one seed, and from which inputs."""

    page: str  # file name in the area: "<slug>.md"
    entry: IndexEntry
    digest: str = ""  # of every input of the page; "" when unknown
    warnings: tuple[Problem, ...] = ()  # reported again when the page is reused
    shared: str = ""  # digest of the inputs all pages share (templates, glossary, engine)
    stamp: str = ""  # size and time of the seed and its corrections, for a fast check
    keys: tuple[str, ...] = ()  # hashes of its sentences' memory keys
    memory: str = ""  # digest of the reviewed English that applied to them
    stats: BriefingStats = field(default_factory=BriefingStats)

    def to_json(self) -> dict[str, object]:
        return {
            "page": self.page,
            "entry": self.entry.to_json(),
            "digest": self.digest,
            "shared": self.shared,
            "stamp": self.stamp,
            "keys": list(self.keys),
            "memory": self.memory,
            "stats": self.stats.to_json(),
            "warnings": [[str(w.path), w.line, w.message] for w in self.warnings],
        }

    @classmethod
    def from_json(cls, data: object, version: int = MANIFEST_VERSION) -> PageRecord:
        """A record as the builder wrote it, checked: ``ValueError`` says what is wrong."""
        if not isinstance(data, dict):
            raise ValueError("not a map")
        entry = IndexEntry.from_json(data.get("entry"))
        page = data.get("page")
        if page != f"{entry.slug}.md":
            raise ValueError(f"page {shorten(page, 60)} is not the page of its slug")
        digest_key, shared_key = ("fingerprint", "inputs") if version == 4 else ("digest", "shared")
        warnings = []
        for item in data.get("warnings") or []:
            if not (isinstance(item, list) and len(item) == 3):
                raise ValueError("a warning is not [path, line, message]")
            path, line, message = item
            if not (isinstance(path, str) and isinstance(message, str)):
                raise ValueError("a warning is not [path, line, message]")
            if line is not None and not isinstance(line, int):
                raise ValueError("a warning's line is not a number")
            warnings.append(Problem(Path(path), message[:1000], line, severity="warning"))
        keys = data.get("keys") or []
        if not isinstance(keys, list) or not all(isinstance(k, str) and len(k) < 40 for k in keys):
            raise ValueError("keys are not short text")
        return cls(
            page=page,
            entry=entry,
            digest=_digest_text(data.get(digest_key)),
            shared=_digest_text(data.get(shared_key)),
            stamp=_digest_text(data.get("stamp")),
            warnings=tuple(warnings),
            keys=tuple(keys),
            memory=_digest_text(data.get("memory")),
            stats=BriefingStats.from_json(data.get("stats")),
        )


def _digest_text(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > 200:
        raise ValueError("a digest is not short text")
    return value


@dataclass(frozen=True)
class Manifest:
    """What the generated area holds: seed file name -> its page record, and the lists."""

    records: Mapping[str, PageRecord] = field(default_factory=dict)
    lists: tuple[str, ...] = ()  # index and tag pages and the feed, by path in the area
    lists_digest: str = ""  # of everything the list pages were made from
    # A manifest was there but could not be read: which files of the area the builder
    # wrote cannot be told, so all of them count as its own (made again).
    damaged: bool = False
    # The pages of records that could not be read: the builder's, made again.
    doubtful: frozenset[str] = frozenset()

    @classmethod
    def load(cls, area: Path) -> tuple[Manifest, list[Problem]]:
        """The manifest found in ``area`` and what was wrong with it.

        An unreadable manifest is an empty one: every page is made again and nothing is
        removed. A manifest path that is not a file stops the build (the builder could not
        write its record of the pages).
        """
        path = area / MANIFEST_NAME
        try:
            info = path.lstat()
        except FileNotFoundError:
            return cls(), []
        except OSError as error:
            raise StateError(f"cannot read {str(path)!r}: {error.strerror}") from None
        if not stat.S_ISREG(info.st_mode):
            raise StateError(
                f"{str(path)!r} is not a file: the builder keeps its record of the generated "
                "pages there; move it away and build again"
            )
        ignored = "; every page is made again, over any file in its place, and no page is removed"
        damaged = cls(damaged=True)
        if info.st_size > MAX_MANIFEST_BYTES:
            return damaged, [_warning(path, f"is too large to be the builder's{ignored}")]
        try:
            data = json.loads(path.read_bytes())
        except (OSError, ValueError, RecursionError):
            return damaged, [_warning(path, f"is not readable JSON{ignored}")]
        if not isinstance(data, dict) or data.get("version") not in _READABLE_VERSIONS:
            return damaged, [_warning(path, f"was written by another version{ignored}")]
        version = int(data["version"])
        problems: list[Problem] = []
        records: dict[str, PageRecord] = {}
        pages: set[str] = set()  # one record a page
        doubtful: set[str] = set()
        raw_records = data.get("records")
        for name, raw in (raw_records if isinstance(raw_records, dict) else {}).items():
            try:
                if not _is_seed_name(name):
                    raise ValueError("the seed name is not a file name")
                record = PageRecord.from_json(raw, version)
                if record.entry.slug != slug_for(Path(name).stem):
                    raise ValueError("its page is not the one its seed's name gives")
                if record.page in pages:
                    raise ValueError("another record has its page")
                records[name] = record
                pages.add(record.page)
            except (ValueError, TypeError) as error:
                if _is_seed_name(name):
                    doubtful.add(f"{slug_for(Path(name).stem)}.md")
                problems.append(
                    _warning(
                        path,
                        f"record {shorten(name, 60)} is not valid ({shorten(error, 80)[1:-1]}) "
                        "and is ignored: its page is made again and never removed",
                    )
                )
        lists = []
        raw_lists = data.get("lists")
        for item in raw_lists if isinstance(raw_lists, list) else []:
            if isinstance(item, str) and LIST_PAGE.fullmatch(item):
                lists.append(item)
            else:
                problems.append(
                    _warning(path, f"list page {shorten(item, 60)} is not one the builder writes")
                )
        digest = data.get("lists_digest" if version == 5 else "lists_key")
        return (
            cls(
                records,
                tuple(lists),
                digest if isinstance(digest, str) else "",
                doubtful=frozenset(doubtful),
            ),
            problems,
        )

    @property
    def files(self) -> set[str]:
        """The files this manifest says the builder wrote, by path in the area."""
        return {record.page for record in self.records.values()} | set(self.lists)

    def foreign(self, area: Path, pages: Mapping[str, str]) -> list[str]:
        """The pages among ``pages`` (path -> text) whose place in ``area`` holds a file the
        builder did not write (or a link, or a pipe), unless it is a regular file with the
        same content, which is taken over (nothing is lost): a page an editor wrote there,
        the files of a folder named as ``output_dir``. The builder never overwrites one.
        With an unreadable manifest, what the builder wrote cannot be told: every file
        counts as its own, and so does the page of a record that could not be read."""
        if self.damaged:
            return []
        owned = self.files | self.doubtful
        found = []
        for relative in sorted(pages):  # a page's text is made only if a file is there
            if relative in owned:
                continue
            path = area / relative
            try:
                info = path.lstat()
            except OSError:
                continue  # nothing there (or no folder yet): written as usual
            if stat.S_ISDIR(info.st_mode):
                continue  # reported when writing (a folder in the way)
            # A link or a pipe is never read (nor replaced); a regular file only if it is
            # the page as the builder would write it.
            if not holds(path, info, pages[relative].encode("utf-8")):
                found.append(relative)
        return found

    def dump(self) -> str:
        data = {
            "version": MANIFEST_VERSION,
            "records": {k: v.to_json() for k, v in sorted(self.records.items())},
            "lists": sorted(self.lists),
            "lists_digest": self.lists_digest,
        }
        # No indent: with one, json falls back to its pure-Python encoder (1.3 s of a
        # one-seed rebuild of 5,000 briefings went there).
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"

    def changes(
        self,
        area: Path,
        seeds_dir: Path,
        seed_files: Iterable[SeedFile],
        shared: str,
        memory: Memory,
    ) -> Changes:
        """Which seeds need building, and which records stand: by size and time first,
        then by content, and by the reviewed English that applies to their sentences."""
        fresh: list[SeedFile] = []
        reused: dict[str, PageRecord] = {}
        digests: dict[str, str] = {}
        stamps: dict[str, str] = {}
        names = set(os.listdir(seeds_dir))
        written = _regular_files(area)
        for seed_file in seed_files:
            name = seed_file.name
            has_sidecar = sidecar_for(seed_file.path).name in names
            stamps[name] = stamp = seed_stamp(seed_file.path, has_sidecar)
            record = self.records.get(name)
            if (
                record is None
                or record.entry.slug != seed_file.slug
                or record.page not in written
                or record.memory != memory.digest(name, record.keys)
            ):
                fresh.append(seed_file)
                digests[name] = seed_digest(shared, seed_file.path)
            elif record.shared == shared and record.stamp == stamp and record.digest:
                reused[name] = record  # nothing read: size and time as before
            elif record.digest == (digest := seed_digest(shared, seed_file.path)) and digest:
                reused[name] = replace(record, shared=shared, stamp=stamp)
            else:
                fresh.append(seed_file)
                digests[name] = digest
        return Changes(tuple(fresh), reused, digests, stamps)

    def lists_outdated(self, area: Path, lists_digest: str) -> bool:
        """Whether the list pages must be made again: what they list changed, or one is gone."""
        return lists_digest != self.lists_digest or not all(
            (area / path).is_file() for path in self.lists
        )

    def plan(
        self,
        area: Path,
        new: Manifest,
        pages: Mapping[str, str],
        list_pages: Mapping[str, str] | None,
    ) -> WritePlan:
        """How to go from this manifest to ``new``: ``pages`` are the briefing pages to write
        (path -> text), ``list_pages`` the list pages (None: they stay as they are).

        Only files this manifest records are removed, and only when no new record or list
        claims them. Every new file name goes into an interim manifest before any file is
        written, so that a build killed midway still knows, next time, which files are its.
        """
        claimed = {record.page for record in new.records.values()} | set(new.lists)
        old_files = self.files
        remove = sorted(
            path for path in old_files if path not in claimed and inside_area(area, path)
        )
        interim = None
        if not set(pages) | set(list_pages or {}) <= old_files:
            records = dict(self.records)
            for name, record in new.records.items():
                if record.page in pages:
                    records.setdefault(name, replace(record, digest=""))
            lists = tuple(sorted(set(self.lists) | set(new.lists)))
            interim = Manifest(records, lists, "").dump()
        writes = (*sorted(pages), *sorted(list_pages or {}))
        texts = Pages()
        for path in pages:
            texts.make(path, functools.partial(pages.__getitem__, path))
        texts.update(list_pages or {})
        return WritePlan(writes, texts, tuple(remove), interim, new.dump())


@dataclass(frozen=True)
class Changes:
    """Which seeds need building, and which pages can stay as the manifest says."""

    fresh: tuple[SeedFile, ...]
    reused: Mapping[str, PageRecord]
    digests: Mapping[str, str]  # of the fresh seeds' inputs
    stamps: Mapping[str, str]  # size and time of every seed


@dataclass(frozen=True)
class WritePlan:
    """Files to write and remove in the area, in order, and the manifest around them."""

    writes: tuple[str, ...]  # paths in the area
    texts: Mapping[str, str]  # their texts, each made when it is asked for (builder/pages.py)
    remove: tuple[str, ...]
    interim: str | None  # the manifest to write first, when new files appear
    manifest: str  # the manifest to write last


def _regular_files(folder: Path) -> set[str]:
    """Names of the regular files in ``folder``: a page replaced by a pipe or a link is
    not a page (MkDocs would block reading the one, or leave the folder through the other)."""
    try:
        with os.scandir(folder) as listing:
            return {entry.name for entry in listing if entry.is_file(follow_symlinks=False)}
    except (FileNotFoundError, NotADirectoryError):
        return set()


def inside_area(area: Path, relative: str) -> bool:
    """Whether ``relative`` names a file inside ``area`` reached through real folders only."""
    if LIST_PAGE.fullmatch(relative) is None and not (
        relative.endswith(".md") and SLUG.fullmatch(relative.removesuffix(".md"))
    ):
        return False
    folder = area
    for part in Path(relative).parent.parts:
        folder = folder / part
        try:
            if not stat.S_ISDIR(folder.lstat().st_mode):
                return False
        except OSError:
            return False
    return True


def _is_seed_name(name: object) -> bool:
    return (
        isinstance(name, str)
        and name.lower().endswith(".txt")
        and "/" not in name
        and name not in (".", "..")
        and is_name_safe(name)
    )


def _warning(path: Path, message: str) -> Problem:
    return Problem(path, message, severity="warning")


@functools.cache
def _builder_source() -> str:
    """A digest of the builder's own code: a new version may render differently."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _file(path: Path | None) -> bytes:
    """The bytes of an input file, or a mark when there is none (never blocks on a pipe)."""
    if path is None:
        return b"-"
    try:
        return read_regular(path)
    except InputError:
        return b"-"


def shared_digest(settings: Settings, engine: EngineInfo, glossary: Glossary) -> str:
    """Everything besides the seed itself that a briefing page depends on."""
    digest = hashlib.sha256()
    for part in (
        _builder_source(),
        engine.name,
        engine.label,
        engine.version,
        str(settings.protect),
        str(settings.use_directory_urls),
        settings.seed_encoding,
        json.dumps(glossary.to_json(), ensure_ascii=False),
    ):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    for path in (
        settings.templates_dir / BRIEFING_TEMPLATE,
        settings.templates_dir / INDEX_TEMPLATE,
    ):
        digest.update(_file(path) + b"\0")
    return digest.hexdigest()


def lists_digest(
    shared: str, settings: Settings, entries: Mapping[str, Any], undated_day: str
) -> str:
    """A digest of everything the list pages are made from: equal digests, equal pages."""
    digest = hashlib.sha256(shared.encode() + b"\0")
    for part in (settings.site_name, settings.site_url, settings.output_dir, undated_day):
        digest.update(str(part).encode("utf-8", "surrogatepass") + b"\0")
    digest.update(json.dumps([e.to_json() for e in entries.values()]).encode())
    return digest.hexdigest()


def seed_stamp(seed_path: Path, has_sidecar: bool = True) -> str:
    """Size and modification time of a seed and its corrections: when both are as they were,
    the seed is taken as unchanged without reading it (as make does)."""
    parts = []
    for path in (seed_path, sidecar_for(seed_path)) if has_sidecar else (seed_path,):
        try:
            info = path.stat()
        except OSError:
            parts.append("-")
        else:
            parts.append(f"{info.st_size}:{info.st_mtime_ns}")
    return ";".join(parts)


def seed_digest(shared: str, seed_path: Path) -> str:
    """The digest of one seed's page inputs: the shared ones, its bytes and its corrections."""
    try:
        data = read_regular(seed_path)
    except InputError:
        return ""
    digest = hashlib.sha256(shared.encode())
    digest.update(data + b"\0")
    digest.update(_file(sidecar_for(seed_path)))
    return digest.hexdigest()
