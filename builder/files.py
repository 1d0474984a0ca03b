"""Plain file work: read an input file safely, write a file atomically, remove one.

Reading only ever opens a regular file: a named pipe would block the build forever, a
device would never end, and a symbolic link loop has no content. Writing goes to a temporary
file in the same folder, then replaces the target in one step, so a reader (or a build that
is killed) never sees half a file, and a file whose bytes are unchanged is not rewritten.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
from pathlib import Path

from builder.errors import InputError, LocatedInputError, OutputError, Problem
from builder.text import describe_unsafe, make_safe

# Temporary files are short names, so that a long target name never makes one too long.
TEMP_PREFIX = ".tmp-"
TEMP_SUFFIX = ".briefings"
# The temporary names older versions used (mkstemp's, beside the file they became): only these
# are theirs, not any '.*.tmp' an editor keeps in the area.
_OLD_TEMP_NAME = re.compile(r"\..+\.(?:md|xml|json)\.[a-z0-9_]{8}\.tmp")

_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def read_regular(path: Path, limit: int | None = None, setting: str = "") -> bytes:
    """The bytes of the regular file at ``path`` (links followed), at most ``limit`` bytes
    (``setting`` names the option that sets the limit, for the message)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise InputError(describe_os_error(error, path)) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):  # before fdopen, which refuses a folder on its own
        os.close(fd)
        kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
        raise InputError(f"is {kind}, not a text file")
    with os.fdopen(fd, "rb") as handle:
        where = f" ({setting})" if setting else ""
        if limit is not None and info.st_size > limit:
            raise InputError(
                f"is {_size(info.st_size)}, over the limit of {_size(limit)} for this kind of "
                f"file{where}"
            )
        try:
            data = handle.read() if limit is None else handle.read(limit + 1)
        except OSError as error:
            raise InputError(describe_os_error(error, path)) from None
    if limit is not None and len(data) > limit:  # it grew while being read
        raise InputError(f"is over the limit of {_size(limit)} for this kind of file{where}")
    return data


def read_text(path: Path, limit: int | None = None) -> tuple[str, Problem | None]:
    """A UTF-8 text file (BOM allowed) with LF line ends and unsafe characters replaced,
    and a warning naming them."""
    data = read_regular(path, limit)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise LocatedInputError(
            f"is not valid UTF-8 (byte offset {error.start}): save it as UTF-8", line
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    found = describe_unsafe(text)
    if found is None:
        return text, None
    line, message = found
    return make_safe(text), Problem(path, message, line, severity="warning")


def describe_os_error(error: OSError, path: Path | None = None) -> str:
    """An ``OSError`` in words an editor understands, with what to do when it is clear."""
    code = error.errno
    if code == errno.ENOENT:
        if path is not None and path.is_symlink():
            return "is a link to a file that does not exist"
        return "does not exist"
    if code == errno.ELOOP:
        return "is a symbolic link that points to itself (a link loop)"
    if code in (errno.EACCES, errno.EPERM):
        return "cannot be read: permission denied"
    if code == errno.EISDIR:
        return "is a folder, not a text file"
    if code == errno.ENAMETOOLONG:
        return "has a name too long for this system"
    return f"cannot be read: {error.strerror or error}"


def _size(count: int) -> str:
    if count >= 1 << 20:
        return f"{count / (1 << 20):.1f} MB"
    return f"{count / 1024:.0f} KB"


def holds(path: Path, info: os.stat_result, data: bytes) -> bool:
    """Whether ``path`` (``info``: its ``lstat``) is a regular file holding exactly ``data``."""
    if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
        return False
    try:
        return read_regular(path) == data
    except InputError:
        return False


def write_if_changed(
    path: Path, data: str | bytes, *, durable: bool = True, published: bool = True
) -> bool:
    """Write ``data`` to ``path`` atomically unless the file already holds these bytes.

    Returns whether the file was written. The folder must exist; a target that is not a
    regular file (a symbolic link, a named pipe, a device) is replaced by one, never written
    through or read. ``durable`` flushes the file to disk before it takes the name (what is
    published survives a power cut); a cache that can be made again can do without.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        info = path.lstat()
    except (FileNotFoundError, NotADirectoryError):
        info = None
    except OSError as error:
        raise OutputError(f"cannot read {str(path)!r}: {error.strerror}") from None
    if info is not None and holds(path, info, data):
        return False
    # A file that was there keeps its permissions (an editor's 0600 stays 0600).
    mode = stat.S_IMODE(info.st_mode) if info is not None and stat.S_ISREG(info.st_mode) else 0o644
    try:
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=path.parent)
    except OSError as error:
        raise OutputError(_write_failure(path, error, published=published)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(_write_failure(path, error, published=published)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return True


def _write_failure(path: Path, error: OSError, *, published: bool = True) -> str:
    """Why ``path`` could not be written, and what to do; ``published``: a file of the site
    (a build's), whose earlier version stays as it was."""
    again = "build again" if published else "try again"
    if error.errno == errno.ENOSPC:
        why = f"the disk is full: free some space and {again}"
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = f"permission denied (read-only?): make the folder writable and {again}"
    elif error.errno == errno.EISDIR:
        why = f"a folder has that name: move it away and {again}"
    else:
        why = f"{error.strerror or error}"
    tail = "; the files published before are unchanged" if published else ""
    return f"cannot write {str(path)!r}: {why}{tail}"


def write_output(path: Path, data: str) -> None:
    """Write what a user asked for with ``-o``: through to a device or a pipe (``-o
    /dev/stdout``), to the file a link points to, else atomically like any file."""
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        info = None
    except OSError as error:
        raise OutputError(_write_failure(path, error, published=False)) from None
    if info is not None and not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
        try:
            with open(path, "w", encoding="utf-8", newline="\n") as out:
                out.write(data)
        except OSError as error:
            raise OutputError(_write_failure(path, error, published=False)) from None
        return
    write_if_changed(Path(os.path.realpath(path)), data, published=False)


def write_editors_file(path: Path, data: str) -> bool:
    """Rewrite a file an editor keeps (a corrections file, ``memory.yml``) like
    :func:`write_if_changed`, but never in the place of a symbolic link: replacing the link
    would leave the file it points to, where the editor looks, as it was."""
    if path.is_symlink():
        raise OutputError(
            f"{path.name} is a symbolic link ({str(path)!r}); nothing was written: the "
            "builder rewrites only files of the project's own, so put the file itself there "
            "(cp --remove-destination TARGET LINK) and run this again"
        )
    return write_if_changed(path, data, published=False)


def remove_file(path: Path) -> bool:
    """Remove the regular file at ``path`` (never a link or a folder); whether it did."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return False
    except OSError as error:
        raise OutputError(f"cannot remove {str(path)!r}: {error.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        return False
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as error:
        raise OutputError(f"cannot remove {str(path)!r}: {error.strerror}") from None
    return True


def remove_leftovers(folder: Path) -> None:
    """Remove temporary files a killed build left in ``folder``; they were never published."""
    with contextlib.suppress(OSError):
        for leftover in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
            remove_file(leftover)
        for leftover in folder.glob(".*.tmp"):
            if _OLD_TEMP_NAME.fullmatch(leftover.name):
                remove_file(leftover)


def ensure_folder(root: Path, relative: Path) -> Path:
    """``root / relative`` as a real folder: created if missing, never through a link."""
    folder = root
    for part in relative.parts:
        folder = folder / part
        try:
            info = folder.lstat()
        except FileNotFoundError:
            try:
                folder.mkdir()
            except FileExistsError:
                pass
            except OSError as error:
                raise OutputError(_write_failure(folder, error)) from None
            info = folder.lstat()
        except OSError as error:
            raise OutputError(_write_failure(folder, error)) from None
        if not stat.S_ISDIR(info.st_mode):
            what = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a folder"
            raise OutputError(
                f"{str(folder)!r} is {what}; the builder writes only into real folders of its "
                "own: move it away and build again"
            )
    return folder
