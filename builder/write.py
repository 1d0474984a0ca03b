"""Write stage: pages go into the generated area only, atomically, and only when changed.

The generated area keeps a manifest of the files the builder wrote, so it never deletes a
file it did not write, and of the index entry of each briefing, so that a seed which fails
this time keeps its last good page and its place in the index.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from builder.render import IndexEntry

MANIFEST_NAME = ".briefings-manifest.json"  # a dot file: MkDocs does not publish it
INDEX_NAME = "index.md"
MANIFEST_VERSION = 1


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


@dataclass
class Manifest:
    """What the generated area holds: seed file name -> (page file, index entry)."""

    pages: dict[str, str] = field(default_factory=dict)
    entries: dict[str, IndexEntry] = field(default_factory=dict)

    @classmethod
    def load(cls, area: Path) -> Manifest:
        try:
            data = json.loads((area / MANIFEST_NAME).read_text(encoding="utf-8"))
            if data.get("version") != MANIFEST_VERSION:
                return cls()
            return cls(
                pages={str(k): str(v) for k, v in data["pages"].items()},
                entries={k: IndexEntry.from_json(v) for k, v in data["entries"].items()},
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls()

    def dump(self) -> str:
        data = {
            "version": MANIFEST_VERSION,
            "pages": dict(sorted(self.pages.items())),
            "entries": {k: v.to_json() for k, v in sorted(self.entries.items())},
        }
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


@dataclass
class WriteResult:
    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    removed: list[Path] = field(default_factory=list)


def write_area(
    area: Path,
    pages: Mapping[str, tuple[str, str, IndexEntry]],
    kept: set[str],
    index_text_for: Callable[[list[IndexEntry]], str],
) -> WriteResult:
    """Write the briefing pages, the index and the manifest into ``area``.

    ``pages`` maps a seed file name to (page file name, Markdown, index entry). Seeds in
    ``kept`` failed this time: their last good page and index entry stay. Pages of seeds in
    neither are removed, but only if the manifest says the builder wrote them.
    """
    result = WriteResult()
    old = Manifest.load(area)
    new = Manifest()
    # Record every page about to be written before writing it, so that a build killed midway
    # still knows, next time, which files in the area are the builder's.
    interim = Manifest(dict(old.pages), dict(old.entries))
    for seed_name, (file_name, _, entry) in pages.items():
        interim.pages.setdefault(seed_name, file_name)
        interim.entries.setdefault(seed_name, entry)
    area.mkdir(parents=True, exist_ok=True)
    for leftover in area.glob(".*.tmp"):  # from a build killed while writing; never published
        leftover.unlink(missing_ok=True)
    write_if_changed(area / MANIFEST_NAME, interim.dump())
    for seed_name, (file_name, text, entry) in sorted(pages.items()):
        path = area / file_name
        if write_if_changed(path, text):
            result.written.append(path)
        else:
            result.unchanged += 1
        new.pages[seed_name] = file_name
        new.entries[seed_name] = entry
    for seed_name in sorted(kept):
        if seed_name in old.pages and seed_name not in new.pages:
            new.pages[seed_name] = old.pages[seed_name]
            new.entries[seed_name] = old.entries[seed_name]
    current = set(new.pages.values())
    for seed_name, file_name in sorted(old.pages.items()):
        if file_name in current or seed_name in new.pages:
            continue
        path = area / file_name
        if path.is_file() and not path.is_symlink():
            path.unlink()
            result.removed.append(path)
    index_path = area / INDEX_NAME
    if write_if_changed(index_path, index_text_for(list(new.entries.values()))):
        result.written.append(index_path)
    else:
        result.unchanged += 1
    write_if_changed(area / MANIFEST_NAME, new.dump())
    return result
