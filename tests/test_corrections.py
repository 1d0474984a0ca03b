"""Editor corrections beside a seed: applied, marked reviewed, kept across reordering, stale
when the Spanish changes; exported as TMX."""

from __future__ import annotations

import json
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from builder.build import build
from builder.corrections import load_entries
from builder.glossary import load_glossary
from builder.seeds import SeedFile, read_seed
from tests.conftest import FakeEngine, ProjectFactory, run_cli, settings_for

SEED = "Título de prueba.\nEl perro come en la casa grande.\nLa ciudad celebra una fiesta.\n"
SIDECAR = "- es: La ciudad celebra una fiesta.\n  en: The town is having a party.\n"


def test_load_corrections_and_their_problems(tmp_path: Path) -> None:
    path = tmp_path / "x.corrections.yml"
    path.write_text(
        SIDECAR + "- es: Sólo español.\n- es: La ciudad celebra una fiesta.\n  en: Otra.\n"
    )
    entries, problems = load_entries(path)
    assert [entry.es for entry in entries] == ["La ciudad celebra una fiesta."]
    assert entries[0].line == 1 and entries[0].reviewed
    assert [(str(p)) for p in problems] == [
        f"{path}:3: each entry needs an 'es' and an 'en' sentence",
        f"{path}:4: a second entry for the same sentence (first on line 1)",
    ]


def test_correction_is_shown_as_reviewed_and_survives_reordering(
    make_project: ProjectFactory,
) -> None:
    project = make_project({"nota.txt": SEED, "nota.corrections.yml": SIDECAR})
    settings = settings_for(project)
    report = build(settings, engine=FakeEngine())
    assert report.problems == ()
    page = (settings.area / "nota.md").read_text(encoding="utf-8")
    assert (
        '<p class="bf-en" lang="en" data-origin="reviewed" title="Reviewed by an editor">'
        "The town is having a party.</p>"
    ) in page
    assert 'data-origin="machine">The dog eats' in page
    assert "1 of 3 sentences reviewed by an editor" in page
    # Paragraphs swapped: the correction follows its sentence.
    (project / "seeds" / "nota.txt").write_text(
        "Título de prueba.\nLa ciudad celebra una fiesta.\nEl perro come en la casa grande.\n",
        encoding="utf-8",
    )
    build(settings, engine=FakeEngine())
    page = (settings.area / "nota.md").read_text(encoding="utf-8")
    assert page.index("The town is having a party.") < page.index("The dog eats")


def test_changed_spanish_makes_correction_stale_and_reported(
    make_project: ProjectFactory,
) -> None:
    project = make_project({"nota.txt": SEED, "nota.corrections.yml": SIDECAR})
    (project / "seeds" / "nota.txt").write_text(
        SEED.replace("celebra una fiesta", "celebra una gran fiesta"), encoding="utf-8"
    )
    report = build(settings_for(project), engine=FakeEngine())
    sidecar = project / "seeds" / "nota.corrections.yml"
    assert [str(p) for p in report.problems] == [
        f"{sidecar}:1: stale correction: its Spanish sentence is no longer in the seed, so it "
        "does not apply there; the closest sentence now is 'La ciudad celebra una gran fiesta.' "
        "({+gran+}); 'briefings review' marks it gone"
    ]
    assert report.problems[0].severity == "warning"
    page = (project / "site_src" / "briefings" / "nota.md").read_text(encoding="utf-8")
    assert "The town is having a party." not in page
    check = run_cli(project, "check")
    assert check.returncode == 0  # a warning
    assert "seeds/nota.corrections.yml:1: stale correction" in check.stdout
    assert run_cli(project, "check", "--strict").returncode == 1


def test_export_tmx_includes_corrections(make_project: ProjectFactory) -> None:
    project = make_project({"nota.txt": SEED, "nota.corrections.yml": SIDECAR})
    result = run_cli(project, "export", "--format", "tmx", fake=True)
    assert result.returncode == 0, result.stderr
    root = ET.fromstring(result.stdout)
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    assert header is not None and header.get("srclang") == "es"
    units = root.findall("body/tu")
    assert len(units) == 3
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    pairs = [{tuv.get(lang): tuv.findtext("seg") for tuv in unit.findall("tuv")} for unit in units]
    assert pairs[2] == {"es": "La ciudad celebra una fiesta.", "en": "The town is having a party."}
    origins = [unit.findtext("prop[@type='x-origin']") for unit in units]
    assert origins == ["machine", "machine", "reviewed"]


# Text as an editor types it: words, '#' (hashtags, "No. #2"), ':' and quotes (inside: a
# value that starts with a quote is one the editor quoted).
TYPED = st.text(st.sampled_from("ab #:'\"é2-"), min_size=1, max_size=24).filter(
    lambda t: t.strip() and "  " not in t and t == t.strip() and t[0] not in "'\""
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(en=TYPED, quoted=st.booleans())
def test_an_english_cut_short_by_a_comment_is_never_silent(en: str, quoted: bool) -> None:
    """Written plainly, ``en: Sun #2 shines`` is "Sun" and a comment: the English is read
    whole, or the file is refused with its line, or a warning on that line says where the
    comment cut it and what to do. In quotes it is always read whole."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.corrections.yml"
        value = json.dumps(en, ensure_ascii=False) if quoted else en
        path.write_text(f"- es: Sale el sol.\n  en: {value}\n", encoding="utf-8")
        entries, problems = load_entries(path)
        if quoted:
            assert [e.en for e in entries] == [en] and problems == []
            return
        if entries and entries[0].en == en:
            assert not [p for p in problems if "YAML comment" in p.message]
            return
        on_line = [p for p in problems if p.line == 2]
        assert on_line or any(p.is_error for p in problems), (en, entries, problems)
        if entries:  # read, but not whole: the warning says so
            assert any("' #' starts a YAML comment" in p.message for p in on_line), problems
            assert all(not p.is_error for p in problems)


def test_a_comment_after_a_text_value_is_named_in_every_editors_file(tmp_path: Path) -> None:
    memory = tmp_path / "memory.yml"
    memory.write_text("- es: Sale el sol.\n  en: Sun #2 shines\n", encoding="utf-8")
    entries, problems = load_entries(memory, "memory")
    assert entries[0].en == "Sun" and entries[0].notes == ("2 shines",)  # nothing lost
    assert [(p.line, p.severity) for p in problems] == [(2, "warning")]
    assert "the value of 'en' ends where ' #' starts a YAML comment" in problems[0].message

    glossary = tmp_path / "glossary.yml"
    glossary.write_text("translate:\n  Casa Blanca: White #1 House\n", encoding="utf-8")
    terms, problems = load_glossary(glossary)
    assert terms.terms == {"Casa Blanca": "White"}
    assert [(p.line, p.severity) for p in problems] == [(2, "warning")]

    glossary.write_text("keep # the words to keep\n", encoding="utf-8")  # one value
    terms, problems = load_glossary(glossary)
    assert [(p.line, p.severity) for p in problems] == [(1, "warning"), (1, "error")]

    seed = tmp_path / "x.txt"
    seed.write_text(
        "---\ndate: 2024-05-01 # approx.\nauthor: Ana #Redacción\nsource: ~ # unknown\n---\n"
        "T.\nB.\n",
        encoding="utf-8",
    )
    _, warnings = read_seed(SeedFile(seed, "x"))
    assert [(p.line, p.severity) for p in warnings] == [(3, "warning")]  # not the date's, nor
    assert "'author'" in warnings[0].message  # a null's: nothing of a text was cut there

    memory.write_text("- es: Sale el sol.\n  en: Sun.\n  origin: Reuters #1 agency\n")
    _, problems = load_entries(memory, "memory")
    assert [(p.line, "'origin'" in p.message) for p in problems] == [(3, True)]
