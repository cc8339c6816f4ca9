"""A local emulator of the LinkedIn REST API, written from the API reference.

It serves OAuth (``/oauth/v2``), ``/v2/userinfo``, the versioned ``/rest`` resources the
publisher uses and the media upload URLs, all under one base URL, plus control routes under
``/_sandbox/``. It imports nothing else of ``publisher`` but the neutral leaves that the
product shares with it: ``littletext`` (LinkedIn's little text format), ``cards`` (the
feed card templates) and ``utc`` (how a time is written).

Layout, in the manner of moto: ``routes`` (URL map), ``handlers`` (package: HTTP, Rest.li
and the dispatch table, one module per resource family), ``backend`` (package: state and
rules, one part per resource family), ``errors`` (LinkedIn-worded errors), ``faults``
(injected faults), ``feed`` (HTML
pages), ``server`` (threaded werkzeug server), ``control`` (a small client for the control
routes). docs/sandbox.md draws the whole layout.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from publisher.sandbox.backend import Backend
from publisher.sandbox.options import options_from
from publisher.sandbox.server import SandboxServer

__all__ = ["client_environ", "running_sandbox"]


@contextmanager
def running_sandbox(seed: int = 0, *, host: str = "127.0.0.1", port: int = 0,
                    state: Path | None = None, **options: Any) -> Iterator[str]:
    """Run the sandbox in background threads and yield its base URL; stop it on exit.

    ``options`` are the names of ``publisher.sandbox.options.Options`` (strict_little_text,
    duplicate_window_seconds, member_daily_limit, app_daily_limit, active_versions,
    ugc_post_content, media_processing_seconds, media_processing_polls, ...).
    """
    backend = Backend(seed, options_from(options))
    server = SandboxServer(backend, host, port, state)
    if options and state is not None:
        with backend.lock:
            backend.options.update(options)     # given options win over the saved ones
    server.start()
    try:
        yield server.base_url
    finally:
        server.stop()


def client_environ(url: str) -> dict[str, str]:
    """The environment variables that point a client of LinkedIn at the sandbox at `url`."""
    return {"LINKEDIN_API_BASE": url, "LINKEDIN_OAUTH_BASE": f"{url}/oauth/v2"}
