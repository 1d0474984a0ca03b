"""Search in a real browser: a small site built with ``mkdocs build`` (and one served by
``mkdocs serve --dirty``), served on 127.0.0.1 and searched in Debian's Chromium driven by
Playwright. Screenshots go to test-artifacts/."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.search_text import Analyser, words
from tests.conftest import REPO, SHARED, requires_apertium, run_mkdocs, write_project
from tests.web import ARTIFACTS, CHROMIUM, chromium, fetch, free_port, serve_folder, wait_for

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is a dev dependency (scripts/setup.sh installs it)"
)
AXE_CORE_VERSION = "4.11.0"  # as scripts/setup.sh installs it on the readers' branch
pytestmark = [
    requires_apertium,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed (scripts/setup.sh --tests installs it; CI has it)",
    ),
]
expect = playwright_api.expect

SEEDS = {
    "huracan.txt": (
        "---\ndate: 2024-05-02\nsource: Diario de Prueba\ntags: [Clima]\n---\n"
        "El huracán llega a la costa.\n"
        "El huracán trae lluvias fuertes a la costa norte. Las autoridades piden calma.\n"
    ),
    "alianza.txt": (
        "---\ndate: 2024-06-21\ntags: [Clima, Política]\n---\n"
        "Una alianza nueva en el norte.\nLos gobiernos firman la alianza en la capital.\n"
    ),
    "perro.txt": "El perro de la ciudad.\nEl perro come en la casa grande.\n",
    "signos.txt": 'Tom & Jerry dicen "hola" <b>sí</b>.\nUn texto con signos.\n',
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = write_project(tmp_path_factory.mktemp("search") / "project", SEEDS)
    result = run_mkdocs(project, "--strict")
    assert result.returncode == 0, result.stderr
    assert "search: 4 briefings in 1 shard," in result.stderr
    with serve_folder(project / "site") as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium(playwright_api) as instance:
        yield instance


class Reader:
    """A browser page with every request recorded."""

    def __init__(self, browser: Any, width: int = 1280, height: int = 900, **options: Any):
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        self.page = context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on(
            "console",
            lambda message: self.errors.append(message.text) if message.type == "error" else None,
        )

    def index_requests(self) -> list[str]:
        return [
            url for url in self.requests if "/bf-search/" in url or url.endswith("/stemmers.js")
        ]

    def search(self, query: str) -> Any:
        """Type ``query`` into the search box; the result links once the status says so."""
        page = self.page
        opener = page.get_by_role("button", name="Search the briefings")
        if opener.is_visible():  # narrow screens
            opener.click()
        else:
            page.locator("input.md-search__input").click()
        page.locator("input.md-search__input").fill("")
        page.keyboard.type(query, delay=15)
        # A slow keystroke lets a prefix ("h") be searched first: wait for the whole query.
        try:
            expect(page.locator("#bf-search-results")).to_have_attribute(
                "data-query", query.strip(), timeout=20_000
            )
        except AssertionError:
            status = page.locator("#bf-search-status").inner_text()
            raise AssertionError(f"no results for {query!r}; the status says {status!r}") from None
        status = page.locator("#bf-search-status")
        expect(status).to_have_text(re.compile(r"found|best matches|No briefing"))
        return page.locator("#bf-search-results a")


def test_no_index_before_searching_and_an_unaccented_word_finds_the_accent(
    browser: Any, site: str
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    reader = Reader(browser)
    page = reader.page
    page.goto(f"{site}/briefings/perro/", wait_until="networkidle")
    page.mouse.wheel(0, 600)
    page.wait_for_timeout(300)
    assert reader.index_requests() == []
    results = reader.search("huracan")
    assert results.count() == 1
    assert results.first.get_attribute("href") == "/briefings/huracan/"
    hit = results.first
    assert hit.locator(".bf-search-title").inner_text() == "El huracán llega a la costa."
    assert hit.locator(".bf-search-title").get_attribute("lang") == "es"
    english = hit.locator(".bf-search-title-en")
    assert "hurricane" in english.inner_text().lower() and english.get_attribute("lang") == "en"
    assert hit.locator("mark").first.inner_text() == "huracán"
    assert hit.locator("time").inner_text() == "2 May 2024"  # as the briefing says it
    assert hit.locator("time").get_attribute("datetime") == "2024-05-02"
    assert reader.index_requests(), "the index was not loaded for the search"
    assert [url for url in reader.requests if not url.startswith(site)] == []
    assert reader.errors == []
    page.screenshot(path=str(ARTIFACTS / "search-desktop.png"))


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("lluvia", "huracan"),
        ("hurricanes", "huracan"),
        ("dogs", "perro"),
        ("perros", "perro"),
        ("huracan costa ", "huracan"),  # unaccented, and no word still being typed
    ],
)
def test_both_languages_are_searched_with_stemming(
    browser: Any, site: str, query: str, slug: str
) -> None:
    reader = Reader(browser)
    reader.page.goto(f"{site}/briefings/")
    results = reader.search(query)
    assert results.count() >= 1, f"nothing found for {query!r}"
    assert results.first.get_attribute("href") == f"/briefings/{slug}/"


def test_results_answer_the_whole_query_after_a_slow_keystroke(browser: Any, site: str) -> None:
    """A pause after "h" searches the prefix ("hola" in signos); the list then follows the
    whole word, and says which query it answers."""
    reader = Reader(browser)
    page = reader.page
    page.goto(f"{site}/briefings/")
    prefix = reader.search("h")
    assert "/briefings/signos/" in [
        prefix.nth(i).get_attribute("href") for i in range(prefix.count())
    ]
    page.keyboard.type("urricanes", delay=15)
    expect(page.locator("#bf-search-results")).to_have_attribute("data-query", "hurricanes")
    results = page.locator("#bf-search-results a")
    assert [results.nth(i).get_attribute("href") for i in range(results.count())] == [
        "/briefings/huracan/"
    ]


def test_a_briefing_ranks_above_the_list_pages_that_show_its_title(browser: Any, site: str) -> None:
    reader = Reader(browser)
    reader.page.goto(f"{site}/briefings/")
    assert "Una alianza nueva" in reader.page.inner_text("article")  # the index shows it
    results = reader.search("alianza")
    assert [results.nth(i).get_attribute("href") for i in range(results.count())] == [
        "/briefings/alianza/"
    ]


def test_titles_are_shown_as_text(browser: Any, site: str) -> None:
    reader = Reader(browser)
    reader.page.goto(f"{site}/")
    results = reader.search("Jerry")
    title = results.first.locator(".bf-search-title")
    assert title.inner_text() == 'Tom & Jerry dicen "hola" <b>sí</b>.'
    assert reader.page.locator("#bf-search-results b").count() == 0


def test_search_by_keyboard(browser: Any, site: str) -> None:
    reader = Reader(browser)
    page = reader.page
    page.goto(f"{site}/briefings/huracan/")
    page.keyboard.press("/")
    search_input = page.locator("input.md-search__input")
    expect(search_input).to_be_focused()
    assert page.locator("#__search").is_checked()
    page.keyboard.type("perro", delay=15)
    first = page.locator("#bf-search-results a").first
    expect(first).to_have_attribute("href", "/briefings/perro/", timeout=20_000)
    page.keyboard.press("ArrowDown")
    expect(first).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(search_input).to_be_focused()
    page.keyboard.press("Escape")
    assert not page.locator("#__search").is_checked()
    page.keyboard.press("s")
    expect(search_input).to_be_focused()
    page.keyboard.press("Enter")  # the first result of the query still in the box
    page.wait_for_url(f"{site}/briefings/perro/")
    assert reader.errors == []


def test_on_a_phone_the_button_opens_the_search(browser: Any, site: str) -> None:
    for scheme in ("light", "dark"):
        reader = Reader(browser, 390, 844, is_mobile=True, has_touch=True, color_scheme=scheme)
        page = reader.page
        page.goto(f"{site}/briefings/perro/")
        button = page.get_by_role("button", name="Search the briefings")
        assert button.get_attribute("aria-expanded") == "false"
        box = button.bounding_box()
        assert box is not None and box["width"] >= 24 and box["height"] >= 24
        results = reader.search("costa")
        assert button.get_attribute("aria-expanded") == "true"
        assert results.first.is_visible()
        page.screenshot(path=str(ARTIFACTS / f"search-phone-{scheme}.png"))
        page.keyboard.press("Escape")
        expect(button).to_be_focused()


def axe_script() -> Path | None:
    """axe-core's axe.min.js as scripts/setup.sh keeps it, fetched with npm when missing."""
    venv_share = REPO / ".venv" / "share"
    found = sorted(venv_share.glob("axe-core-*/axe.min.js"))
    if found:
        return found[-1]
    npm = shutil.which("npm")
    if npm is None:
        return None
    target = venv_share / f"axe-core-{AXE_CORE_VERSION}" / "axe.min.js"
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [npm, "pack", "--silent", f"axe-core@{AXE_CORE_VERSION}"],
            cwd=tmp,
            check=True,
            capture_output=True,
            timeout=300,
        )
        with tarfile.open(Path(tmp) / f"axe-core-{AXE_CORE_VERSION}.tgz") as archive:
            member = archive.extractfile("package/axe.min.js")
            assert member is not None
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(member.read())
    return target


@pytest.mark.parametrize(("width", "scheme"), [(1280, "light"), (1280, "dark"), (390, "light")])
def test_the_search_dialog_passes_axe(browser: Any, site: str, width: int, scheme: str) -> None:
    axe = axe_script()
    if axe is None:
        pytest.skip("axe-core comes from npm, which is not installed (scripts/setup.sh --tests)")
    reader = Reader(browser, width, 844, color_scheme=scheme)
    page = reader.page
    page.goto(f"{site}/briefings/perro/")
    dialog = page.get_by_role("dialog", name="Search the briefings")
    assert dialog.count() == 1
    reader.search("costa")
    page.add_script_tag(path=str(axe))
    violations = page.evaluate(
        """async () => (await axe.run({include: ['#bf-search', '.bf-search-open']}, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                            'wcag22a', 'wcag22aa']}
        })).violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' '))"""
    )
    assert violations == []


# -- mkdocs serve --dirty -----------------------------------------------------------------


def test_serve_dirty_keeps_the_search_complete_after_an_edit(browser: Any, tmp_path: Path) -> None:
    yml = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    # One briefing a shard, so that the edit leaves other shards as they were.
    yml = yml.replace("engine: apertium", "engine: apertium\n      search_shard_size: 1")
    project = write_project(tmp_path / "project", SEEDS, mkdocs_yml=yml)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = project / "serve.log"
    with log.open("w", encoding="utf-8") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dirty", "-a", f"127.0.0.1:{port}"],
            cwd=project,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
            start_new_session=True,
        )
    try:
        assert wait_for(lambda: "shards" in fetch(f"{base}/bf-search/shards.json"), 120)

        def finds(query: str, slug: str) -> bool:
            reader = Reader(browser)
            reader.page.goto(f"{base}/briefings/")
            results = reader.search(query)
            hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
            reader.page.context.close()
            return f"/briefings/{slug}/" in hrefs

        assert finds("alianza", "alianza")
        seed = project / "seeds" / "perro.txt"
        seed.write_text(SEEDS["perro.txt"] + "El gato duerme en el tejado.\n", encoding="utf-8")
        assert wait_for(lambda: "tejado" in fetch(f"{base}/briefings/perro/"), 120), log.read_text(
            encoding="utf-8"
        )
        # The edited briefing is found by its new word once the index is rebuilt ...
        assert wait_for(lambda: finds("tejado", "perro"), 60), log.read_text(encoding="utf-8")
        # ... and the briefings that were not rebuilt are still there.
        assert finds("alianza", "alianza")
        assert finds("huracan", "huracan")
        assert "search: 4 briefings in 4 shards, 1 indexed" in log.read_text("utf-8")
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# -- the browser's terms are the index's ----------------------------------------------------

NTREX = SHARED / "bench-data" / "ntrex"


def words_of_search_js() -> str:
    """The expression search.js's ``words(text)`` returns: the browser side of the test is
    the shipped code, not a copy of it."""
    source = (REPO / "site_src" / "assets" / "search.js").read_text(encoding="utf-8")
    found = re.search(r"function words\(text\) \{\s*return (.*?);\s*\}", source, re.S)
    assert found, "search.js has no words(text)"
    return found.group(1)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.text(st.characters(codec="utf-8", categories=["L", "M", "N", "P", "Zs"]), max_size=30)
        | st.sampled_from(["İstanbul", "İLKAY", "x\u0303yz", "\u0301a", "ǅemal"]),
        min_size=1,
        max_size=30,
    )
)
def test_the_browser_splits_words_as_the_index_does(browser: Any, texts: list[str]) -> None:
    """Letters, digits and marks in any order (a mark lower-casing leaves: "İ"): a word split
    differently on the two sides would never be found."""
    page = browser.new_page()
    try:
        found = page.evaluate(f"(texts) => texts.map((text) => {words_of_search_js()})", texts)
    finally:
        page.close()
    assert found == [words(text) for text in texts]


@pytest.mark.skipif(not NTREX.is_dir(), reason="../shared/bench-data is not beside the checkout")
def test_the_browser_makes_the_same_terms_as_the_index_for_every_ntrex_word(browser: Any) -> None:
    """stemmers.js and search.js's words and folding against builder/search_text.py, over
    every word of the 123 NTREX articles (Spanish) and their English references: a word
    stemmed differently would never be found."""
    analyser = Analyser()
    texts = {
        "es": [p.read_text(encoding="utf-8") for p in sorted(NTREX.glob("*spa*"))],
        "en": [p.read_text(encoding="utf-8") for p in sorted(NTREX.glob("*eng*"))],
    }
    reader = Reader(browser)
    page = reader.page
    page.set_content("<html><head></head><body></body></html>")
    page.add_script_tag(path=str(REPO / "site_src" / "assets" / "stemmers.js"))
    for language, stemmer in (("es", "spanish"), ("en", "porter")):
        vocabulary = sorted(set().union(*(words(text) for text in texts[language])))
        assert len(vocabulary) > 5000
        browser_terms = page.evaluate(
            """([text, name]) => {
                const stemmer = snowballFactory.newStemmer(name);
                const fold = (s) => s.normalize("NFD").replace(/\\p{M}/gu, "").normalize("NFC");
                const words = WORDS;
                return words.map((w) => stemmer.stem(fold(w)));
            }""".replace("WORDS", words_of_search_js()),
            [" ".join(vocabulary), stemmer],
        )
        expected = [analyser.term(word, language) for word in vocabulary]
        assert len(browser_terms) == len(vocabulary)
        pairs = zip(vocabulary, browser_terms, expected, strict=True)
        differ = [(w, b, e) for w, b, e in pairs if b != e]
        assert differ == [], f"{len(differ)} {language} words differ, first {differ[:5]}"
