"""Benchmark: build the 123 NTREX-128 articles cold and warm, against a raw Apertium run.

    .venv/bin/python bench/pipeline.py [--bench-data ../shared/bench-data] [--rounds 3]

Prints, for each round, the builder's cold time as a ratio to one raw ``apertium spa-eng``
call over the same Spanish text (timed in the same round, so machine noise hits both), and
the warm rebuild's time. Times are wall-clock seconds on this machine; the ratios are what
to compare between machines. It also prints the CPU seconds each used (this process and its
children): raw Apertium is a pipeline of programs that already keeps several cores busy, so
CPU seconds / cores is the floor for any parallel run.
"""

from __future__ import annotations

import argparse
import os
import resource
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

COLD_GOALS = {"issue 2": 1.3, "issue 7": 0.75}
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
    lines: list[str] = []
    for seed_file in discover(seeds).files:
        seed, _ = read_seed(seed_file)
        lines.append(seed.title)
        lines.extend(p.text for p in seed.paragraphs)
    return "\n".join(lines) + "\n"


def cpu_seconds() -> float:
    """User + system CPU of this process and its finished children so far."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def time_raw_apertium(
    text: str, *, one_core: bool = False, pair: str = "spa-eng"
) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one ``apertium <pair>`` over ``text``; with
    ``one_core``, all its programs pinned to the first core (``taskset``)."""
    pin = ["taskset", "-c", "0"] if one_core else []
    cpu, started = cpu_seconds(), time.perf_counter()
    subprocess.run([*pin, "apertium", pair], input=text.encode(), capture_output=True, check=True)
    return time.perf_counter() - started, cpu_seconds() - cpu


def one_round(settings: Settings, text: str) -> dict[str, float]:
    shutil.rmtree(settings.cache_dir, ignore_errors=True)
    shutil.rmtree(settings.area, ignore_errors=True)
    raw_before, raw_cpu_before = time_raw_apertium(text)
    cpu = cpu_seconds()
    cold = build(settings)
    cold_cpu = cpu_seconds() - cpu
    raw_after, raw_cpu_after = time_raw_apertium(text)
    one_core = time_raw_apertium(text, one_core=True)[0] if shutil.which("taskset") else 0.0
    warm = build(settings)
    if cold.problems or warm.collection.translated:
        raise SystemExit(f"unexpected: {cold.problems[:3]} / {warm.collection.translated}")
    return {
        "raw": (raw_before + raw_after) / 2,
        "raw_cpu": (raw_cpu_before + raw_cpu_after) / 2,
        "one_core": one_core,
        "cold": cold.seconds,
        "cold_cpu": cold_cpu,
        "warm": warm.seconds,
        "segments": float(cold.collection.segments),
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
        cores = os.cpu_count() or 1
        print(f"corpus: {len(list(seeds.glob('*.txt')))} seeds, {words} words (NTREX-128)")
        print("raw:    apertium spa-eng < all titles and paragraphs (one process)")
        print("cold:   builder.build.build() with an empty cache; warm: the same again")
        print(f"cpu:    user+system seconds, children included; this machine has {cores} cores")
        print(f"command: {' '.join(sys.argv)}\n")
        all_met = True
        for jobs in (1, base.jobs) if base.jobs > 1 else (1,):
            settings = replace(base, jobs=jobs)
            rounds = [one_round(settings, text) for _ in range(args.rounds)]
            for n, r in enumerate(rounds, 1):
                print(
                    f"jobs={jobs} round {n}: raw {r['raw']:.2f} s ({r['raw_cpu']:.2f} cpu-s), "
                    f"cold {r['cold']:.2f} s ({r['cold_cpu']:.2f} cpu-s), "
                    f"ratio {r['cold'] / r['raw']:.2f}, warm {r['warm']:.3f} s, "
                    f"{int(r['segments'])} segments"
                )
            ratio = statistics.median(r["cold"] / r["raw"] for r in rounds)
            warm = statistics.median(r["warm"] for r in rounds)
            raw_cores = statistics.median(r["raw_cpu"] / r["raw"] for r in rounds)
            floor = statistics.median(r["cold_cpu"] / cores / r["raw"] for r in rounds)
            pinned = [r["cold"] / r["one_core"] for r in rounds if r["one_core"]]
            verdicts = []
            for issue, goal in COLD_GOALS.items():
                met = ratio <= goal
                all_met = all_met and met
                verdicts.append(f"<= {goal} ({issue}): {'met' if met else 'MISSED'}")
            warm_met = warm < WARM_GOAL
            all_met = all_met and warm_met
            print(
                f"jobs={jobs} median: cold/raw {ratio:.2f}, goal {'; '.join(verdicts)}\n"
                f"        raw Apertium kept {raw_cores:.2f} cores busy; the cold build's CPU "
                f"seconds / {cores} cores / raw time = {floor:.2f} (no parallel run of the "
                f"same work can go below this)\n"
                + (
                    f"        for reference only: against raw Apertium pinned to one core "
                    f"(taskset -c 0), cold/raw {statistics.median(pinned):.2f}\n"
                    if pinned
                    else ""
                )
                + f"        warm {warm:.3f} s (goal < {WARM_GOAL} s: "
                f"{'met' if warm_met else 'MISSED'})\n"
            )
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
