"""One bad file never stops the build: classes of hostile input, each beside a good seed.

Each class of the robustness issue has examples here with their exact messages; the
generated tests (test_generated_*.py) hunt for more members of the same classes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from builder.build import build
from builder.corrections import load_entries
from builder.errors import SeedError
from builder.glossary import load_glossary
from builder.seeds import SeedFile, read_seed, slug_for
from tests.conftest import REPO, FakeEngine, ProjectFactory, run_cli, run_mkdocs, settings_for

GOOD = "Una nota buena.\nEl perro come en la casa grande.\n"


def front(yaml: str) -> str:
    return f"---\n{yaml}\n---\nTítulo.\nEl perro come.\n"


def read_text_seed(tmp_path: Path, content: str | bytes, name: str = "x.txt") -> SeedFile:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return SeedFile(path, slug_for(path.stem))


@pytest.mark.parametrize(
    ("content", "message", "line"),
    [
        (front("date: 2024-02-30"), "front matter 'date' '2024-02-30' is not a real date", 2),
        (front("date: 2024-01-01 25:00:00"), "front matter 'date' '2024-01-01 25:00:00' has a", 2),
        (front("date: !!timestamp 'x'"), "front matter uses a YAML type tag ('!!timestamp')", 2),
        (front("source: !!int 'abc'"), "front matter uses a YAML type tag ('!!int')", 2),
        (front("source: !!python/object:os.system x"), "front matter uses a YAML type tag", 2),
        (front("url: 'http://[::1'"), "front matter 'url' must be an http:// or https://", 2),
        (front("date: " + "9" * 5000), "front matter 'date' must be a date like 2024-06-21", 2),
        (front("tags: " + "[" * 50_000 + "]" * 50_000), "front matter is nested more than", 2),
        (front("source: &a x\nauthor: *a"), "front matter uses a YAML anchor ('&a')", 2),
        (front("source: x\nsource: y"), "front matter has the key 'source' twice", 3),
        (front("? [a, b]\n: c"), "front matter has a key that is a list or a map", 2),
        (front("draft: maybe"), "front matter 'draft' must be true or false", 2),
        (front("source: [a, b]"), "front matter 'source' must be a single line of text", 2),
        (front("tags: [" + "x" * 200 + "]"), "front matter 'tags' has a tag longer than", 2),
        (b"---\nencoding: rot13\n---\nT\nB.\n", "front matter 'encoding' 'rot13' is not a text", 2),
        (b"---\nencoding: hex\n---\nT\nB.\n", "front matter 'encoding' 'hex' is not a text", 2),
        (b"---\nencoding: idna\n---\nT\n\xff.\n", "is not valid idna (byte offset 25)", 5),
    ],
)
def test_front_matter_values_python_cannot_use_are_that_seeds_error(
    tmp_path: Path, content: str | bytes, message: str, line: int | None
) -> None:
    seed_file = read_text_seed(tmp_path, content)
    with pytest.raises(SeedError) as caught:
        read_seed(seed_file)
    assert caught.value.message.startswith(message), caught.value.message
    assert caught.value.line == line
    assert len(str(caught.value)) < 400


def test_utf7_lone_surrogates_are_replaced_with_a_warning(tmp_path: Path) -> None:
    seed_file = read_text_seed(tmp_path, b"---\nencoding: utf-7\n---\nT +2AA-x\nB.\n")
    seed, warnings = read_seed(seed_file)
    assert seed.title == "T x"
    assert [str(w) for w in warnings] == [
        f"{seed_file.path}:4: 1 character that cannot be shown (U+D800) replaced by spaces"
    ]


def test_windows_1252_advice_and_latin1_declared_for_windows_bytes(tmp_path: Path) -> None:
    data = "Título\n“Comillas” y 5 €.\n".encode("windows-1252")
    with pytest.raises(SeedError) as caught:
        read_seed(read_text_seed(tmp_path, data))
    assert "it looks like Windows-1252 (it has € or curly quotes there)" in caught.value.message
    assert "declare 'encoding: windows-1252'" in caught.value.message
    seed, warnings = read_seed(read_text_seed(tmp_path, b"---\nencoding: latin-1\n---\n" + data))
    assert [w.message for w in warnings] == [
        "3 characters that cannot be shown (U+0093, U+0094, U+0080) replaced by spaces; "
        "the file is probably Windows-1252: declare 'encoding: windows-1252'"
    ]
    seed, warnings = read_seed(
        read_text_seed(tmp_path, b"---\nencoding: windows-1252\n---\n" + data)
    )
    assert seed.paragraphs[0].text == "“Comillas” y 5 €." and warnings == []
    neither = b"T\nA \x81 byte Windows-1252 does not have.\n"
    with pytest.raises(SeedError, match="neither UTF-8 nor Windows-1252"):
        read_seed(read_text_seed(tmp_path, neither))


def test_utf16_without_bom_is_named(tmp_path: Path) -> None:
    with pytest.raises(SeedError, match="looks like UTF-16 without a byte-order mark"):
        read_seed(read_text_seed(tmp_path, "Título\nTexto.\n".encode("utf-16-le")))


SIDECAR_CASES = [
    ("- es: a\n  en: b\x0b\n", "1 character that cannot be shown (U+000B) replaced by spaces"),
    ("- es: !!int 'abc'\n  en: b\n", "uses a YAML type tag ('!!int'): write the value plainly"),
    (
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n",
        "uses a YAML anchor ('&a'): write each value out in full",
    ),
    (
        "- es: a\n   en: b\n",
        "is not valid YAML: a ':' where it cannot be: is the indentation right? (else put the text in quotes)",
    ),
    ("- es: a\n en: b\n", "is not valid YAML: the indentation is off: line up the entries"),
    ("%YAML 1.1\n- es: a\n  en: b\n", "has a line starting with '%' (a YAML directive"),
    ("- es: a\n  en: b\n- es: a\n  en: c\n", "a second entry for the same sentence"),
]


@pytest.mark.parametrize(("text", "message"), SIDECAR_CASES)
def test_sidecar_problems_are_messages_never_exceptions(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "x.corrections.yml"
    path.write_text(text, encoding="utf-8")
    _, problems = load_entries(path)
    assert [p.message for p in problems if p.message.startswith(message[:30])] != [], problems
    assert all(len(str(p)) < 400 for p in problems)


def test_billion_laughs_glossary_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "glossary.yml"
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, 10):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]")
    lines.append("keep: *a9")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    glossary, problems = load_glossary(path)
    assert glossary.terms == {}
    assert [str(p) for p in problems] == [
        f"{path}:1: uses a YAML anchor ('&a0'): write each value out in full"
    ]


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def test_named_pipes_never_hang_the_build(make_project: ProjectFactory) -> None:
    project = make_project({"a.txt": GOOD, "b.txt": GOOD})
    fifo(project / "seeds" / "b.corrections.yml")
    fifo(project / "seeds" / "pipe.txt")
    fifo(project / "glossary.yml")
    result = run_cli(project, "build", fake=True)  # run_cli's time-out fails a hang
    assert result.returncode == 1
    assert result.stderr.splitlines()[:3] == [
        "ERROR: glossary.yml: is a named pipe, not a text file",
        "ERROR: seeds/b.corrections.yml: is a named pipe, not a text file",
        "ERROR: seeds/pipe.txt: is not a regular file (a named pipe or a device?): seeds are "
        "text files",
    ]
    assert (project / "site_src" / "briefings" / "a.md").is_file()


def test_odd_entries_in_the_seeds_folder_are_reported(make_project: ProjectFactory) -> None:
    project = make_project({"good.txt": GOOD})
    seeds = project / "seeds"
    (seeds / "carpeta.txt").mkdir()
    (seeds / "colgado.txt").symlink_to(seeds / "no-existe.txt")
    (seeds / "bucle.txt").symlink_to(seeds / "bucle.txt")
    os.mkfifo(seeds / "tubo.txt")
    long_name = "á" * 120 + ".txt"  # 244 bytes: its temp file name used to pass 255
    (seeds / long_name).write_text(GOOD, encoding="utf-8")
    bad_name = os.fsencode(seeds) + b"/ventana-\xe9.txt"  # Latin-1 name from a Windows zip
    with open(bad_name, "wb") as handle:
        handle.write(GOOD.encode())
    (seeds / "color-\x1b[31mrojo.txt").write_text(GOOD, encoding="utf-8")
    # Names an editor meant as a seed or a corrections file, which are not read as one.
    (seeds / "nota.txt ").write_text(GOOD, encoding="utf-8")
    (seeds / "nota.TXT.").write_text(GOOD, encoding="utf-8")
    (seeds / "nota.txt\xa0").write_text(GOOD, encoding="utf-8")
    (seeds / "otro-\x1b.md").write_text(GOOD, encoding="utf-8")
    names = ("corrections.yaml", "Corrections.yml", "corrections.yml ", "corrections.yml.txt")
    for name in (f"good.{suffix}" for suffix in names):
        (seeds / name).write_text("- es: Una nota buena.\n  en: A good one.\n", "utf-8")
    with open(os.fsencode(seeds) + b"/x-\xe9.corrections.yml", "wb") as handle:
        handle.write(b"- es: Hola.\n  en: Hi.\n")
    report = build(settings_for(project), engine=FakeEngine())
    messages = sorted(str(p).removeprefix(f"{seeds}/") for p in report.problems)
    assert messages == [
        "bucle.txt: is a symbolic link that points to itself (a link loop)",
        "carpeta.txt: is a folder, not a seed file: rename it so that it does not end in .txt",
        "colgado.txt: is a link to a file that does not exist",
        "color-\\x1b[31mrojo.txt: has a file name with characters that cannot be shown (not "
        "UTF-8, or control characters): rename the file",
        "good.Corrections.yml: is spelled otherwise than '.corrections.yml', so it is not "
        "read as a corrections file: rename it to end in '.corrections.yml'",
        "good.corrections.yaml: is spelled otherwise than '.corrections.yml', so it is not "
        "read as a corrections file: rename it to end in '.corrections.yml'",
        "good.corrections.yml : has spaces, dots or invisible characters after its suffix, so "
        "it is not read as a corrections file: rename it to end in '.corrections.yml'",
        "good.corrections.yml.txt: looks like a corrections file saved with '.txt' after its "
        "name (as Notepad does): it is not read as a seed; rename it to end in "
        "'.corrections.yml'",
        "nota.TXT.: has spaces, dots or invisible characters after its suffix, so it is not "
        "read as a seed: rename it to end in '.txt'",
        "nota.txt : has spaces, dots or invisible characters after its suffix, so it is not "
        "read as a seed: rename it to end in '.txt'",
        "nota.txt\\xa0: has spaces, dots or invisible characters after its suffix, so it is "
        "not read as a seed: rename it to end in '.txt'",
        "otro-\\x1b.md: has a name with characters that cannot be shown (not UTF-8?): rename it",
        "tubo.txt: is not a regular file (a named pipe or a device?): seeds are text files",
        "ventana-\\udce9.txt: has a file name with characters that cannot be shown (not UTF-8, "
        "or control characters): rename the file",
        "x-\\udce9.corrections.yml: has characters that cannot be shown in its name (not "
        "UTF-8?), so it is not read as a corrections file: rename it to end in "
        "'.corrections.yml'",
    ]
    assert all(not p.is_error for p in report.problems if "not read" in p.message)
    assert (settings_for(project).area / "good.md").read_text("utf-8").count("A good one.") == 0
    pages = sorted(p.name for p in settings_for(project).area.glob("*.md"))
    long_slug = "a" * 69 + "-" + slug_for("á" * 120)[-10:]
    assert pages == [f"{long_slug}.md", "editors.md", "good.md", "index.md"]
    assert report.skipped == 6  # the names that are not seeds are not counted


def test_escape_sequences_never_reach_the_terminal(make_project: ProjectFactory) -> None:
    project = make_project({"good.txt": GOOD})
    (project / "seeds" / "x\x1b]0;pwned\x07.txt").write_text(GOOD, encoding="utf-8")
    (project / "seeds" / "y.txt").write_text(front("source: \x1b[2J"), encoding="utf-8")
    result = run_cli(project, "build", fake=True)
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "x\\x1b]0;pwned\\x07.txt" in result.stderr


def test_a_character_apertium_stops_at_costs_no_other_seed_its_page(
    make_project: ProjectFactory,
) -> None:
    """U+FFFF is replaced on reading (with a warning); even if an engine stopped reading at
    some character, the batch is split so that only that seed fails (fake engine's fault)."""
    project = make_project(
        {"a-first.txt": "Primero.\nEl \uffff perro come.\n", "b.txt": GOOD, "c.txt": GOOD}
    )
    report = build(settings_for(project), engine=FakeEngine())
    assert [p.message for p in report.problems] == [
        "1 character that cannot be shown (U+FFFF) replaced by spaces"
    ]
    assert report.problems[0].line == 2
    stuck = make_project({"a.txt": "Primero.\nEl gato raro.\n", "b.txt": GOOD, "c.txt": GOOD})
    engine = FakeEngine(fail_on="raro")
    report = build(settings_for(stuck), engine=engine)
    assert [(p.path.name, p.is_error) for p in report.problems] == [("a.txt", True)]
    assert sorted(p.name for p in settings_for(stuck).area.glob("*.md")) == [
        "b.md",
        "c.md",
        "editors.md",
        "index.md",
    ]
    assert len(engine.calls) <= 2 * 3 + 1  # a few halvings, not one call per segment


def test_noncharacters_keep_feed_front_matter_and_tmx_well_formed(
    make_project: ProjectFactory,
) -> None:
    project = make_project(
        {
            "nota.txt": "---\ndate: 2024-06-21\n---\nTítulo \ufffe raro \U0010ffff.\nTexto.\n",
            "good.txt": GOOD,
        }
    )
    result = run_cli(project, "build", fake=True)
    assert result.returncode == 0, result.stderr
    area = settings_for(project).area
    feed = ET.parse(area / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [e.findtext(f"{atom}title") for e in feed.iter(f"{atom}entry")]
    assert titles == ["Título raro ."]  # the Spanish title leads
    summaries = [e.text for e in feed.iter(f"{atom}summary")]
    assert summaries == ["Title raro . (machine translation) — Text."]
    page = (area / "nota.md").read_text(encoding="utf-8")
    assert "\ufffe" not in page
    assert '\ntitle: "Título raro ."\n' in page
    tmx = run_cli(project, "export", "--format", "tmx", fake=True)
    assert tmx.returncode == 0, tmx.stderr
    ET.fromstring(tmx.stdout)


def manifest_of(project: Path) -> Path:
    return settings_for(project).area / ".briefings-manifest.json"


def test_a_tampered_manifest_never_steers_a_delete_or_a_link(make_project: ProjectFactory) -> None:
    import json

    project = make_project({"a.txt": GOOD, "b.txt": GOOD})
    settings = settings_for(project)
    build(settings, engine=FakeEngine())
    path = manifest_of(project)
    data = json.loads(path.read_text(encoding="utf-8"))
    victim = project / "mkdocs.yml"
    record = data["records"]["b.txt"]
    data["records"]["gone.txt"] = dict(record, page="../../mkdocs.yml")
    data["records"]["evil.txt"] = dict(
        record,
        page="javascript:alert(1).md",
        entry=dict(record["entry"], slug="javascript:alert(1)"),
    )
    data["lists"].append("../../README.md")
    data["lists"].append("tags/../../../mkdocs.yml")
    path.write_text(json.dumps(data), encoding="utf-8")
    (project / "README.md").write_text("keep me\n", encoding="utf-8")
    report = build(settings, engine=FakeEngine())
    assert victim.is_file() and (project / "README.md").is_file()
    messages = [p.message for p in report.problems]
    assert sum("is not valid" in m for m in messages) == 2
    assert sum("is not one the builder writes" in m for m in messages) == 2
    index = (settings.area / "index.md").read_text(encoding="utf-8")
    assert "javascript:" not in index


def test_symlinked_area_and_lock_are_refused(make_project: ProjectFactory, tmp_path: Path) -> None:
    project = make_project({"a.txt": GOOD})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / "site_src" / "briefings").symlink_to(elsewhere)
    result = run_cli(project, "build", fake=True)
    assert result.returncode == 2
    assert "is a symbolic link; the builder writes only into real folders" in result.stderr
    assert list(elsewhere.iterdir()) == []
    (project / "site_src" / "briefings").unlink()
    target = tmp_path / "precious.txt"
    target.write_text("precious\n", encoding="utf-8")
    cache = project / ".briefings-cache"
    cache.mkdir(exist_ok=True)
    (cache / "build.lock").unlink(missing_ok=True)
    (cache / "build.lock").symlink_to(target)
    result = run_cli(project, "build", fake=True)
    assert result.returncode == 2
    assert "build.lock' is a symbolic link" in result.stderr
    assert target.read_text(encoding="utf-8") == "precious\n"
    (cache / "build.lock").unlink()
    os.link(target, cache / "build.lock")  # a second name of another file
    result = run_cli(project, "build", fake=True)
    assert result.returncode == 2 and "second name of another file" in result.stderr
    assert target.read_text(encoding="utf-8") == "precious\n"
    # The cache folder itself a link: nothing is written or removed where it points.
    (cache / "build.lock").unlink()
    cache.rename(tmp_path / "elsewhere")
    cache.symlink_to(tmp_path / "elsewhere")
    before = sorted(p.name for p in (tmp_path / "elsewhere").rglob("*"))
    for command in (["build"], ["status"]):
        result = run_cli(project, *command, fake=True)
        assert result.returncode == 2 and "cache' is a symbolic link" in result.stderr
    mkdocs = run_mkdocs(project, fake=True)
    assert mkdocs.returncode != 0 and "is a symbolic link" in mkdocs.stderr
    assert sorted(p.name for p in (tmp_path / "elsewhere").rglob("*")) == before


def test_damaged_foreign_and_newer_caches(make_project: ProjectFactory) -> None:
    import sqlite3

    project = make_project({"a.txt": GOOD})
    cache = project / ".briefings-cache" / "translations.sqlite3"
    cache.parent.mkdir()
    cache.write_bytes(b"SQLite format 3\x00" + os.urandom(3000))
    result = run_cli(project, "build", fake=True)
    assert result.returncode == 0, result.stderr
    assert "translations.sqlite3: was damaged" in result.stderr
    assert (cache.parent / "translations.sqlite3.damaged-1").is_file()
    assert (settings_for(project).area / "a.md").is_file()
    # A database of some other program: moved aside too.
    cache.unlink()
    with sqlite3.connect(cache) as db:
        db.execute("CREATE TABLE accounts (id INTEGER)")
    result = run_cli(project, "build", fake=True)
    assert "holds tables that are not the builder's" in result.stderr
    assert (cache.parent / "translations.sqlite3.damaged-2").is_file()
    # A newer builder's cache: refused, left alone.
    with sqlite3.connect(cache) as db:
        db.execute("PRAGMA user_version=99")
    result = run_cli(project, "build", fake=True)
    assert result.returncode == 2
    assert "was made by a newer version of the builder (cache schema 99" in result.stderr
    assert "Traceback" not in result.stderr


def test_state_paths_of_the_wrong_kind_give_one_line(make_project: ProjectFactory) -> None:
    project = make_project({"a.txt": GOOD})
    (project / ".briefings-cache").write_text("not a folder\n", encoding="utf-8")
    result = run_cli(project, "build", fake=True)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("briefings: error: ")
    assert "is not a folder" in result.stderr
    (project / ".briefings-cache").unlink()
    manifest = settings_for(project).area / ".briefings-manifest.json"
    manifest.mkdir(parents=True)
    result = run_cli(project, "build", fake=True)
    assert result.returncode == 2
    assert "briefings-manifest.json' is not a file" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 2 MB file system (tmpfs), for a real full disk and a real read-only area."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (root is needed): {done.stderr.decode()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_full_and_read_only_disks_lose_nothing(small_disk: Path) -> None:
    from tests.conftest import write_project

    project = write_project(small_disk / "p", {"a.txt": GOOD})
    result = run_cli(project, "build", fake=True)
    assert result.returncode == 0, result.stderr
    page = settings_for(project).area / "a.md"
    published = page.read_bytes()
    (project / "seeds" / "a.txt").write_text(GOOD + "La ciudad celebra.\n", encoding="utf-8")
    (project / "seeds" / "b.txt").write_text(GOOD * 3, encoding="utf-8")
    filler = small_disk / "filler"
    subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=64k"], capture_output=True)
    result = run_cli(project, "build", fake=True)
    assert result.returncode == 2, result.stderr
    assert "disk is full" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert page.read_bytes() == published
    filler.unlink()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        result = run_cli(project, "build", fake=True)
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert result.returncode == 2
    assert "read-only" in result.stderr and "Traceback" not in result.stderr
    assert page.read_bytes() == published
    assert run_cli(project, "build", fake=True).returncode == 0


def test_stable_urls_twins_are_refused_and_keep_their_pages(make_project: ProjectFactory) -> None:
    rusia = "---\ndate: 2024-01-01\n---\nRusia.\nEl perro come.\n"
    project = make_project({"rusia.txt": rusia})
    settings = settings_for(project)
    build(settings, engine=FakeEngine())
    page = settings.area / "rusia.md"
    published = page.read_bytes()
    (project / "seeds" / "rusia.txt").write_text(front("date: 2024-02-30"), encoding="utf-8")
    (project / "seeds" / "Rusia.txt").write_text("Otra Rusia.\nEl gato come.\n", "utf-8")
    report = build(settings, engine=FakeEngine())
    assert page.read_bytes() == published  # neither takes the other's page
    assert sorted(p.path.name for p in report.problems if p.is_error) == ["Rusia.txt", "rusia.txt"]
    assert all("same web address" in p.message for p in report.problems)
    # Deleting one of the twins does not move the other to a new address.
    (project / "seeds" / "Rusia.txt").unlink()
    (project / "seeds" / "rusia.txt").write_text(rusia.replace("perro", "gato"), "utf-8")
    build(settings, engine=FakeEngine())
    assert "El gato come." in page.read_text(encoding="utf-8")
    # Names that look the same (composed and decomposed accents) say so.
    (project / "seeds" / "\u00c1rbol.txt").write_text("Uno.\nUno.\n", "utf-8")
    (project / "seeds" / "A\u0301rbol.txt").write_text("Dos.\nDos.\n", "utf-8")
    twins = [p.message for p in build(settings, engine=FakeEngine()).problems]
    assert len(twins) == 2 and all(
        "(the same letters, written with other Unicode code points)" in m for m in twins
    )


def test_a_huge_title_is_translated_in_bounded_pieces(make_project: ProjectFactory) -> None:
    title = "palabra " * 125_000  # a million characters on the title line
    project = make_project({"enorme.txt": title + "\nEl perro come.\n"})
    engine = FakeEngine()
    report = build(settings_for(project), engine=engine)
    assert report.problems == ()
    longest = max(len(text) for call in engine.calls for text in call)
    assert longest <= 1500


def test_config_errors_are_reported_together(make_project: ProjectFactory) -> None:
    yml = (
        (REPO / "mkdocs.yml")
        .read_text(encoding="utf-8")
        .replace(
            "engine: apertium",
            "engine: apertium\n      timeout: 0\n      request_timeout: 0\n"
            "      seed_encoding: bogus\n      jobs: -3\n      lock_wait: " + "9" * 400,
        )
    )
    project = make_project({"a.txt": GOOD}, mkdocs_yml=yml)
    result = run_cli(project, "build", fake=True)
    assert result.returncode == 2
    for key, message in [
        ("timeout", "must be 1 s or more (got 0)"),
        ("request_timeout", "must be 1 s or more (got 0)"),
        ("seed_encoding", "unknown encoding 'bogus'"),
        ("jobs", "must be 0 or more (got -3)"),
        ("lock_wait", "must be 1,000,000 s or less (got a number of 400 digits)"),
    ]:
        assert f"Plugin 'briefings' option '{key}': {message}" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 5  # one line each
    mkdocs = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert mkdocs.returncode == 1
    assert mkdocs.stderr.count("Plugin 'briefings' option") == 5


# Found by an attacker's pass over the first version of all this (one test per finding).


def test_a_folder_where_an_editors_file_should_be_is_that_files_error(
    make_project: ProjectFactory,
) -> None:
    project = make_project({"a.txt": GOOD, "b.txt": GOOD})
    (project / "seeds" / "b.corrections.yml").mkdir()
    (project / "glossary.yml").mkdir()
    (project / "memory.yml").mkdir()
    result = run_cli(project, "build", fake=True)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[:3] == [
        "ERROR: glossary.yml: is a folder, not a text file",
        "ERROR: memory.yml: is a folder, not a text file",
        "ERROR: seeds/b.corrections.yml: is a folder, not a text file",
    ]
    assert (settings_for(project).area / "a.md").is_file()


def test_export_writes_through_devices_pipes_and_links(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    project = make_project({"a.txt": GOOD})
    device = tmp_path / "null"
    os.mknod(device, 0o666 | 0o020000, os.makedev(1, 3))  # a character device, like /dev/null
    assert run_cli(project, "export", "-o", str(device), fake=True).returncode == 0
    assert device.is_char_device()
    target = tmp_path / "real.jsonl"
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    assert run_cli(project, "export", "-o", str(link), fake=True).returncode == 0
    assert link.is_symlink() and target.read_text(encoding="utf-8").count("\n") == 2
    to_stdout = run_cli(project, "export", "-o", "/dev/stdout", fake=True)
    assert to_stdout.returncode == 0 and to_stdout.stdout.count('"seed": "a.txt"') == 2


def test_a_pipe_in_place_of_a_page_is_replaced_not_read(make_project: ProjectFactory) -> None:
    project = make_project({"a.txt": GOOD})
    area = settings_for(project).area
    assert run_cli(project, "build", fake=True).returncode == 0
    (area / "a.md").unlink()
    os.mkfifo(area / "a.md")
    assert run_cli(project, "build", fake=True).returncode == 0  # run_cli fails a hang
    assert (area / "a.md").is_file() and "El perro come" in (area / "a.md").read_text("utf-8")


def test_corrections_follow_seeds_of_any_suffix_case_and_orphans_are_named(
    make_project: ProjectFactory,
) -> None:
    project = make_project({"Uno.TXT": GOOD})
    (project / "seeds" / "Uno.corrections.yml").write_text(
        "- es: El perro come en la casa grande.\n  en: The hound eats.\n  scope: seed\n",
        encoding="utf-8",
    )
    (project / "seeds" / "unoo.corrections.yml").write_text(
        "- es: Una frase.\n  en: A sentence.\n", encoding="utf-8"
    )
    report = build(settings_for(project), engine=FakeEngine())
    assert "The hound eats." in (settings_for(project).area / "uno.md").read_text("utf-8")
    assert [p.message for p in report.problems] == [
        "has no seed named 'unoo.txt': its reviewed sentences still apply wherever they "
        "appear; rename it if it belongs to a seed, or move its entries to memory.yml"
    ]
    (project / "seeds" / "Uno.corrections.yml").write_text(
        "- es: El perro come\n  en: x\n  state: bogus\n", encoding="utf-8"
    )
    report = build(settings_for(project), engine=FakeEngine())
    assert ("Uno.corrections.yml", True) in [(p.path.name, p.is_error) for p in report.problems]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            '- es: "El perro come en la casa grande."\n  en: "The hound eats."\n'
            '  machine: "0123456789"\n',
            "has a 'machine:' line but no 'state:'",
        ),
        (
            '- es: "El perro come en la casa grande."\n  en: "The hound eats."\n  state: machine\n',
            "'state: machine' needs the 'machine:' line",
        ),
    ],
)
def test_a_half_edited_review_entry_is_an_error_not_a_guess(
    make_project: ProjectFactory, entry: str, message: str
) -> None:
    project = make_project({"a.txt": GOOD})
    (project / "seeds" / "a.corrections.yml").write_text(entry, encoding="utf-8")
    report = build(settings_for(project), engine=FakeEngine())
    assert next(p.message for p in report.problems if p.is_error).startswith(message)
    refused = run_cli(project, "review", "a.txt", fake=True)
    assert refused.returncode == 2 and "fix it first" in refused.stderr
    assert (project / "seeds" / "a.corrections.yml").read_text(encoding="utf-8") == entry


def test_review_and_import_keep_an_editors_comments_and_fields(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    project = make_project({"a.txt": GOOD})
    assert run_cli(project, "review", "a.txt", fake=True).returncode == 0
    sidecar = project / "seeds" / "a.corrections.yml"
    text = sidecar.read_text(encoding="utf-8")
    sidecar.write_text(
        text.replace(
            '- es: "Una nota buena."',
            '# Ana: check the title with the desk\n- es: "Una nota buena."',
        ),
        encoding="utf-8",
    )
    assert run_cli(project, "review", "a.txt", fake=True).returncode == 0
    assert '# Ana: check the title with the desk\n- es: "Una nota buena."' in sidecar.read_text(
        encoding="utf-8"
    )
    memory = project / "memory.yml"
    memory.write_text(
        "# Team memory, kept by Ana.\n"
        "# Agreed with the desk in June.\n"
        '- es: "El perro come en la casa grande."\n  en: "The dog eats in the big house."\n',
        encoding="utf-8",
    )
    tmx = tmp_path / "t.tmx"
    tmx.write_text(
        '<tmx version="1.4"><header/><body><tu><tuv xml:lang="es"><seg>Una nota buena.</seg>'
        '</tuv><tuv xml:lang="en"><seg>A good note.</seg></tuv></tu></body></tmx>',
        encoding="utf-8",
    )
    result = run_cli(project, "import", str(tmx), fake=True)
    assert result.returncode == 0, result.stderr
    text = memory.read_text(encoding="utf-8")
    assert '# Agreed with the desk in June.\n- es: "El perro come' in text
    assert '- es: "Una nota buena."\n  en: "A good note."' in text
    memory.write_text(text + '\n- es: "Otra."\n  en: "Other."\n  scope: seed\n', "utf-8")
    report = build(settings_for(project), engine=FakeEngine())
    assert "'scope: seed' is for a seed's corrections file" in report.problems[0].message


def test_editors_files_keep_their_mode_and_are_never_replaced_when_they_are_links(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    project = make_project({"a.txt": GOOD, "b.txt": GOOD.replace("buena", "mala")})
    sidecar = project / "seeds" / "a.corrections.yml"
    assert run_cli(project, "review", "a.txt", fake=True).returncode == 0
    sidecar.chmod(0o600)
    text = sidecar.read_text(encoding="utf-8")
    sidecar.write_text(text.replace("state: machine", "state: approved", 1), encoding="utf-8")
    assert run_cli(project, "review", "a.txt", fake=True).returncode == 0
    assert sidecar.read_text(encoding="utf-8").count("\n  state: approved\n") == 1
    assert sidecar.stat().st_mode & 0o777 == 0o600
    # A corrections file kept outside and linked in: refused like a seed linking out.
    outside = tmp_path / "shared-corrections.yml"
    outside.write_text('- es: "Una nota mala."\n  en: "A bad note."\n', encoding="utf-8")
    link = project / "seeds" / "b.corrections.yml"
    link.symlink_to(outside)
    report = build(settings_for(project), engine=FakeEngine())
    assert [str(p) for p in report.problems if p.is_error] == [
        f"{link}: is a link to a file outside the seeds folder; refused"
    ]
    refused = run_cli(project, "review", "b.txt", fake=True)
    assert refused.returncode == 2 and "outside the seeds folder; refused" in refused.stderr
    # Linked within the seeds folder it is read, and review never puts a file in the
    # link's place (the editor would go on editing the target, which would not change).
    link.unlink()
    (project / "seeds" / "shared").mkdir()
    inside = project / "seeds" / "shared" / "b.yml"
    inside.write_text('- es: "Una nota mala."\n  en: "A bad note."\n', encoding="utf-8")
    link.symlink_to(inside)
    assert build(settings_for(project), engine=FakeEngine()).problems == ()
    result = run_cli(project, "review", "b.txt", fake=True)
    assert result.returncode == 2
    assert "b.corrections.yml is a symbolic link" in result.stderr
    assert "nothing was written" in result.stderr
    assert link.is_symlink()
    assert inside.read_text(encoding="utf-8") == '- es: "Una nota mala."\n  en: "A bad note."\n'
    # memory.yml as a link: import writes nothing rather than replace it.
    memory = project / "memory.yml"
    target = tmp_path / "team-memory.yml"
    target.write_text("", encoding="utf-8")
    memory.symlink_to(target)
    units = tmp_path / "t.tmx"
    units.write_text(
        '<tmx version="1.4"><header/><body><tu><tuv xml:lang="es"><seg>El perro come en la '
        'casa grande.</seg></tuv><tuv xml:lang="en"><seg>The dog eats at the big house.</seg>'
        "</tuv></tu></body></tmx>",
        encoding="utf-8",
    )
    imported = run_cli(project, "import", str(units), fake=True)
    assert imported.returncode == 2 and "memory.yml is a symbolic link" in imported.stderr
    assert memory.is_symlink() and target.read_text(encoding="utf-8") == ""


def test_an_import_that_would_outgrow_the_memory_writes_nothing(
    make_project: ProjectFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project({"a.txt": GOOD})
    english = "x " * 40_000  # within one unit's limit, over a small memory limit below
    tmx = tmp_path / "big.tmx"
    tmx.write_text(
        '<tmx version="1.4"><header/><body><tu><tuv xml:lang="es"><seg>Una nota buena.</seg>'
        f'</tuv><tuv xml:lang="en"><seg>{english[:19_000]}</seg></tuv></tu></body></tmx>',
        encoding="utf-8",
    )
    yml = project / "mkdocs.yml"
    result = run_cli(project, "import", str(tmx), fake=True)
    assert result.returncode == 0  # 19,000 characters fit the 64 MB memory
    assert (project / "memory.yml").stat().st_size < 64 << 20
    huge = tmp_path / "huge.tmx"
    huge.write_text(
        '<tmx version="1.4"><header/><body><tu><tuv xml:lang="es"><seg>Una nota buena.</seg>'
        f'</tuv><tuv xml:lang="en"><seg>{english}</seg></tuv></tu></body></tmx>',
        encoding="utf-8",
    )
    result = run_cli(project, "import", str(huge), "--replace", fake=True)
    assert "longer than 20,000 characters" in result.stderr
    assert yml.is_file()


def test_pathological_sentences_tags_and_lengths_are_bounded(make_project: ProjectFactory) -> None:
    project = make_project(
        {
            "comillas.txt": "Título.\n" + "«a. " * 60_000 + "\n",  # quadratic in sentencex
            "etiquetas.txt": "---\ntags: ["
            + ", ".join(f"t{n}" for n in range(200))
            + "]\n---\nT\nB.\n",
            "frases.txt": "Título.\n" + "Una. " * 6_000 + "\n",
            "good.txt": GOOD,
        }
    )
    result = run_cli(project, "build", fake=True)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert errors == [
        "ERROR: seeds/etiquetas.txt:2: front matter 'tags' has 200 tags; a briefing may have "
        "at most 50",
        "ERROR: seeds/frases.txt: has 6,001 sentences; a briefing may have at most 5,000 (a "
        "news article has about 50): split the seed",
    ]
    assert (settings_for(project).area / "comillas.md").is_file()


def test_tmx_deep_nesting_and_odd_encodings(make_project: ProjectFactory, tmp_path: Path) -> None:
    project = make_project({"a.txt": GOOD})
    deep = tmp_path / "deep.tmx"
    deep.write_text(
        '<tmx version="1.4"><header/><body><tu><tuv xml:lang="es"><seg>'
        + "<hi>" * 5000
        + "Una nota buena."
        + "</hi>" * 5000
        + '</seg></tuv><tuv xml:lang="en"><seg>A good note.</seg></tuv></tu></body></tmx>',
        encoding="utf-8",
    )
    result = run_cli(project, "import", str(deep), fake=True)
    assert result.returncode == 0, result.stderr
    assert "took 1 reviewed translation into" in result.stderr
    odd = tmp_path / "odd.tmx"
    odd.write_text('<?xml version="1.0" encoding="rot13"?><tmx/>', encoding="utf-8")
    result = run_cli(project, "import", str(odd), fake=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "is not a TMX file this can read" in result.stderr


def test_messages_stay_short_and_counts_honest(make_project: ProjectFactory) -> None:
    long_tag = "!" + "x" * 200_000 + "!y 1"
    project = make_project({"a.txt": front(f"date: {long_tag}"), "b.txt": GOOD})
    stale = "".join(f"- es: Frase {n} que ya no está.\n  en: Gone {n}.\n" for n in range(500))
    (project / "seeds" / "b.corrections.yml").write_text(stale, encoding="utf-8")
    result = run_cli(project, "build", fake=True)
    assert max(len(line) for line in result.stderr.splitlines()) < 600
    lines = result.stderr.splitlines()
    assert sum("stale correction:" in line for line in lines) == 20
    assert any("480 more stale corrections" in line for line in lines)
    # A seed that fails keeps its last good page, and the summary counts it.
    (project / "seeds" / "a.txt").write_text(GOOD, encoding="utf-8")
    assert run_cli(project, "build", fake=True).returncode == 0
    (project / "seeds" / "a.txt").write_text(front("date: nunca"), encoding="utf-8")
    result = run_cli(project, "build", fake=True)
    assert result.stderr.splitlines()[-1].startswith("briefings: 2 briefings (0 rebuilt)")


def test_status_exits_1_on_errors_and_json_lists_problems(make_project: ProjectFactory) -> None:
    project = make_project({"a.txt": GOOD, "rota.txt": front("date: nunca")})
    result = run_cli(project, "status", "--format", "json", fake=True)
    assert result.returncode == 1
    problems = json.loads(result.stdout)["problems"]
    assert problems[0]["severity"] == "error" and problems[0]["file"].endswith("rota.txt")


def test_a_pipe_for_a_template_never_hangs_check(make_project: ProjectFactory) -> None:
    project = make_project({"a.txt": GOOD})
    (project / "templates" / "index.md.j2").unlink()
    os.mkfifo(project / "templates" / "index.md.j2")
    result = run_cli(project, "check")
    assert "templates/index.md.j2: is a named pipe, not a text file (error)" in result.stdout


def test_bidirectional_overrides_are_removed_with_a_warning(tmp_path: Path) -> None:
    seed, warnings = read_seed(read_text_seed(tmp_path, "T \u202etxet\u202c.\nB.\n"))
    assert seed.title == "T txet ."
    assert warnings[0].message.startswith("2 characters that cannot be shown (U+202E, U+202C)")


def test_a_byte_order_mark_inside_a_seed_is_removed_with_a_warning(tmp_path: Path) -> None:
    """Two files joined: the second one's BOM is inside the text (the first one's is fine)."""
    joined = "\ufeffTítulo\nUno.\n".encode() + "\ufeff---\nOtro párrafo.\n".encode()
    seed, warnings = read_seed(read_text_seed(tmp_path, joined))
    assert seed.title == "Título"
    assert [(w.line, w.message) for w in warnings] == [
        (3, "1 character that cannot be shown (U+FEFF) removed")
    ]
    assert "\ufeff" not in repr(seed)
    tagged, _ = read_seed(read_text_seed(tmp_path, "---\ntags: [Ru\ufeffsia]\n---\nT.\nB.\n"))
    assert tagged.meta.tags == ("Rusia",)  # one tag, not "Ru sia"


def test_a_locale_that_reads_names_in_another_encoding_moves_no_page(
    make_project: ProjectFactory,
) -> None:
    """Under a C locale without Python's UTF-8 mode, 'ñandú.txt' would be refused (or, in
    Latin-1, become 'aandao') and its published page removed: the build stops instead."""
    project = make_project({"ñandú.txt": GOOD})
    assert run_cli(project, "build", "-q", fake=True).returncode == 0
    area = project / "site_src" / "briefings"
    before = {p.name: p.read_bytes() for p in area.iterdir()}
    assert "nandu.md" in before
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONUTF8"))}
    result = subprocess.run(
        [sys.executable, "-m", "tests.fake_run", "builder", "build"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        env=env
        | {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0", "PYTHONPATH": str(REPO)},
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "briefings: error: file names are read as ascii, not UTF-8, in this locale (C); seeds "
        "would move to other web addresses: run with a UTF-8 locale (LANG=C.UTF-8) or "
        "PYTHONUTF8=1"
    )
    assert {p.name: p.read_bytes() for p in area.iterdir()} == before


def test_warnings_of_an_unchanged_editors_file_are_repeated_on_every_build(
    make_project: ProjectFactory,
) -> None:
    """A remembered memory.yml or sidecar still says its warnings: a second --strict build
    fails as the first did, and a changed seed keeps its unchanged sidecar's warning."""
    project = make_project({"a.txt": GOOD})
    (project / "memory.yml").write_text("- es: Hola.\n  en: Hel\u202elo.\n", encoding="utf-8")
    (project / "seeds" / "a.corrections.yml").write_text(
        "- es: El perro come en la casa grande.\n  en: The dog\u202e eats.\n", encoding="utf-8"
    )
    expected = [
        "WARNING: memory.yml:2: 1 character that cannot be shown (U+202E) replaced by spaces",
        "WARNING: seeds/a.corrections.yml:2: 1 character that cannot be shown (U+202E) "
        "replaced by spaces",
    ]
    for change in ("", "Hace sol.\n", ""):
        if change:
            seed = project / "seeds" / "a.txt"
            seed.write_text(GOOD + change, encoding="utf-8")
        result = run_cli(project, "build", "--strict", fake=True)
        assert result.returncode == 1
        assert sorted(result.stderr.splitlines()[:-1]) == expected


@pytest.mark.parametrize("blocked", ["a.md", "index.md", "tags", "tags/t.md"])
def test_something_in_the_place_of_one_page_costs_that_page_not_the_build(
    make_project: ProjectFactory, blocked: str
) -> None:
    """A folder where a page goes (or a file where its folder goes): one error for it, and
    every other page, the lists and the manifest are written."""
    project = make_project({"a.txt": "---\ntags: [T]\n---\n" + GOOD})
    settings = settings_for(project)
    build(settings, engine=FakeEngine())
    area = settings.area
    target = area / blocked
    if target.is_dir():
        shutil.rmtree(target)
        target.write_text("not a folder", encoding="utf-8")
    else:
        target.unlink()
        target.mkdir()
    (project / "seeds" / "b.txt").write_text("Nueva nota.\nHace sol.\n", encoding="utf-8")
    report = build(settings, engine=FakeEngine())
    assert [(p.path, p.is_error) for p in report.problems] == [(target, True)]
    assert report.problems[0].message.startswith("is in the place of a page the builder writes")
    assert (area / "b.md").is_file()
    index = area / "index.md"
    assert index.is_dir() if blocked == "index.md" else "Nueva nota." in index.read_text("utf-8")
    assert '"b.txt"' in (area / ".briefings-manifest.json").read_text(encoding="utf-8")
    result = run_cli(project, "build", fake=True)
    assert result.returncode == 1 and "is in the place of a page" in result.stderr


def test_a_tampered_record_never_claims_another_seeds_page(make_project: ProjectFactory) -> None:
    """A record whose page is not its own seed's, or a second record of one page, is
    ignored: a failing seed's last good entry never lists another briefing's address."""
    project = make_project({"a.txt": "Alfa título.\nAlfa.\n", "b.txt": "Beta título.\nBeta.\n"})
    settings = settings_for(project)
    build(settings, engine=FakeEngine())
    path = manifest_of(project)
    data = json.loads(path.read_text(encoding="utf-8"))
    a, b = data["records"]["a.txt"], data["records"]["b.txt"]
    data["records"]["A.txt"] = dict(a, entry=dict(a["entry"], title_es="NOT ALFA"))
    data["records"]["c.txt"] = dict(b, entry=dict(b["entry"], title_es="NOT BETA"))
    path.write_text(json.dumps(data), encoding="utf-8")
    # A.txt and a.txt now give one address: both refused, and a.txt's last good page stays.
    (project / "seeds" / "A.txt").write_text("Otro.\nOtro.\n", encoding="utf-8")
    (project / "seeds" / "c.txt").write_bytes(b"Gamma\x00.\n")
    report = build(settings, engine=FakeEngine())
    assert sorted(p.message for p in report.problems if p.path == path) == [
        "record 'A.txt' is not valid (another record has its page) and is ignored: its page "
        "is made again and never removed",
        "record 'c.txt' is not valid (its page is not the one its seed's name gives) and is "
        "ignored: its page is made again and never removed",
    ]
    index = (settings.area / "index.md").read_text(encoding="utf-8")
    assert "NOT ALFA" not in index and "NOT BETA" not in index
    assert "Alfa título." in index and "Beta título." in index


def test_an_editors_own_files_in_the_area_are_kept_and_published(
    make_project: ProjectFactory,
) -> None:
    """Files an editor keeps in the generated area (or in a folder named as output_dir):
    an 'editors.md' of theirs is their page, published like any other, not the builder's
    serve-only page; a '.notas.tmp' is not a leftover of the builder's."""
    project = make_project({"a.txt": "Alfa título.\nAlfa.\n"})
    area = settings_for(project).area
    area.mkdir(parents=True)
    (area / "editors.md").write_text("# Our editors\n\nAna, Luis.\n", encoding="utf-8")
    (area / ".notas.tmp").write_text("para mañana\n", encoding="utf-8")
    result = run_mkdocs(project, fake=True)
    assert result.returncode == 0, result.stderr
    assert (area / "editors.md").read_text(encoding="utf-8") == "# Our editors\n\nAna, Luis.\n"
    assert (area / ".notas.tmp").read_text(encoding="utf-8") == "para mañana\n"
    assert "Our editors" in (project / "site/briefings/editors/index.html").read_text("utf-8")
    assert (project / "site/briefings/a/index.html").is_file()


def test_an_unreadable_record_vouches_only_for_its_own_page(make_project: ProjectFactory) -> None:
    """A record that cannot be read makes its own page the builder's again (made again, as
    its warning says); it does not turn off the protection of every other file in the area,
    nor does a list entry the builder never writes."""
    project = make_project({"a.txt": "Alfa título.\nAlfa.\n", "b.txt": "Beta título.\nBeta.\n"})
    settings = settings_for(project)
    build(settings, engine=FakeEngine())
    path = manifest_of(project)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["records"]["b.txt"]["entry"]["date"] = "2024-13-45"
    data["lists"].append("notas.md")
    path.write_text(json.dumps(data), encoding="utf-8")
    (settings.area / "b.md").write_text("old\n", encoding="utf-8")
    (settings.area / "tags").mkdir(exist_ok=True)
    (settings.area / "tags" / "rio.md").write_text("# Mi página del río\n", encoding="utf-8")
    (project / "seeds" / "c.txt").write_text(
        "---\ntags: [rio]\n---\nGamma título.\nGamma.\n", encoding="utf-8"
    )
    report = build(settings, engine=FakeEngine())
    assert "Beta." in (settings.area / "b.md").read_text(encoding="utf-8")  # made again
    assert (settings.area / "tags" / "rio.md").read_text(encoding="utf-8") == (
        "# Mi página del río\n"
    )
    assert [p.path.name for p in report.problems if "did not write it" in p.message] == ["rio.md"]
