"""Benchmark: time from saving one seed to its updated page being served by ``mkdocs serve``.

    .venv/bin/python bench/serve_latency.py [--edits 5] [--dirty] [--briefings N]

Builds a site of the 123 NTREX-128 articles (or of N briefings made from them, as
``bench/scale.py`` makes them), starts ``mkdocs serve`` (``--dirty``: ``mkdocs serve --dirty``)
on a free loopback port, then edits one seed at a time (a new sentence) and polls the page
every 20 ms until the new sentence's translation is served. Also counts MkDocs rebuilds per
edit, to show that writing the generated pages does not start a reload loop.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.pipeline import make_corpus, make_project  # noqa: E402
from bench.scale import make_site  # noqa: E402
from builder.seeds import slug_for  # noqa: E402
from tests.web import fetch, free_port  # noqa: E402 (the web tests' own helpers)

GOAL = 3.0
# Sentences with a distinctive English translation, one per edit.
EDITS = [
    ("La ciudad celebra una fiesta.", "The city throws a party."),
    ("El perro come en la casa grande.", "The dog eats in the big house."),
    ("Mañana lloverá en la costa.", "Tomorrow it will rain in the coast."),
    ("Los estudiantes leen un libro nuevo.", "The students read a new book."),
    ("El tren llega tarde otra vez.", "The train arrives late again."),
]


def wait_for(url: str, text: str, seconds: float = 120) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        if text in fetch(url):
            return time.perf_counter() - started
        time.sleep(0.02)
    raise SystemExit(f"{text!r} not served at {url} within {seconds} s")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--bench-data", type=Path, default=REPO.parent / "shared" / "bench-data")
    parser.add_argument("--edits", type=int, default=len(EDITS))
    parser.add_argument(
        "--dirty",
        action="store_true",
        help="run 'mkdocs serve --dirty' (rebuild only the pages whose Markdown changed)",
    )
    parser.add_argument(
        "--briefings", type=int, default=0, help="site size (default: the 123 articles once)"
    )
    args = parser.parse_args()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    # Run in the background (nohup, '&'), this process ignores SIGINT and 'mkdocs serve' would
    # inherit that and not stop on the Ctrl-C sent at the end; a Python handler is not inherited.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)

    with tempfile.TemporaryDirectory(prefix="briefings-serve-") as tmp:
        root = Path(tmp)
        corpus = make_corpus(args.bench_data, root / "corpus")
        if args.briefings:
            project = make_site(root / "project", corpus, args.briefings, root / "cache")
        else:
            project = make_project(root / "project", corpus)
        print(f"command: {' '.join(sys.argv)}")
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project, env=env, check=True
        )
        seeds = sorted((project / "seeds").glob("*.txt"))
        port = free_port()
        log_path = root / "serve.log"
        with log_path.open("w") as log:
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "mkdocs",
                    "serve",
                    "-a",
                    f"127.0.0.1:{port}",
                    *(["--dirty"] if args.dirty else []),
                ],
                cwd=project,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
            try:
                base = f"http://127.0.0.1:{port}/briefings"
                wait_for(f"{base}/", "Briefings", seconds=900)
                latencies, rebuilds = [], []
                for n, (spanish, english) in enumerate(EDITS[: args.edits]):
                    seed = seeds[n * 10]
                    url = f"{base}/{slug_for(seed.stem)}/"
                    wait_for(url, "bf-briefing")
                    time.sleep(1.5)  # let the server settle
                    builds_before = log_path.read_text().count("Building documentation")
                    with seed.open("a", encoding="utf-8") as handle:
                        handle.write(f"\n{spanish}\n")
                    latency = wait_for(url, english, seconds=600)
                    time.sleep(3)  # any reload loop would show as further builds now
                    builds = log_path.read_text().count("Building documentation") - builds_before
                    latencies.append(latency)
                    rebuilds.append(builds)
                    print(
                        f"edit {n + 1}: {seed.name}: served after {latency:.2f} s, "
                        f"{builds} rebuild(s)"
                    )
            finally:
                server.send_signal(signal.SIGINT)
                server.wait(timeout=30)
        median = statistics.median(latencies)
        print(
            f"median save-to-served latency: {median:.2f} s over {len(latencies)} edits "
            f"(goal < {GOAL} s: {'met' if median < GOAL else 'MISSED'}); "
            f"rebuilds per edit: {rebuilds}"
        )
        build_lines = [line for line in log_path.read_text().splitlines() if "briefings:" in line]
        print("builder lines from the server log (last 3):")
        for line in build_lines[-3:]:
            print("  " + line.strip())
    return 0 if median < GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
