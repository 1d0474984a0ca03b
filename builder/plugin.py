"""The MkDocs plugin: ``mkdocs build`` and ``mkdocs serve`` regenerate the briefings first.

Event handlers only; the work is the same :func:`builder.build.build` the CLI runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from builder.build import build
from builder.config import BriefingsConfig, Settings
from builder.errors import BriefingError
from builder.passthrough import PassThrough, unverified_extensions

log = get_plugin_logger("briefings")
# From this many briefings on, 'mkdocs serve' is told about --dirty: a full MkDocs rebuild
# takes about 20 ms a briefing here (10 s at 500, 98 s at 5,000; --dirty: 4 s at 5,000).
DIRTY_HINT_BRIEFINGS = 500


class BriefingsPlugin(BasePlugin[BriefingsConfig]):
    """Builds the briefing pages into ``docs_dir`` before MkDocs reads it."""

    settings: Settings | None = None
    dirty = False
    briefings = 0
    passthrough: PassThrough | None = None
    passthrough_on = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.dirty = dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        # MkDocs keeps this instance from one config load to the next (a plugin with
        # on_startup is cached): nothing from an earlier config may outlive it.
        self.settings = None
        self.passthrough = None
        if not self.config.enabled:
            return config
        try:
            self.settings = Settings.from_plugin(
                self.config,
                config_file=Path(config.config_file_path),
                docs_dir=Path(config.docs_dir),
                use_directory_urls=bool(config.use_directory_urls),
                site_name=str(config.site_name),
                site_url=config.site_url,
            )
        except BriefingError as error:
            raise PluginError(str(error)) from None
        self.passthrough_on = self.config.passthrough
        unverified = unverified_extensions(config.markdown_extensions)
        if self.passthrough_on and unverified:
            self.passthrough_on = False
            log.info(
                "generated pages go through Markdown in full: the pass-through is not verified "
                f"with the Markdown extension(s) {', '.join(unverified)}"
            )
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        if self.settings is None:
            return
        try:
            report = build(self.settings)
        except BriefingError as error:
            raise PluginError(f"briefings: {error}") from None
        # Warnings count in 'mkdocs build --strict', so a skipped seed fails a strict build.
        for problem in report.problems:
            log.warning(str(problem))
        log.info(report.summary())
        self.briefings = report.briefings
        area = self.settings.output_dir
        self.passthrough = (
            PassThrough(frozenset(f"{area}/{path}" for path in report.generated))
            if self.passthrough_on
            else None
        )

    @event_priority(-100)  # last: the Markdown every other plugin would see stays as it was
    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if self.passthrough is None:
            return markdown
        return self.passthrough.markdown(page.file.src_uri, markdown)

    @event_priority(100)  # first: every other plugin sees the page's real HTML
    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if self.passthrough is None:
            return html
        try:
            restored = self.passthrough.restore(page.file.src_uri, html)
        except BriefingError as error:
            raise PluginError(f"briefings: {error}") from None
        if restored is None:
            return html
        content, anchors = restored
        # MkDocs collects these from raw HTML while converting, for its anchor validation.
        if page.present_anchor_ids is not None:
            page.present_anchor_ids |= anchors
        return content

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.passthrough is not None and self.passthrough.refused:
            refused = self.passthrough.refused
            log.info(
                f"{len(refused)} generated page(s) not in the shape the builder writes "
                f"(edited by hand?) went through Markdown in full, first {refused[0]!r}"
            )

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer | None:
        if self.settings is None:
            return server
        for folder in (self.settings.seeds_dir, self.settings.templates_dir):
            if folder.is_dir():
                server.watch(str(folder))
        glossary = self.settings.glossary_file
        if glossary is not None and glossary.is_file():
            server.watch(str(glossary))
        self._stop_watching_area(server, Path(config.docs_dir))
        if not self.dirty and self.briefings >= DIRTY_HINT_BRIEFINGS:
            log.info(
                f"the site has {self.briefings} briefings and every save rebuilds them all; "
                "'mkdocs serve --dirty' rebuilds only the pages that changed (see the README)"
            )
        return server

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
