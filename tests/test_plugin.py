"""The MkDocs plugin: ``mkdocs build`` and ``mkdocs serve`` run the builder."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer

from builder.plugin import BriefingsPlugin
from tests.conftest import REPO, ProjectFactory, fake_translation, run_cli, run_mkdocs
from tests.web import fetch, free_port, wait_for

SEED = "Primer título.\nEl perro come en la casa grande.\n"


@pytest.fixture
def served(
    make_project: ProjectFactory, request: pytest.FixtureRequest
) -> Iterator[tuple[Path, str]]:
    """A temporary project served by a real ``mkdocs serve`` on a free loopback port
    (``mkdocs serve --dirty`` when the test's parameter says so)."""
    project = make_project({"nota.txt": SEED})
    port = free_port()
    log = project / "serve.log"
    dirty = ["--dirty"] if getattr(request, "param", False) else []
    with log.open("w", encoding="utf-8") as out:
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "tests.fake_run", "mkdocs", "serve"),
                *("-a", f"127.0.0.1:{port}", *dirty),
            ],
            cwd=project,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(REPO)),
            start_new_session=True,
        )
        try:
            yield project, f"http://127.0.0.1:{port}"
        finally:
            server.send_signal(signal.SIGINT)  # an editor's Ctrl-C
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
                pytest.fail("'mkdocs serve' did not stop within 20 s of Ctrl-C")
            assert server.returncode == 0


@pytest.mark.parametrize("served", [False, True], indirect=True, ids=["serve", "dirty"])
def test_serve_updates_page_when_a_seed_is_saved(served: tuple[Path, str]) -> None:
    project, base = served
    page = f"{base}/briefings/nota/"
    assert wait_for(lambda: "El perro come" in fetch(page), 60), "first build not served"
    (project / "seeds" / "nota.txt").write_text(
        SEED + "La ciudad celebra una fiesta.\n", encoding="utf-8"
    )
    party = fake_translation("La ciudad celebra una fiesta.").text
    assert wait_for(lambda: party in fetch(page), 60)
    # A new seed appears in the index and gets its own page.
    (project / "seeds" / "otra.txt").write_text("Otra nota.\nHace sol.\n", encoding="utf-8")
    assert wait_for(lambda: "otra/" in fetch(f"{base}/briefings/"), 60)
    assert wait_for(lambda: "Hace sol." in fetch(f"{base}/briefings/otra/"), 60)


def test_serve_watches_a_memory_and_a_glossary_made_while_it_runs(
    served: tuple[Path, str],
) -> None:
    """Made while the server runs, they are read by the next rebuild (a save of a seed) and
    watched from then on; the server's own log, in the project folder, starts no rebuild."""
    project, base = served
    page = f"{base}/briefings/nota/"
    assert wait_for(lambda: "El perro come" in fetch(page), 60), "first build not served"
    assert not (project / "memory.yml").exists() and not (project / "glossary.yml").exists()
    (project / "memory.yml").write_text(
        "- es: El perro come en la casa grande.\n  en: The hound dines.\n", encoding="utf-8"
    )
    (project / "glossary.yml").write_text("translate:\n  Primer: Foremost\n", "utf-8")
    (project / "seeds" / "nota.txt").write_text(SEED + "Hace sol.\n", encoding="utf-8")
    assert wait_for(lambda: "The hound dines." in fetch(page), 60)
    assert "Foremost" in fetch(page)
    (project / "memory.yml").write_text(
        "- es: El perro come en la casa grande.\n  en: The hound feasts.\n", encoding="utf-8"
    )
    assert wait_for(lambda: "The hound feasts." in fetch(page), 60)
    (project / "glossary.yml").write_text("translate:\n  Primer: Earliest\n", "utf-8")
    assert wait_for(lambda: "Earliest" in fetch(page), 60)
    builds = (project / "serve.log").read_text("utf-8").count("Building documentation")
    time.sleep(2)  # the log keeps being written to; no rebuild follows
    assert (project / "serve.log").read_text("utf-8").count("Building documentation") == builds


def test_serve_keeps_last_good_page_of_a_broken_seed(served: tuple[Path, str]) -> None:
    project, base = served
    page = f"{base}/briefings/nota/"
    assert wait_for(lambda: "El perro come" in fetch(page), 60)
    (project / "seeds" / "nota.txt").write_text("---\ndate: mañana\n---\nT\nB.\n", "utf-8")
    log = project / "serve.log"
    assert wait_for(
        lambda: "nota.txt:2: front matter 'date' must be a date" in log.read_text("utf-8"), 60
    )
    assert "El perro come" in fetch(page)
    # The server is still running and picks up the fix.
    (project / "seeds" / "nota.txt").write_text(SEED.replace("perro", "gato"), "utf-8")
    assert wait_for(lambda: "El gato come" in fetch(page), 60)


def test_two_servers_on_one_project_both_serve_every_edit(make_project: ProjectFactory) -> None:
    """A second 'mkdocs serve' waits for the other's build instead of failing its own."""
    project = make_project({"nota.txt": SEED})
    ports = [free_port(), free_port()]
    servers = []
    for n, port in enumerate(ports):
        out = (project / f"serve-{n}.log").open("w", encoding="utf-8")
        servers.append(
            subprocess.Popen(
                [
                    *(sys.executable, "-m", "tests.fake_run", "mkdocs", "serve"),
                    *("-a", f"127.0.0.1:{port}"),
                ],
                cwd=project,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(REPO)),
                start_new_session=True,
            )
        )
    try:
        pages = [f"http://127.0.0.1:{port}/briefings/nota/" for port in ports]

        def serves(page: str, text: str) -> Callable[[], bool]:
            return lambda: text in fetch(page)

        for page in pages:
            assert wait_for(serves(page, "El perro come"), 60)
        for word in ("gato", "loro", "pez"):
            (project / "seeds" / "nota.txt").write_text(SEED.replace("perro", word), "utf-8")
            for page in pages:
                assert wait_for(serves(page, f"El {word} come"), 60)
        logs = "".join((project / f"serve-{n}.log").read_text("utf-8") for n in range(2))
        assert "Traceback" not in logs and "Error" not in logs and "ERROR" not in logs
        assert "WARNING" not in logs  # each search index whole
        # One of the two owns the search index's cache; the other says it indexes apart.
        assert logs.count("uses the index's cache; this one indexes") == 1
    finally:
        for server in servers:
            server.send_signal(signal.SIGINT)
        for server in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def test_a_build_holds_the_project_while_mkdocs_reads_its_pages(
    make_project: ProjectFactory,
) -> None:
    """Another build of the project waits for the whole MkDocs build, not only for the
    builder's stage: it would otherwise remove pages (a draft's, in a server's build) while
    MkDocs reads them. An MkDocs hook pauses the build while it renders a page."""
    project = make_project({"nota.txt": SEED})
    (project / "pause.py").write_text(
        "import pathlib, time\n"
        "def on_page_markdown(markdown, page, **kwargs):\n"
        "    if not pathlib.Path('paused').exists():  # at the first page only\n"
        "        pathlib.Path('paused').touch()\n"
        "        pathlib.Path('rendering').touch()\n"
        "        while pathlib.Path('rendering').exists():\n"
        "            time.sleep(0.05)\n"
        "    return markdown\n",
        encoding="utf-8",
    )
    yml = project / "mkdocs.yml"
    yml.write_text(
        yml.read_text("utf-8").replace("engine: apertium", "engine: apertium\n      lock_wait: 0")
        + "\nhooks:\n  - pause.py\n",
        encoding="utf-8",
    )
    mkdocs = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_run", "mkdocs", "build"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(REPO)),
    )
    try:
        assert wait_for(lambda: (project / "rendering").exists(), 60), "MkDocs did not render"
        other = run_cli(project, "build", fake=True)
        assert other.returncode == 2
        assert "another build of this project (process" in other.stderr
        assert f"(process {mkdocs.pid})" in other.stderr
    finally:
        (project / "rendering").unlink(missing_ok=True)
        _, errors = mkdocs.communicate(timeout=120)
    assert mkdocs.returncode == 0, errors
    assert run_cli(project, "build", fake=True).returncode == 0  # and it lets go at the end


def test_unchanged_mkdocs_rebuild_writes_no_source_file(make_project: ProjectFactory) -> None:
    project = make_project({"nota.txt": SEED, "otra.txt": "Otra.\nHace sol.\n"})
    assert run_mkdocs(project, fake=True).returncode == 0
    docs = project / "site_src"
    before = {p: p.stat().st_mtime_ns for p in docs.rglob("*") if p.is_file()}
    result = run_mkdocs(project, fake=True)
    assert result.returncode == 0
    assert "0 files written" in result.stderr
    assert {p: p.stat().st_mtime_ns for p in docs.rglob("*") if p.is_file()} == before


def test_plugin_options_are_validated_by_mkdocs(make_project: ProjectFactory) -> None:
    yml = (Path(__file__).parent.parent / "mkdocs.yml").read_text(encoding="utf-8")
    project = make_project(
        {"nota.txt": SEED},
        mkdocs_yml=yml.replace("output_dir: briefings", "output_dir: ../outside"),
    )
    result = run_mkdocs(project, fake=True)
    assert result.returncode != 0
    assert "Plugin 'briefings' option 'output_dir': must be a folder inside docs_dir" in (
        result.stderr
    )


def test_a_site_that_loads_no_briefing_assets_is_warned(make_project: ProjectFactory) -> None:
    yml = (Path(__file__).parent.parent / "mkdocs.yml").read_text(encoding="utf-8")
    yml = yml.replace("  - assets/briefings.css\n", "").replace("  - assets/search.js\n", "")
    project = make_project({"nota.txt": SEED}, mkdocs_yml=yml)
    result = run_mkdocs(project, "--strict", fake=True)
    assert result.returncode == 1
    assert (
        "WARNING -  briefings: mkdocs.yml loads no briefings.css, search.js: the briefing pages "
        "need them" in result.stderr
    )


def test_check_reports_every_problem_without_translating(make_project: ProjectFactory) -> None:
    project = make_project(
        {
            "buena.txt": SEED,
            "fecha.txt": "---\ndate: ayer\n---\nT\nB.\n",
            "vacia.txt": "\n\n",
            "clave.txt": "---\ncolour: red\n---\nT\nB.\n",
        }
    )
    (project / "templates" / "index.md.j2").write_text("{% if %}\n", encoding="utf-8")
    result = run_cli(project, "check")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "seeds/clave.txt:2: unknown front matter key 'colour' ignored "
        "(known: date, source, url, author, tags, encoding, draft) (warning)",
        "seeds/fecha.txt:2: front matter 'date' must be a date like 2024-06-21 (error)",
        "seeds/vacia.txt: is empty: write the title on the first line, then paragraphs (error)",
        "templates/index.md.j2:1: template error: Expected an expression, got 'end of statement "
        "block' (error)",
    ]
    assert not (project / ".briefings-cache").exists()
    clean = make_project({"buena.txt": SEED})
    assert run_cli(clean, "check").returncode == 0


@pytest.mark.parametrize(
    ("template", "code", "message"),
    [
        ("briefing.md.j2", "{{ 1 / 0 }}", "ZeroDivisionError: division by zero"),
        ("index.md.j2", "{{ nothing.here }}", "'nothing' is undefined"),
        ("more.html.j2", "{{ older.no_such_field() }}", "has no attribute 'no_such_field'"),
        ("editors.md.j2", "{% for b in status.briefings %}{{ b.nope() }}{% endfor %}", "nope"),
        ("latest.html.j2", "{% for e in entries %}{{ 1 / 0 }}{% endfor %}", "ZeroDivisionError"),
    ],
)
def test_a_templates_own_errors_are_found_by_check_and_named_by_build(
    make_project: ProjectFactory, template: str, code: str, message: str
) -> None:
    """What a template's code does wrong at render time is its file and line, found by
    'check' too (it renders a page of each kind), never "unexpected ... please report"."""
    project = make_project({"buena.txt": SEED})
    path = project / "templates" / template
    lines = path.read_text(encoding="utf-8").count("\n")
    with path.open("a", encoding="utf-8") as handle:
        handle.write(code + "\n")
    located = f"templates/{template}:{lines + 1}: template error: "
    result = run_cli(project, "check")
    assert result.returncode == 1
    [line] = result.stdout.splitlines()
    assert line.startswith(located) and message in line and line.endswith("(error)"), line
    if template not in ("more.html.j2", "latest.html.j2"):  # the plugin renders these
        built = run_cli(project, "build", fake=True)
        assert built.returncode == 2
        assert built.stderr.startswith(f"briefings: error: {located}"), built.stderr
        assert message in built.stderr and "please report" not in built.stderr


@pytest.mark.parametrize(
    ("briefings", "dirty", "hinted"), [(600, False, True), (600, True, False), (40, False, False)]
)
def test_serve_of_a_large_site_suggests_dirty(
    make_project: ProjectFactory,
    caplog: pytest.LogCaptureFixture,
    briefings: int,
    dirty: bool,
    hinted: bool,
) -> None:
    project = make_project({"nota.txt": SEED})
    config = load_config(str(project / "mkdocs.yml"))
    plugin = config.plugins["briefings"]
    assert isinstance(plugin, BriefingsPlugin)
    plugin.on_startup(command="serve", dirty=dirty)
    plugin.on_config(config)
    plugin.briefings = briefings  # as the last build reported it
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(project))
    server.watch(config.docs_dir)  # as 'mkdocs serve' does before calling the plugins
    try:
        with caplog.at_level(logging.INFO, logger="mkdocs.plugins.briefings"):
            plugin.on_serve(server, config=config, builder=None)
    finally:
        server.server_close()
        # MkDocs keeps one plugin instance per process: later in-process builds are builds.
        plugin.on_startup(command="build", dirty=False)
    hints = [r.getMessage() for r in caplog.records if "--dirty" in r.getMessage()]
    assert hints == (
        [
            f"briefings: the site has {briefings} briefings and every save rebuilds them all; "
            "'mkdocs serve --dirty' "
            "rebuilds only the pages that changed (see the README)"
        ]
        if hinted
        else []
    )
