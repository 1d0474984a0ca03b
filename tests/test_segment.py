"""Segment stage: Spanish-aware sentence splitting."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.model import Paragraph, Seed
from builder.segment import segment_seed, split_sentences


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
        ("Sin punto final", ["Sin punto final"]),
    ],
)
def test_split_sentences(paragraph: str, sentences: list[str]) -> None:
    assert split_sentences(paragraph) == sentences


def test_no_text_is_lost() -> None:
    paragraph = "Uno. Dos: «tres»... ¿Cuatro? ¡Cinco! Seis (siete). O.T.A.N. ocho."
    assert " ".join(split_sentences(paragraph)) == paragraph


def test_segment_seed_positions() -> None:
    seed = Seed(
        Path("x.txt"),
        "x",
        "Título.",
        1,
        (Paragraph("Uno. Dos.", 2), Paragraph("Tres.", 4)),
    )
    title, body = segment_seed(seed)
    assert (title.part, title.paragraph, title.sentence, title.es) == ("title", 0, 0, "Título.")
    assert [[(s.paragraph, s.sentence, s.es, s.line) for s in p] for p in body] == [
        [(0, 0, "Uno.", 2), (0, 1, "Dos.", 2)],
        [(1, 0, "Tres.", 4)],
    ]
