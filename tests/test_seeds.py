"""Read stage: seed files in, seeds or located errors out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from builder.errors import SeedError
from builder.seeds import SeedFile, discover, read_seed, slug_for


def read(tmp_path: Path, content: str | bytes, name: str = "nota.txt") -> SeedFile:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return SeedFile(path, slug_for(path.stem))


def test_title_then_paragraphs_without_blank_lines(tmp_path: Path) -> None:
    seed, warnings = read_seed(read(tmp_path, "Título\nUno. Dos.\nTres.\n"))
    assert seed.title == "Título"
    assert [p.text for p in seed.paragraphs] == ["Uno. Dos.", "Tres."]
    assert [p.line for p in seed.paragraphs] == [2, 3]
    assert warnings == []


def test_blank_lines_and_spaces_are_folded(tmp_path: Path) -> None:
    seed, _ = read_seed(read(tmp_path, "\n\n  Título  \n\nUno\t  dos.\n\n\nTres.\n"))
    assert seed.title == "Título"
    assert seed.title_line == 3
    assert [(p.text, p.line) for p in seed.paragraphs] == [("Uno dos.", 5), ("Tres.", 8)]


def test_bom_and_crlf(tmp_path: Path) -> None:
    data = "\ufeffTítulo\r\nPárrafo uno.\r\nPárrafo dos.\r\n".encode()
    seed, _ = read_seed(read(tmp_path, data))
    assert seed.title == "Título"
    assert [p.text for p in seed.paragraphs] == ["Párrafo uno.", "Párrafo dos."]


def test_utf16_with_bom(tmp_path: Path) -> None:
    seed, _ = read_seed(read(tmp_path, "Título\nTexto.\n".encode("utf-16")))
    assert (seed.title, seed.paragraphs[0].text) == ("Título", "Texto.")


def test_front_matter(tmp_path: Path) -> None:
    text = (
        "---\ndate: 2024-06-21\nsource: El País\nurl: https://example.org/a\n"
        "author: Ana\ntags: [Rusia, Corea]\n---\nTítulo\nTexto.\n"
    )
    seed, warnings = read_seed(read(tmp_path, text))
    assert seed.meta.date == dt.date(2024, 6, 21)
    assert seed.meta.source == "El País"
    assert seed.meta.url == "https://example.org/a"
    assert seed.meta.author == "Ana"
    assert seed.meta.tags == ("Rusia", "Corea")
    assert seed.title == "Título"
    assert seed.title_line == 8
    assert warnings == []


def test_unknown_front_matter_key_is_a_warning_with_its_line(tmp_path: Path) -> None:
    seed, warnings = read_seed(read(tmp_path, "---\ndate: 2024-01-02\ncolor: red\n---\nT\nB.\n"))
    assert seed.title == "T"
    assert [(w.line, w.severity) for w in warnings] == [(3, "warning")]
    assert "unknown front matter key 'color' ignored" in warnings[0].message


@pytest.mark.parametrize(
    ("content", "message", "line"),
    [
        ("", "is empty: write the title on the first line, then paragraphs", None),
        ("  \n\n \t\n", "is empty: write the title on the first line, then paragraphs", None),
        ("\nSolo un título\n\n", "has a title but no paragraphs", 2),
        ("---\ndate: 2024-01-01\nTítulo\n", "front matter starts with '---' but never ends", 1),
        ("---\ndate: [1, 2\n---\nT\nB.\n", "front matter is not valid YAML", 2),
        ("---\n- a\n- b\n---\nT\nB.\n", "front matter must be 'key: value' lines", 2),
        ("---\nsource: x\ndate: ayer\n---\nT\nB.\n", "front matter 'date' must be a date", 3),
        ("---\nurl: javascript:alert(1)\n---\nT\nB.\n", "front matter 'url' must be an http", 2),
        ("---\ntags: {a: 1}\n---\nT\nB.\n", "front matter 'tags' must be a list of words", 2),
    ],
)
def test_bad_seeds_name_the_problem_and_line(
    tmp_path: Path, content: str, message: str, line: int | None
) -> None:
    seed_file = read(tmp_path, content)
    with pytest.raises(SeedError) as caught:
        read_seed(seed_file)
    assert caught.value.message.startswith(message)
    assert caught.value.line == line
    assert str(caught.value).startswith(str(seed_file.path))


def test_invalid_utf8_names_byte_offset_and_line(tmp_path: Path) -> None:
    seed_file = read(tmp_path, b"T\xc3\xadtulo\nP\xe1rrafo.\n")
    with pytest.raises(SeedError) as caught:
        read_seed(seed_file)
    assert str(caught.value) == (
        f"{seed_file.path}:2: is not valid UTF-8 (byte offset 9): it looks like Latin-1: "
        "save it as UTF-8, or declare 'encoding: latin-1' in the front matter"
    )


def test_nul_bytes_mean_binary(tmp_path: Path) -> None:
    seed_file = read(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(SeedError, match=r"looks binary \(NUL byte at offset 8\)"):
        read_seed(seed_file)


def test_control_characters_are_removed(tmp_path: Path) -> None:
    seed, _ = read_seed(read(tmp_path, "Tí\x1btulo\nUno\x07 dos.\n"))
    assert seed.title == "Tí tulo"
    assert seed.paragraphs[0].text == "Uno dos."


@pytest.mark.parametrize(
    ("stem", "slug"),
    [
        ("Putin en Corea", "putin-en-corea"),
        ("Año nuevo: ¿qué pasó?", "ano-nuevo-que-paso"),
        ("../../etc/passwd", "etcpasswd"),
        ("$(rm -rf ~); `x`", "rm-rf-x"),
        ("índex", "index-briefing"),
        ("日本", "briefing-cf2abf0c5b"),
    ],
)
def test_slugs_are_url_safe(stem: str, slug: str) -> None:
    assert slug_for(stem) == slug


def test_seeds_whose_names_give_one_slug_are_both_refused(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in ["Árbol.txt", "arbol.txt", "ARBOL.txt", "otro.txt"]:
        (seeds / name).write_text("T\nB.\n", encoding="utf-8")
    discovery = discover(seeds)
    assert [f.name for f in discovery.files] == ["otro.txt"]
    assert [str(p).removeprefix(f"{seeds}/") for p in discovery.problems] == [
        "ARBOL.txt: has the same web address (briefings/arbol/) as 'arbol.txt', 'Árbol.txt': "
        "rename one of them; until then neither is built, and a page published before stays",
        "arbol.txt: has the same web address (briefings/arbol/) as 'ARBOL.txt', 'Árbol.txt': "
        "rename one of them; until then neither is built, and a page published before stays",
        "Árbol.txt: has the same web address (briefings/arbol/) as 'ARBOL.txt', 'arbol.txt': "
        "rename one of them; until then neither is built, and a page published before stays",
    ]
    assert discovery.refused == {"ARBOL.txt", "arbol.txt", "Árbol.txt"}


def test_discover_sorts_ignores_other_files_and_refuses_outside_links(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "b.txt").write_text("B\nb.\n", encoding="utf-8")
    (seeds / "a.txt").write_text("A\na.\n", encoding="utf-8")
    (seeds / "manifest.tsv").write_text("x\n", encoding="utf-8")
    (seeds / ".hidden.txt").write_text("H\nh.\n", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("S\ns.\n", encoding="utf-8")
    (seeds / "link.txt").symlink_to(tmp_path / "secret.txt")
    (seeds / "inside.txt").symlink_to(seeds / "a.txt")
    discovery = discover(seeds)
    assert [f.path.name for f in discovery.files] == ["a.txt", "b.txt", "inside.txt"]
    assert [str(p) for p in discovery.problems] == [
        f"{seeds / 'link.txt'}: is a link to a file outside the seeds folder; refused"
    ]
