"""The search index's cache: staged pages and shard indexes kept between builds.

Owns ``.briefings-cache/search/``: its file format, its checks and the decision whether a
shard's index can be reused. A shard's index is named by the digest of what it was made from
(its pages, the index's format and stemmers), so an unchanged shard is never indexed again, by
this process or the next ``mkdocs build``.

    manifest.json                   the shards of the last build: their pages and digests
    bundles/<digest>/               one shard's index (``builder/search_index.py``)

(``pages/``, where earlier versions staged each page, is removed with the rest when the cache
is emptied.)

The manifest is input like any other: anything unexpected in it, and the cache is emptied.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from builder.errors import InputError
from builder.files import read_regular, write_if_changed

CACHE_VERSION = 2
MAX_MANIFEST_BYTES = 64 << 20  # about 5 MB at 5,000 briefings
MANIFEST = "manifest.json"
_DIGEST = re.compile(r"[0-9a-f]{24}")


def page_digest(document: str) -> str:
    """The digest of one staged page."""
    return hashlib.sha256(document.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def shard_digest(pages: Mapping[str, str], key: str) -> str:
    """The digest of a shard's index: its pages (in any order) and the indexer's ``key``."""
    lines = [key, *(f"{uri}\t{digest}" for uri, digest in sorted(pages.items()))]
    return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogatepass")).hexdigest()[:24]


def write_atomically(path: Path, data: bytes) -> None:
    """Write a file of the cache (or of the site's index), making its folder if needed; not
    flushed to disk one by one (5,000 fsyncs were 8 s of a build): it can be made again."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_if_changed(path, data, durable=False)


def copy_tree(source: Path, target: Path, accept: re.Pattern[str], within: str = "") -> set[str]:
    """Copy a shard's index, hard-linking its files where the file system allows; return the
    files copied (paths relative to ``source``). Only regular files whose relative path
    ``accept`` matches whole are copied, and the folders on their way (never what a link points
    to, never a file the builder did not make: the cache is input too). Every build publishes
    every shard again (MkDocs empties the site first), so this walks with ``os.scandir``: about
    10,000 files at 5,000 briefings, where ``rglob`` and a ``stat`` a file took 3x as long."""
    copied: set[str] = set()
    made = target.is_dir()  # a folder is made when the first file is copied into it
    with os.scandir(source) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            relative = f"{within}{entry.name}"
            destination = target / entry.name
            if entry.is_dir(follow_symlinks=False):
                copied |= copy_tree(Path(entry.path), destination, accept, f"{relative}/")
            elif entry.is_file(follow_symlinks=False) and accept.fullmatch(relative):
                if not made:
                    target.mkdir(parents=True, exist_ok=True)
                    made = True
                try:
                    os.link(entry.path, destination, follow_symlinks=False)
                except OSError:
                    shutil.copy2(entry.path, destination, follow_symlinks=False)
                copied.add(relative)
    return copied


def replace_folder(fresh: Path, target: Path) -> None:
    """Put the folder ``fresh`` in the place of ``target`` (which may not exist)."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        os.replace(target, old / "folder")
    os.replace(fresh, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _checked_pages(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError("pages is not a mapping")
    pages: dict[str, str] = {}
    for uri, digest in value.items():
        path = PurePosixPath(uri) if isinstance(uri, str) else None
        if (
            path is None
            or path.is_absolute()
            or ".." in path.parts
            or path.suffix != ".html"
            or not isinstance(digest, str)
            or not _DIGEST.fullmatch(digest)
        ):
            raise ValueError(f"bad page entry {uri!r}")
        pages[uri] = digest
    return pages


class SearchCache:
    """The cache folder of the search index."""

    def __init__(self, root: Path, key: str) -> None:
        self.root = root
        self.key = key
        self.note = ""  # why the last build's shards were not taken, if they were not

    # -- paths ------------------------------------------------------------------------------

    def bundles(self, digest: str) -> Path:
        return self.root / "bundles" / digest

    def has_bundles(self, digest: str) -> bool:
        """Whether a shard's index is there, whole (it is put in place only when complete)."""
        return (self.bundles(digest) / "index.json").is_file()

    # -- the manifest -----------------------------------------------------------------------

    def load(self) -> list[tuple[int, dict[str, str]]]:
        """The shards of the last build (number, pages); an empty cache if anything is off."""
        path = self.root / MANIFEST
        try:
            data = json.loads(read_regular(path, MAX_MANIFEST_BYTES).decode("utf-8"))
            if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
                raise ValueError("another version")
            if data.get("key") != self.key:
                raise ValueError("made by another version of the index")
            shards = data.get("shards")
            if not isinstance(shards, list):
                raise ValueError("shards is not a list")
            result: list[tuple[int, dict[str, str]]] = []
            for entry in shards:
                if not isinstance(entry, dict) or not isinstance(entry.get("number"), int):
                    raise ValueError("bad shard entry")
                if not 0 <= entry["number"] < 1_000_000:
                    raise ValueError("bad shard number")
                result.append((entry["number"], _checked_pages(entry.get("pages"))))
            if len({number for number, _ in result}) != len(result):
                raise ValueError("a shard is listed twice")
            return result
        except (InputError, OSError, ValueError, UnicodeDecodeError, RecursionError) as error:
            if os.path.lexists(path):  # no manifest is simply a new cache
                self.note = f"search: cache {str(self.root)!r} not used ({error}); indexing anew"
            self.clear()
            return []

    def save(self, shards: Iterable[tuple[int, Mapping[str, str]]]) -> None:
        data = {
            "version": CACHE_VERSION,
            "key": self.key,
            "shards": [{"number": n, "pages": dict(pages)} for n, pages in shards],
        }
        write_atomically(self.root / MANIFEST, json.dumps(data, sort_keys=True).encode("utf-8"))

    def clear(self) -> None:
        for name in ("pages", "bundles", MANIFEST):
            path = self.root / name
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)  # removes links inside, not targets
            else:
                path.unlink(missing_ok=True)

    def foreign(self) -> list[str]:
        """Every entry of the cache folder that is neither a real folder nor a regular file:
        a symbolic link would steer the builder's writes and deletions out of the folder, a
        named pipe or a device would block the build that opens it (a cache restored from
        elsewhere, a careless hand)."""
        found = []
        for folder, folders, files in os.walk(self.root):  # never into a linked folder
            for name in sorted((*folders, *files)):
                path = os.path.join(folder, name)
                mode = os.lstat(path).st_mode
                if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
                    found.append(path)
        return found

    # -- shard indexes -----------------------------------------------------------------------

    def prune(self, digests: Iterable[str]) -> None:
        """Forget the shard indexes no shard uses any more."""
        keep = set(digests)
        folder = self.root / "bundles"
        if folder.is_dir():
            for entry in folder.iterdir():
                # Dot-folders are leftovers of a stopped indexing: none runs while pruning.
                if entry.name not in keep:
                    shutil.rmtree(entry, ignore_errors=True)
