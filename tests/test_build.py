"""The whole pipeline on temporary projects, up to a real ``mkdocs build --strict``."""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from pathlib import Path

import pytest

from builder.build import build
from builder.model import Briefing, EngineInfo
from builder.render import IndexEntry, Renderer
from tests.conftest import (
    REPO,
    FakeEngine,
    ProjectFactory,
    fake_translation,
    requires_apertium,
    run_cli,
    run_mkdocs,
    settings_for,
)
from tests.htmlcheck import ALLOWED_ATTRS, ALLOWED_TAGS, parse

DATED = """---
date: 2024-06-21
source: Diario de Prueba
url: https://example.org/nota
author: Ana Pérez
tags: [Rusia, Corea]
---
Putin visita Corea del Norte.
El Sr. García llegó a EE. UU. el lunes. Recibió una recepción entusiasta.
La OTAN y la ONU firmaron el acuerdo.
"""
TITLE_EN = fake_translation("Putin visita Corea del Norte.").text
UNDATED = "Un artículo sin fecha.\nEl perro come en la casa grande.\n"
OLDER = "---\ndate: 2023-01-05\n---\nUn artículo antiguo.\nLa casa es grande.\n"
HOSTILE = """---
source: <script>alert('source')</script>
url: https://example.org/?q="><script>alert(1)</script>
author: "{{ 7*7 }}"
tags: ["<b>negrita</b>", "{% raw %}"]
---
<script>alert("título")</script> {{ 7*7 }} & compañía
# Encabezado <img src=x onerror=alert(1)> y <iframe src="https://evil.example"></iframe>.
| a | b | Una tabla.
!!! note "Aviso" con <!-- more --> y [enlace](javascript:alert(1)) y *énfasis*.
{% for x in range(3) %}{{ x }}{% endfor %} --- <a href="javascript:alert(2)" onclick="x()">clic</a>.
"""


def test_build_writes_briefings_and_index(make_project: ProjectFactory) -> None:
    project = make_project({"nota.txt": DATED, "sin-fecha.txt": UNDATED, "vieja.txt": OLDER})
    report = build(settings_for(project), engine=FakeEngine())
    assert report.problems == ()
    assert len(report.collection.briefings) == 3
    area = project / "site_src" / "briefings"
    assert sorted(p.name for p in area.glob("*.md")) == [
        "editors.md",  # the editors' page: 'mkdocs serve' shows it, a build leaves it out
        "index.md",
        "nota.md",
        "sin-fecha.md",
        "vieja.md",
    ]
    index = (area / "index.md").read_text(encoding="utf-8")
    # newest first, undated last
    assert (
        index.index('href="nota/"')
        < index.index('href="vieja/"')
        < index.index('href="sin-fecha/"')
    )
    page = (area / "nota.md").read_text(encoding="utf-8")
    # The Spanish title leads: the English one is machine output.
    assert page.startswith('---\ntitle: "Putin visita Corea del Norte."\n')
    assert '<p class="bf-es" lang="es">El Sr. García llegó a EE. UU. el lunes.</p>' in page
    assert "machine translation by Fake engine (tests)" in page


def test_rebuild_without_changes_writes_nothing(make_project: ProjectFactory) -> None:
    project = make_project({"nota.txt": DATED, "sin-fecha.txt": UNDATED})
    settings = settings_for(project)
    first = build(settings, engine=FakeEngine())
    area = project / "site_src" / "briefings"
    stamps = {p.name: p.stat().st_mtime_ns for p in area.iterdir()}
    second = build(settings, engine=FakeEngine())
    assert first.collection.translated > 0
    assert second.collection.translated == 0
    assert second.reused == 2  # unchanged seeds are not even read again
    assert second.summary().startswith("2 briefings (0 rebuilt), 0 segments")
    assert second.written == ()
    assert {p.name: p.stat().st_mtime_ns for p in area.iterdir()} == stamps


def test_template_change_rebuilds_every_page(make_project: ProjectFactory) -> None:
    project = make_project({"nota.txt": DATED, "sin-fecha.txt": UNDATED})
    settings = settings_for(project)
    build(settings, engine=FakeEngine())
    template = project / "templates" / "briefing.md.j2"
    template.write_text(template.read_text("utf-8").replace("It may contain", "It can contain"))
    report = build(settings, engine=FakeEngine())
    assert report.reused == 0
    assert report.collection.translated == 0
    assert sorted(p.name for p in report.written) == ["nota.md", "sin-fecha.md"]


def test_changed_seed_retranslates_only_new_sentences(make_project: ProjectFactory) -> None:
    project = make_project({"nota.txt": DATED, "sin-fecha.txt": UNDATED})
    settings = settings_for(project)
    build(settings, engine=FakeEngine())
    seed = project / "seeds" / "sin-fecha.txt"
    seed.write_text(UNDATED + "Una frase nueva.\n", encoding="utf-8")
    report = build(settings, engine=FakeEngine())
    assert report.collection.translated == 1
    assert [p.name for p in report.written] == ["editors.md", "sin-fecha.md"]  # its figures


def test_list_pages_are_made_again_only_when_what_they_list_changes(
    make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = Renderer.list_pages

    def counted(self: Renderer, *args: object, **kwargs: object) -> dict[str, str]:
        calls.append(1)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Renderer, "list_pages", counted)
    project = make_project({"nota.txt": DATED, "sin-fecha.txt": UNDATED})
    settings = settings_for(project)
    area = settings.area
    build(settings, engine=FakeEngine())
    assert len(calls) == 1
    # A new last paragraph changes the page, not its index entry (title, first sentence).
    seed = project / "seeds" / "sin-fecha.txt"
    seed.write_text(UNDATED + "Una frase nueva.\n", encoding="utf-8")
    report = build(settings, engine=FakeEngine())
    assert [p.name for p in report.written] == ["editors.md", "sin-fecha.md"]
    assert len(calls) == 1
    # A new title does change the entry: the index and the feed follow.
    seed.write_text("Un título distinto.\nEl perro come.\n", encoding="utf-8")
    report = build(settings, engine=FakeEngine())
    assert len(calls) == 2
    assert sorted(p.name for p in report.written) == ["editors.md", "index.md", "sin-fecha.md"]
    assert "Un título distinto." in (area / "index.md").read_text(encoding="utf-8")
    # A list page deleted by hand comes back.
    (area / "index.md").unlink()
    report = build(settings, engine=FakeEngine())
    assert len(calls) == 3
    assert [p.name for p in report.written] == ["index.md"]
    # So does one whose site settings change (the feed's absolute links).
    yml = project / "mkdocs.yml"
    yml.write_text(
        "site_url: https://example.org/\n" + yml.read_text(encoding="utf-8"), encoding="utf-8"
    )
    report = build(settings_for(project), engine=FakeEngine())
    assert len(calls) == 4
    assert [p.name for p in report.written] == ["feed.xml"]


def test_removed_seed_removes_its_page_but_not_hand_written_files(
    make_project: ProjectFactory,
) -> None:
    project = make_project({"nota.txt": DATED, "sin-fecha.txt": UNDATED})
    settings = settings_for(project)
    build(settings, engine=FakeEngine())
    area = project / "site_src" / "briefings"
    (area / "notas-del-editor.md").write_text("# A mano\n", encoding="utf-8")
    (project / "seeds" / "sin-fecha.txt").unlink()
    report = build(settings, engine=FakeEngine())
    assert [p.name for p in report.removed] == ["sin-fecha.md"]
    assert sorted(p.name for p in area.glob("*.md")) == [
        "editors.md",
        "index.md",
        "nota.md",
        "notas-del-editor.md",
    ]
    assert (project / "site_src" / "about.md").is_file()


def test_bad_seed_is_skipped_named_and_keeps_its_last_good_page(
    make_project: ProjectFactory,
) -> None:
    project = make_project({"nota.txt": DATED, "sin-fecha.txt": UNDATED})
    settings = settings_for(project)
    build(settings, engine=FakeEngine())
    page = project / "site_src" / "briefings" / "sin-fecha.md"
    good = page.read_text(encoding="utf-8")
    bad = project / "seeds" / "sin-fecha.txt"
    bad.write_text("---\ndate: nunca\n---\nTítulo\nTexto.\n", encoding="utf-8")
    report = build(settings, engine=FakeEngine())
    assert [str(p) for p in report.problems] == [
        f"{bad}:2: front matter 'date' must be a date like 2024-06-21"
    ]
    assert report.skipped == 1
    assert report.reused == 1  # nota.txt did not change
    assert page.read_text(encoding="utf-8") == good
    index = (project / "site_src" / "briefings" / "index.md").read_text(encoding="utf-8")
    assert 'href="sin-fecha/"' in index


def test_cli_build_summary_and_strict_exit_status(make_project: ProjectFactory) -> None:
    project = make_project({"nota.txt": DATED, "vacía.txt": "  \n"})
    result = run_cli(project, "build", fake=True)
    assert result.returncode == 1, result.stderr  # an error: a seed was skipped
    lines = result.stderr.strip().splitlines()
    assert lines[0] == (
        "ERROR: seeds/vacía.txt: is empty: write the title on the first line, then paragraphs"
    )
    assert lines[-1].startswith(
        "briefings: 1 briefing (1 rebuilt), 4 segments (4 translated, 0 from"
    )
    assert "1 seed skipped, 1 error" in lines[-1]
    (project / "seeds" / "vacía.txt").write_text("---\ncolour: red\n---\nT\nEl perro.\n", "utf-8")
    warned = run_cli(project, "build", fake=True)
    assert warned.returncode == 0, warned.stderr  # a warning only
    assert "1 warning" in warned.stderr.splitlines()[-1]
    strict = run_cli(project, "build", "--strict", fake=True)
    assert strict.returncode == 1


def test_cli_reports_missing_config_without_traceback(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "build")
    assert result.returncode == 2
    assert result.stderr.startswith("briefings: error: 'mkdocs.yml' not found")
    assert "Traceback" not in result.stderr


def test_cli_help_explains_commands(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--help")
    assert result.returncode == 0
    for word in ("build", "export", "exit status", "mkdocs.yml"):
        assert word in result.stdout


def test_export_jsonl(make_project: ProjectFactory) -> None:
    project = make_project({"nota.txt": DATED})
    result = run_cli(project, "export", "--format", "jsonl", fake=True)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["part"], r["paragraph"], r["sentence"]) for r in records] == [
        ("title", 0, 0),
        ("body", 0, 0),
        ("body", 0, 1),
        ("body", 1, 0),
    ]
    assert records[1]["seed"] == "nota.txt"
    assert records[1]["es"] == "El Sr. García llegó a EE. UU. el lunes."
    assert records[3]["en"] == "The OTAN and the ONU signed the agreement."
    assert {r["engine"] for r in records} == {"fake"}
    assert "exported 4 segments of 1 briefing" in result.stderr


def test_real_mkdocs_build_strict(make_project: ProjectFactory) -> None:
    project = make_project({"nota.txt": DATED, "sin-fecha.txt": UNDATED})
    result = run_mkdocs(project, "--strict", fake=True)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    page = parse((site / "briefings" / "nota" / "index.html").read_text(encoding="utf-8"))
    # The authoritative Spanish title leads in the browser tab; the machine English follows.
    assert page.title == "Putin visita Corea del Norte. - Bilingual Briefings"
    spanish = [e.text for e in page.by_class("bf-es")]
    english = [e.text for e in page.by_class("bf-en")]
    assert spanish[0] == "El Sr. García llegó a EE. UU. el lunes."
    assert len(spanish) == len(english) == 3
    assert {e.attrs["lang"] for e in page.by_class("bf-es")} == {"es"}
    assert {e.attrs["lang"] for e in page.by_class("bf-en")} == {"en"}
    assert page.by_class("bf-title")[0].text == "Putin visita Corea del Norte."
    assert page.by_class("bf-title-en")[0].text == TITLE_EN
    assert [e.attrs.get("datetime") for e in page.elements if e.tag == "time"] == ["2024-06-21"]
    source = next(e for e in page.elements if e.text == "Diario de Prueba")
    assert source.attrs["href"] == "https://example.org/nota"
    assert "Fake engine (tests)" in page.by_class("bf-notice")[0].text
    # No page lists every briefing in its navigation.
    about = (site / "about" / "index.html").read_text(encoding="utf-8")
    assert "sin-fecha/" not in about
    # Nothing fetched from another host when the page is viewed.
    for element in page.elements:
        for name in ("src",):
            value = element.attrs.get(name) or ""
            assert not value.startswith(("http:", "https:", "//")), (element.tag, value)
        if element.tag == "link" and element.attrs.get("rel") == "stylesheet":
            assert not (element.attrs.get("href") or "").startswith(("http", "//"))


def test_seed_text_never_becomes_markup(make_project: ProjectFactory) -> None:
    project = make_project({"hostil.txt": HOSTILE})
    result = run_mkdocs(project, "--strict", fake=True)
    assert result.returncode == 0, result.stderr
    html = (project / "site" / "briefings" / "hostil" / "index.html").read_text(encoding="utf-8")
    page = parse(html)
    for element in page.article:
        assert element.tag in ALLOWED_TAGS, element
        assert set(element.attrs) <= ALLOWED_ATTRS, element
        href = element.attrs.get("href")
        assert (
            href is None
            or href.startswith("https://")
            or re.fullmatch(r"#p\d+|\.\./tags/[a-z0-9-]+/", href)
        ), href
    assert [e.tag for e in page.article].count("h1") == 1
    text = "".join(page.article_text)
    assert '<script>alert("título")</script> {{ 7*7 }} & compañía' in text
    assert "{% for x in range(3) %}{{ x }}{% endfor %}" in text
    assert "<!-- more -->" in text
    assert "<script>alert('source')</script>" in text
    assert "{{ 7*7 }}" in page.by_class("bf-author")[0].text
    assert not any("alert" in e.text for e in page.elements if e.tag == "script")
    assert page.title.startswith("<script>")  # as text: the <title> holds no element
    assert "49" not in text
    # A valid https URL with quotes in it stays one attribute value: escaped, not cut short.
    link = next(e for e in page.article if e.tag == "a" and "bf-anchor" not in str(e.attrs))
    assert link.attrs["href"] == 'https://example.org/?q="><script>alert(1)</script>'


def test_index_page_is_built_and_links_resolve(make_project: ProjectFactory) -> None:
    project = make_project({"nota.txt": DATED, "sin-fecha.txt": UNDATED})
    result = run_mkdocs(project, "--strict", fake=True)
    assert result.returncode == 0, result.stderr
    index = parse((project / "site" / "briefings" / "index.html").read_text(encoding="utf-8"))
    links = [e.attrs["href"] for e in index.by_class("bf-entry-link")]
    assert links == ["nota/", "sin-fecha/"]
    for link in links:
        assert (project / "site" / "briefings" / str(link) / "index.html").is_file()


def test_mkdocs_build_strict_fails_on_a_bad_seed_naming_it(make_project: ProjectFactory) -> None:
    project = make_project({"nota.txt": DATED, "rota.txt": b"T\xedtulo\nTexto.\n"})
    result = run_mkdocs(project, "--strict", fake=True)
    assert result.returncode != 0
    assert "rota.txt:1: is not valid UTF-8 (byte offset 1)" in result.stderr
    plain = run_mkdocs(project, fake=True)
    assert plain.returncode == 0, plain.stderr
    assert (project / "site" / "briefings" / "nota" / "index.html").is_file()


def test_source_date_epoch_does_not_change_briefing_pages(make_project: ProjectFactory) -> None:
    project = make_project({"nota.txt": DATED})
    env_before = os.environ.get("SOURCE_DATE_EPOCH")
    build(settings_for(project), engine=FakeEngine())
    page = project / "site_src" / "briefings" / "nota.md"
    first = page.read_bytes()
    page.unlink()
    os.environ["SOURCE_DATE_EPOCH"] = "86400"
    try:
        build(settings_for(project), engine=FakeEngine())
    finally:
        if env_before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = env_before
    assert page.read_bytes() == first


def _entries(count: int) -> list[IndexEntry]:
    import datetime as dt

    return [
        IndexEntry(
            slug=f"nota-{n:03d}",
            title_es=f"Nota {n}",
            title_en=f"Note {n}",
            date=dt.date(2024, 1 + n % 12, 1 + n % 28) if n % 10 else None,
            source=None,
            engine_label="Apertium",
            first_es="Primera frase.",
            first_en="First sentence.",
            tags=("Rusia",) if n % 3 == 0 else (),
        )
        for n in range(count)
    ]


@pytest.mark.parametrize("directory_urls", [True, False])
def test_index_is_paginated_grouped_by_month_and_links_resolve(
    tmp_path: Path, directory_urls: bool
) -> None:
    renderer = Renderer(REPO / "templates", use_directory_urls=directory_urls)
    pages = renderer.list_pages(_entries(120), EngineInfo("a", "A", "1"), page_size=50)
    assert sorted(pages) == [
        "index.md",
        "page/2.md",
        "page/3.md",
        "tags/rusia.md",
    ]
    index = pages["index.md"]
    assert index.count('class="bf-entry"') == 50
    assert '<h2 class="bf-month">December 2024</h2>' in index
    assert "Page 1 of 3" in index
    assert "Undated" in pages["page/3.md"]  # undated last
    # Every link leads to a page that exists, resolved as a browser would.
    from urllib.parse import urljoin

    site = {renderer.page_url(p) for p in pages} | {
        renderer.page_url(f"{e.slug}.md") for e in _entries(120)
    }
    base = "http://x/briefings/"
    existing = {urljoin(base, url or "./") for url in site}
    for path, text in pages.items():
        here = urljoin(base, renderer.page_url(path) or "./")
        for href in re.findall(r'href="([^"]+)"', text):
            assert urljoin(here, href) in existing, (path, href)
    assert pages["tags/rusia.md"].count('class="bf-entry"') == 40


def test_atom_feed_of_latest_briefings(make_project: ProjectFactory) -> None:
    import xml.etree.ElementTree as ET
    from urllib.parse import urljoin

    project = make_project({"nota.txt": DATED, "sin-fecha.txt": UNDATED, "vieja.txt": OLDER})
    result = run_mkdocs(project, "--strict", fake=True)
    assert result.returncode == 0, result.stderr
    feed_path = project / "site" / "briefings" / "feed.xml"
    root = ET.parse(feed_path).getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    assert root.tag == f"{atom}feed"
    # RFC 4287: a feed has id, title, updated and an author (none of the entries has one).
    for tag in ("id", "title", "updated"):
        assert root.findtext(f"{atom}{tag}"), tag
    assert root.findtext(f"{atom}author/{atom}name") == "Bilingual Briefings"
    entries = root.findall(f"{atom}entry")
    # Newest first; undated briefings are not in the feed. The Spanish titles lead (the
    # English ones are machine output) and say which language they are in.
    assert [e.findtext(f"{atom}title") for e in entries] == [
        "Putin visita Corea del Norte.",
        "Un artículo antiguo.",
    ]
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert {e.find(f"{atom}title").get(xml_lang) for e in entries} == {"es"}  # type: ignore[union-attr]
    assert len({e.findtext(f"{atom}id") for e in entries}) == 2
    for entry in entries:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", entry.findtext(f"{atom}updated") or "")
        assert (entry.findtext(f"{atom}id") or "").startswith("urn:uuid:")
        href = entry.find(f"{atom}link").get("href")  # type: ignore[union-attr]
        target = urljoin("http://x/briefings/feed.xml", href)
        page = project / "site" / target.removeprefix("http://x/") / "index.html"
        assert page.is_file(), href
    assert entries[0].findtext(f"{atom}summary", "").startswith(f"{TITLE_EN} (machine translation)")
    assert root.findtext(f"{atom}updated") == "2024-06-21T00:00:00Z"
    index = (project / "site" / "briefings" / "index.html").read_text(encoding="utf-8")
    assert 'href="feed.xml"' in index


def test_touched_but_unchanged_seed_is_read_but_not_rebuilt(make_project: ProjectFactory) -> None:
    project = make_project({"nota.txt": DATED, "sin-fecha.txt": UNDATED})
    settings = settings_for(project)
    build(settings, engine=FakeEngine())
    seed = project / "seeds" / "nota.txt"
    os.utime(seed, ns=(seed.stat().st_atime_ns, seed.stat().st_mtime_ns + 10**9))
    report = build(settings, engine=FakeEngine())
    assert report.reused == 2 and report.written == ()
    # Same size and time but other bytes cannot be told apart without reading: a changed
    # size always can.
    seed.write_text(DATED.replace("Putin", "Pútin"), encoding="utf-8")
    assert build(settings, engine=FakeEngine()).reused == 1


POOL = [
    "El Gobierno anunció el martes un plan de 3.500 millones de euros para la vivienda.",
    "La OTAN y la ONU firmaron el acuerdo en Nueva York.",
    "Los vecinos del barrio protestaron contra el cierre del hospital.",
    "—No vamos a rendirnos —dijo la alcaldesa a los periodistas.",
    "Según el informe, las temperaturas subirán 2 °C antes de 2050.",
    "El Sr. García llegó a EE. UU. el lunes por la mañana.",
    "Las lluvias torrenciales dejaron sin luz a miles de hogares.",
    "¿Quién pagará la factura de la reconstrucción?",
]


@requires_apertium
def test_parallel_build_is_byte_identical_to_single_process(
    make_project: ProjectFactory,
) -> None:
    # Enough text (over 20,000 characters) for two jobs and for the cut Apertium pipeline.
    seeds = {
        f"nota-{n:02d}.txt": f"Nota número {n}.\n"
        + "\n".join(f"En la nota {n}, párrafo {k}: {POOL[(n + k) % len(POOL)]}" for k in range(9))
        + "\n"
        for n in range(40)
    }
    assert sum(len(text) for text in seeds.values()) > 30_000
    areas = []
    for jobs in (1, 2):
        project = make_project(seeds)
        result = build(replace(settings_for(project), jobs=jobs))  # real Apertium
        assert result.problems == ()
        assert result.collection.translated == result.collection.segments
        areas.append(settings_for(project).area)
    one, two = (
        {p.relative_to(area): p.read_bytes() for p in sorted(area.rglob("*.md"))} for area in areas
    )
    assert len(one) == 42  # 40 briefings, the index and the editors' page
    assert one == two


def test_each_page_is_made_when_it_is_written_and_not_held(
    make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build holds one briefing's Markdown at a time: each page is made once, while the
    write stage writes it (after the interim manifest names the new files), not all of them
    first (100 MB at 5,000 briefings). Observed by wrapping the real renderer."""
    project = make_project({f"s{n}.txt": f"Título {n}.\nEl perro come {n}.\n" for n in range(4)})
    settings = settings_for(project)
    manifest = settings.area / ".briefings-manifest.json"
    made: list[tuple[str, bool]] = []
    real = Renderer.briefing_page

    def briefing_page(self: Renderer, briefing: Briefing) -> str:
        made.append((briefing.seed.slug, manifest.is_file()))
        return real(self, briefing)

    monkeypatch.setattr(Renderer, "briefing_page", briefing_page)
    build(settings, engine=FakeEngine())
    assert sorted(made) == [(f"s{n}", True) for n in range(4)]  # once each, while writing
    made.clear()
    (project / "seeds" / "s1.txt").write_text("Otro título.\nOtra frase.\n", encoding="utf-8")
    build(settings, engine=FakeEngine())
    assert made == [("s1", True)]
