"""One build at a time per project: an advisory lock file beside the cache.

A second build of the same project (a second ``mkdocs serve``, a ``briefings build`` while
the server rebuilds) waits for the first, saying so, for a bounded time, then gives up with
a message. The lock is the kernel's (flock): it is released when the process ends, however
it ends, so a killed build never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from builder.errors import BriefingError, StateError

LOCK_NAME = "build.lock"
# How long a build waits for another one of the same project; a cold build of 5,000
# briefings takes about 20 s here.
DEFAULT_WAIT = 300.0
_POLL = 0.2
_held: dict[str, int] = {}  # the locks this process holds, by path: how many times taken


class BuildLocked(BriefingError):
    """Another build of the same project is running, and did not finish in time."""


@contextlib.contextmanager
def build_lock(
    folder: Path,
    *,
    wait: float = DEFAULT_WAIT,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold ``folder/build.lock`` for the duration, waiting up to ``wait`` seconds for
    another build to finish (``on_wait`` is told once, with the other build's process).

    Within one process the lock is reentrant: the MkDocs plugin holds it for a whole MkDocs
    build (another build must not remove pages while MkDocs reads them) and the builder's
    own stage inside takes it again."""
    key = os.path.abspath(folder / LOCK_NAME)
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    fd = _open(folder / LOCK_NAME)
    try:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _holder(fd)
                if time.monotonic() >= deadline:
                    raise BuildLocked(
                        f"another build of this project (process {holder}) is still running "
                        f"after {wait:.0f} s; wait for it to finish, or stop it, and build again"
                    ) from None
                if not told and on_wait is not None:
                    on_wait(
                        f"waiting for another build of this project (process {holder}) to "
                        f"finish (at most {wait:.0f} s)"
                    )
                    told = True
                time.sleep(_POLL)
        _note(fd, f"{os.getpid()}\n")
        _held[key] = 1
        try:
            yield
        finally:
            del _held[key]
            _note(fd, "")
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def try_hold(path: Path) -> tuple[int | None, str]:
    """Take the lock ``path`` without waiting, for as long as the process wants it.

    Returns its descriptor (close it to let go) and ``""``, or None and the process that
    holds it. For state that one process owns for its lifetime, like the search index's
    cache while ``mkdocs serve`` runs.
    """
    fd = _open(path)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _holder(fd)
        os.close(fd)
        return None, holder
    _note(fd, f"{os.getpid()}\n")
    return fd, ""


def _note(fd: int, text: str) -> None:
    """Write who holds the lock, for the message of a build that waits; only a courtesy,
    so a full disk does not stop the build here."""
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        if text:
            os.pwrite(fd, text.encode(), 0)


def _open(path: Path) -> int:
    """The lock file, opened without following a link and only if it is the builder's own
    plain file: a lock that is a link or a second name of another file would truncate it."""
    if path.parent.is_symlink():
        raise StateError(
            f"{str(path.parent)!r} is a symbolic link: the builder keeps its cache and lock "
            "only in a folder of its own; set plugins.briefings.cache_dir to the folder it "
            "points to, or remove the link"
        )
    if os.path.lexists(path.parent) and not path.parent.is_dir():
        raise StateError(
            f"{str(path.parent)!r} is not a folder: the builder keeps its cache and lock there; "
            "move it away, or set plugins.briefings.cache_dir"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise StateError(
                f"{str(path)!r} is a symbolic link; the lock file must be the builder's own "
                "file: remove the link and build again"
            ) from None
        if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise StateError(
                f"cannot open the lock file {str(path)!r}: the folder is read-only; make it "
                "writable, or set plugins.briefings.cache_dir"
            ) from None
        raise StateError(f"cannot open the lock file {str(path)!r}: {error.strerror}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
        os.close(fd)
        raise StateError(
            f"{str(path)!r} is not the builder's own lock file (a folder, a device, or a second "
            "name of another file): move it away and build again"
        )
    return fd


def _holder(fd: int) -> str:
    try:
        text = os.pread(fd, 20, 0).decode("ascii", "replace").strip()
    except OSError:
        return "unknown"
    return text if text.isdigit() else "unknown"
