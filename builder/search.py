"""Search: a Pagefind index of the briefings, built while MkDocs renders the pages.

Readers fetch nothing of it until they search, and then only the chunks their words need.

- One index per language, so that each language has its own stemmer: ``es`` holds the Spanish
  text of every briefing, ``en`` the English. Pagefind gives a page a single language (its
  ``<html lang>``), so each briefing is indexed twice, with the other language left out by
  the ``lang`` attributes of the page's own elements.
- Only pages that mark a search body (``data-pagefind-body``, the briefing template does) are
  indexed: the index and tag pages list briefings, they are not answers to a search.
- The briefings are indexed in shards of at most ``SHARD_SIZE``. Pagefind holds everything it
  indexes in memory (about 180 kB a briefing and language here), so one shard at a time keeps
  the build within its memory budget; the browser merges the shards of a language.
- MkDocs renders on one core. Each shard is handed to Pagefind, in a thread of its own, as soon
  as its last page is rendered, so most of the indexing overlaps with the rendering.
- A shard whose pages did not change is not indexed again: its bundles are kept in the cache
  (``builder/search_cache.py``), for the next build as for ``mkdocs serve --dirty``, which
  renders only the pages that changed and so keeps the preview's search complete.

Published layout, in ``site_dir``::

    pagefind/shards.json          {"version": 1, "shards": {"es": ["es/0/", ...], "en": [...]}}
    pagefind/es/0/pagefind.js ... one Pagefind bundle per language and shard
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
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from builder.errors import StateError
from builder.lock import try_hold
from builder.search_cache import (
    SearchCache,
    copy_tree,
    page_digest,
    replace_folder,
    shard_digest,
    write_atomically,
)
from builder.text import is_utf8

log = logging.getLogger(__name__)

LANGUAGES = ("es", "en")
# At most this many briefings in one Pagefind run: about 100 MB of Pagefind's memory beside
# MkDocs' own; more shards mean more (small) index chunks fetched by each search.
SHARD_SIZE = 500
BUNDLE_DIR = "pagefind"
MANIFEST_NAME = "shards.json"
MANIFEST_VERSION = 1
BODY_MARK = "data-pagefind-body"
RUN_TIMEOUT = 600  # seconds for one Pagefind run (a shard of one language takes about 1 s)
STOP_TIMEOUT = 10  # seconds MkDocs waits for the runner when it stops
# What Pagefind writes that this site's search does not load: its own UIs and a spare module.
UNUSED_BUNDLE_FILES = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
    "wasm.unknown.pagefind",
)
# Held by the process that uses the cache folder: a second process (another 'mkdocs serve' of
# the project, a 'mkdocs build' beside one) indexes in a temporary folder of its own.
OWNER_LOCK = "owner.lock"
INSTALL_HINT = "install it with 'bash scripts/setup.sh' (or: pip install 'pagefind[bin]')"


def exclusions(language: str) -> list[str]:
    """What Pagefind leaves out of the ``language`` index of a page (inside its search body)."""
    return [
        f'[lang]:not([lang="{language}"])',  # the other language's text
        '[aria-hidden="true"]',  # hidden from readers: column headings and the like
        '[role="note"]',  # notes about the page (the machine translation notice)
        'a[href^="#"]',  # links within the page (the paragraph marks)
        ".bf-meta dt",  # the labels of the metadata ("Date", "Source"), not their values
        ".bf-reading-time",
        ".bf-legend",  # what the marks mean
        ".bf-figures",  # how many words the engine knew
        ".bf-print-only",  # the source's address, printed; its name is indexed above
    ]


def pagefind_config(language: str) -> dict[str, object]:
    """The ``pagefind.json`` for one language's runs."""
    return {
        "force_language": language,
        "exclude_selectors": exclusions(language),
        "quiet": True,
    }


def is_searchable(content: str) -> bool:
    """Whether a rendered page marks a body for the search index."""
    return BODY_MARK in content


def staged_document(content: str) -> str:
    """The page Pagefind reads for a rendered body (a whole HTML document is kept as it is)."""
    if content.lstrip()[:15].lower().startswith(("<!doctype", "<html")):
        return content
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"></head>\n'
        f"<body>\n{content}\n</body>\n</html>\n"
    )


def safe_page_path(dest_uri: str) -> PurePosixPath | None:
    """``dest_uri`` as a relative path inside the site, or None if it would leave it."""
    path = PurePosixPath(dest_uri.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts or path.suffix != ".html":
        return None
    return path


def manifest_text(shards: dict[str, list[str]]) -> str:
    """``shards.json``: the bundles the browser merges, per language, in order."""
    return json.dumps({"version": MANIFEST_VERSION, "shards": shards}, indent=1, sort_keys=True)


def find_pagefind() -> Path | None:
    """The Pagefind binary of the ``pagefind`` package, or None when it is not installed."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    executable = get_executable()
    return executable if executable is not None and executable.is_file() else None


@dataclass
class Shard:
    """Up to ``shard_size`` briefings indexed together."""

    number: int
    pages: dict[str, str] = field(default_factory=dict)  # dest_uri -> page digest, in order
    digest: str = ""  # of the bundles it needs, once closed in this build
    closed: bool = False  # handed over (to Pagefind, or found in the cache) in this build


@dataclass(frozen=True)
class SearchReport:
    """What one build did to the search index."""

    briefings: int
    shards: int
    indexed: int  # shards Pagefind indexed in this build
    reused: int  # shards whose bundles were already built
    seconds: float  # Pagefind's own time, mostly while MkDocs was still rendering
    waited: float  # time from the last page to the published index
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        if self.shards == 0 and self.problems:
            return "search: no index built"
        return (
            f"search: {self.briefings} briefing{'s' if self.briefings != 1 else ''} in "
            f"{self.shards} shard{'s' if self.shards != 1 else ''} ({', '.join(LANGUAGES)}), "
            f"{self.indexed} indexed, {self.reused} unchanged; "
            f"Pagefind {self.seconds:.2f} s, {self.waited:.2f} s after the last page"
        )


def pagefind_version(executable: Path) -> str:
    """``pagefind --version``, part of the cache's key."""
    result = subprocess.run(
        [str(executable), "--version"], capture_output=True, text=True, timeout=60, check=True
    )
    return result.stdout.strip()


def _signal_group(process: subprocess.Popen[str], number: int) -> None:
    """Send ``number`` to the process group a Pagefind run leads."""
    with contextlib.suppress(ProcessLookupError, PermissionError):  # ended already
        os.killpg(process.pid, number)


class _Runner:
    """Runs Pagefind over staged shards, one run at a time, in a thread of its own."""

    def __init__(self, executable: Path, cache: SearchCache) -> None:
        self.executable = executable
        self.cache = cache
        self.configs = cache.root / "config"
        for language in LANGUAGES:
            write_atomically(  # never through what is in its place
                self.configs / language / "pagefind.json",
                json.dumps(pagefind_config(language), indent=1).encode("utf-8"),
            )
        self.jobs: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self.lock = threading.Lock()
        self.problems: list[str] = []
        self.seconds = 0.0
        self.stopping = False
        self.process: subprocess.Popen[str] | None = None  # the Pagefind run under way
        self.thread = threading.Thread(target=self._work, name="pagefind", daemon=True)
        self.thread.start()

    def submit(self, number: int, digest: str) -> None:
        """Index shard ``number`` in every language into the bundles ``digest``."""
        self.jobs.put(lambda: self._index_shard(number, digest))

    def then(self, job: Callable[[], None]) -> None:
        """Run ``job`` in the runner's thread once the work queued before it is done."""
        self.jobs.put(job)

    def wait(self) -> None:
        self.jobs.join()

    def stop(self) -> None:
        """Stop at once (MkDocs is stopping, perhaps on Ctrl-C): the work still queued is
        dropped and a Pagefind run under way is ended. Only whole bundles are ever kept, so
        the next build indexes what was left undone."""
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

    def _index_shard(self, number: int, digest: str) -> None:
        folder = self.cache.bundles(digest)
        folder.mkdir(parents=True, exist_ok=True)
        for language in LANGUAGES:
            if not (folder / language / "pagefind-entry.json").is_file():
                self._index(self.cache.pages(number), folder, number, language)

    def _index(self, pages: Path, folder: Path, number: int, language: str) -> None:
        """Index one shard in one language into ``folder/<language>/``."""
        started = time.perf_counter()
        fresh = Path(tempfile.mkdtemp(prefix=f".{language}.", dir=folder))
        try:
            returncode, said = self._run_pagefind(pages, fresh, language)
        except (OSError, subprocess.SubprocessError) as error:
            shutil.rmtree(fresh, ignore_errors=True)
            self._fail(f"search index ({language}, shard {number}) not built: {error}")
            return
        finally:
            with self.lock:
                self.seconds += time.perf_counter() - started
        if self.stopping:
            shutil.rmtree(fresh, ignore_errors=True)
            return
        if returncode != 0 or not (fresh / "pagefind-entry.json").is_file():
            shutil.rmtree(fresh, ignore_errors=True)
            said = " ".join(said.split())[-500:] or "no message"
            self._fail(
                f"search index ({language}, shard {number}) not built: Pagefind exited with "
                f"status {returncode}: {said}"
            )
            return
        for name in UNUSED_BUNDLE_FILES:
            (fresh / name).unlink(missing_ok=True)
        replace_folder(fresh, folder / language)

    def _run_pagefind(self, pages: Path, output: Path, language: str) -> tuple[int, str]:
        """Run Pagefind over ``pages`` into ``output``: its exit status and what it said.
        The process is kept where :meth:`stop` can end it."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
        with self.lock:
            if self.stopping:
                return -1, "stopped"
            process = self.process = subprocess.Popen(
                [str(self.executable), "--site", str(pages), "--output-path", str(output)],
                cwd=self.configs / language,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                errors="replace",
                # A group of its own: a 'pagefind' that is a launcher (npm's is a Node script
                # running the binary) is ended with everything it started.
                start_new_session=True,
            )
        try:
            stdout, stderr = process.communicate(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.communicate()
            raise
        finally:
            with self.lock:
                self.process = None
        return process.returncode, stderr or stdout

    def _fail(self, message: str) -> None:
        with self.lock:
            self.problems.append(message)


@dataclass
class _Build:
    """One MkDocs build, as the search index sees it."""

    site_dir: Path
    expected: list[str]  # dest_uri of every page of the site
    seen: set[str] = field(default_factory=set)  # pages rendered in this build
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth knowing, not a problem
    indexed: int = 0  # shards handed to Pagefind
    reused: int = 0  # shards whose bundles were in the cache


class SearchIndex:
    """The site's search index: the shards of briefings, their bundles and their publication.

    Call :meth:`start_build` before the pages are rendered, :meth:`add_page` for each rendered
    page, :meth:`finish_build` after the last one, and :meth:`close` when MkDocs stops.
    ``cache_dir`` keeps staged pages and bundles between builds (a temporary folder if None).
    """

    def __init__(
        self,
        cache_dir: Path | None = None,
        *,
        executable: Path | None = None,
        shard_size: int = SHARD_SIZE,
    ) -> None:
        self.executable = executable if executable is not None else find_pagefind()
        self.shard_size = max(1, shard_size)
        self._temporary = cache_dir is None
        self._cache_dir = cache_dir or Path(tempfile.mkdtemp(prefix="briefings-search-"))
        self._cache: SearchCache | None = None
        self._owner: int | None = None  # the descriptor of the cache folder's lock
        self._runner: _Runner | None = None
        self._build: _Build | None = None
        self._shards: dict[int, Shard] = {}
        self._where: dict[str, int] = {}  # dest_uri -> shard number
        self._staged: dict[str, tuple[int, str]] = {}  # dest_uri -> (shard, digest) on disk
        self._published: dict[tuple[str, int], str] = {}  # (language, shard) -> digest
        self._open: Shard | None = None
        self._waiting: dict[int, set[str]] | None = None  # full builds: pages still to come

    # -- the build's events -------------------------------------------------------------

    def start_build(self, site_dir: Path, pages: Iterable[str], *, dirty: bool) -> None:
        """A build begins; ``pages`` are the dest_uris of every page of the site.

        The shards keep the pages they had (from the cache's manifest in a new process), less
        those gone; new pages go to the last shard while it has room, so that adding a
        briefing changes one shard. A full build renders every page again: a shard is handed
        over (to Pagefind, or found in the cache) as soon as its last page is rendered. A dirty
        build renders only the pages that changed: its shards are handed over at the end.
        """
        build = self._build = _Build(site_dir, list(pages))
        if self.executable is None:
            return
        if self._runner is None and not is_utf8(str(self._cache_dir.absolute())):
            build.problems.append(
                "search index not built: Pagefind cannot run in a folder whose path is not "
                "UTF-8 (the project folder's name, unzipped from an old archive?): rename the "
                "folder, or set plugins.briefings.cache_dir to one that is"
            )
            self.executable = None
            return
        if self._runner is None:
            try:
                build.notes.extend(self._start(self.executable))
            except (OSError, subprocess.SubprocessError) as error:
                build.problems.append(f"search index not built: Pagefind did not run: {error}")
                self.executable = None
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
        build, cache = self._build, self._cache
        if build is None or cache is None:
            return
        build.seen.add(dest_uri)
        if not is_searchable(content):
            number = self._where.get(dest_uri)
            if number is not None:
                self._drop(dest_uri)
                self._close_if_ready(self._shards.get(number), dest_uri, build)
            return
        path = safe_page_path(dest_uri)
        if path is None:
            build.problems.append(f"search: page {dest_uri!r} not indexed: not a page of the site")
            return
        document = staged_document(content)
        digest = page_digest(document)
        number = self._where.get(dest_uri)
        if number is None:
            shard = self._shard_with_room()
            self._where[dest_uri] = shard.number
        else:
            shard = self._shards[number]
            shard.closed = shard.closed and shard.pages[dest_uri] == digest
        shard.pages[dest_uri] = digest
        staged = cache.pages(shard.number) / path
        if self._staged.get(dest_uri) != (shard.number, digest) or not staged.is_file():
            cache.stage(shard.number, path, document)
            self._staged[dest_uri] = (shard.number, digest)
        self._close_if_ready(shard, dest_uri, build)

    def finish_build(self) -> SearchReport:
        """Index what is left, wait for Pagefind and publish the index into the site."""
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
        """The build failed: let Pagefind finish; the next build lays the shards out anew."""
        if self._runner is not None:
            self._runner.wait()
        self._build = None
        self._shards, self._where, self._open, self._published = {}, {}, None, {}
        self._waiting = None

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

    def _start(self, executable: Path) -> list[str]:
        """Open the cache (its key: Pagefind's version and configuration) and the runner;
        what the build should be told about the cache, if anything."""
        notes = self._own_cache_folder()
        settings = [pagefind_config(language) for language in LANGUAGES]
        key = hashlib.sha256(
            json.dumps([pagefind_version(executable), settings, UNUSED_BUNDLE_FILES]).encode()
        ).hexdigest()[:24]
        self._cache = cache = SearchCache(self._cache_dir, key, LANGUAGES)
        foreign = cache.foreign()
        if foreign:
            for path in foreign:
                os.unlink(path)  # the link or pipe itself, never what a link points to
            cache.clear()
            notes.append(
                f"search: cache emptied: it held a link, a pipe or a device ({foreign[0]!r})"
            )
        self._runner = _Runner(executable, cache)
        for number, pages in cache.load():
            self._shards[number] = Shard(number, dict(pages))
            for dest_uri, digest in pages.items():
                self._where[dest_uri] = number
                self._staged[dest_uri] = (number, digest)
        return [*notes, cache.note] if cache.note else notes

    def _own_cache_folder(self) -> list[str]:
        """Hold the cache folder for this process, or index in a temporary folder (and say
        why). Two processes staging pages and pruning bundles in one folder would pull files
        from under each other's Pagefind runs; the second one starts from scratch instead."""
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
        if self._cache.has_bundles(shard.digest):
            build.reused += 1
            return
        build.indexed += 1
        self._cache.tidy_stage(shard.number, [PurePosixPath(p) for p in shard.pages])
        self._runner.submit(shard.number, shard.digest)

    def _drop(self, dest_uri: str) -> None:
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
            problems = (build.problems if build else []) or [
                f"search index not built: Pagefind is not installed; {INSTALL_HINT}"
            ]
            return lambda: SearchReport(0, 0, 0, 0, 0.0, 0.0, tuple(problems))
        self._adopt_unrendered_pages(build)
        self._build = None
        for shard in sorted(self._shards.values(), key=lambda s: s.number):
            if not shard.closed:
                self._close(shard, build)
        self._open = None
        shards = {n: s.digest for n, s in self._shards.items()}
        pages = [(n, dict(s.pages)) for n, s in sorted(self._shards.items())]
        briefings = len(self._where)

        def publish() -> SearchReport:
            with runner.lock:
                problems = [*build.problems, *runner.problems]
                runner.problems.clear()
                seconds, runner.seconds = runner.seconds, 0.0
            listed = self._publish(cache, build.site_dir / BUNDLE_DIR, shards)
            cache.save(pages)
            cache.prune(shards, shards.values())
            if any(len(found) < len(shards) for found in listed.values()):
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
        self, cache: SearchCache, folder: Path, shards: dict[int, str]
    ) -> dict[str, list[str]]:
        """Put each shard's bundles into the site (those not there yet) and list them."""
        listed: dict[str, list[str]] = {language: [] for language in LANGUAGES}
        for language, number in list(self._published):
            if number not in shards:
                shutil.rmtree(folder / language / str(number), ignore_errors=True)
                del self._published[(language, number)]
        for number, digest in sorted(shards.items()):
            for language in LANGUAGES:
                bundle = cache.bundles(digest) / language
                target = folder / language / str(number)
                if not (bundle / "pagefind-entry.json").is_file():
                    shutil.rmtree(target, ignore_errors=True)
                    self._published.pop((language, number), None)
                    continue
                if self._published.get((language, number)) != digest or not target.is_dir():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    fresh = Path(tempfile.mkdtemp(prefix=f".{number}.", dir=target.parent))
                    copy_tree(bundle, fresh)
                    replace_folder(fresh, target)
                    self._published[(language, number)] = digest
                listed[language].append(f"{language}/{number}/")
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(folder / MANIFEST_NAME, manifest_text(listed).encode("utf-8"))
        return listed
