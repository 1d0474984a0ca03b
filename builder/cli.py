"""The ``briefings`` command: build the briefing pages, check the inputs, export segments.

This is one of the two error boundaries (the MkDocs plugin is the other): whatever goes
wrong below ends here as one line on standard error and an exit status, never a traceback
(unless ``--debug`` asks for it).
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from builder import __version__
from builder.build import BuildReport, build, gather, open_engine
from builder.check import check
from builder.config import Settings, load_settings
from builder.engines import ENGINE_NAMES
from builder.errors import BriefingError, Problem
from builder.export import FORMATS, write_jsonl, write_tmx
from builder.files import describe_os_error, write_if_changed
from builder.text import printable

EXIT_OK, EXIT_PROBLEMS, EXIT_FATAL, EXIT_INTERRUPTED, EXIT_PIPE = 0, 1, 2, 130, 141

DESCRIPTION = """\
Turn the Spanish articles in seeds/ into bilingual briefings: each sentence of the original
next to its English translation, as Markdown pages in the MkDocs site (site_src/briefings/).
Settings come from the 'briefings' plugin in mkdocs.yml; 'mkdocs build' runs the same build.
"""

EPILOG = """\
problems are printed as 'file:line: message', each an ERROR (the file could not be used: a
seed is skipped and its last good page stays) or a WARNING (the file was used; look at it).

exit status (every command):
  0  done; warnings may have been printed
  1  an ERROR was found, or with --strict a WARNING
  2  nothing could be done: configuration, engine, templates or the builder's own files
     (the message says what to do)
  130 interrupted (translations made so far are kept in the cache)

examples:
  briefings check                  find problems in seeds, glossary and templates
  briefings build                  build the pages, then run 'mkdocs build' for the site
  briefings build --strict         fail on warnings too (as 'mkdocs build --strict' does)
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
    noise = common.add_mutually_exclusive_group()
    noise.add_argument(
        "-v", "--verbose", action="store_true", help="say more about what is being done"
    )
    noise.add_argument(
        "-q", "--quiet", action="store_true", help="print problems only: no progress, no summary"
    )
    common.add_argument(
        "--debug", action="store_true", help="show the traceback of an unexpected failure"
    )
    strict = argparse.ArgumentParser(add_help=False)
    strict.add_argument(
        "--strict",
        action="store_true",
        help="exit with status 1 on warnings too, not only on errors",
    )

    commands.add_parser(
        "build",
        parents=[common, strict],
        help="translate the seeds and write the briefing pages",
        description="Read seeds/, translate what the cache does not have, write the pages.",
    )
    commands.add_parser(
        "check",
        parents=[common, strict],
        help="report every problem in seeds, glossary and templates, translating nothing",
        description=(
            "Validate seeds, corrections, the glossary and the templates without translating; "
            "problems go to standard output as 'file:line: message (severity)'."
        ),
    )
    export_cmd = commands.add_parser(
        "export",
        parents=[common, strict],
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
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="briefings: %(message)s",
    )
    commands: dict[str, Callable[[argparse.Namespace], int]] = {
        "build": run_build,
        "check": run_check,
        "export": run_export,
    }
    try:
        return commands[args.command](args)
    except BriefingError as error:
        fail(str(error))
    except KeyboardInterrupt:
        fail("interrupted; translations made so far are kept in the cache")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (briefings export | head): stop quietly, as other tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_PIPE
    except OSError as error:
        if args.debug:
            raise
        fail(f"{getattr(error, 'filename', None) or ''} {describe_os_error(error)}".strip())
    except Exception as error:  # the boundary: anything unexpected becomes one line
        if args.debug:
            raise
        fail(
            f"unexpected {type(error).__name__}: {error} (run again with --debug to see "
            "where, and please report it)"
        )
    return EXIT_FATAL


def fail(message: str) -> None:
    print(f"briefings: error: {printable(message)}", file=sys.stderr)


def settings_from(args: argparse.Namespace) -> Settings:
    return load_settings(args.config_file).with_engine(args.engine)


def shown(problem: Problem) -> str:
    """``file:line: message`` with the file relative to the current folder when inside it."""
    path, cwd = problem.path, Path.cwd()
    if path.is_absolute() and path.is_relative_to(cwd):
        path = path.relative_to(cwd)
    return str(Problem(path, problem.message, problem.line, problem.severity))


def report(problems: Iterable[Problem]) -> None:
    for problem in problems:
        print(f"{problem.severity.upper()}: {shown(problem)}", file=sys.stderr)


def status(problems: Sequence[Problem], strict: bool) -> int:
    """The exit status problems call for: 1 on an error, or on a warning with ``--strict``."""
    if any(problem.is_error for problem in problems):
        return EXIT_PROBLEMS
    return EXIT_PROBLEMS if strict and problems else EXIT_OK


def progress_wanted(args: argparse.Namespace) -> bool:
    return not args.quiet and sys.stderr.isatty()


def say(args: argparse.Namespace, message: str) -> None:
    if not args.quiet:
        print(f"briefings: {message}", file=sys.stderr)


def run_check(args: argparse.Namespace) -> int:
    problems = check(settings_from(args))
    for problem in problems:
        print(f"{shown(problem)} ({problem.severity})")
    errors = sum(1 for p in problems if p.is_error)
    say(args, f"{errors} error{'s' if errors != 1 else ''}, {len(problems) - errors} warnings")
    return status(problems, args.strict)


def run_build(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    result: BuildReport = build(
        settings, show_progress=progress_wanted(args), on_wait=lambda m: say(args, m)
    )
    report(result.problems)
    say(args, result.summary())
    return status(result.problems, args.strict)


def run_export(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    engine = open_engine(settings)
    gathered = gather(
        settings, engine, show_progress=progress_wanted(args), on_wait=lambda m: say(args, m)
    )
    report(gathered.problems)
    writer = write_tmx if args.format == "tmx" else write_jsonl
    if args.output is None:
        count = writer(gathered.briefings, sys.stdout)
        sys.stdout.flush()
    else:
        buffer = io.StringIO()
        count = writer(gathered.briefings, buffer)
        write_if_changed(args.output, buffer.getvalue())
    briefings = len(gathered.briefings)
    say(args, f"exported {count} segments of {briefings} briefing{'s' if briefings != 1 else ''}")
    return status(gathered.problems, args.strict)
