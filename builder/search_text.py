"""What the search index reads of a briefing page, and the terms it makes of that text.

A briefing page is the builder's own markup (``templates/briefing.md.j2``), which MkDocs passes
through unchanged, so its parts are found by their classes rather than by parsing HTML:

- the titles (``bf-title``, ``bf-title-es``, ``bf-title-en``), each with its ``lang``;
- the sentences (``p.bf-es`` and ``p.bf-en``);
- the labels: source, author and tags (``dd.bf-source``, ``dd.bf-author``, ``dd.bf-tags``),
  searched in both languages;
- the date (``<time datetime>``).

Everything else (the notice, the legend, the figures, the column headings, the paragraph
marks) is about the page, not its article, and is left out. Text is read as text: tags are
dropped and character references decoded, and it never becomes markup again (the browser
shows it through text nodes).

A term is the stem of a word with its accents folded: lower case, accents removed (so that
"huracan" finds "huracán": Snowball's Spanish stems the two differently), then the Snowball
stemmer of the language (Spanish; Porter's English, an algorithm that no longer changes).
``site_src/assets/search.js`` does the same to a query, with the same two stemmers
(``site_src/assets/stemmers.js``, Snowball 2.2's, hence PyStemmer below 3). Letters and digits
are told by Python's Unicode tables here and the browser's there: a letter added to Unicode
after Python's version may be a word in one and not in the other.
"""

from __future__ import annotations

import functools
import html
import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import Stemmer

LANGUAGES = ("es", "en")
STEMMERS = {"es": "spanish", "en": "porter"}
TITLE_WEIGHT = 5  # a word of a title counts as this many words of the text
# How text is cut into words and a shard's briefings numbered; part of the index cache's key,
# so a change makes every shard again. 2: marks stay in their word, briefings in file order.
ANALYSIS_VERSION = 2

BODY_MARK = "data-search-body"
# The tag that opens a briefing's body (templates/briefing.md.j2). Looked for whole: a seed's
# text that says "data-search-body" is escaped text, never this tag.
BODY_TAG = f'<article class="bf-briefing" {BODY_MARK}>'
_TITLE = re.compile(r'<(h1|p) class="bf-title[-a-z]*" lang="(es|en)">(.*?)</\1>', re.S)
# The text up to "</p>", written out so that the engine runs through it a stretch at a time.
_SENTENCE = re.compile(r'<p class="bf-(es|en)" lang="\1"[^>]*>([^<]*(?:<(?!/p>)[^<]*)*)</p>')
_LABEL = re.compile(r'<dd class="bf-(?:source|author|tags)">(.*?)</dd>', re.S)
_DATE = re.compile(r'<time datetime="(\d{4}-\d\d-\d\d)"')
_TAG = re.compile(r"<[^<>]*>")
# A word: a letter or digit (Unicode categories L and N), then letters, digits and marks (M),
# as in search.js. Marks belong to the word they follow: "İstanbul" lower-cased is "i" and a
# combining dot, then "stanbul", one word. Text rarely holds a mark once in NFC, so the plain
# pattern runs unless a mark is there.
_WORD = re.compile(r"[^\W_]+")


def text_of(markup: str) -> str:
    """The text of a piece of the builder's markup: its (inline) tags dropped, references
    decoded."""
    return " ".join(html.unescape(_TAG.sub("", markup)).split())


def is_searchable(content: str) -> bool:
    """Whether a rendered page marks a body for the search index (briefings do)."""
    return BODY_TAG in content


@dataclass(frozen=True)
class Article:
    """The searchable text of one briefing page."""

    titles: tuple[tuple[str, str], ...]  # (language, text), the leading title first
    sentences: dict[str, list[str]]  # language -> its sentences, in order
    labels: tuple[str, ...] = ()  # source, author, tags
    date: str = ""

    def title(self, language: str) -> str:
        return next((text for lang, text in self.titles if lang == language), "")


def read_article(content: str) -> Article:
    """The article of a rendered briefing page (its body, or its whole HTML document)."""
    start = content.find(BODY_TAG)
    body = content[start:] if start >= 0 else content
    titles = tuple((lang, text_of(text)) for _, lang, text in _TITLE.findall(body))
    sentences: dict[str, list[str]] = {language: [] for language in LANGUAGES}
    for lang, text in _SENTENCE.findall(body):
        sentences[lang].append(text_of(text))
    labels = tuple(text_of(label) for label in _LABEL.findall(body))
    date = _DATE.search(body)
    return Article(titles, sentences, labels, date.group(1) if date else "")


def fold(text: str) -> str:
    """``text`` without its accents and other marks (Unicode category M), as search.js does."""
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    return unicodedata.normalize("NFC", kept)


# Unicode has marks in planes 0, 1 and 14 only (the others hold CJK ideographs, private use
# or nothing): the table is made from these (tests/test_search_index.py checks every plane).
# Each run ends with a code point that is not a mark, so the runs close inside.
MARK_PLANES = (range(0x20000), range(0xE0000, 0xF0000))


@functools.cache
def _marks() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """What may hold a mark (category M, from this Python's Unicode tables), and a word with
    its marks. Made once a process, when first needed (0.05 s). The first is a mark of the
    Basic Multilingual Plane or any character beyond it: one class the engine checks in one
    step a character (a class of every mark's ranges took 6x as long as finding the words)."""
    basic: list[str] = []
    every: list[str] = []
    start = None
    for point in itertools.chain(*MARK_PLANES):
        is_mark = unicodedata.category(chr(point)).startswith("M")
        if is_mark and start is None:
            start = point
        elif not is_mark and start is not None:
            run = f"\\U{start:08x}-\\U{point - 1:08x}"
            every.append(run)
            if point - 1 <= 0xFFFF:
                basic.append(run)
            start = None
    hint = re.compile(f"[{''.join(basic)}\\U00010000-\\U0010ffff]")
    return hint, re.compile(rf"[^\W_](?:[^\W_]|[{''.join(every)}])*")


def words(text: str) -> list[str]:
    """The words of ``text``, in lower case."""
    text = unicodedata.normalize("NFC", text).lower()
    may_mark, word = _marks()
    return (word if may_mark.search(text) else _WORD).findall(text)


@dataclass
class Analyser:
    """Turns text into terms, one language at a time; each word is stemmed once."""

    _stemmers: dict[str, Stemmer.Stemmer] = field(default_factory=dict)
    _terms: dict[str, dict[str, str]] = field(default_factory=dict)  # language -> word -> term

    def term(self, word: str, language: str) -> str:
        known = self._terms.setdefault(language, {})
        term = known.get(word)
        if term is None:
            stemmer = self._stemmers.get(language)
            if stemmer is None:
                stemmer = self._stemmers[language] = Stemmer.Stemmer(STEMMERS[language])
            term = known[word] = stemmer.stemWord(fold(word))
        return term

    def counts(self, article: Article, language: str) -> Counter[str]:
        """How often each term occurs in the article's text of ``language`` (and its labels);
        a title's words count ``TITLE_WEIGHT`` times."""
        text = " ".join([*article.sentences.get(language, ()), *article.labels])
        tokens = words(text) + words(article.title(language)) * TITLE_WEIGHT
        known = self._terms.setdefault(language, {})
        for word in set(tokens).difference(known):
            self.term(word, language)
        # Every word is known now: the counting runs in C, a token at a time.
        return Counter(map(known.__getitem__, tokens))

    def query_terms(self, text: str, language: str) -> list[str]:
        """The terms of a query, as the browser makes them (for tests)."""
        return [self.term(word, language) for word in words(text)]
