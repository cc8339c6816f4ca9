"""A throwaway HTTP server on 127.0.0.1 that answers from a script.

Used only where the sandbox cannot produce a network condition: an answer that never
comes, a connection dropped after the request was read, a refused connection.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal

Action = Literal["answer", "drop", "stall"]


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    action: Action = "answer"       # drop: close without answering; stall: answer too late
    stall: float = 1.0


@dataclass(frozen=True)
class Seen:
    method: str
    raw_path: str                   # exactly as on the request line
    headers: dict[str, str]         # names lower-cased
    body: bytes


class ScriptedServer:
    """Answers requests with ``answers`` in order; the last one repeats."""

    def __init__(self, answers: list[Answer]) -> None:
        self.answers = answers
        self.seen: list[Seen] = []
        self._lock = threading.Lock()

    def next_answer(self, seen: Seen) -> Answer:
        with self._lock:
            self.seen.append(seen)
            index = min(len(self.seen), len(self.answers)) - 1
            return self.answers[index]


def _handler(script: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            seen = Seen(self.command, self.path,
                        {k.lower(): v for k, v in self.headers.items()}, body)
            answer = script.next_answer(seen)
            if answer.action == "drop":
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if answer.action == "stall":
                time.sleep(answer.stall)
            try:
                self._answer(answer)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up waiting: that was the test

        def _answer(self, answer: Answer) -> None:
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        # http.server dispatches on these names.
        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve  # noqa: N815

    return Handler


@contextmanager
def scripted(*answers: Answer) -> Iterator[tuple[str, ScriptedServer]]:
    """``(base_url, script)`` of a server answering with ``answers``."""
    script = ScriptedServer(list(answers) or [Answer()])
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", script
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def refused_url() -> str:
    """A loopback URL where nothing listens: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
