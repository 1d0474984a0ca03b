"""The MkDocs plugin: ``mkdocs build`` and ``mkdocs serve`` regenerate the briefings first.

Event handlers only; the work is the same :func:`builder.build.build` the CLI runs. This is
one of the two error boundaries (the CLI is the other): whatever goes wrong becomes MkDocs'
one-line ``PluginError``, with the traceback only under ``mkdocs -v``.

When MkDocs then reads the pages, the plugin fills two markers from every briefing's index
entry: ``<!-- briefings: more -->`` on a briefing page (its neighbours and related
briefings) and ``<!-- briefings: latest -->`` on a hand-written page (the latest
briefings). Briefing pages themselves never depend on other briefings, so one new seed
rewrites one page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from builder.build import build
from builder.config import BriefingsConfig, Settings
from builder.errors import BriefingError
from builder.lock import build_lock
from builder.passthrough import (
    CHECKED_FILE,
    PassThrough,
    load_checked,
    save_checked,
    unverified_extensions,
)
from builder.render import EDITORS_PAGE, Catalogue, IndexEntry, Renderer
from builder.search import SearchIndex, SearchReport
from builder.text import printable

log = get_plugin_logger("briefings")
# From this many briefings on, 'mkdocs serve' is told about --dirty: a full MkDocs rebuild
# takes about 20 ms a briefing here (10 s at 500, 98 s at 5,000; --dirty: 4 s at 5,000).
DIRTY_HINT_BRIEFINGS = 500
MORE_MARKER = "<!-- briefings: more -->"
LATEST_MARKER = "<!-- briefings: latest -->"


@contextmanager
def _boundary() -> Iterator[None]:
    """Any failure below as MkDocs' one-line PluginError; the traceback only with -v."""
    try:
        yield
    except BriefingError as error:
        raise PluginError(f"briefings: {printable(str(error))}") from None
    except (PluginError, KeyboardInterrupt):
        raise
    except Exception as error:
        if logging.getLogger("mkdocs").isEnabledFor(logging.DEBUG):
            raise  # 'mkdocs build -v': show where
        raise PluginError(
            f"briefings: unexpected {type(error).__name__}: {printable(str(error))} (run "
            "'mkdocs build -v' to see where, and please report it)"
        ) from None


class BriefingsPlugin(BasePlugin[BriefingsConfig]):
    """Builds the briefing pages into ``docs_dir`` before MkDocs reads it."""

    settings: Settings | None = None
    search: SearchIndex | None = None
    dirty = False
    serving = False
    briefings = 0
    catalogue: Catalogue | None = None
    renderer: Renderer | None = None
    drafts: tuple[str, ...] = ()  # pages MkDocs shows in serve and leaves out of a build
    passthrough: PassThrough | None = None
    passthrough_on = False
    checked: dict[str, frozenset[str]] | None = None  # bodies found in the shape, by digest
    checked_file: Path | None = None
    held: ExitStack | None = None  # the project's build lock, for one MkDocs build
    server: LiveReloadServer | None = None  # 'mkdocs serve''s, to watch the editors' files
    watched: set[Path] | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.dirty = dirty
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        # MkDocs keeps this instance from one config load to the next (a plugin with
        # on_startup is cached): nothing from an earlier config may outlive it (the search
        # index is kept on purpose: it is the same site's, and keeps its shards).
        self.settings = None
        self.passthrough = None
        self.catalogue = None
        if not self.config.enabled:
            return config
        with _boundary():
            self.settings = Settings.from_plugin(
                self.config,
                config_file=Path(config.config_file_path),
                docs_dir=Path(config.docs_dir),
                use_directory_urls=bool(config.use_directory_urls),
                site_name=str(config.site_name),
                site_url=config.site_url,
            )
        self._check_assets(config)
        self.passthrough_on = self.config.passthrough
        unverified = unverified_extensions(config.markdown_extensions)
        if self.passthrough_on and unverified:
            self.passthrough_on = False
            log.info(
                "generated pages go through Markdown in full: the pass-through is not verified "
                f"with the Markdown extension(s) {', '.join(unverified)}"
            )
        if self.config.search and self.search is None:
            self.search = SearchIndex(
                self.settings.cache_dir / "search", shard_size=self.config.search_shard_size
            )
        return config

    def _check_assets(self, config: MkDocsConfig) -> None:
        """Warn when mkdocs.yml does not load the briefings' style sheets and scripts: the
        pages would build, without reading modes, marks or search, and nothing would say."""
        wanted = ["briefings.css", "briefings.js"]
        if self.config.search:
            wanted += ["search.css", "search.js"]
        scripts = [str(getattr(item, "path", item)) for item in config.extra_javascript]
        loaded = {path.rsplit("/", 1)[-1] for path in [*config.extra_css, *scripts]}
        missing = sorted(name for name in wanted if name not in loaded)
        if missing:
            log.warning(
                f"mkdocs.yml loads no {', '.join(missing)}: the briefing pages need them (copy "
                "site_src/assets/ and the extra_css and extra_javascript lines of this "
                "project's mkdocs.yml; see the README, 'A project of your own')"
            )

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        if self.settings is None:
            return
        settings = self.settings
        with _boundary():
            # Held until MkDocs has read and written every page: another build of the
            # project (a 'briefings build', a second server) would remove pages under it.
            self._release_lock()
            self.held = ExitStack()
            self.held.enter_context(
                build_lock(settings.cache_dir, wait=settings.lock_wait, on_wait=log.info)
            )
            self._watch_editors_files()
            report = build(
                settings,
                on_wait=log.info,
                include_drafts=self.serving,
                editors_page=self.serving,  # never published: made for 'mkdocs serve' only
            )
        # Errors and warnings both count in 'mkdocs build --strict', so a skipped seed fails
        # a strict build; without --strict MkDocs goes on, as it does with its own warnings.
        for problem in report.problems:
            (log.error if problem.is_error else log.warning)(str(problem))
        log.info(report.summary())
        self.briefings = report.briefings
        self.drafts = report.drafts
        # The build's records list every briefing's entry, those of reused and of failed
        # seeds too. Only entries whose page MkDocs finds get a link.
        self.catalogue = Catalogue([record.entry for record in report.records.values()])
        with _boundary():
            self.renderer = Renderer(settings.templates_dir, settings.use_directory_urls)
        area = settings.output_dir
        if not self.passthrough_on:
            self.passthrough = None
            return
        checked_file = settings.cache_dir / CHECKED_FILE
        if self.checked is None or checked_file != self.checked_file:
            self.checked, self.checked_file = load_checked(checked_file), checked_file
        self.passthrough = PassThrough(
            # The editors' page (serve only) is not in the builder's one-block shape.
            frozenset(f"{area}/{path}" for path in report.generated if path != EDITORS_PAGE),
            checked=self.checked,
        )

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        """Draft briefings (and the editors' page) are shown by 'mkdocs serve', marked as
        drafts, and left out of 'mkdocs build': no page, search or sitemap entry."""
        if self.settings is None:
            return files
        area = PurePosixPath(self.settings.output_dir)
        for path in self.drafts:
            file = files.get_file_from_path(str(area / path))
            if file is not None:
                file.inclusion = InclusionLevel.DRAFT
        if self.search is not None:
            pages = [file.dest_uri for file in files.documentation_pages()]
            self.search.start_build(Path(config.site_dir), pages, dirty=self.dirty)
        return files

    @event_priority(0)
    def _fill_markers(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """The neighbours and related briefings at the end of a briefing page, the latest
        briefings on a hand-written page."""
        renderer = self.renderer
        if self.settings is None or self.catalogue is None or renderer is None:
            return markdown
        area = self.settings.output_dir.strip("/") + "/"
        path = page.file.src_uri
        with _boundary():
            if path.startswith(area):
                if MORE_MARKER in markdown:
                    slug = path[len(area) :].removesuffix(".md")
                    href = _href(files, page, area, self.serving)
                    more = renderer.more_briefings(self.catalogue, slug, href)
                    markdown = markdown.replace(MORE_MARKER, more, 1)
            elif LATEST_MARKER in markdown:
                index = files.get_file_from_path(f"{area}index.md")
                latest = renderer.latest_briefings(
                    self.catalogue,
                    _href(files, page, area, self.serving),
                    get_relative_url(index.url, page.url) if index else None,
                )
                markdown = markdown.replace(LATEST_MARKER, latest)
        return markdown

    @event_priority(-100)  # last: the Markdown every other plugin would see stays as it was
    def _pass_through(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """A generated page's body, in the shape the builder writes, skips Python-Markdown."""
        if self.passthrough is None:
            return markdown
        return self.passthrough.markdown(page.file.src_uri, markdown)

    on_page_markdown = CombinedEvent(_fill_markers, _pass_through)

    @event_priority(100)  # first: every other plugin sees the page's real HTML
    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if self.passthrough is None:
            return html
        with _boundary():
            restored = self.passthrough.restore(page.file.src_uri, html)
        if restored is None:
            return html
        content, anchors = restored
        # MkDocs collects these from raw HTML while converting, for its anchor validation.
        if page.present_anchor_ids is not None:
            page.present_anchor_ids |= anchors
        return content

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        if self.search is not None:
            self.search.add_page(page.file.dest_uri, page.content or "")
        return output

    def _release_lock(self) -> None:
        if self.held is not None:
            self.held.close()
            self.held = None

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        try:
            self._after_build()
        finally:
            self._release_lock()

    def _after_build(self) -> None:
        if self.passthrough is not None and self.passthrough.refused:
            refused = self.passthrough.refused
            log.info(
                f"{len(refused)} generated page(s) not in the shape the builder writes "
                f"(edited by hand?) went through Markdown in full, first {refused[0]!r}"
            )
        if self.passthrough is not None and self.checked_file is not None:
            # What this build checked; a dirty build renders only some pages, so it adds.
            now = self.passthrough.checked_now
            checked = {**(self.checked or {}), **now} if self.dirty else now
            if checked != self.checked:
                save_checked(self.checked_file, checked)
                self.checked = checked
        if self.search is None:
            return
        if self.serving:  # show the pages now; search follows in a moment
            self.search.finish_build_in_background(self._report_search)
        else:
            self._report_search(self.search.finish_build())

    def _report_search(self, report: SearchReport) -> None:
        for problem in report.problems:
            log.warning(problem)
        for note in report.notes:
            log.info(note)
        log.info(report.summary())

    def on_build_error(self, *, error: Exception) -> None:
        self._release_lock()
        if self.search is not None:
            self.search.abort_build()

    def on_shutdown(self) -> None:
        self._release_lock()
        if self.search is not None:
            self.search.close()

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer | None:
        if self.settings is None:
            return server
        for folder in (self.settings.seeds_dir, self.settings.templates_dir):
            if folder.is_dir():
                server.watch(str(folder))
        self.server, self.watched = server, set()
        self._watch_editors_files()
        self._stop_watching_area(server, Path(config.docs_dir))
        if not self.dirty and self.briefings >= DIRTY_HINT_BRIEFINGS:
            log.info(
                f"the site has {self.briefings} briefings and every save rebuilds them all; "
                "'mkdocs serve --dirty' rebuilds only the pages that changed (see the README)"
            )
        return server

    def _watch_editors_files(self) -> None:
        """Watch the glossary and the memory file once they exist. A file made while the
        server runs (by an editor, or 'briefings import') is read by the next rebuild and
        watched from then on: a folder cannot be watched for it, since any file written
        there (a log of the server itself) would start a rebuild."""
        if self.server is None or self.watched is None or self.settings is None:
            return
        for path in (self.settings.glossary_file, self.settings.memory_file):
            if path is not None and path not in self.watched and path.is_file():
                self.server.watch(str(path))
                self.watched.add(path)

    def _stop_watching_area(self, server: LiveReloadServer, docs_dir: Path) -> None:
        """Watch ``docs_dir`` except the generated area, which only changes when a build writes.

        Otherwise every page the builder writes would start a second, useless rebuild.
        (Folders added to ``docs_dir`` while serving are watched after a restart.)
        """
        if self.settings is None:
            return
        area = self.settings.area.resolve()
        if not area.is_relative_to(docs_dir.resolve()) or not docs_dir.is_dir():
            return
        server.unwatch(str(docs_dir))
        server.watch(str(docs_dir), recursive=False)
        self._watch_except(server, docs_dir, area)

    def _watch_except(self, server: LiveReloadServer, folder: Path, area: Path) -> None:
        for entry in sorted(folder.iterdir()):
            if not entry.is_dir() or entry.resolve() == area:
                continue
            if area.is_relative_to(entry.resolve()):
                server.watch(str(entry), recursive=False)
                self._watch_except(server, entry, area)
            else:
                server.watch(str(entry))


def _href(files: Files, page: Page, area: str, serving: bool) -> Callable[[IndexEntry], str | None]:
    """Links from ``page`` to briefing pages; None for a briefing the site will not have
    (not in MkDocs' files, or a draft outside 'mkdocs serve')."""

    found: dict[str, str | None] = {}  # each entry is asked for twice: chosen, then linked
    by_path = files.src_uris  # the keys are POSIX paths, as ours are (no PurePath a lookup)

    def href(entry: IndexEntry) -> str | None:
        if entry.slug not in found:
            file = by_path.get(f"{area}{entry.slug}.md")
            shown = file is not None and (
                file.inclusion.is_in_serve() if serving else file.inclusion.is_included()
            )
            found[entry.slug] = get_relative_url(file.url, page.url) if file and shown else None
        return found[entry.slug]

    return href
