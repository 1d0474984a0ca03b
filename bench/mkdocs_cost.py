"""MkDocs' cost of a briefing, against a plain one-paragraph page, with and without pass-through.

    .venv/bin/python bench/mkdocs_cost.py [--sizes 1000 5000] [--rounds 3] [--profile 1000]

For each size N it makes a site of N briefings from the NTREX articles (as bench/scale.py
does; one shared, pre-filled translation cache) and a plain site of N one-paragraph pages
(front matter title and the article's first paragraph as Markdown) with the same theme,
plugins, navigation and hand-written pages, in the same folder layout. It then times, in
turn and ``--rounds`` times, a whole ``mkdocs build`` of: the briefings with the pass-through
(the default), the briefings with ``passthrough: false`` (every generated page through
Markdown, as before the pass-through existed), and the plain site. It prints, from the
least and the median CPU seconds (steadier than wall time on a shared machine, and the least
is the run other work disturbed least), the cost per briefing or page and each briefing
build's ratio to the plain one; and the ratio of the median wall times.

It also converts every generated page once in this process, through MkDocs' own page
rendering with the site's extensions, with and without its body, to show how much of the
Markdown time the briefings and the list pages (index, tags) each account for.

The search index (the briefings plugin's own) is warm in the timed builds: one
untimed build of each kind first fills its cache, as on any rebuild (bench/search.py measures
an index made from scratch). ``--without-search`` turns the search off (``search: false``).
The plain site has the briefings plugin off: it has nothing for it to do.
``--profile N`` runs cProfile over one ``mkdocs build`` of the N-briefing site (pass-through
on) and prints the largest cumulative shares and the functions with the most own time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mkdocs.config import load_config  # noqa: E402
from mkdocs.config.defaults import MkDocsConfig  # noqa: E402
from mkdocs.structure.files import File, Files  # noqa: E402
from mkdocs.structure.pages import Page  # noqa: E402

from bench.pipeline import make_corpus  # noqa: E402
from bench.scale import ENV, make_site  # noqa: E402
from builder.passthrough import raw_body  # noqa: E402
from builder.plugin import MORE_MARKER  # noqa: E402

KINDS = ("pass-through", "no pass-through", "plain")


def with_plugin_option(yml: Path, option: str, to: Path | None = None) -> None:
    """Write ``yml`` (to ``to`` if given) with one more option for the briefings plugin."""
    text = yml.read_text(encoding="utf-8")
    (to or yml).write_text(
        text.replace("      seeds_dir: seeds", f"      {option}\n      seeds_dir: seeds"),
        encoding="utf-8",
    )


def make_plain_site(root: Path, briefings: Path) -> Path:
    """A site like ``briefings`` with the plugin off and one paragraph per page instead."""
    root.mkdir(parents=True)
    shutil.copytree(briefings / "templates", root / "templates")
    shutil.copytree(
        briefings / "site_src", root / "site_src", ignore=shutil.ignore_patterns("briefings")
    )
    shutil.copy(briefings / "mkdocs.yml", root / "mkdocs.yml")
    (root / "seeds").mkdir()
    with_plugin_option(root / "mkdocs.yml", "enabled: false")
    area = root / "site_src" / "briefings"
    area.mkdir()
    for seed in sorted((briefings / "seeds").glob("*.txt")):
        lines = [line for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
        body = lines[lines.index("---", 1) + 2] if lines[0] == "---" else lines[1]
        title = lines[lines.index("---", 1) + 1] if lines[0] == "---" else lines[0]
        (area / f"{seed.stem}.md").write_text(
            f'---\ntitle: "{title.replace(chr(34), "")}"\n---\n{body}\n', encoding="utf-8"
        )
    return root


def without_search(yml: Path) -> None:
    with_plugin_option(yml, "search: false")


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float  # user + system seconds of the build's processes


def timed_build(project: Path, config_file: str = "mkdocs.yml") -> Timing:
    """One ``mkdocs build`` in a process of its own. Its CPU seconds are the steadier figure
    on a shared machine: other people's work stretches the wall time, far less the CPU time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).parent / "mkdocs"), "build", "-f", config_file],
        cwd=project,
        capture_output=True,
        env=ENV,
        check=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return Timing(wall, cpu)


def markdown_seconds(project: Path) -> dict[str, tuple[float, float]]:
    """MkDocs' rendering of every generated page, {kind: (with its body, with a placeholder)}."""
    config = load_config(str(project / "mkdocs.yml"))
    area = project / "site_src" / "briefings"
    seconds = {"briefings": [0.0, 0.0], "list pages": [0.0, 0.0]}
    for path in sorted(area.rglob("*.md")):
        # The plugin fills the neighbours' marker before the pass-through sees the page.
        text = path.read_text(encoding="utf-8").replace(MORE_MARKER, "")
        relative = path.relative_to(area)
        kind = (
            "list pages"
            if relative.name == "index.md" or relative.parts[0] in ("page", "tags")
            else "briefings"
        )
        if relative.as_posix() == "editors.md":  # serve only, and not passed through
            continue
        for n, placeholder in enumerate((False, True)):
            started = time.perf_counter()
            page = render(config, relative.as_posix(), text, placeholder)
            seconds[kind][n] += time.perf_counter() - started
            assert page.content
    return {kind: (pair[0], pair[1]) for kind, pair in seconds.items()}


def render(config: MkDocsConfig, src_uri: str, text: str, placeholder: bool) -> Page:
    file = File(f"briefings/{src_uri}", None, config.site_dir, config.use_directory_urls)
    file.content_string = text
    page = Page(None, file, config)
    page.read_source(config)
    if placeholder:
        assert page.markdown is not None and raw_body(page.markdown) is not None
        page.markdown = "briefingsbody0123456789abcdef\n"
    page.render(config, Files([file]))
    return page


# Where a build's time goes: (label, file the function is in, function), cumulative time.
SHARES = [
    ("whole mkdocs build", "mkdocs/commands/build.py", "build"),
    ("  builder (plugin on_pre_build)", "builder/plugin.py", "on_pre_build"),
    ("  gathering files", "mkdocs/structure/files.py", "get_files"),
    ("  pages read and converted (_populate_page)", "mkdocs/commands/build.py", "_populate_page"),
    ("    Markdown conversion (Page.render)", "mkdocs/structure/pages.py", "render"),
    ("      new Markdown instance per page", "markdown/core.py", "__init__"),
    ("    pass-through: shape check", "builder/passthrough.py", "raw_body"),
    ("    pass-through: anchor ids", "builder/passthrough.py", "_anchors"),
    ("  pages made (_build_page)", "mkdocs/commands/build.py", "_build_page"),
    ("    search: a page handed to the index", "builder/search.py", "add_page"),
    ("    briefings plugin: neighbours and latest", "builder/plugin.py", "_fill_markers"),
    ("    theme templates (Jinja render)", "jinja2/environment.py", "render"),
    ("    writing files", "mkdocs/utils/__init__.py", "write_file"),
    ("  search: last shards indexed (on_post_build)", "builder/plugin.py", "on_post_build"),
]


def profile(project: Path, top: int = 20) -> str:
    """cProfile of one ``mkdocs build`` in this process (pass-through on): the shares of the
    stages in :data:`SHARES`, then the functions with the most time of their own."""
    from mkdocs.commands.build import build as mkdocs_build

    config = load_config(str(project / "mkdocs.yml"))
    profiler = cProfile.Profile()
    profiler.runcall(mkdocs_build, config)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    cumulative: dict[tuple[str, str], float] = {}
    for (path, _line, function), (*_, cum, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        for _label, where, name in SHARES:
            if function == name and path.endswith(where):
                cumulative[(where, name)] = max(cumulative.get((where, name), 0.0), cum)
    total = cumulative.get(("mkdocs/commands/build.py", "build"), 0.0)
    out.write(f"cProfile of one mkdocs build (profiled: {total:.2f} s)\n")
    for label, where, name in SHARES:
        seconds = cumulative.get((where, name), 0.0)
        out.write(f"{label:<48} {seconds:6.2f} s {seconds / total:6.1%}\n")
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def rounds_of(runs: dict[str, Callable[[], Timing]], rounds: int) -> dict[str, list[Timing]]:
    """Each build in turn, ``rounds`` times, starting one later each round (noise hits all)."""
    times: dict[str, list[Timing]] = {kind: [] for kind in runs}
    names = list(runs)
    for r in range(rounds):
        for kind in names[r % len(names) :] + names[: r % len(names)]:
            times[kind].append(runs[kind]())
    return times


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--bench-data", type=Path, default=REPO.parent / "shared" / "bench-data")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", type=int, metavar="N", help="profile an N-briefing build")
    parser.add_argument("--without-search", action="store_true", help="no search plugin")
    parser.add_argument(
        "--tmp",
        type=Path,
        help="where the sites are built (default: the system's temporary folder). On this\n"
        "machine's disk, creating a site's 10,000 files and folders costs more system\n"
        "time with each build of a run (1.5 s, then 3.5 s, ... 6.7 s for the same plain\n"
        "site), which inflates whichever kind is built later; /dev/shm (tmpfs) does not",
    )
    args = parser.parse_args()
    briefings = str(Path(sys.executable).parent / "briefings")
    with tempfile.TemporaryDirectory(prefix="briefings-mkdocs-", dir=args.tmp) as tmp:
        root = Path(tmp)
        corpus = make_corpus(args.bench_data, root / "corpus")
        cache = root / "cache"
        for size in args.sizes:
            project = make_site(root / f"site{size}", corpus, size, cache)
            subprocess.run([briefings, "build"], cwd=project, env=ENV, check=True)
            with_plugin_option(
                project / "mkdocs.yml", "passthrough: false", to=project / "mkdocs-off.yml"
            )
            plain = make_plain_site(root / f"plain{size}", project)
            if args.without_search:
                for yml in (project / "mkdocs.yml", project / "mkdocs-off.yml"):
                    without_search(yml)
            for warm in (project / "mkdocs.yml", project / "mkdocs-off.yml"):
                timed_build(project, warm.name)  # fills the search index's cache: not timed
            times = rounds_of(
                {
                    "pass-through": partial(timed_build, project),
                    "no pass-through": partial(timed_build, project, "mkdocs-off.yml"),
                    "plain": partial(timed_build, plain),
                },
                args.rounds,
            )
            print(f"{size} briefings, {args.rounds} `mkdocs build`s each, CPU s (wall s):")
            least = {kind: min(t.cpu for t in times[kind]) for kind in KINDS}
            median = {kind: statistics.median(t.cpu for t in times[kind]) for kind in KINDS}
            wall = {kind: statistics.median(t.wall for t in times[kind]) for kind in KINDS}
            for kind in KINDS:
                every = ", ".join(f"{t.cpu:.1f} ({t.wall:.1f})" for t in times[kind])
                # Each build against the plain build of its own round, next to it in time:
                # the machine's speed drifts over a run (by 50% here), a round's much less.
                paired = [t.cpu / p.cpu for t, p in zip(times[kind], times["plain"], strict=True)]
                print(
                    f"  {kind:>15}: CPU a page, least {least[kind] / size * 1000:4.2f} ms "
                    f"({least[kind] / least['plain']:.2f}x plain), "
                    f"median {median[kind] / size * 1000:4.2f} ms "
                    f"({median[kind] / median['plain']:.2f}x); "
                    f"round by round {statistics.median(paired):.2f}x "
                    f"({min(paired):.2f}-{max(paired):.2f}x); "
                    f"median wall {wall[kind] / wall['plain']:.2f}x; every build: {every}"
                )
            for kind, (parsed, passed) in markdown_seconds(project).items():
                print(
                    f"  MkDocs page rendering of the {kind}: {parsed:.2f} s with their body, "
                    f"{passed:.2f} s passed through"
                )
            shutil.rmtree(project / "site", ignore_errors=True)
            shutil.rmtree(plain, ignore_errors=True)
        if args.profile:
            project = root / f"site{args.profile}"
            if not project.is_dir():
                project = make_site(project, corpus, args.profile, cache)
                subprocess.run([briefings, "build"], cwd=project, env=ENV, check=True)
                timed_build(project)  # warm, as the timed builds are: search index, checks
            print(profile(project))
    return 0


if __name__ == "__main__":
    sys.exit(main())
