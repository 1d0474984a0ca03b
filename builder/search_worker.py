"""The search indexer's own process: ``python -m builder.search_worker``.

MkDocs renders pages on one core; this process makes the index of each finished shard on
another, while the rendering goes on (``builder/search.py`` starts it and hands it the
shards). A job on standard input is a line of JSON::

    {"site": "<site_dir>", "pages": [[dest_uri, url, length], ...], "output": "<folder>"}

followed by the bodies of the pages, in UTF-8, one after the other: ``length`` bytes each (a
page as rendered in this build), or none for a length of -1 (a page this build did not render,
a dirty one: it is read from the built site). It writes the shard's files into ``output`` (an
empty folder the caller made) and answers one line on standard output: ``{"seconds": 0.41}``,
or ``{"error": "..."}``. It keeps its stemmed words from one shard to the next, and ends at
the end of its input, or after a job it could not read to its end.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from builder.errors import InputError
from builder.files import read_regular
from builder.search_index import Document, shard_files
from builder.search_text import Analyser

MAX_PAGE_BYTES = 64 << 20

Page = tuple[PurePosixPath, str, int]  # its file in the site, its address, its length or -1


class UnreadableJob(ValueError):
    """A job whose header or bodies could not be read: the jobs after it cannot be found."""


def _checked_job(line: bytes) -> tuple[Path, list[Page], Path]:
    try:
        job = json.loads(line.decode("utf-8", "surrogateescape"))
    except (ValueError, RecursionError) as error:
        raise UnreadableJob(f"a job's header is not JSON: {error}") from None
    if not isinstance(job, dict):
        raise UnreadableJob("a job is not a mapping")
    site, output, pages = job.get("site"), job.get("output"), job.get("pages")
    if not isinstance(site, str) or not isinstance(output, str) or not isinstance(pages, list):
        raise UnreadableJob("a job needs site, output and pages")
    listed: list[Page] = []
    for entry in pages:
        if not isinstance(entry, list) or len(entry) != 3:
            raise UnreadableJob(f"bad page entry {str(entry)[:200]!r}")
        uri, url, length = entry
        if not isinstance(uri, str) or not isinstance(url, str):
            raise UnreadableJob(f"bad page entry {str(entry)[:200]!r}")
        if type(length) is not int or length < -1 or length > MAX_PAGE_BYTES:
            raise UnreadableJob(f"bad page length for {uri!r}")
        listed.append((PurePosixPath(uri), url, length))
    return Path(site), listed, Path(output)


def _body(site: Path, path: PurePosixPath, body: str | None) -> str:
    """A page's body as handed over, or the page as built in the site."""
    if body is not None:
        return body
    if path.is_absolute() or ".." in path.parts or path.suffix != ".html":
        raise ValueError(f"page {str(path)!r} is not inside the site")
    try:
        return read_regular(site / path, MAX_PAGE_BYTES).decode("utf-8", "surrogatepass")
    except (InputError, OSError) as error:
        raise ValueError(f"page {str(path)!r} of the built site: {error}") from None


def index_shard(
    site: Path,
    pages: list[tuple[PurePosixPath, str, str | None]],
    output: Path,
    analyser: Analyser,
) -> None:
    """Index a shard's pages (each with its body, or None to read it from ``site``) and
    write its files into ``output``."""
    documents = [Document(url, _body(site, path, body)) for path, url, body in pages]
    for name, data in sorted(shard_files(documents, analyser).items()):
        target = output / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as file:  # a new file in the caller's new folder, never another
            file.write(data)


def _bodies(jobs: BinaryIO, pages: list[Page]) -> list[tuple[PurePosixPath, str, str | None]]:
    """Read the bodies that follow a job's header."""
    found: list[tuple[PurePosixPath, str, str | None]] = []
    for path, url, length in pages:
        body = None
        if length >= 0:
            data = jobs.read(length)
            if len(data) != length:
                raise UnreadableJob("the job ended before its bodies did")
            body = data.decode("utf-8", "surrogatepass")
        found.append((path, url, body))
    return found


def serve(jobs: BinaryIO, answers: BinaryIO) -> None:
    """Index each job of ``jobs``, answering each on ``answers``."""
    analyser = Analyser()
    for line in iter(jobs.readline, b""):
        started = time.perf_counter()
        unreadable = False
        try:
            site, pages, output = _checked_job(line)
            index_shard(site, _bodies(jobs, pages), output, analyser)
            answer: dict[str, object] = {"seconds": round(time.perf_counter() - started, 3)}
        except (InputError, OSError, ValueError, UnicodeError, RecursionError) as error:
            answer = {"error": f"{type(error).__name__}: {error}"}
            unreadable = isinstance(error, UnreadableJob)
        answers.write(json.dumps(answer).encode("utf-8") + b"\n")
        answers.flush()
        if unreadable:
            return


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
