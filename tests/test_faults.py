"""Faults: engine missing, failing, hanging or answering garbage; builds killed or run twice."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builder.build import build
from builder.cache import TranslationCache
from tests.conftest import (
    SHARED,
    ProjectFactory,
    requires_apertium,
    run_cli,
    settings_for,
    write_project,
)
from tests.test_translate import FailsOnCallDouble

pytestmark = requires_apertium

SEEDS = {
    "a.txt": "Primera nota.\nEl perro come en la casa grande.\n",
    "b.txt": "Segunda nota.\nLa ciudad celebra una fiesta.\n",
    "c.txt": "Tercera nota.\nMañana lloverá en la costa.\n",
}
NTREX = SHARED / "bench-data" / "make_seeds.py"
needs_ntrex = pytest.mark.skipif(
    not NTREX.is_file(), reason="../shared/bench-data is not beside the checkout"
)


def fake_apertium_program(folder: Path, program: str, body: str) -> dict[str, str]:
    """Test double for faults a real Apertium cannot be made to produce: a program of its
    pipeline (``program``) replaced by a script placed first on PATH. Returns the
    environment that uses it."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / program
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return dict(os.environ, PATH=f"{folder}:{os.environ['PATH']}", NO_MKDOCS_2_WARNING="1")


def with_timeout(project: Path, seconds: int) -> None:
    yml = project / "mkdocs.yml"
    text = yml.read_text(encoding="utf-8")
    yml.write_text(text.replace("engine: apertium", f"engine: apertium\n      timeout: {seconds}"))


def test_missing_engine_is_reported_before_any_work(make_project: ProjectFactory) -> None:
    project = make_project(SEEDS)
    empty = project / "empty-bin"
    empty.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "builder", "build"],
        cwd=project,
        capture_output=True,
        text=True,
        env=dict(os.environ, PATH=str(empty)),
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "briefings: error: Apertium is not installed: run 'apt-get install apertium "
        "apertium-eng-spa' (the README's setup command does this)\n"
    )
    assert not (project / "site_src" / "briefings").exists()
    assert not (project / ".briefings-cache").exists()


def run_with(env: dict[str, str], project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "builder", "build"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("name", "program", "body", "message"),
    [
        ("hangs", "apertium-transfer", "exec sleep 60", "gave no complete answer"),
        ("crashes", "apertium-transfer", "echo boom >&2; exit 7", "exit status 7: boom"),
        (
            "garbage",
            "apertium-retxt",
            'cat >/dev/null; echo "ERROR 500"',
            "Apertium stopped before the end of the batch",
        ),
    ],
)
def test_engine_fault_skips_seeds_publishes_nothing_caches_nothing(
    make_project: ProjectFactory, name: str, program: str, body: str, message: str
) -> None:
    project = make_project(SEEDS)
    with_timeout(project, 2)
    env = fake_apertium_program(project / f"bin-{name}", program, body)
    result = run_with(env, project)
    assert result.returncode == 1, result.stderr  # errors: the seeds were skipped
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
    assert len(errors) == 3
    for line in errors:
        assert "not translated by Apertium (spa-eng) (2 segments)" in line
        assert message in line
    assert "3 seeds skipped" in result.stderr.splitlines()[-1]
    area = project / "site_src" / "briefings"
    assert sorted(p.name for p in area.glob("*.md")) == ["editors.md", "index.md"]
    with sqlite3.connect(project / ".briefings-cache" / "translations.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM translation").fetchone()[0] == 0


def test_failure_halfway_keeps_done_work_and_next_build_resumes(
    make_project: ProjectFactory,
) -> None:
    project = make_project(SEEDS)
    settings = settings_for(project)
    broken = FailsOnCallDouble(fail_on=3, batch_chars=30)
    first = build(settings, engine=broken)
    done = first.collection.translated
    assert 0 < done < 6
    assert first.skipped >= 1
    for problem in first.problems:
        assert "double failed on purpose" in problem.message
    resumed = build(settings, engine=FailsOnCallDouble())
    assert resumed.problems == ()
    # Nothing translated before is translated again.
    assert resumed.collection.translated == 6 - done
    assert sorted(p.name for p in settings.area.glob("*.md")) == [
        "a.md",
        "b.md",
        "c.md",
        "editors.md",
        "index.md",
    ]


def ntrex_project(root: Path) -> Path:
    corpus = root / "corpus"
    subprocess.run(
        [sys.executable, str(NTREX), str(corpus / "seeds"), str(corpus / "refs")],
        check=True,
        capture_output=True,
    )
    seeds = {p.name: p.read_bytes() for p in sorted((corpus / "seeds").glob("*.txt"))}
    return write_project(root / "project", seeds)


def assert_consistent(project: Path) -> None:
    """Every page whole (old or new, never cut short) and the cache readable."""
    area = project / "site_src" / "briefings"
    for page in area.glob("*.md"):
        text = page.read_text(encoding="utf-8")
        assert text.startswith("---\n"), page
        # A whole page ends as its template does (a briefing with the plugin's marker).
        assert text.endswith(("</article>\n<!-- briefings: more -->\n", "</div>\n")), page
    cache = project / ".briefings-cache" / "translations.sqlite3"
    if cache.exists():
        with sqlite3.connect(cache) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        with TranslationCache(cache) as opened:  # killed before the tables were made: fine
            assert opened.problems == []


def timed_build(project: Path) -> float:
    started = time.monotonic()
    result = run_cli(project, "build", "-q")
    assert result.returncode == 0, result.stderr
    return time.monotonic() - started


def kill_during_build(project: Path, delay: float) -> bool:
    """Start a build and SIGKILL it after ``delay`` seconds; whether it was still running.
    A build that finished first (a busy machine is slow to start one, a quiet one quick to
    end it) is run again with half the delay, a few times."""
    for _ in range(4):
        proc = subprocess.Popen(
            [sys.executable, "-m", "builder", "build", "-q"],
            cwd=project,
            env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
        )
        time.sleep(delay)
        killed = proc.poll() is None
        if killed:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        if killed:
            return True
        delay /= 2
    return False


@needs_ntrex
def test_sigkill_at_any_moment_then_rebuild(tmp_path: Path) -> None:
    project = ntrex_project(tmp_path / "killed")
    reference = ntrex_project(tmp_path / "clean")
    # Kill times are fractions of how long a build takes on this machine today.
    cold = timed_build(reference)
    rng = random.Random(1234)
    kills = 0
    for share in [0.1, 0.3, 0.5, 0.7, 0.9, *(rng.uniform(0.05, 0.95) for _ in range(3))]:
        kills += kill_during_build(project, cold * share)
        assert_consistent(project)
    # Kill during the write stage: change the template so that every page is rewritten.
    reference_template = reference / "templates" / "briefing.md.j2"
    template = project / "templates" / "briefing.md.j2"
    for path in (template, reference_template):
        path.write_text(
            path.read_text(encoding="utf-8").replace("It may contain", "It can contain")
        )
    rewrite = timed_build(reference)
    run_cli(project, "build", "-q")  # translated in full, so the next kills hit the writes
    template.write_text(
        template.read_text(encoding="utf-8").replace("It can contain", "It may contain")
    )
    for share in (0.5, 0.7, 0.85, 0.95):
        kills += kill_during_build(project, rewrite * share)
        assert_consistent(project)
    assert kills >= 6
    final = run_cli(project, "build")
    assert final.returncode == 0, final.stderr
    area = project / "site_src" / "briefings"
    assert [p for p in area.rglob("*") if ".tmp" in p.name] == []  # leftovers cleaned up
    reference_template.write_text(template.read_text(encoding="utf-8"))
    assert run_cli(reference, "build", "-q").returncode == 0
    produced = {p.name: p.read_bytes() for p in area.glob("*.md")}
    expected = {p.name: p.read_bytes() for p in (reference / "site_src" / "briefings").glob("*.md")}
    assert produced == expected


@needs_ntrex
def test_second_build_waits_for_the_first_then_builds(tmp_path: Path) -> None:
    project = ntrex_project(tmp_path)
    first = subprocess.Popen(
        [sys.executable, "-m", "builder", "build", "-q"],
        cwd=project,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
    )
    lock = project / ".briefings-cache" / "build.lock"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (lock.exists() and lock.read_text().strip()):
        time.sleep(0.05)
    second = run_cli(project, "build")
    first.wait(timeout=120)
    assert first.returncode == 0
    assert second.returncode == 0, second.stderr
    assert second.stderr.splitlines()[0] == (
        f"briefings: waiting for another build of this project (process {first.pid}) to "
        "finish (at most 300 s)"
    )
    assert "123 briefings (0 rebuilt)" in second.stderr.splitlines()[-1]


@needs_ntrex
def test_second_build_gives_up_after_lock_wait(tmp_path: Path) -> None:
    project = ntrex_project(tmp_path)
    yml = project / "mkdocs.yml"
    yml.write_text(
        yml.read_text("utf-8").replace("engine: apertium", "engine: apertium\n      lock_wait: 0")
    )
    first = subprocess.Popen(
        [sys.executable, "-m", "builder", "build", "-q"],
        cwd=project,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
    )
    lock = project / ".briefings-cache" / "build.lock"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (lock.exists() and lock.read_text().strip()):
        time.sleep(0.05)
    second = run_cli(project, "build")
    first.wait(timeout=120)
    assert second.returncode == 2
    assert second.stderr == (
        f"briefings: error: another build of this project (process {first.pid}) is still "
        "running after 0 s; wait for it to finish, or stop it, and build again\n"
    )
    assert first.returncode == 0
