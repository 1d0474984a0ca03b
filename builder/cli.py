"""The ``briefings`` command: build the briefing pages, check the inputs, export segments.

This is one of the two error boundaries (the MkDocs plugin is the other): whatever goes
wrong below ends here as one line on standard error and an exit status, never a traceback
(unless ``--debug`` asks for it).
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TextIO

from builder import __version__
from builder.build import BuildReport, build, gather, open_engine
from builder.check import check
from builder.clock import build_time
from builder.config import Settings, load_settings_and_warnings
from builder.engines import ENGINE_NAMES
from builder.errors import BriefingError, ConfigError, FileError, Problem
from builder.export import FORMATS, write_jsonl
from builder.files import describe_os_error, write_output
from builder.lock import build_lock
from builder.review import ReviewError, review
from builder.status import table
from builder.text import counted, printable, shorten
from builder.tmx import import_units, read_tmx, write_tmx

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
  briefings review nota.txt        write seeds/nota.corrections.yml to review in place
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
    review_cmd = commands.add_parser(
        "review",
        parents=[common, strict],
        help="write a seed's corrections file with every sentence, to review in place",
        description=(
            "Write (or bring up to date) seeds/<seed>.corrections.yml with one entry per "
            "sentence: the Spanish, the English shown and its state. Edit 'en' to correct a "
            "sentence, or set 'state: approved' to accept the machine English. Run it again "
            "after the seed changes: reviewed entries are kept, new sentences are marked new "
            "and sentences that left the seed are kept at the end, marked gone."
        ),
    )
    review_cmd.add_argument("seeds", nargs="+", metavar="SEED", help="a seed's file name")
    status_cmd = commands.add_parser(
        "status",
        parents=[common, strict],
        help="the state of the archive: review state and figures of every briefing",
        description=(
            "Bring the briefings up to date (as 'build' does), then print for each briefing "
            "its review state, sentences, reviewed sentences, unknown words, stale "
            "corrections and whether it is a draft. 'mkdocs serve' shows the same on the "
            "editors' page (briefings/editors/), which is never published."
        ),
    )
    status_cmd.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people, json for scripts",
    )
    status_cmd.add_argument(
        "--unknown",
        action="store_true",
        help="list the unknown words, most frequent across the archive first, with where",
    )
    status_cmd.add_argument(
        "--changed",
        action="store_true",
        help="list the sentences whose machine English the last build changed (after an "
        "engine or glossary update)",
    )
    export_cmd.add_argument("--format", choices=FORMATS, default="jsonl", help="output format")
    export_cmd.add_argument(
        "--reviewed-only",
        action="store_true",
        help="only sentences an editor reviewed (what a CAT tool should offer as matches)",
    )
    import_cmd = commands.add_parser(
        "import",
        parents=[common, strict],
        help="take reviewed translations from a TMX file into the project memory",
        description=(
            "Read a TMX translation memory (from OmegaT, Trados, ...) and add its "
            "Spanish/English pairs whose Spanish is a sentence (or paragraph) of a briefing "
            "to the project memory (plugins.briefings.memory, memory.yml), where they apply "
            "as reviewed English. Matches are exact (after normalising quotes, dashes and "
            "spaces); what was taken and what was skipped, and why, is reported (each "
            "skipped unit with its number in the file and its Spanish with -v)."
        ),
    )
    import_cmd.add_argument("tmx", type=Path, metavar="FILE.tmx", help="the TMX file")
    import_cmd.add_argument(
        "--replace",
        action="store_true",
        help="let the file's English replace a different English already in memory.yml",
    )
    export_cmd.add_argument(
        "-o", "--output", type=Path, help="file to write (default: standard output)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    closed = _open_closed_streams()
    args = make_parser().parse_args(argv)
    if "stdout" in closed and args.command == "export" and args.output is None:
        fail("standard output is closed: give -o FILE to write the export to a file")
        return EXIT_FATAL
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="briefings: %(message)s",
    )
    commands: dict[str, Callable[[argparse.Namespace], int]] = {
        "build": run_build,
        "check": run_check,
        "export": run_export,
        "review": run_review,
        "status": run_status,
        "import": run_import,
    }
    try:
        return commands[args.command](args)
    except BriefingError as error:
        fail_with(error)
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


def _open_closed_streams() -> list[str]:
    """Standard streams started closed (``2>&-``) are Python's None: point them at the null
    device so that every later message has somewhere to go; say which were closed."""
    closed = []
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
            closed.append(name)
    return closed


def fail_with(error: BriefingError) -> None:
    """An error as one line: as a problem of its file (named relative, as builds name files)
    when it belongs to one."""
    problem = error.problem if isinstance(error, FileError) else None
    fail(str(error) if problem is None else shown(problem))


def fail(message: str) -> None:
    """One error, on one line; a message of several lines (MkDocs' configuration errors)
    keeps its lines, each shown safely."""
    first, *more = message.strip().splitlines() or [""]
    print(f"briefings: error: {printable(first)}", file=sys.stderr)
    for line in more:
        print(f"  {printable(line.strip())}", file=sys.stderr)


def settings_from(args: argparse.Namespace) -> Settings:
    """The settings, with what MkDocs warns about in mkdocs.yml reported as warnings of
    this run (an option it does not know is a typo of one, as 'mkdocs build' says)."""
    settings, warnings = load_settings_and_warnings(args.config_file)
    args.config_problems = [
        Problem(args.config_file, printable(" ".join(warning.split())), severity="warning")
        for warning in warnings
    ]
    report(args.config_problems)
    return settings.with_engine(args.engine)


def shown(problem: Problem) -> str:
    """``file:line: message`` with the file relative to the current folder when inside it."""
    path, cwd = problem.path, Path.cwd()
    if path.is_absolute() and path.is_relative_to(cwd):
        path = path.relative_to(cwd)
    return str(Problem(path, problem.message, problem.line, problem.severity))


def report(problems: Iterable[Problem]) -> None:
    for problem in problems:
        print(f"{problem.severity.upper()}: {shown(problem)}", file=sys.stderr)


def status(args: argparse.Namespace, problems: Sequence[Problem]) -> int:
    """The exit status the run's problems call for (the configuration's warnings included):
    1 on an error, or on a warning with ``--strict``."""
    problems = [*getattr(args, "config_problems", ()), *problems]
    if any(problem.is_error for problem in problems):
        return EXIT_PROBLEMS
    return EXIT_PROBLEMS if args.strict and problems else EXIT_OK


def progress_wanted(args: argparse.Namespace) -> bool:
    return not args.quiet and sys.stderr.isatty()


def say(args: argparse.Namespace, message: str) -> None:
    if not args.quiet:
        print(f"briefings: {message}", file=sys.stderr)


def run_check(args: argparse.Namespace) -> int:
    problems = check(settings_from(args))
    for problem in problems:
        print(f"{shown(problem)} ({problem.severity})")
    counted_problems = [*args.config_problems, *problems]  # mkdocs.yml's were printed already
    errors = sum(1 for p in counted_problems if p.is_error)
    warnings = len(counted_problems) - errors
    say(args, f"{counted(errors, 'error')}, {counted(warnings, 'warning')}")
    return status(args, problems)


def run_build(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    result: BuildReport = build(
        settings, show_progress=progress_wanted(args), on_wait=lambda m: say(args, m)
    )
    report(result.problems)
    say(args, result.summary())
    return status(args, result.problems)


def run_export(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    engine = open_engine(settings)
    gathered = gather(
        settings, engine, show_progress=progress_wanted(args), on_wait=lambda m: say(args, m)
    )
    report(gathered.problems)

    def writer(out: TextIO) -> int:
        if args.format == "tmx":
            return write_tmx(gathered.briefings, out, reviewed_only=args.reviewed_only)
        if args.reviewed_only:
            raise ConfigError("--reviewed-only is for --format tmx")
        return write_jsonl(gathered.briefings, out)

    if args.output is None:
        count = writer(sys.stdout)
        sys.stdout.flush()
    else:
        buffer = io.StringIO()
        count = writer(buffer)
        write_output(args.output, buffer.getvalue())
    briefings = len(gathered.briefings)
    which = "reviewed segments (machine ones left out)" if args.reviewed_only else "segments"
    say(args, f"exported {count} {which} of {briefings} briefing{'s' if briefings != 1 else ''}")
    return status(args, gathered.problems)


def run_review(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    engine = open_engine(settings)
    problems: list[Problem] = []
    failed = 0
    for name in args.seeds:  # one seed's broken file never costs the others their review
        try:
            result = review(settings, engine, name)
        except ReviewError as error:
            failed += 1
            fail_with(error)
            continue
        problems += result.warnings
        report(result.warnings)
        say(args, result.summary())
    if failed:
        if len(args.seeds) > 1:
            say(args, f"{counted(failed, 'seed')} of {len(args.seeds)} not reviewed")
        return EXIT_FATAL
    return status(args, problems)


def run_status(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    result = build(settings, show_progress=progress_wanted(args), on_wait=lambda m: say(args, m))
    archive = result.status
    assert archive is not None  # noqa: S101 - a build always makes it
    if args.format == "json":
        data = archive.to_json()
        data["problems"] = [
            {"severity": p.severity, "file": str(p.path), "line": p.line, "message": p.message}
            for p in result.problems
        ]
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return status(args, result.problems)
    report(result.problems)
    print(table(archive))
    if args.unknown:
        print("\nunknown words (times: word: where)")
        for word in archive.unknown_words:
            where = ", ".join(word.seeds[:5]) + (" ..." if len(word.seeds) > 5 else "")
            print(f"{word.count:6d}: {printable(word.word)}: {where}")
    if args.changed:
        when = archive.changed_at or "none"
        print(f"\nmachine English changed by the last build that changed any ({when})")
        for change in archive.changes:
            print(f"{change.seed}: {printable(change.es)}")
            print(f"  - {printable(change.old)}\n  + {printable(change.new)}")
    say(args, archive.summary())
    return status(args, result.problems)


def run_import(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if settings.memory_file is None:
        raise ConfigError("plugins.briefings.memory is empty: name a file to import into")
    units, skipped = read_tmx(args.tmx)
    engine = open_engine(settings)
    # memory.yml is read and written under the lock: two imports at once lose nothing.
    with build_lock(settings.cache_dir, wait=settings.lock_wait, on_wait=lambda m: say(args, m)):
        gathered = gather(settings, engine, show_progress=progress_wanted(args))
        report(gathered.problems)
        result = import_units(
            units,
            skipped,
            archive_keys=set(gathered.keys),
            memory=gathered.memory,
            memory_file=settings.memory_file,
            origin=f"imported from {args.tmx.name} on {build_time().date().isoformat()}",
            replace=args.replace,
        )
    if args.verbose and not args.quiet:
        for unit in result.skipped.in_file_order():
            print(
                f"{printable(args.tmx.name)}: unit {unit.number}: {unit.why}: {shorten(unit.es)}",
                file=sys.stderr,
            )
    say(args, result.summary())
    return status(args, gathered.problems)
