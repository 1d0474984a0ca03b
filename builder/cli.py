"""The ``briefings`` command: build the briefing pages, or export their aligned segments."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from builder import __version__
from builder.build import build, collect, open_engine
from builder.check import check
from builder.config import load_settings
from builder.engines import ENGINE_NAMES
from builder.errors import BriefingError, Problem
from builder.export import FORMATS, write_jsonl, write_tmx

EXIT_OK, EXIT_PROBLEMS, EXIT_FATAL = 0, 1, 2

DESCRIPTION = """\
Turn the Spanish articles in seeds/ into bilingual briefings: each sentence of the original
next to its English translation, as Markdown pages in the MkDocs site (site_src/briefings/).
Settings come from the 'briefings' plugin in mkdocs.yml; 'mkdocs build' runs the same build.
"""

EPILOG = """\
exit status: 0 when everything was built; 1 with --strict when a seed was skipped or had
warnings, or when 'check' found a problem; 2 when nothing could be built (bad
configuration, engine missing, broken template).

examples:
  briefings check                  find problems in seeds and templates, translate nothing
  briefings build                  build the pages, then run 'mkdocs build' for the site
  briefings build --strict         fail when any seed is skipped
  briefings export --format jsonl -o segments.jsonl
  briefings export --format tmx -o briefings.tmx
"""


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefings",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-f",
        "--config-file",
        type=Path,
        default=Path("mkdocs.yml"),
        help="the site's MkDocs configuration (default: %(default)s)",
    )
    common.add_argument(
        "--engine",
        choices=ENGINE_NAMES,
        help="translation engine, overriding plugins.briefings.engine in mkdocs.yml",
    )
    common.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")

    build_cmd = commands.add_parser(
        "build",
        parents=[common],
        help="translate the seeds and write the briefing pages",
        description="Read seeds/, translate what the cache does not have, write the pages.",
    )
    build_cmd.add_argument(
        "--strict", action="store_true", help="exit with status 1 if any seed is skipped"
    )

    commands.add_parser(
        "check",
        parents=[common],
        help="report every problem in seeds and templates as file:line: message",
        description="Validate seeds and templates without translating; exit 1 on any problem.",
    )

    export_cmd = commands.add_parser(
        "export",
        parents=[common],
        help="write the aligned Spanish/English segments of every briefing",
        description=(
            "jsonl: one JSON object per segment (seed, part, paragraph, sentence, es, en,"
            " engine, reviewed, unknown). tmx: a TMX 1.4 translation memory of the same pairs,"
            " editor corrections included."
        ),
    )
    export_cmd.add_argument("--format", choices=FORMATS, default="jsonl", help="output format")
    export_cmd.add_argument(
        "-o", "--output", type=Path, help="file to write (default: standard output)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        if args.command == "build":
            return run_build(args)
        if args.command == "check":
            return run_check(args)
        return run_export(args)
    except BriefingError as error:
        print(f"briefings: error: {error}", file=sys.stderr)
        return EXIT_FATAL
    except KeyboardInterrupt:
        print("briefings: interrupted; translations made so far are cached", file=sys.stderr)
        return 130


def _shown(problem: Problem) -> str:
    """``file:line: message`` with the file relative to the current folder when inside it."""
    path, cwd = problem.path, Path.cwd()
    if path.is_absolute() and path.is_relative_to(cwd):
        path = path.relative_to(cwd)
    return str(Problem(path, problem.message, problem.line, problem.severity))


def _report(problems: list[Problem]) -> None:
    for problem in problems:
        print(f"{problem.severity.upper()}: {_shown(problem)}", file=sys.stderr)


def run_check(args: argparse.Namespace) -> int:
    settings = load_settings(args.config_file).with_engine(args.engine)
    problems = check(settings)
    for problem in problems:
        print(f"{_shown(problem)} ({problem.severity})")
    if not args.quiet:
        print(
            f"briefings: {len(problems)} problem{'s' if len(problems) != 1 else ''}",
            file=sys.stderr,
        )
    return EXIT_PROBLEMS if problems else EXIT_OK


def run_build(args: argparse.Namespace) -> int:
    settings = load_settings(args.config_file).with_engine(args.engine)
    report = build(settings, show_progress=not args.quiet and sys.stderr.isatty())
    _report(report.problems)
    if not args.quiet:
        print(f"briefings: {report.summary()}", file=sys.stderr)
    if args.strict and report.problems:
        return EXIT_PROBLEMS
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    settings = load_settings(args.config_file).with_engine(args.engine)
    engine = open_engine(settings)
    collection = collect(settings, engine, show_progress=not args.quiet and sys.stderr.isatty())
    _report(collection.problems)
    writer = write_tmx if args.format == "tmx" else write_jsonl
    if args.output is None:
        count = writer(collection.briefings, sys.stdout)
    else:
        with args.output.open("w", encoding="utf-8", newline="\n") as out:
            count = writer(collection.briefings, out)
    if not args.quiet:
        print(
            f"briefings: exported {count} segments of {len(collection.briefings)} briefings",
            file=sys.stderr,
        )
    return EXIT_OK
