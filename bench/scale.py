"""Scale: sites of 500, 1,000 and 5,000 briefings made from the NTREX articles.

    .venv/bin/python bench/scale.py [--sizes 500 1000 5000]

Seed i is NTREX article i mod 123 under its own file name, with a date of its own and a
numbered title, so every URL differs. All sizes share one translation cache, so the runs
measure the build, not Apertium. For each size it prints: the builder's full build and its
peak memory (a separate process), an unchanged ``mkdocs build`` and the builder's share of it,
one seed changed (builder time, and the whole build against a plain ``mkdocs build`` of the
same Markdown without the plugin), and the largest list page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.pipeline import make_corpus  # noqa: E402

ENV = {"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"}
_BUILDER_LINE = re.compile(r"briefings: .* in ([\d.]+) s")


def make_site(root: Path, corpus: Path, size: int, cache: Path) -> Path:
    root.mkdir(parents=True)
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(
        REPO / "site_src", root / "site_src", ignore=shutil.ignore_patterns("briefings")
    )
    yml = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        yml.replace("engine: apertium", f"engine: apertium\n      cache_dir: {cache}")
    )
    seeds = root / "seeds"
    seeds.mkdir()
    articles = sorted(corpus.glob("*.txt"))
    start = dt.date(2018, 1, 1)
    for n in range(size):
        source = articles[n % len(articles)]
        title, _, body = source.read_text(encoding="utf-8").partition("\n")
        date = start + dt.timedelta(days=n)
        text = f"---\ndate: {date.isoformat()}\n---\n{title} ({n // len(articles) + 1})\n{body}"
        (seeds / f"{n:05d}-{source.stem}.txt").write_text(text, encoding="utf-8")
    return root


def run(project: Path, *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(
        ["/usr/bin/time", "-f", "peak-kb %M", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env=ENV,
        check=True,
    )
    return time.perf_counter() - started, result.stderr


def builder_seconds(log: str) -> float:
    match = _BUILDER_LINE.search(log)
    if match is None:
        raise SystemExit(f"no builder summary in:\n{log[-2000:]}")
    return float(match.group(1))


def peak_mb(log: str) -> float:
    match = re.search(r"peak-kb (\d+)", log)
    return int(match.group(1)) / 1024 if match else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--bench-data", type=Path, default=REPO.parent / "shared" / "bench-data")
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 5000])
    args = parser.parse_args()
    venv = Path(sys.executable).parent
    briefings, mkdocs = str(venv / "briefings"), str(venv / "mkdocs")
    with tempfile.TemporaryDirectory(prefix="briefings-scale-") as tmp:
        root = Path(tmp)
        corpus = make_corpus(args.bench_data, root / "corpus")
        cache = root / "cache"
        rows = []
        for size in args.sizes:
            project = make_site(root / f"site{size}", corpus, size, cache)
            _, log = run(project, briefings, "build")
            full, memory = builder_seconds(log), peak_mb(log)
            _, log = run(project, briefings, "build")  # pages written; now nothing changes
            wall, log = run(project, mkdocs, "build")
            warm_share = builder_seconds(log) / wall
            seed = sorted((project / "seeds").glob("*.txt"))[size // 2]
            seed.write_text(
                seed.read_text(encoding="utf-8") + "\nUna frase nueva.\n", encoding="utf-8"
            )
            changed_wall, log = run(project, mkdocs, "build")
            changed_builder = builder_seconds(log)
            yml = project / "mkdocs.yml"
            yml.write_text(
                yml.read_text(encoding="utf-8").replace(
                    "      seeds_dir: seeds", "      enabled: false\n      seeds_dir: seeds"
                )
            )
            plain_wall, _ = run(project, mkdocs, "build")
            lists = [
                p
                for p in (project / "site_src" / "briefings").rglob("*.md")
                if p.name == "index.md" or "page" in p.parts or "tags" in p.parts
            ]
            largest = max(p.stat().st_size for p in lists) / 1024
            rows.append(
                (
                    size,
                    full,
                    memory,
                    wall,
                    warm_share,
                    changed_builder,
                    changed_wall,
                    plain_wall,
                    largest,
                )
            )
            print(
                f"{size:>5} briefings: builder full build {full:.2f} s, peak {memory:.0f} MB; "
                f"unchanged mkdocs build {wall:.1f} s (builder {warm_share:.1%}); "
                f"one seed changed: builder {changed_builder:.2f} s, "
                f"mkdocs build {changed_wall:.1f} s vs plain {plain_wall:.1f} s "
                f"({changed_wall / plain_wall:.2f}x); "
                f"largest list page {largest:.0f} KB",
                flush=True,
            )
        if len(rows) > 1:
            base = rows[0]
            for size, *_rest, plain, _largest in rows[1:]:
                per_base, per_size = base[7] / base[0] * 1000, plain / size * 1000
                print(
                    f"plain mkdocs build per briefing: {base[0]}: {per_base:.1f} ms, "
                    f"{size}: {per_size:.1f} ms"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
