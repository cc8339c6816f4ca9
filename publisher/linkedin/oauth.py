"""OAuth 2.0 with LinkedIn (linkedin-api.md section 2): URLs and token calls, nothing else.

No server and no browser here: the caller opens ``authorization_url``, receives the
``code`` on its redirect URI, and trades it with ``exchange_code``. Errors come back as
``OAuthError`` with LinkedIn's ``error`` and ``error_description``.

Retries: the token exchange is not repeated once sent (a code works once); a refresh may
be (LinkedIn lets several access tokens coexist, so a second one harms nothing), and so may
an introspection, which only reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from publisher.linkedin.errors import OAuthError
from publisher.linkedin.transport import Transport, mask

OAUTH_BASE = "https://www.linkedin.com/oauth/v2"


@dataclass(frozen=True)
class TokenResponse:
    """What ``accessToken`` returns. Secrets are kept out of ``repr``."""

    access_token: str = field(repr=False)
    expires_in: int | None
    scopes: tuple[str, ...]
    refresh_token: str | None = field(default=None, repr=False)
    refresh_token_expires_in: int | None = None
    id_token: str | None = field(default=None, repr=False)

    @property
    def masked(self) -> str:
        return mask(self.access_token)


@dataclass(frozen=True)
class Introspection:
    """What ``introspectToken`` says about a token."""

    active: bool
    status: str | None               # active | expired | revoked
    scopes: tuple[str, ...]
    expires_at: int | None           # epoch seconds
    client_id: str | None
    auth_type: str | None            # 2L | 3L | Enterprise_User


def authorization_url(
    client_id: str, redirect_uri: str, scopes: Iterable[str], state: str, *,
    oauth_base: str = OAUTH_BASE,
) -> str:
    """Where to send the member to grant the scopes (space-delimited, ``%20``-encoded)."""
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
              "state": state, "scope": " ".join(scopes)}
    return f"{oauth_base.rstrip('/')}/authorization?{urlencode(params, quote_via=quote)}"


def exchange_code(
    transport: Transport, code: str, client_id: str, client_secret: str, redirect_uri: str,
) -> TokenResponse:
    """Trade an authorization code for an access token (``grant_type=authorization_code``)."""
    form = {"grant_type": "authorization_code", "code": code, "client_id": client_id,
            "client_secret": client_secret, "redirect_uri": redirect_uri}
    reply = transport.oauth("accessToken", form, secrets=(code, client_secret))
    return token_response(_object(reply.json(), "accessToken"))


def refresh(
    transport: Transport, refresh_token: str, client_id: str, client_secret: str,
) -> TokenResponse:
    """A new access token from a refresh token; the refresh token keeps its remaining life."""
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token,
            "client_id": client_id, "client_secret": client_secret}
    reply = transport.oauth("accessToken", form, idempotent=True,
                            secrets=(refresh_token, client_secret))
    return token_response(_object(reply.json(), "accessToken"))


def introspect(
    transport: Transport, token: str, client_id: str, client_secret: str,
) -> Introspection:
    """Whether the token is active, its scopes and when it expires."""
    form = {"client_id": client_id, "client_secret": client_secret, "token": token}
    reply = transport.oauth("introspectToken", form, idempotent=True,
                            secrets=(token, client_secret))
    return introspection(_object(reply.json(), "introspectToken"))


def parse_scopes(value: Any) -> tuple[str, ...]:
    """Scopes from LinkedIn's ``scope``: documented space-delimited, observed comma-separated."""
    if isinstance(value, list):
        return tuple(str(s) for s in value if str(s))
    if not isinstance(value, str):
        return ()
    return tuple(s for s in value.replace(",", " ").split() if s)


def token_response(data: Mapping[str, Any]) -> TokenResponse:
    token = data.get("access_token")
    if not isinstance(token, str) or not token:
        raise OAuthError("invalid_response", "the token answer holds no access_token")
    refresh_token = data.get("refresh_token")
    id_token = data.get("id_token")
    return TokenResponse(
        access_token=token,
        expires_in=_int(data.get("expires_in")),
        scopes=parse_scopes(data.get("scope")),
        refresh_token=refresh_token if isinstance(refresh_token, str) and refresh_token else None,
        refresh_token_expires_in=_int(data.get("refresh_token_expires_in")),
        id_token=id_token if isinstance(id_token, str) and id_token else None,
    )


def introspection(data: Mapping[str, Any]) -> Introspection:
    return Introspection(
        active=data.get("active") is True,
        status=_str(data.get("status")),
        scopes=parse_scopes(data.get("scope")),
        expires_at=_int(data.get("expires_at")),
        client_id=_str(data.get("client_id")),
        auth_type=_str(data.get("auth_type")),
    )


def _object(data: Any, endpoint: str) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise OAuthError("invalid_response", f"{endpoint} answered with JSON that is not an object")
    return data


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
