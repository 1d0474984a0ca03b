"""Shared fixtures: temporary projects built from a dict of seeds, like MkDocs' own tests."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest

from builder.config import Settings, load_settings
from builder.engines import Progress
from builder.errors import EngineError
from builder.model import EngineInfo, Translation

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

# A shell that starts pytest in the background (nohup, '&' in a script) leaves SIGINT ignored,
# and children inherit that: the 'mkdocs serve' processes the tests stop with SIGINT (Ctrl-C)
# would ignore it. A Python handler is reset to the default across exec, so they stop on it.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

requires_apertium = pytest.mark.skipif(
    shutil.which("apertium") is None
    or not Path("/usr/share/apertium/modes/spa-eng.mode").is_file(),
    reason="Apertium spa-eng is not installed (scripts/setup.sh installs it; CI always has it)",
)

ProjectFactory = Callable[..., Path]

# The fake engine's dictionary: enough Spanish for the tests' seeds to read as English.
FAKE_WORDS = {
    "el": "the", "la": "the", "los": "the", "las": "the", "un": "a", "una": "a",
    "de": "of", "del": "of the", "en": "in", "y": "and", "a": "to", "con": "with",
    "es": "is", "son": "are", "muy": "very", "no": "not", "por": "by", "para": "for",
    "perro": "dog", "gato": "cat", "come": "eats", "casa": "house", "grande": "big",
    "vieja": "old", "ciudad": "city", "celebra": "celebrates", "fiesta": "party",
    "niños": "children", "cantan": "sing", "plaza": "square", "mañana": "tomorrow",
    "lloverá": "it will rain", "costa": "coast", "norte": "north", "hace": "it is",
    "sol": "sunny", "nota": "note", "frase": "sentence", "nueva": "new", "título": "title",
    "primer": "first", "primera": "first", "segunda": "second", "tercera": "third",
    "otra": "another", "texto": "text", "párrafo": "paragraph", "lunes": "Monday",
    "visita": "visits", "corea": "Korea", "acuerdo": "agreement", "firmaron": "signed",
}  # fmt: skip
_FAKE_TOKEN = re.compile(r"\w+|\W+")


class FakeEngine:
    """Test double for Apertium, so that orchestration, manifest, fault and plugin tests run
    without it: a word-for-word dictionary. Words it does not know are copied and reported
    as unknown, as Apertium does; placeholders and numbers pass through. ``fail_on``: a
    segment containing that text makes the whole batch fail as an engine that stopped
    reading would (a fault to isolate); ``calls`` records every batch."""

    batch_chars = 10_000

    def __init__(self, *, fail_on: str | None = None, version: str = "1") -> None:
        self.info = EngineInfo("fake", "Fake engine (tests)", version)
        self.fail_on = fail_on
        self.calls: list[list[str]] = []

    def check(self) -> None:
        pass

    def translate(
        self, texts: Sequence[str], progress: Progress | None = None
    ) -> list[Translation]:
        self.calls.append(list(texts))
        if self.fail_on is not None and any(self.fail_on in text for text in texts):
            raise EngineError("the fake engine stopped reading", isolatable=True)
        results = [fake_translation(text) for text in texts]
        if progress is not None:
            progress(len(texts))
        return results


def fake_translation(text: str) -> Translation:
    """What :class:`FakeEngine` answers for ``text``."""
    words: list[str] = []
    unknown: list[str] = []
    for token in _FAKE_TOKEN.findall(text):
        english = FAKE_WORDS.get(token.lower())
        if not token[0].isalnum() or token.isdigit() or token.startswith("ZXQ"):
            words.append(token)
        elif english is None:
            words.append(token)
            unknown.append(token)
        else:
            words.append(english[0].upper() + english[1:] if token[0].isupper() else english)
    return Translation("".join(words), tuple(unknown))


def write_project(
    root: Path,
    seeds: Mapping[str, str | bytes],
    *,
    mkdocs_yml: str | None = None,
) -> Path:
    """A copy of this project's site skeleton with the given seeds."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(
        REPO / "site_src", root / "site_src", ignore=shutil.ignore_patterns("briefings")
    )
    (root / "mkdocs.yml").write_text(
        mkdocs_yml or (REPO / "mkdocs.yml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    seeds_dir = root / "seeds"
    seeds_dir.mkdir()
    for name, content in seeds.items():
        path = seeds_dir / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def make_project(tmp_path: Path) -> ProjectFactory:
    counter = iter(range(1000))

    def factory(seeds: Mapping[str, str | bytes], **kwargs: str) -> Path:
        return write_project(tmp_path / f"project{next(counter)}", seeds, **kwargs)

    return factory


def settings_for(project: Path) -> Settings:
    return load_settings(project / "mkdocs.yml")


def _run_module(
    project: Path, module: str, *args: str, fake: bool = False
) -> subprocess.CompletedProcess[str]:
    prefix = ["-m", "tests.fake_run", module] if fake else ["-m", module]
    return subprocess.run(
        [sys.executable, *prefix, *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(REPO)),
        check=False,
    )


def run_cli(project: Path, *args: str, fake: bool = False) -> subprocess.CompletedProcess[str]:
    """Run ``briefings`` as a user would, in the project folder (with the fake engine in
    place of Apertium when ``fake``)."""
    return _run_module(project, "builder", *args, fake=fake)


def run_mkdocs(project: Path, *args: str, fake: bool = False) -> subprocess.CompletedProcess[str]:
    """A real ``mkdocs build`` of a project (with the fake engine when ``fake``)."""
    return _run_module(project, "mkdocs", "build", *args, fake=fake)
