"""Property-based tests: for arbitrary seed text, the page holds it as text and only as text."""

from __future__ import annotations

import functools
import shutil
import tempfile
from collections.abc import Sequence
from html import escape as html_escape
from pathlib import Path

import markdown
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.utils.meta import get_data

from builder.build import build
from builder.model import AlignedSegment, Briefing, EngineInfo, Segment, Translation
from builder.render import Renderer
from builder.seeds import SeedFile, read_seed
from builder.segment import segment_seed
from builder.text import clean_line
from tests.conftest import REPO, requires_apertium, settings_for, write_project
from tests.htmlcheck import ALLOWED_ATTRS, ALLOWED_TAGS, Page, parse

SNIPPETS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=//evil>",
    "{{ 7*7 }}",
    "{% if true %}x{% endif %}",
    "{# c #}",
    "<!-- more -->",
    "<!--",
    "-->",
    "# ",
    "## Título",
    "!!! note",
    '??? warning "x"',
    "| a | b |",
    "|---|",
    "---",
    "***",
    "[x](y)",
    "![i](j)",
    "`code`",
    "```",
    "*em*",
    "__b__",
    "&amp;",
    "&#60;",
    "&lt;",
    "\\",
    "<",
    ">",
    "&",
    '"',
    "'",
    "[TOC]",
    "{: .cls }",
    ":material-home:",
    "$$x$$",
    '<div markdown="1">',
    "</div>",
    "</article>",
    "EE. UU.",
    "Sr. García",
    "3,5 %",
    "¿Qué?",
    "¡Ya!",
    "«cita»",
]
WORDS = ["el", "perro", "come", "casa", "grande", "la", "OTAN", "dijo", "que", "y", "año", "niño"]
token = st.one_of(
    st.sampled_from(SNIPPETS),
    st.sampled_from(WORDS),
    # Any character but NUL (a binary file, tested elsewhere) and line ends (they make lines).
    st.text(
        st.characters(exclude_categories=("Cs", "Co", "Cn"), exclude_characters="\x00\n\r"),
        min_size=1,
        max_size=8,
    ),
)
line = st.lists(token, min_size=1, max_size=12).map(" ".join).filter(lambda s: clean_line(s) != "")
seed_text = st.tuples(line, st.lists(line, min_size=1, max_size=4))


def write_seed(folder: Path, name: str, title: str, paragraphs: Sequence[str]) -> Path:
    path = folder / name
    # "T:" keeps the title line from being taken for front matter ("---").
    path.write_text("T: " + title + "\n" + "\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


def assert_text_only(page: Page, title: str, paragraphs: Sequence[str]) -> None:
    assert page.article, "no briefing article in the page"
    for element in page.article:
        assert element.tag in ALLOWED_TAGS, element
        assert set(element.attrs) <= ALLOWED_ATTRS, element
    assert page.by_class("bf-title")[0].text == clean_line("T: " + title)
    rows = page.by_class("bf-paragraph")
    assert len(rows) == len(paragraphs)
    spanish = [e.text for e in page.by_class("bf-es")]
    # Every Spanish character of the body is on the page, as text, in order.
    expected = "".join(clean_line(p) for p in paragraphs).replace(" ", "")
    assert "".join(spanish).replace(" ", "") == expected


@functools.cache
def _site_config() -> tuple[list[str], dict[str, dict[str, object]]]:
    config = load_config(str(REPO / "mkdocs.yml"))
    return list(config.markdown_extensions), dict(config.mdx_configs)


def site_markdown() -> markdown.Markdown:
    """Markdown with the site's extensions, as MkDocs sets it up."""
    extensions, configs = _site_config()
    return markdown.Markdown(extensions=extensions, extension_configs=configs)


# The render property 'translates' by echoing the Spanish, so hostile text reaches the
# English column too, and hundreds of examples run without an engine.
ECHO = EngineInfo("echo", "Echo", "1")


# Example counts are fixed so that CI runs the same number every time (the closing note
# reports them): 300 rendered pages, 20 real MkDocs builds of 1 to 3 seeds each.
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=seed_text)
def test_rendered_markdown_holds_seed_only_as_text(
    tmp_path: Path, seed: tuple[str, list[str]]
) -> None:
    title, paragraphs = seed
    path = write_seed(tmp_path, "x.txt", title, paragraphs)
    parsed, _ = read_seed(SeedFile(path, "x"))
    title_segments, body = segment_seed(parsed)

    def pair(segment: Segment) -> AlignedSegment:
        return AlignedSegment(segment, Translation(segment.es))  # echoed: see ECHO

    briefing = Briefing(
        parsed,
        tuple(pair(s) for s in title_segments),
        tuple(tuple(pair(s) for s in p) for p in body),
        ECHO,
    )
    text = Renderer(REPO / "templates").briefing_page(briefing)
    markdown_body, meta = get_data(text)
    html = site_markdown().convert(markdown_body)
    assert meta["title"] == html_escape(clean_line("T: " + title))
    assert_text_only(parse(html), title, paragraphs)


@requires_apertium
@settings(max_examples=20, deadline=None)
@given(seeds=st.lists(seed_text, min_size=1, max_size=3))
def test_real_mkdocs_build_holds_seed_only_as_text(seeds: list[tuple[str, list[str]]]) -> None:
    root = Path(tempfile.mkdtemp(prefix="prop-"))
    try:
        project = write_project(root / "p", {})
        for n, (title, paragraphs) in enumerate(seeds):
            write_seed(project / "seeds", f"s{n}.txt", title, paragraphs)
        report = build(settings_for(project))
        # Characters no page can carry are replaced, with a warning; nothing else is wrong.
        assert [p for p in report.problems if "cannot be shown" not in p.message] == []
        config = load_config(str(project / "mkdocs.yml"))
        mkdocs_build(config)
        for n, (title, paragraphs) in enumerate(seeds):
            html = (project / "site" / "briefings" / f"s{n}" / "index.html").read_text("utf-8")
            page = parse(html)
            assert_text_only(page, title, paragraphs)
            assert not any("alert" in e.text for e in page.elements if e.tag == "script")
    finally:
        shutil.rmtree(root, ignore_errors=True)
