"""Glossary and generic protection: terms kept or forced, acronyms never read as words."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.build import build
from builder.glossary import Glossary, load_glossary
from builder.model import Translation
from builder.protect import Protected, Protector
from tests.conftest import ProjectFactory, requires_apertium, run_cli, settings_for


def test_glossary_loads_keep_and_translate(tmp_path: Path) -> None:
    path = tmp_path / "glossary.yml"
    path.write_text(
        "keep:\n  - Kim Il Sung\ntranslate:\n  Corte Penal Internacional: International Criminal Court\n",
        encoding="utf-8",
    )
    glossary, problems = load_glossary(path)
    assert problems == []
    assert glossary.terms == {
        "Kim Il Sung": "Kim Il Sung",
        "Corte Penal Internacional": "International Criminal Court",
    }


def test_missing_glossary_is_empty(tmp_path: Path) -> None:
    assert load_glossary(tmp_path / "none.yml") == (Glossary(), [])


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("keep: [a\n", "is not valid YAML", 2),
        ("- a\n", "must have 'keep:' and/or 'translate:' sections", 1),
        ("keep: x\n", "'keep' must be a list of terms", 1),
        ("translate:\n  OTAN:\n", "term 'OTAN' has no English translation", 2),
        ("colours: []\n", "unknown section 'colours' (known: keep, translate)", 1),
        (
            "keep:\n  - OTAN\ntranslate:\n  OTAN: NATO\n",
            "term 'OTAN' is both kept and translated",
            4,
        ),
    ],
)
def test_bad_glossary_names_line(tmp_path: Path, text: str, message: str, line: int) -> None:
    path = tmp_path / "glossary.yml"
    path.write_text(text, encoding="utf-8")
    _, problems = load_glossary(path)
    assert [(p.message.startswith(message), p.line) for p in problems] == [(True, line)]


def test_protector_finds_terms_urls_emails_units_and_ordinary_acronyms() -> None:
    protector = Protector(
        Glossary({"Corte Penal Internacional": "International Criminal Court", "Corte": "Court"}),
        ordinary_caps={"NATO"},
    )
    protected = protector.protect(
        "La Corte Penal Internacional y la NATO y la OTAN: https://a.es/x?y=1, "
        "info@a.es, 3,5 km² y 20 %."
    )
    assert protected.text == "La ZXQA y la ZXQB y la OTAN: ZXQC, ZXQD, ZXQE y ZXQF."
    assert dict(protected.spans) == {
        "ZXQA": "International Criminal Court",
        "ZXQB": "NATO",
        "ZXQC": "https://a.es/x?y=1",
        "ZXQD": "info@a.es",
        "ZXQE": "3,5 km²",
        "ZXQF": "20 %",
    }


def test_shouted_headline_is_not_taken_for_acronyms() -> None:
    protector = Protector(Glossary(), ordinary_caps={"ALERTA", "EN", "OTRA", "XIX", "IRA"})
    assert protector.protect("ALERTA EN MADRID").spans == ()
    assert protector.protect("“NOOOOO OTRA PERSONA”, escribió.").spans == ()
    assert protector.protect("En el siglo XIX.").spans == ()
    assert protector.protect("El IRA y la NOOOOO.").spans == (("ZXQA", "IRA"),)


def test_restore_puts_terms_back_and_drops_placeholders_from_unknown_words() -> None:
    protected = Protected("La ZXQA de ZXQB.", (("ZXQA", "Court"), ("ZXQB", "NATO")))
    restored = protected.restore(Translation("The ZXQA of ZXQB.", ("ZXQA", "ZXQB", "foo")))
    assert restored == Translation("The Court of NATO.", ("foo",))
    assert protected.restore(Translation("The ZXQA of BORN.")) is None


@requires_apertium
def test_apertium_keeps_acronyms_it_would_read_as_words() -> None:
    from builder.engines.apertium import ApertiumEngine

    engine = ApertiumEngine(pair="spa-eng", timeout=120, jobs=1)
    assert engine.ordinary_capitals(["NATO", "OTAN", "ONU", "IRA", "EE"]) == {"NATO", "IRA"}


SEED = (
    "La Cláusula V de NATO.\n"
    "La Corte Penal Internacional emitió una orden.\n"
    "La OTAN y la ONU respondieron desde Pionyang.\n"
)


@requires_apertium
def test_build_applies_glossary_and_generic_protection(make_project: ProjectFactory) -> None:
    project = make_project({"nota.txt": SEED})
    (project / "glossary.yml").write_text(
        "keep: [Pionyang]\ntranslate:\n  Corte Penal Internacional: International Criminal Court\n",
        encoding="utf-8",
    )
    report = build(settings_for(project))
    assert report.problems == ()
    english = [pair.en for pair in report.collection.briefings[0].segments()]
    assert english == [
        "The Clause V of NATO.",
        "The International Criminal Court issued an order.",
        "The NATO and the UN answered from Pionyang.",
    ]


@requires_apertium
def test_glossary_changes_retranslate_only_what_they_affect(make_project: ProjectFactory) -> None:
    project = make_project({"nota.txt": SEED})
    glossary = project / "glossary.yml"
    glossary.write_text("translate:\n  Corte Penal Internacional: ICC\n", encoding="utf-8")
    settings = settings_for(project)
    first = build(settings)
    assert first.collection.translated == 3
    # New English for a term: no engine call, the page changes.
    glossary.write_text(
        "translate:\n  Corte Penal Internacional: International Criminal Court\n", encoding="utf-8"
    )
    second = build(settings)
    assert second.collection.translated == 0
    # The index shows the term too; the editors' page lists unknown words.
    assert sorted(p.name for p in second.written) == ["editors.md", "index.md", "nota.md"]
    assert "International Criminal Court" in (settings.area / "nota.md").read_text("utf-8")
    # A new term: only the one sentence that holds it is translated again.
    glossary.write_text(
        "keep: [ONU]\ntranslate:\n  Corte Penal Internacional: International Criminal Court\n",
        encoding="utf-8",
    )
    third = build(settings)
    assert third.collection.translated == 1


def test_check_reports_glossary_problems(make_project: ProjectFactory) -> None:
    project = make_project({"nota.txt": SEED})
    (project / "glossary.yml").write_text("translate:\n  OTAN:\n", encoding="utf-8")
    result = run_cli(project, "check")
    assert result.returncode == 1
    assert result.stdout == "glossary.yml:2: term 'OTAN' has no English translation (error)\n"
