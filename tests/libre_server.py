"""A small LibreTranslate-compatible server on 127.0.0.1, for testing the online engines over
real HTTP. It 'translates' each line by prefixing it with "[en] ", and can be told to answer
slowly, with HTTP 429 or 500, with an error text, to drop the connection, or to answer one
line with far too much text."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class LibreServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script: deque[str] = deque()  # behaviours for the next requests; then "ok"
        self.requests: list[str] = []
        self.bloat = ""  # a line holding this text is answered with 100,000 characters
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def next_behaviour(self) -> str:
        with self.lock:
            return self.script.popleft() if self.script else "ok"

    def __enter__(self) -> LibreServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()


def translate(q: str, bloat: str = "") -> str:
    return "\n".join(
        "x " * 50_000 if bloat and bloat in line else f"[en] {line}" for line in q.split("\n")
    )


class _Handler(BaseHTTPRequestHandler):
    server: LibreServer

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode()) if length else {}
        params = {**form, **parse_qs(parts.query)}
        if parts.path != "/translate":
            self._send(404, {"error": "Not Found"})
            return
        q = params.get("q", [""])[0]
        with self.server.lock:
            self.server.requests.append(q)
        behaviour = self.server.next_behaviour()
        if behaviour.startswith("slow:"):
            time.sleep(float(behaviour.split(":")[1]))
            behaviour = "ok"
        if behaviour == "drop":
            self.close_connection = True
            self.connection.close()
            return
        if behaviour == "429":
            self._send(429, {"error": "Slowdown: too many requests"})
        elif behaviour == "500":
            self._send(500, {"error": "Internal server error"})
        elif behaviour == "error-200":
            self._send(200, {"error": "Please contact the server operator"})
        elif behaviour == "merge":
            self._send(200, {"translatedText": "[en] " + q.replace("\n", " ")})
        else:
            self._send(200, {"translatedText": translate(q, self.server.bloat)})

    def _send(self, status: int, body: dict[str, str]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
