"""Where Apertium's time goes: each program of the ``spa-eng`` mode run alone on the NTREX text.

    .venv/bin/python bench/apertium_stages.py [--bench-data ../shared/bench-data]

Runs the pair's pipeline one program at a time, each reading the previous one's output from
memory, and prints the CPU seconds of each, the number of lexical units it read and how many
of them were distinct. The programs that look units up one at a time (``lt-proc -b``, the
bilingual dictionary; ``lt-proc -g``, the generator) are the ones the builder asks only once
per distinct unit. It also prints one raw ``apertium spa-eng`` over the same text: wall-clock
and CPU seconds, i.e. how many cores one Apertium process keeps busy.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.pipeline import (  # noqa: E402
    cpu_seconds,
    make_corpus,
    spanish_text,
    time_raw_apertium,
)
from builder.engines.apertium import MODES_DIR  # noqa: E402
from builder.engines.apertium_mode import (  # noqa: E402
    DEFORMATTER,
    LEXICAL_UNIT,
    REFORMATTER,
    Lookup,
    plan,
    read_mode,
)

_UNIT = re.compile(LEXICAL_UNIT)
ENV = dict(os.environ, LC_ALL="C.UTF-8")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--bench-data", type=Path, default=REPO.parent / "shared" / "bench-data")
    parser.add_argument("--pair", default="spa-eng")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="briefings-stages-") as tmp:
        text = spanish_text(make_corpus(args.bench_data, Path(tmp)))
    payload = text.encode()
    print(f"command: {' '.join(sys.argv)}")
    print(f"text: {len(text.split())} words, {len(text)} characters (NTREX-128 titles, paragraphs)")

    real, used = time_raw_apertium(text, pair=args.pair)
    print(
        f"raw apertium {args.pair}: {real:.2f} s, {used:.2f} cpu-s, "
        f"{used / real:.2f} cores busy ({os.cpu_count()} on this machine)\n"
    )

    commands = read_mode(MODES_DIR / f"{args.pair}.mode")
    lookups = {phase.command for phase in plan(commands) if isinstance(phase, Lookup)}
    rows: list[tuple[str, float, int, int]] = []
    stream = payload
    for command in (DEFORMATTER, *commands, REFORMATTER):
        units = _UNIT.findall(stream.decode())
        cpu = cpu_seconds()
        stream = subprocess.run(
            list(command), input=stream, capture_output=True, check=True, env=ENV
        ).stdout
        name = " ".join(command[:2] if command[1:2] and command[1].startswith("-") else command[:1])
        if command in lookups:
            name += "  (looked up once per distinct unit by the builder)"
        rows.append((name, cpu_seconds() - cpu, len(units), len(set(units))))
    total = sum(row[1] for row in rows)
    print(f"{'program':<70} {'cpu-s':>6} {'share':>6} {'units in':>9} {'distinct':>9}")
    for name, seconds, count, distinct in rows:
        print(f"{name:<70} {seconds:6.2f} {seconds / total:6.1%} {count:9d} {distinct:9d}")
    print(f"{'all programs, one after another':<70} {total:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
