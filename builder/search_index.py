"""The files of one shard of the search index, made from its briefing pages.

A shard (up to a few hundred briefings, see ``builder/search.py``) is a folder::

    index.json         {"version", "documents", "languages": {lang: {"chunks", "lengths"}}}
    es/<k>.json        a chunk of the Spanish terms: {term: [document, count, gap, count, ...]}
    en/<k>.json        the same for English
    docs/<n>.json      one briefing: its address, titles, date and sentences

A query fetches ``index.json`` once, then for each of its words only the chunk whose range
holds the word's term: ``chunks`` lists each chunk's first term, in the browser's string
order (UTF-16 code units). ``lengths`` gives each briefing's number of words (titles
weighted), for ranking (BM25). A posting lists the briefings a term occurs in as gaps from
the one before, each with its count. Briefings are numbered in the shard's order.

Made from the builder's own data only; every string is JSON, never markup.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from builder.search_text import LANGUAGES, Analyser, Article, read_article

FORMAT_VERSION = 1
CHUNK_BYTES = 12_000  # about this much JSON a chunk: what one word of a query fetches
# The name of every file a shard may hold: nothing else found in a cached shard is published.
SHARD_FILE = re.compile(
    rf"index\.json|(?:{'|'.join(LANGUAGES)}|docs)/(?:0|[1-9][0-9]{{0,8}})\.json"
)


@dataclass(frozen=True)
class Document:
    """A briefing page of the shard: its address in the site and its rendered body."""

    url: str
    content: str


def utf16_order(term: str) -> bytes:
    """The sort key that puts terms in the order JavaScript compares strings."""
    return term.encode("utf-16-be", "surrogatepass")


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8", "surrogatepass"
    )


def fragment(url: str, article: Article) -> dict[str, object]:
    """What a search result shows of a briefing."""
    return {
        "url": url,
        "titles": [list(title) for title in article.titles],
        "date": article.date,
        "text": article.sentences,
    }


def postings_of(counts: Iterable[dict[str, int]]) -> dict[str, list[int]]:
    """Each term's postings over documents 0, 1, ...: [gap, count, gap, count, ...]."""
    postings: dict[str, list[int]] = {}
    last: dict[str, int] = {}
    for number, found in enumerate(counts):
        for term, count in found.items():
            known = postings.get(term)
            if known is None:
                postings[term] = [number, count]
            else:
                known += (number - last[term], count)
            last[term] = number
    return postings


def decode(posting: list[int]) -> dict[int, int]:
    """Document -> count, from a posting (the inverse of :func:`postings_of`, for tests)."""
    found: dict[int, int] = {}
    number = 0
    for at in range(0, len(posting), 2):
        number += posting[at]
        found[number] = posting[at + 1]
    return found


def chunks(postings: dict[str, list[int]]) -> Iterator[list[str]]:
    """The terms in browser order, in runs of about ``CHUNK_BYTES`` of JSON."""
    run: list[str] = []
    size = 0
    for term in sorted(postings, key=utf16_order):
        cost = len(term) + 6 + 4 * len(postings[term])  # about its JSON's length
        if run and size + cost > CHUNK_BYTES:
            yield run
            run, size = [], 0
        run.append(term)
        size += cost
    if run:
        yield run


def expected_files(index: bytes) -> set[str]:
    """The files a shard's ``index.json`` says the shard holds (``ValueError`` if it is not
    one of ours)."""
    data = json.loads(index.decode("utf-8"))
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        raise ValueError("not an index.json of this version")
    documents, languages = data.get("documents"), data.get("languages")
    if type(documents) is not int or not 0 <= documents <= 100_000:
        raise ValueError("bad number of documents")
    if not isinstance(languages, dict) or sorted(languages) != sorted(LANGUAGES):
        raise ValueError("bad languages")
    names = {"index.json", *(f"docs/{number}.json" for number in range(documents))}
    for language, entry in languages.items():
        starts = entry.get("chunks") if isinstance(entry, dict) else None
        if not isinstance(starts, list) or len(starts) > 100_000:
            raise ValueError(f"bad chunks for {language!r}")
        names.update(f"{language}/{number}.json" for number in range(len(starts)))
    return names


def shard_files(documents: list[Document], analyser: Analyser) -> dict[str, bytes]:
    """Every file of a shard, by its path inside the shard's folder."""
    articles = [read_article(document.content) for document in documents]
    files: dict[str, bytes] = {}
    languages: dict[str, object] = {}
    for language in LANGUAGES:
        counts = [analyser.counts(article, language) for article in articles]
        postings = postings_of(counts)
        starts = []
        for number, run in enumerate(chunks(postings)):
            starts.append(run[0])
            files[f"{language}/{number}.json"] = _json({term: postings[term] for term in run})
        languages[language] = {
            "chunks": starts,
            "lengths": [sum(found.values()) for found in counts],
        }
    for number, (document, article) in enumerate(zip(documents, articles, strict=True)):
        files[f"docs/{number}.json"] = _json(fragment(document.url, article))
    files["index.json"] = _json(
        {"version": FORMAT_VERSION, "documents": len(documents), "languages": languages}
    )
    return files
