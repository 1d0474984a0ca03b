"""The Apertium engine, run for real."""

from __future__ import annotations

import sys

import pytest

from builder.engines.apertium import ApertiumEngine, read_marks, split_evenly
from builder.engines.process import run_streaming
from builder.errors import EngineError
from builder.model import Translation
from tests.conftest import requires_apertium

SENTENCES = [
    "El Sr. García llegó a EE. UU. el lunes.",
    "Recibió una recepción entusiasta en Pionyang esta semana.",
    "—",
    "¿Vendrás?",
    "La OTAN y la ONU firmaron el acuerdo.",
    "Los muppets de Twp y Pwp.",
    "Escribe a info@ejemplo.es o visita https://ejemplo.es/a?b=1.",
]


@requires_apertium
def test_batch_translates_each_segment_as_if_alone() -> None:
    engine = ApertiumEngine(pair="spa-eng", timeout=120, jobs=1)
    batch = engine.translate(SENTENCES)
    alone = [engine.translate([s])[0] for s in SENTENCES]
    assert batch == alone
    assert len(batch) == len(SENTENCES)
    assert batch[1].text == "It received an enthusiastic reception in Pionyang this week."
    assert batch[4].text == "The NATO and the UN signed the agreement."


@requires_apertium
def test_parallel_jobs_give_identical_output() -> None:
    texts = [f"{s} Número {n}." for n in range(600) for s in SENTENCES[:2]]
    one = ApertiumEngine(pair="spa-eng", timeout=120, jobs=1).translate(texts)
    progress: list[int] = []
    two = ApertiumEngine(pair="spa-eng", timeout=120, jobs=2).translate(
        texts, progress=progress.append
    )
    assert one == two
    assert sum(progress) == len(texts)


@requires_apertium
def test_unknown_words_are_listed_and_unmarked() -> None:
    result = ApertiumEngine(pair="spa-eng", timeout=120, jobs=1).translate(
        ["Los muppets de Twp y Pwp."]
    )[0]
    assert result == Translation("The muppets of Twp and Pwp.", ("muppets", "Twp", "Pwp"))


@requires_apertium
def test_info_names_engine_and_data_version() -> None:
    info = ApertiumEngine(pair="spa-eng", timeout=120, jobs=1).info
    assert info.name == "apertium"
    assert info.label == "Apertium (spa-eng)"
    assert info.version.startswith("Apertium 3.")
    assert "; data " in info.version


@requires_apertium  # the pair is checked once the apertium command is found
def test_missing_pair_is_reported_before_work() -> None:
    engine = ApertiumEngine(pair="xxx-yyy", timeout=120, jobs=1)
    with pytest.raises(EngineError, match="has no 'xxx-yyy' language pair"):
        engine.check()


@pytest.mark.parametrize(
    ("source", "output", "expected"),
    [
        ("Los muppets.", "The *muppets.", Translation("The muppets.", ("muppets",))),
        ("*Nota: 5 * 3.", "*Note: 5 * 3.", Translation("*Note: 5 * 3.")),
        ("usa #MeToo hoy", "uses #*MeToo today", Translation("uses #MeToo today", ("MeToo",))),
        ("sígueme en @usuario", "follow me in @user", Translation("follow me in @user")),
        ("vino ayer", "#come yesterday", Translation("come yesterday", ("come",))),
        ("dijo algo", "@said something", Translation("said something", ("said",))),
    ],
)
def test_read_marks(source: str, output: str, expected: Translation) -> None:
    assert read_marks(source, output) == expected


@requires_apertium
@pytest.mark.parametrize(
    ("source", "english"),
    [
        ("Palu es la capital.", "Palu is the capital."),
        ("Kit Harington es famoso.", "Kit Harington is famous."),
        ("recuperarlo es un deber.", "recover it is a duty."),
        ("El perro come.", "The dog eats."),
    ],
)
def test_capitals_follow_the_source(source: str, english: str) -> None:
    assert (
        ApertiumEngine(pair="spa-eng", timeout=120, jobs=1).translate([source])[0].text == english
    )


def test_split_evenly_keeps_order_and_balance() -> None:
    texts = [f"{n:05d}" * 40 for n in range(1000)]
    parts = split_evenly(texts, 2)
    assert [t for part in parts for t in part] == texts
    assert len(parts) == 2
    assert abs(len(parts[0]) - len(parts[1])) <= 1


def test_hanging_engine_process_is_killed_on_timeout() -> None:
    # A real process that never answers: the fault an engine that hangs produces.
    hang = [sys.executable, "-c", "import time; time.sleep(60)"]
    with pytest.raises(EngineError, match="gave no complete answer within 1 s"):
        run_streaming(hang, "hola", timeout=1)


def test_failing_engine_process_reports_status_and_stderr() -> None:
    fail = [sys.executable, "-c", "import sys; sys.stderr.write('boom\\n'); sys.exit(3)"]
    with pytest.raises(EngineError, match="failed with exit status 3: boom"):
        run_streaming(fail, "hola", timeout=10)


def test_streaming_sees_output_as_it_comes() -> None:
    echo = [sys.executable, "-c", "import sys; sys.stdout.write(sys.stdin.read().upper())"]
    pieces: list[str] = []
    assert run_streaming(echo, "año\n", timeout=10, on_output=pieces.append) == "AÑO\n"
    assert "".join(pieces) == "AÑO\n"
