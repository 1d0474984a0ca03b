"""The search indexer's own process: ``python -m builder.search_worker``.

MkDocs renders pages on one core; this process makes the index of each finished shard on
another, while the rendering goes on (``builder/search.py`` starts it and hands it the
shards). It reads one job a line on standard input, as JSON::

    {"stage": "<folder of staged pages>", "pages": [[dest_uri, url], ...], "output": "<folder>"}

writes the shard's files into ``output`` (an empty folder the caller made) and answers one line
on standard output: ``{"seconds": 0.41}``, or ``{"error": "..."}``. It keeps its stemmed words
from one shard to the next, and ends at the end of its input.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path, PurePosixPath
from typing import TextIO

from builder.errors import InputError
from builder.files import read_regular
from builder.search_index import Document, shard_files
from builder.search_text import Analyser

MAX_PAGE_BYTES = 64 << 20


def _checked_job(line: str) -> tuple[Path, list[tuple[PurePosixPath, str]], Path]:
    job = json.loads(line)
    if not isinstance(job, dict):
        raise ValueError("a job is not a mapping")
    stage, output, pages = job.get("stage"), job.get("output"), job.get("pages")
    if not isinstance(stage, str) or not isinstance(output, str) or not isinstance(pages, list):
        raise ValueError("a job needs stage, output and pages")
    listed = []
    for entry in pages:
        if not isinstance(entry, list) or len(entry) != 2:
            raise ValueError(f"bad page entry {entry!r}")
        if not all(isinstance(part, str) for part in entry):
            raise ValueError(f"bad page entry {entry!r}")
        path = PurePosixPath(entry[0])
        if path.is_absolute() or ".." in path.parts or path.suffix != ".html":
            raise ValueError(f"page {entry[0]!r} is not inside the site")
        listed.append((path, entry[1]))
    return Path(stage), listed, Path(output)


def index_shard(
    stage: Path, pages: list[tuple[PurePosixPath, str]], output: Path, analyser: Analyser
) -> None:
    """Read a shard's staged pages and write its index files into ``output``."""
    documents = [
        Document(url, read_regular(stage / path, MAX_PAGE_BYTES).decode("utf-8", "surrogatepass"))
        for path, url in pages
    ]
    for name, data in sorted(shard_files(documents, analyser).items()):
        target = output / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as file:  # a new file in the caller's new folder, never another
            file.write(data)


def serve(jobs: TextIO, answers: TextIO) -> None:
    """Index each job of ``jobs``, answering each on ``answers``."""
    analyser = Analyser()
    for line in jobs:
        started = time.perf_counter()
        try:
            stage, pages, output = _checked_job(line)
            index_shard(stage, pages, output, analyser)
            answer: dict[str, object] = {"seconds": round(time.perf_counter() - started, 3)}
        except (InputError, OSError, ValueError, UnicodeError, RecursionError) as error:
            answer = {"error": f"{type(error).__name__}: {error}"}
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


if __name__ == "__main__":
    serve(sys.stdin, sys.stdout)
