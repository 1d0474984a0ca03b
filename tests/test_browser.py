"""Readers' experience in a real browser: Debian's Chromium driven by Playwright, the built
site served on 127.0.0.1. Screenshots go to test-artifacts/ for people to look at."""

from __future__ import annotations

import functools
import http.server
import itertools
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, requires_apertium, run_mkdocs, write_project

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"
playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is a dev dependency (scripts/setup.sh installs it)"
)
pytestmark = [
    requires_apertium,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed (scripts/setup.sh installs it; CI has it)",
    ),
]

SEEDS = {
    "perro.txt": (
        "---\ndate: 2024-06-21\nsource: Diario de Prueba\ntags: [Ciudad]\n---\n"
        "El perro de la ciudad.\n"
        "El perro come en la casa grande. La casa es muy vieja.\n"
        "La ciudad celebra una fiesta. Los niños cantan en la plaza.\n"
    ),
    "lluvia.txt": (
        "---\ndate: 2024-05-02\n---\nLluvia en la costa.\nMañana lloverá en la costa norte.\n"
    ),
}
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = write_project(tmp_path_factory.mktemp("browser") / "project", SEEDS)
    result = run_mkdocs(project, "--strict")
    assert result.returncode == 0, result.stderr
    handler = functools.partial(_QuietHandler, directory=str(project / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield instance
        instance.close()


class Watched:
    """A page with every request and console error recorded."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on(
            "console",
            lambda message: self.errors.append(message.text) if message.type == "error" else None,
        )
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def assert_clean(self, base: str) -> None:
        foreign = [url for url in self.requests if not url.startswith(base)]
        assert foreign == [], f"requests to other hosts: {foreign}"
        assert self.errors == []


def open_page(browser: Any, width: int, height: int = 900, **options: Any) -> Watched:
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    return Watched(context.new_page())


def boxes(page: Any, index: int = 0) -> tuple[dict[str, float], dict[str, float]]:
    es = page.locator(".bf-pair").nth(index).locator(".bf-es").bounding_box()
    en = page.locator(".bf-pair").nth(index).locator(".bf-en").bounding_box()
    return es, en


def test_side_by_side_on_desk_and_stacked_on_phone(browser: Any, site: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    desk = open_page(browser, 1280)
    desk.page.goto(f"{site}/briefings/perro/")
    es, en = boxes(desk.page)
    assert abs(es["y"] - en["y"]) < 2 and en["x"] > es["x"] + es["width"] - 1
    desk.page.screenshot(path=str(ARTIFACTS / "briefing-desktop.png"), full_page=True)
    desk.assert_clean(site)
    phone = open_page(browser, 390, 844, is_mobile=True, has_touch=True)
    phone.page.goto(f"{site}/briefings/perro/")
    es, en = boxes(phone.page)
    assert en["y"] >= es["y"] + es["height"] - 1 and abs(en["x"] - es["x"]) < 20
    phone.page.screenshot(path=str(ARTIFACTS / "briefing-phone.png"), full_page=True)
    phone.assert_clean(site)


def test_index_lists_both_languages_by_month(browser: Any, site: str) -> None:
    for width, name in ((1280, "desktop"), (390, "phone")):
        watched = open_page(browser, width)
        page = watched.page
        page.goto(f"{site}/briefings/")
        assert page.locator("h2.bf-month").all_inner_texts() == ["June 2024", "May 2024"]
        first = page.locator(".bf-entry").first
        assert first.locator(".bf-entry-en").inner_text() == "The dog of the city."
        assert first.locator(".bf-entry-es").inner_text() == "El perro de la ciudad."
        page.screenshot(path=str(ARTIFACTS / f"index-{name}.png"), full_page=True)
        page.get_by_role("link", name="Ciudad").click()
        assert page.locator("h1").inner_text() == "Tag: Ciudad"
        assert page.locator(".bf-entry").count() == 1
        watched.assert_clean(site)


def test_without_javascript_the_layout_follows_the_width(browser: Any, site: str) -> None:
    for width, side_by_side in ((1280, True), (390, False)):
        watched = open_page(browser, width, java_script_enabled=False)
        watched.page.goto(f"{site}/briefings/perro/")
        es, en = boxes(watched.page)
        assert (abs(es["y"] - en["y"]) < 2) is side_by_side
        assert watched.page.locator(".bf-modes").count() == 0


def test_each_mode_and_the_remembered_choice(browser: Any, site: str) -> None:
    watched = open_page(browser, 1280)
    page = watched.page
    page.goto(f"{site}/briefings/perro/")
    article = page.locator("article.bf-briefing")
    assert article.get_attribute("data-mode") == "side"
    page.get_by_label("Interleaved").check()
    assert article.get_attribute("data-mode") == "interleaved"
    es, en = boxes(page)
    assert en["y"] >= es["y"] + es["height"] - 1
    page.get_by_label("Español").check()
    assert page.locator(".bf-en").first.is_hidden() and page.locator(".bf-es").first.is_visible()
    page.get_by_label("English").check()
    assert page.locator(".bf-es").first.is_hidden() and page.locator(".bf-en").first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "briefing-english-only.png"))
    # Keyboard: arrows move between the radio buttons and switch the mode.
    page.get_by_label("Side by side").focus()
    page.keyboard.press("ArrowRight")
    assert article.get_attribute("data-mode") == "interleaved"
    # Remembered on another briefing.
    page.goto(f"{site}/briefings/lluvia/")
    assert page.locator("article.bf-briefing").get_attribute("data-mode") == "interleaved"
    assert page.get_by_label("Interleaved").is_checked()
    watched.assert_clean(site)


def test_pointing_or_focusing_highlights_the_counterpart(browser: Any, site: str) -> None:
    watched = open_page(browser, 1280)
    page = watched.page
    page.goto(f"{site}/briefings/perro/")
    pair = page.locator(".bf-pair").nth(1)
    english = pair.locator(".bf-en")
    before = english.evaluate("e => getComputedStyle(e).backgroundColor")
    pair.locator(".bf-es").hover()
    assert "bf-active" in (pair.get_attribute("class") or "")
    assert english.evaluate("e => getComputedStyle(e).backgroundColor") != before
    page.mouse.move(0, 0)
    page.locator(".bf-pair").nth(2).locator(".bf-en").focus()
    assert "bf-active" in (page.locator(".bf-pair").nth(2).get_attribute("class") or "")
    assert "bf-active" not in (pair.get_attribute("class") or "")
    # Each paragraph has a stable anchor link.
    anchor = page.locator("#p2 > a.bf-anchor")
    assert anchor.get_attribute("href") == "#p2"
    watched.assert_clean(site)


@pytest.mark.parametrize(("query", "title"), [("perro", "dog"), ("dog", "dog")])
def test_search_finds_a_briefing_in_both_languages(
    browser: Any, site: str, query: str, title: str
) -> None:
    watched = open_page(browser, 1280)
    page = watched.page
    page.goto(f"{site}/briefings/")
    search = page.locator("input.md-search__input")
    search.click()
    results = page.locator(".md-search-result__item")
    # The index loads in a worker after the page; type again until it answers (bounded).
    for _ in range(20):
        search.fill("")
        page.keyboard.type(query, delay=20)
        page.wait_for_timeout(500)
        if results.count():
            break
    assert results.count() >= 1, f"no search result for {query!r}"
    assert title in results.first.inner_text().lower()
    watched.assert_clean(site)


CONTRAST = """
el => {
  const parse = c => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => {
    v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  }).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  let fg = parse(getComputedStyle(el).color);
  let node = el, bg = null;
  while (node && !bg) {
    const c = parse(getComputedStyle(node).backgroundColor);
    if (c.length < 4 || c[3] > 0) bg = c;
    node = node.parentElement;
  }
  bg = bg || [255, 255, 255];
  const alpha = fg.length > 3 ? fg[3] : 1;
  fg = [0, 1, 2].map(i => fg[i] * alpha + bg[i] * (1 - alpha));
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}
"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_contrast_meets_wcag_aa(browser: Any, site: str, scheme: str) -> None:
    watched = open_page(browser, 1280, color_scheme=scheme)
    page = watched.page
    page.goto(f"{site}/briefings/perro/")
    page.get_by_label("Interleaved").check()  # the mode with the lightest English text
    for selector in (".bf-es", ".bf-en", ".bf-notice", ".bf-meta", ".bf-title-en", ".bf-modes"):
        ratio = page.locator(selector).first.evaluate(CONTRAST)
        assert ratio >= 4.5, f"{selector} contrast {ratio:.2f} in {scheme} scheme"
    page.screenshot(path=str(ARTIFACTS / f"briefing-{scheme}.png"))


def test_print_hides_the_site_and_keeps_the_chosen_mode(browser: Any, site: str) -> None:
    watched = open_page(browser, 1280)
    page = watched.page
    page.goto(f"{site}/briefings/perro/")
    page.get_by_label("English").check()
    page.emulate_media(media="print")
    assert page.locator(".md-header").is_hidden()
    assert page.locator(".bf-modes").is_hidden()
    assert page.locator(".bf-es").first.is_hidden() and page.locator(".bf-en").first.is_visible()
    pdf = ARTIFACTS / "briefing-print.pdf"
    page.pdf(path=str(pdf))
    assert pdf.stat().st_size > 1000


def test_headings_are_in_order(browser: Any, site: str) -> None:
    watched = open_page(browser, 1280)
    page = watched.page
    page.goto(f"{site}/briefings/perro/")
    levels = page.locator("article.md-content__inner :is(h1,h2,h3,h4,h5,h6)").evaluate_all(
        "els => els.map(e => Number(e.tagName[1]))"
    )
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))
    langs = page.locator(".bf-es").evaluate_all("els => els.map(e => e.lang)")
    assert set(langs) == {"es"}
