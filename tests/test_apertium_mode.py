"""Apertium's mode run directly, cut at its lookup programs: the same bytes as ``apertium``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.engines.apertium import MODES_DIR
from builder.engines.apertium_mode import Lookup, ModeRunner, Pipe, plan, read_mode
from builder.errors import EngineError
from tests.conftest import SHARED, requires_apertium

MODE = MODES_DIR / "spa-eng.mode"
NTREX = SHARED / "bench-data" / "make_seeds.py"


def apertium_txt(text: str) -> str:
    """What the real ``apertium`` script prints for ``text``."""
    return subprocess.run(
        ["apertium", "-f", "txt", "spa-eng"],
        input=text.encode(),
        capture_output=True,
        check=True,
        env={"LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"},
    ).stdout.decode()


def test_mode_file_is_read_with_the_apertium_scripts_arguments(tmp_path: Path) -> None:
    mode = tmp_path / "x-y.mode"
    mode.write_text(
        "lt-proc 'a b/x.automorf.bin' | apertium-tagger -g $2 '/d/x.prob' | "
        "lt-proc -b '/d/x.autobil.bin' | apertium-transfer -b /d/t1x /d/t1x.bin | "
        "lt-proc $1 '/d/x.autogen.bin' | lt-proc -p /d/x.autopgen.bin\n",
        encoding="utf-8",
    )
    commands = read_mode(mode)
    assert commands == [
        ("lt-proc", "a b/x.automorf.bin"),
        ("apertium-tagger", "-g", "/d/x.prob"),
        ("lt-proc", "-b", "/d/x.autobil.bin"),
        ("apertium-transfer", "-b", "/d/t1x", "/d/t1x.bin"),
        ("lt-proc", "-g", "/d/x.autogen.bin"),
        ("lt-proc", "-p", "/d/x.autopgen.bin"),
    ]
    phases = plan(commands)
    assert [type(phase).__name__ for phase in phases] == [
        "Pipe",
        "Lookup",
        "Pipe",
        "Lookup",
        "Pipe",
    ]
    first, last = phases[0], phases[-1]
    assert isinstance(first, Pipe) and isinstance(last, Pipe)
    assert first.commands[0] == ("apertium-destxt",)
    assert last.commands[-1] == ("apertium-retxt",)
    assert first.shell() == (
        "apertium-destxt | lt-proc 'a b/x.automorf.bin' | apertium-tagger -g /d/x.prob"
    )


def test_unreadable_or_broken_mode_is_an_engine_error(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="cannot read Apertium mode"):
        read_mode(tmp_path / "missing.mode")
    broken = tmp_path / "broken.mode"
    broken.write_text("lt-proc x | | lt-proc -p y\n", encoding="utf-8")
    with pytest.raises(EngineError, match="has an empty step"):
        read_mode(broken)


@requires_apertium
def test_lookup_that_loses_a_line_is_refused() -> None:
    runner = ModeRunner(MODE, lookup_min_chars=0)
    # A real program that drops its first line stands in for a lookup gone wrong.
    runner.phases[1] = Lookup(("sed", "1d"))
    with pytest.raises(EngineError, match=r"Apertium's sed 1d gave \d+ answers for \d+ words"):
        runner.run("El perro come en la casa.\n", timeout=30)


@requires_apertium
def test_cut_and_whole_pipelines_print_what_apertium_prints() -> None:
    text = (
        "El Sr. García llegó a EE. UU. el lunes.\n\nLa OTAN y la ONU firmaron el acuerdo.\n\n"
        "Cláusula V de NATO: ^$[x]\\ {y} <z> /w @h #t ~n *m.\n\nEl perro de San Roque no "
        "tiene rabo.\n"
    )
    expected = apertium_txt(text)
    cut = ModeRunner(MODE, lookup_min_chars=0)
    assert cut.run(text, timeout=30) == expected
    assert ModeRunner(MODE).run(text, timeout=30) == expected
    # Everything is remembered: the same text again needs no lookup, and gives the same.
    sizes = [len(phase.known) for phase in cut.phases if isinstance(phase, Lookup)]
    assert all(size > 10 for size in sizes)
    assert cut.run(text, timeout=30) == expected
    assert [len(phase.known) for phase in cut.phases if isinstance(phase, Lookup)] == sizes


PIECES = [
    "El perro come en la casa grande.",
    "Los muppets de Twp y Pwp.",
    "—¿Vendrás mañana?",
    "a pesar de que",
    "12,5 km/h",
    "info@ejemplo.es",
    "https://ejemplo.es/a?b=1",
    "EE. UU.",
    "el 1.º de mayo",
    "«citas» y “comillas”",
]
SPECIAL = [*"^$[]\\/{}<>@#~*+|=", "\\^", "[[", "]]", "^$", "<b>", "'"]


@requires_apertium
@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.lists(
        st.lists(
            st.sampled_from(PIECES) | st.sampled_from(SPECIAL) | st.text(max_size=8), max_size=6
        )
        .map(" ".join)
        .map(lambda s: " ".join(s.split())),
        min_size=1,
        max_size=12,
    )
)
def test_cut_pipeline_matches_apertium_on_generated_text(segments: list[str]) -> None:
    text = "\n\n".join(segments) + "\n"
    assert ModeRunner(MODE, lookup_min_chars=0).run(text, timeout=60) == apertium_txt(text)


@requires_apertium
@pytest.mark.skipif(not NTREX.is_file(), reason="../shared/bench-data is not beside the checkout")
def test_cut_pipeline_matches_apertium_on_ntrex(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(NTREX), str(tmp_path / "seeds"), str(tmp_path / "refs")],
        check=True,
        capture_output=True,
    )
    lines = [
        line.strip()
        for seed in sorted((tmp_path / "seeds").glob("*.txt"))
        for line in seed.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    text = "\n\n".join(lines) + "\n"
    assert len(text) > 200_000
    runner = ModeRunner(MODE)
    assert runner.run(text, timeout=300) == apertium_txt(text)
    # News repeats its words: far fewer lookups than words.
    known = [len(phase.known) for phase in runner.phases if isinstance(phase, Lookup)]
    assert 0 < max(known) < len(text.split()) / 3
