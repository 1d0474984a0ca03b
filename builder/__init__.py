"""Bilingual briefing builder: Spanish seeds in, side-by-side Spanish/English pages out."""

__version__ = "0.1.0"
