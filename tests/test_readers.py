"""What readers are given beyond the sentences: marks told apart, title order, reading time,
neighbours and related briefings, tag pages, and the plugin's fragments in a real build."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

from builder.feed import atom_feed
from builder.model import (
    AlignedSegment,
    Briefing,
    EngineInfo,
    Seed,
    Segment,
    Translation,
)
from builder.render import Catalogue, IndexEntry, Renderer, long_date, tag_path
from tests.conftest import REPO, ProjectFactory, run_mkdocs
from tests.htmlcheck import parse

ENGINE = EngineInfo("apertium", "Apertium (spa-eng)", "1")


def pair(es: str, en: str, unknown: tuple[str, ...] = (), reviewed: bool = False) -> AlignedSegment:
    return AlignedSegment(Segment("body", 1, 1, es, 1), Translation(en, unknown), reviewed)


def briefing(title: AlignedSegment, *pairs: AlignedSegment) -> Briefing:
    seed = Seed(Path("s.txt"), "s", title.es, 1, ())
    return Briefing(seed, (title,), (tuple(pairs),), ENGINE)


def test_names_copied_through_are_told_from_unknown_words() -> None:
    made = briefing(
        pair("Título.", "Title."),
        pair(
            "El propagandista Vladimir Solovyov habló burlonamente.",
            "The propagandist Vladimir Solovyov spoke burlonamente.",
            ("Solovyov", "burlonamente"),
        ),
        # At the start of a sentence a name cannot be told from a word: seen mid-sentence
        # elsewhere, it is a name here too.
        pair("Solovyov amenazó.", "Solovyov threatened.", ("Solovyov",)),
        pair("Jo Bee-yun habló.", "Jo Bee-yun spoke.", ("Jo",)),
        # All capitals: an abbreviation the engine did not know, not a name.
        pair("La inflación en EE. UU. bajó.", "The inflation in EE. UU. fell.", ("EE", "UU")),
        # Not in the Spanish: the engine knew the word but not its form.
        pair("Hordas de niños sacaban banderas.", "Hordes of boys take flags.", ("take",)),
    )
    assert made.names == frozenset({"Solovyov"})
    kinds = {text: kind for p in made.segments() for text, kind in p.en_pieces(made.names) if kind}
    assert kinds == {
        "Solovyov": "name",
        "burlonamente": "untranslated",
        "Jo": "untranslated",
        "EE": "untranslated",
        "UU": "untranslated",
        "take": "form",
    }
    assert made.uncertain_words == 7 and made.kept_names == 2 and made.flagged_words == 5


def test_reading_time_and_title_order() -> None:
    words = " ".join(["palabra"] * 450)
    machine = briefing(pair("Título.", "Title."), pair(words, words))
    assert machine.reading_minutes == 3  # 451 words at 220 a minute, rounded up
    assert machine.title_lead == "es"
    reviewed = briefing(pair("Título.", "Title.", reviewed=True), pair("Uno.", "One."))
    assert reviewed.title_lead == "en" and reviewed.reading_minutes == 1
    entry = IndexEntry.from_briefing(reviewed)
    assert (entry.lead_title, entry.second_title, entry.second_lang) == ("Title.", "Título.", "es")
    assert IndexEntry.from_json(entry.to_json()) == entry


def entry(slug: str, date: str | None, *tags: str) -> IndexEntry:
    day = dt.date.fromisoformat(date) if date else None
    return IndexEntry(slug, f"T {slug}", f"E {slug}", day, None, "apertium", tags=tags)


def test_neighbours_follow_the_index_and_related_share_tags() -> None:
    catalogue = Catalogue(
        [
            entry("c", "2024-03-01", "Rusia"),
            entry("a", "2024-01-01", "rusia", "Corea"),
            entry("b", "2024-02-01"),
            entry("d", None, "Corea"),
            entry("e", "2024-04-01", "Rusia", "Corea"),
        ]
    )
    assert [e.slug for e in catalogue.ordered] == ["e", "c", "b", "a", "d"]
    newer, older = catalogue.neighbours("c")
    assert (newer and newer.slug, older and older.slug) == ("e", "b")
    assert catalogue.neighbours("e")[0] is None and catalogue.neighbours("d")[1] is None
    # "Rusia" and "rusia" are one tag; most shared tags first, then the nearest in date.
    assert [e.slug for e in catalogue.related("a")] == ["e", "d", "c"]
    assert catalogue.related("b") == [] and catalogue.related("missing") == []


def test_tags_with_one_slug_share_a_page_named_as_most_spell_it() -> None:
    assert tag_path("Corea del Norte") == tag_path("corea del norte") == "tags/corea-del-norte.md"
    renderer = Renderer(REPO / "templates")
    pages = renderer.list_pages(
        [entry("a", "2024-01-01", "Rusia"), entry("b", None, "rusia"), entry("c", None, "Rusia")],
        ENGINE,
    )
    assert sorted(pages) == ["index.md", "tags/rusia.md"]
    assert 'Tag: <span lang="es">Rusia</span>' in pages["tags/rusia.md"]
    assert pages["tags/rusia.md"].count('class="bf-entry"') == 3


def test_dates_read_the_same_in_any_locale() -> None:
    assert long_date(dt.date(2024, 6, 1)) == "1 June 2024"


def test_feed_titles_lead_with_the_authoritative_text() -> None:
    reviewed = IndexEntry(
        "r", "Título", "Title", dt.date(2024, 1, 2), None, "x", "Uno.", "One.", title_reviewed=True
    )
    machine = IndexEntry("m", "Otro", "Other", dt.date(2024, 1, 1), None, "x", "Dos.", "Two.")
    feed = ET.fromstring(
        atom_feed(
            [reviewed, machine],
            site_name="S",
            site_url=None,
            area_url="briefings/",
            briefing_url={"r": "r/", "m": "m/"},
        )
    )
    atom, lang = "{http://www.w3.org/2005/Atom}", "{http://www.w3.org/XML/1998/namespace}lang"
    titles = [(t.text, t.get(lang)) for t in feed.iter(f"{atom}title")][1:]
    assert titles == [("Title", "en"), ("Otro", "es")]
    summaries = [s.text for s in feed.iter(f"{atom}summary")]
    assert summaries == ["Título — Uno.", "Other (machine translation) — Two."]


HOSTILE_TITLE = (
    "---\ndate: 2024-06-02\ntags: [Ciudad]\n---\n<b>Negrita</b> {{ 7*7 }}\nEl perro come.\n"
)


def test_plugin_fills_more_briefings_and_the_latest_as_text(make_project: ProjectFactory) -> None:
    project = make_project(
        {
            "perro.txt": "---\ndate: 2024-06-21\ntags: [Ciudad]\n---\nEl perro.\nEl perro come.\n",
            "hostil.txt": HOSTILE_TITLE,
            "lluvia.txt": "---\ndate: 2024-05-02\n---\nLluvia.\nLlueve.\n",
        }
    )
    result = run_mkdocs(project, "--strict", fake=True)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    perro = parse((site / "briefings" / "perro" / "index.html").read_text(encoding="utf-8"))
    links = [(e.attrs.get("href"), e.attrs.get("rel")) for e in perro.elements if e.tag == "a"]
    assert ("../hostil/", "next") in links  # the older one, next in the index
    html = (site / "briefings" / "perro" / "index.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;Negrita&lt;/b&gt; {{ 7*7 }}" in html and "<b>Negrita" not in html
    assert "<!-- briefings: more -->" not in html
    home = (site / "index.html").read_text(encoding="utf-8")
    page = parse(home)
    latest = [str(e.attrs["href"]) for e in page.by_class("bf-entry-link")]
    assert latest == ["briefings/perro/", "briefings/hostil/", "briefings/lluvia/"]
    assert "&lt;b&gt;Negrita&lt;/b&gt;" in home and "<!-- briefings: latest -->" not in home
    for href in latest:
        assert (site / href / "index.html").is_file()
    # A removed seed leaves the home page at the next build.
    (project / "seeds" / "lluvia.txt").unlink()
    result = run_mkdocs(project, "--strict", fake=True)
    assert result.returncode == 0, result.stderr
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "briefings/lluvia/" not in home
