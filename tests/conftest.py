"""Shared fixtures: temporary projects built from a dict of seeds, like MkDocs' own tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from builder.config import Settings, load_settings

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

requires_apertium = pytest.mark.skipif(
    shutil.which("apertium") is None
    or not Path("/usr/share/apertium/modes/spa-eng.mode").is_file(),
    reason="Apertium spa-eng is not installed (scripts/setup.sh installs it; CI always has it)",
)

ProjectFactory = Callable[..., Path]


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


def _run_module(project: Path, module: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
        check=False,
    )


def run_cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``briefings`` as a user would, in the project folder."""
    return _run_module(project, "builder", *args)


def run_mkdocs(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A real ``mkdocs build`` of a project."""
    return _run_module(project, "mkdocs", "build", *args)
