"""The command line as a user meets it: one error boundary, conventions of mkdocs and hugo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, ProjectFactory, run_cli

GOOD = "Una nota.\nEl perro come en la casa grande. La casa es muy vieja.\n"


def test_a_closed_pipe_ends_export_quietly(make_project: ProjectFactory) -> None:
    # More output than a pipe holds (64 KB), so that the writer meets the closed pipe.
    project = make_project({f"n{n}.txt": GOOD * 4 for n in range(300)})
    assert run_cli(project, "build", fake=True).returncode == 0
    export = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_run", "builder", "export", "--format", "jsonl"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
    )
    assert export.stdout is not None and export.stderr is not None
    lines = [export.stdout.readline(), export.stdout.readline()]
    export.stdout.close()  # as 'head -2' does
    stderr = export.stderr.read().decode()
    assert export.wait(timeout=120) == 141
    assert all(line.startswith(b'{"seed": ') for line in lines)
    assert stderr == ""


def run_with_closed(project: Path, stream: int, *args: str) -> subprocess.CompletedProcess[str]:
    """``briefings ARGS`` started with the standard stream ``stream`` closed (``>&-``)."""
    return subprocess.run(
        ["sh", "-c", f'"$0" -m tests.fake_run builder "$@" {stream}>&-', sys.executable, *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        check=False,
    )


def test_closed_standard_streams_are_one_line_or_quiet(make_project: ProjectFactory) -> None:
    project = make_project({"a.txt": GOOD})
    export = run_with_closed(project, 1, "export", "--format", "jsonl")
    assert export.returncode == 2
    assert export.stderr == (
        "briefings: error: standard output is closed: give -o FILE to write the export to a file\n"
    )
    written = run_with_closed(project, 1, "export", "-o", "out.jsonl")
    assert written.returncode == 0, written.stderr
    assert (project / "out.jsonl").read_text(encoding="utf-8").startswith('{"seed": ')
    # With standard error closed, messages go nowhere: never into the data on stdout.
    quiet = run_with_closed(project, 2, "export", "--format", "jsonl")
    assert quiet.returncode == 0
    assert all(line.startswith('{"seed": ') for line in quiet.stdout.splitlines())
    (project / "seeds" / "b.txt").write_bytes(b"\xff\xfe broken")
    warned = run_with_closed(project, 2, "export", "--format", "jsonl")
    assert warned.returncode == 1  # the skipped seed still counts
    assert all(line.startswith('{"seed": ') for line in warned.stdout.splitlines())


def test_source_date_epoch_out_of_range_is_one_line(make_project: ProjectFactory) -> None:
    project = make_project({"a.txt": "---\ndate: 2024-01-01\n---\nT\nEl perro.\n"})
    for value in ("99999999999999999999", "-5", "mañana"):
        result = subprocess.run(
            [sys.executable, "-m", "tests.fake_run", "builder", "export", "--format", "tmx"],
            cwd=project,
            capture_output=True,
            text=True,
            env=dict(os.environ, PYTHONPATH=str(REPO), SOURCE_DATE_EPOCH=value),
            check=False,
        )
        assert result.returncode == 2, value
        assert result.stderr.startswith("briefings: error: SOURCE_DATE_EPOCH "), result.stderr
        assert len(result.stderr.splitlines()) == 1


def test_unexpected_failure_is_one_line_and_debug_shows_where(
    make_project: ProjectFactory,
) -> None:
    project = make_project({"a.txt": GOOD})
    (project / "templates" / "briefing.md.j2").write_text("{{ briefing.nonexistent() }}\n")
    result = run_cli(project, "build", fake=True)
    assert result.returncode == 2
    assert result.stderr.startswith("briefings: error: ")
    assert "Traceback" not in result.stderr
    debug = run_cli(project, "build", "--debug", fake=True)
    assert debug.returncode != 0


def test_verbose_and_quiet(make_project: ProjectFactory) -> None:
    project = make_project({"a.txt": GOOD, "b.txt": "---\ncolour: red\n---\nT\nB.\n"})
    quiet = run_cli(project, "build", "-q", fake=True)
    assert quiet.returncode == 0
    assert quiet.stderr.splitlines() == [
        "WARNING: seeds/b.txt:2: unknown front matter key 'colour' ignored "
        "(known: date, source, url, author, tags, encoding, draft)"
    ]
    verbose = run_cli(project, "build", "-v", fake=True)
    assert verbose.returncode == 0
    assert verbose.stderr.splitlines()[-1].startswith("briefings: 2 briefings (0 rebuilt)")
    both = run_cli(project, "build", "-v", "-q", fake=True)
    assert both.returncode == 2 and "not allowed with argument" in both.stderr


def test_help_matches_behaviour(tmp_path: Path) -> None:
    build_help = run_cli(tmp_path, "build", "--help").stdout
    assert "exit with status 1 on warnings too, not only on errors" in build_help
    for flag in ("-v, --verbose", "-q, --quiet", "--debug", "--strict"):
        assert flag in build_help
    main_help = run_cli(tmp_path, "--help").stdout
    assert "1  an ERROR was found, or with --strict a WARNING" in main_help


def test_same_severity_and_exit_status_in_build_check_and_export(
    make_project: ProjectFactory,
) -> None:
    project = make_project({"a.txt": GOOD, "rota.txt": "---\ndate: nunca\n---\nT\nB.\n"})
    expected = "seeds/rota.txt:2: front matter 'date' must be a date like 2024-06-21"
    build_ = run_cli(project, "build", fake=True)
    export = run_cli(project, "export", fake=True)
    check = run_cli(project, "check")
    assert (build_.returncode, export.returncode, check.returncode) == (1, 1, 1)
    assert f"ERROR: {expected}" in build_.stderr.splitlines()
    assert f"ERROR: {expected}" in export.stderr.splitlines()
    assert f"{expected} (error)" in check.stdout.splitlines()
    mkdocs = subprocess.run(
        [sys.executable, "-m", "tests.fake_run", "mkdocs", "build"],
        cwd=project,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(REPO), NO_MKDOCS_2_WARNING="1"),
        check=False,
    )
    assert f"ERROR   -  briefings: {expected.replace('seeds/', str(project / 'seeds') + '/')}" in (
        mkdocs.stderr
    )


def test_an_option_mkdocs_does_not_know_is_a_warning_of_every_command(
    make_project: ProjectFactory,
) -> None:
    """A typo of an option ('seed_dir:') is what 'mkdocs build' warns about; the command
    line says it too, and --strict fails on it, in every command."""
    project = make_project({"a.txt": GOOD})
    yml = project / "mkdocs.yml"
    yml.write_text(
        yml.read_text("utf-8").replace("engine: apertium", "engine: apertium\n      seed_dir: x"),
        encoding="utf-8",
    )
    warning = (
        "WARNING: mkdocs.yml: Config value 'plugins': Plugin 'briefings' option 'seed_dir': "
        "Unrecognised configuration name: seed_dir"
    )
    for command in (["build"], ["check"], ["export"], ["status"], ["review", "a.txt"]):
        plain = run_cli(project, *command, "-q", fake=True)
        assert plain.returncode == 0, (command, plain.stderr)
        assert plain.stderr.splitlines() == [warning], command
        strict = run_cli(project, *command, "-q", "--strict", fake=True)
        assert strict.returncode == 1, command


def test_several_configuration_errors_are_shown_one_a_line(make_project: ProjectFactory) -> None:
    project = make_project({"a.txt": GOOD})
    yml = project / "mkdocs.yml"
    yml.write_text(
        yml.read_text("utf-8").replace(
            "engine: apertium", "engine: apertium\n      jobs: -3\n      timeout: 0"
        ),
        encoding="utf-8",
    )
    result = run_cli(project, "build", fake=True)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith("briefings: error: ")
    assert "\\x0a" not in result.stderr
    assert any("'jobs'" in line for line in lines) and any("'timeout'" in line for line in lines)
