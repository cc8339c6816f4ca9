"""A small client for the sandbox's /_sandbox/ control routes (and its consent page).

Every method returns the parsed JSON answer and raises ``requests.HTTPError`` when the
sandbox refuses the call (its body says why).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from publisher.httpsession import Session

JSON = dict[str, Any]


class SandboxControl:
    def __init__(self, base_url: str, session: requests.Session | None = None,
                 timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session or Session()
        self.timeout = timeout

    # ---- plumbing

    def _call(self, method: str, route: str, body: Mapping[str, Any] | None = None) -> Any:
        response = self.session.request(method, f"{self.base_url}/_sandbox/{route}",
                                        json=body, timeout=self.timeout)
        if response.status_code >= 400:
            raise requests.HTTPError(f"{method} /_sandbox/{route}: {response.status_code} "
                                     f"{response.text}", response=response)
        return response.json()

    # ---- state

    def reset(self, seed: int | None = None, **cast: Any) -> JSON:
        """Forget everything; then set up ``cast`` in the same request: ``options`` and
        ``clock`` (the bodies of config and clock), ``members``, ``organizations``, ``apps``
        and ``tokens`` (lists of the bodies of those routes). The answer's ``tokens`` are
        the issued ones, in order."""
        body: JSON = dict(cast) if seed is None else {"seed": seed, **cast}
        result: JSON = self._call("POST", "reset", body)
        return result

    def state(self) -> JSON:
        result: JSON = self._call("GET", "state")
        return result

    def posts(self) -> list[JSON]:
        posts: list[JSON] = self.state()["posts"]
        return posts

    def feed_html(self) -> str:
        response = self.session.get(f"{self.base_url}/_sandbox/feed", timeout=self.timeout)
        response.raise_for_status()
        return response.text

    def configure(self, **options: Any) -> JSON:
        result: JSON = self._call("POST", "config", options)
        return result

    def config(self) -> JSON:
        result: JSON = self._call("GET", "config")
        return result

    # ---- people, pages, apps, tokens

    def add_member(self, member_id: str, name: str, **extra: Any) -> JSON:
        result: JSON = self._call("POST", "members", {"id": member_id, "name": name, **extra})
        return result

    def add_organization(self, organization_id: str | int, name: str,
                         admins: Iterable[str] = (),
                         roles: Mapping[str, str] | None = None) -> JSON:
        body = {"id": str(organization_id), "name": name, "admins": list(admins),
                "roles": dict(roles or {})}
        result: JSON = self._call("POST", "organizations", body)
        return result

    def register_app(self, client_id: str, client_secret: str, redirect_uris: Sequence[str],
                     *, refresh: bool | None = None, scopes: Sequence[str] | None = None,
                     products: Sequence[str] | None = None) -> JSON:
        """An app; with ``products`` (openid, share, community_management) as LinkedIn's
        Developer Portal makes them, else the sandbox's lenient kind (``scopes`` or all)."""
        body: JSON = {"client_id": client_id, "client_secret": client_secret,
                      "redirect_uris": list(redirect_uris)}
        if refresh is not None:
            body["refresh"] = refresh
        if scopes is not None:
            body["scopes"] = list(scopes)
        if products is not None:
            body["products"] = list(products)
        result: JSON = self._call("POST", "apps", body)
        return result

    def issue_token(self, member: str, scopes: Sequence[str], *,
                    expires_in: float | None = None, client_id: str | None = None) -> JSON:
        body: JSON = {"member": member, "scopes": list(scopes)}
        if expires_in is not None:
            body["expires_in"] = expires_in
        if client_id is not None:
            body["client_id"] = client_id
        result: JSON = self._call("POST", "tokens", body)
        return result

    def token(self, member: str, scopes: Sequence[str], **kwargs: Any) -> str:
        """Just the access token string."""
        return str(self.issue_token(member, scopes, **kwargs)["access_token"])

    def revoke_token(self, token: str) -> JSON:
        result: JSON = self._call("POST", "tokens/revoke", {"token": token})
        return result

    def authorize(self, client_id: str, redirect_uri: str, scopes: Sequence[str], member: str,
                  state: str | None = None) -> str:
        """An authorization code, as if the member had clicked Allow (no page involved)."""
        body: JSON = {"client_id": client_id, "redirect_uri": redirect_uri,
                      "scope": list(scopes), "member": member}
        if state is not None:
            body["state"] = state
        return str(self._call("POST", "authorize", body)["code"])

    def approve(self, authorization_url: str, member: str, *, allow: bool = True) -> str:
        """Submit the consent form of an authorization URL; returns the redirect location.

        ``authorization_url`` may point at any host: its query is sent to this sandbox.
        """
        params = {k: v[0] for k, v in parse_qs(urlsplit(authorization_url).query).items()}
        form = {**params, "member": member, "decision": "allow" if allow else "cancel"}
        response = self.session.post(f"{self.base_url}/oauth/v2/authorization", data=form,
                                     allow_redirects=False, timeout=self.timeout)
        if response.status_code != 302:
            raise requests.HTTPError(f"consent page answered {response.status_code}: "
                                     f"{response.text[:200]}", response=response)
        return str(response.headers["Location"])

    # ---- clock

    def set_clock(self, now: datetime | str, *, running: bool = False) -> JSON:
        text = now.isoformat() if isinstance(now, datetime) else now
        result: JSON = self._call("POST", "clock", {"now": text, "running": running})
        return result

    def advance_clock(self, seconds: float) -> JSON:
        result: JSON = self._call("POST", "clock", {"advance": seconds})
        return result

    def clock(self) -> JSON:
        result: JSON = self._call("GET", "clock")
        return result

    # ---- faults

    def add_fault(self, kind: str, **spec: Any) -> JSON:
        result: JSON = self._call("POST", "faults", {"kind": kind, **spec})
        return result

    def add_faults(self, specs: Iterable[Mapping[str, Any]]) -> JSON:
        result: JSON = self._call("POST", "faults", {"faults": [dict(s) for s in specs]})
        return result

    def expire_token_after(self, token: str, calls: int) -> JSON:
        return self.add_fault("expire_token", token=token, after_calls=calls)

    def faults(self) -> JSON:
        result: JSON = self._call("GET", "faults")
        return result

    def clear_faults(self) -> JSON:
        result: JSON = self._call("DELETE", "faults")
        return result
