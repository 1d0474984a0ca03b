"""The package as users install it: a wheel in a fresh virtual environment, used from a
folder that has no source tree in it.

The wheel's dependencies come from PyPI (pip's cache makes later runs quick). The site is
translated by the LibreTranslate engine against the test server on 127.0.0.1, so this test
needs no Apertium and runs wherever the tests run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO, write_project
from tests.libre_server import LibreServer

SEED = "---\ndate: 2024-06-21\ntags: [Prueba]\n---\nUna nota.\nEl perro come en la casa.\n"


def run(argv: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        argv,
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**clean, "NO_MKDOCS_2_WARNING": "1", **env},
        timeout=900,
        check=False,
    )


def test_wheel_installs_and_builds_a_site_from_elsewhere(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    made = run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(wheels),
            str(REPO),
        ],
        cwd=tmp_path,
    )
    assert made.returncode == 0, made.stderr
    (wheel,) = wheels.glob("briefings_builder-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "builder/engines/apertium_mode.py" in names  # every subpackage is in
    assert not any(name.startswith(("tests/", "bench/")) for name in names)

    venv = tmp_path / "venv"
    assert run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path).returncode == 0
    pip = run(
        [str(venv / "bin/python"), "-m", "pip", "install", "--quiet", str(wheel)], cwd=tmp_path
    )
    assert pip.returncode == 0, pip.stderr

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    help_ = run([str(venv / "bin/briefings"), "--help"], cwd=elsewhere)
    assert help_.returncode == 0, help_.stderr
    assert "exit status" in help_.stdout
    where = run(
        [str(venv / "bin/python"), "-c", "import builder; print(builder.__file__)"], cwd=elsewhere
    )
    assert where.stdout.startswith(str(venv)), where.stdout

    with LibreServer() as server:
        yml = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
        yml = yml.replace("engine: apertium", f"engine: libre\n      libre_url: {server.url}")
        project = write_project(tmp_path / "site-project", {"nota.txt": SEED}, mkdocs_yml=yml)
        site = run([str(venv / "bin/mkdocs"), "build", "--strict"], cwd=project)
        assert site.returncode == 0, site.stderr
        page = (project / "site" / "briefings" / "nota" / "index.html").read_text("utf-8")
        assert "[en] El perro come en la casa." in page
        check = run([str(venv / "bin/briefings"), "check"], cwd=project)
        assert check.returncode == 0, check.stdout + check.stderr
