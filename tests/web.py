"""What the tests that need a web server or a browser share: a static server on 127.0.0.1,
Debian's Chromium as Playwright launches it here, and waiting for a page to say something."""

from __future__ import annotations

import functools
import http.server
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# Not from conftest: the benchmarks use these helpers too, where pytest need not be installed.
REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"  # screenshots, for people to look at
# Debian's Chromium, headless, with nothing reaching for the network on its own (this
# machine's closed network refuses it, many times a second).
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """A static HTTP server on a free port of 127.0.0.1 for ``folder``: its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium(playwright_api: Any) -> Iterator[Any]:
    """Debian's Chromium, launched by Playwright (no browser download)."""
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        try:
            yield instance
        finally:
            instance.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str:
    """The text at ``url``, or "" when it cannot be had (yet)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def wait_for(predicate: Callable[[], bool], seconds: float) -> bool:
    """Whether ``predicate`` came true within ``seconds`` (asked five times a second)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False
