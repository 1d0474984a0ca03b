"""Read stage: seed files in, :class:`Seed` values (or a located :class:`SeedError`) out."""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from markdown.extensions.toc import slugify

from builder.errors import Problem, SeedError
from builder.model import Paragraph, Seed, SeedMeta

SEED_SUFFIX = ".txt"
META_KEYS = ("date", "source", "url", "author", "tags", "encoding")
DEFAULT_ENCODING = "utf-8"
# Found in the front matter before the file is decoded: front matter is ASCII in any
# encoding a seed may reasonably have (UTF-8, Latin-1, Windows-1252).
_DECLARED_ENCODING = re.compile(rb"^encoding[ \t]*:[ \t]*[\"']?([A-Za-z0-9_.:-]+)", re.MULTILINE)
FRONT_MATTER_FENCE = "---"
# Control characters other than tab and newline say "binary" or "copied from a terminal";
# they would reach the engine and the page, so they are replaced by a space.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")
_WHITESPACE = re.compile(r"\s+")
_RESERVED_SLUGS = frozenset({"index", "tags", "page", "feed", "search", "assets"})


@dataclass(frozen=True)
class SeedFile:
    """A seed file found in the seeds folder, before it is read."""

    path: Path
    slug: str


def discover(seeds_dir: Path) -> tuple[list[SeedFile], list[Problem]]:
    """List the seed files of a folder, sorted by name, each with a unique, stable slug."""
    problems: list[Problem] = []
    files: list[Path] = []
    root = seeds_dir.resolve()
    with os.scandir(seeds_dir) as listing:  # DirEntry caches what the folder listing says
        entries = sorted(listing, key=lambda e: e.name)
    for entry in entries:
        if entry.name.startswith(".") or not entry.name.lower().endswith(SEED_SUFFIX):
            continue
        path = seeds_dir / entry.name
        if entry.is_symlink() and not path.resolve().is_relative_to(root):
            problems.append(Problem(path, "is a link to a file outside the seeds folder; refused"))
            continue
        if not entry.is_file():
            continue
        files.append(path)
    return assign_slugs(files), problems


def assign_slugs(paths: Iterable[Path]) -> list[SeedFile]:
    """Give each seed a URL-safe slug from its file name; clashes get -2, -3... in name order."""
    taken: set[str] = set()
    seed_files = []
    for path in sorted(paths, key=lambda p: p.name):
        base = slug_for(path.stem)
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        seed_files.append(SeedFile(path, slug))
    return seed_files


@functools.lru_cache(maxsize=1 << 16)  # mkdocs serve builds the same names again and again
def slug_for(stem: str) -> str:
    """An ASCII slug for a file stem, never empty and never a name the site itself uses."""
    slug: str = slugify(stem, "-")
    if not slug:
        digest = hashlib.sha256(stem.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        slug = f"briefing-{digest}"
    if slug in _RESERVED_SLUGS:
        slug = f"{slug}-briefing"
    return slug


def read_seed(seed_file: SeedFile, encoding: str = DEFAULT_ENCODING) -> tuple[Seed, list[Problem]]:
    """Read one seed; raise :class:`SeedError` if it cannot be built, return warnings otherwise."""
    path = seed_file.path
    text = decode(path, path.read_bytes(), encoding)
    lines = text.split("\n")
    front = split_front_matter(path, lines)
    meta = parse_meta(path, front)
    warnings = list(front.warnings)
    body_start = front.body_start

    title: str | None = None
    title_line = 0
    paragraphs: list[Paragraph] = []
    for number, raw in enumerate(lines[body_start:], start=body_start + 1):
        line = clean_line(raw)
        if not line:
            continue
        if title is None:
            title, title_line = line, number
        else:
            paragraphs.append(Paragraph(line, number))
    if title is None:
        raise SeedError(path, "is empty: write the title on the first line, then paragraphs")
    if not paragraphs:
        raise SeedError(path, "has a title but no paragraphs", title_line)
    seed = Seed(path, seed_file.slug, title, title_line, tuple(paragraphs), meta)
    return seed, warnings


def decode(path: Path, data: bytes, encoding: str = DEFAULT_ENCODING) -> str:
    """Seed bytes to text; newlines normalised to LF.

    UTF-16 with a BOM is recognised; otherwise the encoding is the one the seed's front
    matter declares (``encoding: latin-1``), else ``encoding`` (the configured one, UTF-8 by
    default, with or without BOM). Nothing is guessed: bytes that do not decode are an error
    naming the byte offset.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise SeedError(path, f"is not valid UTF-16 (byte offset {error.start})") from None
        return text.replace("\r\n", "\n").replace("\r", "\n")
    if b"\x00" in data:
        offset = data.index(b"\x00")
        raise SeedError(path, f"looks binary (NUL byte at offset {offset}); seeds are text files")
    declared = _declared_encoding(path, data)
    name = declared or encoding
    codec = "utf-8-sig" if codecs.lookup(name).name == "utf-8" else name
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        label = "UTF-8" if codec == "utf-8-sig" else name
        hint = (
            "save it as UTF-8, or declare its encoding in the front matter (encoding: latin-1)"
            if declared is None
            else "fix the file or its 'encoding' line"
        )
        raise SeedError(
            path, f"is not valid {label} (byte offset {error.start}): {hint}", line
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _declared_encoding(path: Path, data: bytes) -> str | None:
    """The ``encoding:`` of a seed's front matter, read before decoding the file."""
    head = data.removeprefix(codecs.BOM_UTF8)
    if not head.startswith(b"---"):
        return None
    end = head.find(b"\n---", 3)
    match = _DECLARED_ENCODING.search(head[: end if end > 0 else 4096])
    if match is None:
        return None
    name = match.group(1).decode("ascii")
    try:
        codecs.lookup(name)
    except LookupError:
        line = head.count(b"\n", 0, match.start()) + 1
        raise SeedError(
            path, f"front matter 'encoding' names an unknown encoding {name!r}", line
        ) from None
    return name


def clean_line(raw: str) -> str:
    """One line of text with control characters removed and white space folded."""
    return _WHITESPACE.sub(" ", _CONTROL.sub(" ", raw)).strip()


@dataclass(frozen=True)
class FrontMatter:
    """The parsed front matter of a seed, with the file line of each top-level key."""

    data: dict[str, Any]
    key_lines: dict[str, int]
    body_start: int
    warnings: tuple[Problem, ...] = ()


def split_front_matter(path: Path, lines: list[str]) -> FrontMatter:
    """Parse the YAML between ``---`` lines at the top; note where the body starts."""
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        return FrontMatter({}, {}, 0)
    for end in range(1, len(lines)):
        if lines[end].strip() in (FRONT_MATTER_FENCE, "..."):
            break
    else:
        raise SeedError(path, "front matter starts with '---' but never ends with '---'", 1)
    try:
        data = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 2 if mark is not None else 1
        raise SeedError(path, f"front matter is not valid YAML: {error.problem}", line) from None
    except yaml.YAMLError as error:
        raise SeedError(path, f"front matter is not valid YAML: {error}", 1) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SeedError(path, "front matter must be 'key: value' lines", 2)
    warnings = []
    key_lines = _key_lines(lines[1:end])
    for key in data:
        if key not in META_KEYS:
            warnings.append(
                Problem(
                    path,
                    f"unknown front matter key {key!r} ignored (known: {', '.join(META_KEYS)})",
                    key_lines.get(str(key)),
                    severity="warning",
                )
            )
    return FrontMatter(data, key_lines, end + 1, tuple(warnings))


def _key_lines(lines: list[str]) -> dict[str, int]:
    """Line numbers (1-based, in the file) of top-level front matter keys."""
    found: dict[str, int] = {}
    for offset, line in enumerate(lines, start=2):
        match = re.match(r"([A-Za-z_][\w-]*)\s*:", line)
        if match:
            found.setdefault(match.group(1), offset)
    return found


def parse_meta(path: Path, front: FrontMatter) -> SeedMeta:
    """Validate the known front matter keys; a wrong type is an error naming the line."""
    data, lines = front.data, front.key_lines

    def fail(key: str, message: str) -> SeedError:
        return SeedError(path, f"front matter {key!r} {message}", lines.get(key))

    date = data.get("date")
    if date is not None:
        date = _parse_date(date)
        if date is None:
            raise fail("date", "must be a date like 2024-06-21")
    text_values = {}
    for key in ("source", "url", "author"):
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise fail(key, "must be a single line of text")
        text_values[key] = clean_line(str(value)) or None
    url = text_values.get("url")
    if url is not None and not is_web_url(url):
        raise fail("url", "must be an http:// or https:// address")
    tags_value = data.get("tags")
    tags: tuple[str, ...] = ()
    if isinstance(tags_value, str):
        tags = tuple(t for t in (clean_line(x) for x in tags_value.split(",")) if t)
    elif isinstance(tags_value, list):
        if not all(isinstance(t, str | int) and not isinstance(t, bool) for t in tags_value):
            raise fail("tags", "must be a list of words")
        tags = tuple(t for t in (clean_line(str(x)) for x in tags_value) if t)
    elif tags_value is not None:
        raise fail("tags", "must be a list of words")
    return SeedMeta(
        date=date,
        source=text_values.get("source"),
        url=url,
        author=text_values.get("author"),
        tags=tuple(dict.fromkeys(tags)),
    )


def _parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def is_web_url(url: str) -> bool:
    """True for absolute http(s) URLs: the only kind a page may link to."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in url


def read_seeds(
    seed_files: Iterable[SeedFile], encoding: str = DEFAULT_ENCODING
) -> Iterator[tuple[SeedFile, Seed | SeedError, list[Problem]]]:
    """Read each seed in turn; an unreadable one yields its error instead of stopping the rest."""
    for seed_file in seed_files:
        try:
            seed, warnings = read_seed(seed_file, encoding)
        except SeedError as error:
            yield seed_file, error, []
        except OSError as error:
            yield seed_file, SeedError(seed_file.path, f"cannot be read: {error.strerror}"), []
        else:
            yield seed_file, seed, warnings
