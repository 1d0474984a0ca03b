"""Online engines through deep-translator, over real HTTP to a LibreTranslate-compatible
server on 127.0.0.1: packing, retries with back-off, time-outs, dropped connections, error
text never taken for a translation, missing keys and a missing package."""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from builder.build import build
from builder.engines import create_engine
from builder.engines.online import PROVIDERS, OnlineEngine, pack
from builder.errors import EngineError, EngineUnavailable
from builder.model import Translation
from tests.conftest import REPO, ProjectFactory, run_cli, settings_for
from tests.libre_server import LibreServer

SEEDS = {
    "a.txt": "Primera nota.\nEl perro come. La casa es grande.\n",
    "b.txt": "Segunda nota.\nLa ciudad celebra una fiesta.\n",
}


@pytest.fixture
def libre() -> Iterator[LibreServer]:
    with LibreServer() as server:
        yield server


def engine_named(name: str) -> object:
    """An engine as a project with default settings would create it."""
    return create_engine(
        name,
        apertium_pair="spa-eng",
        timeout=120,
        jobs=1,
        libre_url=None,
        request_timeout=30,
        retry_seconds=60,
    )


def engine_for(server: LibreServer, **kwargs: float) -> OnlineEngine:
    options = {"request_timeout": 2.0, "retry_seconds": 5.0, "backoff": 0.1, **kwargs}
    return OnlineEngine(PROVIDERS["libre"], url=server.url, **options)


def libre_project(make_project: ProjectFactory, server: LibreServer, **options: str) -> Path:
    yml = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    extra = "".join(f"\n      {k}: {v}" for k, v in options.items())
    yml = yml.replace("engine: apertium", f"engine: libre\n      libre_url: {server.url}{extra}")
    return make_project(SEEDS, mkdocs_yml=yml)


def test_translates_over_http(libre: LibreServer) -> None:
    engine = engine_for(libre)
    engine.check()
    assert engine.translate(["Hola.", "Adiós."]) == [
        Translation("[en] Hola."),
        Translation("[en] Adiós."),
    ]
    assert libre.requests == ["Hola.\nAdiós."]  # one request for both
    assert engine.info.label == f"LibreTranslate ({libre.url})"
    assert engine.info.version.startswith("deep-translator 1.")


def test_requests_stay_under_the_provider_limit() -> None:
    texts = [f"Frase número {n} con algo de texto." for n in range(400)]
    groups = pack(texts, 4500)
    assert [t for g in groups for t in g] == texts
    assert all(len("\n".join(g)) <= 4500 for g in groups)
    assert len(groups) == 4


def test_retries_429_and_500_with_backoff(libre: LibreServer) -> None:
    libre.script.extend(["429", "500", "429"])
    started = time.monotonic()
    result = engine_for(libre, backoff=0.2).translate(["Hola."])
    elapsed = time.monotonic() - started
    assert result == [Translation("[en] Hola.")]
    assert len(libre.requests) == 4
    assert elapsed >= 0.2 + 0.4 + 0.8  # exponential back-off


def test_dropped_connection_is_retried(libre: LibreServer) -> None:
    libre.script.extend(["drop", "drop"])
    assert engine_for(libre).translate(["Hola."]) == [Translation("[en] Hola.")]
    assert len(libre.requests) == 3


def test_slow_answer_times_out_retries_then_gives_up(libre: LibreServer) -> None:
    libre.script.extend(["slow:3"] * 10)
    engine = engine_for(libre, request_timeout=0.5, retry_seconds=1.5, backoff=0.2)
    started = time.monotonic()
    with pytest.raises(
        EngineError,
        match=r"LibreTranslate \(.*\) failed \d times in 2 s, last: no answer within 0 s",
    ):
        engine.translate(["Hola."])
    assert time.monotonic() - started < 3.0  # bounded total time


def test_slow_answer_within_time_is_accepted(libre: LibreServer) -> None:
    libre.script.append("slow:0.3")
    assert engine_for(libre).translate(["Hola."]) == [Translation("[en] Hola.")]


def test_error_text_is_never_a_translation(libre: LibreServer) -> None:
    libre.script.append("error-200")
    with pytest.raises(EngineError, match=r"LibreTranslate .* failed: KeyError"):
        engine_for(libre).translate(["Hola."])


def test_merged_lines_fall_back_to_one_request_per_sentence(libre: LibreServer) -> None:
    libre.script.append("merge")
    result = engine_for(libre).translate(["Uno.", "Dos."])
    assert result == [Translation("[en] Uno."), Translation("[en] Dos.")]
    assert libre.requests == ["Uno.\nDos.", "Uno.", "Dos."]


def test_mymemory_warning_is_refused() -> None:
    engine = OnlineEngine(PROVIDERS["mymemory"], url=None, request_timeout=30, retry_seconds=60)
    with pytest.raises(EngineError, match="MyMemory answered with an error"):
        engine._accept("MYMEMORY WARNING: YOU USED ALL AVAILABLE FREE TRANSLATIONS FOR TODAY")


def test_build_with_libre_engine(make_project: ProjectFactory, libre: LibreServer) -> None:
    project = libre_project(make_project, libre)
    report = build(settings_for(project))
    assert report.problems == ()
    page = (project / "site_src" / "briefings" / "a.md").read_text(encoding="utf-8")
    assert '<p class="bf-title-en" lang="en">[en] Primera nota.</p>' in page
    assert "[en] El perro come." in page and "[en] La casa es grande." in page
    assert f"machine translation by LibreTranslate ({libre.url})" in page


def test_build_failure_names_engine_and_seed_and_caches_nothing(
    make_project: ProjectFactory, libre: LibreServer
) -> None:
    project = libre_project(make_project, libre, retry_seconds="1", request_timeout="1")
    libre.script.extend(["500"] * 50)
    report = build(settings_for(project))
    assert report.skipped == 2
    for problem in report.problems:
        assert problem.path.name in SEEDS
        assert problem.message.startswith(f"not translated by LibreTranslate ({libre.url})")
        assert "server error ERR_INTERNAL_SERVER_ERROR" in problem.message
    with sqlite3.connect(project / ".briefings-cache" / "translations.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM translation").fetchone()[0] == 0
    libre.script.clear()
    again = build(settings_for(project))
    assert again.problems == ()


def test_an_answer_far_longer_than_its_segment_costs_that_seed_only(
    make_project: ProjectFactory, libre: LibreServer
) -> None:
    project = libre_project(make_project, libre)
    libre.bloat = "fiesta"  # 100,000 characters for one sentence of b.txt
    report = build(settings_for(project))
    assert report.skipped == 1
    [problem] = report.problems
    assert problem.path.name == "b.txt"
    assert "returned 99,999 characters for a segment of 29" in problem.message
    area = project / "site_src" / "briefings"
    assert (area / "a.md").is_file() and not (area / "b.md").exists()
    assert max(path.stat().st_size for path in area.rglob("*")) < 50_000
    libre.bloat = ""
    assert build(settings_for(project)).problems == ()
    assert "[en] La ciudad celebra una fiesta." in (area / "b.md").read_text(encoding="utf-8")


def test_cli_engine_flag_overrides_config(make_project: ProjectFactory, libre: LibreServer) -> None:
    yml = (
        (REPO / "mkdocs.yml")
        .read_text(encoding="utf-8")
        .replace("engine: apertium", f"engine: apertium\n      libre_url: {libre.url}")
    )
    project = make_project(SEEDS, mkdocs_yml=yml)
    result = run_cli(project, "export", "--engine", "libre")
    assert result.returncode == 0, result.stderr
    assert '"en": "[en] Primera nota."' in result.stdout
    assert '"engine": "libre"' in result.stdout


@pytest.mark.parametrize(
    ("name", "variable"),
    [("deepl", "DEEPL_API_KEY"), ("microsoft", "MICROSOFT_API_KEY")],
)
def test_missing_key_is_reported_before_work(
    monkeypatch: pytest.MonkeyPatch, name: str, variable: str
) -> None:
    monkeypatch.delenv(variable, raising=False)
    engine = engine_named(name)
    with pytest.raises(
        EngineUnavailable, match=f"needs an API key: set the environment variable {variable}"
    ):
        engine.check()  # type: ignore[attr-defined]


def test_libre_without_url_or_key_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIBRE_API_KEY", raising=False)
    with pytest.raises(EngineUnavailable, match="LibreTranslate needs the address of a server"):
        engine_named("libre").check()  # type: ignore[attr-defined]


def test_missing_deep_translator_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes the import fail, as on a machine without the package.
    monkeypatch.setitem(sys.modules, "deep_translator", None)
    with pytest.raises(
        EngineUnavailable, match="needs the deep-translator package: run 'pip install"
    ):
        engine_named("google").check()  # type: ignore[attr-defined]


def test_deep_translator_is_imported_lazily() -> None:
    import subprocess

    code = (
        "import sys, builder.build, builder.engines.online; print('deep_translator' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
