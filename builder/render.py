"""Render stage: briefings in, Markdown pages (as text) out, through the Jinja templates.

Everything a seed or an engine wrote is untrusted. The templates are rendered with
autoescaping on and emit the body as a raw HTML block, which Markdown passes through without
reading it as Markdown; front matter values go through :func:`yaml_text`. Seed text is only
ever a template *value*, never template source, so ``{{ 7*7 }}`` in a seed stays as it is.
"""

from __future__ import annotations

import bisect
import datetime as dt
import html
import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import jinja2
from markupsafe import Markup

from builder.errors import Problem, RenderError
from builder.model import Briefing, EngineInfo
from builder.seeds import SLUG, slug_for
from builder.text import clean_line

if TYPE_CHECKING:
    from builder.status import ArchiveStatus

BRIEFING_TEMPLATE = "briefing.md.j2"
INDEX_TEMPLATE = "index.md.j2"
# HTML fragments the MkDocs plugin puts into pages when it builds them, from the entries
# of every briefing: a briefing page's neighbours, the latest briefings on the home page.
MORE_TEMPLATE = "more.html.j2"
LATEST_TEMPLATE = "latest.html.j2"
EDITORS_TEMPLATE = "editors.md.j2"
EDITORS_PAGE = "editors.md"
EDITORS_LIMIT = 300  # rows of each long list on the editors' page
INDEX_PAGE_SIZE = 50
RELATED_COUNT = 5
LATEST_COUNT = 5
# Related briefings are looked for among this many neighbours in each tag (by date), so that
# a tag on thousands of briefings does not make every page cost thousands of steps.
_RELATED_WINDOW = 50


@dataclass(frozen=True)
class IndexEntry:
    """One line of the index: enough to list a briefing without its body."""

    slug: str
    title_es: str
    title_en: str
    date: dt.date | None
    source: str | None
    engine_label: str  # the label of the engine that translated it
    first_es: str = ""
    first_en: str = ""
    tags: tuple[str, ...] = ()
    review: str = "machine"  # "machine", "partly reviewed" or "reviewed"
    draft: bool = False
    title_reviewed: bool = False  # the English title is an editor's

    def to_json(self) -> dict[str, object]:
        return {
            "slug": self.slug,
            "title_es": self.title_es,
            "title_en": self.title_en,
            "date": self.date.isoformat() if self.date else None,
            "source": self.source,
            "engine_label": self.engine_label,
            "first_es": self.first_es,
            "first_en": self.first_en,
            "tags": list(self.tags),
            "review": self.review,
            "draft": self.draft,
            "title_reviewed": self.title_reviewed,
        }

    @classmethod
    def from_json(cls, data: object) -> IndexEntry:
        """An entry the builder stored itself, checked like any input: ``ValueError`` if it
        is not exactly what :meth:`to_json` writes."""
        if not isinstance(data, dict):
            raise ValueError("entry is not a map")
        slug = data.get("slug")
        if not isinstance(slug, str) or SLUG.fullmatch(slug) is None:
            raise ValueError("entry has no valid slug")
        date = data.get("date")
        if date is not None and not isinstance(date, str):
            raise ValueError("entry date is not text")
        tags = data.get("tags") or []
        if not isinstance(tags, list):
            raise ValueError("entry tags are not a list")
        return cls(
            slug=slug,
            title_es=_stored_text(data.get("title_es")),
            title_en=_stored_text(data.get("title_en")),
            date=dt.date.fromisoformat(date) if date else None,
            source=_stored_text(data.get("source")) or None,
            engine_label=_stored_text(data.get("engine_label", data.get("engine"))),
            first_es=_stored_text(data.get("first_es")),
            first_en=_stored_text(data.get("first_en")),
            tags=tuple(_stored_text(tag) for tag in tags if _stored_text(tag)),
            review=_choice(data.get("review", "machine"), REVIEW_STATES),
            draft=data.get("draft") is True,
            title_reviewed=data.get("title_reviewed") is True,
        )

    @classmethod
    def from_briefing(cls, briefing: Briefing) -> IndexEntry:
        meta = briefing.seed.meta
        first = (
            briefing.paragraphs[0][0] if briefing.paragraphs and briefing.paragraphs[0] else None
        )
        return cls(
            briefing.seed.slug,
            briefing.title.es,
            briefing.title.en,
            meta.date,
            meta.source,
            briefing.engine_info.label,
            first.es if first else "",
            first.en if first else "",
            meta.tags,
            briefing.review_state,
            meta.draft,
            briefing.title.reviewed,
        )

    @property
    def month(self) -> str:
        return self.date.strftime("%B %Y") if self.date else "Undated"

    @property
    def title_lead(self) -> Literal["es", "en"]:
        """The language of the title shown first (see :attr:`Briefing.title_lead`)."""
        return "en" if self.title_reviewed else "es"

    @property
    def lead_title(self) -> str:
        return self.title_en if self.title_reviewed else self.title_es

    @property
    def second_title(self) -> str:
        return self.title_es if self.title_reviewed else self.title_en

    @property
    def second_lang(self) -> Literal["es", "en"]:
        return "es" if self.title_reviewed else "en"


REVIEW_STATES = ("machine", "partly reviewed", "reviewed")


def _choice(value: object, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ValueError("entry field is not one of its values")
    return str(value)


def _stored_text(value: object, limit: int = 2000) -> str:
    """Text the builder stored itself: made safe again and bounded, since anyone could have
    changed it (it is escaped when rendered, like all text)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError("entry field is not text")
    return clean_line(value)[:limit]


@dataclass(frozen=True)
class ListPage:
    """One generated list page (an index page or a tag page) and where it sits."""

    path: str  # relative to the generated area, e.g. "page/2.md" or "tags/rusia.md"
    stem: str  # the list it belongs to: "index" or "tags/rusia"
    title: str
    entries: tuple[IndexEntry, ...]
    number: int = 1
    count: int = 1
    previous: str | None = None  # paths of the neighbouring pages
    next: str | None = None
    tag: str | None = None

    def groups(self) -> list[tuple[str, list[IndexEntry]]]:
        """The entries grouped by month, in order."""
        grouped: list[tuple[str, list[IndexEntry]]] = []
        for entry in self.entries:
            if not grouped or grouped[-1][0] != entry.month:
                grouped.append((entry.month, []))
            grouped[-1][1].append(entry)
        return grouped


def long_date(date: dt.date) -> str:
    """A date as readers say it: "21 June 2024" (English month names, whatever the locale)."""
    return f"{date.day} {_MONTHS[date.month - 1]} {date.year}"


_MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)


def tag_path(tag: str) -> str:
    """The page of a tag, in the generated area (see :func:`group_by_tag`): a briefing can
    link its tags without knowing the others."""
    return f"tags/{slug_for(tag)}.md"


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
            raise RenderError(
                f"templates folder {str(templates_dir)!r} does not exist: a project needs "
                "the templates of this project's repository (templates/, and site_src/assets/ "
                "beside them; see the README, 'A project of your own'), or "
                "plugins.briefings.templates_dir naming where they are"
            )
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
        self.env.filters["long_date"] = long_date
        self.env.globals["tag_path"] = tag_path

    def page_url(self, path: str) -> str:
        """The URL MkDocs gives the file at ``path`` in the generated area."""
        if not path.endswith(".md"):
            return path  # copied as it is
        stem = path.removesuffix(".md")
        if not self.use_directory_urls:
            return f"{stem}.html"
        if stem == "index" or stem.endswith("/index"):
            return stem.removesuffix("index")
        return f"{stem}/"

    def link(self, from_path: str, to_path: str) -> str:
        """A relative link between two generated pages, as the browser resolves it."""
        parts = [part for part in self.page_url(from_path).split("/") if part]
        depth = len(parts) if self.use_directory_urls else max(len(parts) - 1, 0)
        return "../" * depth + (self.page_url(to_path) or "./")

    def _render(self, name: str, **context: object) -> str:
        try:
            template = self.env.get_template(name)
        except jinja2.TemplateNotFound:
            raise RenderError(
                f"template {name!r} is missing from {str(self.templates_dir)!r}"
            ) from None
        except jinja2.TemplateSyntaxError as error:
            path = Path(error.filename or self.templates_dir / name)
            problem = Problem(path, f"template error: {error.message}", error.lineno)
            raise RenderError(str(problem), problem) from None
        try:
            return template.render(**context)
        except (RenderError, KeyboardInterrupt):
            raise
        except Exception as error:  # whatever the template's own code raised: its error
            path = Path(template.filename or self.templates_dir / name)
            kind = "" if isinstance(error, jinja2.TemplateError) else f"{type(error).__name__}: "
            problem = Problem(path, f"template error: {kind}{error}", _line_in(error, path))
            raise RenderError(str(problem), problem) from None

    def briefing_page(self, briefing: Briefing) -> str:
        """The Markdown page of one briefing."""
        links = Links(self, f"{briefing.seed.slug}.md")
        return self._render(
            BRIEFING_TEMPLATE, briefing=briefing, engine=briefing.engine_info, links=links
        )

    def more_briefings(
        self, catalogue: Catalogue, slug: str, href: Callable[[IndexEntry], str | None]
    ) -> str:
        """HTML for the end of a briefing page: the newer and the older briefing and the
        related ones. ``href`` gives the link to an entry's page, or None if it has none."""
        newer, older = catalogue.neighbours(slug)
        entry = catalogue.entry(slug)
        return _one_block(
            self._render(
                MORE_TEMPLATE,
                dated=bool(entry and entry.date),
                newer=newer if newer and href(newer) else None,
                older=older if older and href(older) else None,
                related=[e for e in catalogue.related(slug) if href(e)],
                href=href,
            )
        )

    def latest_briefings(
        self,
        catalogue: Catalogue,
        href: Callable[[IndexEntry], str | None],
        index_href: str | None,
    ) -> str:
        """HTML for the home page: the latest briefings and a link to all of them."""
        latest = [e for e in catalogue.ordered if href(e)][:LATEST_COUNT]
        return _one_block(
            self._render(LATEST_TEMPLATE, entries=latest, href=href, index_href=index_href)
        )

    def editors_page(self, status: ArchiveStatus) -> str:
        """The editors' page: the state of the archive."""
        return self._render(
            EDITORS_TEMPLATE,
            status=status,
            links=Links(self, EDITORS_PAGE),
            limit=EDITORS_LIMIT,
        )

    def list_pages(
        self,
        entries: Sequence[IndexEntry],
        engine: EngineInfo,
        page_size: int = INDEX_PAGE_SIZE,
        *,
        feed: str | None = None,
    ) -> dict[str, str]:
        """The index (newest first, undated last, by month, ``page_size`` a page) and one
        page per tag, as {path in the generated area: Markdown}."""
        ordered = newest_first(entries)
        pages = _paginate("index", "Briefings", ordered, page_size)
        tags = group_by_tag(ordered)
        totals = {"index": len(ordered)}
        for slug, (label, tagged) in sorted(tags.items(), key=lambda t: t[1][0].casefold()):
            pages += _paginate(f"tags/{slug}", label, tagged, page_size, tag=label)
            totals[f"tags/{slug}"] = len(tagged)
        tag_list = [
            (label, len(tagged), f"tags/{slug}.md")
            for slug, (label, tagged) in sorted(tags.items(), key=lambda t: t[1][0].casefold())
        ]
        rendered = {}
        for page in pages:
            rendered[page.path] = self._render(
                INDEX_TEMPLATE,
                page=page,
                total=totals[page.stem],
                engine=engine,
                tags=tag_list if page.tag is None and page.number == 1 else [],
                links=Links(self, page.path),
                feed=feed,
            )
        return rendered


@dataclass(frozen=True)
class Links:
    """Relative links from one generated page, for its template."""

    renderer: Renderer
    here: str

    def to(self, path: str) -> str:
        return self.renderer.link(self.here, path)

    def briefing(self, slug: str) -> str:
        return self.renderer.link(self.here, f"{slug}.md")


def _paginate(
    stem: str, title: str, entries: Sequence[IndexEntry], size: int, tag: str | None = None
) -> list[ListPage]:
    chunks = [tuple(entries[i : i + size]) for i in range(0, len(entries), size)] or [()]
    prefix = "" if stem == "index" else f"{stem}/"
    paths = [f"{stem}.md" if n == 0 else f"{prefix}page/{n + 1}.md" for n in range(len(chunks))]
    return [
        ListPage(
            path=paths[n],
            stem=stem,
            title=title,
            entries=chunk,
            number=n + 1,
            count=len(chunks),
            previous=paths[n - 1] if n else None,
            next=paths[n + 1] if n + 1 < len(chunks) else None,
            tag=tag,
        )
        for n, chunk in enumerate(chunks)
    ]


def group_by_tag(entries: Sequence[IndexEntry]) -> dict[str, tuple[str, list[IndexEntry]]]:
    """Tag slug -> (the tag as most entries spell it, its entries in order).

    A tag's page address depends on the tag alone: spellings that give the same slug
    ("Rusia", "rusia") share one page.
    """
    spellings: dict[str, dict[str, int]] = {}
    tagged: dict[str, list[IndexEntry]] = {}
    for entry in entries:
        for tag in entry.tags:
            slug = slug_for(tag)
            counts = spellings.setdefault(slug, {})
            counts[tag] = counts.get(tag, 0) + 1
            listed = tagged.setdefault(slug, [])
            if not listed or listed[-1] is not entry:
                listed.append(entry)
    return {
        slug: (min(counts, key=lambda tag: (-counts[tag], tag)), tagged[slug])
        for slug, counts in spellings.items()
    }


def _line_in(error: BaseException, template: Path) -> int | None:
    """The line of ``template`` where ``error`` was raised (Jinja maps its frames to the
    template's lines), if it was raised there."""
    line = None
    trace = error.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == str(template):
            line = trace.tb_lineno
        trace = trace.tb_next
    return line


def _one_block(html_text: str) -> str:
    """Rendered HTML as one raw HTML block: Markdown would end the block at a blank line."""
    return "\n".join(line for line in html_text.splitlines() if line.strip()) + "\n"


class Catalogue:
    """Every briefing's index entry, ordered as the index lists them, to find a briefing's
    neighbours and related briefings."""

    def __init__(self, entries: Mapping[str, IndexEntry] | Sequence[IndexEntry]) -> None:
        values = list(entries.values()) if isinstance(entries, Mapping) else list(entries)
        self.ordered = newest_first(values)
        self.position = {entry.slug: n for n, entry in enumerate(self.ordered)}
        self.by_tag: dict[str, list[int]] = {}
        for n, entry in enumerate(self.ordered):
            for path in dict.fromkeys(tag_path(tag) for tag in entry.tags):
                self.by_tag.setdefault(path, []).append(n)

    def entry(self, slug: str) -> IndexEntry | None:
        at = self.position.get(slug)
        return None if at is None else self.ordered[at]

    def neighbours(self, slug: str) -> tuple[IndexEntry | None, IndexEntry | None]:
        """The briefing listed before this one (newer) and the one after it (older)."""
        at = self.position.get(slug)
        if at is None:
            return None, None
        newer = self.ordered[at - 1] if at > 0 else None
        older = self.ordered[at + 1] if at + 1 < len(self.ordered) else None
        return newer, older

    def related(self, slug: str, count: int = RELATED_COUNT) -> list[IndexEntry]:
        """Briefings sharing the most tags with this one, the nearest in date first."""
        at = self.position.get(slug)
        if at is None:
            return []
        shared: Counter[int] = Counter()
        for path in dict.fromkeys(tag_path(tag) for tag in self.ordered[at].tags):
            positions = self.by_tag[path]
            middle = bisect.bisect_left(positions, at)
            low = max(0, middle - _RELATED_WINDOW)
            shared.update(n for n in positions[low : middle + _RELATED_WINDOW + 1] if n != at)
        best = sorted(shared, key=lambda n: (-shared[n], abs(n - at), n))
        return [self.ordered[n] for n in best[:count]]
