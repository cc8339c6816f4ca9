"""``publish login``: LinkedIn's 3-legged flow (linkedin-api.md 2).

A one-request HTTP server on 127.0.0.1 receives the redirect, the ``state`` it carries is
compared with the one sent, the code is traded for a token, ``/v2/userinfo`` (member app)
or ``organizationAcls`` (page app) names the member, and the lot is saved in the token
store (``publisher.tokens``).
"""

from __future__ import annotations

import errno
import html
import os
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from publisher.accounts.apps import ORGANIZATION, App, Clock, LoginError, PortInUseError
from publisher.linkedin import errors as li
from publisher.linkedin import oauth
from publisher.linkedin.client import LinkedInClient, person_urn
from publisher.linkedin.transport import Transport
from publisher.tokens import StoredToken, TokenStore

DEFAULT_PORT = 3000
CALLBACK_PATH = "/callback"
LOGIN_TIMEOUT = 300.0
ACL_SCOPES = ("rw_organization_admin", "r_organization_admin")
POSTING_ROLES = ("ADMINISTRATOR", "CONTENT_ADMIN", "DIRECT_SPONSORED_CONTENT_POSTER")
CANCELLED = ("user_cancelled_authorize", "user_cancelled_login")


def redirect_uri(port: int) -> str:
    return f"http://localhost:{port}{CALLBACK_PATH}"


@dataclass(frozen=True)
class LoginRequest:
    authors: Mapping[str, str | None]   # store key (alias or URN) -> author URN, if known
    scopes: tuple[str, ...]
    app: App
    port: int = DEFAULT_PORT
    timeout: float = LOGIN_TIMEOUT


@dataclass(frozen=True)
class LoginResult:
    keys: tuple[str, ...]
    person_urn: str | None
    name: str | None
    scopes: tuple[str, ...]
    expires_at: float | None
    refresh_expires_at: float | None
    masked: str
    store_path: str
    warnings: tuple[str, ...] = ()
    app: str = ""                  # App.name: which app, from where


@dataclass(frozen=True)
class Member:
    """Who logged in, and their approved roles on pages when LinkedIn said."""

    urn: str | None = None
    name: str | None = None
    roles: Mapping[str, str] | None = None      # organization URN -> role


def login(request: LoginRequest, transport: Transport, store: TokenStore,
          open_url: Callable[[str], object], clock: Clock = time.time) -> LoginResult:
    """Run the authorization code flow; store the token under each author of the request.

    The callback server is bound before ``open_url`` is called, so a busy port fails
    before the member is sent to LinkedIn, and the redirect can never arrive too early.
    """
    state = secrets.token_urlsafe(24)
    callback = redirect_uri(request.port)
    with _bind(request.port, state) as server:
        open_url(oauth.authorization_url(request.app.client_id, callback, request.scopes,
                                         state, oauth_base=transport.oauth_base))
        params = server.wait(request.timeout, callback)
    code = code_from_callback(params, state)
    answer = _exchange(transport, code, request.app, callback)
    now = clock()
    member = whoami(transport, answer.access_token, answer.scopes)
    record = StoredToken(
        access_token=answer.access_token,
        expires_at=now + answer.expires_in if answer.expires_in else None,
        scopes=list(answer.scopes),
        refresh_token=answer.refresh_token,
        refresh_expires_at=(now + answer.refresh_token_expires_in
                            if answer.refresh_token and answer.refresh_token_expires_in else None),
        person_urn=member.urn, name=member.name,
        client_id=request.app.client_id, client_secret=request.app.client_secret,
        app=request.app.kind,
    )
    warnings = (_login_warnings(request, answer.scopes, member)
                + _revoked_by(request, record, store))
    for key in request.authors:
        store.put(key, record)
    return LoginResult(tuple(request.authors), member.urn, member.name, answer.scopes,
                       record.expires_at, record.refresh_expires_at, answer.masked,
                       str(store.path), tuple(warnings), request.app.name)


def code_from_callback(params: Mapping[str, str], state: str) -> str:
    """The authorization code of a redirect, once its ``state`` proved it answers ours."""
    if not secrets.compare_digest(params.get("state", ""), state):
        raise LoginError(
            "the answer from LinkedIn carries a different state than this login sent: it "
            "belongs to another attempt (an old browser tab) or was forged; nothing was "
            "stored, run `publish login` again")
    error = params.get("error")
    if error in CANCELLED:
        raise LoginError(
            f"consent was denied on LinkedIn ({error}): nothing was stored; run "
            "`publish login` again and choose Allow")
    if error:
        description = params.get("error_description", "")
        hint = (": the app lacks the LinkedIn product that grants it; add the product in "
                "the developer portal, or leave the scope out with --scopes (for good: "
                "[apps.member] or [apps.page] scopes in publish.toml)"
                if error == "unauthorized_scope_error" else "")
        raise LoginError(f"LinkedIn refused the login: {error} {description}".rstrip() + hint)
    code = params.get("code")
    if not code:
        raise LoginError("LinkedIn's redirect carried neither a code nor an error; "
                         "run `publish login` again")
    return code


def _exchange(transport: Transport, code: str, app: App, callback: str) -> oauth.TokenResponse:
    try:
        return oauth.exchange_code(transport, code, app.client_id, app.client_secret, callback)
    except li.OAuthError as error:
        if error.error == "invalid_client":
            raise LoginError(
                "LinkedIn refused the client id or secret (invalid_client): check "
                "LINKEDIN_CLIENT_ID and LINKEDIN_CLIENT_SECRET against the app's Auth tab"
            ) from None
        if error.error in ("invalid_redirect_uri", "invalid_request"):
            raise LoginError(
                f"LinkedIn refused the authorization code ({error.error_description}): it "
                "expired (codes live 30 minutes) or was already used; run `publish login` "
                "again") from None
        raise LoginError(f"the token exchange failed: {error}") from None


def whoami(transport: Transport, token: str, scopes: Iterable[str]) -> Member:
    """The member behind a token: /v2/userinfo with ``openid`` (member app), else their
    roles on pages from organizationAcls (page app, which LinkedIn grants no ``openid``)."""
    granted = set(scopes)
    client = LinkedInClient(transport, token)
    if "openid" in granted:
        info = client.userinfo()
        name = info.get("name")
        return Member(person_urn(info), name if isinstance(name, str) else None)
    if not granted & set(ACL_SCOPES):
        return Member()
    try:
        elements = client.role_assignments()
    except li.LinkedInError:
        return Member()
    roles = {str(e.get("organization")): str(e.get("role")) for e in elements
             if e.get("state", "APPROVED") == "APPROVED"}
    assignees = {e.get("roleAssignee") for e in elements}
    urn = next((a for a in assignees if isinstance(a, str)), None)
    return Member(urn, None, roles)


def _login_warnings(request: LoginRequest, scopes: Iterable[str], member: Member) -> list[str]:
    granted = set(scopes)
    warnings = []
    missing = [s for s in request.scopes if s not in granted]
    if missing:
        warnings.append(f"LinkedIn did not grant {', '.join(missing)}")
    if member.urn is None and member.roles is None:
        warnings.append("the member behind the token is unknown: a person's login needs "
                        "openid, a page's rw_organization_admin")
    for key, author in request.authors.items():
        if not author:
            continue
        if author.startswith(ORGANIZATION):
            warnings += _page_role_warning(key, author, member)
        elif member.urn and member.urn != author:
            warnings.append(
                f"you logged in as {member.urn}, but {key} is {author} in publish.toml: "
                "LinkedIn refuses posts as another member; log in as that member or fix "
                "[authors]")
    return warnings


def _page_role_warning(key: str, page: str, member: Member) -> list[str]:
    if member.roles is None:
        return []
    role = member.roles.get(page)
    if role in POSTING_ROLES:
        return []
    who = member.urn or "the member who logged in"
    held = f"the role {role}" if role else "no role"
    return [f"{who} has {held} on {key} ({page}): LinkedIn refuses their posts as the page; "
            "a page admin must make them ADMINISTRATOR or CONTENT_ADMIN, or log in as one"]


def _revoked_by(request: LoginRequest, record: StoredToken, store: TokenStore) -> list[str]:
    """Stored tokens this login just made useless.

    LinkedIn: "If you request a different scope than the previously granted scope, all the
    previous access tokens are invalidated" (per member and app).
    """
    hit = sorted(
        key for key, other in store.load().items()
        if key not in request.authors and other.client_id == record.client_id
        and other.person_urn == record.person_urn and record.person_urn
        and sorted(other.scopes) != sorted(record.scopes))
    if not hit:
        return []
    everyone = " ".join(f"--author {key}" for key in [*request.authors, *hit])
    return [f"LinkedIn has now revoked the token stored for {', '.join(hit)} (same member "
            f"and app, other scopes): one token can serve them all, `publish login {everyone}`"]


class _CallbackServer(HTTPServer):
    """Serves the redirect URI on 127.0.0.1 only, one request at a time."""

    def __init__(self, port: int, state: str) -> None:
        super().__init__(("127.0.0.1", port), _CallbackHandler)
        self.state = state
        self.answer: dict[str, str] | None = None

    def __enter__(self) -> _CallbackServer:
        return self

    def wait(self, timeout: float, callback: str) -> dict[str, str]:
        deadline = time.monotonic() + timeout
        while self.answer is None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise LoginError(
                    f"no answer reached {callback} within {timeout:.0f} s. If LinkedIn showed "
                    f"\"Redirect_uri doesn't match\", add {callback} to the app's Authorized "
                    "redirect URLs (or use --port to match one that is there)")
            self.timeout = left
            self.handle_request()
        return self.answer


def _bind(port: int, state: str) -> _CallbackServer:
    try:
        return _CallbackServer(port, state)
    except OSError as error:
        if error.errno in (errno.EADDRINUSE, errno.EACCES):
            raise PortInUseError(
                f"port {port} on localhost is in use ({os.strerror(error.errno)}): stop what "
                "listens there, or pass --port N and add "
                f"{redirect_uri(port).replace(str(port), 'N')} to the app's Authorized "
                "redirect URLs") from None
        raise


class _CallbackHandler(BaseHTTPRequestHandler):
    server: _CallbackServer

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path != CALLBACK_PATH:
            self._page(404, "Not the login callback", f"This server only answers {CALLBACK_PATH}.")
            return
        params = {key: values[0] for key, values in parse_qs(url.query).items()}
        self.server.answer = params
        try:
            code_from_callback(params, self.server.state)
        except LoginError as error:
            self._page(400, "Login failed", f"{error}. You can close this tab.")
            return
        self._page(200, "Logged in", "publish received the answer from LinkedIn. "
                   "You can close this tab and go back to the terminal.")

    def _page(self, status: int, title: str, text: str) -> None:
        body = (f"<!doctype html><meta charset=utf-8><title>{html.escape(title)}</title>"
                f"<h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the request line holds the authorization code."""
