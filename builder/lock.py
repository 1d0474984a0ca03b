"""One build at a time per project: an advisory lock file beside the cache."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from builder.errors import BriefingError


class BuildLocked(BriefingError):
    """Another build of the same project is running."""


@contextlib.contextmanager
def build_lock(folder: Path) -> Iterator[None]:
    """Hold ``folder/build.lock`` for the duration; fail at once if another process holds it.

    The lock is the kernel's (flock): it is released when the process ends, however it ends,
    so a killed build never leaves a stale lock behind.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "build.lock"
    with path.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise BuildLocked(
                f"another build of this project is running (process {holder}); "
                "wait for it to finish, or stop it, and build again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
