"""Segment stage: Spanish-aware sentence splitting."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.model import Paragraph, Seed
from builder.segment import MAX_SEGMENT_CHARS, segment_seed, split_sentences


@pytest.mark.parametrize(
    ("paragraph", "sentences"),
    [
        (
            "El Sr. García llegó ayer. Habló con la Dra. Pérez.",
            ["El Sr. García llegó ayer.", "Habló con la Dra. Pérez."],
        ),
        (
            "Viajó a EE. UU. el lunes. Volvió el martes.",
            ["Viajó a EE. UU. el lunes.", "Volvió el martes."],
        ),
        (
            "El PIB creció un 2.5 por ciento. La inflación, un 3,1 %.",
            ["El PIB creció un 2.5 por ciento.", "La inflación, un 3,1 %."],
        ),
        (
            'Dijo: "¿Vendrás? No lo sé." Luego se fue.',
            ['Dijo: "¿Vendrás? No lo sé."', "Luego se fue."],
        ),
        ("¡Qué sorpresa! ¿Quién lo diría?", ["¡Qué sorpresa!", "¿Quién lo diría?"]),
        (
            "Habló ante la O.N.U. sobre el acuerdo. Nadie respondió.",
            ["Habló ante la O.N.U. sobre el acuerdo.", "Nadie respondió."],
        ),
        ("John F. Kennedy visitó Berlín.", ["John F. Kennedy visitó Berlín."]),
        (
            "Ganó por 12.ª vez. Nadie lo esperaba.",
            ["Ganó por 12.ª vez.", "Nadie lo esperaba."],
        ),
        ("Costó aprox. cinco euros.", ["Costó aprox. cinco euros."]),
        ("Sin punto final", ["Sin punto final"]),
    ],
)
def test_split_sentences(paragraph: str, sentences: list[str]) -> None:
    assert split_sentences(paragraph) == sentences


def test_no_text_is_lost() -> None:
    paragraph = "Uno. Dos: «tres»... ¿Cuatro? ¡Cinco! Seis (siete). O.T.A.N. ocho."
    assert " ".join(split_sentences(paragraph)) == paragraph


def test_long_run_on_text_is_cut_into_bounded_pieces() -> None:
    clause = "una cláusula larga sin punto final, "
    paragraph = clause * 2000  # about 72,000 characters, no sentence end
    pieces = split_sentences(paragraph)
    assert len(pieces) > 40
    assert all(len(p) <= MAX_SEGMENT_CHARS for p in pieces)
    assert all(p.endswith(",") for p in pieces[:-1])  # cut after a clause, not mid-word
    assert " ".join(pieces) == paragraph.strip()


def test_one_huge_word_is_cut_too() -> None:
    pieces = split_sentences("x" * 4000)
    assert [len(p) for p in pieces] == [MAX_SEGMENT_CHARS, MAX_SEGMENT_CHARS, 1000]


def test_segment_seed_positions() -> None:
    seed = Seed(
        Path("x.txt"),
        "x",
        "Título.",
        1,
        (Paragraph("Uno. Dos.", 2), Paragraph("Tres.", 4)),
    )
    title, body = segment_seed(seed)
    assert [(t.part, t.paragraph, t.sentence, t.es) for t in title] == [("title", 0, 0, "Título.")]
    assert [[(s.paragraph, s.sentence, s.es, s.line) for s in p] for p in body] == [
        [(0, 0, "Uno.", 2), (0, 1, "Dos.", 2)],
        [(1, 0, "Tres.", 4)],
    ]


def test_a_very_long_title_is_cut_like_a_body_sentence() -> None:
    long_title = "palabra " * 1000
    seed = Seed(Path("x.txt"), "x", long_title.strip(), 1, (Paragraph("Uno.", 2),))
    title, _ = segment_seed(seed)
    assert len(title) > 1
    assert all(len(t.es) <= MAX_SEGMENT_CHARS for t in title)
    assert " ".join(t.es for t in title) == long_title.strip()
    assert [t.sentence for t in title] == list(range(len(title)))
