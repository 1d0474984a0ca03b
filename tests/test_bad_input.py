"""The bad-input corpus: every kind of broken, odd or hostile seed, with its exact outcome.

All of them go into one seeds folder next to a good seed and are built together: each bad
one is reported (file, line, message) and skipped, each odd one is built, and the good one
is built whatever the others contain.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

import pytest

from builder.build import build
from builder.segment import MAX_SEGMENT_CHARS
from tests.conftest import FakeEngine, ProjectFactory, run_cli, settings_for

GOOD = "Una nota buena.\nEl perro come en la casa grande.\n"
RUN_ON = "una frase sin fin, " * 3500  # about 66,000 characters on one line


@dataclass(frozen=True)
class Case:
    name: str
    content: bytes
    problem: str | None  # the exact "file:line: message" tail, or None when it builds
    severity: str = "error"


CASES = [
    Case(
        "empty.txt", b"", "empty.txt: is empty: write the title on the first line, then paragraphs"
    ),
    Case(
        "blank.txt",
        b"  \n\t\n \r\n",
        "blank.txt: is empty: write the title on the first line, then paragraphs",
    ),
    Case(
        "title-only.txt",
        "\nSólo título\n".encode(),
        "title-only.txt:2: has a title but no paragraphs",
    ),
    Case(
        "binary.txt",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "binary.txt: looks binary (NUL byte at offset 8); seeds are text files",
    ),
    Case(
        "nul.txt",
        b"Titulo\nHola\x00mundo.\n",
        "nul.txt: looks binary (NUL byte at offset 11); seeds are text files",
    ),
    Case(
        "latin1.txt",
        b"T\xedtulo\nP\xe1rrafo.\n",
        "latin1.txt:1: is not valid UTF-8 (byte offset 1): it looks like Latin-1: save it as "
        "UTF-8, or declare 'encoding: latin-1' in the front matter",
    ),
    Case(
        "latin1-bad-late.txt",
        "Título\nUno.\nDos.\n".encode() + b"Tr\xe9s.\n",
        "latin1-bad-late.txt:4: is not valid UTF-8 (byte offset 20): it looks like Latin-1: "
        "save it as UTF-8, or declare 'encoding: latin-1' in the front matter",
    ),
    Case("latin1-declared.txt", b"---\nencoding: latin-1\n---\nT\xedtulo\nP\xe1rrafo.\n", None),
    Case(
        "unknown-encoding.txt",
        b"---\ndate: 2024-01-01\nencoding: klingon\n---\nT\nB.\n",
        "unknown-encoding.txt:3: front matter 'encoding' names an unknown encoding 'klingon'",
    ),
    Case("utf16.txt", "Título UTF-16\nTexto.\n".encode("utf-16"), None),
    Case("utf16-be.txt", codecs.BOM_UTF16_BE + "Título BE\nTexto.\n".encode("utf-16-be"), None),
    Case("bom-crlf.txt", "\ufeffTítulo BOM\r\nTexto uno.\r\n\r\nTexto dos.\r\n".encode(), None),
    Case(
        "unterminated.txt",
        b"---\ndate: 2024-01-01\nTitulo\nTexto.\n",
        "unterminated.txt:1: front matter starts with '---' but never ends with '---'",
    ),
    Case(
        "bad-yaml.txt",
        b"---\nsource: [a, b\n---\nT\nB.\n",
        "bad-yaml.txt:2: front matter is not valid YAML: a '[' list is never closed with ']'",
    ),
    Case(
        "yaml-list.txt",
        b"---\n- a\n---\nT\nB.\n",
        "yaml-list.txt:2: front matter must be 'key: value' lines",
    ),
    Case(
        "bad-date.txt",
        b"---\nsource: x\ndate: 31/02/2024\n---\nT\nB.\n",
        "bad-date.txt:3: front matter 'date' must be a date like 2024-06-21",
    ),
    Case(
        "js-url.txt",
        b"---\nurl: javascript:alert(1)\n---\nT\nB.\n",
        "js-url.txt:2: front matter 'url' must be an http:// or https:// address",
    ),
    Case(
        "source-map.txt",
        b"---\nsource: {a: 1}\n---\nT\nB.\n",
        "source-map.txt:2: front matter 'source' must be a single line of text",
    ),
    Case(
        "unknown-key.txt",
        b"---\nlayout: home\n---\nT con clave rara.\nB.\n",
        "unknown-key.txt:2: unknown front matter key 'layout' ignored "
        "(known: date, source, url, author, tags, encoding, draft)",
        severity="warning",
    ),
    Case(
        "control-chars.txt",
        "Tí\x1b[31mtulo\x07\nTexto\x0c con \x7fcontrol.\n".encode(),
        "control-chars.txt:1: 4 characters that cannot be shown (U+001B, U+0007, U+000C, "
        "U+007F) replaced by spaces",
        severity="warning",
    ),
    Case("run-on.txt", ("Párrafo sin fin\n" + RUN_ON + "\n").encode(), None),
    Case("same title a.txt", "El mismo título.\nPrimero.\n".encode(), None),
    Case("same title b.txt", "El mismo título.\nSegundo.\n".encode(), None),
    Case("$(rm -rf ~) `x` & y;.txt", b"Nombre hostil.\nTexto.\n", None),
    Case("Niño España.txt", b"Nombre no ASCII.\nTexto.\n", None),
]


@pytest.fixture(scope="module")
def corpus_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    from tests.conftest import write_project

    root = tmp_path_factory.mktemp("bad")
    seeds: dict[str, str | bytes] = {"good.txt": GOOD}
    seeds.update({case.name: case.content for case in CASES})
    project = write_project(root / "project", seeds)
    (root / "outside.txt").write_text("Fuera.\nSecreto.\n", encoding="utf-8")
    (project / "seeds" / "link-outside.txt").symlink_to(root / "outside.txt")
    return project, build(settings_for(project), engine=FakeEngine())


def test_corpus_size() -> None:
    assert len(CASES) + 1 >= 25  # plus the symlink made in the fixture


def test_every_problem_is_reported_exactly(corpus_build: tuple[Path, object]) -> None:
    project, report = corpus_build
    seeds = project / "seeds"
    reported = sorted(
        (str(p).removeprefix(f"{seeds}/"), p.severity)
        for p in report.problems  # type: ignore[attr-defined]
    )
    expected = sorted(
        [(case.problem, case.severity) for case in CASES if case.problem]
        + [("link-outside.txt: is a link to a file outside the seeds folder; refused", "error")]
    )
    assert reported == expected


def test_odd_but_valid_seeds_are_built_with_safe_urls(corpus_build: tuple[Path, object]) -> None:
    project, report = corpus_build
    area = project / "site_src" / "briefings"
    pages = sorted(p.name for p in area.glob("*.md"))
    assert pages == [
        "bom-crlf.md",
        "control-chars.md",
        "editors.md",
        "good.md",
        "index.md",
        "latin1-declared.md",
        "nino-espana.md",
        "rm-rf-x-y.md",
        "run-on.md",
        "same-title-a.md",
        "same-title-b.md",
        "unknown-key.md",
        "utf16-be.md",
        "utf16.md",
    ]
    assert report.skipped == 15  # type: ignore[attr-defined]
    latin1 = (area / "latin1-declared.md").read_text(encoding="utf-8")
    assert '<h1 class="bf-title" lang="es">Título</h1>' in latin1
    control = (area / "control-chars.md").read_text(encoding="utf-8")
    assert '<h1 class="bf-title" lang="es">Tí [31mtulo</h1>' in control


def test_run_on_paragraph_is_translated_in_bounded_pieces(
    corpus_build: tuple[Path, object],
) -> None:
    project, _ = corpus_build
    page = (project / "site_src" / "briefings" / "run-on.md").read_text(encoding="utf-8")
    rows = page.count('<div class="bf-pair"')
    assert rows >= len(RUN_ON) // MAX_SEGMENT_CHARS
    assert "una frase sin fin," in page and "a sentence" in page


def test_strict_cli_exit_status_counts_skipped(corpus_build: tuple[Path, object]) -> None:
    project, _ = corpus_build
    result = run_cli(project, "build", "--strict", fake=True)
    assert result.returncode == 1
    assert "15 seeds skipped, 15 errors, 2 warnings" in result.stderr.splitlines()[-1]


def test_large_file_builds_with_bounded_memory(make_project: ProjectFactory) -> None:
    paragraph = (
        "El Gobierno anunció el martes un plan de inversión de 3,5 millones de euros para la "
        "región. Los sindicatos pidieron más detalles sobre el calendario y los plazos. "
    )
    lines = [f"{paragraph}Párrafo número {n % 50}." for n in range(16000)]
    text = "Un archivo enorme.\n" + "\n".join(lines) + "\n"
    assert len(text.encode()) > 3_000_000
    project = make_project({"enorme.txt": text})
    refused = run_cli(project, "build", fake=True)
    assert refused.returncode == 1
    assert refused.stderr.splitlines()[0] == (
        "ERROR: seeds/enorme.txt: is 2.9 MB, over the limit of 1.0 MB for this kind of file "
        "(plugins.briefings.max_seed_kb)"
    )
    # At the limit of sentences a briefing may have (5,000), memory stays bounded.
    near_limit = "Un archivo grande.\n" + "\n".join(lines[:1600]) + "\n"
    (project / "seeds" / "enorme.txt").write_text(near_limit, encoding="utf-8")
    result = run_cli(project, "build", fake=True)
    assert result.returncode == 0, result.stderr
    page = project / "site_src" / "briefings" / "enorme.md"
    assert page.stat().st_size > 1_000_000
    # Peak memory of the builder process (ru_maxrss of the child) stays well bounded.
    import resource

    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"builder peak memory for a seed of 4,800 sentences: {peak_kb // 1024} MB")
    assert peak_kb < 400_000, f"peak {peak_kb} KB"
