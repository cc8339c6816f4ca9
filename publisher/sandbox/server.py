"""The sandbox as a threaded HTTP server (werkzeug), in a background thread or blocking.

``SandboxServer`` binds, serves and stops cleanly: on stop it closes the connections still
open so that no request thread outlives the server. With a state file it loads the state at
start when the file exists, saves it shortly after every change and once more at stop.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from publisher.files import atomic_write
from publisher.sandbox.backend import Backend
from publisher.sandbox.handlers import AFTER_RESPONSE, SandboxApp
from publisher.sandbox.options import Options
from publisher.sandbox.rehearsal import Rehearsal, rehearsal_for

LOG = logging.getLogger("publisher.sandbox")
SAVE_INTERVAL = 0.2


class _RequestHandler(WSGIRequestHandler):
    """Adds what the faults need: run actions after the answer is written; quiet logging."""

    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, open_=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, open_=False)

    def make_environ(self) -> Any:
        environ = super().make_environ()
        environ[AFTER_RESPONSE] = []
        return environ

    def run_wsgi(self) -> None:
        super().run_wsgi()
        for action in self.environ.get(AFTER_RESPONSE, []):
            action()

    def date_time_string(self, timestamp: float | None = None) -> str:
        # The Date header every answer carries, as LinkedIn's do (RFC 9110 6.6.1), in the
        # sandbox's time: a client reading it agrees with the posts' createdAt and the feed.
        moment = self.server.backend.now() if timestamp is None else timestamp
        return super().date_time_string(moment)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        LOG.debug("%s %s -> %s", self.command, self.path, code)

    def log(self, type: str, message: str, *args: Any) -> None:
        LOG.debug(message, *args)


class _Server(ThreadedWSGIServer):
    def __init__(self, host: str, port: int, app: SandboxApp) -> None:
        super().__init__(host, port, app, _RequestHandler)
        self.backend = app.backend
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def track(self, connection: socket.socket, *, open_: bool) -> None:
        with self._connections_lock:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def close_connections(self) -> None:
        with self._connections_lock:
            for connection in list(self._connections):
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)


class SandboxServer:
    def __init__(self, backend: Backend, host: str = "127.0.0.1", port: int = 0,
                 state: Path | None = None) -> None:
        self.backend = backend
        self.state = state
        if state is not None and state.exists():
            with backend.lock:
                backend.restore(json.loads(state.read_text(encoding="utf-8")))
        self.httpd = _Server(host, port, SandboxApp(backend))
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "") else host
        if ":" in shown_host:
            shown_host = f"[{shown_host}]"
        self.base_url = f"http://{shown_host}:{self.httpd.port}"
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()

    def start(self) -> None:
        """Serve in background threads; returns at once."""
        # stop() waits for the loop to see the request, up to one poll_interval: a short one
        # lets a test module's sandbox stop at once, for the cost of a wake-up every 10 ms.
        serving = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01},
                                   name="sandbox-server", daemon=True)
        self._threads.append(serving)
        if self.state is not None:
            self._threads.append(threading.Thread(target=self._save_loop, name="sandbox-state",
                                                  daemon=True))
        for thread in self._threads:
            thread.start()

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted."""
        saver = None
        if self.state is not None:
            saver = threading.Thread(target=self._save_loop, name="sandbox-state", daemon=True)
            saver.start()
        try:
            self.httpd.serve_forever(poll_interval=0.2)
        finally:
            self._stopping.set()
            if saver is not None:
                saver.join()
            self.httpd.server_close()
            self.save()

    def stop(self) -> None:
        self._stopping.set()
        self.httpd.shutdown()
        self.httpd.close_connections()
        self.httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self.save()

    def save(self) -> None:
        """Write the state file atomically (no-op without one)."""
        if self.state is None:
            return
        with self.backend.lock:
            snapshot = self.backend.snapshot()
            self.backend.changed.clear()
        atomic_write(self.state, json.dumps(snapshot).encode("utf-8"), prefix=".sandbox-")

    def _save_loop(self) -> None:
        while not self._stopping.is_set():
            if self.backend.changed.wait(SAVE_INTERVAL) and not self._stopping.is_set():
                self.save()


def serve(host: str, port: int, seed: int, state: Path | None,
          on_ready: Callable[[Rehearsal], None] | None = None) -> None:
    """Blocking: serve the sandbox until interrupted (Ctrl-C raises KeyboardInterrupt here).

    `on_ready` is told, before the first request, how a shell rehearses against it."""
    backend = Backend(seed, Options())
    server = SandboxServer(backend, host, port, state)
    if on_ready is not None:
        on_ready(rehearsal_for(backend, server.base_url))
    server.serve_forever()
