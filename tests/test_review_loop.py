"""The editors' review loop: memory across briefings, review in place, states, drafts,
status, the editors' page and exchange with CAT tools."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from builder.build import build
from builder.corrections import (
    Entry,
    is_written_by_the_tools,
    load_entries,
    machine_digest,
    sentence_key,
    yaml_quoted,
)
from builder.memory import NEAR_SCORE, Memory
from builder.review import ReviewLine, dump, review
from builder.text import UNSAFE, clean_line
from builder.tmx import TmxError, read_tmx
from tests.conftest import REPO, FakeEngine, ProjectFactory, fake_translation, run_cli, settings_for

SHARED = "El perro come en la casa grande."
A = f"Primera nota.\n{SHARED} La ciudad celebra una fiesta.\n"
B = f"Segunda nota.\n{SHARED}\nLos niños cantan en la plaza.\n"


def area_page(project: Path, slug: str) -> str:
    return (settings_for(project).area / f"{slug}.md").read_text(encoding="utf-8")


def sidecar(project: Path, seed: str) -> Path:
    return project / "seeds" / f"{seed}.corrections.yml"


def test_a_reviewed_sentence_applies_in_every_briefing(make_project: ProjectFactory) -> None:
    project = make_project({"a.txt": A, "b.txt": B})
    # Curly quotes and doubled spaces in the editor's copy do not stop the match.
    sidecar(project, "a").write_text(
        "- es: El  perro come en la casa grande.\n  en: The dog eats in the big house.\n",
        encoding="utf-8",
    )
    report = build(settings_for(project), engine=FakeEngine())
    assert report.problems == ()
    for slug in ("a", "b"):
        page = area_page(project, slug)
        assert (
            'data-origin="reviewed" title="Reviewed by an editor">The dog eats in the big' in page
        )
    # Scoped to its seed, it leaves the other briefing alone.
    sidecar(project, "a").write_text(
        "- es: El perro come en la casa grande.\n  en: The dog eats in the big house.\n"
        "  scope: seed\n",
        encoding="utf-8",
    )
    report = build(settings_for(project), engine=FakeEngine())
    # b loses its reviewed sentence: its page and its entry in the index change.
    assert sorted(p.name for p in report.written) == ["b.md", "editors.md", "index.md"]
    assert "The dog eats in the big house." in area_page(project, "a")
    assert "The dog eats in the big house." not in area_page(project, "b")


def test_matching_tolerates_writing_not_words() -> None:
    assert sentence_key("«Hola» —dijo—  “sí”.") == sentence_key('"Hola" -dijo- "sí".')
    assert sentence_key("Cafe\u0301.") == sentence_key("Café.")
    assert sentence_key("Él vino.") != sentence_key("El vino.")  # an accent is a word
    assert sentence_key("El vino.") != sentence_key("el vino.")


def test_a_near_match_is_offered_never_applied(make_project: ProjectFactory) -> None:
    project = make_project({"a.txt": A, "b.txt": B.replace("come", "comía")})
    sidecar(project, "a").write_text(
        f"- es: {SHARED}\n  en: The dog eats in the big house.\n", encoding="utf-8"
    )
    build(settings_for(project), engine=FakeEngine())
    assert "The dog eats in the big house." not in area_page(project, "b")
    result = run_cli(project, "review", "b.txt", fake=True)
    assert result.returncode == 0, result.stderr
    text = sidecar(project, "b").read_text(encoding="utf-8")
    assert "# near match (" in text
    assert "in a.corrections.yml:1, differs by [-come-]{+comía+}:" in text
    assert '#   en: "The dog eats in the big house."' in text
    # Again: the tool's own near match is written anew, not kept as an editor's note too.
    assert run_cli(project, "review", "b.txt", fake=True).returncode == 0
    assert sidecar(project, "b").read_text(encoding="utf-8") == text


def test_review_writes_every_sentence_and_keeps_the_editors_work(
    make_project: ProjectFactory,
) -> None:
    project = make_project({"a.txt": A})
    result = run_cli(project, "review", "a.txt", fake=True)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[-1] == (
        "briefings: a.corrections.yml: 3 sentences, 0 reviewed, 3 to review; written"
    )
    path = sidecar(project, "a")
    entries, problems = load_entries(path)
    assert problems == []
    assert [(e.es, e.state) for e in entries] == [
        ("Primera nota.", "machine"),
        (SHARED, "machine"),
        ("La ciudad celebra una fiesta.", "machine"),
    ]
    assert entries[1].en == fake_translation(SHARED).text
    # An untouched review file changes no page.
    before = area_page(project, "a") if (settings_for(project).area / "a.md").exists() else None
    report = build(settings_for(project), engine=FakeEngine())
    assert before is None or area_page(project, "a") == before
    assert 'data-origin="reviewed"' not in area_page(project, "a")
    # Edit one English, approve another.
    text = path.read_text(encoding="utf-8")
    text = text.replace(f'en: "{fake_translation(SHARED).text}"', 'en: "The dog eats at home."')
    party = fake_translation("La ciudad celebra una fiesta.").text
    text = text.replace(f'  en: "{party}"\n  state: machine', f'  en: "{party}"\n  state: approved')
    path.write_text(text, encoding="utf-8")
    report = build(settings_for(project), engine=FakeEngine())
    assert report.problems == ()
    page = area_page(project, "a")
    assert ">The dog eats at home.</p>" in page
    assert page.count('data-origin="reviewed"') == 2
    assert 'data-review="partly reviewed"' in page
    # The seed changes: work kept, new and gone marked.
    (project / "seeds" / "a.txt").write_text(
        "Primera nota.\nEl perro come en la casa grande.\nHace sol.\n", encoding="utf-8"
    )
    result = run_cli(project, "review", "a", fake=True)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[-1] == (
        "briefings: a.corrections.yml: 3 sentences, 1 reviewed, 2 to review (1 new, 1 gone); "
        "written"
    )
    entries, _ = load_entries(path)
    by_es = {e.es: e for e in entries}
    assert by_es[SHARED].en == "The dog eats at home." and by_es[SHARED].state == "reviewed"
    assert by_es["Hace sol."].state == "machine"
    assert by_es["La ciudad celebra una fiesta."].gone  # approved work kept, marked gone
    text = path.read_text(encoding="utf-8")
    assert '# new since the last review\n- es: "Hace sol."' in text
    assert text.index("# No longer in the seed") < text.index("La ciudad celebra")
    assert build(settings_for(project), engine=FakeEngine()).problems == ()


def test_review_refuses_a_broken_sidecar_and_unknown_seeds(make_project: ProjectFactory) -> None:
    project = make_project({"a.txt": A, "b.txt": B})
    sidecar(project, "a").write_text("- es: x\n   en: y\n", encoding="utf-8")
    result = run_cli(project, "review", "a.txt", "b.txt", fake=True)
    assert result.returncode == 2
    # One broken file costs its own review only; the message names it as a build does.
    assert result.stderr.startswith("briefings: error: seeds/a.corrections.yml:2: ")
    assert "fix it first, then review again" in result.stderr
    assert "b.corrections.yml: 3 sentences, 0 reviewed, 3 to review; written" in result.stderr
    assert result.stderr.splitlines()[-1] == "briefings: 1 seed of 2 not reviewed"
    assert sidecar(project, "b").is_file()
    missing = run_cli(project, "review", "../../etc/passwd", fake=True)
    assert missing.returncode == 2
    assert "'../../etc/passwd' is not in the seeds folder" in missing.stderr
    # A file of the same name elsewhere is not taken for the project's seed.
    elsewhere = project.parent / "a.txt"
    elsewhere.write_text("Otra cosa.\nOtro texto.\n", encoding="utf-8")
    other = run_cli(project, "review", str(elsewhere), fake=True)
    assert other.returncode == 2 and "is not in the seeds folder" in other.stderr


def test_an_engine_update_is_not_taken_for_an_edit(make_project: ProjectFactory) -> None:
    project = make_project({"a.txt": A})
    run_cli(project, "review", "a.txt", fake=True)
    entries, _ = load_entries(sidecar(project, "a"))
    assert not any(e.reviewed for e in entries)
    # The machine English the file holds is stale after an engine update, but untouched.
    report = build(settings_for(project), engine=FakeEngine(version="2"))
    assert 'data-origin="reviewed"' not in area_page(project, "a")
    assert report.problems == ()


def test_a_sentence_reviewed_elsewhere_is_shown_and_followed_not_copied(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    project = make_project({"a.txt": A})
    memory = project / "memory.yml"
    memory.write_text(f'- es: "{SHARED}"\n  en: "The dog eats at home."\n', encoding="utf-8")
    result = run_cli(project, "review", "a.txt", fake=True)
    assert result.returncode == 0, result.stderr
    assert "3 sentences, 1 reviewed, 2 to review" in result.stderr
    text = sidecar(project, "a").read_text(encoding="utf-8")
    assert (
        f'# reviewed in memory.yml:1\n- es: "{SHARED}"\n  en: "The dog eats at home."\n'
        "  state: shared\n" in text
    )
    # The memory changes (a translator's update): the briefing follows it, the review
    # file does not stand in its way, and a review shows the new English.
    units = tmp_path / "update.tmx"
    units.write_text(tmx([(SHARED, "The dog eats in the big house.")]), encoding="utf-8")
    taken = run_cli(project, "import", "--replace", str(units), fake=True)
    assert "took 1 reviewed translation into memory.yml" in taken.stderr, taken.stderr
    report = build(settings_for(project), engine=FakeEngine())
    assert report.problems == ()
    assert ">The dog eats in the big house.</p>" in area_page(project, "a")
    run_cli(project, "review", "a.txt", fake=True)
    by_es = {e.es: e for e in load_entries(sidecar(project, "a"))[0]}
    assert by_es[SHARED].en == "The dog eats in the big house."
    assert by_es[SHARED].state == "shared" and not by_es[SHARED].reviewed
    # Edited in the review file, it becomes that file's reviewed English.
    text = sidecar(project, "a").read_text(encoding="utf-8")
    sidecar(project, "a").write_text(
        text.replace('en: "The dog eats in the big house."', 'en: "The dog dines at home."'),
        encoding="utf-8",
    )
    run_cli(project, "review", "a.txt", fake=True)
    by_es = {e.es: e for e in load_entries(sidecar(project, "a"))[0]}
    assert (by_es[SHARED].en, by_es[SHARED].state) == ("The dog dines at home.", "reviewed")


def test_review_with_a_fake_engine_that_fails_never_makes_machine_english_reviewed(
    make_project: ProjectFactory,
) -> None:
    """The engine fails (a fake one: on purpose, for one sentence) while the memory covers
    that sentence: the page is built from the memory, with a warning, the review file's
    untouched entry is not taken for an editor's edit, and the next build tries again."""
    project = make_project({"a.txt": A})
    settings = settings_for(project)
    review(settings, FakeEngine(), "a.txt")  # three machine entries, untouched
    (project / "memory.yml").write_text(
        f'- es: "{SHARED}"\n  en: "The dog eats at home."\n', encoding="utf-8"
    )
    settings.cache_file.unlink()  # a fresh checkout: the machine English must be asked again
    failing = FakeEngine(fail_on="perro")
    report = build(settings, engine=failing)
    assert [p.severity for p in report.problems] == ["warning"]
    assert "did not translate 1 segment with reviewed English" in report.problems[0].message
    assert ">The dog eats at home.</p>" in area_page(project, "a")
    result = review(settings, failing, "a.txt")
    assert result.reviewed == 1  # the memory's, shown; not the machine English made reviewed
    by_es = {e.es: e for e in load_entries(sidecar(project, "a"))[0]}
    assert by_es[SHARED].state == "shared" and not by_es[SHARED].reviewed
    assert not any(e.reviewed for e in by_es.values())
    assert [e.state for e in by_es.values()] == ["machine", "shared", "machine"]
    # The memory's English is still the one that applies: nothing in a.corrections.yml
    # stands in for it.
    (project / "memory.yml").write_text(
        f'- es: "{SHARED}"\n  en: "The dog eats in the big house."\n', encoding="utf-8"
    )
    working = FakeEngine()
    again = build(settings, engine=working)
    assert again.problems == ()
    assert ">The dog eats in the big house.</p>" in area_page(project, "a")
    assert any("perro" in text for batch in working.calls for text in batch)  # tried again


# What an entry can hold: seeds, sidecars and translations are made safe before they become
# entries (a bidi control such as U+202E never reaches one).
ENTRY_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp", "Co", "Cn")),
    min_size=1,
    max_size=60,
).filter(lambda t: t.strip() and " ".join(t.split()) == t and not UNSAFE.search(t))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    pairs=st.lists(
        st.tuples(ENTRY_TEXT, ENTRY_TEXT, st.sampled_from(["machine", "reviewed"])), max_size=6
    ),
)
def test_review_files_read_back_exactly(pairs: list[tuple[str, str, str]]) -> None:
    """Whatever the text, the file review writes reads back as the same entries."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.corrections.yml"
        lines, seen = [], set()
        for es, en, state in pairs:
            if sentence_key(es) in seen:
                continue
            seen.add(sentence_key(es))
            machine = machine_digest(en) if state == "machine" else ""
            lines.append(ReviewLine(Entry(es, en, path, 0, state, machine), ("a comment",)))
        path.write_text(dump(lines, seed="seeds/x.txt", name="x.txt"), encoding="utf-8")
        entries, problems = load_entries(path)
        assert problems == []
        assert [(e.es, e.en, e.state, e.machine) for e in entries] == [
            (line.entry.es, line.entry.en, line.entry.state, line.entry.machine) for line in lines
        ]


def test_review_keeps_every_comment_an_editor_wrote(make_project: ProjectFactory) -> None:
    project = make_project({"a.txt": "Primera nota.\nHace sol.\nLlueve mucho.\n"})
    assert run_cli(project, "review", "a", fake=True).returncode == 0
    path = sidecar(project, "a")
    text = path.read_text(encoding="utf-8")
    first, sunny, rainy = (
        fake_translation(es).text for es in ("Primera nota.", "Hace sol.", "Llueve mucho.")
    )
    text = text.replace("# Review of", "# mine: ask the desk about the headline\n\n# Review of", 1)
    text = text.replace(f'  en: "{first}"\n', f'  # inside: who wrote this?\n  en: "{first}"\n', 1)
    text = text.replace(f'  en: "{sunny}"\n', '  en: "It is sunny."   # trailing: checked\n', 1)
    text = text.replace(
        '- es: "Llueve mucho."', '# loose: a note on its own\n\n- es: "Llueve mucho."'
    )
    text = text.replace(
        f'  en: "{rainy}"\n', "  en: |\n    It rains a lot.\n    # text, not a note\n", 1
    )
    text += "\n# at the end: done on Monday\n"
    path.write_text(text, encoding="utf-8")
    notes = [
        "mine: ask the desk about the headline",
        "inside: who wrote this?",
        "trailing: checked",
        "loose: a note on its own",
        "at the end: done on Monday",
    ]
    # Twice, and after the seed lost the sentence that carries two of the notes.
    for seed in ("Primera nota.\nHace sol.\nLlueve mucho.\n", "Hace sol.\nLlueve mucho.\n"):
        (project / "seeds" / "a.txt").write_text(seed, encoding="utf-8")
        result = run_cli(project, "review", "a", fake=True)
        assert result.returncode == 0, result.stderr
        text = path.read_text(encoding="utf-8")
        for note in notes:
            assert text.count(f"# {note}\n") == 1, (note, text)
        assert text.count("# Review of") == 1 and text.count("# - Edit 'en'") == 1
        assert "\n# text, not a note" not in text  # text of the English, not a note
        entries, problems = load_entries(path)
        assert problems == []
        by_es = {e.es: e for e in entries}
        assert by_es["Llueve mucho."].en == "It rains a lot. # text, not a note"
        assert by_es["Hace sol."].notes == ("trailing: checked",)
    # The entry whose sentence is gone was never edited; it stays, for its notes.
    assert by_es["Primera nota."].gone
    assert by_es["Primera nota."].notes == (
        "mine: ask the desk about the headline",
        "inside: who wrote this?",
    )


COMMENT_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=30
).map(lambda text: " ".join(text.split()))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    entries=st.lists(st.tuples(ENTRY_TEXT, ENTRY_TEXT), min_size=1, max_size=5),
    comments=st.lists(
        st.tuples(
            st.integers(0, 4),
            st.sampled_from(["above", "glued", "inside", "trailing", "block", "after"]),
            COMMENT_TEXT,
        ),
        max_size=8,
    ),
)
def test_generated_comments_anywhere_are_kept_once(
    entries: list[tuple[str, str]], comments: list[tuple[int, str, str]]
) -> None:
    """Comments of any text, above, inside, after or at the end of the lines of any entry
    (right after a closing quote too, and on the header of a block of text), read back as
    notes, each once, and stay through any number of rewrites."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.corrections.yml"
        unique = {sentence_key(es): (es, en) for es, en in entries}
        pairs = list(unique.values())
        placed: dict[tuple[int, str], list[str]] = {}
        for number, where, text in comments:
            placed.setdefault((number % len(pairs), where), []).append(text)
        out = []
        for n, (es, en) in enumerate(pairs):
            out += [f"# {c}" for c in placed.get((n, "above"), [])]
            glued = placed.get((n, "glued"), [])
            out.append(f"- es: {yaml_quoted(es)}" + (f"#{glued[0]}" if glued else ""))
            out += [f"  # {c}" for c in placed.get((n, "inside"), [])]
            trailing = placed.get((n, "trailing"), [])
            block = placed.get((n, "block"), [])
            if block:  # the English as a block of text, a comment on its header line
                out += [f"  en: |- # {block[0]}", f"    {en}"]
            else:
                out.append(f"  en: {yaml_quoted(en)}" + (f"  # {trailing[0]}" if trailing else ""))
            out += ["", *[f"#{' ' if c else ''}{c}" for c in placed.get((n, "after"), [])]]
        path.write_text("\n".join(out) + "\n", encoding="utf-8")

        def kept(where: str, n: int) -> list[str]:
            texts = placed.get((n, where), [])
            if where == "trailing" and placed.get((n, "block")):
                return []  # the block's header holds the line's comment
            texts = texts[:1] if where in ("glued", "trailing", "block") else texts
            return [c.strip() for c in texts if not is_written_by_the_tools(c.strip())]

        # Each entry's notes: those after the entry before it, then its own, in file order;
        # the last entry also takes those after it.
        expected = [
            [
                *(kept("after", n - 1) if n else []),
                *kept("above", n),
                *kept("glued", n),
                *kept("inside", n),
                *kept("trailing", n),
                *kept("block", n),
                *(kept("after", n) if n == len(pairs) - 1 else []),
            ]
            for n in range(len(pairs))
        ]
        for _ in range(2):
            read, problems = load_entries(path)
            assert problems == []
            assert [(e.es, e.en) for e in read] == [
                (clean_line(es), clean_line(en)) for es, en in pairs
            ]
            assert [list(e.notes) for e in read] == expected
            lines = [ReviewLine(entry) for entry in read]
            path.write_text(dump(lines, seed="seeds/x.txt", name="x.txt"), encoding="utf-8")


def test_a_broken_corrections_file_keeps_the_reviewed_page(make_project: ProjectFactory) -> None:
    project = make_project({"a.txt": A, "b.txt": B})
    sidecar(project, "a").write_text(
        f"- es: {SHARED}\n  en: The dog eats in the big house.\n", encoding="utf-8"
    )
    build(settings_for(project), engine=FakeEngine())
    published = {slug: area_page(project, slug) for slug in ("a", "b")}
    # One indentation slip.
    sidecar(project, "a").write_text(
        f"- es: {SHARED}\n en: The dog eats in the big house.\n", encoding="utf-8"
    )
    (project / "seeds" / "b.txt").write_text(B + "Hace sol.\n", encoding="utf-8")
    report = build(settings_for(project), engine=FakeEngine())
    assert [str(p).removeprefix(str(project) + "/") for p in report.problems] == [
        "seeds/a.corrections.yml:2: is not valid YAML: the indentation is off: line up the entries",
        "seeds/a.corrections.yml: its last good version (1 entries) is used until it is fixed",
    ]
    assert area_page(project, "a") == published["a"]  # not republished with machine English
    assert "The dog eats in the big house." in area_page(project, "b")  # memory kept
    assert "Hace sol." in area_page(project, "b")
    strict = run_cli(project, "build", "--strict", fake=True)
    assert strict.returncode == 1


def test_a_broken_glossary_keeps_its_last_good_terms(make_project: ProjectFactory) -> None:
    project = make_project({"a.txt": A})
    glossary = project / "glossary.yml"
    glossary.write_text("translate:\n  perro: hound\n", encoding="utf-8")
    build(settings_for(project), engine=FakeEngine())
    assert "hound" in area_page(project, "a")
    glossary.write_text("translate:\n  perro: hound\n   gato: cat\n", encoding="utf-8")
    report = build(settings_for(project), engine=FakeEngine())
    assert [p.message for p in report.problems] == [
        "is not valid YAML: a ':' where it cannot be: is the indentation right? (else put the text in quotes)",
        "the last good glossary (1 terms) is used until the problems above are fixed",
    ]
    assert "hound" in area_page(project, "a")


@pytest.mark.parametrize("folder", ["moved", "f\udcff-not-utf8"])
def test_last_good_files_hold_after_the_project_moves(
    make_project: ProjectFactory, tmp_path: Path, folder: str
) -> None:
    """A CI checkout at another path (or a folder name that is not UTF-8) still finds the
    last good glossary and corrections: they are remembered by their place in the project."""
    project = make_project({"a.txt": A, "b.txt": B})
    (project / "glossary.yml").write_text("translate:\n  niños: kids\n", encoding="utf-8")
    sidecar(project, "a").write_text(f"- es: {SHARED}\n  en: The hound eats.\n", encoding="utf-8")
    build(settings_for(project), engine=FakeEngine())
    moved = project.rename(tmp_path / folder)
    (moved / "glossary.yml").write_text("translate:\n  niños: kids\n   x: y\n", "utf-8")
    sidecar(moved, "a").write_text(f"- es: {SHARED}\n en: The hound eats.\n", "utf-8")
    (moved / "seeds" / "b.txt").write_text(B + "Hace sol.\n", encoding="utf-8")
    report = build(settings_for(moved), engine=FakeEngine())
    assert [p.message for p in report.problems] == [
        "is not valid YAML: a ':' where it cannot be: is the indentation right? (else put the text in quotes)",
        "the last good glossary (1 terms) is used until the problems above are fixed",
        "is not valid YAML: the indentation is off: line up the entries",
        "its last good version (1 entries) is used until it is fixed",
    ]
    page = area_page(moved, "b")  # rebuilt with the last good terms and reviewed English
    assert "Hace sol." in page and "The hound eats." in page and "kids" in page
    assert "The hound eats." in area_page(moved, "a")  # its own page kept as it was


def test_projects_that_share_a_cache_never_take_each_others_files(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    """Two projects with one cache_dir (to share translations): a broken glossary or
    sidecar of one never brings in the other's last good version."""
    yml = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    shared = f"engine: apertium\n      cache_dir: {tmp_path / 'shared-cache'}"
    first, second = (
        make_project({"a.txt": A, "b.txt": B}, mkdocs_yml=yml.replace("engine: apertium", shared))
        for _ in range(2)
    )
    (first / "glossary.yml").write_text("translate:\n  niños: FIRST-TERM\n", "utf-8")
    sidecar(first, "a").write_text(f"- es: {SHARED}\n  en: The first English.\n", "utf-8")
    build(settings_for(first), engine=FakeEngine())
    assert "FIRST-TERM" in area_page(first, "b")
    (second / "glossary.yml").write_text("translate:\n  niños: [broken\n", "utf-8")
    sidecar(second, "a").write_text(f"- es: {SHARED}\n en: x\n", "utf-8")
    report = build(settings_for(second), engine=FakeEngine())
    assert not any("last good" in p.message for p in report.problems)
    page = area_page(second, "b")  # b has the sentence of a's sidecar
    assert "The first English." in area_page(first, "b")
    assert "The first English." not in page and not (second / "site_src/briefings/a.md").exists()
    assert "FIRST-TERM" not in page


def mkdocs(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tests.fake_run", "mkdocs", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(REPO), NO_MKDOCS_2_WARNING="1"),
        timeout=300,
        check=False,
    )


DRAFT = "---\ndate: 2024-06-02\ntags: [Secreto]\ndraft: true\n---\nUn borrador.\nEl gato come.\n"


def test_a_draft_is_left_out_of_a_build_entirely(make_project: ProjectFactory) -> None:
    project = make_project(
        {"a.txt": "---\ndate: 2024-06-01\ntags: [Ciudad]\n---\n" + A, "borrador.txt": DRAFT}
    )
    result = mkdocs(project, "build", "--strict")
    assert result.returncode == 0, result.stderr
    site = project / "site"
    assert not (site / "briefings" / "borrador").exists()
    assert not (site / "briefings" / "editors").exists()
    # The search index's files hold what search can find, and show.
    fragments = [
        path.read_text(encoding="utf-8") for path in sorted((site / "bf-search").rglob("*.json"))
    ]
    assert len(list((site / "bf-search").rglob("docs/*.json"))) == 1  # a.txt only
    for path, text in [
        *(
            (name, (site / name).read_text(encoding="utf-8"))
            for name in ("briefings/index.html", "briefings/feed.xml", "sitemap.xml")
        ),
        *(("search", fragment) for fragment in fragments),
    ]:
        assert "borrador" not in text and "Un borrador" not in text, path
        assert "briefings/editors" not in text, path
    assert not (site / "briefings" / "tags" / "secreto").exists()
    assert (site / "briefings" / "a" / "index.html").is_file()


def test_serve_shows_the_draft_marked_and_the_editors_page(make_project: ProjectFactory) -> None:
    from tests.web import fetch, free_port, wait_for

    project = make_project({"a.txt": A, "borrador.txt": DRAFT})
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_run", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=dict(os.environ, PYTHONPATH=str(REPO), NO_MKDOCS_2_WARNING="1"),
    )
    try:
        base = f"http://127.0.0.1:{port}/briefings"
        assert wait_for(lambda: "Un borrador." in fetch(f"{base}/borrador/"), 60)
        draft = fetch(f"{base}/borrador/")
        assert "mkdocs-draft-marker" in draft and 'class="bf-draft"' in draft
        index = fetch(f"{base}/")
        assert "borrador/" in index and "bf-entry-draft" in index
        editors = fetch(f"{base}/editors/")
        assert "The state of the archive" in editors
        assert "2 briefings: 0 reviewed, 0 partly reviewed, 2 machine; 1 draft" in editors
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_status_text_and_json(make_project: ProjectFactory) -> None:
    project = make_project(
        {"a.txt": A, "b.txt": B, "borrador.txt": DRAFT, "rota.txt": "---\ndate: x\n---\nT\nB.\n"}
    )
    sidecar(project, "a").write_text(
        f"- es: {SHARED}\n  en: The dog eats in the big house.\n"
        "- es: Una frase que ya no está.\n  en: Gone.\n",
        encoding="utf-8",
    )
    result = run_cli(project, "status", "--unknown", fake=True)
    assert result.returncode == 1, result.stderr  # rota.txt has an error
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "seed",
        "state",
        "sentences",
        "reviewed",
        "unknown",
        "stale",
        "draft",
    ]
    assert lines[1].split() == ["a.txt", "partly", "reviewed", "3", "1", "0", "1"]
    assert lines[3].split()[-1] == "draft"
    assert lines[4].split()[:3] == ["rota.txt", "not", "built"]
    assert "unknown words (times: word: where)" in result.stdout
    assert result.stderr.splitlines()[-1] == (
        "briefings: 4 briefings: 0 reviewed, 2 partly reviewed, 1 machine; 1 draft; "
        "1 stale correction; 1 not built this time; 1 distinct unknown word"
    )
    data = json.loads(run_cli(project, "status", "--format", "json", fake=True).stdout)
    assert [p["file"].rsplit("/", 1)[-1] for p in data["problems"]] == [
        "a.corrections.yml",
        "rota.txt",
    ]
    assert [b["seed"] for b in data["briefings"]] == ["a.txt", "b.txt", "borrador.txt", "rota.txt"]
    assert data["briefings"][0]["stale_corrections"] == 1
    assert data["briefings"][3]["error"].startswith("front matter 'date'")
    words = {w["word"]: w for w in data["unknown_words"]}
    assert words["borrador"] == {"word": "borrador", "count": 1, "seeds": ["borrador.txt"]}


def test_status_lists_machine_english_changed_by_a_glossary_change(
    make_project: ProjectFactory,
) -> None:
    project = make_project({"a.txt": A})
    assert run_cli(project, "build", fake=True).returncode == 0
    (project / "glossary.yml").write_text("translate:\n  fiesta: celebration\n", encoding="utf-8")
    result = run_cli(project, "status", "--changed", fake=True)
    assert result.returncode == 0, result.stderr
    assert "a.txt: La ciudad celebra una fiesta." in result.stdout
    assert f"  - {fake_translation('La ciudad celebra una fiesta.').text}" in result.stdout
    assert "  + The city celebrates a celebration." in result.stdout
    data = json.loads(run_cli(project, "status", "--format", "json", fake=True).stdout)
    assert len(data["machine_english_changed"]["sentences"]) == 1


def tmx(units: list[tuple[str, str]], extra: str = "") -> str:
    body = "".join(
        f'<tu><tuv xml:lang="es-ES"><seg>{es}</seg></tuv><tuv xml:lang="EN-GB"><seg>{en}</seg>'
        "</tuv></tu>"
        for es, en in units
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{extra}<tmx version="1.4"><header srclang="es"/>'
        f"<body>{body}</body></tmx>"
    )


def test_import_takes_exact_matches_and_says_what_it_skipped(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    project = make_project(
        {"a.txt": A, "b.txt": B, "c.txt": "Tercera nota.\nHace sol. Es lunes.\n"}
    )
    sidecar(project, "b").write_text(
        "- es: Los niños cantan en la plaza.\n  en: Children sing in the square.\n", "utf-8"
    )
    memory = tmp_path / "omegat.tmx"
    memory.write_text(
        tmx(
            [
                (SHARED.replace("perro", "<ph>{1}</ph>perro"), "The dog eats at the big house."),
                ("Primera nota. ", "First note."),
                ("Primera  nota.", "Note one."),
                ("Una frase de otro sitio.", "A sentence from elsewhere."),
                ("Los niños cantan en la plaza.", "Kids sing on the square."),
                ("Hace sol. Es lunes.", "The sun is out on this Monday."),
                ("Sólo español.", ""),
            ]
        ),
        encoding="utf-8",
    )
    result = run_cli(project, "import", str(memory), fake=True)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[-1] == (
        "briefings: took 3 reviewed translations into memory.yml; skipped 4: "
        "1 not in any briefing, 1 reviewed otherwise in a seed's corrections (edit it there), "
        "1 twice in the file, with other English, 1 without both a Spanish and an English text"
    )
    entries, problems = load_entries(project / "memory.yml")
    assert problems == [] and len(entries) == 3
    assert all(e.origin.startswith("imported from omegat.tmx") for e in entries)
    report = build(settings_for(project), engine=FakeEngine())
    assert report.problems == ()
    a, b, c = (area_page(project, slug) for slug in "abc")
    assert "The dog eats at the big house." in a and "The dog eats at the big house." in b
    # The memory holds c's paragraph as one unit: it becomes one reviewed pair.
    assert '<p class="bf-es" lang="es">Hace sol. Es lunes.</p>' in c
    assert ">The sun is out on this Monday.</p>" in c
    again = run_cli(project, "import", str(memory), fake=True)
    assert "took 0 reviewed translations" in again.stderr
    assert "3 already reviewed the same way" in again.stderr
    assert "First note." in a  # the first of two English for one sentence is kept
    verbose = run_cli(project, "import", "-v", str(memory), fake=True)
    listed = [line for line in verbose.stderr.splitlines() if line.startswith("omegat.tmx: ")]
    assert listed == [  # every unit of the file, in its order: this time all were skipped
        "omegat.tmx: unit 1: already reviewed the same way: 'El perro come en la casa grande.'",
        "omegat.tmx: unit 2: already reviewed the same way: 'Primera nota.'",
        "omegat.tmx: unit 3: reviewed otherwise in the memory (--replace takes the file's): "
        "'Primera nota.'",
        "omegat.tmx: unit 4: not in any briefing: 'Una frase de otro sitio.'",
        "omegat.tmx: unit 5: reviewed otherwise in a seed's corrections (edit it there): "
        "'Los niños cantan en la plaza.'",
        "omegat.tmx: unit 6: already reviewed the same way: 'Hace sol. Es lunes.'",
        "omegat.tmx: unit 7: without both a Spanish and an English text: 'Sólo español.'",
    ]


def test_import_keeps_the_editors_notes_of_an_entry_it_replaces_and_of_a_bare_file(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    project = make_project({"c.txt": "Tercera nota.\nHace sol.\nLlueve.\n"})
    memory_file = project / "memory.yml"
    memory_file.write_text("# Take imports from OmegaT only.\n[]\n", encoding="utf-8")
    units = tmp_path / "units.tmx"
    units.write_text(tmx([("Hace sol.", "It is sunny.")]), encoding="utf-8")
    assert run_cli(project, "import", str(units), fake=True).returncode == 0
    text = memory_file.read_text(encoding="utf-8")
    assert text.count("# Take imports from OmegaT only.\n") == 1
    memory_file.write_text(
        text.replace('- es: "Hace sol."', '# The desk insists on sunny.\n- es: "Hace sol."'),
        encoding="utf-8",
    )
    units.write_text(tmx([("Hace sol.", "The sun is out.")]), encoding="utf-8")
    result = run_cli(project, "import", "--replace", str(units), fake=True)
    assert result.returncode == 0, result.stderr
    entries, problems = load_entries(memory_file)
    assert problems == []
    assert [(e.en, e.notes) for e in entries] == [
        ("The sun is out.", ("Take imports from OmegaT only.", "The desk insists on sunny."))
    ]


def test_review_keeps_the_comments_of_a_file_without_entries(make_project: ProjectFactory) -> None:
    project = make_project({"a.txt": "Primera nota.\nHace sol.\n"})
    path = sidecar(project, "a")
    path.write_text("# Ana reviews this one.\n\n# (nothing yet)\n", encoding="utf-8")
    assert run_cli(project, "review", "a", fake=True).returncode == 0
    entries, problems = load_entries(path)
    assert problems == []
    assert entries[0].notes == ("Ana reviews this one.", "(nothing yet)")


@pytest.mark.parametrize(
    "comment",
    [
        "reviewed in mi nota.corrections.yml:12",
        "near match (91%) in mi nota.corrections.yml:3, differs by [-a-]{+b+}:",
        "new since the last review",
        "Review of seeds/mi nota.txt: one entry per sentence, in reading order.",
    ],
)
def test_the_tools_own_comments_are_known_whatever_the_file_names(comment: str) -> None:
    assert is_written_by_the_tools(comment)


def test_a_near_matchs_english_is_the_tools_only_under_the_near_match() -> None:
    near = "near match (91%) in mi nota.corrections.yml:3, differs by [-a-]{+b+}:"
    assert is_written_by_the_tools('  en: "The dog eats."', above=near)
    assert not is_written_by_the_tools('  en: "The dog eats."')  # an English commented out
    assert not is_written_by_the_tools('  en: "The dog eats."', above="an editor's note")


@pytest.mark.parametrize(
    "note",
    [
        "reviewed in the meeting with Ana: keep this wording",
        "reviewed in the call at 10:30",
        "near match? no: my own wording",
        "new since the last review I changed the tone",
        "  en: my own draft, not the tool's",
        '  en: "The sun is out."',  # an old English, commented out
        "Review of the desk's style guide: done",
    ],
)
def test_an_editors_note_that_starts_like_the_tools_own_is_kept(
    make_project: ProjectFactory, note: str
) -> None:
    project = make_project({"a.txt": "Primera nota.\nHace sol.\n"})
    assert run_cli(project, "review", "a", fake=True).returncode == 0
    path = sidecar(project, "a")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('- es: "Hace sol."', f'# {note}\n- es: "Hace sol."'), "utf-8")
    for _ in range(2):
        assert run_cli(project, "review", "a", fake=True).returncode == 0
        assert path.read_text(encoding="utf-8").count(f"# {note}\n") == 1


def test_import_refuses_xml_bombs_and_non_tmx(make_project: ProjectFactory, tmp_path: Path) -> None:
    project = make_project({"a.txt": A})
    bomb = tmp_path / "bomb.tmx"
    bomb.write_text(
        tmx(
            [("&lol9;", "x")],
            '<!DOCTYPE tmx [<!ENTITY lol "lol">'
            + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)).replace(
                "&lol0;", "&lol;"
            )
            + "]>",
        ),
        encoding="utf-8",
    )
    result = run_cli(project, "import", str(bomb), fake=True)
    assert result.returncode == 2
    assert "is not a TMX file this can read" in result.stderr
    (tmp_path / "x.tmx").write_text("<html/>", encoding="utf-8")
    result = run_cli(project, "import", str(tmp_path / "x.tmx"), fake=True)
    assert result.returncode == 2 and "is not a TMX file (no <tmx>" in result.stderr
    assert not (project / "memory.yml").exists()


def test_export_reviewed_only(make_project: ProjectFactory) -> None:
    project = make_project({"a.txt": A})
    sidecar(project, "a").write_text(
        f"- es: {SHARED}\n  en: The dog eats in the big house.\n", encoding="utf-8"
    )
    result = run_cli(project, "export", "--format", "tmx", "--reviewed-only", fake=True)
    assert result.returncode == 0, result.stderr
    root = ET.fromstring(result.stdout)
    assert root.findtext("header/prop[@type='x-content']") == "reviewed only"
    units = root.findall("body/tu")
    assert len(units) == 1 and units[0].findtext("prop[@type='x-origin']") == "reviewed"
    assert "exported 1 reviewed segments (machine ones left out) of 1 briefing" in result.stderr
    mixed = run_cli(project, "export", "--format", "tmx", fake=True)
    assert len(ET.fromstring(mixed.stdout).findall("body/tu")) == 3  # title and 2 sentences


@pytest.mark.parametrize("name", ["a.txt", "a", "a.corrections", "seeds/a.txt", "./seeds/a"])
def test_review_finds_a_seed_by_its_names(make_project: ProjectFactory, name: str) -> None:
    project = make_project({"a.txt": A})
    result = run_cli(project, "review", name, fake=True)
    if name == "a.corrections":
        assert result.returncode == 2
    else:
        assert result.returncode == 0, result.stderr


def test_reviewed_state_in_the_index_and_the_page(make_project: ProjectFactory) -> None:
    project = make_project({"a.txt": A})
    sidecar(project, "a").write_text(
        "- es: Primera nota.\n  en: First note.\n"
        f"- es: {SHARED}\n  en: The dog eats in the big house.\n"
        "- es: La ciudad celebra una fiesta.\n  en: The town is partying.\n",
        encoding="utf-8",
    )
    build(settings_for(project), engine=FakeEngine())
    page = area_page(project, "a")
    # The page's notice says the review state (one line, not two, on a phone's first screen).
    assert (
        '<p class="bf-notice" role="note" data-review="reviewed">Reviewed by an editor: every '
        "English sentence." in page
    )
    index = (settings_for(project).area / "index.md").read_text(encoding="utf-8")
    assert '<span class="bf-entry-review" data-review="reviewed">Reviewed</span>' in index


@pytest.mark.parametrize("name", ["trad\u202euccion.tmx", "a\x1b[2Jb.tmx", "c\udcffd.tmx"])
def test_an_imported_files_name_reaches_memory_yml_as_safe_text(
    make_project: ProjectFactory, tmp_path: Path, name: str
) -> None:
    """Whatever the TMX file is called, memory.yml gets no character a later build would
    warn about (a bidi override, an escape, bytes that are not UTF-8)."""
    project = make_project({"a.txt": A})
    units = tmp_path / name
    units.write_text(tmx([(SHARED, "The dog eats.")]), encoding="utf-8")
    assert run_cli(project, "import", str(units), fake=True).returncode == 0
    written = (project / "memory.yml").read_text(encoding="utf-8")
    assert written.isascii() or all(ch.isprintable() or ch == "\n" for ch in written)
    entries, problems = load_entries(project / "memory.yml")
    assert problems == [] and [e.en for e in entries] == ["The dog eats."]
    assert run_cli(project, "build", "--strict", fake=True).returncode == 0


def test_two_imports_at_once_both_reach_memory_yml(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    """Each import reads and writes memory.yml under the project's lock."""
    project = make_project({"a.txt": A, "b.txt": B})
    files = []
    for n, (es, en) in enumerate([(SHARED, "The dog eats."), ("Segunda nota.", "Second.")]):
        units = tmp_path / f"t{n}.tmx"
        units.write_text(tmx([(es, en)]), encoding="utf-8")
        files.append(units)
    imports = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.fake_run", "builder", "import", str(units)],
            cwd=project,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ, PYTHONPATH=str(REPO)),
        )
        for units in files
    ]
    for running in imports:
        _, errors = running.communicate(timeout=120)
        assert running.returncode == 0, errors
    entries, problems = load_entries(project / "memory.yml")
    assert problems == []
    assert sorted(e.en for e in entries) == ["Second.", "The dog eats."]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    keys=st.lists(st.text("abcé ", min_size=1, max_size=40), min_size=1, max_size=30),
    query=st.text("abcé ", min_size=1, max_size=40),
)
def test_near_matches_scored_by_length_window_are_those_of_all_keys(
    keys: list[str], query: str
) -> None:
    """Only keys of a length that can reach the near score are compared: the best near
    match found is the best of all of them."""
    path = Path("memory.yml")
    shared = {}
    for key in keys:
        if sentence_key(key):
            shared[sentence_key(key)] = Entry(key, "x", path, 0, "reviewed")
    memory = Memory(shared=shared)
    found = memory.near(query)
    choices = [k for k in shared if k != sentence_key(query)]
    best = process.extractOne(
        sentence_key(query), choices, scorer=fuzz.ratio, score_cutoff=NEAR_SCORE
    )
    assert [n.score for n in found] == ([best[1]] if best else [])


LATIN_TEXT = st.text(st.sampled_from("abcñáéíóúü ÑÁÉ¿¡.,"), min_size=1, max_size=30).filter(
    lambda t: t.strip() and " ".join(t.split()) == t
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    es=LATIN_TEXT,
    en=LATIN_TEXT,
    written=st.sampled_from(["utf-8", "iso-8859-1", "cp1252"]),
    declared=st.sampled_from(["UTF-8", "utf-8", "ISO-8859-1", "latin-1", "windows-1252", None]),
)
def test_a_tmx_is_read_as_written_or_refused_never_garbled(
    es: str, en: str, written: str, declared: str | None
) -> None:
    """Whatever encoding a TMX file declares and whatever its bytes are, its units are read
    as the translator wrote them, or the file is refused with what to change: a file that
    declares ISO-8859-1 with UTF-8 bytes never brings 'Ã©' into the memory."""
    head = f'<?xml version="1.0" encoding="{declared}"?>\n' if declared else ""
    body = (
        f'{head}<tmx version="1.4"><header srclang="es"/><body><tu>'
        f'<tuv xml:lang="es"><seg>{es}</seg></tuv><tuv xml:lang="en"><seg>{en}</seg></tuv>'
        "</tu></body></tmx>\n"
    )
    text = es + en
    as_utf8 = declared is None or declared.lower() == "utf-8"
    correct = text.isascii() or as_utf8 == (written == "utf-8")
    # One-byte text whose bytes also happen to be UTF-8 ('Ñ¡' is D1 A1, U+0461): no reader
    # can tell which was meant.
    ambiguous = written != "utf-8" and not text.isascii() and _is_utf8(text.encode(written))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.tmx"
        path.write_bytes(body.encode(written))
        try:
            units, _ = read_tmx(path)
        except TmxError as error:
            assert "t.tmx" in str(error)
            assert not correct or ambiguous, str(error)  # a right declaration is read
            return
        if not ambiguous:
            assert [(u.es, u.en) for u in units] == [(es, en)]


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
