"""Readers' experience in a real browser: Debian's Chromium driven by Playwright, the built
site served on 127.0.0.1. Screenshots go to test-artifacts/ for people to look at.

axe-core (fetched from npm by scripts/setup.sh --tests) checks WCAG 2.0/2.1/2.2 A and AA.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import REPO, requires_apertium, run_mkdocs, write_project
from tests.web import ARTIFACTS, CHROMIUM, chromium, serve_folder

AXE = sorted(REPO.glob(".venv/share/axe-core-*/axe.min.js"))
SHIPPED = "putin-corea-del-norte-alianza"
BRIEFING = "/briefings/perro/"
MODES = ("side", "interleaved", "es", "en", "learn")
PHONE: dict[str, Any] = {"is_mobile": True, "has_touch": True}
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
        "---\ndate: 2024-06-21\nsource: Diario de Prueba\nurl: https://example.org/perro\n"
        "tags: [Ciudad]\n---\n"
        "El perro de la ciudad.\n"
        "El perro come en la casa grande. La casa es muy vieja.\n"
        "La ciudad celebra una fiesta. Los niños cantan en la plaza con Solovyov.\n"
        "Solovyov canta también. El gato duerme tranquilamente en la plazoleta.\n"
    ),
    "fiesta.txt": (
        "---\ndate: 2024-06-01\nsource: Diario de Prueba\ntags: [Ciudad]\n---\n"
        "La fiesta de la ciudad.\nLos niños cantan en la plaza. La música suena.\n"
    ),
    "lluvia.txt": (
        "---\ndate: 2024-05-02\n---\nLluvia en la costa.\nMañana lloverá en la costa norte.\n"
    ),
    # The shipped briefing, with its editor's correction.
    f"{SHIPPED}.txt": (REPO / "seeds" / f"{SHIPPED}.txt").read_text(encoding="utf-8"),
    f"{SHIPPED}.corrections.yml": (REPO / "seeds" / f"{SHIPPED}.corrections.yml").read_text(
        encoding="utf-8"
    ),
}


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
requires_axe = pytest.mark.skipif(
    not AXE, reason="axe-core is not installed (scripts/setup.sh --tests fetches it; CI has it)"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = write_project(tmp_path_factory.mktemp("browser") / "project", SEEDS)
    result = run_mkdocs(project, "--strict")
    assert result.returncode == 0, result.stderr
    ARTIFACTS.mkdir(exist_ok=True)
    with serve_folder(project / "site") as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium(playwright_api) as instance:
        yield instance


class Watched:
    """A page with every request, failed response and console error recorded."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on(
            "response",
            lambda response: (
                self.errors.append(f"HTTP {response.status} {response.url}")
                if response.status >= 400
                else None
            ),
        )
        page.on(
            "console",
            lambda message: self.errors.append(message.text) if message.type == "error" else None,
        )
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def assert_clean(self, base: str) -> None:
        foreign = [url for url in self.requests if not url.startswith(base)]
        assert foreign == [], f"requests to other hosts: {foreign}"
        assert self.errors == []

    def close(self) -> None:
        self.page.context.close()


def open_page(browser: Any, width: int, height: int = 900, **options: Any) -> Watched:
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    return Watched(context.new_page())


def boxes(page: Any, index: int = 0) -> tuple[dict[str, float], dict[str, float]]:
    es = page.locator(".bf-pair").nth(index).locator(".bf-es").bounding_box()
    en = page.locator(".bf-pair").nth(index).locator(".bf-en").bounding_box()
    return es, en


def choose(page: Any, mode: str) -> None:
    label = {"side": "Side by side", "interleaved": "Interleaved", "es": "Español"}
    label |= {"en": "English", "learn": "Learn"}
    page.get_by_label(label[mode], exact=True).check()
    assert page.locator("article.bf-briefing").get_attribute("data-mode") == mode


def axe_violations(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE[-1]))
    found: list[str] = page.evaluate(
        """async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))
            .violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))""",
        AXE_TAGS,
    )
    return found


def test_side_by_side_on_desk_and_stacked_on_phone(browser: Any, site: str) -> None:
    desk = open_page(browser, 1280)
    desk.page.goto(f"{site}{BRIEFING}")
    es, en = boxes(desk.page)
    assert abs(es["y"] - en["y"]) < 2 and en["x"] > es["x"] + es["width"] - 1
    desk.page.screenshot(path=str(ARTIFACTS / "briefing-desktop.png"), full_page=True)
    desk.assert_clean(site)
    phone = open_page(browser, 390, 844, **PHONE)
    phone.page.goto(f"{site}{BRIEFING}")
    es, en = boxes(phone.page)
    assert en["y"] >= es["y"] + es["height"] - 1 and abs(en["x"] - es["x"]) < 20
    phone.page.screenshot(path=str(ARTIFACTS / "briefing-phone.png"), full_page=True)
    phone.assert_clean(site)


def test_phone_shows_the_first_sentence_of_the_shipped_briefing_at_once(
    browser: Any, site: str
) -> None:
    for scheme in ("light", "dark"):
        watched = open_page(browser, 390, 844, color_scheme=scheme, **PHONE)
        page = watched.page
        page.goto(f"{site}/briefings/{SHIPPED}/")
        first = page.locator(".bf-pair").first.locator(".bf-es").bounding_box()
        assert first["y"] + first["height"] <= 844, f"first sentence ends at y={first['y']}"
        assert page.locator(".bf-toolbar").is_visible()
        page.screenshot(path=str(ARTIFACTS / f"phone-first-screen-{scheme}.png"))
        watched.assert_clean(site)
        watched.close()


def test_index_lists_both_languages_by_month(browser: Any, site: str) -> None:
    for width, name in ((1280, "desktop"), (390, "phone")):
        watched = open_page(browser, width)
        page = watched.page
        page.goto(f"{site}/briefings/")
        assert page.locator("h2.bf-month").all_inner_texts() == ["June 2024", "May 2024", "Undated"]
        first = page.locator(".bf-entry").first
        # The authoritative Spanish title leads; the machine English title is beside it.
        link = first.locator(".bf-entry-link")
        assert link.inner_text() == "El perro de la ciudad." and link.get_attribute("lang") == "es"
        assert first.locator(".bf-entry-second").inner_text() == "The dog of the city."
        assert first.locator("time").inner_text() == "21 June 2024"
        page.screenshot(path=str(ARTIFACTS / f"index-{name}.png"), full_page=True)
        page.get_by_role("link", name="Ciudad", exact=True).click()
        assert page.locator("h1").inner_text() == "Tag: Ciudad"
        assert page.locator(".bf-entry").count() == 2
        watched.assert_clean(site)


def test_without_javascript_the_layout_follows_the_width(browser: Any, site: str) -> None:
    for width, side_by_side in ((1280, True), (390, False)):
        watched = open_page(browser, width, java_script_enabled=False)
        watched.page.goto(f"{site}{BRIEFING}")
        es, en = boxes(watched.page)
        assert (abs(es["y"] - en["y"]) < 2) is side_by_side
        assert watched.page.locator(".bf-modes").count() == 0
        # The legend and the marks' own explanations work without JavaScript too.
        assert watched.page.locator(".bf-legend").is_visible()
        mark = watched.page.locator(".bf-en .bf-uncertain").first
        assert "did not know" in (mark.get_attribute("title") or "")


def test_each_mode_and_the_remembered_choice(browser: Any, site: str) -> None:
    watched = open_page(browser, 1280)
    page = watched.page
    page.goto(f"{site}{BRIEFING}")
    article = page.locator("article.bf-briefing")
    assert article.get_attribute("data-mode") == "side"
    choose(page, "interleaved")
    es, en = boxes(page)
    assert en["y"] >= es["y"] + es["height"] - 1
    choose(page, "es")
    assert page.locator(".bf-en").first.is_hidden() and page.locator(".bf-es").first.is_visible()
    choose(page, "en")
    assert page.locator(".bf-es").first.is_hidden() and page.locator(".bf-en").first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "briefing-english-only.png"))
    choose(page, "learn")
    assert page.locator(".bf-en").first.is_hidden() and page.locator(".bf-es").first.is_visible()
    # Keyboard: arrows move between the radio buttons and switch the mode.
    page.get_by_label("Side by side").focus()
    page.keyboard.press("ArrowRight")
    assert article.get_attribute("data-mode") == "interleaved"
    # Remembered on another briefing.
    page.goto(f"{site}/briefings/lluvia/")
    assert page.locator("article.bf-briefing").get_attribute("data-mode") == "interleaved"
    assert page.get_by_label("Interleaved").is_checked()
    watched.assert_clean(site)


def test_side_by_side_is_not_offered_where_columns_read_badly(browser: Any, site: str) -> None:
    watched = open_page(browser, 390, 844, **PHONE)
    page = watched.page
    page.goto(f"{site}{BRIEFING}")
    page.evaluate("localStorage.setItem('briefings.mode', 'side')")  # chosen on a desk
    page.reload()
    article = page.locator("article.bf-briefing")
    assert page.get_by_label("Side by side").is_hidden()
    assert article.get_attribute("data-mode") == "interleaved"
    assert page.get_by_label("Interleaved").is_checked()
    # Turned to a wide screen, the remembered choice comes back.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_function("document.querySelector('article.bf-briefing').dataset.mode === 'side'")
    assert page.get_by_label("Side by side").is_visible()
    assert article.get_attribute("data-mode") == "side"
    watched.assert_clean(site)


def test_controls_are_at_least_24_px_targets(browser: Any, site: str) -> None:
    for width, options in ((390, PHONE), (1280, {})):
        watched = open_page(browser, width, 844, **options)
        page = watched.page
        page.goto(f"{site}/briefings/{SHIPPED}/")
        choose(page, "learn")
        page.locator(".bf-pair").nth(1).locator(".bf-es").click()
        targets = page.locator(
            ".bf-modes label, .bf-aids button, .bf-actions button, .bf-anchor"
        ).all()
        assert len(targets) >= 8
        for target in targets:
            if not target.is_visible():
                continue
            box = target.bounding_box()
            assert box["width"] >= 24 and box["height"] >= 24, (target.inner_text(), box)
        if options:  # phones have no hover: the paragraph links show all the time
            opacities = page.locator(".bf-anchor").evaluate_all(
                "els => els.map(e => getComputedStyle(e).opacity)"
            )
            assert set(opacities) == {"1"}
        watched.assert_clean(site)
        watched.close()


def test_mode_switch_stays_in_reach_beside_the_text(browser: Any, site: str) -> None:
    watched = open_page(browser, 390, 844, **PHONE)
    page = watched.page
    page.goto(f"{site}/briefings/{SHIPPED}/")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    bar = page.locator(".bf-toolbar")
    box = bar.bounding_box()
    header = page.locator(".md-header").bounding_box()
    # Just below the header, on a band of its own: nothing covers it, and it is opaque.
    assert abs(box["y"] - (header["y"] + header["height"])) < 2 and box["height"] <= 60
    middle = page.evaluate(
        "([x, y]) => !!document.elementFromPoint(x, y).closest('.bf-toolbar')",
        [box["x"] + 5, box["y"] + box["height"] / 2],
    )
    assert middle
    assert bar.evaluate("e => getComputedStyle(e).backgroundColor") not in ("rgba(0, 0, 0, 0)",)
    page.screenshot(path=str(ARTIFACTS / "phone-scrolled.png"))
    choose(page, "en")
    # Moving through the sentences never leaves the current one under the switch.
    page.evaluate("window.scrollTo(0, 0)")
    choose(page, "interleaved")
    for _ in range(12):
        page.keyboard.press("j")
        current = page.locator(".bf-pair.bf-current").bounding_box()
        assert current["y"] >= bar.bounding_box()["y"] + bar.bounding_box()["height"] - 1
    watched.assert_clean(site)


LINE_LENGTHS = """
el => {
  const lines = new Map();
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (rect) lines.set(Math.round(rect.top), (lines.get(Math.round(rect.top)) || 0) + 1);
    }
  }
  return [...lines.values()];
}
"""


def test_single_column_modes_keep_a_comfortable_measure(browser: Any, site: str) -> None:
    watched = open_page(browser, 1280)
    page = watched.page
    page.goto(f"{site}/briefings/{SHIPPED}/")
    for mode in ("interleaved", "es", "en", "learn"):
        choose(page, mode)
        lengths = [
            n
            for paragraph in page.locator(".bf-paragraph").all()
            for n in paragraph.evaluate(LINE_LENGTHS)
        ]
        full = sorted(lengths)[len(lengths) // 2 :]  # the longer half: lines that wrap
        assert max(lengths) <= 78, (mode, max(lengths))
        assert statistics.median(full) >= 55, (mode, full)
    watched.assert_clean(site)


def test_few_tab_stops_and_j_k_between_sentences(browser: Any, site: str) -> None:
    watched = open_page(browser, 1280)
    page = watched.page
    page.goto(f"{site}/briefings/{SHIPPED}/")
    stops: list[str] = []
    for _ in range(100):
        page.keyboard.press("Tab")
        stop = page.evaluate(
            "() => { const e = document.activeElement;"
            " return e.tagName + '#' + e.id + '.' + e.className + ':' + e.textContent.slice(0, 30); }"
        )
        if (stops and stop == stops[0]) or stop.startswith("BODY"):
            break
        stops.append(stop)
    assert len([s for s in stops if "bf-pair" in s]) == 1, stops  # one stop for 20 sentences
    assert len(stops) <= 25, stops
    # j and k move between sentence pairs and highlight the pair.
    page.goto(f"{site}/briefings/{SHIPPED}/")
    page.keyboard.press("j")
    focused = page.evaluate("document.activeElement.id")
    assert re.fullmatch(r"p\d+-s\d+", focused)
    page.keyboard.press("j")
    second = page.evaluate("document.activeElement.id")
    assert second != focused and second.startswith("p")
    assert "bf-active" in (page.locator(f"#{second}").get_attribute("class") or "")
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.id") == focused
    # Typing in the search box is not sentence movement.
    page.locator("input.md-search__input").click()
    page.keyboard.type("jk")
    assert page.evaluate("document.activeElement.tagName") == "INPUT"
    watched.assert_clean(site)


def test_linked_paragraph_is_highlighted_on_arrival(browser: Any, site: str) -> None:
    watched = open_page(browser, 1280)
    page = watched.page
    page.goto(f"{site}/briefings/{SHIPPED}/#p3")
    background = "e => getComputedStyle(e).backgroundColor"
    assert page.locator("#p3").evaluate(background) != "rgba(0, 0, 0, 0)"
    assert page.locator("#p2").evaluate(background) == "rgba(0, 0, 0, 0)"
    assert page.locator("#p3").bounding_box()["y"] > page.locator(".bf-toolbar").bounding_box()["y"]
    # The linked paragraph is where keyboard movement starts.
    assert page.locator("#p3-s1").get_attribute("tabindex") == "0"
    page.screenshot(path=str(ARTIFACTS / "briefing-linked-paragraph.png"))
    watched.assert_clean(site)


def test_pointing_or_focusing_highlights_the_counterpart(browser: Any, site: str) -> None:
    watched = open_page(browser, 1280)
    page = watched.page
    page.goto(f"{site}{BRIEFING}")
    pair = page.locator(".bf-pair").nth(1)
    english = pair.locator(".bf-en")
    before = english.evaluate("e => getComputedStyle(e).backgroundColor")
    pair.locator(".bf-es").hover()
    assert "bf-active" in (pair.get_attribute("class") or "")
    assert english.evaluate("e => getComputedStyle(e).backgroundColor") != before
    page.mouse.move(0, 0)
    page.locator(".bf-pair").nth(2).focus()
    assert "bf-active" in (page.locator(".bf-pair").nth(2).get_attribute("class") or "")
    assert "bf-active" not in (pair.get_attribute("class") or "")
    # Each paragraph has a stable anchor link.
    anchor = page.locator("#p2 > a.bf-anchor")
    assert anchor.get_attribute("href") == "#p2"
    watched.assert_clean(site)


def test_marks_explained_on_hover_focus_and_tap_names_left_plain(browser: Any, site: str) -> None:
    watched = open_page(browser, 1280)
    page = watched.page
    page.goto(f"{site}{BRIEFING}")
    tip = page.locator("#bf-tip")
    # "Solovyov", a name Apertium copied through, is not flagged; "plazoleta" is.
    english = " ".join(page.locator(".bf-en").all_inner_texts())
    assert "Solovyov" in english
    marked = page.locator(".bf-en .bf-uncertain").all_inner_texts()
    assert "plazoleta" in marked and "Solovyov" not in marked
    figures = page.locator(".bf-figures").inner_text()
    assert "2 names it copied unchanged" in figures
    mark = page.locator(".bf-en .bf-uncertain", has_text="plazoleta")
    mark.hover()
    assert tip.is_visible() and "did not know" in tip.inner_text()
    page.screenshot(path=str(ARTIFACTS / "briefing-mark-explained.png"))
    page.mouse.move(0, 0)
    assert tip.is_hidden()
    # Focus: the current sentence's marks are Tab stops.
    mark.locator("xpath=ancestor::div[contains(@class,'bf-pair')]").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "plazoleta"
    assert tip.is_visible() and mark.get_attribute("aria-describedby") == "bf-tip"
    page.keyboard.press("Escape")
    assert tip.is_hidden()
    # The legend sits right below the reading-mode switch.
    legend = page.locator(".bf-legend").bounding_box()
    bar = page.locator(".bf-toolbar").bounding_box()
    assert 0 <= legend["y"] - (bar["y"] + bar["height"]) < 40
    watched.assert_clean(site)
    # Tap, on a phone.
    phone = open_page(browser, 390, 844, **PHONE)
    page = phone.page
    page.goto(f"{site}{BRIEFING}")
    page.locator(".bf-en .bf-uncertain", has_text="plazoleta").tap()
    assert page.locator("#bf-tip").is_visible()
    page.screenshot(path=str(ARTIFACTS / "phone-mark-explained.png"))
    page.locator("h1").tap()
    assert page.locator("#bf-tip").is_hidden()
    phone.assert_clean(site)


def test_reviewed_mark_shows_in_every_mode_with_english(browser: Any, site: str) -> None:
    watched = open_page(browser, 1280)
    page = watched.page
    page.goto(f"{site}/briefings/{SHIPPED}/")
    origins = page.locator(".bf-en").evaluate_all("els => els.map(e => e.dataset.origin)")
    assert set(origins) == {"reviewed", "machine"}
    reviewed = page.locator('.bf-en[data-origin="reviewed"]')
    machine = page.locator('.bf-en[data-origin="machine"]').first
    after = "e => getComputedStyle(e, '::after').content"
    border = "e => getComputedStyle(e).borderLeftColor + ' ' + getComputedStyle(e).borderLeftWidth"
    for mode in ("side", "interleaved", "en", "learn"):
        choose(page, mode)
        if mode == "learn":
            reviewed.locator("xpath=../p[contains(@class,'bf-es')]").click()
        assert reviewed.is_visible(), mode
        assert "✓" in reviewed.evaluate(after), mode
        assert "✓" not in machine.evaluate(after), mode
        if mode != "en":  # running text has no rule
            assert reviewed.evaluate(border) != machine.evaluate(border), mode
            assert not reviewed.evaluate(border).endswith(" 0px"), mode
    watched.assert_clean(site)


def test_learner_mode_reveals_each_english_sentence(browser: Any, site: str) -> None:
    for scheme in ("light", "dark"):
        watched = open_page(browser, 390, 844, color_scheme=scheme, **PHONE)
        page = watched.page
        page.goto(f"{site}{BRIEFING}")
        choose(page, "learn")
        first = page.locator(".bf-pair").first
        assert first.locator(".bf-en").is_hidden()
        second = page.locator(".bf-pair").nth(1).locator(".bf-es")
        before = second.bounding_box()["y"]
        first.locator(".bf-es").tap()
        grown = first.locator(".bf-en").bounding_box()["height"]
        assert abs(second.bounding_box()["y"] - before - grown) < 8
        assert first.locator(".bf-en").is_visible()
        assert page.locator(".bf-pair").nth(1).locator(".bf-en").is_hidden()
        button = first.get_by_role("button", name="English translation")
        assert button.get_attribute("aria-expanded") == "true"
        # Nothing moved: the next sentence is where it was before the tap, less the English.
        page.screenshot(path=str(ARTIFACTS / f"phone-learn-{scheme}.png"))
        button.tap()
        assert first.locator(".bf-en").is_hidden()
        # Remembered like the other modes.
        page.reload()
        assert page.locator("article.bf-briefing").get_attribute("data-mode") == "learn"
        watched.assert_clean(site)
        watched.close()
    # Keyboard: Enter on the current sentence shows its English.
    desk = open_page(browser, 1280)
    page = desk.page
    page.goto(f"{site}{BRIEFING}")
    choose(page, "learn")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    assert page.locator(".bf-pair.bf-current .bf-en").is_visible()
    page.screenshot(path=str(ARTIFACTS / "briefing-learn-desktop.png"))
    desk.assert_clean(site)


def test_read_aloud_is_hidden_without_a_spanish_voice(browser: Any, site: str) -> None:
    # Headless Chromium here has no speech voices at all: the button must not show.
    watched = open_page(browser, 1280)
    page = watched.page
    page.goto(f"{site}{BRIEFING}")
    assert page.evaluate("speechSynthesis.getVoices().length") == 0
    choose(page, "learn")
    page.locator(".bf-pair").first.locator(".bf-es").click()
    assert page.locator(".bf-reveal").first.is_visible()
    assert page.locator(".bf-say").evaluate_all("els => els.every(e => e.hidden)")
    watched.assert_clean(site)


STAND_IN_VOICE = """
window.__spoken = [];
const voice = {lang: 'es-ES', name: 'Stand-in', localService: true, default: true};
Object.defineProperty(window, 'speechSynthesis', {value: {
  getVoices: () => [voice],
  speak: u => { window.__spoken.push([u.text, u.lang]); },
  cancel: () => { window.__spoken.push(['cancel']); },
  addEventListener: () => {},
}});
window.SpeechSynthesisUtterance = function (text) { this.text = text; };
"""


def test_read_aloud_speaks_the_spanish_sentence_with_a_stand_in_voice(
    browser: Any, site: str
) -> None:
    # A stand-in speechSynthesis: headless Chromium has no voice, so this path cannot be
    # reached otherwise. It records what the page asks to be spoken.
    watched = open_page(browser, 390, 844, **PHONE)
    page = watched.page
    page.add_init_script(STAND_IN_VOICE)
    page.goto(f"{site}{BRIEFING}")
    choose(page, "learn")
    pair = page.locator(".bf-pair").nth(1)
    listen = pair.get_by_role("button", name="Listen to this Spanish sentence")
    assert listen.is_visible()
    page.screenshot(path=str(ARTIFACTS / "phone-read-aloud.png"))
    listen.tap()
    spoken = page.evaluate("window.__spoken")
    assert spoken == [["cancel"], [pair.locator(".bf-es").inner_text(), "es-ES"]]
    assert listen.get_attribute("aria-pressed") == "true"
    listen.tap()  # pressed again: stop
    assert page.evaluate("window.__spoken").count(["cancel"]) == 2
    assert listen.get_attribute("aria-pressed") is None
    choose(page, "interleaved")  # read-aloud belongs to the learner's mode
    assert listen.is_hidden()
    watched.assert_clean(site)


def test_text_size_is_remembered(browser: Any, site: str) -> None:
    watched = open_page(browser, 1280)
    page = watched.page
    page.goto(f"{site}{BRIEFING}")
    size = "e => parseFloat(getComputedStyle(e).fontSize)"
    spanish = page.locator(".bf-es").first
    normal = spanish.evaluate(size)
    page.get_by_role("button", name="Larger text").click()
    larger = spanish.evaluate(size)
    assert larger > normal
    page.goto(f"{site}/briefings/lluvia/")
    assert page.locator(".bf-es").first.evaluate(size) == larger
    for _ in range(2):
        page.get_by_role("button", name="Smaller text").click()
    assert page.locator(".bf-es").first.evaluate(size) < normal
    assert page.get_by_role("button", name="Smaller text").is_disabled()
    watched.assert_clean(site)


def test_ways_on_from_a_briefing_and_the_home_page(browser: Any, site: str) -> None:
    watched = open_page(browser, 1280)
    page = watched.page
    page.goto(f"{site}{BRIEFING}")
    meta = page.locator("dl.bf-meta")
    assert meta.locator("dt").all_inner_texts() == ["Date", "Source", "Reading time", "Tags"]
    assert meta.locator("time").inner_text() == "21 June 2024"
    assert meta.get_by_role("link", name="Diario de Prueba").get_attribute("href") == (
        "https://example.org/perro"
    )
    assert re.fullmatch(r"about \d+ min", meta.locator("dd").nth(2).inner_text())
    # Newest first: perro has no newer briefing; fiesta is older and shares its tag.
    more = page.locator("nav.bf-more")
    assert more.locator(".bf-newer").count() == 0
    assert more.locator(".bf-older a").inner_text().endswith("La fiesta de la ciudad.")
    assert more.locator(".bf-related a").all_inner_texts() == ["La fiesta de la ciudad."]
    page.screenshot(path=str(ARTIFACTS / "briefing-ways-on.png"), full_page=True)
    more.locator(".bf-older a").click()
    assert page.locator("h1").inner_text() == "La fiesta de la ciudad."
    assert page.locator(".bf-newer a").inner_text().endswith("El perro de la ciudad.")
    assert page.locator(".bf-older a").inner_text().endswith("Lluvia en la costa.")
    page.locator("dl.bf-meta").get_by_role("link", name="Ciudad", exact=True).click()
    assert page.locator("h1").inner_text() == "Tag: Ciudad"
    # The home page lists the latest briefings, newest first.
    page.goto(f"{site}/")
    latest = page.locator(".bf-latest .bf-entry-link")
    assert latest.all_inner_texts()[:3] == [
        "El perro de la ciudad.",
        "La fiesta de la ciudad.",
        "Lluvia en la costa.",
    ]
    page.screenshot(path=str(ARTIFACTS / "home-desktop.png"), full_page=True)
    latest.first.click()
    assert page.locator("h1").inner_text() == "El perro de la ciudad."
    watched.assert_clean(site)


def test_feed_autodiscovery_without_console_errors(browser: Any, site: str) -> None:
    for path in ("/", "/briefings/", BRIEFING, "/briefings/tags/ciudad/", "/about/"):
        watched = open_page(browser, 1280)
        page = watched.page
        page.goto(f"{site}{path}")
        page.wait_for_load_state("networkidle")
        link = page.locator('head link[type="application/atom+xml"]')
        assert "alternate" in (link.get_attribute("rel") or "").split()
        feed = page.request.get(link.evaluate("e => e.href"))
        assert feed.status == 200 and b"<feed" in feed.body()
        watched.assert_clean(site)
        watched.close()


def test_skip_link_and_titles_lead_in_spanish(browser: Any, site: str) -> None:
    watched = open_page(browser, 1280)
    page = watched.page
    page.goto(f"{site}/briefings/{SHIPPED}/")
    page.keyboard.press("Tab")
    skip = page.evaluate("[document.activeElement.className, document.activeElement.textContent]")
    assert skip[0].startswith("md-skip") and skip[1].strip() == "Skip to content"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('.md-content')")
    # The Spanish title leads (its English is machine output): tab, header, heading.
    assert page.title().startswith("Putin obtiene una alianza")
    topic = page.locator(".md-header__topic").last.inner_text()
    assert topic.startswith("Putin obtiene una alianza")
    assert page.locator("h1").get_attribute("lang") == "es"
    assert page.locator(".bf-title-en").inner_text().startswith("Putin obtains")
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
    page.goto(f"{site}{BRIEFING}")
    choose(page, "interleaved")  # the mode with the lightest English text
    for selector in (".bf-es", ".bf-en", ".bf-notice", ".bf-meta", ".bf-title-en", ".bf-modes"):
        ratio = page.locator(selector).first.evaluate(CONTRAST)
        assert ratio >= 4.5, f"{selector} contrast {ratio:.2f} in {scheme} scheme"
    page.screenshot(path=str(ARTIFACTS / f"briefing-{scheme}.png"))


@requires_axe
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_no_wcag_a_or_aa_violation(
    browser: Any, site: str, scheme: str, width: int
) -> None:
    options = PHONE if width < 600 else {}
    found: dict[str, list[str]] = {}
    name = f"{'phone' if options else 'desktop'}-{scheme}"
    for slug in (SHIPPED, "perro"):
        for mode in MODES:
            watched = open_page(browser, width, 844, color_scheme=scheme, **options)
            page = watched.page
            page.add_init_script(f"localStorage.setItem('briefings.mode', '{mode}')")
            page.goto(f"{site}/briefings/{slug}/")
            # The states a reader reaches: a current sentence with its actions, its English
            # revealed (learners), a mark's explanation open.
            page.locator(".bf-pair").nth(1).locator(".bf-es, .bf-en").locator(
                "visible=true"
            ).first.click()
            mark = page.locator(".bf-en .bf-uncertain").locator("visible=true")
            if mark.count():
                mark.first.click()
            if slug == "perro":
                page.screenshot(path=str(ARTIFACTS / f"mode-{mode}-{name}.png"))
            found[f"{slug} {mode}"] = axe_violations(page)
            watched.assert_clean(site)
            watched.close()
    for path, label in (
        ("/briefings/", "index"),
        ("/briefings/tags/ciudad/", "tag"),
        ("/", "home"),
    ):
        watched = open_page(browser, width, 844, color_scheme=scheme, **options)
        watched.page.goto(f"{site}{path}")
        watched.page.screenshot(path=str(ARTIFACTS / f"{label}-{name}.png"))
        found[label] = axe_violations(watched.page)
        watched.assert_clean(site)
        watched.close()
    assert {page: v for page, v in found.items() if v} == {}


def test_print_keeps_the_mode_and_says_where_it_came_from(browser: Any, site: str) -> None:
    watched = open_page(browser, 1280)
    page = watched.page
    page.goto(f"{site}{BRIEFING}")
    choose(page, "en")
    page.emulate_media(media="print")
    assert page.locator(".md-header").is_hidden()
    assert page.locator(".bf-toolbar").is_hidden()
    assert page.locator(".bf-es").first.is_hidden() and page.locator(".bf-en").first.is_visible()
    source = page.locator(".bf-print-only", has_text="Source")
    assert source.is_visible() and "https://example.org/perro" in source.inner_text()
    address = page.locator(".bf-page-address")
    assert address.is_visible() and f"{site}{BRIEFING}" in address.inner_text()
    pdf = ARTIFACTS / "briefing-print.pdf"
    page.pdf(path=str(pdf))
    assert pdf.stat().st_size > 1000
    page.emulate_media(media="screen")
    assert source.is_hidden() and address.is_hidden()


def test_headings_are_in_order(browser: Any, site: str) -> None:
    watched = open_page(browser, 1280)
    page = watched.page
    page.goto(f"{site}{BRIEFING}")
    levels = page.locator("article.md-content__inner :is(h1,h2,h3,h4,h5,h6)").evaluate_all(
        "els => els.map(e => Number(e.tagName[1]))"
    )
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))
    langs = page.locator(".bf-es").evaluate_all("els => els.map(e => e.lang)")
    assert set(langs) == {"es"}


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
