"""Run an engine subprocess: feed it text, read its answer as it streams, stop it on time-out."""

from __future__ import annotations

import codecs
import contextlib
import os
import selectors
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence

from builder.errors import EngineError, EngineTimeout
from builder.text import shorten

_READ_SIZE = 1 << 16


def run_streaming(
    argv: Sequence[str],
    text: str,
    *,
    timeout: float,
    on_output: Callable[[str], None] | None = None,
    label: str | None = None,
) -> str:
    """Run ``argv`` with ``text`` on stdin (UTF-8) and return its stdout.

    ``on_output`` sees each decoded piece of output as it arrives. The process runs in its own
    session so that a time-out ends the whole pipeline it may start, not only its shell.
    Messages name the program as ``label`` (default: ``argv[0]``, quoted).
    """
    name = label or repr(argv[0])
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
    try:
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
    except OSError as error:
        raise EngineError(f"cannot start {argv[0]!r}: {error.strerror}") from None
    if proc.stdin is None or proc.stdout is None or proc.stderr is None:  # pragma: no cover
        raise EngineError(f"{argv[0]!r} started without pipes")

    data = text.encode("utf-8")
    stdin = proc.stdin

    def feed() -> None:
        # A process that dies early closes its end of the pipe; its exit status tells why.
        with contextlib.suppress(BrokenPipeError, OSError):
            stdin.write(data)
        with contextlib.suppress(BrokenPipeError, OSError):
            stdin.close()

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()

    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    out: list[str] = []
    err = bytearray()
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        selector.register(proc.stderr, selectors.EVENT_READ)
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                _kill(proc)
                raise EngineTimeout(f"{name} gave no complete answer within {timeout:.0f} s")
            for key, _ in selector.select(timeout=min(remaining, 1.0)):
                chunk = os.read(key.fd, _READ_SIZE)
                if not chunk:
                    selector.unregister(key.fileobj)
                elif key.fileobj is proc.stderr:
                    err.extend(chunk[: 4096 - len(err)])
                else:
                    piece = decoder.decode(chunk)
                    out.append(piece)
                    if on_output is not None:
                        on_output(piece)
    out.append(decoder.decode(b"", final=True))
    try:
        status = proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise EngineTimeout(f"{name} did not exit within {timeout:.0f} s") from None
    writer.join()
    if status != 0:
        detail = err.decode("utf-8", "replace").strip().splitlines()
        raise EngineError(
            f"{name} failed with exit status {status}"
            + (f": {shorten(detail[-1], 200)[1:-1]}" if detail else ""),
            isolatable=True,
        )
    return "".join(out)


def _kill(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.kill()
    proc.wait()
