"""Golden build: a small fixture tree, built for real, compared with committed Markdown.

After an intended change to the templates or the pipeline, refresh the expected files with

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden.py

and review the diff of tests/fixtures/golden/expected/ before committing it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from builder.build import build
from tests.conftest import ProjectFactory, requires_apertium, settings_for

GOLDEN = Path(__file__).parent / "fixtures" / "golden"
EXPECTED = GOLDEN / "expected"


@requires_apertium
def test_golden_build(make_project: ProjectFactory) -> None:
    seeds = {p.name: p.read_bytes() for p in sorted((GOLDEN / "seeds").iterdir())}
    project = make_project(seeds)
    shutil.copy(GOLDEN / "glossary.yml", project / "glossary.yml")
    report = build(settings_for(project))
    assert report.problems == ()
    area = project / "site_src" / "briefings"
    produced = {p.name: p.read_text(encoding="utf-8") for p in sorted(area.glob("*.md"))}
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(EXPECTED, ignore_errors=True)
        EXPECTED.mkdir(parents=True)
        for name, text in produced.items():
            (EXPECTED / name).write_text(text, encoding="utf-8")
    expected = {p.name: p.read_text(encoding="utf-8") for p in sorted(EXPECTED.glob("*.md"))}
    assert sorted(produced) == sorted(expected)
    for name in expected:
        assert produced[name] == expected[name], f"{name} differs from the golden file"
