"""Search at scale: what a reader fetches and waits for, and what the index costs the build.

    .venv/bin/python bench/search.py [--sizes 2000 5000] [--rounds 2] [--articles 5]
                                     [--material] [--cache DIR]

Sites of N briefings are made from the NTREX articles as ``bench/scale.py`` makes them (article
i mod 123 under its own name, date and numbered title; one shared translation cache).

For each size, in Chromium over loopback (a plain static server on 127.0.0.1, no compression,
a fresh browser profile for every measurement; bytes are counted by the server, status lines
and headers included):

- the bytes a briefing page fetches before any search (everything, once the network is idle);
- for a Spanish and an English word of each of ``--articles`` NTREX articles (a word found in
  no other article, so every result is a briefing made from that article): the time from
  focusing the search box and entering the word to the first link to such a briefing, and
  the bytes fetched by then, page included. The box is focused and the word entered in the
  same instant, so the time includes loading the stemmers and the shards' index.json
  (nothing is preloaded).

And ``mkdocs build``, ``--rounds`` times in turn: without search (``search: false``); with
the index built from scratch (its cache emptied: ``cold``); with nothing changed (``warm``);
with one seed changed (``one seed``, against a build without search with one seed changed
too). For each: wall time, CPU seconds, and peak memory as the sum of the resident memory of
mkdocs and its children (the indexer's process), sampled every 50 ms. ``--material`` also builds and
measures the site with Material's search plugin instead, as it was before.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.pipeline import make_corpus  # noqa: E402
from bench.scale import make_site  # noqa: E402
from builder.search_text import Analyser  # noqa: E402
from builder.seeds import slug_for  # noqa: E402
from tests.web import CHROMIUM, LAUNCH_ARGS  # noqa: E402 (the browser tests' own launch)

GIVE_UP_MS = 20_000  # a search that shows no link to the article by then has failed
GOALS = {"page": 1_000_000, "search": 2_000_000, "seconds": 2.0, "share": 0.25, "memory": 400}
_SEARCH_LINE = re.compile(r"search: .*; indexer ([\d.]+) s, ([\d.]+) s after the last page")
_WORD = re.compile(r"[^\W\d_]{6,}")
MATERIAL_SEARCH = "plugins:\n  - search:\n      lang: [en, es]\n  - briefings:"


@dataclass(frozen=True)
class BuildRun:
    variant: str
    wall: float
    cpu: float
    peak_mb: float  # mkdocs and its children, summed
    largest_mb: float  # the largest single process
    indexer: float  # the indexer's own seconds (search builds only)
    waited: float  # seconds the build waited for the index after the last page


@dataclass(frozen=True)
class Lookup:
    word: str
    language: str
    seconds: float
    page_bytes: int
    total_bytes: int
    requests: int


# -- building ---------------------------------------------------------------------------


def configure(project: Path, variant: str) -> None:
    """Point mkdocs.yml at one variant: 'index' (the default), 'none' or 'material'."""
    yml = project / "mkdocs.yml"
    text = yml.read_text(encoding="utf-8")
    text = text.replace(MATERIAL_SEARCH, "plugins:\n  - briefings:")
    text = re.sub(r"\n      search: (true|false)", "", text)
    if variant == "material":
        text = text.replace("plugins:\n  - briefings:", MATERIAL_SEARCH)
    if variant in ("none", "material"):
        text = text.replace("engine: apertium", "engine: apertium\n      search: false")
    yml.write_text(text, encoding="utf-8")


def tree_rss(root: int) -> tuple[int, int]:
    """Resident kB of a process and all its descendants: (sum, largest).

    A child caught between fork and exec (mkdocs starting the indexer: Python forks with
    vfork) shows its parent's memory as its own; it is still running the parent's program
    with the parent's arguments, so it is left out rather than counted twice (that once made
    a 220 MB mkdocs look like 436 MB). The indexer runs the same Python as mkdocs, with other
    arguments: it is counted.
    """
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(stat[1]), []).append(int(entry))
    total = largest = 0
    stack: list[tuple[int, tuple[str, bytes] | None]] = [(root, None)]
    while stack:
        pid, parent_program = stack.pop()
        try:
            program = (os.readlink(f"/proc/{pid}/exe"), Path(f"/proc/{pid}/cmdline").read_bytes())
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        if program == parent_program:
            continue  # not exec'd yet: its parent's memory, already counted
        match = re.search(r"VmRSS:\s+(\d+)", status)
        if match:
            total += int(match.group(1))
            largest = max(largest, int(match.group(1)))
        stack.extend((child, program) for child in children.get(pid, []))
    return total, largest


def build(project: Path, variant: str, label: str = "", cache: Path | None = None) -> BuildRun:
    configure(project, variant)
    if label == "cold" and cache is not None:
        shutil.rmtree(cache / "search", ignore_errors=True)  # the search index's cache
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    peak = largest = 0
    log: list[str] = []
    reader = threading.Thread(target=lambda: log.extend(process.stdout or []), daemon=True)
    reader.start()
    while process.poll() is None:
        total, single = tree_rss(process.pid)
        peak, largest = max(peak, total), max(largest, single)
        time.sleep(0.05)
    wall = time.perf_counter() - started
    reader.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    text = "".join(log)
    if process.returncode != 0:
        raise SystemExit(f"mkdocs build failed:\n{text[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    match = _SEARCH_LINE.search(text)
    indexer, waited = (float(match.group(1)), float(match.group(2))) if match else (0.0, 0.0)
    return BuildRun(label or variant, wall, cpu, peak / 1024, largest / 1024, indexer, waited)


# -- reading ----------------------------------------------------------------------------


class Served:
    """What the server sent: bytes (status line, headers and bodies) and requests."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.bytes = 0
        self.requests: list[str] = []

    def reset(self) -> None:
        with self.lock:
            self.bytes, self.requests = 0, []


class _CountingHandler(http.server.SimpleHTTPRequestHandler):
    """A static server that counts every byte it writes (the page's and its workers')."""

    protocol_version = "HTTP/1.1"  # keep-alive, as any static host
    served: Served

    def setup(self) -> None:
        super().setup()
        counted, served = self.wfile, self.served

        class Counter:
            def write(self, data: bytes) -> int:
                with served.lock:
                    served.bytes += len(data)
                return int(counted.write(data))

            def __getattr__(self, name: str) -> Any:
                return getattr(counted, name)

        self.wfile = Counter()  # type: ignore[assignment]

    def send_response(self, code: int, message: str | None = None) -> None:
        with self.served.lock:
            self.served.requests.append(self.path)
        super().send_response(code, message)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def served(folder: Path, counter: Served) -> Iterator[str]:
    handler = functools.partial(
        type("Handler", (_CountingHandler,), {"served": counter}), directory=str(folder)
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


FIND = """([word, targets, material, giveUp]) => new Promise(resolve => {
  const list = document.querySelector(material ? '.md-search-result__list'
                                                : '#bf-search-results');
  const input = document.querySelector('input.md-search__input');
  const hit = () => [...list.querySelectorAll('a')].some(a =>
      targets.some(t => new URL(a.href).pathname === t));
  const started = performance.now();
  const observer = new MutationObserver(() => {
    if (hit()) { observer.disconnect(); resolve(performance.now() - started); }
  });
  observer.observe(list, {childList: true, subtree: true});
  setTimeout(() => { observer.disconnect(); resolve(null); }, giveUp);
  input.focus();
  input.value = word;
  input.dispatchEvent(new Event('input', {bubbles: true}));
  input.dispatchEvent(new KeyboardEvent('keyup', {key: word.slice(-1), bubbles: true}));
})"""


def new_page(browser: Any, base: str) -> tuple[Any, Any, list[str]]:
    """A page in a fresh profile, and every URL it (or one of its workers) asks for."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    asked: list[str] = []
    context.on("request", lambda request: asked.append(request.url))
    return context, context.new_page(), asked


def look_up(
    browser: Any,
    base: str,
    counter: Served,
    page_path: str,
    word: str,
    targets: list[str],
    material: bool,
) -> Lookup:
    context, page, asked = new_page(browser, base)
    counter.reset()
    page.goto(base + page_path, wait_until="networkidle")
    page.wait_for_timeout(300)
    page_bytes = counter.bytes
    elapsed = page.evaluate(f"({FIND})", [word, targets, material, GIVE_UP_MS])
    if elapsed is None:
        shown = page.locator("#bf-search-results a, .md-search-result__list a").count()
        raise SystemExit(
            f"searching {word!r}: no link to its article within {GIVE_UP_MS / 1000:.0f} s "
            f"({shown} other results shown)"
        )
    seconds = elapsed / 1000
    page.wait_for_timeout(500)  # anything still on the way is counted too
    result = Lookup(word, "", seconds, page_bytes, counter.bytes, len(counter.requests))
    foreign = [url for url in asked if not url.startswith(base)]
    if foreign:
        raise SystemExit(f"requests to other hosts: {foreign}")
    context.close()
    return result


def page_weight(browser: Any, base: str, counter: Served, page_path: str) -> tuple[int, int]:
    context, page, _asked = new_page(browser, base)
    counter.reset()
    page.goto(base + page_path, wait_until="networkidle")
    page.wait_for_timeout(1500)  # anything loaded after the page (Material's search index)
    weight = counter.bytes, len(counter.requests)
    context.close()
    return weight


# -- words of one article -----------------------------------------------------------------


def texts_by_article(project: Path, seeds: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Spanish and English text of each NTREX article, as its first briefing shows it."""
    spanish, english = {}, {}
    for seed in seeds:
        page = project / "site_src" / "briefings" / f"{slug_for(seed)}.md"
        text = page.read_text(encoding="utf-8")
        article = seed.split("-", 1)[1]
        spanish[article] = " ".join(re.findall(r'lang="es"[^>]*>(.*?)</(?:p|h1)>', text))
        english[article] = " ".join(
            re.sub(r"<[^>]+>", "", m) for m in re.findall(r'lang="en"[^>]*>(.*?)</p>', text)
        )
    return spanish, english


def unique_word(article: str, texts: dict[str, str], language: str) -> str:
    """A word of one article whose search term no other article has (the most frequent
    such word). Terms, not words: "récord" and "recordar" are both "record" to the index."""
    analyser = Analyser()
    seen: set[str] = set()
    for other, text in texts.items():
        if other != article:
            seen.update(analyser.term(w.lower(), language) for w in _WORD.findall(text))
    own: Counter[str] = Counter(w.lower() for w in _WORD.findall(texts[article]))
    for word, _count in own.most_common():
        if analyser.term(word, language) not in seen:
            return word
    raise SystemExit(f"no word unique to {article}")


def measure_reading(project: Path, size: int, articles: int, material: bool) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    corpus_size = 123
    seeds = sorted(p.stem for p in (project / "seeds").glob("*.txt"))
    spanish, english = texts_by_article(project, seeds[:corpus_size])
    names = sorted(spanish)
    chosen = [names[i * corpus_size // articles] for i in range(articles)]
    lookups: list[Lookup] = []
    counter = Served()
    with served(project / "site", counter) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        middle = f"/briefings/{slug_for(seeds[size // 2])}/"
        weight, requests = page_weight(browser, base, counter, middle)
        for article in chosen:
            targets = [f"/briefings/{slug_for(s)}/" for s in seeds if s.endswith("-" + article)]
            for language, texts in (("es", spanish), ("en", english)):
                word = unique_word(article, texts, language)
                found = look_up(browser, base, counter, middle, word, targets, material)
                lookups.append(replace(found, language=language))
                print(
                    f"  {language} {word!r} ({len(targets)} briefings): "
                    f"{found.seconds:.2f} s, {found.total_bytes / 1e6:.2f} MB "
                    f"({found.requests} requests)",
                    flush=True,
                )
        browser.close()
    return {"page_bytes": weight, "page_requests": requests, "lookups": lookups}


# -- the report ---------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--bench-data", type=Path, default=REPO.parent / "shared" / "bench-data")
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 5000])
    parser.add_argument("--rounds", type=int, default=2, help="build pairs per size")
    parser.add_argument("--articles", type=int, default=5)
    parser.add_argument("--material", action="store_true", help="also Material's search")
    parser.add_argument("--cache", type=Path, help="translation cache to keep between runs")
    args = parser.parse_args()
    print(f"command: {' '.join(sys.argv)}", flush=True)
    with tempfile.TemporaryDirectory(prefix="briefings-bench-search-") as tmp:
        root = Path(tmp)
        corpus = make_corpus(args.bench_data, root / "corpus")
        cache = args.cache or root / "cache"
        summary: dict[str, Any] = {}
        for size in args.sizes:
            project = make_site(root / f"site{size}", corpus, size, cache)
            print(f"{size} briefings: first build (translations, pages)", flush=True)
            build(project, "index")
            runs: list[BuildRun] = []
            seeds = sorted((project / "seeds").glob("*.txt"))
            plan = [("none", "none"), ("index", "cold"), ("index", "warm")]
            for round_ in range(args.rounds):
                for variant, label in plan + [("material", "material")] * args.material:
                    runs.append(build(project, variant, label, cache))
                    show(runs[-1])
                seed = seeds[(round_ + 1) * size // (args.rounds + 1)]
                for variant, label in (("none", "none, one seed"), ("index", "one seed")):
                    seed.write_text(
                        seed.read_text(encoding="utf-8") + f"\nUna frase nueva {label}.\n",
                        encoding="utf-8",
                    )
                    runs.append(build(project, variant, label))
                    show(runs[-1])
            shares = {
                label: [
                    with_.wall / without.wall - 1
                    for with_, without in zip(
                        [r for r in runs if r.variant == label],
                        [r for r in runs if r.variant == base],
                        strict=True,
                    )
                ]
                for label, base in (
                    ("cold", "none"),
                    ("warm", "none"),
                    ("one seed", "none, one seed"),
                    *([("material", "none")] if args.material else []),
                )
            }
            for label, values in shares.items():
                base = "none, one seed" if label == "one seed" else "none"
                cpu = [
                    w.cpu / o.cpu - 1
                    for w, o in zip(
                        [r for r in runs if r.variant == label],
                        [r for r in runs if r.variant == base],
                        strict=True,
                    )
                ]
                print(
                    f"  search index ({label}) against mkdocs build without: wall "
                    + ", ".join(f"{v:+.1%}" for v in values)
                    + "; CPU "
                    + ", ".join(f"{v:+.1%}" for v in cpu),
                    flush=True,
                )
            configure(project, "index")
            build(project, "index")
            print("  reader (the site's index):", flush=True)
            reading = measure_reading(project, size, args.articles, material=False)
            material = None
            if args.material:
                build(project, "material")
                print("  reader (Material's search):", flush=True)
                material = measure_reading(project, size, args.articles, material=True)
                configure(project, "index")
            summary[str(size)] = report(size, runs, shares, reading, material)
        print(json.dumps(summary, indent=1))
    return 0


def show(run: BuildRun) -> None:
    search = (
        f", indexer {run.indexer:.1f} s, {run.waited:.1f} s after the last page"
        if run.indexer or run.waited
        else ""
    )
    print(
        f"  mkdocs build ({run.variant}): {run.wall:.1f} s, {run.cpu:.1f} CPU s, "
        f"peak {run.peak_mb:.0f} MB (largest process {run.largest_mb:.0f} MB){search}",
        flush=True,
    )


def report(
    size: int,
    runs: list[BuildRun],
    shares: dict[str, list[float]],
    reading: dict[str, Any],
    material: dict[str, Any] | None,
) -> dict[str, Any]:
    lookups: list[Lookup] = reading["lookups"]
    searched = ("cold", "warm", "one seed")
    peak = max(r.peak_mb for r in runs if r.variant in searched)
    seconds = [x.seconds for x in lookups]
    totals = [x.total_bytes for x in lookups]
    line = (
        f"{size} briefings: page before any search {reading['page_bytes'] / 1e6:.2f} MB; "
        f"first link to the article after median {statistics.median(seconds):.2f} s "
        f"(max {max(seconds):.2f} s), {max(totals) / 1e6:.2f} MB fetched at most; "
        + "; ".join(
            f"index {label} {', '.join(f'{v:+.0%}' for v in values)}"
            for label, values in shares.items()
        )
        + f"; peak {peak:.0f} MB"
    )
    print(line, flush=True)
    result: dict[str, Any] = {
        "page_bytes": reading["page_bytes"],
        "search_seconds": seconds,
        "search_total_bytes": totals,
        "build_shares": shares,
        "builds": [r.__dict__ for r in runs],
        "goals_met": {
            "page": reading["page_bytes"] <= GOALS["page"],
            "search_bytes": max(totals) <= GOALS["search"],
            "search_seconds": max(seconds) <= GOALS["seconds"],
            "share (cold)": max(shares["cold"]) <= GOALS["share"],
            "share (warm, one seed)": max(shares["warm"] + shares["one seed"]) <= GOALS["share"],
            "memory": peak <= GOALS["memory"],
        },
    }
    if material is not None:
        result["material"] = {
            "page_bytes": material["page_bytes"],
            "search_seconds": [x.seconds for x in material["lookups"]],
            "search_total_bytes": [x.total_bytes for x in material["lookups"]],
        }
    return result


if __name__ == "__main__":
    sys.exit(main())
