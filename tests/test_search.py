"""The search index (builder/search.py, builder/search_cache.py): shards of a few pages made
by the real indexer process, its cache between builds, and a real ``mkdocs build``. The index's
files themselves are in tests/test_search_index.py; what readers do with them in
tests/test_search_browser.py."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builder.search import (
    BODY_MARK,
    BUNDLE_DIR,
    MANIFEST_NAME,
    SearchIndex,
    SearchReport,
    _worker_environment,
    is_searchable,
    manifest_text,
    page_url,
    safe_page_path,
    worker_command,
)
from builder.search_cache import copy_tree
from builder.search_index import SHARD_FILE, decode, utf16_order
from builder.search_text import LANGUAGES, Analyser
from tests.conftest import ProjectFactory, run_mkdocs
from tests.web import wait_for

# -- pure parts -------------------------------------------------------------------------


def test_only_pages_with_a_search_body_are_indexed() -> None:
    assert is_searchable(f'<article class="bf-briefing" {BODY_MARK}>')
    assert not is_searchable('<div class="bf-index"><h1>Briefings</h1></div>')
    # A seed's title that says the words is text on a list page, not a briefing's body.
    assert not is_searchable(f'<li><a href="x/">&lt;article {BODY_MARK}&gt; {BODY_MARK}</a></li>')


def test_a_page_is_found_at_its_address() -> None:
    assert page_url("briefings/perro/index.html") == "briefings/perro/"
    assert page_url("index.html") == ""
    assert page_url("briefings/perro.html") == "briefings/perro.html"


def test_page_paths_stay_inside_the_site() -> None:
    assert str(safe_page_path("briefings/perro/index.html")) == "briefings/perro/index.html"
    assert str(safe_page_path("briefings\\perro.html")) == "briefings/perro.html"
    for bad in ("/etc/passwd.html", "../fuera/index.html", "a/../../b.html", "", "x.md"):
        assert safe_page_path(bad) is None, bad


@given(st.text(max_size=40))
def test_no_page_path_leaves_the_site(dest_uri: str) -> None:
    path = safe_page_path(dest_uri)
    if path is not None:
        assert not path.is_absolute() and ".." not in path.parts
        assert path.suffix == ".html"


def test_manifest_lists_shards_in_order_with_their_digests() -> None:
    text = manifest_text([("0/", "a" * 24), ("1/", "b" * 24)])
    assert json.loads(text) == {"version": 2, "shards": [["0/", "a" * 24], ["1/", "b" * 24]]}


def test_a_bundle_is_published_as_folders_and_files_never_through_a_link(
    tmp_path: Path,
) -> None:
    bundle = tmp_path / "bundle"
    for folder in ("docs", "es/sub", "extra"):
        (bundle / folder).mkdir(parents=True)
    (bundle / "index.json").write_text("{}", encoding="utf-8")
    (bundle / "docs" / "0.json").write_bytes(b"data")
    # What the builder never makes in a shard is never published, whoever put it there.
    for stray in ("evil.html", "docs/1.html", "es/sub/0.json", "extra/0.json", "es/01.json"):
        (bundle / stray).write_text("<script>alert(1)</script>", encoding="utf-8")
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "secret.txt").write_text("not the bundle's", encoding="utf-8")
    (bundle / "linked-file").symlink_to(outside / "secret.txt")
    (bundle / "linked-folder").symlink_to(outside / "deep")
    os.mkfifo(bundle / "pipe")

    copied = copy_tree(bundle, tmp_path / "site" / "es" / "0", SHARD_FILE)

    published = tmp_path / "site" / "es" / "0"
    found = sorted(str(p.relative_to(published)) for p in published.rglob("*"))
    assert found == ["docs", "docs/0.json", "index.json"]
    assert copied == {"docs/0.json", "index.json"}
    assert (published / "docs" / "0.json").read_bytes() == b"data"
    assert not (published / "linked-file").is_symlink()


# -- SearchIndex with the real indexer ----------------------------------------------------


def briefing_body(es: str, en: str) -> str:
    """A briefing's body as the template renders it, reduced to what search reads."""
    return (
        f'<article class="bf-briefing" {BODY_MARK}>\n'
        f'<h1 class="bf-title" lang="es">{es}</h1>\n<p class="bf-title-en" lang="en">{en}</p>\n'
        '<p class="bf-notice" role="note">The English text is a machine translation.</p>\n'
        '<div class="bf-columns" aria-hidden="true"><span>Español</span></div>\n'
        '<div class="bf-paragraph" id="p1"><a class="bf-anchor" href="#p1">¶</a>\n'
        f'<p class="bf-es" lang="es">{es} Texto.</p><p class="bf-en" lang="en">{en} Text.</p>\n'
        "</div>\n</article>\n"
    )


PAGES = {
    "briefings/uno/index.html": ("Cumbre en Madrid", "Summit in Madrid"),
    "briefings/dos/index.html": ("Lluvia en la costa", "Rain on the coast"),
    "briefings/tres/index.html": ("El perro come", "The dog eats"),
    "briefings/cuatro/index.html": ("La casa vieja", "The old house"),
    "briefings/cinco/index.html": ("Un tren nuevo", "A new train"),
}


def manifest(site: Path) -> list[str]:
    return [
        path for path, _ in json.loads((site / BUNDLE_DIR / MANIFEST_NAME).read_text())["shards"]
    ]


def indexed(site: Path, language: str) -> dict[str, str]:
    """URL -> the indexed text of every briefing of the published index: its title in
    ``language``, then its sentences; each of its words checked to be in the postings."""
    found: dict[str, str] = {}
    analyser = Analyser()
    for shard in manifest(site):
        folder = site / BUNDLE_DIR / shard
        meta = json.loads((folder / "index.json").read_text(encoding="utf-8"))
        starts = meta["languages"][language]["chunks"]
        for number in range(meta["documents"]):
            doc = json.loads((folder / "docs" / f"{number}.json").read_text(encoding="utf-8"))
            title = next((text for lang, text in doc["titles"] if lang == language), "")
            text = " ".join([title, *doc["text"][language]])
            for term in analyser.query_terms(text, language):
                at = max(
                    i for i, first in enumerate(starts) if utf16_order(first) <= utf16_order(term)
                )
                chunk = json.loads((folder / language / f"{at}.json").read_text(encoding="utf-8"))
                assert number in decode(chunk[term]), (term, doc["url"])
            found["/" + doc["url"]] = text
    return found


def render(index: SearchIndex, site: Path, dest_uri: str, body: str) -> None:
    """One page as MkDocs renders it: the search index is handed its body, then the page is
    written into the site (where a later dirty build finds it)."""
    index.add_page(dest_uri, body)
    page = site / dest_uri
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")


def full_build(index: SearchIndex, site: Path, pages: dict[str, tuple[str, str]]) -> Any:
    everything = [*pages, "index.html", "briefings/index.html"]
    index.start_build(site, everything, dirty=False)
    render(index, site, "index.html", "<h1>Home</h1><p>Cumbre, lluvia, perro.</p>")
    for dest_uri, (es, en) in pages.items():
        render(index, site, dest_uri, briefing_body(es, en))
    render(index, site, "briefings/index.html", '<div class="bf-index">Cumbre en Madrid</div>')
    return index.finish_build()


def one_build(cache: Path, site: Path, pages: dict[str, tuple[str, str]]) -> Any:
    """A full build by a new index on ``cache`` (as a new MkDocs process makes), closed after."""
    index = SearchIndex(cache, shard_size=2)
    try:
        return full_build(index, site, pages)
    finally:
        index.close()


@pytest.fixture
def search_index() -> Iterator[SearchIndex]:
    index = SearchIndex(shard_size=2)
    yield index
    index.close()


def test_briefings_are_indexed_in_shards_one_index_per_language(
    search_index: SearchIndex, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    report = full_build(search_index, site, PAGES)
    assert report.problems == ()
    assert (report.briefings, report.shards, report.indexed) == (5, 3, 3)
    assert manifest(site) == ["0/", "1/", "2/"]
    spanish, english = indexed(site, "es"), indexed(site, "en")
    urls = sorted(f"/briefings/{slug}/" for slug in ("uno", "dos", "tres", "cuatro", "cinco"))
    assert sorted(spanish) == sorted(english) == urls
    # Each language holds its own text only, without the notice, hidden text or ¶ marks.
    assert spanish["/briefings/dos/"] == "Lluvia en la costa Lluvia en la costa Texto."
    assert english["/briefings/dos/"] == "Rain on the coast Rain on the coast Text."
    assert "search: 5 briefings in 3 shards, 3 indexed" in report.summary()


def test_a_dirty_build_indexes_only_the_shards_that_changed(
    search_index: SearchIndex, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    full_build(search_index, site, PAGES)
    pages = [*PAGES, "index.html", "briefings/index.html", "briefings/seis/index.html"]
    pages.remove("briefings/uno/index.html")
    search_index.start_build(site, pages, dirty=True)
    # The changed page of shard 1, and a new page, which goes to the last shard (2).
    render(search_index, site, "briefings/cuatro/index.html", briefing_body("La casa roja", "Red"))
    render(search_index, site, "briefings/seis/index.html", briefing_body("Seis gatos", "Six cats"))
    report = search_index.finish_build()
    assert report.problems == ()
    assert (report.briefings, report.shards, report.indexed) == (5, 3, 3)  # uno left shard 0
    spanish = indexed(site, "es")
    assert "/briefings/uno/" not in spanish
    assert spanish["/briefings/cuatro/"].startswith("La casa roja ")
    assert spanish["/briefings/seis/"].startswith("Seis gatos ")
    assert "/briefings/tres/" in spanish  # untouched, in shard 1 with the changed page
    # A build that changes nothing indexes nothing and leaves the bundles alone.
    bundles = {p: p.stat().st_ino for p in (site / BUNDLE_DIR).glob("*/index.json")}
    search_index.start_build(site, pages, dirty=True)
    quiet = search_index.finish_build()
    assert (quiet.indexed, quiet.briefings) == (0, 5)
    assert {p: p.stat().st_ino for p in (site / BUNDLE_DIR).glob("*/index.json")} == bundles
    assert indexed(site, "es") == spanish


def test_only_the_changed_shard_is_indexed_again(search_index: SearchIndex, tmp_path: Path) -> None:
    site = tmp_path / "site"
    full_build(search_index, site, PAGES)
    before = {p: p.stat().st_ino for p in (site / BUNDLE_DIR).glob("*/index.json")}
    search_index.start_build(site, [*PAGES], dirty=True)
    render(search_index, site, "briefings/tres/index.html", briefing_body("El gato come", "Cat"))
    report = search_index.finish_build()
    assert report.indexed == 1
    after = {p: p.stat().st_ino for p in (site / BUNDLE_DIR).glob("*/index.json")}
    assert {p.parent.name for p in before if before[p] != after[p]} == {"1"}
    assert indexed(site, "es")["/briefings/tres/"].startswith("El gato come ")


def test_in_the_background_the_report_follows_and_the_next_build_waits(
    search_index: SearchIndex, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    reports: list[SearchReport] = []
    search_index.start_build(site, list(PAGES), dirty=False)
    for dest_uri, (es, en) in PAGES.items():
        search_index.add_page(dest_uri, briefing_body(es, en))
    search_index.finish_build_in_background(reports.append)
    search_index.start_build(site, list(PAGES), dirty=True)  # waits for the index
    assert [(r.briefings, r.shards, r.problems) for r in reports] == [(5, 3, ())]
    assert len(indexed(site, "es")) == 5


def test_the_next_build_takes_unchanged_shards_from_the_cache(tmp_path: Path) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    one_build(cache, site, PAGES)
    shutil.rmtree(site)  # as mkdocs build cleans it
    changed = dict(PAGES, **{"briefings/cinco/index.html": ("Un tren viejo", "Old train")})
    report = one_build(cache, site, changed)
    assert (report.shards, report.indexed, report.reused, report.problems) == (3, 1, 2, ())
    assert indexed(site, "es")["/briefings/cinco/"].startswith("Un tren viejo ")
    assert len(indexed(site, "en")) == 5
    assert len(list((cache / "bundles").iterdir())) == 3  # the replaced bundle is gone


def test_a_new_briefing_changes_one_shard_wherever_it_is_rendered(tmp_path: Path) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    one_build(cache, site, PAGES)
    shutil.rmtree(site)
    # Rendered first, it joins the last shard (which has room), not the first.
    report = one_build(cache, site, {"briefings/cero/index.html": ("Cero", "Zero")} | PAGES)
    assert (report.briefings, report.shards, report.indexed, report.reused) == (6, 3, 1, 2)
    assert len(indexed(site, "es")) == 6


def test_a_second_process_on_one_cache_indexes_apart_and_leaves_the_cache_alone(
    tmp_path: Path,
) -> None:
    """Two 'mkdocs serve' of one project: each index is whole, the owner's cache untouched.
    (flock is per open file, so two indexes in one process stand for two processes.)"""
    cache = tmp_path / "cache"
    owner, other = SearchIndex(cache, shard_size=2), SearchIndex(cache, shard_size=2)
    try:
        full_build(owner, tmp_path / "site-1", PAGES)
        kept = {
            p: p.read_bytes() for p in cache.rglob("*") if p.is_file() and p.name != "owner.lock"
        }
        changed = dict(PAGES, **{"briefings/cinco/index.html": ("Un tren viejo", "Old train")})
        report = full_build(other, tmp_path / "site-2", changed)
        assert report.problems == ()
        assert (report.indexed, report.reused) == (3, 0)  # from scratch, in a folder of its own
        assert report.notes and "uses the index's cache" in report.notes[0]
        assert indexed(tmp_path / "site-2", "es")["/briefings/cinco/"].startswith("Un tren")
        assert {
            p: p.read_bytes() for p in cache.rglob("*") if p.is_file() and p.name != "owner.lock"
        } == kept
        again = full_build(owner, tmp_path / "site-1", PAGES)
        assert (again.indexed, again.reused, again.notes) == (0, 3, ())
    finally:
        other.close()
        owner.close()
    assert not other._cache_dir.exists()  # its temporary folder is removed
    shutil.rmtree(tmp_path / "site-1")
    report = one_build(cache, tmp_path / "site-1", PAGES)  # the owner has let go: it is used
    assert (report.reused, report.notes) == (3, ())


@pytest.mark.parametrize(
    "broken",
    [
        "not json",
        "[]",
        '{"version": 2, "key": "x", "shards": []}',
        '{"version": 2, "key": "%s", "shards": [{"number": 0, "pages": {"../x.html": "%s"}}]}',
        '{"version": 2, "key": "%s", "shards": [{"number": "0", "pages": {}}]}',
    ],
)
def test_a_cache_that_does_not_check_out_is_not_used(tmp_path: Path, broken: str) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    one_build(cache, site, PAGES)
    manifest_file = cache / "manifest.json"
    key = json.loads(manifest_file.read_text())["key"]
    manifest_file.write_text(broken.replace("%s", key, 1).replace("%s", "0" * 24))
    report = one_build(cache, site, PAGES)
    assert (report.indexed, report.reused, report.problems) == (3, 0, ())
    assert len(report.notes) == 1 and "not used" in report.notes[0]  # said, not hidden
    assert len(indexed(site, "es")) == 5


def test_an_emptied_shard_is_removed(search_index: SearchIndex, tmp_path: Path) -> None:
    site = tmp_path / "site"
    full_build(search_index, site, PAGES)
    left = [p for p in PAGES if "cinco" not in p]  # shard 2 held only "cinco"
    search_index.start_build(site, left, dirty=True)
    report = search_index.finish_build()
    assert (report.shards, report.indexed) == (2, 0)
    assert manifest(site) == ["0/", "1/"]
    assert not (site / BUNDLE_DIR / "2").exists()


def test_a_page_that_stops_being_a_briefing_leaves_the_index(
    search_index: SearchIndex, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    full_build(search_index, site, PAGES)
    search_index.start_build(site, [*PAGES], dirty=True)
    render(search_index, site, "briefings/tres/index.html", "<p>Moved.</p>")
    search_index.finish_build()
    assert "/briefings/tres/" not in indexed(site, "en")
    assert len(indexed(site, "en")) == 4


def test_a_one_off_dirty_build_reads_unrendered_pages_from_the_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for dest_uri, (es, en) in PAGES.items():
        page = site / dest_uri
        page.parent.mkdir(parents=True)
        page.write_text(f"<html><body>{briefing_body(es, en)}</body></html>", encoding="utf-8")
    (site / "index.html").write_text("<html><body><h1>Home</h1></body></html>")
    index = SearchIndex(shard_size=2)
    try:
        index.start_build(site, [*PAGES, "index.html"], dirty=True)
        index.add_page("briefings/uno/index.html", briefing_body("Cumbre en Roma", "Rome"))
        report = index.finish_build()
    finally:
        index.close()
    assert (report.briefings, report.problems) == (5, ())
    assert indexed(site, "es")["/briefings/uno/"].startswith("Cumbre en Roma ")


def test_an_indexer_that_does_not_start_is_reported_per_shard(tmp_path: Path) -> None:
    index = SearchIndex(command=[str(tmp_path / "no-such-indexer")], shard_size=2)
    try:
        site = tmp_path / "site"
        report = full_build(index, site, PAGES)
    finally:
        index.close()
    assert report.problems[0].startswith("search index (shard 0) not built: [Errno 2] ")
    assert len(report.problems) == 3 + 1
    assert report.problems[-1] == (
        "search: some shards have no index, so search misses their briefings"
    )
    assert manifest(site) == []


def test_a_crashing_indexer_double_says_why_and_the_next_shard_starts_a_new_one(
    tmp_path: Path,
) -> None:
    # An indexer that crashes cannot be had otherwise: a script that says why, and ends.
    crash = "import sys; sys.stderr.write('out of memory'); sys.exit(3)"
    index = SearchIndex(command=[sys.executable, "-c", crash], shard_size=2)
    try:
        report = full_build(index, tmp_path / "site", PAGES)
    finally:
        index.close()
    assert report.problems[:3] == tuple(
        f"search index (shard {n}) not built: the indexer's process ended (out of memory)"
        for n in range(3)
    )


def test_stopping_ends_a_hanging_indexer_double_and_drops_queued_shards(tmp_path: Path) -> None:
    # MkDocs stopping (Ctrl-C) while shards are being indexed. An indexer that takes minutes
    # cannot be had on a small test site: a double that hangs, in a child of its own.
    pids = tmp_path / "pids"
    double = ["/bin/sh", "-c", f"echo $$ >> {pids}; sleep 300"]
    cache = tmp_path / "cache"
    index = SearchIndex(cache, command=double, shard_size=2)
    reports: list[SearchReport] = []
    index.start_build(tmp_path / "site", [*PAGES, "index.html"], dirty=False)
    for dest_uri, (es, en) in PAGES.items():
        index.add_page(dest_uri, briefing_body(es, en))
    index.add_page("index.html", "<h1>Home</h1>")
    index.finish_build_in_background(reports.append)
    assert wait_for(lambda: pids.is_file() and pids.read_text().strip() != "", 30)

    runner = index._runner  # its thread, to see it end (other tests leave runners of their own)
    assert runner is not None
    started = time.perf_counter()
    index.close()
    stopped_after = time.perf_counter() - started

    assert stopped_after < 10, f"close() took {stopped_after:.1f} s"
    assert not runner.thread.is_alive()
    # The one process was ended, with the child it started; no other was started for the
    # shards queued after the first.
    pid = int(pids.read_text().split()[0])
    assert len(pids.read_text().split()) == 1
    assert wait_for(lambda: _live_processes_in_group(pid) == [], 10)
    assert reports == []  # the publication queued after the shards was dropped too
    assert not list(cache.rglob(".new.*"))  # no half-made shard left behind


def _live_processes_in_group(group: int) -> list[int]:
    """The processes of a process group that have not ended (from /proc)."""
    live = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            live.append(int(stat.parent.name))
    return live


# -- a real mkdocs build ------------------------------------------------------------------

BUILD_SEEDS = {
    "perro.txt": "---\ndate: 2024-06-21\ntags: [Ciudad]\n---\nEl perro.\nEl perro come.\n",
    "lluvia.txt": "---\ntags: [Ciudad]\n---\nLluvia en la costa.\nMañana lloverá.\n",
}


def test_mkdocs_build_indexes_the_briefings_and_not_the_list_pages(
    make_project: ProjectFactory,
) -> None:
    project = make_project(BUILD_SEEDS)
    result = run_mkdocs(project, "--strict", fake=True)
    assert result.returncode == 0, result.stderr
    assert "search: 2 briefings in 1 shard, 1 indexed" in result.stderr
    site = project / "site"
    for language in LANGUAGES:
        assert sorted(indexed(site, language)) == ["/briefings/lluvia/", "/briefings/perro/"]
    assert indexed(site, "en")["/briefings/perro/"].startswith("The dog")
    # Material's search index is gone; the pages load the index's code, not the index.
    assert not (site / "search").exists()
    page = (site / "briefings" / "perro" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<script src="[./]*assets/search.js', page)
    assert BUNDLE_DIR not in page


def test_a_cache_folder_whose_path_is_not_utf8_works(tmp_path: Path) -> None:
    """A project folder unzipped from an old archive may have a name that is not UTF-8."""
    index = SearchIndex(tmp_path / "f\udcff" / "cache", shard_size=2)
    try:
        report = full_build(index, tmp_path / "site", PAGES)
    finally:
        index.close()
    assert report.problems == ()
    assert len(indexed(tmp_path / "site", "es")) == 5


@pytest.mark.parametrize("where", ["bundles", "bundles/x", "manifest.json"])
def test_a_link_in_the_search_cache_steers_no_write_or_delete(tmp_path: Path, where: str) -> None:
    """A link put in the cache (a restored CI cache, a careless hand) is removed, never
    followed: what it points to is left as it was, and the index is made anew."""
    site, cache = tmp_path / "site", tmp_path / "cache"
    one_build(cache, site, PAGES)
    victim = tmp_path / "victim"
    for name in ("keep/data.txt", "0/old.html", "0/sub/page.html", "x/index.json"):
        (victim / name).parent.mkdir(parents=True, exist_ok=True)
        (victim / name).write_text("precious", encoding="utf-8")
    before = {p: p.read_bytes() for p in victim.rglob("*") if p.is_file()}
    target = cache / where
    if target.is_dir():
        shutil.rmtree(target)
    else:
        target.unlink(missing_ok=True)
    target.symlink_to(victim / "x" / "index.json" if where.endswith(".json") else victim)
    report = one_build(cache, tmp_path / "site-2", PAGES)
    assert {p: p.read_bytes() for p in victim.rglob("*") if p.is_file()} == before
    assert report.problems == ()
    assert report.notes == (
        f"search: cache emptied: it held a link, a pipe or a device ({str(target)!r})",
    )
    assert len(indexed(tmp_path / "site-2", "es")) == 5
    assert not [p for p in cache.rglob("*") if p.is_symlink()]


@pytest.mark.parametrize("where", ["manifest.json", "bundles/x/index.json", "bundles/x"])
def test_a_pipe_in_the_search_cache_never_blocks_the_build(tmp_path: Path, where: str) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    one_build(cache, site, PAGES)
    target = cache / where
    target.unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(target)
    report = one_build(cache, tmp_path / "site-2", PAGES)  # would block on the pipe
    assert report.notes == (
        f"search: cache emptied: it held a link, a pipe or a device ({str(target)!r})",
    )
    assert report.problems == () and len(indexed(tmp_path / "site-2", "es")) == 5


def test_a_link_in_the_sites_place_for_the_index_is_never_written_through(
    tmp_path: Path,
) -> None:
    """MkDocs does not clear a link out of the site: the index is not published through it,
    what it points to is left as it was, and the build says why."""
    victim = tmp_path / "victim"
    (victim / "0").mkdir(parents=True)
    (victim / "0" / "keep.txt").write_text("precious", encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / BUNDLE_DIR).symlink_to(victim)
    report = one_build(tmp_path / "cache", site, PAGES)
    assert sorted(str(p.relative_to(victim)) for p in victim.rglob("*")) == ["0", "0/keep.txt"]
    assert (victim / "0" / "keep.txt").read_text(encoding="utf-8") == "precious"
    assert any(
        "search index not published" in problem and "symbolic link" in problem
        for problem in report.problems
    ), report.problems
    (site / BUNDLE_DIR).unlink()  # moved away, as the message says: the next build publishes
    assert one_build(tmp_path / "cache", site, PAGES).problems == ()
    assert len(indexed(site, "es")) == 5


def test_a_cached_shard_publishes_only_its_own_files_and_a_partial_one_is_made_again(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache"
    one_build(cache, tmp_path / "site", PAGES)
    bundles = sorted((cache / "bundles").iterdir())
    assert len(bundles) == 3
    for bundle in bundles:
        (bundle / "evil.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    report = one_build(cache, tmp_path / "site-2", PAGES)
    assert report.problems == () and report.reused == 3
    assert not list((tmp_path / "site-2").rglob("evil.html"))
    # A shard whose copy lost one of its files is left out with a reason, then made again.
    (bundles[0] / "es" / "0.json").unlink()
    report = one_build(cache, tmp_path / "site-3", PAGES)
    assert any("lacks 1 of its files (es/0.json" in p for p in report.problems), report.problems
    assert len(indexed(tmp_path / "site-3", "es")) == 3
    report = one_build(cache, tmp_path / "site-4", PAGES)
    assert report.problems == () and (report.indexed, report.reused) == (1, 2)
    assert len(indexed(tmp_path / "site-4", "es")) == 5


def test_a_shards_briefings_are_numbered_in_order_of_their_files_whatever_the_render_order(
    tmp_path: Path,
) -> None:
    """One digest (the files' ``?v=``) must always mean one numbering: a browser holding an
    ``index.json`` of an earlier build may fetch ``docs/<n>.json`` of a later one."""
    pages = dict(reversed(list(PAGES.items())))
    one_build(tmp_path / "cache", tmp_path / "site", pages)
    for shard in manifest(tmp_path / "site"):
        docs = sorted((tmp_path / "site" / BUNDLE_DIR / shard / "docs").glob("*.json"))
        urls = [json.loads(p.read_text(encoding="utf-8"))["url"] for p in docs]
        assert urls == sorted(urls), shard


def test_the_indexer_does_not_import_from_the_folder_mkdocs_was_started_in(
    tmp_path: Path,
) -> None:
    """``python -m`` would put the current folder first: a ``Stemmer.py`` or ``json.py``
    there must not run in the indexer's place."""
    for name in ("Stemmer.py", "json.py"):
        (tmp_path / name).write_text(
            "import pathlib\npathlib.Path('ran-" + name + "').touch()\n", encoding="utf-8"
        )
    result = subprocess.run(
        worker_command(),
        cwd=tmp_path,
        input=b"",
        capture_output=True,
        env=_worker_environment(),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Stemmer.py", "json.py"]


def test_a_search_cache_that_is_a_link_is_not_used(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("precious", encoding="utf-8")
    (tmp_path / "cache").symlink_to(elsewhere)
    report = one_build(tmp_path / "cache", tmp_path / "site", PAGES)
    assert [p.name for p in elsewhere.iterdir()] == ["keep.txt"]
    assert report.notes[0].startswith(f"search: the index's cache {str(tmp_path / 'cache')!r} is")
    assert len(indexed(tmp_path / "site", "es")) == 5


def test_a_dirty_build_names_a_built_page_it_cannot_read(
    search_index: SearchIndex, tmp_path: Path
) -> None:
    """A dirty build reads the pages it did not render from the site: one removed by hand
    leaves its shard without an index, and the build says which page."""
    site = tmp_path / "site"
    full_build(search_index, site, PAGES)
    (site / "briefings" / "tres" / "index.html").unlink()
    search_index.start_build(site, [*PAGES], dirty=True)
    render(search_index, site, "briefings/cuatro/index.html", briefing_body("La casa", "House"))
    report = search_index.finish_build()
    assert report.problems[0] == (
        "search index (shard 1) not built: ValueError: page 'briefings/tres/index.html' of the "
        "built site: does not exist"
    )
    assert manifest(site) == ["0/", "2/"]
