"""The review loop, measured on the 123 NTREX articles and on a 5,000-briefing archive.

    .venv/bin/python bench/review_loop.py [--briefings 5000]

1. Round trip: build the NTREX archive with Apertium; make a TMX of the human reference
   translations (one unit per line: title or paragraph); ``briefings import`` it; build
   again. Reports chrF2 of the archive before (machine) and after, how many briefings and
   sentences are then reviewed, whether ``export --format tmx --reviewed-only`` gives the
   references back, and how many paragraphs matched only as a whole because the builder
   cut them into several sentences where the reference has one unit.
2. ``briefings status`` on an archive of N briefings (NTREX articles repeated, as
   bench/scale.py makes them), warm; and ``briefings review`` of one seed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import defusedxml.ElementTree as SafeET
import sacrebleu

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.pipeline import make_corpus  # noqa: E402
from bench.scale import make_site  # noqa: E402

ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1")


def briefings(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "builder", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
    )


def timed(project: Path, *args: str, rounds: int = 5) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        result = briefings(project, *args)
        times.append(time.perf_counter() - started)
        assert result.returncode in (0, 1), result.stderr
    return times


def lines_of(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def reference_tmx(corpus: Path, out: Path) -> int:
    """One TMX unit per line of each article: the Spanish seed line, the human English."""
    tmx = ET.Element("tmx", version="1.4")
    header = {"srclang": "es", "adminlang": "en", "segtype": "paragraph", "o-tmf": "none",
              "datatype": "plaintext", "creationtool": "bench",
              "creationtoolversion": "1"}  # fmt: skip
    ET.SubElement(tmx, "header", header)
    body = ET.SubElement(tmx, "body")
    count = 0
    for seed in sorted((corpus / "seeds").glob("*.txt")):
        spanish, english = lines_of(seed), lines_of(corpus / "refs" / seed.name)
        assert len(spanish) == len(english), seed.name
        for es, en in zip(spanish, english, strict=True):
            unit = ET.SubElement(body, "tu")
            for lang, text in (("es", es), ("en", en)):
                ET.SubElement(ET.SubElement(unit, "tuv", {"xml:lang": lang}), "seg").text = text
            count += 1
    ET.ElementTree(tmx).write(out, encoding="utf-8", xml_declaration=True)
    return count


def archive_lines(project: Path) -> tuple[list[str], list[bool], list[int]]:
    """Per title and paragraph of every briefing, in order: its English, whether every
    sentence of it is reviewed, and into how many segments the builder cut it."""
    result = briefings(project, "export", "--format", "jsonl", "-q")
    assert result.returncode == 0, result.stderr
    paragraphs: dict[tuple[str, str, int], list[dict[str, object]]] = {}
    for line in result.stdout.splitlines():
        record = json.loads(line)
        where = (str(record["seed"]), str(record["part"]), int(str(record["paragraph"])))
        paragraphs.setdefault(where, []).append(record)
    groups = list(paragraphs.values())
    english = [" ".join(str(r["en"]) for r in records) for records in groups]
    reviewed = [all(bool(r["reviewed"]) for r in records) for records in groups]
    return english, reviewed, [len(records) for records in groups]


def round_trip(bench_data: Path, root: Path) -> None:
    corpus_seeds = make_corpus(bench_data, root / "corpus")
    refs = corpus_seeds.parent / "refs"
    project = root / "ntrex"
    shutil.copytree(REPO / "templates", project / "templates")
    shutil.copytree(
        REPO / "site_src", project / "site_src", ignore=shutil.ignore_patterns("briefings")
    )
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(corpus_seeds, project / "seeds")
    seeds = sorted(corpus_seeds.glob("*.txt"))
    references = [line for seed in seeds for line in lines_of(refs / seed.name)]
    wanted = {
        pair
        for seed in seeds
        for pair in zip(lines_of(seed), lines_of(refs / seed.name), strict=True)
    }
    assert briefings(project, "build", "-q").returncode == 0
    before, _, cuts = archive_lines(project)
    assert len(before) == len(references)
    chrf_before = sacrebleu.corpus_chrf(before, [references]).score
    units = reference_tmx(corpus_seeds.parent, root / "references.tmx")
    started = time.perf_counter()
    imported = briefings(project, "import", str(root / "references.tmx"))
    import_seconds = time.perf_counter() - started
    assert imported.returncode == 0, imported.stderr
    assert briefings(project, "build", "-q").returncode == 0
    after, reviewed, _ = archive_lines(project)
    chrf_after = sacrebleu.corpus_chrf(after, [references]).score
    status = json.loads(briefings(project, "status", "--format", "json").stdout)["briefings"]
    states = [b["state"] for b in status]
    sentences = sum(int(b["sentences"]) for b in status)
    reviewed_sentences = sum(int(b["reviewed"]) for b in status)
    exported = briefings(project, "export", "--format", "tmx", "--reviewed-only", "-q")
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    pairs = {
        tuple(tuv.findtext("seg") or "" for tuv in unit.findall("tuv"))
        for unit in SafeET.fromstring(exported.stdout).iter("tu")
        if [tuv.get(lang) for tuv in unit.findall("tuv")] == ["es", "en"]
    }
    print(f"round trip on {len(status)} NTREX articles ({units} TMX units, one per line):")
    print(f"  import: {imported.stderr.strip().splitlines()[-1]} ({import_seconds:.2f} s)")
    print(f"  chrF2 of the archive: before (machine) {chrf_before:.2f}, after {chrf_after:.2f}")
    print(
        f"  reviewed: {states.count('reviewed')} of {len(states)} briefings, "
        f"{reviewed_sentences} of {sentences} segments, {sum(reviewed)} of {len(reviewed)} lines"
    )
    print(
        f"  export --reviewed-only gives back {len(wanted & pairs)} of {len(wanted)} distinct "
        f"reference pairs exactly ({len(pairs)} pairs in all)"
    )
    print(
        f"  segmentation differed on {sum(1 for n in cuts if n > 1)} of {len(cuts)} lines (the "
        "builder cut them into several sentences): they matched as whole paragraphs, exactly, "
        "with no fuzzy match needed"
    )


def scale(root: Path, bench_data: Path, size: int) -> None:
    corpus = make_corpus(bench_data, root / "scale-corpus")
    cache = root / "cache"
    project = make_site(root / f"site-{size}", corpus, size, cache)
    assert briefings(project, "build", "-q").returncode == 0
    status_times = timed(project, "status", "-q", rounds=5)
    seed = sorted((project / "seeds").glob("*.txt"))[size // 2].name
    review_times = timed(project, "review", seed, "-q", rounds=5)
    print(f"{size} briefings, warm:")
    print(
        f"  briefings status: median {statistics.median(status_times):.2f} s "
        f"(min {min(status_times):.2f}, max {max(status_times):.2f})"
    )
    print(
        f"  briefings review {seed}: median {statistics.median(review_times):.2f} s "
        f"(min {min(review_times):.2f}, max {max(review_times):.2f})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--bench-data", type=Path, default=REPO.parent / "shared" / "bench-data")
    parser.add_argument("--briefings", type=int, default=5000)
    parser.add_argument("--skip-round-trip", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="briefings-review-") as tmp:
        root = Path(tmp)
        if not args.skip_round_trip:
            round_trip(args.bench_data, root)
        scale(root, args.bench_data, args.briefings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
