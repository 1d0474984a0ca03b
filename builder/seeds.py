"""Read stage: seed files in, :class:`Seed` values (or a located :class:`SeedError`) out.

Everything about a seed file is untrusted: its name, its bytes, its front matter. Whatever
goes wrong while reading one seed ends as that seed's ``file:line: message``; the caller
skips that seed and keeps its last good page.
"""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import hashlib
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markdown.extensions.toc import slugify

from builder.corrections import SUFFIX as SIDECAR_SUFFIX
from builder.errors import InputError, LocatedInputError, Problem, SeedError, StateError
from builder.files import describe_os_error, read_regular
from builder.model import Paragraph, Seed, SeedMeta
from builder.text import clean_line, describe_unsafe, is_name_safe, make_safe, shorten
from builder.yamlfile import Document, cut_short_message, flag, parse

SEED_SUFFIX = ".txt"
META_KEYS = ("date", "source", "url", "author", "tags", "encoding", "draft")
TEXT_KEYS = ("source", "author", "tags")  # a reader sees them as written
DEFAULT_ENCODING = "utf-8"
DEFAULT_MAX_BYTES = 1 << 20  # a long news article is 50 KB; a book is a mistake
MAX_TAGS = 50
# Found in the front matter before the file is decoded: front matter is ASCII in any
# encoding a seed may reasonably have (UTF-8, Latin-1, Windows-1252).
_DECLARED_ENCODING = re.compile(rb"^encoding[ \t]*:[ \t]*[\"']?([A-Za-z0-9_.:-]+)", re.MULTILINE)
FRONT_MATTER_FENCE = "---"
_RESERVED_SLUGS = frozenset({"index", "tags", "page", "feed", "search", "assets", "editors"})
# A slug is at most this long; a longer one is cut and made unique with a digest of the name.
MAX_SLUG = 80
# A valid slug, as slug_for makes them: what a manifest record may name, and nothing else.
SLUG = re.compile(rf"[a-z0-9_][a-z0-9_-]{{0,{MAX_SLUG - 1}}}")
# YAML timestamps as editors write them: a date, optionally a time and a zone.
_DATE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?"
    r"(?:[ \t]*(?:Z|[-+]\d{1,2}(?::?\d{2})?))?)?"
)
# Windows-1252 puts letters and punctuation (€, curly quotes, dashes) where Latin-1 has
# invisible control characters.
_WINDOWS_1252_ONLY = re.compile(rb"[\x80-\x9f]")


@dataclass(frozen=True)
class SeedFile:
    """A seed file found in the seeds folder, before it is read."""

    path: Path
    slug: str

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class Discovery:
    """The seed files of a folder, and the entries that look like seeds but cannot be."""

    files: tuple[SeedFile, ...]
    problems: tuple[Problem, ...]  # one error per refused entry

    @property
    def refused(self) -> frozenset[str]:
        """Names of the refused entries: seeds whose last good page (if any) stays (a
        warning names a file that is not a seed)."""
        return frozenset(problem.path.name for problem in self.problems if problem.is_error)


def discover(seeds_dir: Path) -> Discovery:
    """List the seed files of a folder, sorted by name, each with a slug of its own name.

    An entry that looks like a seed but cannot be one (a folder or a named pipe named
    ``*.txt``, a dangling link, a link out of the folder, a name that cannot be shown) is
    reported, as are seeds whose names give the same slug: neither of those is built.
    """
    require_utf8_file_names()
    problems: list[Problem] = []
    candidates: list[SeedFile] = []
    root = seeds_dir.resolve()
    with os.scandir(seeds_dir) as listing:  # DirEntry caches what the folder listing says
        entries = sorted(listing, key=lambda e: e.name)
    for entry in entries:
        if entry.name.startswith("."):
            continue
        near = near_miss(entry.name)
        if near is not None:
            problems.append(Problem(seeds_dir / entry.name, near, severity="warning"))
            continue
        if not entry.name.lower().endswith(SEED_SUFFIX):
            continue
        path = seeds_dir / entry.name
        refusal = _refusal(entry, path, root)
        if refusal is not None:
            problems.append(Problem(path, refusal))
        else:
            candidates.append(SeedFile(path, slug_for(path.stem)))
    by_slug: dict[str, list[SeedFile]] = {}
    for seed_file in candidates:
        by_slug.setdefault(seed_file.slug, []).append(seed_file)
    files = []
    for seed_file in candidates:
        twins = [other.name for other in by_slug[seed_file.slug] if other is not seed_file]
        if twins:
            # 'Árbol.txt' typed on a Mac and on Windows: the same letters, other code points.
            same = [n for n in twins if _composed(n) == _composed(seed_file.name)]
            how = " (the same letters, written with other Unicode code points)" if same else ""
            problems.append(
                Problem(
                    seed_file.path,
                    f"has the same web address (briefings/{seed_file.slug}/) as "
                    f"{', '.join(shorten(name) for name in twins)}{how}: rename one of them; "
                    "until then neither is built, and a page published before stays",
                )
            )
        else:
            files.append(seed_file)
    problems.sort(key=lambda problem: problem.path.name)
    return Discovery(tuple(files), tuple(problems))


# What editors call a corrections file when they do not spell it as the builder reads it.
_CORRECTIONS_LIKE = (".corrections.yml", ".corrections.yaml", ".correction.yml", ".correction.yaml")


def near_miss(name: str) -> str | None:
    """Why a file of the seeds folder that an editor meant as a seed or a corrections file
    is not read as one (a warning), or None: a seed, a corrections file, or another file."""
    lower = name.lower()
    if lower.endswith(SEED_SUFFIX) and lower[: -len(SEED_SUFFIX)].endswith(_CORRECTIONS_LIKE):
        return (
            f"looks like a corrections file saved with '{SEED_SUFFIX}' after its name (as "
            f"Notepad does): it is not read as a seed; rename it to end in '{SIDECAR_SUFFIX}'"
        )
    if lower.endswith(SEED_SUFFIX) or (name.endswith(SIDECAR_SUFFIX) and is_name_safe(name)):
        return None
    # Spaces, dots and invisible characters after the suffix (a name pasted from elsewhere).
    folded = lower
    while folded and (
        folded[-1] in ". " or folded[-1].isspace() or unicodedata.category(folded[-1])[0] == "C"
    ):
        folded = folded[:-1]
    for suffix, what in ((SEED_SUFFIX, "a seed"), (_CORRECTIONS_LIKE, "a corrections file")):
        if not folded.endswith(suffix):
            continue
        right = SEED_SUFFIX if what == "a seed" else SIDECAR_SUFFIX
        if folded != lower:
            why = "has spaces, dots or invisible characters after its suffix"
        elif not is_name_safe(name):
            why = "has characters that cannot be shown in its name (not UTF-8?)"
        else:
            why = f"is spelled otherwise than '{right}'"
        return f"{why}, so it is not read as {what}: rename it to end in '{right}'"
    if not is_name_safe(name):
        return "has a name with characters that cannot be shown (not UTF-8?): rename it"
    return None


def _composed(name: str) -> str:
    return unicodedata.normalize("NFC", name)


def require_utf8_file_names() -> None:
    """Refuse to go on when Python reads file names in another encoding than UTF-8.

    A seed's web address comes from its file name: read as Latin-1, 'ñandú.txt' would be
    'Ã±andÃº' and move to another address (its published page removed), or be refused."""
    encoding = codecs.lookup(sys.getfilesystemencoding()).name
    if encoding != "utf-8":
        raise StateError(
            f"file names are read as {encoding}, not UTF-8, in this locale "
            f"({os.environ.get('LC_ALL') or os.environ.get('LANG') or 'unset'}); seeds would "
            "move to other web addresses: run with a UTF-8 locale (LANG=C.UTF-8) or "
            "PYTHONUTF8=1"
        )


def _refusal(entry: os.DirEntry[str], path: Path, root: Path) -> str | None:
    """Why a ``*.txt`` entry of the seeds folder cannot be read as a seed, or None."""
    if not is_name_safe(entry.name):
        return (
            "has a file name with characters that cannot be shown (not UTF-8, or control "
            "characters): rename the file"
        )
    try:
        info = os.stat(path)
    except OSError as error:
        return describe_os_error(error, path)
    if entry.is_symlink() and not path.resolve().is_relative_to(root):
        return "is a link to a file outside the seeds folder; refused"
    if stat.S_ISDIR(info.st_mode):
        return "is a folder, not a seed file: rename it so that it does not end in .txt"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file (a named pipe or a device?): seeds are text files"
    return None


@functools.lru_cache(maxsize=1 << 16)  # mkdocs serve builds the same names again and again
def slug_for(stem: str) -> str:
    """An ASCII slug of a name, never empty, at most :data:`MAX_SLUG` characters, and never a
    name the site itself uses. It depends on ``stem`` alone."""
    slug: str = slugify(stem, "-").strip("-")
    digest = hashlib.sha256(stem.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    if not slug:
        return f"briefing-{digest}"
    if len(slug) > MAX_SLUG:
        slug = slug[: MAX_SLUG - len(digest) - 1].rstrip("-") + "-" + digest
    if slug in _RESERVED_SLUGS:
        slug = f"{slug}-briefing"
    return slug


def read_seed(
    seed_file: SeedFile,
    encoding: str = DEFAULT_ENCODING,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[Seed, list[Problem]]:
    """Read one seed; raise :class:`SeedError` if it cannot be built, return warnings otherwise.

    This is the boundary of one seed file: whatever the libraries raise becomes that seed's
    error, so that one file never stops the build.
    """
    path = seed_file.path
    try:
        return _read_seed(seed_file, encoding, max_bytes)
    except SeedError:
        raise
    except InputError as error:
        raise SeedError(path, str(error), getattr(error, "line", None)) from None
    except (RecursionError, MemoryError):
        raise SeedError(path, "is too large or too deeply nested to read") from None
    except Exception as error:  # the boundary of one input file, as the module says
        raise SeedError(
            path,
            f"cannot be read ({type(error).__name__}: {shorten(error, 120)}); "
            "please report this with the file",
        ) from None


def _read_seed(seed_file: SeedFile, encoding: str, max_bytes: int) -> tuple[Seed, list[Problem]]:
    path = seed_file.path
    data = read_regular(path, max_bytes, setting="plugins.briefings.max_seed_kb")
    text, warnings = decode(path, data, encoding)
    lines = text.split("\n")
    front = split_front_matter(path, lines)
    meta = parse_meta(path, front)
    warnings.extend(front.warnings)
    title: str | None = None
    title_line = 0
    paragraphs: list[Paragraph] = []
    for number, raw in enumerate(lines[front.body_start :], start=front.body_start + 1):
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


def decode(path: Path, data: bytes, encoding: str = DEFAULT_ENCODING) -> tuple[str, list[Problem]]:
    """Seed bytes to text, newlines normalised to LF, and warnings about what was replaced.

    UTF-16 with a BOM is recognised; otherwise the encoding is the one the seed's front
    matter declares (``encoding: windows-1252``), else ``encoding`` (the configured one,
    UTF-8 by default, with or without BOM). Nothing is guessed: bytes that do not decode are
    an error naming the line and the encoding that would fit them. Characters no page, feed
    or engine can carry are replaced by spaces, with a warning.
    """
    declared: str | None = None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise SeedError(path, f"is not valid UTF-16 (byte offset {error.start})") from None
    else:
        if b"\x00" in data:
            raise SeedError(path, _binary(data))
        declared = _declared_encoding(path, data)
        name = declared or encoding
        codec = "utf-8-sig" if codecs.lookup(name).name == "utf-8" else name
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            label = "UTF-8" if codec == "utf-8-sig" else name
            hint = (
                advise_encoding(data)
                if declared is None and codec == "utf-8-sig"
                else "fix the file or its 'encoding' line"
            )
            raise SeedError(
                path, f"is not valid {label} (byte offset {error.start}): {hint}", line
            ) from None
        except UnicodeError as error:
            raise SeedError(
                path, f"cannot be decoded as {name}: {shorten(error, 80)}", None
            ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, _replaced(path, text, declared)


def advise_encoding(data: bytes) -> str:
    """What to do with bytes that are not UTF-8: the encoding that fits them, if one does
    without losing characters."""
    try:
        data.decode("windows-1252")
    except UnicodeDecodeError:
        return (
            "it is neither UTF-8 nor Windows-1252; find out which encoding it was saved in "
            "and declare it in the front matter (encoding: ...), or save it as UTF-8"
        )
    if _WINDOWS_1252_ONLY.search(data):
        return (
            "it looks like Windows-1252 (it has € or curly quotes there): save it as UTF-8, "
            "or declare 'encoding: windows-1252' in the front matter"
        )
    return (
        "it looks like Latin-1: save it as UTF-8, or declare 'encoding: latin-1' "
        "in the front matter"
    )


def _binary(data: bytes) -> str:
    offset = data.index(b"\x00")
    sample = data[:4096]
    quarter = len(sample) // 4
    if quarter and (sample[1::2].count(0) > quarter or sample[0::2].count(0) > quarter):
        return (
            f"looks like UTF-16 without a byte-order mark (NUL byte at offset {offset}): "
            "save it as UTF-8"
        )
    return f"looks binary (NUL byte at offset {offset}); seeds are text files"


def _replaced(path: Path, text: str, declared: str | None) -> list[Problem]:
    """A warning about the characters :func:`make_safe` will replace, at their first line."""
    found = describe_unsafe(text)
    if found is None:
        return []
    line, message = found
    if (
        declared
        and codecs.lookup(declared).name in ("latin-1", "iso8859-1")
        and re.search("[\x80-\x9f]", text)
    ):
        message += "; the file is probably Windows-1252: declare 'encoding: windows-1252'"
    return [Problem(path, message, line, severity="warning")]


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
    line = head.count(b"\n", 0, match.start()) + 1
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise SeedError(
            path, f"front matter 'encoding' names an unknown encoding {shorten(name)}", line
        ) from None
    if not getattr(info, "_is_text_encoding", True):
        raise SeedError(
            path,
            f"front matter 'encoding' {shorten(name)} is not a text encoding "
            "(try utf-8 or windows-1252)",
            line,
        )
    return name


@dataclass(frozen=True)
class FrontMatter:
    """The parsed front matter of a seed, with the file line of each top-level key."""

    data: dict[str, Any]
    document: Document
    body_start: int
    warnings: tuple[Problem, ...] = ()

    def line(self, key: str) -> int | None:
        return self.document.line(key)


def split_front_matter(path: Path, lines: list[str]) -> FrontMatter:
    """Parse the YAML between ``---`` lines at the top; note where the body starts."""
    empty = Document({})
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        return FrontMatter({}, empty, 0)
    for end in range(1, len(lines)):
        if lines[end].strip() in (FRONT_MATTER_FENCE, "..."):
            break
    else:
        raise SeedError(path, "front matter starts with '---' but never ends with '---'", 1)
    try:
        document = parse(make_safe("\n".join(lines[1:end])), first_line=2)
    except LocatedInputError as error:
        raise SeedError(path, f"front matter {error.message}", error.line or 1) from None
    data = document.value
    if data is None:
        return FrontMatter({}, empty, end + 1)
    if not isinstance(data, dict):
        raise SeedError(path, "front matter must be 'key: value' lines", 2)
    warnings = tuple(
        Problem(
            path,
            f"unknown front matter key {shorten(key, 40)} ignored (known: {', '.join(META_KEYS)})",
            document.line(key),
            severity="warning",
        )
        for key in data
        if key not in META_KEYS
    ) + tuple(
        Problem(path, f"front matter: {cut_short_message(where)}", line, severity="warning")
        for where, line in document.cut_short
        if where[:1] and where[0] in TEXT_KEYS  # after a date or a flag: only a comment
    )
    return FrontMatter(data, document, end + 1, warnings)


def parse_meta(path: Path, front: FrontMatter) -> SeedMeta:
    """Validate the known front matter keys; a wrong value is an error naming the line."""
    data = front.data

    def fail(key: str, message: str) -> SeedError:
        return SeedError(path, f"front matter {key!r} {message}", front.line(key))

    date = data.get("date")
    if date is not None:
        date = parse_date(date)
        if isinstance(date, str):
            raise fail("date", date)
    text_values = {}
    for key in ("source", "url", "author"):
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise fail(key, "must be a single line of text")
        text_values[key] = clean_line(value)[:500] or None
    url = text_values.get("url")
    if url is not None and not is_web_url(url):
        raise fail("url", "must be an http:// or https:// address")
    tags_value = data.get("tags")
    tags: tuple[str, ...] = ()
    if isinstance(tags_value, str):
        tags = tuple(t for t in (clean_line(x) for x in tags_value.split(",")) if t)
    elif isinstance(tags_value, list):
        if not all(isinstance(t, str) for t in tags_value):
            raise fail("tags", "must be a list of words")
        tags = tuple(t for t in (clean_line(x) for x in tags_value) if t)
    elif tags_value is not None:
        raise fail("tags", "must be a list of words")
    if any(len(tag) > 100 for tag in tags):
        raise fail("tags", "has a tag longer than 100 characters")
    if len(set(tags)) > MAX_TAGS:
        raise fail("tags", f"has {len(set(tags))} tags; a briefing may have at most {MAX_TAGS}")
    draft = flag(data["draft"]) if data.get("draft") is not None else False
    if draft is None:
        raise fail("draft", "must be true or false")
    return SeedMeta(
        date=date,
        source=text_values.get("source"),
        url=url,
        author=text_values.get("author"),
        tags=tuple(dict.fromkeys(tags)),
        draft=draft,
    )


def parse_date(value: object) -> dt.date | str:
    """The date of a front matter value, or a message saying what is wrong with it."""
    usage = "must be a date like 2024-06-21"
    if not isinstance(value, str):
        return usage
    match = _DATE.fullmatch(value.strip())
    if match is None:
        return usage
    year, month, day, hour, minute, second = match.groups()
    try:
        date = dt.date(int(year), int(month), int(day))
    except ValueError:
        return f"{shorten(value, 40)} is not a real date ({usage.removeprefix('must be ')})"
    if hour is not None:
        try:
            dt.time(int(hour), int(minute), int(second or 0))
        except ValueError:
            return f"{shorten(value, 40)} has a time that does not exist"
    return date


def is_web_url(url: str) -> bool:
    """True for absolute http(s) URLs: the only kind a page may link to."""
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        return False
    try:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # an address urllib cannot split ("http://[::1")
        return False


def read_seeds(
    seed_files: Iterable[SeedFile],
    encoding: str = DEFAULT_ENCODING,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[tuple[SeedFile, Seed | SeedError, list[Problem]]]:
    """Read each seed in turn; an unreadable one yields its error instead of stopping the rest."""
    for seed_file in seed_files:
        try:
            seed, warnings = read_seed(seed_file, encoding, max_bytes)
        except SeedError as error:
            yield seed_file, error, []
        else:
            yield seed_file, seed, warnings
