"""Segment stage: a seed's title and paragraphs become the segments the engine translates."""

from __future__ import annotations

import re

import sentencex

from builder.model import Seed, Segment

LANGUAGE = "es"
# A "sentence" longer than this (a paragraph pasted without punctuation) is cut into pieces,
# so that no engine request and no page row grows without bound. Well under the 5,000
# characters online translators accept.
MAX_SEGMENT_CHARS = 1500
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
    # Pieces keep their trailing spaces so that joining two of them restores the original text.
    sentences: list[str] = []
    for piece in sentencex.segment(LANGUAGE, paragraph):
        if not piece.strip():
            continue
        if sentences and (
            _ENDS_WITH_INITIAL.search(sentences[-1].rstrip()) or _CONTINUES.match(piece)
        ):
            sentences[-1] += piece
        else:
            sentences.append(piece)
    return [piece for sentence in sentences for piece in bound_length(sentence.strip())]


def bound_length(sentence: str, limit: int = MAX_SEGMENT_CHARS) -> list[str]:
    """Cut a sentence longer than ``limit`` at clause marks or spaces; short ones pass as is."""
    pieces = []
    rest = sentence
    while len(rest) > limit:
        window = rest[: limit + 1]
        clause = None
        for match in _CLAUSE_END.finditer(window):
            if match.end() > limit // 2:
                clause = match
        cut = clause.end() if clause else window.rfind(" ") + 1
        if cut <= 0:  # one "word" longer than the limit: cut it anyway
            cut = limit
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].strip()
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
