"""Render stage: briefings in, Markdown pages (as text) out, through the Jinja templates.

Everything a seed or an engine wrote is untrusted. The templates are rendered with
autoescaping on and emit the body as a raw HTML block, which Markdown passes through without
reading it as Markdown; front matter values go through :func:`yaml_text`. Seed text is only
ever a template *value*, never template source, so ``{{ 7*7 }}`` in a seed stays as it is.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

from builder.errors import RenderError
from builder.model import Briefing, EngineInfo

BRIEFING_TEMPLATE = "briefing.md.j2"
INDEX_TEMPLATE = "index.md.j2"


@dataclass(frozen=True)
class IndexEntry:
    """One line of the index: enough to list a briefing without its body."""

    slug: str
    title_es: str
    title_en: str
    date: dt.date | None
    source: str | None
    engine: str

    def to_json(self) -> dict[str, str | None]:
        return {
            "slug": self.slug,
            "title_es": self.title_es,
            "title_en": self.title_en,
            "date": self.date.isoformat() if self.date else None,
            "source": self.source,
            "engine": self.engine,
        }

    @classmethod
    def from_json(cls, data: dict[str, str | None]) -> IndexEntry:
        date = data.get("date")
        return cls(
            slug=str(data["slug"]),
            title_es=str(data["title_es"]),
            title_en=str(data["title_en"]),
            date=dt.date.fromisoformat(date) if date else None,
            source=data.get("source"),
            engine=str(data.get("engine") or ""),
        )

    @classmethod
    def from_briefing(cls, briefing: Briefing) -> IndexEntry:
        meta = briefing.seed.meta
        return cls(
            briefing.seed.slug,
            briefing.title.es,
            briefing.title.en,
            meta.date,
            meta.source,
            briefing.engine.label,
        )


def yaml_text(value: object) -> Markup:
    """A front matter value: HTML-escaped (MkDocs prints titles unescaped), then YAML-quoted."""
    # Safe: html.escape leaves no markup, and json.dumps quotes it as a YAML string.
    return Markup(json.dumps(html.escape(str(value)), ensure_ascii=False))  # noqa: S704


def newest_first(entries: Sequence[IndexEntry]) -> list[IndexEntry]:
    """Dated entries newest first, then undated ones; ties in slug order for stable output."""
    dated = sorted((e for e in entries if e.date), key=lambda e: e.slug)
    dated.sort(key=lambda e: e.date or dt.date.min, reverse=True)
    undated = sorted((e for e in entries if not e.date), key=lambda e: e.slug)
    return dated + undated


class Renderer:
    """Loads the project's templates once and renders pages from them."""

    def __init__(self, templates_dir: Path, use_directory_urls: bool = True) -> None:
        if not templates_dir.is_dir():
            raise RenderError(f"templates folder {str(templates_dir)!r} does not exist")
        self.templates_dir = templates_dir
        self.use_directory_urls = use_directory_urls
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(templates_dir),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["yaml_text"] = yaml_text
        self.env.filters["briefing_url"] = self.briefing_url

    def briefing_url(self, slug: str) -> str:
        """The URL of a briefing relative to the index page beside it."""
        return f"{slug}/" if self.use_directory_urls else f"{slug}.html"

    def _render(self, name: str, **context: object) -> str:
        try:
            template = self.env.get_template(name)
            return template.render(**context)
        except jinja2.TemplateNotFound:
            raise RenderError(
                f"template {name!r} is missing from {str(self.templates_dir)!r}"
            ) from None
        except jinja2.TemplateSyntaxError as error:
            raise RenderError(
                f"{error.filename or name}:{error.lineno}: template error: {error.message}"
            ) from None
        except jinja2.UndefinedError as error:
            raise RenderError(f"{name}: template error: {error.message}") from None

    def briefing_page(self, briefing: Briefing) -> str:
        """The Markdown page of one briefing."""
        return self._render(BRIEFING_TEMPLATE, briefing=briefing, engine=briefing.engine)

    def index_page(self, entries: Sequence[IndexEntry], engine: EngineInfo) -> str:
        """The Markdown index of every briefing, newest first, undated last."""
        return self._render(INDEX_TEMPLATE, entries=newest_first(entries), engine=engine)
