"""Write stage: pages go into the generated area only, atomically, and only when changed.

The generated area keeps a manifest of the files the builder wrote, so it never deletes a
file it did not write; of the index entry of each briefing, so that a seed which fails
this time keeps its last good page and its place in the index; and of the fingerprint of
every page's inputs, so that an unchanged seed is not even read again.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from builder.errors import Problem
from builder.render import IndexEntry

MANIFEST_NAME = ".briefings-manifest.json"  # a dot file: MkDocs does not publish it
MANIFEST_VERSION = 4


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` atomically unless the file already holds these bytes."""
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return True


@dataclass(frozen=True)
class PageRecord:
    """What the builder last wrote for one seed, and from which inputs."""

    page: str  # file name in the area
    entry: IndexEntry
    fingerprint: str = ""  # of every input of the page; "" when unknown
    warnings: tuple[Problem, ...] = ()  # reported again when the page is reused
    inputs: str = ""  # digest of the inputs shared by all pages (templates, glossary, engine)
    stamp: str = ""  # size and mtime of the seed and its corrections, for a fast check

    def to_json(self) -> dict[str, object]:
        return {
            "page": self.page,
            "entry": self.entry.to_json(),
            "fingerprint": self.fingerprint,
            "inputs": self.inputs,
            "stamp": self.stamp,
            "warnings": [[str(w.path), w.line, w.message] for w in self.warnings],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageRecord:
        return cls(
            page=str(data["page"]),
            entry=IndexEntry.from_json(data["entry"]),
            fingerprint=str(data.get("fingerprint", "")),
            inputs=str(data.get("inputs", "")),
            stamp=str(data.get("stamp", "")),
            warnings=tuple(
                Problem(Path(path), str(message), line, severity="warning")
                for path, line, message in data.get("warnings", [])
            ),
        )


@dataclass
class Manifest:
    """What the generated area holds: seed file name -> its page record."""

    records: dict[str, PageRecord] = field(default_factory=dict)
    lists: list[str] = field(default_factory=list)  # index and tag pages, by path
    lists_key: str = ""  # digest of everything the list pages were made from

    @classmethod
    def load(cls, area: Path) -> Manifest:
        try:
            data = json.loads((area / MANIFEST_NAME).read_text(encoding="utf-8"))
            if data.get("version") != MANIFEST_VERSION:
                return cls()
            return cls(
                {k: PageRecord.from_json(v) for k, v in data["records"].items()},
                [str(path) for path in data.get("lists", [])],
                str(data.get("lists_key", "")),
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls()

    def dump(self) -> str:
        data = {
            "version": MANIFEST_VERSION,
            "records": {k: v.to_json() for k, v in sorted(self.records.items())},
            "lists": sorted(self.lists),
            "lists_key": self.lists_key,
        }
        # No indent: with one, json falls back to its pure-Python encoder (1.3 s of a
        # one-seed rebuild of 5,000 briefings went there).
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


class ListMaker(Protocol):
    """Makes the pages that list briefings (index, tag pages, feed) from their entries."""

    def key(self, entries: Mapping[str, IndexEntry]) -> str:
        """A digest of everything the list pages depend on; equal keys, equal pages."""
        ...

    def pages(self, entries: Mapping[str, IndexEntry]) -> dict[str, str]:
        """{path in the area: text} of every list page."""
        ...


@dataclass
class WriteResult:
    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    removed: list[Path] = field(default_factory=list)
    # Every file the builder has in the area after this build, written now or kept.
    generated: frozenset[str] = frozenset()


def write_area(
    area: Path,
    old: Manifest,
    pages: Mapping[str, tuple[PageRecord, str]],
    kept: Mapping[str, PageRecord],
    lists: ListMaker,
) -> WriteResult:
    """Write the briefing pages, the index and the manifest into ``area``, where ``old`` is
    the manifest found there when the build started.

    ``pages`` maps a seed file name to its new record and Markdown. ``kept`` holds the old
    records of seeds whose page stays as it is: unchanged since the last build, or failed
    this time (their last good page stays). Pages of other seeds are removed, but only if
    the manifest says the builder wrote them. The list pages are made again only when what
    they list, or how, has changed (or one of them is missing).
    """
    result = WriteResult()
    new = Manifest({name: record for name, (record, _) in pages.items()})
    for seed_name, record in kept.items():
        new.records.setdefault(seed_name, record)
    entries = {name: record.entry for name, record in sorted(new.records.items())}
    new.lists_key = lists.key(entries)
    if new.lists_key == old.lists_key and all((area / path).is_file() for path in old.lists):
        list_pages: dict[str, str] = {}
        new.lists = list(old.lists)
        result.unchanged += len(old.lists)
    else:
        list_pages = lists.pages(entries)
        new.lists = sorted(list_pages)
    area.mkdir(parents=True, exist_ok=True)
    for leftover in area.glob(".*.tmp"):  # from a build killed while writing; never published
        leftover.unlink(missing_ok=True)
    # Record every new file name before writing the file, so that a build killed midway
    # still knows, next time, which files in the area are the builder's. (A page rewritten
    # for changed inputs needs no such record: its old fingerprint no longer matches.)
    old_files = {r.page for r in old.records.values()} | set(old.lists)
    new_files = {record.page for record, _ in pages.values()} | set(new.lists)
    if not new_files <= old_files:
        interim = Manifest(dict(old.records), sorted(set(old.lists) | set(new.lists)))
        for seed_name, (record, _) in pages.items():
            interim.records.setdefault(seed_name, replace(record, fingerprint=""))
        write_if_changed(area / MANIFEST_NAME, interim.dump())
    for _, (record, text) in sorted(pages.items()):
        path = area / record.page
        if write_if_changed(path, text):
            result.written.append(path)
        else:
            result.unchanged += 1
    current = {record.page for record in new.records.values()}
    for seed_name, record in sorted(old.records.items()):
        if record.page in current or seed_name in new.records:
            continue
        path = area / record.page
        if path.is_file() and not path.is_symlink():
            path.unlink()
            result.removed.append(path)
    for path_name, text in sorted(list_pages.items()):
        path = area / path_name
        if write_if_changed(path, text):
            result.written.append(path)
        else:
            result.unchanged += 1
    for path_name in sorted(set(old.lists) - set(new.lists) - current):
        path = area / path_name
        if path.is_file() and not path.is_symlink():
            path.unlink()
            result.removed.append(path)
    write_if_changed(area / MANIFEST_NAME, new.dump())
    result.generated = frozenset(current | set(new.lists))
    return result
