"""Benchmark: build the 123 NTREX-128 articles cold and warm, against a raw Apertium run.

    .venv/bin/python bench/pipeline.py [--bench-data ../shared/bench-data] [--rounds 3]

Prints, for each round, the builder's cold time as a ratio to one raw ``apertium spa-eng``
call over the same Spanish text (timed in the same round, so machine noise hits both), and
the warm rebuild's time. Times are wall-clock seconds on this machine; the ratios are what
to compare between machines.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from builder.build import build  # noqa: E402
from builder.config import Settings, load_settings  # noqa: E402
from builder.seeds import discover, read_seed  # noqa: E402

COLD_GOAL = 1.3
WARM_GOAL = 0.5


def make_corpus(bench_data: Path, out: Path) -> Path:
    """Write the NTREX seeds with the shared script; return the seeds folder."""
    seeds, refs = out / "seeds", out / "refs"
    subprocess.run(
        [sys.executable, str(bench_data / "make_seeds.py"), str(seeds), str(refs)],
        check=True,
        capture_output=True,
    )
    return seeds


def make_project(root: Path, seeds: Path) -> Path:
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(
        REPO / "site_src", root / "site_src", ignore=shutil.ignore_patterns("briefings")
    )
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(seeds, root / "seeds")
    return root


def spanish_text(seeds: Path) -> str:
    """The same Spanish the builder translates: every title and paragraph, one per line."""
    files, _ = discover(seeds)
    lines: list[str] = []
    for seed_file in files:
        seed, _ = read_seed(seed_file)
        lines.append(seed.title)
        lines.extend(p.text for p in seed.paragraphs)
    return "\n".join(lines) + "\n"


def time_raw_apertium(text: str) -> float:
    started = time.perf_counter()
    subprocess.run(["apertium", "spa-eng"], input=text.encode(), capture_output=True, check=True)
    return time.perf_counter() - started


def one_round(settings: Settings, text: str) -> dict[str, float]:
    shutil.rmtree(settings.cache_dir, ignore_errors=True)
    shutil.rmtree(settings.area, ignore_errors=True)
    raw_before = time_raw_apertium(text)
    cold = build(settings)
    raw_after = time_raw_apertium(text)
    warm = build(settings)
    if cold.problems or warm.collection.translated:
        raise SystemExit(f"unexpected: {cold.problems[:3]} / {warm.collection.translated}")
    raw = (raw_before + raw_after) / 2
    return {
        "raw": raw,
        "cold": cold.seconds,
        "warm": warm.seconds,
        "segments": float(cold.collection.segments),
        "briefings": float(len(cold.collection.briefings)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--bench-data", type=Path, default=REPO.parent / "shared" / "bench-data")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="briefings-bench-") as tmp:
        root = Path(tmp)
        seeds = make_corpus(args.bench_data, root / "corpus")
        project = make_project(root / "project", seeds)
        text = spanish_text(project / "seeds")
        words = len(text.split())
        base = load_settings(project / "mkdocs.yml")
        print(f"corpus: {len(list(seeds.glob('*.txt')))} seeds, {words} words (NTREX-128)")
        print("raw:    apertium spa-eng < all titles and paragraphs (one process)")
        print("cold:   builder.build.build() with an empty cache; warm: the same again\n")
        worst_ok = True
        for jobs in (1, base.jobs) if base.jobs > 1 else (1,):
            settings = replace(base, jobs=jobs)
            rounds = [one_round(settings, text) for _ in range(args.rounds)]
            ratios = [r["cold"] / r["raw"] for r in rounds]
            warm = [r["warm"] for r in rounds]
            for n, r in enumerate(rounds, 1):
                print(
                    f"jobs={jobs} round {n}: raw {r['raw']:.2f} s, cold {r['cold']:.2f} s "
                    f"(ratio {r['cold'] / r['raw']:.2f}), warm {r['warm']:.3f} s, "
                    f"{int(r['segments'])} segments"
                )
            median_ratio = statistics.median(ratios)
            median_warm = statistics.median(warm)
            cold_ok = median_ratio <= COLD_GOAL
            warm_ok = median_warm < WARM_GOAL
            worst_ok = worst_ok and cold_ok and warm_ok
            print(
                f"jobs={jobs} median: cold/raw {median_ratio:.2f} (goal <= {COLD_GOAL}: "
                f"{'met' if cold_ok else 'MISSED'}), warm {median_warm:.3f} s "
                f"(goal < {WARM_GOAL} s: {'met' if warm_ok else 'MISSED'})\n"
            )
    return 0 if worst_ok else 1


if __name__ == "__main__":
    sys.exit(main())
