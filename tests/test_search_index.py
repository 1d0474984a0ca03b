"""The search index's text and files (builder/search_text.py, builder/search_index.py,
builder/search_worker.py): what is read of a briefing page, the terms made of it, and the
files a shard is published as, checked over generated text."""

from __future__ import annotations

import html
import io
import json
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.search_index import (
    CHUNK_BYTES,
    SHARD_FILE,
    Document,
    chunks,
    decode,
    expected_files,
    postings_of,
    shard_files,
    utf16_order,
)
from builder.search_text import (
    BODY_MARK,
    MARK_PLANES,
    TITLE_WEIGHT,
    Analyser,
    fold,
    read_article,
    text_of,
    words,
)
from builder.search_worker import serve

# Text as seeds bring it: any letters, astral ones and marks included, never surrogates.
TEXT = st.text(st.characters(codec="utf-8"), max_size=60)
TERM = st.text(st.characters(codec="utf-8", exclude_categories=["Cc"]), min_size=1, max_size=12)


def page(
    title_es: str,
    title_en: str,
    pairs: list[tuple[str, str]],
    *,
    lead: str = "es",
    source: str = "",
    tags: tuple[str, ...] = (),
) -> str:
    """A briefing body as templates/briefing.md.j2 renders it (escaped, as autoescape does)."""
    e = html.escape
    first, second = (("es", title_es), ("en", title_en))[:: 1 if lead == "es" else -1]
    tag_links = ", ".join(f'<a href="../tags/x/" rel="tag" lang="es">{e(t)}</a>' for t in tags)
    body = [
        f'<article class="bf-briefing" {BODY_MARK}>',
        f'<header class="bf-header">\n<h1 class="bf-title" lang="{first[0]}">{e(first[1])}</h1>',
        f'<p class="bf-title-{second[0]}" lang="{second[0]}">{e(second[1])}</p>',
        '<dl class="bf-meta">',
        '<div><dt>Date</dt><dd><time datetime="2024-05-02">2 May 2024</time></dd></div>',
        f'<div><dt>Source</dt><dd class="bf-source">{e(source)}</dd></div>' if source else "",
        '<div class="bf-reading-time"><dt>Reading time</dt><dd>about 1 min</dd></div>',
        f'<div><dt>Tags</dt><dd class="bf-tags">{tag_links}</dd></div>' if tags else "",
        "</dl>",
        '<p class="bf-notice" role="note" data-review="none">The English is a machine '
        "translation by Apertium.</p>\n</header>",
        '<p class="bf-legend"><span class="bf-legend-label">Marks:</span></p>',
        '<div class="bf-columns" aria-hidden="true"><span>Español</span><span>English</span></div>',
        '<div class="bf-paragraph" id="p1">',
        '<a class="bf-anchor" href="#p1" aria-label="Link to paragraph 1">¶</a>',
    ]
    for n, (es, en) in enumerate(pairs, 1):
        body += [
            f'<div class="bf-pair" id="p1-s{n}">',
            f'<p class="bf-es" lang="es">{e(es)}</p>',
            f'<p class="bf-en" lang="en" data-origin="machine">{e(en)}</p>\n</div>',
        ]
    body += ["</div>", '<p class="bf-figures">The engine knew every word.</p>', "</article>"]
    return "\n".join(body)


def squeeze(text: str) -> str:
    return " ".join(text.split())


# -- what is read of a page -------------------------------------------------------------------


def test_a_page_gives_its_titles_sentences_labels_and_date_and_nothing_about_the_page() -> None:
    body = page(
        "El perro",
        "The dog",
        [("El perro come.", "The dog eats."), ("Duerme.", "It sleeps.")],
        lead="en",
        source="Diario",
        tags=("Ciudad", "Perros"),
    )
    article = read_article(body)
    assert article.titles == (("en", "The dog"), ("es", "El perro"))
    assert article.sentences == {
        "es": ["El perro come.", "Duerme."],
        "en": ["The dog eats.", "It sleeps."],
    }
    assert article.labels == ("Diario", "Ciudad, Perros")
    assert article.date == "2024-05-02"
    everything = " ".join([*article.sentences["es"], *article.sentences["en"], *article.labels])
    for about_the_page in ("machine", "Marks", "Español", "¶", "knew", "Reading", "Source"):
        assert about_the_page not in everything


@given(TEXT, TEXT, st.lists(st.tuples(TEXT, TEXT), max_size=4), TEXT)
def test_escaped_text_is_read_back_as_the_same_text(
    title_es: str, title_en: str, pairs: list[tuple[str, str]], source: str
) -> None:
    article = read_article(page(title_es, title_en, pairs, source=source))
    assert article.title("es") == squeeze(title_es)
    assert article.title("en") == squeeze(title_en)
    assert article.sentences["es"] == [squeeze(es) for es, _ in pairs]
    assert article.sentences["en"] == [squeeze(en) for _, en in pairs]
    assert article.labels == ((squeeze(source),) if source else ())


def test_markup_in_a_sentence_is_dropped_and_references_decoded() -> None:
    marked = 'El <span class="bf-uncertain" title="Left in Spanish">perro</span> &amp; gato'
    assert text_of(marked) == "El perro & gato"


# -- words and terms ----------------------------------------------------------------------------


def test_accents_are_folded_before_stemming_in_both_languages() -> None:
    analyser = Analyser()
    assert analyser.query_terms("huracán huracan HURACÁN", "es") == ["hurac"] * 3
    assert analyser.query_terms("perro perros", "es") == ["perr"] * 2
    assert analyser.query_terms("hurricanes hurricane", "en") == ["hurrican"] * 2
    assert analyser.query_terms("canción", "es") == analyser.query_terms("cancion", "es")


@given(TEXT)
def test_folding_leaves_no_mark_and_changes_nothing_twice(text: str) -> None:
    folded = fold(text)
    decomposed = unicodedata.normalize("NFD", folded)
    assert not any(unicodedata.category(c).startswith("M") for c in decomposed)
    assert fold(folded) == folded


def is_mark(c: str) -> bool:
    return unicodedata.category(c).startswith("M")


@given(TEXT)
def test_words_are_runs_of_letters_and_digits_with_their_marks_in_lower_case(text: str) -> None:
    found = words(text)
    for word in found:
        assert word[0].isalnum() and all(c.isalnum() or is_mark(c) for c in word)
        assert word == word.lower()
    # Nothing of the text's letters and digits is lost between the words.
    kept = "".join(c for c in unicodedata.normalize("NFC", text).lower() if c.isalnum())
    assert "".join(c for c in "".join(found) if c.isalnum()) == kept


@given(TEXT, st.sampled_from(["İ", "i\u0307", "n\u0303", "x\u0303\u0301"]), TEXT)
def test_a_mark_lower_casing_leaves_does_not_split_a_word(
    before: str, letter: str, after: str
) -> None:
    """ "İstanbul" lower-cased is "i", a combining dot, "stanbul": one word, found as
    "istanbul"."""
    analyser = Analyser()
    word = words(f"{letter}stanbul")
    assert len(word) == 1
    term = analyser.term(word[0], "es")
    assert term == analyser.term(fold(word[0]), "es")
    assert term in {analyser.term(w, "es") for w in words(f"{before} {letter}stanbul. {after}")}


def test_every_mark_of_unicode_is_in_the_planes_the_word_pattern_is_made_from() -> None:
    outside = [
        hex(point)
        for point in range(sys.maxunicode + 1)
        if is_mark(chr(point)) and not any(point in plane for plane in MARK_PLANES)
    ]
    assert outside == []


def test_istanbul_is_found_without_its_dot() -> None:
    analyser = Analyser()
    assert analyser.query_terms("İstanbul", "es") == analyser.query_terms("istanbul", "es")


def test_a_shards_index_names_exactly_its_files() -> None:
    documents = [
        Document(f"briefings/{n}/", page(f"Título {n}", f"Title {n}", [("Hola.", "Hello.")] * n))
        for n in range(4)
    ]
    files = shard_files(documents, Analyser())
    assert expected_files(files["index.json"]) == set(files)
    assert all(SHARD_FILE.fullmatch(name) for name in files)
    for bad in (b"[]", b'{"version": 0}', b"{", b'{"version": 1, "documents": -1}'):
        with pytest.raises(ValueError):
            expected_files(bad)


def test_a_title_word_counts_more_than_a_word_of_the_text() -> None:
    article = read_article(page("Lluvia", "Rain", [("Sol y lluvia.", "Sun and rain.")]))
    counts = Analyser().counts(article, "es")
    assert counts["lluvi"] == TITLE_WEIGHT + 1
    assert counts["sol"] == 1


# -- the files of a shard -----------------------------------------------------------------------


@given(st.lists(st.dictionaries(TERM, st.integers(1, 50), max_size=8), max_size=12))
def test_postings_give_back_each_briefings_counts(counts: list[dict[str, int]]) -> None:
    postings = postings_of(counts)
    for term, posting in postings.items():
        assert decode(posting) == {
            n: found[term] for n, found in enumerate(counts) if term in found
        }
    assert set(postings) == {term for found in counts for term in found}


@given(st.dictionaries(TERM, st.lists(st.integers(0, 9), min_size=2, max_size=40), max_size=300))
def test_chunks_hold_every_term_once_in_the_browsers_order(postings: dict[str, list[int]]) -> None:
    runs = list(chunks(postings))
    flat = [term for run in runs for term in run]
    assert sorted(flat) == sorted(postings)
    keys = [utf16_order(term) for term in flat]
    assert keys == sorted(keys)  # JavaScript's "<" compares UTF-16 code units
    assert all(run for run in runs)
    if len(runs) > 1:
        assert all(len(json.dumps({t: postings[t] for t in run})) < 3 * CHUNK_BYTES for run in runs)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(TEXT, TEXT, st.lists(st.tuples(TEXT, TEXT), max_size=3)), max_size=5))
def test_every_word_of_a_shard_is_found_where_the_browser_looks(
    briefings: list[tuple[str, str, list[tuple[str, str]]]],
) -> None:
    documents = [
        Document(f"briefings/{n}/", page(es, en, pairs))
        for n, (es, en, pairs) in enumerate(briefings)
    ]
    analyser = Analyser()
    files = shard_files(documents, analyser)
    meta = json.loads(files["index.json"])
    assert meta["documents"] == len(documents)
    for language in ("es", "en"):
        starts = meta["languages"][language]["chunks"]
        assert [utf16_order(s) for s in starts] == sorted(utf16_order(s) for s in starts)
        for number, document in enumerate(documents):
            counts = analyser.counts(read_article(document.content), language)
            assert meta["languages"][language]["lengths"][number] == sum(counts.values())
            for term, count in counts.items():
                at = max(i for i, s in enumerate(starts) if utf16_order(s) <= utf16_order(term))
                chunk = json.loads(files[f"{language}/{at}.json"])
                assert decode(chunk[term])[number] == count
    for number, document in enumerate(documents):
        fragment = json.loads(files[f"docs/{number}.json"])
        assert fragment["url"] == document.url
        assert fragment["text"] == read_article(document.content).sentences


# -- the indexer's process ----------------------------------------------------------------------


def job(site: Path, pages: list[tuple[str, str, str | None]], output: Path) -> bytes:
    """A job as builder/search.py writes it: a header line, then the bodies."""
    bodies = [None if body is None else body.encode("utf-8") for _, _, body in pages]
    header = {
        "site": str(site),
        "pages": [
            [uri, url, -1 if body is None else len(body)]
            for (uri, url, _), body in zip(pages, bodies, strict=True)
        ],
        "output": str(output),
    }
    return json.dumps(header).encode() + b"\n" + b"".join(b for b in bodies if b is not None)


def answers_to(jobs: bytes) -> list[dict[str, object]]:
    answers = io.BytesIO()
    serve(io.BytesIO(jobs), answers)
    return [json.loads(line) for line in answers.getvalue().splitlines()]


def test_the_indexer_makes_a_shard_from_bodies_and_built_pages(tmp_path: Path) -> None:
    """A body handed over with the job (multi-byte letters included), and a page of the built
    site (a dirty build); then a second job on the same process."""
    site = tmp_path / "site"
    (site / "briefings" / "perro").mkdir(parents=True)
    (site / "briefings" / "perro" / "index.html").write_text(
        f"<html><body>{page('El perro', 'The dog', [('Come.', 'Eats.')])}</body></html>",
        encoding="utf-8",
    )
    for name in ("out", "out2"):
        (tmp_path / name).mkdir()
    pages = [
        ("briefings/perro/index.html", "briefings/perro/", None),
        ("briefings/gato/index.html", "briefings/gato/", page("Gato 🐈", "Cat", [("Sí", "Yes")])),
    ]
    answers = answers_to(
        job(site, pages, tmp_path / "out") + job(site, pages[1:], tmp_path / "out2")
    )
    assert [set(answer) for answer in answers] == [{"seconds"}, {"seconds"}]
    made = sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*.json"))
    assert made == ["docs/0.json", "docs/1.json", "en/0.json", "es/0.json", "index.json"]
    spanish = json.loads((tmp_path / "out" / "es" / "0.json").read_text(encoding="utf-8"))
    assert decode(spanish["perr"]) == {0: TITLE_WEIGHT}
    assert decode(spanish["gat"]) == {1: TITLE_WEIGHT}
    second = json.loads((tmp_path / "out2" / "docs" / "0.json").read_text(encoding="utf-8"))
    assert second["titles"][0] == ["es", "Gato 🐈"]


@given(st.binary(max_size=300))
def test_the_indexer_answers_a_job_it_cannot_read_and_stops(data: bytes) -> None:
    """Whatever comes in, an answer goes out for each job read, and nothing is raised; after
    a job it cannot read to its end, the next cannot be found, so the process ends."""
    answers = answers_to(data)
    assert len(answers) <= data.count(b"\n") + 1
    assert all(set(answer) in ({"error"}, {"seconds"}) for answer in answers)


def test_a_job_naming_a_page_outside_the_site_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.html").write_text("x", encoding="utf-8")
    (tmp_path / "out").mkdir()
    for bad in ("../secret.html", "/etc/passwd.html", "a/../../secret.html"):
        (answer,) = answers_to(job(tmp_path / "site", [(bad, "x/", None)], tmp_path / "out"))
        assert "not inside the site" in str(answer["error"])
    assert list((tmp_path / "out").iterdir()) == []


def test_a_job_cut_short_is_answered_and_ends_the_process(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    whole = job(tmp_path, [("a.html", "a", page("A", "A", []))], tmp_path / "out")
    assert answers_to(whole[:-10]) == [
        {"error": "UnreadableJob: the job ended before its bodies did"}
    ]
    # A body shorter than its length takes the next job's first bytes: that job's header is
    # then lost, and the process ends there, however many jobs follow.
    answers = answers_to(whole[:-10] + whole + whole)
    assert str(answers[-1]["error"]).startswith("UnreadableJob: a job's header is not JSON")
    assert len(answers) == 2
