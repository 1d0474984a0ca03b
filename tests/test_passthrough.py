"""The pass-through of generated pages: real ``mkdocs build``s with and without it give the
same bytes, and only the builder's own pages, in the builder's shape, are passed through."""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

import builder.build
import builder.passthrough
from builder.passthrough import (
    CHECKED_FILE,
    MAX_CHECKED_BYTES,
    VERIFIED_EXTENSIONS,
    PassThrough,
    RawBody,
    body_digest,
    load_checked,
    raw_body,
    save_checked,
)
from builder.plugin import BriefingsPlugin
from tests.conftest import REPO, FakeEngine, ProjectFactory, requires_apertium, write_project
from tests.test_properties import seed_text, write_seed

GOLDEN = Path(__file__).parent / "fixtures" / "golden"
AREA = "briefings"

# Seeds that try to become markup, Markdown, template code, comments or extra lines.
HOSTILE = {
    "html.txt": (
        "---\n"
        "source: <b>Diario</b> \"uno\" & 'dos' </article>\n"
        "url: https://example.org/?a=1&b=%3C2%3E#x\n"
        "author: </article><script>alert(1)</script>\n"
        'tags: ["<i>etiqueta</i>", "{{ 7*7 }}", "a&amp;b"]\n'
        "---\n"
        "<h1>Título</h1> </article> <article>\n"
        '<script>alert(1)</script> El perro <b>come</b> <img src=x onerror="alert(1)">.\n'
        '<div markdown="1">*no es Markdown*</div> <p id="p1">duplicado</p>\n'
    ),
    "markdown.txt": (
        "# Título con almohadilla\n"
        "## Subtítulo\n"
        "* lista\n"
        "1. uno\n"
        "> cita\n"
        "    código con sangría\n"
        "```\n"
        "~~~\n"
        "| a | b |\n"
        "|---|---|\n"
        "[x](y) ![i](j) `c` *énfasis* __negrita__ {: .clase } [TOC] !!! note\n"
        "Término\n"
        ": definición\n"
        "[^1]: nota *[OTAN]: Organización\n"
    ),
    "jinja.txt": (
        "{{ 7*7 }} {{ briefing.title }}\n"
        "{% raw %}x{% endraw %} {# comentario #} {% if true %}sí{% endif %}\n"
    ),
    "comments.txt": (
        "<!-- más -->\n<!--\n-->\n<![CDATA[x]]> <?php echo 1 ?> <!DOCTYPE html> --!> <!---->\n"
    ),
    "blank.txt": "Título\n\n\n   \n\t\nPárrafo uno.\n\n \n\nPárrafo dos.\n\u3000\n",
    "unicode.txt": (
        "Título \u2028 con \u2029 separadores\n"
        "Tab\taquí, NEL\x85, FF\x0c, VT\x0b, STX\x02amp\x03 ETX, BOM\ufeff, RLO\u202e, "
        "ZWJ\u200d, é (e\u0301), 🇪🇸, \U0001d518, «cita» ¿Qué? ¡Ya! \u00a0espacio\n"
    ),
    "entities.txt": "Entidades\n&amp; &#60; &lt; &#x27; &nbsp; & ; &#; &#x; &desconocida; &AMP\n",
}


def with_passthrough(project: Path, on: bool) -> MkDocsConfig:
    """The project's config with the pass-through on or off, building into its own folder."""
    yml = (project / "mkdocs.yml").read_text(encoding="utf-8")
    name = "on" if on else "off"
    config_file = project / f"mkdocs-{name}.yml"
    config_file.write_text(
        yml.replace("engine: apertium", f"engine: apertium\n      passthrough: {str(on).lower()}"),
        encoding="utf-8",
    )
    return load_config(str(config_file), site_dir=str(project / f"site-{name}"))


def build_site(project: Path, on: bool) -> tuple[dict[str, bytes], PassThrough | None]:
    """A real ``mkdocs build``: every output file's bytes, and the pass-through's record of it
    (MkDocs keeps one plugin instance from one config load to the next in a process)."""
    config = with_passthrough(project, on)
    mkdocs_build(config)
    plugin = config.plugins["briefings"]
    assert isinstance(plugin, BriefingsPlugin)
    assert (plugin.passthrough is not None) == on
    site = Path(config.site_dir)
    files = sorted(p for p in site.rglob("*") if p.is_file())
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in files}, plugin.passthrough


def assert_same_site(on: dict[str, bytes], off: dict[str, bytes]) -> None:
    assert sorted(on) == sorted(off)
    differing = [name for name in on if on[name] != off[name]]
    assert differing == [], f"differ with and without the pass-through: {differing}"


def generated_pages(project: Path) -> set[str]:
    area = project / "site_src" / AREA
    return {
        f"{AREA}/{p.relative_to(area).as_posix()}"
        for p in area.rglob("*.md")
        if p.name != "editors.md"  # serve only, and not in the one-block shape
    }


def passed_through(passthrough: PassThrough | None) -> PassThrough:
    assert passthrough is not None, "the pass-through did not run"
    return passthrough


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds in this process translate with :class:`FakeEngine`: what is compared here is
    MkDocs' output with and without the pass-through, whatever the engine wrote."""
    monkeypatch.setattr(builder.build, "create_engine", lambda name, **options: FakeEngine())


@pytest.fixture(autouse=True)
def fixed_build_date(monkeypatch: pytest.MonkeyPatch) -> None:
    # The sitemap and the feed carry the build date: both builds get the same one.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1718928000")


@pytest.mark.parametrize("fixture", [pytest.param("golden", marks=requires_apertium), "hostile"])
def test_site_is_byte_identical_with_and_without_passthrough(
    make_project: ProjectFactory, fixture: str, request: pytest.FixtureRequest
) -> None:
    if fixture == "hostile":
        request.getfixturevalue("fake_engine")
    seeds: dict[str, str | bytes] = dict(HOSTILE)
    if fixture == "golden":
        seeds = {p.name: p.read_bytes() for p in sorted((GOLDEN / "seeds").iterdir())}
    project = make_project(seeds)
    if fixture == "golden":
        shutil.copy(GOLDEN / "glossary.yml", project / "glossary.yml")
    on, record = build_site(project, on=True)
    off, _ = build_site(project, on=False)
    assert_same_site(on, off)
    assert "bf-search/shards.json" in on  # the search index, the same both ways
    # Every generated page (briefings, index, tag pages) went through unparsed.
    passthrough = passed_through(record)
    assert passthrough.refused == []
    assert passthrough.passed == len(generated_pages(project))
    briefings = [name for name in seeds if not name.endswith(".corrections.yml")]
    assert {f"{AREA}/{Path(name).stem}.md" for name in briefings} <= passthrough.pages


@pytest.mark.usefixtures("fake_engine")
def test_byte_identical_with_every_verified_markdown_extension(
    make_project: ProjectFactory,
) -> None:
    yml = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    extensions = "".join(f"  - {name}\n" for name in sorted(VERIFIED_EXTENSIONS))
    project = make_project(
        HOSTILE,
        mkdocs_yml=yml.replace("markdown_extensions:\n", f"markdown_extensions:\n{extensions}"),
    )
    (project / "site_src" / "extensions.md").write_text(
        "# Extensions\n\n!!! note\n    *Hola* ==marca== ^^ins^^ ~~del~~ ++ctrl+alt++ :smile:\n\n"
        "Term\n:   definition[^1]\n\n[^1]: A footnote.\n\n```python\nx = 1\n```\n",
        encoding="utf-8",
    )
    on, record = build_site(project, on=True)
    off, _ = build_site(project, on=False)
    assert_same_site(on, off)
    assert passed_through(record).passed == len(generated_pages(project))
    # The extensions did run: the hand-written page shows their output.
    page = on["extensions/index.html"].decode("utf-8")
    assert 'class="admonition note"' in page
    assert "<mark>marca</mark>" in page


@pytest.mark.usefixtures("fake_engine")
def test_unverified_markdown_extension_turns_passthrough_off(
    make_project: ProjectFactory, caplog: pytest.LogCaptureFixture
) -> None:
    yml = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    project = make_project(
        {"nota.txt": "Título.\nEl perro {++come++}.\n"},
        mkdocs_yml=yml.replace(
            "markdown_extensions:\n", "markdown_extensions:\n  - pymdownx.critic\n"
        ),
    )
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.briefings"):
        config = with_passthrough(project, on=True)
        mkdocs_build(config)
    plugin = config.plugins["briefings"]
    assert isinstance(plugin, BriefingsPlugin)
    assert plugin.passthrough is None
    assert (
        "briefings: generated pages go through Markdown in full: the pass-through is not "
        "verified with the Markdown extension(s) pymdownx.critic"
    ) in caplog.messages


@pytest.mark.usefixtures("fake_engine")
def test_hand_written_pages_in_the_area_are_converted_as_usual(
    make_project: ProjectFactory, caplog: pytest.LogCaptureFixture
) -> None:
    project = make_project({"nota.txt": "Título.\nEl perro come.\n"})
    area = project / "site_src" / AREA
    area.mkdir(parents=True)
    (area / "notas.md").write_text(
        "# Notas\n\nUn *párrafo* escrito a mano, [enlace](nota.md#p1), [roto](nota.md#p9).\n",
        encoding="utf-8",
    )
    # In the builder's very shape, but the builder did not write it: not passed through.
    (area / "imitacion.md").write_text(
        '---\ntitle: "Imitación"\n---\n<article class="bf-briefing">\n<p>Hola</p>\n</article>\n',
        encoding="utf-8",
    )
    yml = project / "mkdocs.yml"  # MkDocs checks anchors in links, from the ids it found
    yml.write_text(yml.read_text("utf-8") + "  anchors: warn\n", encoding="utf-8")
    builds = []
    for passthrough_on in (True, False):
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            site, record = build_site(project, on=passthrough_on)
        builds.append((site, record, list(caplog.messages)))
    (on, record, warnings_on), (off, _, warnings_off) = builds
    assert_same_site(on, off)
    assert (
        warnings_on
        == warnings_off
        == [
            f"Doc file '{AREA}/notas.md' contains a link 'nota.md#p9', "
            f"but the doc '{AREA}/nota.md' does not contain an anchor '#p9'."
        ]
    )
    passthrough = passed_through(record)
    generated = generated_pages(project) - {f"{AREA}/notas.md", f"{AREA}/imitacion.md"}
    assert f"{AREA}/nota.md" in generated
    assert passthrough.pages >= generated
    assert {f"{AREA}/notas.md", f"{AREA}/imitacion.md"}.isdisjoint(passthrough.pages)
    assert passthrough.passed == len(generated)
    assert "Un <em>párrafo</em> escrito a mano," in on[f"{AREA}/notas/index.html"].decode()


@pytest.mark.usefixtures("fake_engine")
def test_generated_page_edited_by_hand_is_converted_as_usual(
    make_project: ProjectFactory, caplog: pytest.LogCaptureFixture
) -> None:
    project = make_project(
        {"nota.txt": "Título.\nEl perro come.\n", "otra.txt": "Otra.\nHace sol.\n"}
    )
    build_site(project, on=True)
    area = project / "site_src" / AREA
    # Markdown after the block, and a blank line inside it: both outside the builder's shape.
    nota = area / "nota.md"
    nota.write_text(nota.read_text(encoding="utf-8") + "\n**editado**\n", encoding="utf-8")
    otra = area / "otra.md"
    otra.write_text(
        otra.read_text(encoding="utf-8").replace("</header>\n", "</header>\n\n"),
        encoding="utf-8",
    )
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.briefings"):
        on, record = build_site(project, on=True)
    off, _ = build_site(project, on=False)
    assert "**editado**" in nota.read_text(encoding="utf-8"), "the builder rewrote the edit"
    assert_same_site(on, off)
    passthrough = passed_through(record)
    assert sorted(passthrough.refused) == [f"{AREA}/nota.md", f"{AREA}/otra.md"]
    assert "<strong>editado</strong>" in on[f"{AREA}/nota/index.html"].decode()
    assert (
        "briefings: 2 generated page(s) not in the shape the builder writes (edited by hand?) "
        f"went through Markdown in full, first '{AREA}/nota.md'"
    ) in caplog.messages


@pytest.mark.usefixtures("fake_engine")
def test_bodies_checked_once_are_remembered_between_builds(
    make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(dict(HOSTILE))
    off, _ = build_site(project, on=False)
    first, record = build_site(project, on=True)
    checked_file = project / ".briefings-cache" / CHECKED_FILE
    remembered = load_checked(checked_file)
    assert sorted(remembered) == sorted(passed_through(record).checked_now)
    assert len(remembered) == len(generated_pages(project)) - len(passed_through(record).refused)
    before = checked_file.read_bytes()

    # A new process: the file is read back, and no remembered body is checked again.
    monkeypatch.setattr(BriefingsPlugin, "checked", None)
    config = with_passthrough(project, True)
    plugin = config.plugins["briefings"]
    assert isinstance(plugin, BriefingsPlugin)
    plugin.checked = None

    def no_check(markdown: str) -> RawBody | None:
        raise AssertionError("a remembered body was checked again")

    monkeypatch.setattr(builder.passthrough, "raw_body", no_check)
    again, record = build_site(project, on=True)
    assert_same_site(again, off)
    assert_same_site(first, off)
    assert passed_through(record).passed == len(remembered)
    assert checked_file.read_bytes() == before  # unchanged, not rewritten


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"{not json",
        b"[]",
        b'{"version": 1, "code": "other code", "bodies": {}}',
        b'{"version": 2, "code": "CODE", "bodies": {}}',
        b'{"version": 1, "code": "CODE", "bodies": {"../x": []}}',
        b'{"version": 1, "code": "CODE", "bodies": {"' + b"0" * 32 + b'": [1]}}',
        b'{"version": 1, "code": "CODE", "bodies": {"' + b"0" * 32 + b'": "p1"}}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"version": 1, "code": "CODE", "bodies": {"'
        + b"0" * 32
        + b'": ['
        + b"[]," * 1000
        + b"1]}}",
        b"TOO LARGE",
        b"\xff\xfe",
    ],
)
def test_a_damaged_or_foreign_checked_file_is_ignored(tmp_path: Path, damage: bytes) -> None:
    if damage == b"TOO LARGE":  # a well-formed start, then more than the limit
        damage = _saved_example().encode()[:-3] + b" " * MAX_CHECKED_BYTES + b"}}"
    path = tmp_path / CHECKED_FILE
    path.write_bytes(damage.replace(b"CODE", passthrough_code().encode()))
    assert load_checked(path) == {}


def test_the_checked_file_reads_back_what_was_saved(tmp_path: Path) -> None:
    path = tmp_path / CHECKED_FILE
    checked = {body_digest("a"): frozenset({"p1", "é<"}), body_digest("b"): frozenset()}
    save_checked(path, checked)
    assert load_checked(path) == checked
    (tmp_path / "folder").mkdir()
    save_checked(tmp_path / "folder" / "missing" / CHECKED_FILE, checked)  # a cache: no error


def passthrough_code() -> str:
    return str(json.loads(_saved_example())["code"])


def _saved_example() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / CHECKED_FILE
        save_checked(path, {})
        return path.read_text(encoding="utf-8")


# Fixed example count, so CI runs the same number every time: 12 pairs of real builds.
@requires_apertium
@settings(max_examples=12, deadline=None)
@given(seeds=st.lists(seed_text, min_size=1, max_size=2))
def test_generated_seed_text_builds_byte_identical(seeds: list[tuple[str, list[str]]]) -> None:
    root = Path(tempfile.mkdtemp(prefix="passthrough-"))
    try:
        project = write_project(root / "p", {})
        for n, (title, paragraphs) in enumerate(seeds):
            write_seed(project / "seeds", f"s{n}.txt", title, paragraphs)
        on, record = build_site(project, on=True)
        off, _ = build_site(project, on=False)
        assert_same_site(on, off)
        passthrough = passed_through(record)
        assert passthrough.refused == []
        assert passthrough.passed == len(seeds) + 1  # and the index
    finally:
        shutil.rmtree(root, ignore_errors=True)


# The shape check against MkDocs' own conversion of a page, without a whole build: whenever
# raw_body accepts a body, its HTML and anchors are what MkDocs makes of it.

_CONFIG: list[MkDocsConfig] = []


def mkdocs_render(markdown: str) -> Page:
    """One page converted by MkDocs (Python-Markdown with the site's extensions)."""
    if not _CONFIG:
        _CONFIG.append(load_config(str(REPO / "mkdocs.yml")))
    config = _CONFIG[0]
    file = File(f"{AREA}/x.md", src_dir=None, dest_dir=config.site_dir, use_directory_urls=True)
    file.content_string = f"---\ntitle: x\n---\n{markdown}"
    page = Page(None, file, config)
    page.read_source(config)
    page.render(config, Files([file]))
    return page


def assert_as_mkdocs_renders(markdown: str) -> bool:
    """If raw_body accepts ``markdown``, it gives what MkDocs gives; says whether it did."""
    try:
        page = mkdocs_render(markdown)
    except AssertionError:
        # MkDocs' anchor collection hands the text to Python's HTMLParser, which raises
        # AssertionError on some malformed declarations ('<![' and a new line): MkDocs itself
        # cannot render it, and the builder's shape has no '<!' at all.
        assert raw_body(markdown) is None
        return False
    assert page.markdown is not None
    body = raw_body(page.markdown)  # what 'on_page_markdown' is given
    if body is None:
        return False
    assert body.html == page.content
    assert page.present_anchor_ids is not None
    assert body.anchors == frozenset(page.present_anchor_ids)
    return True


BUILDER_TAGS = [
    '<p class="bf-es" lang="es">',
    '<p class="bf-en" lang="en" data-origin="machine">',
    "</p>",
    '<div class="bf-pair" id="p1-s1">',
    '<div id="a&amp;b">',
    "</div>",
    '<a class="bf-anchor" href="#p1" aria-label="Link to paragraph 1">',
    '<a name="n&#34;1" href="https://example.org/?a=1&amp;b=2">',
    '<a href="https://example.org/?x= id=" id="y&lt;" name="m">',
    '<span id="s1" title="a" id="s2">',
    '<li name="not-an-anchor">',
    '<div data-search-body id="b1" data-note="title:a&#39;b">',
    '<span hidden id="h1" title="t" id="h2">',
    "</a>",
    '<span class="bf-uncertain">',
    "</span>",
    '<time datetime="2024-06-21">',
    "</time>",
    "<li>",
    "</li>",
    "<h1>",
    "</h1>",
    "<hr>",
    "<br>",
]
BUILDER_TEXT = [
    "El perro come.",
    "¶",
    "&amp;",
    "&lt;script&gt;",
    "&#34;cita&#34;",
    "&#39;",
    "&#x27;",
    "{{ 7*7 }}",
    "*em* __b__ `c` [x](y)",
    "# no",
    "```",
    "    ",
    " ",
    "«»¿¡ é 🇪🇸 \u00a0\ufeff\u200d",
]
HOSTILE_PIECES = [
    "\n",
    "\n\n",
    "\n    ",
    "\n```\n",
    "\t",
    "\x02",
    "\x03",
    "\x0c",
    "\u2028",
    "\x85",
    "<!--",
    "-->",
    "<!-- c -->",
    "<?x?>",
    "<![CDATA[",
    "<script>",
    "</script>",
    "<textarea>",
    "<article>",
    "</article>",
    "</ARTICLE>",
    "<P>",
    "<br/>",
    "<b",
    "<",
    ">",
    "&",
    '"',
    "&#;",
    "</>",
    "<div markdown='1'>",
    "<p id=x>",
    "<p id>",
    "<a name>",
    "<p data-x >",
    "\n**md**\n",
]
OUTER = [
    ("article", ' class="bf-briefing"'),
    ("div", ' class="bf-index"'),
    ("nav", ' class="bf-more" aria-label="More briefings"'),
    ("section", ""),
]


def builder_lines(outer: str) -> st.SearchStrategy[str]:
    """Lines as the builder writes them: a tag first; no tag of the outer element's name."""
    tags = [t for t in BUILDER_TAGS if not t.startswith((f"<{outer}", f"</{outer}"))]
    return st.tuples(
        st.sampled_from(tags), st.lists(st.sampled_from(tags + BUILDER_TEXT), max_size=8)
    ).map(lambda t: t[0] + "".join(t[1]) + "\n")


builder_element = st.sampled_from(OUTER).flatmap(
    lambda outer: st.lists(builder_lines(outer[0]), max_size=8).map(
        lambda lines: f"<{outer[0]}{outer[1]}>\n{''.join(lines)}</{outer[0]}>\n"
    )
)
# One element, or a few back to back (a briefing and what the plugin adds after it), and
# perhaps blank lines at the end (a marker filled with nothing).
builder_body = st.tuples(
    st.lists(builder_element, min_size=1, max_size=3), st.sampled_from(["", "\n", "\n\n"])
).map(lambda t: "".join(t[0]) + t[1])


@settings(max_examples=200, deadline=None)
@given(markdown=builder_body)
def test_bodies_in_the_builders_shape_pass_through_as_mkdocs_renders_them(markdown: str) -> None:
    assert assert_as_mkdocs_renders(markdown), "a body in the builder's shape was refused"


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    markdown=builder_body,
    inserts=st.lists(
        st.tuples(
            st.integers(min_value=0),
            st.one_of(
                st.sampled_from(HOSTILE_PIECES),
                st.text(st.characters(codec="utf-8"), min_size=1, max_size=3),
            ),
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_any_body_raw_body_accepts_is_what_mkdocs_renders(
    markdown: str, inserts: list[tuple[int, str]]
) -> None:
    for at, piece in inserts:
        at %= len(markdown) + 1
        markdown = markdown[:at] + piece + markdown[at:]
    markdown = markdown.replace("\r", "\n")  # as MkDocs reads a file: universal newlines
    event("passed through" if assert_as_mkdocs_renders(markdown) else "refused")


@pytest.mark.parametrize(
    ("markdown", "why"),
    [
        ('<article class="bf-briefing">\n<p>x</p>\n</article>\n\n<nav>\n</nav>\n', "a blank line"),
        ('<article class="bf-briefing">\n<p>x</p>\n</article>\n<p>y</p>\n', "no element"),
        ('<article class="bf-briefing">\n<p>x</p>\n</article>\n    <nav>\n</nav>\n', "indent"),
        ('<article class="bf-briefing">\n<p>x</p>\n</article>\n\n**md**\n', "Markdown after it"),
        ('<article class="bf-briefing">\n\n<p>x</p>\n</article>\n', "a blank line"),
        ('<article class="bf-briefing">\nx <p>y</p>\n</article>\n', "a line of text"),
        ('<article class="bf-briefing">\n<p>a\tb</p>\n</article>\n', "a tab"),
        ('<article class="bf-briefing">\n<p>a\x02b</p>\n</article>\n', "STX"),
        ('<article class="bf-briefing">\n<!-- c -->\n</article>\n', "a comment"),
        ('<article class="bf-briefing">\n<script>x</script>\n</article>\n', "a script"),
        ('<article class="bf-briefing">\n<article>\n</article>\n</article>\n', "nested"),
        ('<article class="bf-briefing">\n<p>a & b</p>\n</article>\n', "a bare ampersand"),
        ('<article class="bf-briefing">\n<p>"a"</p>\n</article>\n', "a bare quote"),
        ('<article class="bf-briefing">\n<P>a</P>\n</article>\n', "upper case"),
        ("<article class='bf-briefing'>\n<p>a</p>\n</article>\n", "single quotes"),
        ('<article class="bf-briefing">\n<p id>a</p>\n</article>\n', "an id without value"),
        ('<p class="bf-es">\n<p>a</p>\n</p>\n', "not a block element the builder uses"),
        ("# Título\n\n<article>\n</article>\n", "Markdown before it"),
    ],
)
def test_bodies_outside_the_builders_shape_are_refused(markdown: str, why: str) -> None:
    assert raw_body(markdown) is None, why
