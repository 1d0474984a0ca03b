"""Write stage: carry out a :class:`~builder.state.WritePlan` in the generated area.

Plain file work; every decision (what to write, what to remove) was taken by
:mod:`builder.state`. Files are written atomically and only when their bytes change.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from builder.errors import Problem
from builder.files import ensure_folder, remove_file, remove_leftovers, write_if_changed
from builder.state import MANIFEST_NAME, WritePlan


@dataclass(frozen=True)
class WriteResult:
    written: tuple[Path, ...]
    unchanged: int
    removed: tuple[Path, ...]
    problems: tuple[Problem, ...] = ()  # pages not written: something else is in their place


def apply(area: Path, plan: WritePlan) -> WriteResult:
    """Write and remove what ``plan`` says, the manifest first (when files are new) and last."""
    remove_leftovers(area)
    cleaned = {area}
    if plan.interim is not None:
        write_if_changed(area / MANIFEST_NAME, plan.interim)
    written: list[Path] = []
    unchanged = 0
    problems = []
    for relative in plan.writes:
        blocker = _in_the_way(area, PurePosixPath(relative))
        if blocker is not None:
            problems.append(
                Problem(
                    blocker,
                    "is in the place of a page the builder writes (a folder, or a link to "
                    "one): move it away; until then that page is not updated",
                )
            )
            continue
        folder = ensure_folder(area, Path(PurePosixPath(relative).parent))
        if folder not in cleaned:
            remove_leftovers(folder)  # of a build killed while writing there
            cleaned.add(folder)
        path = folder / PurePosixPath(relative).name
        if write_if_changed(path, plan.texts[relative]):
            written.append(path)
        else:
            unchanged += 1
    removed = [area / relative for relative in plan.remove if remove_file(area / relative)]
    write_if_changed(area / MANIFEST_NAME, plan.manifest)
    return WriteResult(tuple(written), unchanged, tuple(removed), tuple(problems))


def _in_the_way(area: Path, relative: PurePosixPath) -> Path | None:
    """What stands where the page ``relative`` or one of its folders should be, if
    anything: a folder in the place of the page, a file or a link in the place of a folder.
    One such thing costs that page, not the build."""
    path = area
    for number, part in enumerate(relative.parts, start=1):
        path = path / part
        try:
            mode = path.lstat().st_mode
        except OSError:
            return None  # missing: made as it is written (a real failure is reported there)
        last = number == len(relative.parts)
        if stat.S_ISDIR(mode) if last else not stat.S_ISDIR(mode):
            return path
    return None
