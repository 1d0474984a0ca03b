"""Write stage: carry out a :class:`~builder.state.WritePlan` in the generated area.

Plain file work; every decision (what to write, what to remove) was taken by
:mod:`builder.state`. Files are written atomically and only when their bytes change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from builder.files import ensure_folder, remove_file, remove_leftovers, write_if_changed
from builder.state import MANIFEST_NAME, WritePlan


@dataclass(frozen=True)
class WriteResult:
    written: tuple[Path, ...]
    unchanged: int
    removed: tuple[Path, ...]


def apply(area: Path, plan: WritePlan) -> WriteResult:
    """Write and remove what ``plan`` says, the manifest first (when files are new) and last."""
    remove_leftovers(area)
    cleaned = {area}
    if plan.interim is not None:
        write_if_changed(area / MANIFEST_NAME, plan.interim)
    written: list[Path] = []
    unchanged = 0
    for relative, text in plan.writes:
        folder = ensure_folder(area, Path(PurePosixPath(relative).parent))
        if folder not in cleaned:
            remove_leftovers(folder)  # of a build killed while writing there
            cleaned.add(folder)
        path = folder / PurePosixPath(relative).name
        if write_if_changed(path, text):
            written.append(path)
        else:
            unchanged += 1
    removed = [area / relative for relative in plan.remove if remove_file(area / relative)]
    write_if_changed(area / MANIFEST_NAME, plan.manifest)
    return WriteResult(tuple(written), unchanged, tuple(removed))
