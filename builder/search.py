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
- ``mkdocs serve --dirty`` renders only the pages that changed: the shards of those pages are
  indexed again, the others are kept, so the preview's search stays complete.

Published layout, in ``site_dir``::

    pagefind/shards.json          {"version": 1, "shards": {"es": ["es/0/", ...], "en": [...]}}
    pagefind/es/0/pagefind.js ... one Pagefind bundle per language and shard
"""

from __future__ import annotations

import json
import logging
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

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
INSTALL_HINT = "install it with 'bash scripts/setup.sh' (or: pip install 'pagefind[bin]')"


def exclusions(language: str) -> list[str]:
    """What Pagefind leaves out of the ``language`` index of a page (inside its search body)."""
    return [
        f'[lang]:not([lang="{language}"])',  # the other language's text
        '[aria-hidden="true"]',  # hidden from readers: column headings and the like
        '[role="note"]',  # notes about the page (the machine translation notice)
        'a[href^="#"]',  # links within the page (the paragraph marks)
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
    """Up to ``SHARD_SIZE`` briefings indexed together; ``dirty`` until its bundles are built."""

    number: int
    pages: dict[str, None] = field(default_factory=dict)  # dest_uri, in render order
    dirty: bool = True
    submitted: bool = False


@dataclass(frozen=True)
class SearchReport:
    """What one build did to the search index."""

    briefings: int
    shards: int
    indexed: int  # shards indexed in this build (the others were kept)
    seconds: float  # Pagefind's own time, mostly while MkDocs was still rendering
    waited: float  # time the build waited for Pagefind after the last page
    problems: tuple[str, ...] = ()

    def summary(self) -> str:
        if self.shards == 0 and self.problems:
            return "search: no index built"
        languages = ", ".join(LANGUAGES)
        return (
            f"search: {self.briefings} briefing{'s' if self.briefings != 1 else ''} in "
            f"{self.shards} shard{'s' if self.shards != 1 else ''} ({languages}), "
            f"{self.indexed} indexed in {self.seconds:.2f} s, "
            f"{self.waited:.2f} s after the last page"
        )


class _Runner:
    """Runs Pagefind over staged shards, one run at a time, in a thread of its own.

    Owns a temporary folder: the staged pages of every shard and Pagefind's configurations.
    """

    def __init__(self, executable: Path) -> None:
        self.executable = executable
        self.work = Path(tempfile.mkdtemp(prefix="briefings-search-"))
        self.configs = self.work / "config"
        for language in LANGUAGES:
            folder = self.configs / language
            folder.mkdir(parents=True)
            (folder / "pagefind.json").write_text(
                json.dumps(pagefind_config(language), indent=1), encoding="utf-8"
            )
        self.jobs: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self.lock = threading.Lock()
        self.built: dict[tuple[str, int], bool] = {}  # (language, shard) -> bundle in place
        self.problems: list[str] = []
        self.seconds = 0.0
        self.thread = threading.Thread(target=self._work, name="pagefind", daemon=True)
        self.thread.start()

    def pages(self, number: int) -> Path:
        """The folder of a shard's staged pages (Pagefind's ``--site``)."""
        return self.work / "pages" / str(number)

    def submit(self, number: int, bundles: Path) -> None:
        """Index shard ``number`` in every language, after the work already queued."""
        self.jobs.put(lambda: self._index_shard(self.pages(number), bundles, number))

    def then(self, job: Callable[[], None]) -> None:
        """Run ``job`` in the runner's thread once the work queued before it is done."""
        self.jobs.put(job)

    def wait(self) -> None:
        self.jobs.join()

    def forget(self, number: int | None = None) -> None:
        """Forget the bundles of one shard (or of all, and their staged pages)."""
        with self.lock:
            for key in [k for k in self.built if number is None or k[1] == number]:
                del self.built[key]
        if number is None:
            shutil.rmtree(self.work / "pages", ignore_errors=True)

    def stop(self) -> None:
        self.jobs.put(None)
        self.thread.join(timeout=RUN_TIMEOUT)
        shutil.rmtree(self.work, ignore_errors=True)

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

    def _index_shard(self, pages: Path, bundles: Path, number: int) -> None:
        for language in LANGUAGES:
            ok = self._index(pages, bundles / language, number, language)
            with self.lock:
                self.built[(language, number)] = ok

    def _index(self, pages: Path, bundles: Path, number: int, language: str) -> bool:
        """Index one shard in one language into ``bundles/<number>/``, replacing what was there."""
        started = time.perf_counter()
        bundles.mkdir(parents=True, exist_ok=True)
        fresh = Path(tempfile.mkdtemp(prefix=f".{number}.", dir=bundles))
        env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
        try:
            result = subprocess.run(
                [str(self.executable), "--site", str(pages), "--output-path", str(fresh)],
                cwd=self.configs / language,
                env=env,
                capture_output=True,
                text=True,
                timeout=RUN_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as error:
            shutil.rmtree(fresh, ignore_errors=True)
            self._fail(f"search index ({language}, shard {number}) not built: {error}")
            return False
        finally:
            with self.lock:
                self.seconds += time.perf_counter() - started
        if result.returncode != 0 or not (fresh / "pagefind.js").is_file():
            shutil.rmtree(fresh, ignore_errors=True)
            said = " ".join((result.stderr or result.stdout).split())[-500:] or "no message"
            self._fail(
                f"search index ({language}, shard {number}) not built: Pagefind exited with "
                f"status {result.returncode}: {said}"
            )
            return False
        for name in UNUSED_BUNDLE_FILES:
            (fresh / name).unlink(missing_ok=True)
        _replace_folder(fresh, bundles / str(number))
        return True

    def _fail(self, message: str) -> None:
        with self.lock:
            self.problems.append(message)


def _replace_folder(fresh: Path, target: Path) -> None:
    """Put ``fresh`` in the place of ``target`` (a folder this module wrote, or nothing)."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        os.replace(target, old / "bundle")
    os.replace(fresh, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@dataclass
class _Build:
    """One MkDocs build, as the search index sees it."""

    site_dir: Path
    expected: list[str]  # dest_uri of every page of the site
    seen: set[str] = field(default_factory=set)  # pages rendered in this build
    problems: list[str] = field(default_factory=list)
    indexed: int = 0  # shards handed to Pagefind


class SearchIndex:
    """The site's search index: owns the staged pages, the shards and their bundles.

    Call :meth:`start_build` before the pages are rendered, :meth:`add_page` for each rendered
    page, :meth:`finish_build` after the last one, and :meth:`close` when MkDocs stops.
    """

    def __init__(self, executable: Path | None = None, shard_size: int = SHARD_SIZE) -> None:
        self.executable = executable if executable is not None else find_pagefind()
        self.shard_size = max(1, shard_size)
        self._runner: _Runner | None = None
        self._build: _Build | None = None
        self._shards: dict[int, Shard] = {}
        self._where: dict[str, int] = {}  # dest_uri -> shard number
        self._open: Shard | None = None

    # -- the build's events -------------------------------------------------------------

    def start_build(self, site_dir: Path, pages: Iterable[str], *, dirty: bool) -> None:
        """A build begins; ``pages`` are the dest_uris of every page of the site.

        A full build renders every page again, so everything starts afresh. A dirty one
        renders only the pages that changed: the shards keep the pages they had, less those
        that are gone.
        """
        self._build = _Build(site_dir, list(pages))
        if self.executable is None:
            return
        if self._runner is None:
            self._runner = _Runner(self.executable)
        self._runner.wait()  # the last build's index, if it was left to finish alone
        if not dirty or not self._shards:
            self._reset()
            return
        current = set(self._build.expected)
        for dest_uri in [p for p in self._where if p not in current]:
            self._drop(dest_uri)

    def add_page(self, dest_uri: str, content: str) -> None:
        """A page was rendered; ``content`` is its body (or its whole HTML document)."""
        build, runner = self._build, self._runner
        if build is None or runner is None:
            return
        build.seen.add(dest_uri)
        if not is_searchable(content):
            if dest_uri in self._where:
                self._drop(dest_uri)
            return
        path = safe_page_path(dest_uri)
        if path is None:
            build.problems.append(f"search: page {dest_uri!r} not indexed: not a page of the site")
            return
        number = self._where.get(dest_uri)
        if number is None:
            shard = self._shard_with_room()
            shard.pages[dest_uri] = None
            self._where[dest_uri] = shard.number
        else:
            shard = self._shards[number]
            shard.submitted = False  # changed since it was handed to Pagefind: index it again
        target = runner.pages(shard.number) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(staged_document(content), encoding="utf-8")
        shard.dirty = True
        if shard is self._open and len(shard.pages) >= self.shard_size:
            self._submit(shard, build)
            self._open = None

    def finish_build(self) -> SearchReport:
        """Index what is left, wait for Pagefind and publish ``shards.json``."""
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

    def _finish(self) -> Callable[[], SearchReport]:
        """Hand every changed shard to Pagefind; return what publishes the result after."""
        started = time.perf_counter()
        build, runner = self._build, self._runner
        if build is None or runner is None:
            self._build = None
            message = f"search index not built: Pagefind is not installed; {INSTALL_HINT}"
            return lambda: SearchReport(0, 0, 0, 0.0, 0.0, (message,))
        self._adopt_unrendered_pages(build)
        self._build = None
        for shard in sorted(self._shards.values(), key=lambda s: s.number):
            if shard.dirty and not shard.submitted:
                self._submit(shard, build)
            shard.dirty = shard.submitted = False
        self._open = None
        numbers, briefings = sorted(self._shards), len(self._where)

        def publish() -> SearchReport:
            with runner.lock:
                problems = [*build.problems, *runner.problems]
                runner.problems.clear()
                seconds, runner.seconds = runner.seconds, 0.0
                built = dict(runner.built)
            shards = {
                language: [f"{language}/{n}/" for n in numbers if built.get((language, n))]
                for language in LANGUAGES
            }
            _publish(build.site_dir / BUNDLE_DIR, shards)
            if any(len(found) < len(numbers) for found in shards.values()):
                problems.append(
                    "search: some shards have no index, so search misses their briefings"
                )
            return SearchReport(
                briefings=briefings,
                shards=len(numbers),
                indexed=build.indexed,
                seconds=seconds,
                waited=time.perf_counter() - started,
                problems=tuple(problems),
            )

        return publish

    def abort_build(self) -> None:
        """The build failed: let Pagefind finish and forget the shards; the next build
        reads the pages it does not render from the site."""
        if self._runner is not None:
            self._runner.wait()
            self._reset()
        self._build = None

    def close(self) -> None:
        """Stop the runner and remove the staged pages."""
        if self._runner is not None:
            self._runner.stop()
            self._runner = None

    # -- shards ---------------------------------------------------------------------------

    def _reset(self) -> None:
        self._shards = {}
        self._where = {}
        self._open = None
        if self._runner is not None:
            self._runner.forget()

    def _shard_with_room(self) -> Shard:
        """The shard new pages go to: the last one while it has room (not yet handed to
        Pagefind in this build), else a new one."""
        if self._open is None and self._shards:
            last = self._shards[max(self._shards)]
            if len(last.pages) < self.shard_size and not last.submitted:
                self._open = last
        if self._open is None or len(self._open.pages) >= self.shard_size:
            number = max(self._shards, default=-1) + 1
            self._open = self._shards[number] = Shard(number)
        return self._open

    def _submit(self, shard: Shard, build: _Build) -> None:
        if self._runner is None:
            return
        shard.submitted = True
        build.indexed += 1
        self._runner.submit(shard.number, build.site_dir / BUNDLE_DIR)

    def _drop(self, dest_uri: str) -> None:
        number = self._where.pop(dest_uri)
        shard = self._shards[number]
        shard.pages.pop(dest_uri, None)
        path = safe_page_path(dest_uri)
        if path is not None and self._runner is not None:
            (self._runner.pages(number) / path).unlink(missing_ok=True)
        if shard.pages:
            shard.dirty = True
            return
        del self._shards[number]
        if shard is self._open:
            self._open = None
        if self._build is not None:
            for language in LANGUAGES:
                shutil.rmtree(self._build.site_dir / BUNDLE_DIR / language / str(number), True)
        if self._runner is not None:
            self._runner.forget(number)

    def _adopt_unrendered_pages(self, build: _Build) -> None:
        """Read pages this build did not render and no shard knows from the built site.

        Happens in a one-off ``mkdocs build --dirty``: the site is complete, this process has
        not seen its unchanged pages.
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


def _publish(folder: Path, shards: dict[str, list[str]]) -> None:
    """Write ``shards.json`` atomically."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{MANIFEST_NAME}.", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(manifest_text(shards))
    os.chmod(tmp, 0o644)
    os.replace(tmp, folder / MANIFEST_NAME)
