"""Segment stage: a seed's title and paragraphs become the segments the engine translates."""

from __future__ import annotations

import re
from collections.abc import Iterator

import sentencex

from builder.model import Seed, Segment

LANGUAGE = "es"
# A "sentence" longer than this (a paragraph pasted without punctuation) is cut into pieces,
# so that no engine request and no page row grows without bound. Well under the 5,000
# characters online translators accept.
MAX_SEGMENT_CHARS = 1500
# Paragraphs longer than this go to sentencex in pieces (see _segmented), cut where a
# sentence surely ends: a full stop after a lower-case word, before a capital (not an
# abbreviation such as "Sr." or "EE. UU.").
SENTENCEX_CHARS = 10_000
_SURE_END = re.compile(r"(?<=[a-záéíóúñü]{2})[.!?] (?=[¿¡«\"“(]?[A-ZÁÉÍÓÚÑ])")
# Where to prefer cutting a long piece: after a clause mark, else at any space.
_CLAUSE_END = re.compile(r"[,;:)\]»”]\s")
# sentencex splits "la O.N.U. dijo" after "O." because a capital plus a period looks like a
# sentence end. A segment that ends in a lone capital initial is joined to the next one:
# a sentence rarely ends in a single letter, while initials ("O.N.U.", "John F. Kennedy")
# are common in news.
_ENDS_WITH_INITIAL = re.compile(r"(?:^|[\s(«\"'“.])[A-ZÁÉÍÓÚÑ]\.$")
# A piece that starts in lower case (or with an ordinal mark, as in "12.ª") continues the
# sentence before it: sentencex cut after an abbreviation it does not know ("aprox. cinco").
_CONTINUES = re.compile(r"[ªº]|[^\w¿¡«\"'“(\[]*[a-záéíóúñü]")


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph of Spanish into sentences (abbreviations, decimals, quotes kept)."""
    # Each sentence is a list of pieces that keep their trailing spaces, so that joining them
    # restores the original text; only the end of the last piece is ever looked at, so a
    # paragraph of a hundred thousand pieces costs no more than a hundred thousand lookups.
    sentences: list[list[str]] = []
    for piece in _segmented(paragraph):
        if not piece.strip():
            continue
        if sentences and (_ends_with_initial(sentences[-1]) or _CONTINUES.match(piece)):
            sentences[-1].append(piece)
        else:
            sentences.append([piece])
    return [part for pieces in sentences for part in bound_length("".join(pieces).strip())]


def _segmented(paragraph: str) -> Iterator[str]:
    """sentencex's pieces of a paragraph. Its time grows with the square of a paragraph's
    length on some inputs (a run of unclosed quotes), so a very long paragraph is first cut
    after a sentence mark near every :data:`SENTENCEX_CHARS` characters."""
    start = 0
    while len(paragraph) - start > SENTENCEX_CHARS:
        end = start + SENTENCEX_CHARS
        ends = list(_SURE_END.finditer(paragraph, start + SENTENCEX_CHARS // 2, end))
        cut = ends[-1].end() if ends else (paragraph.rfind(" ", start, end) + 1 or end)
        yield from sentencex.segment(LANGUAGE, paragraph[start:cut])
        start = cut
    yield from sentencex.segment(LANGUAGE, paragraph[start:])


def _ends_with_initial(pieces: list[str]) -> bool:
    """Whether the sentence so far ends in a lone capital initial ("O.", "F.")."""
    tail = pieces[-1].rstrip()
    if len(tail) < 3 and len(pieces) > 1:  # the initial may start in the piece before
        tail = "".join(pieces[-2:]).rstrip()
    return _ENDS_WITH_INITIAL.search(tail[-3:]) is not None or (
        len(tail) == 2 and _ENDS_WITH_INITIAL.search(tail) is not None
    )


def bound_length(sentence: str, limit: int = MAX_SEGMENT_CHARS) -> list[str]:
    """Cut a sentence longer than ``limit`` at clause marks or spaces; short ones pass as is."""
    if len(sentence) <= limit:
        return [sentence] if sentence else []
    pieces = []
    start, end = 0, len(sentence)
    while end - start > limit:
        window = sentence[start : start + limit + 1]
        clause = None
        for match in _CLAUSE_END.finditer(window):
            if match.end() > limit // 2:
                clause = match
        cut = clause.end() if clause else window.rfind(" ") + 1
        if cut <= 0:  # one "word" longer than the limit: cut it anyway
            cut = limit
        piece = window[:cut].strip()
        if piece:
            pieces.append(piece)
        start += cut
        while start < end and sentence[start].isspace():
            start += 1
    rest = sentence[start:].strip()
    if rest:
        pieces.append(rest)
    return pieces


def segment_seed(seed: Seed) -> tuple[tuple[Segment, ...], tuple[tuple[Segment, ...], ...]]:
    """The title (one segment, or several if it is very long), and the body as paragraphs of
    sentence segments."""
    title = tuple(
        Segment("title", 0, s, piece, seed.title_line)
        for s, piece in enumerate(bound_length(seed.title))
    )
    body = tuple(
        tuple(
            Segment("body", p, s, sentence, paragraph.line)
            for s, sentence in enumerate(split_sentences(paragraph.text))
        )
        for p, paragraph in enumerate(seed.paragraphs)
    )
    return title, body
