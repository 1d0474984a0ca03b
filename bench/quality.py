"""Translation quality: the pipeline against the raw engine, on the NTREX-128 articles.

    .venv/bin/python bench/quality.py [--bench-data ../shared/bench-data]

Builds the 123 NTREX articles with no glossary (the benchmark measures the mechanism, not a
word list), once with generic protection and once without, and scores each against the
human English references with sacrebleu (chrF2 and BLEU), next to a raw
``apertium -u spa-eng`` run over the same lines in the same invocation. A line is a title or
a paragraph: the pipeline's sentences of a paragraph are joined with a space.
"""

from __future__ import annotations

import argparse
import dataclasses
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import sacrebleu

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.pipeline import make_corpus, make_project  # noqa: E402
from builder.build import gather, open_engine  # noqa: E402
from builder.config import load_settings  # noqa: E402
from builder.model import Briefing  # noqa: E402


def reference_lines(refs: Path, names: list[str]) -> list[str]:
    lines: list[str] = []
    for name in names:
        text = (refs / name).read_text(encoding="utf-8")
        lines += [line.strip() for line in text.splitlines() if line.strip()]
    return lines


def pipeline_lines(briefings: Sequence[Briefing]) -> list[str]:
    lines: list[str] = []
    for briefing in sorted(briefings, key=lambda b: b.seed.name):
        lines.append(briefing.title.en)
        lines += [" ".join(pair.en for pair in paragraph) for paragraph in briefing.paragraphs]
    return lines


def spanish_lines(briefings: Sequence[Briefing]) -> list[str]:
    lines: list[str] = []
    for briefing in sorted(briefings, key=lambda b: b.seed.name):
        lines.append(briefing.seed.title)
        lines += [p.text for p in briefing.seed.paragraphs]
    return lines


def score(name: str, hyps: list[str], refs: list[str]) -> tuple[float, float]:
    chrf = sacrebleu.corpus_chrf(hyps, [refs]).score
    bleu = sacrebleu.corpus_bleu(hyps, [refs]).score
    print(f"{name:<38} chrF2 {chrf:6.3f}   BLEU {bleu:6.3f}")
    return chrf, bleu


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--bench-data", type=Path, default=REPO.parent / "shared" / "bench-data")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="briefings-quality-") as tmp:
        root = Path(tmp)
        seeds = make_corpus(args.bench_data, root / "corpus")
        project = make_project(root / "project", seeds)
        settings = dataclasses.replace(load_settings(project / "mkdocs.yml"), glossary_file=None)
        engine = open_engine(settings)
        protected = gather(settings, engine)
        plain = gather(dataclasses.replace(settings, protect=False), engine)
        assert not protected.problems and not plain.problems
        names = sorted(b.seed.name for b in protected.briefings)
        refs = reference_lines(root / "corpus" / "refs", names)
        source = spanish_lines(protected.briefings)
        raw = subprocess.run(
            ["apertium", "-u", "spa-eng"],
            input="\n".join(source) + "\n",
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
        assert len(refs) == len(source) == len(raw), (len(refs), len(source), len(raw))
        print(f"{len(names)} articles, {len(refs)} lines (titles and paragraphs), no glossary\n")
        raw_chrf, _ = score("raw: apertium -u spa-eng", raw, refs)
        plain_chrf, _ = score(
            "pipeline, no generic protection", pipeline_lines(plain.briefings), refs
        )
        pipe_chrf, _ = score(
            "pipeline (default: generic protection)", pipeline_lines(protected.briefings), refs
        )
        changed = sum(
            a != b
            for a, b in zip(
                pipeline_lines(plain.briefings), pipeline_lines(protected.briefings), strict=True
            )
        )
        print(
            f"\neffect of generic protection alone: {pipe_chrf - plain_chrf:+.3f} chrF2 "
            f"({changed} of {len(refs)} lines changed)"
        )
        ok = pipe_chrf >= raw_chrf
        print(f"pipeline chrF2 >= raw chrF2: {'yes' if ok else 'NO'} ({pipe_chrf - raw_chrf:+.2f})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
