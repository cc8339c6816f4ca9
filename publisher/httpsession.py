"""A requests Session that reads the environment's HTTP settings once per host.

requests looks up the proxy variables (and ``no_proxy``) and the CA bundle variables in
``os.environ`` on every request: a walk over the whole environment, which on a CI runner
holds a hundred variables. A run of ``publish`` talks to two or three hosts, so this
Session asks once per scheme and host and keeps the answer for its own lifetime (one run);
what it answers is exactly what requests would have. It never reads ~/.netrc (see
_OwnHeaders).
"""

from __future__ import annotations

from collections.abc import Hashable, MutableMapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
from requests.auth import AuthBase
from requests.models import PreparedRequest

if TYPE_CHECKING:
    from requests.sessions import _Settings


class _OwnHeaders(AuthBase):
    """The request's own Authorization header, as it is: a session with an auth of its own
    never looks in ~/.netrc, where a line for api.linkedin.com (or for 127.0.0.1, where the
    sandbox listens) would otherwise replace the Bearer token with a password."""

    def __call__(self, request: PreparedRequest) -> PreparedRequest:
        return request


class Session(requests.Session):
    def __init__(self) -> None:
        super().__init__()
        self._environment: dict[Hashable, _Settings] = {}
        self.auth = _OwnHeaders()

    def merge_environment_settings(self, url: str | bytes | None,
                                   proxies: MutableMapping[str, str] | None,
                                   stream: bool | None, verify: Any,
                                   cert: Any) -> _Settings:
        if not self.trust_env or proxies or not isinstance(url, str):
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc, stream, verify,
               tuple(cert) if isinstance(cert, list) else cert)
        settings = self._environment.get(key)
        if settings is None:
            settings = super().merge_environment_settings(url, proxies, stream, verify, cert)
            self._environment[key] = settings
        fresh = settings.copy()
        fresh["proxies"] = dict(settings["proxies"])
        return fresh
