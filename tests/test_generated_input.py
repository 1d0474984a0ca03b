"""Hunting, not recalling: generated front matter, sidecars, glossaries, file names,
Unicode and tampered manifests, each built beside a good seed.

For every example: no exception escapes, the good seed is published, the feed and the TMX
export are well-formed, and nothing outside the generated area is written or deleted.
Example counts are fixed and derandomized, so CI runs the same examples every time.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data

from builder.build import build, gather
from builder.corrections import load_entries
from builder.errors import SeedError
from builder.glossary import load_glossary
from builder.seeds import SeedFile, near_miss, read_seed, slug_for
from builder.tmx import write_tmx
from tests.conftest import FakeEngine, settings_for, write_project

GOOD = "Una nota buena.\nEl perro come en la casa grande.\n"
GOOD_NAME = "zz-good.txt"
PROFILE = settings(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Pieces of YAML that have broken parsers and the code behind them.
NASTY_SCALARS = [
    "2024-02-30", "2024-13-01", "2024-01-01 25:00:00", "2024-01-01T10:00:00+99:00",
    "!!int 'abc'", "!!timestamp 'x'", "!!float 'y'", "!!binary AAAA", "!!python/name:os.system",
    "!!set {a, b}", "!!omap [a: 1]", "&a x", "*a", "*undefined", "9" * 5000, "0x" + "f" * 200,
    "1e999999", ".nan", "-.inf", "0o777", "1_000", "1:20:30", "~", "null", "yes", "No",
    "'unterminated", '"\\ud800"', '"\\x00"', "|\n  block", ">-\n  folded", "[" * 300,
    "{" * 300, "[a, [b, [c]]]", "{a: {b: {c: d}}}", "http://[::1", "javascript:alert(1)",
    "https://ok.example/a?b=c", "\x0b", "\ufffe", "\u2028", "\x1b[2J", "<script>", "{{ 7*7 }}",
    "'" + "x" * 3000 + "'", "? complex", "- item", "---", "...", "%YAML 1.1", "@at", "`tick",
    "Ana #2", "~ # unknown", "[a, b] # c", "a #b\n  c", "# only",
]  # fmt: skip
KEYS = ["date", "source", "url", "author", "tags", "encoding", "draft", "title", "1", "? [a]"]


@st.composite
def front_matter(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        key = draw(st.sampled_from(KEYS) | st.text(max_size=8))
        value = draw(st.sampled_from(NASTY_SCALARS) | st.text(max_size=20))
        indent = draw(st.sampled_from(["", "", " ", "  ", "\t"]))
        lines.append(f"{indent}{key}: {value}")
    return "\n".join(lines)


def assert_message_is_sane(message: str) -> None:
    assert message.isprintable(), message
    assert len(message) < 600, message[:200]


@settings(PROFILE, max_examples=400)
@given(
    yaml=front_matter(), encoding=st.sampled_from(["", "encoding: utf-7\n", "encoding: rot13\n"])
)
def test_any_front_matter_is_a_seed_or_its_error(yaml: str, encoding: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.txt"
        path.write_bytes(
            f"---\n{encoding}{yaml}\n---\nTítulo.\nTexto +2AA-.\n".encode("utf-8", "replace")
        )
        try:
            seed, warnings = read_seed(SeedFile(path, "x"))
        except SeedError as error:
            assert_message_is_sane(str(error).removeprefix(str(path)))
        else:
            assert seed.title and all(str(w).isprintable() for w in warnings)


SIDECAR_PIECES = [
    "- es: El perro come en la casa grande.\n  en: The dog eats.\n",
    "- es: x\n   en: y\n", "- es: x\n en: y\n", "-es: x\n", "- [a, b]\n", "- es: &a x\n  en: *a\n",
    "- es: !!int 'a'\n  en: b\n", "a: b\n", "- es: x\n  en:\n", "- es: x\n  en: y\n  scope: z\n",
    "\t- es: x\n", "- es: \x0b\n  en: y\n", "- es: \ufffe\n  en: y\n", "---\n", "...\n",
    "keep:\n  - Kim\n", "translate:\n  OTAN: NATO\n", "translate:\n  - a\n", "keep: *x\n",
    "keep: [" * 100 + "\n", "translate: {a: " * 50 + "\n", "\x00\x01\x02", "\xff\xfe",
    # Comments after values, after nothing, after a file that is one value
    "keep # words\n", "x #y\n", " # c\n", "- a #b\n", "  en: y #z\n", "~ # n\n",
    "  origin: a #b\n", "- es: x #y\n  en: z # w\n", "translate:\n  a: b #c\n",
]  # fmt: skip


@settings(PROFILE, max_examples=300)
@given(
    pieces=st.lists(st.sampled_from(SIDECAR_PIECES) | st.text(max_size=30), max_size=8),
    raw=st.binary(max_size=200),
)
def test_any_sidecar_or_glossary_gives_problems_never_exceptions(
    pieces: list[str], raw: bytes
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for data in ("".join(pieces).encode("utf-8", "surrogatepass"), raw):
            sidecar = Path(tmp) / "x.corrections.yml"
            glossary = Path(tmp) / "glossary.yml"
            sidecar.write_bytes(data)
            glossary.write_bytes(data)
            _, problems = load_entries(sidecar)
            _, more = load_glossary(glossary)
            for problem in [*problems, *more]:
                assert_message_is_sane(str(problem).removeprefix(tmp))


# Plain (unquoted) words YAML 1.1 would type: booleans, octal, hex, binary, sexagesimal,
# floats, infinities, separators, timestamps. To an editor each is just text.
TYPED_WORDS = [
    "No", "no", "NO", "Yes", "yes", "On", "OFF", "y", "n", "true", "False", "010", "0x1F",
    "0b101", "0o17", "1_000", "+12", "-0", "1:20:30", "3.5", "1e3", ".5", "6.", ".inf",
    "-.Inf", ".NaN", "2024-06-21", "2001-12-14t21:59:43.10-05:00", "0777", "12e03",
]  # fmt: skip
PLAIN_WORD = st.sampled_from(TYPED_WORDS) | st.from_regex(
    r"[A-Za-z0-9][A-Za-z0-9._+-]{0,12}", fullmatch=True
)


@settings(PROFILE, max_examples=150)
@given(es=PLAIN_WORD, en=PLAIN_WORD, term=PLAIN_WORD, tag=PLAIN_WORD, author=PLAIN_WORD)
def test_plain_words_in_an_editors_file_are_kept_as_written(
    es: str, en: str, term: str, tag: str, author: str
) -> None:
    """'en: No' is the English "No", not False; 'en: 010' is "010", not 8."""
    assume(tag != term)  # a term both kept and translated is an error of its own
    with tempfile.TemporaryDirectory() as tmp:
        sidecar = Path(tmp) / "x.corrections.yml"
        sidecar.write_text(f"- es: {es}\n  en: {en}\n  machine: {term}\n  state: reviewed\n")
        entries, problems = load_entries(sidecar)
        assert problems == []
        assert [(e.es, e.en, e.machine) for e in entries] == [(es, en, term[:20])]
        glossary = Path(tmp) / "glossary.yml"
        glossary.write_text(f"keep: [{tag}]\ntranslate:\n  {term}: {en}\n")
        found, problems = load_glossary(glossary)
        assert problems == []
        assert found.terms == {tag: tag, term: en}
        seed = Path(tmp) / "n.txt"
        seed.write_text(f"---\nauthor: {author}\nsource: {es}\ntags: [{tag}, {en}]\n---\nT.\nB.\n")
        read, _ = read_seed(SeedFile(seed, "n"))
        assert (read.meta.author, read.meta.source) == (author, es)
        assert read.meta.tags == tuple(dict.fromkeys([tag, en]))


def snapshot(root: Path, area: Path) -> dict[str, str]:
    """Digest of every file under ``root`` outside the generated area and the cache."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        if path.is_relative_to(area) or ".briefings-cache" in path.parts:
            continue
        found[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@contextmanager
def project_with(seeds: dict[bytes, bytes]) -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="gen-"))
    try:
        project = write_project(root / "p", {GOOD_NAME: GOOD})
        folder = os.fsencode(project / "seeds")
        for name, data in seeds.items():
            with open(folder + b"/" + name, "wb") as handle:
                handle.write(data)
        yield project
    finally:
        shutil.rmtree(root, ignore_errors=True)


def assert_site_is_sound(project: Path) -> None:
    """The good seed published, list pages parse, feed and TMX well-formed."""
    settings_ = settings_for(project)
    area = settings_.area
    assert (area / f"{slug_for(GOOD_NAME[:-4])}.md").is_file()
    ET.parse(area / "feed.xml")
    for page in area.rglob("*.md"):
        _, meta = get_data(page.read_text(encoding="utf-8"))
        assert isinstance(meta.get("title"), str), page  # MkDocs kept the front matter
    out = io.StringIO()
    write_tmx(gather(settings_, FakeEngine()).briefings, out)
    ET.fromstring(out.getvalue())


NAME_PIECES = [b"nota", b"Nota", b"NOTA", b"n\xc3\xb3ta", b"no\xcc\x81ta", b"\xe9", b"\xff\xfe",
               b"\x1b[31m", b"\x07", b"\n", b" ", b"-", b"index", b"tags", b"a" * 120,
               "á".encode() * 80, b"\xef\xbf\xbf", b"..", b"\\", b"$(x)", b"%00"]  # fmt: skip
CONTENT = st.sampled_from(
    [
        GOOD.encode(),
        b"",
        b"\x00\x01",
        "T \uffff\nB \ufffe \U0010ffff.\n".encode(),
        b"T\nB \xe9.\n",
        b"---\ndate: 2024-02-30\n---\nT\nB.\n",
        b"---\ndate: 2024-06-01\ntags: [Rusia, rusia, RUSIA]\n---\nT\nB.\n",
        b"---\nencoding: rot13\n---\nT\nB.\n",
        ("T " + "x" * 3000 + "\nB.\n").encode(),
    ]
) | st.binary(max_size=100)


@settings(PROFILE, max_examples=40)
@given(
    files=st.dictionaries(
        st.lists(st.sampled_from(NAME_PIECES), min_size=1, max_size=4).map(b"".join),
        CONTENT,
        max_size=5,
    )
)
def test_any_names_and_bytes_build_beside_a_good_seed(files: dict[bytes, bytes]) -> None:
    seeds = {
        name.replace(b"/", b"_").replace(b"\x00", b"_")[:240] + b".txt": data
        for name, data in files.items()
    }
    with project_with(seeds) as project:
        settings_ = settings_for(project)
        before = snapshot(project, settings_.area)
        report = build(settings_, engine=FakeEngine())
        assert_site_is_sound(project)
        assert snapshot(project, settings_.area) == before
        for problem in report.problems:
            assert_message_is_sane(str(problem).removeprefix(str(project)))
        # Every seed is either built or reported by name.
        reported = {os.fsencode(p.path.name) for p in report.problems}
        built = {p.stem for p in settings_.area.glob("*.md")}
        for name in os.listdir(os.fsencode(project / "seeds")):
            if name.startswith(b".") or not name.lower().endswith(b".txt"):
                continue
            stem = os.fsdecode(name)[:-4]
            assert name in reported or slug_for(stem) in built, name


UNICODE = st.text(
    st.characters(codec="utf-8") | st.sampled_from(["\ufffe", "\uffff", "\U0010ffff", "\x85"]),
    min_size=1,
    max_size=40,
)


@settings(PROFILE, max_examples=40)
@given(title=UNICODE, body=UNICODE, tag=UNICODE, source=UNICODE)
def test_any_unicode_reaches_pages_feed_and_tmx_well_formed(
    title: str, body: str, tag: str, source: str
) -> None:
    seed = (
        f"---\ndate: 2024-06-21\nsource: {json.dumps(source)}\ntags: [{json.dumps(tag)}]\n---\n"
        f"{title}\n{body}\n"
    )
    with project_with({b"u.txt": seed.encode("utf-8")}) as project:
        build(settings_for(project), engine=FakeEngine())
        assert_site_is_sound(project)


HOSTILE_PATHS = ["../../mkdocs.yml", "/etc/passwd", "../seeds/zz-good.txt", "tags/../../x.md",
                 "javascript:alert(1).md", "a/../../b.md", "", ".", "index.md", "feed.xml",
                 "page/0.md", "tags/x/page/2.md", "A.md", "x" * 300 + ".md", "\x00.md"]  # fmt: skip
HOSTILE_VALUES: st.SearchStrategy[object] = st.sampled_from(
    [None, 1, [], {}, "", "x" * 5000, "javascript:alert(1)", "<script>", "2024-13-45", [1, 2]]
) | st.sampled_from(HOSTILE_PATHS)


@settings(PROFILE, max_examples=60)
@given(
    field=st.sampled_from(["page", "slug", "date", "tags", "warnings", "title_es", "record"]),
    value=HOSTILE_VALUES,
    lists=st.lists(st.sampled_from(HOSTILE_PATHS), max_size=3),
)
def test_a_tampered_manifest_never_writes_or_deletes_outside_the_area(
    field: str, value: object, lists: list[str]
) -> None:
    with project_with({b"a.txt": GOOD.encode()}) as project:
        settings_ = settings_for(project)
        build(settings_, engine=FakeEngine())
        (project / "README.md").write_text("keep\n", encoding="utf-8")
        before = snapshot(project, settings_.area)
        path = settings_.area / ".briefings-manifest.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        record = data["records"]["a.txt"]
        if field == "record":
            data["records"]["a.txt"] = value
        elif field in ("page", "warnings"):
            record[field] = value
        else:
            record["entry"][field] = value
        data["records"]["gone.txt"] = json.loads(json.dumps(data["records"]["a.txt"]))
        data["lists"] = [*data["lists"], *lists]
        path.write_text(json.dumps(data), encoding="utf-8")
        (project / "seeds" / "a.txt").write_text(GOOD + "Otra frase.\n", encoding="utf-8")
        report = build(settings_, engine=FakeEngine())
        assert snapshot(project, settings_.area) == before | {
            "seeds/a.txt": hashlib.sha256((GOOD + "Otra frase.\n").encode()).hexdigest()
        }
        assert_site_is_sound(project)
        for problem in report.problems:
            assert_message_is_sane(str(problem).removeprefix(str(project)))


@settings(PROFILE, max_examples=500)
@given(
    text=st.text(st.characters(codec=None) | st.sampled_from(["\u00a0", " ", "\u202e", "\ufffe"]))
)
def test_clean_line_fast_path_changes_nothing(text: str) -> None:
    """clean_line skips its work for text that is already clean: the result must be the
    same as doing the work every time."""
    from builder.text import _WHITESPACE, clean_line, make_safe

    assert clean_line(text) == _WHITESPACE.sub(" ", make_safe(text)).strip()


@settings(PROFILE, max_examples=300)
@given(
    stem=st.from_regex(r"[a-z0-9ñ-]{1,12}", fullmatch=True),
    suffix=st.sampled_from(
        [".txt", ".corrections.yml", ".corrections.yaml", ".correction.yml", ".corrections.yml.txt"]
    ),
    case=st.sampled_from([str.lower, str.upper, str.title]),
    tail=st.text(st.sampled_from(" .\t\n\xa0\u200b\u200e\ufeff\u2028\x00\x1b"), max_size=3),
)
def test_a_name_meant_as_a_seed_or_corrections_file_is_read_or_named(
    stem: str, suffix: str, case: object, tail: str
) -> None:
    """Every spelling an editor may end up with is a seed, a corrections file, or a warning
    that names it: never silently ignored."""
    assert callable(case)
    name = stem + case(suffix) + tail
    read_as_seed = name.lower().endswith(".txt") and ".correction" not in name.lower()
    read_as_sidecar = name.endswith(".corrections.yml")
    message = near_miss(name)
    assert (message is None) == (read_as_seed or read_as_sidecar), (name, message)
    if message is not None:
        assert "rename it" in message


# -- Files in the generated area that the builder did not write ------------------------------

# Where a hand may leave a file in the area: the places of the builder's own pages (a seed's,
# the index, the feed, a tag page, the editors' page) and places the builder never writes.
HAND_PLACES = ["a.md", "zz-good.md", "index.md", "feed.xml", "editors.md", "tags/mar.md",
               "page/2.md", "notas.md", "fotos/portada.md", ".oculto.md", ".notas.tmp",
               "tags/.borrador.tmp"]  # fmt: skip
HAND_BYTES = st.sampled_from(
    [b"# Mi p\xc3\xa1gina\n\nEscrita a mano.\n", b"", b"\x00\xff", b"---\ntitle: x\n---\n"]
) | st.binary(max_size=60)
SEED_A = "---\ndate: 2024-05-01\ntags: [mar]\n---\nEl mar.\nEl perro come en la casa.\n"


def area_files(area: Path) -> dict[str, bytes]:
    return {
        path.relative_to(area).as_posix(): path.read_bytes()
        for path in sorted(area.rglob("*"))
        if path.is_file() and not path.name.startswith(".briefings")
    }


@settings(PROFILE, max_examples=40)
@given(
    hand=st.dictionaries(st.sampled_from(HAND_PLACES), HAND_BYTES, min_size=1, max_size=4),
    links=st.sets(st.sampled_from(HAND_PLACES), max_size=2),
    built_before=st.booleans(),
)
def test_a_file_the_builder_did_not_write_is_never_overwritten(
    hand: dict[str, bytes], links: set[str], built_before: bool
) -> None:
    """A folder chosen as output_dir, or a page an editor put in the area (a file, or a link
    to one of theirs), keeps every byte; each one standing where the builder would write is
    named; once it is moved away, the next build writes exactly what a build without it
    writes."""
    with (
        mock.patch.dict(os.environ, {"SOURCE_DATE_EPOCH": "1717200000"}),
        project_with({}) as project,
    ):
        settings_ = settings_for(project)
        area = settings_.area
        if built_before:  # the area is the builder's; the hand's files come later, where
            # the manifest records none of its own (the others are its to overwrite)
            for place in ("zz-good.md", "index.md", "feed.xml", "editors.md"):
                hand.pop(place, None)
            assume(hand)
            build(settings_, engine=FakeEngine())
        mine = project / "mine"  # an editor's own files, outside the area
        for n, (place, data) in enumerate(hand.items()):
            (area / place).parent.mkdir(parents=True, exist_ok=True)
            if place in links:
                mine.mkdir(exist_ok=True)
                (mine / str(n)).write_bytes(data)
                (area / place).symlink_to(mine / str(n))
            else:
                (area / place).write_bytes(data)
        (project / "seeds" / "a.txt").write_text(SEED_A, encoding="utf-8")
        report = build(settings_, engine=FakeEngine())

        with project_with({}) as clean:  # what the builder writes when nothing is in the way
            (clean / "seeds" / "a.txt").write_text(SEED_A, encoding="utf-8")
            build(settings_for(clean), engine=FakeEngine())
            expected = area_files(settings_for(clean).area)

        got = area_files(area)
        named = {p.path for p in report.problems if "did not write it" in p.message}
        # What this build writes: a clean build's files, but a tag page only of a seed whose
        # page is written (a hand's a.md is never the page the builder makes).
        writes = set(expected) - ({"tags/mar.md"} if "a.md" in hand else set())
        for place, data in hand.items():
            assert got[place] == data, place  # every byte kept
            assert (area / place).is_symlink() == (place in links), place  # a link stays one
            in_the_way = place in writes and (expected[place] != data or place in links)
            assert (area / place in named) == in_the_way, (place, report.problems)
        held = {seed for seed in ("a", "zz-good") if area / f"{seed}.md" in named}
        rebuilt = ({"a"} if built_before else {"a", "zz-good"}) - held
        assert f"({len(rebuilt)} rebuilt)" in report.summary()  # a held page is not one
        for place in writes - set(hand):  # the rest of the build went on
            assert place in got, place
        for problem in report.problems:
            assert_message_is_sane(str(problem).removeprefix(str(project)))

        for place in hand:  # moved away: the next build writes what a clean one does
            (area / place).unlink()
        build(settings_, engine=FakeEngine())
        assert area_files(area) == expected


def test_own_pages_are_taken_over_without_a_manifest_and_remade_with_a_damaged_one() -> None:
    """No manifest (deleted by hand): pages identical to what the builder writes are its own,
    nothing is reported or rewritten. A damaged manifest cannot say which files are the
    builder's: every page is made again, as the warning says."""
    with project_with({b"a.txt": SEED_A.encode()}) as project:
        settings_ = settings_for(project)
        area = settings_.area
        build(settings_, engine=FakeEngine())
        before = {path: path.stat().st_mtime_ns for path in area.rglob("*.md")}
        (area / ".briefings-manifest.json").unlink()
        report = build(settings_, engine=FakeEngine())
        assert not [p for p in report.problems if "did not write it" in p.message]
        assert {path: path.stat().st_mtime_ns for path in area.rglob("*.md")} == before
        assert not report.written or all(p.suffix != ".md" for p in report.written)

        page = area / "a.md"
        page.write_text("edited by hand\n", encoding="utf-8")
        (area / ".briefings-manifest.json").write_text("{not json", encoding="utf-8")
        report = build(settings_, engine=FakeEngine())
        assert any("not readable JSON" in p.message for p in report.problems)
        assert "El mar." in page.read_text(encoding="utf-8")
