"""Search: an index of the briefings of its own, built while MkDocs renders the pages.

Readers fetch nothing of it until they search, and then only the chunks their words need.

- Both languages are indexed, each with its own stemmer (``builder/search_text.py``); the
  files of the index are described in ``builder/search_index.py``.
- Only pages that mark a search body (``data-search-body``, the briefing template does) are
  indexed: the index and tag pages list briefings, they are not answers to a search.
- The briefings are indexed in shards of at most ``SHARD_SIZE``. MkDocs renders on one core:
  each shard is handed to the indexer's own process (``builder/search_worker.py``) as soon
  as its last page is rendered, so the indexing runs on another core while the rendering
  goes on, and only the last shard is left when the last page is written.
- A shard whose pages did not change is not indexed again: its files are kept in the cache
  (``builder/search_cache.py``), for the next build as for ``mkdocs serve --dirty``, which
  renders only the pages that changed and so keeps the preview's search complete.

Published layout, in ``site_dir``::

    bf-search/shards.json        {"version": 2, "shards": [["0/", digest], ...]}
    bf-search/<shard>/...        one shard's index (``builder/search_index.py``)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from builder.errors import InputError, OutputError, StateError
from builder.files import describe_os_error, ensure_folder, read_regular
from builder.lock import try_hold
from builder.search_cache import (
    SearchCache,
    copy_tree,
    page_digest,
    replace_folder,
    shard_digest,
    write_atomically,
)
from builder.search_index import CHUNK_BYTES, FORMAT_VERSION, SHARD_FILE, expected_files
from builder.search_text import (
    ANALYSIS_VERSION,
    BODY_MARK,
    STEMMERS,
    TITLE_WEIGHT,
    is_searchable,
)

log = logging.getLogger(__name__)

__all__ = ["BODY_MARK", "SearchIndex", "SearchReport", "is_searchable"]

# At most this many briefings in one shard: each query fetches a chunk of every shard, and a
# shard's index is made on the other core while MkDocs renders the next one's pages.
SHARD_SIZE = 500
BUNDLE_DIR = "bf-search"
MANIFEST_NAME = "shards.json"
MANIFEST_VERSION = 2
MAX_INDEX_BYTES = 16 << 20  # a shard's index.json: about 40 kB for 500 briefings
RUN_TIMEOUT = 600  # seconds for one shard (500 briefings take about half a second)
STOP_TIMEOUT = 10  # seconds MkDocs waits for the runner when it stops
# Held by the process that uses the cache folder: a second process (another 'mkdocs serve' of
# the project, a 'mkdocs build' beside one) indexes in a temporary folder of its own.
OWNER_LOCK = "owner.lock"


def worker_command() -> list[str]:
    """How the indexer's process is started: this Python, this project's ``builder``.

    ``-P``: ``-m`` would put the current folder first on the import path, and a ``json.py`` or
    ``Stemmer.py`` in the folder ``mkdocs`` was started from would be run in its place."""
    return [sys.executable, "-P", "-m", "builder.search_worker"]


def index_key() -> str:
    """What the shards' files depend on besides their pages: part of the cache's key."""
    from importlib.metadata import version

    settings = [
        FORMAT_VERSION,
        ANALYSIS_VERSION,
        CHUNK_BYTES,
        TITLE_WEIGHT,
        STEMMERS,
        version("PyStemmer"),
    ]
    return hashlib.sha256(json.dumps(settings).encode()).hexdigest()[:24]


def page_url(dest_uri: str) -> str:
    """A page's address relative to the site's root, from its file (as MkDocs makes it)."""
    if dest_uri == "index.html":
        return ""
    return dest_uri.removesuffix("index.html") if dest_uri.endswith("/index.html") else dest_uri


def safe_page_path(dest_uri: str) -> PurePosixPath | None:
    """``dest_uri`` as a relative path inside the site, or None if it would leave it."""
    path = PurePosixPath(dest_uri.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts or path.suffix != ".html":
        return None
    return path


def manifest_text(shards: list[tuple[str, str]]) -> str:
    """``shards.json``: the shards the browser searches, in order, each with the digest of its
    files (the browser asks for them with it, so that no cached copy of an older index is
    mixed with a newer one)."""
    return json.dumps({"version": MANIFEST_VERSION, "shards": shards}, indent=1, sort_keys=True)


@dataclass
class Shard:
    """Up to ``shard_size`` briefings indexed together."""

    number: int
    pages: dict[str, str] = field(default_factory=dict)  # dest_uri -> page digest, in order
    digest: str = ""  # of the index files it needs, once closed in this build
    closed: bool = False  # handed over (to the indexer, or found in the cache) in this build


@dataclass(frozen=True)
class SearchReport:
    """What one build did to the search index."""

    briefings: int
    shards: int
    indexed: int  # shards indexed in this build
    reused: int  # shards whose index files were already made
    seconds: float  # the indexer's own time, mostly while MkDocs was still rendering
    waited: float  # time from the last page to the published index
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        if self.shards == 0 and self.problems:
            return "search: no index built"
        return (
            f"search: {self.briefings} briefing{'s' if self.briefings != 1 else ''} in "
            f"{self.shards} shard{'s' if self.shards != 1 else ''}, "
            f"{self.indexed} indexed, {self.reused} unchanged; "
            f"indexer {self.seconds:.2f} s, {self.waited:.2f} s after the last page"
        )


def _signal_group(process: subprocess.Popen[bytes], number: int) -> None:
    """Send ``number`` to the process group the indexer's process leads."""
    with contextlib.suppress(ProcessLookupError, PermissionError):  # ended already
        os.killpg(process.pid, number)


class _Runner:
    """Hands staged shards to the indexer's process, one at a time, from a thread of its own."""

    def __init__(self, command: Sequence[str], cache: SearchCache) -> None:
        self.command = list(command)
        self.cache = cache
        self.jobs: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self.lock = threading.Lock()
        self.problems: list[str] = []
        self.seconds = 0.0
        self.stopping = False
        self.process: subprocess.Popen[bytes] | None = None  # the indexer, once started
        self.said: IO[bytes] | None = None  # its standard error
        self.thread = threading.Thread(target=self._work, name="search-index", daemon=True)
        self.thread.start()

    def submit(
        self, number: int, digest: str, pages: list[tuple[str, str | None]], site_dir: Path
    ) -> None:
        """Index shard ``number`` into the files ``digest``: its ``pages`` in order, each with
        its rendered body, or None to read it from the built site in ``site_dir``."""
        self.jobs.put(lambda: self._index_shard(number, digest, pages, site_dir))

    def then(self, job: Callable[[], None]) -> None:
        """Run ``job`` in the runner's thread once the work queued before it is done."""
        self.jobs.put(job)

    def wait(self) -> None:
        self.jobs.join()

    def stop(self) -> None:
        """Stop at once (MkDocs is stopping, perhaps on Ctrl-C): the work still queued is
        dropped and the indexer's process is ended. Only whole shards are ever kept, so the
        next build indexes what was left undone."""
        with self.lock:
            self.stopping = True
            if self.process is not None:
                _signal_group(self.process, signal.SIGTERM)
        while True:
            try:
                self.jobs.get_nowait()
            except queue.Empty:
                break
            self.jobs.task_done()
        self.jobs.put(None)
        self.thread.join(timeout=STOP_TIMEOUT)
        self._end_process()

    def _work(self) -> None:
        while True:
            job = self.jobs.get()
            try:
                if job is None:
                    return
                job()
            except Exception as error:  # reported with the build; the thread must go on
                log.debug("search: indexing failed", exc_info=True)
                self._fail(f"search: indexing failed: {error!r}")
            finally:
                self.jobs.task_done()

    def _index_shard(
        self, number: int, digest: str, pages: list[tuple[str, str | None]], site_dir: Path
    ) -> None:
        target = self.cache.bundles(digest)
        if (target / "index.json").is_file():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        fresh = Path(tempfile.mkdtemp(prefix=".new.", dir=target.parent))
        started = time.perf_counter()
        bodies = [None if c is None else c.encode("utf-8", "surrogatepass") for _, c in pages]
        header = {
            "site": str(site_dir),
            "pages": [
                [uri, page_url(uri), -1 if body is None else len(body)]
                for (uri, _), body in zip(pages, bodies, strict=True)
            ],
            "output": str(fresh),
        }
        job = json.dumps(header).encode("utf-8", "surrogateescape") + b"\n"
        try:
            answer = self._ask(job + b"".join(body for body in bodies if body is not None))
        except (OSError, subprocess.SubprocessError, ValueError) as error:
            answer = {"error": str(error)}
        finally:
            with self.lock:
                self.seconds += time.perf_counter() - started
        if self.stopping or "error" in answer or not (fresh / "index.json").is_file():
            shutil.rmtree(fresh, ignore_errors=True)
            if not self.stopping:
                said = " ".join(str(answer.get("error", "no index made")).split())[-500:]
                self._fail(f"search index (shard {number}) not built: {said}")
            return
        replace_folder(fresh, target)

    def _ask(self, job: bytes) -> dict[str, object]:
        """Hand one job to the indexer's process (started if need be) and read its answer;
        a process that hangs past ``RUN_TIMEOUT`` is ended."""
        with self.lock:
            if self.stopping:
                return {"error": "stopped"}
            if self.process is None or self.process.poll() is not None:
                self.process = subprocess.Popen(
                    self.command,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=self._said(),
                    env=_worker_environment(),
                    # A group of its own, ended with whatever it started.
                    start_new_session=True,
                )
            process = self.process
        if process.stdin is None or process.stdout is None:  # never: both are pipes
            raise subprocess.SubprocessError("the indexer's process has no pipes")
        timer = threading.Timer(RUN_TIMEOUT, _signal_group, (process, signal.SIGKILL))
        timer.start()
        try:
            process.stdin.write(job)
            process.stdin.flush()
            line = process.stdout.readline()
        finally:
            timer.cancel()
        if not line:
            self._end_process()
            said = self._read_said()
            why = " ".join(said.split())[-500:] or f"status {process.returncode}"
            raise subprocess.SubprocessError(f"the indexer's process ended ({why})")
        answer = json.loads(line.decode("utf-8", "replace"))
        if not isinstance(answer, dict):
            raise ValueError(f"the indexer answered {line[:200]!r}")
        return answer

    def _end_process(self) -> None:
        with self.lock:
            process, self.process = self.process, None
        if process is None:
            return
        with contextlib.suppress(OSError):
            if process.stdin is not None:
                process.stdin.close()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()
        if process.stdout is not None:
            process.stdout.close()

    def _said(self) -> IO[bytes]:
        """A new file for what the indexer's process says on its standard error (a pipe
        nobody reads could fill up and stop it)."""
        if self.said is not None:
            self.said.close()
        self.said = tempfile.TemporaryFile()  # noqa: SIM115 (kept open with the process)
        return self.said

    def _read_said(self) -> str:
        if self.said is None:
            return ""
        self.said.seek(0)
        return self.said.read()[-2000:].decode("utf-8", "replace")

    def _fail(self, message: str) -> None:
        with self.lock:
            self.problems.append(message)


def _copy_shard(files: Path, target: Path) -> str:
    """Copy a cached shard's files (only those a shard has) into ``target``; return what is
    wrong with it, or "" when it is whole."""
    try:
        copied = copy_tree(files, target, SHARD_FILE)
        missing = expected_files(read_regular(files / "index.json", MAX_INDEX_BYTES)) - copied
    except (InputError, OSError, ValueError, UnicodeError, RecursionError) as error:
        return f"cannot be read ({error})"
    if missing:
        return f"lacks {len(missing)} of its files ({min(missing)}, ...)"
    return ""


def _worker_environment() -> dict[str, str]:
    """The indexer's environment: this one, with this project's ``builder`` importable."""
    env = dict(os.environ)
    project = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (project, env.get("PYTHONPATH")) if p)
    return env


@dataclass
class _Build:
    """One MkDocs build, as the search index sees it."""

    site_dir: Path
    expected: list[str]  # dest_uri of every page of the site
    seen: set[str] = field(default_factory=set)  # pages rendered in this build
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth knowing, not a problem
    indexed: int = 0  # shards handed to the indexer
    reused: int = 0  # shards whose index files were in the cache


class SearchIndex:
    """The site's search index: the shards of briefings, their files and their publication.

    Call :meth:`start_build` before the pages are rendered, :meth:`add_page` for each rendered
    page, :meth:`finish_build` after the last one, and :meth:`close` when MkDocs stops.
    ``cache_dir`` keeps staged pages and index files between builds (a temporary folder if
    None); ``command`` starts the indexer's process (:func:`worker_command`).
    """

    def __init__(
        self,
        cache_dir: Path | None = None,
        *,
        command: Sequence[str] | None = None,
        shard_size: int = SHARD_SIZE,
    ) -> None:
        self.command = list(command) if command is not None else worker_command()
        self.shard_size = max(1, shard_size)
        self._temporary = cache_dir is None
        self._cache_dir = cache_dir or Path(tempfile.mkdtemp(prefix="briefings-search-"))
        self._cache: SearchCache | None = None
        self._owner: int | None = None  # the descriptor of the cache folder's lock
        self._runner: _Runner | None = None
        self._build: _Build | None = None
        self._shards: dict[int, Shard] = {}
        self._where: dict[str, int] = {}  # dest_uri -> shard number
        # The bodies rendered in this build, until their shard is handed over.
        self._contents: dict[str, str] = {}
        self._published: dict[int, str] = {}  # shard -> digest of its files in the site
        self._open: Shard | None = None
        self._waiting: dict[int, set[str]] | None = None  # full builds: pages still to come

    # -- the build's events -------------------------------------------------------------

    def start_build(self, site_dir: Path, pages: Iterable[str], *, dirty: bool) -> None:
        """A build begins; ``pages`` are the dest_uris of every page of the site.

        The shards keep the pages they had (from the cache's manifest in a new process), less
        those gone; new pages go to the last shard while it has room, so that adding a
        briefing changes one shard. A full build renders every page again: a shard is handed
        over (to the indexer, or found in the cache) as soon as its last page is rendered. A dirty
        build renders only the pages that changed: its shards are handed over at the end.
        """
        build = self._build = _Build(site_dir, list(pages))
        if self._runner is None:
            try:
                build.notes.extend(self._start())
            except OSError as error:
                build.problems.append(f"search index not built: its cache did not open: {error}")
                return
        if self._runner is not None:
            self._runner.wait()  # the last build's index, if it was left to finish alone
        for shard in self._shards.values():
            shard.closed = False
        self._open = None
        if not dirty:
            self._published = {}  # MkDocs has emptied the site
        current = set(build.expected)
        for dest_uri in [p for p in self._where if p not in current]:
            self._drop(dest_uri)
        self._waiting = (
            None if dirty else {n: set(shard.pages) for n, shard in self._shards.items()}
        )

    def add_page(self, dest_uri: str, content: str) -> None:
        """A page was rendered; ``content`` is its body (or its whole HTML document)."""
        build = self._build
        if build is None or self._cache is None:
            return
        build.seen.add(dest_uri)
        if not is_searchable(content):
            number = self._where.get(dest_uri)
            if number is not None:
                self._drop(dest_uri)
                self._close_if_ready(self._shards.get(number), dest_uri, build)
            return
        if dest_uri not in self._where and safe_page_path(dest_uri) is None:
            build.problems.append(f"search: page {dest_uri!r} not indexed: not a page of the site")
            return
        digest = page_digest(content)
        number = self._where.get(dest_uri)
        if number is None:
            shard = self._shard_with_room()
            self._where[dest_uri] = shard.number
        else:
            shard = self._shards[number]
            shard.closed = shard.closed and shard.pages[dest_uri] == digest
        shard.pages[dest_uri] = digest
        self._contents[dest_uri] = content
        self._close_if_ready(shard, dest_uri, build)

    def finish_build(self) -> SearchReport:
        """Index what is left, wait for the indexer and publish the index into the site."""
        publish = self._finish()
        if self._runner is not None:
            self._runner.wait()
        return publish()

    def finish_build_in_background(self, report_to: Callable[[SearchReport], None]) -> None:
        """Like :meth:`finish_build`, but return at once and hand the report to ``report_to``
        from the runner's thread: ``mkdocs serve`` shows the pages without waiting for the
        index, and the next build waits for it before changing it."""
        publish = self._finish()
        if self._runner is None:
            report_to(publish())
        else:
            self._runner.then(lambda: report_to(publish()))

    def abort_build(self) -> None:
        """The build failed: let the indexer finish; the next build lays the shards out anew."""
        if self._runner is not None:
            self._runner.wait()
        self._build = None
        self._shards, self._where, self._open, self._published = {}, {}, None, {}
        self._waiting, self._contents = None, {}

    def close(self) -> None:
        """Stop the runner (and remove the cache if it was a temporary one)."""
        if self._runner is not None:
            self._runner.stop()
            self._runner = None
        if self._owner is not None:
            os.close(self._owner)
            self._owner = None
        if self._temporary:
            shutil.rmtree(self._cache_dir, ignore_errors=True)

    # -- shards ---------------------------------------------------------------------------

    def _start(self) -> list[str]:
        """Open the cache (its key: the index's format and stemmers) and the runner; what the
        build should be told about the cache, if anything."""
        notes = self._own_cache_folder()
        self._cache = cache = SearchCache(self._cache_dir, index_key())
        foreign = cache.foreign()
        if foreign:
            for path in foreign:
                os.unlink(path)  # the link or pipe itself, never what a link points to
            cache.clear()
            notes.append(
                f"search: cache emptied: it held a link, a pipe or a device ({foreign[0]!r})"
            )
        self._runner = _Runner(self.command, cache)
        for number, pages in cache.load():
            self._shards[number] = Shard(number, dict(pages))
            for dest_uri in pages:
                self._where[dest_uri] = number
        return [*notes, cache.note] if cache.note else notes

    def _own_cache_folder(self) -> list[str]:
        """Hold the cache folder for this process, or index in a temporary folder (and say
        why). Two processes staging pages and pruning bundles in one folder would pull files
        from under each other's indexers; the second one starts from scratch instead."""
        if self._temporary or self._owner is not None:
            return []
        if self._cache_dir.is_symlink():
            why = (
                f"the index's cache {str(self._cache_dir)!r} is a symbolic link, not used (the "
                "builder writes only into folders of its own): remove the link"
            )
        else:
            try:
                self._owner, holder = try_hold(self._cache_dir / OWNER_LOCK)
            except StateError as error:
                holder, why = "", f"the index's cache is not used: {error}"
            else:
                why = f"another process of this project (process {holder}) uses the index's cache"
            if self._owner is not None:
                return []
        self._temporary = True
        self._cache_dir = Path(tempfile.mkdtemp(prefix="briefings-search-"))
        return [f"search: {why}; this one indexes every briefing in a temporary folder"]

    def _shard_with_room(self) -> Shard:
        """The shard new pages go to: the last one while it has room (and is not closed in
        this build), else a new one."""
        if self._open is None and self._shards:
            last = self._shards[max(self._shards)]
            if len(last.pages) < self.shard_size and not last.closed:
                self._open = last
        if self._open is None or len(self._open.pages) >= self.shard_size:
            number = max(self._shards, default=-1) + 1
            self._open = self._shards[number] = Shard(number)
        return self._open

    def _close_if_ready(self, shard: Shard | None, dest_uri: str, build: _Build) -> None:
        """In a full build, hand a shard over once its last page came (and, for the shard
        new pages go to, once it is full)."""
        if shard is None or shard.closed or self._waiting is None:
            return
        waiting = self._waiting.get(shard.number)
        if waiting:
            waiting.discard(dest_uri)
            if waiting:
                return
        last = shard.number == max(self._shards)
        if shard is self._open or (last and self._open is None):
            # The shard new pages go to stays open while it has room: a new briefing, whose
            # page may come last, joins it instead of starting a shard of its own.
            if len(shard.pages) < self.shard_size:
                return
            self._open = None
        self._close(shard, build)

    def _close(self, shard: Shard, build: _Build) -> None:
        """The shard is complete for this build: take its bundles from the cache, or index it."""
        if self._cache is None or self._runner is None:
            return
        shard.closed = True
        shard.digest = shard_digest(shard.pages, self._cache.key)
        # A page not rendered in this build (a dirty one) is read from the built site.
        # Numbered in sorted order, as the digest is made: the same digest (the files' ``?v=``)
        # always means the same numbering, whatever order this build rendered them in.
        pages = [(uri, self._contents.pop(uri, None)) for uri in sorted(shard.pages)]
        if self._cache.has_bundles(shard.digest):
            build.reused += 1
            return
        build.indexed += 1
        self._runner.submit(shard.number, shard.digest, pages, build.site_dir)

    def _drop(self, dest_uri: str) -> None:
        self._contents.pop(dest_uri, None)
        number = self._where.pop(dest_uri)
        shard = self._shards[number]
        del shard.pages[dest_uri]
        shard.closed = False
        if not shard.pages:
            del self._shards[number]
            if shard is self._open:
                self._open = None

    def _adopt_unrendered_pages(self, build: _Build) -> None:
        """Read pages this build did not render and no shard knows from the built site.

        Happens in a one-off ``mkdocs build --dirty`` without a cache: the site is complete,
        this process has not seen its unchanged pages.
        """
        for dest_uri in build.expected:
            if dest_uri in build.seen or dest_uri in self._where:
                continue
            path = safe_page_path(dest_uri)
            if path is None:
                continue
            try:
                html = (build.site_dir / path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            self.add_page(dest_uri, html)

    def _finish(self) -> Callable[[], SearchReport]:
        """Close every shard of this build; return what publishes the index after that."""
        started = time.perf_counter()
        build, runner, cache = self._build, self._runner, self._cache
        if build is None or runner is None or cache is None:
            self._build = None
            problems = (build.problems if build else []) or ["search index not built"]
            return lambda: SearchReport(0, 0, 0, 0, 0.0, 0.0, tuple(problems))
        self._adopt_unrendered_pages(build)
        self._build = None
        for shard in sorted(self._shards.values(), key=lambda s: s.number):
            if not shard.closed:
                self._close(shard, build)
        self._open, self._contents = None, {}
        shards = {n: s.digest for n, s in self._shards.items()}
        pages = [(n, dict(s.pages)) for n, s in sorted(self._shards.items())]
        briefings = len(self._where)

        def publish() -> SearchReport:
            with runner.lock:
                problems = [*build.problems, *runner.problems]
                runner.problems.clear()
                seconds, runner.seconds = runner.seconds, 0.0
            listed = self._publish(cache, build.site_dir, shards, problems)
            cache.save(pages)
            cache.prune(shards.values())
            if len(listed) < len(shards):
                problems.append(
                    "search: some shards have no index, so search misses their briefings"
                )
            return SearchReport(
                briefings=briefings,
                shards=len(shards),
                indexed=build.indexed,
                reused=build.reused,
                seconds=seconds,
                waited=time.perf_counter() - started,
                problems=tuple(problems),
                notes=tuple(build.notes),
            )

        return publish

    def _publish(
        self, cache: SearchCache, site_dir: Path, shards: dict[int, str], problems: list[str]
    ) -> list[tuple[str, str]]:
        """Put each shard's files into the site (those not there yet) and list them; what goes
        wrong is added to ``problems``."""
        try:
            # A link in the index's place (left there, or made by hand) is never written through.
            site_dir.mkdir(parents=True, exist_ok=True)  # the site's own: MkDocs makes it too
            folder = ensure_folder(site_dir, Path(BUNDLE_DIR))
        except (OSError, OutputError) as error:
            self._published.clear()
            why = describe_os_error(error) if isinstance(error, OSError) else str(error)
            problems.append(f"search index not published: {why}")
            return []
        listed: list[tuple[str, str]] = []
        for number in list(self._published):
            if number not in shards:
                shutil.rmtree(folder / str(number), ignore_errors=True)
                del self._published[number]
        for number, digest in sorted(shards.items()):
            files = cache.bundles(digest)
            target = folder / str(number)
            if not (files / "index.json").is_file():  # not made: the indexer said why
                shutil.rmtree(target, ignore_errors=True)
                self._published.pop(number, None)
                continue
            if self._published.get(number) != digest or target.is_symlink() or not target.is_dir():
                fresh = Path(tempfile.mkdtemp(prefix=f".{number}.", dir=folder))
                wrong = _copy_shard(files, fresh)
                if wrong:
                    shutil.rmtree(fresh, ignore_errors=True)
                    shutil.rmtree(target, ignore_errors=True)
                    shutil.rmtree(files, ignore_errors=True)  # made again by the next build
                    self._published.pop(number, None)
                    problems.append(
                        f"search index (shard {number}) left out: its copy in the cache "
                        f"{wrong}; it is made again by the next build"
                    )
                    continue
                replace_folder(fresh, target)
                self._published[number] = digest
            listed.append((f"{number}/", digest))
        write_atomically(folder / MANIFEST_NAME, manifest_text(listed).encode("utf-8"))
        return listed
