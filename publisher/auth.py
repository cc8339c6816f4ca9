"""Accounts and tokens: logging in, refreshing, and the checks of `publish doctor`.

Three parts, none of which prints:

* ``login``: LinkedIn's 3-legged flow (linkedin-api.md 2). A one-request HTTP server on
  127.0.0.1 receives the redirect, the ``state`` it carries is compared with the one sent,
  the code is traded for a token, ``/v2/userinfo`` (member app) or ``organizationAcls``
  (page app) names the member, and the lot is saved in the token store
  (``publisher.tokens``).
* Two apps: LinkedIn's Community Management API "requires that it be the only product on
  the application", so people post through a *member app* (OpenID Connect + Share on
  LinkedIn) and pages through a *page app* (Community Management only). ``login_groups``
  splits the authors of one ``publish login`` by the app they need; ``login_app`` and
  ``token_app`` find each app's credentials (docs/auth.md, "Two apps").
* ``TokenKeeper`` and ``AuthorTransport``: during a sync, each author's token is refreshed
  before use when fewer than 7 days remain, and once more when LinkedIn answers 401
  EXPIRED_ACCESS_TOKEN; the call is then sent again. A 401 means LinkedIn did nothing, so
  sending a create again cannot post twice.
* ``doctor``: for each author the posts use, where the token comes from, whether it works,
  when it expires, its scopes against what those posts need; and how long the configured
  LinkedIn-Version is still served.

A token never leaves here whole: messages show ``mask(token)`` only.
"""

from __future__ import annotations

import errno
import html
import os
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from publisher import apiversion
from publisher.config import AppSettings, Config, is_author_urn
from publisher.errors import PublisherError
from publisher.linkedin import errors as li
from publisher.linkedin import oauth
from publisher.linkedin.client import LinkedInClient, person_urn
from publisher.linkedin.transport import FilePart, Reply, Transport
from publisher.post import discover, load_post
from publisher.tokens import (
    Credential,
    StoredToken,
    TokenError,
    TokenStore,
    default_store_path,
    resolve,
    store_key,
)

DAY = 86400
REFRESH_WITHIN_DAYS = 7
WARN_WITHIN_DAYS = 14
DEFAULT_PORT = 3000
CALLBACK_PATH = "/callback"
LOGIN_TIMEOUT = 300.0
ORGANIZATION = "urn:li:organization:"
MEMBER, PAGE = "member", "page"
PERSON_SCOPES = ("openid", "profile", "w_member_social")
# Community Management only (no openid/profile: the page app cannot grant them), with what
# `publish stats` reads: page statistics and the member's own post analytics.
ORGANIZATION_SCOPES = ("w_organization_social", "r_organization_social",
                       "rw_organization_admin", "r_member_postAnalytics")
# A person through the page app: posting, and their post analytics, which only a
# Community Management app grants.
PAGE_PERSON_SCOPES = ("w_member_social", "r_member_postAnalytics")
ACL_SCOPES = ("rw_organization_admin", "r_organization_admin")
POSTING_ROLES = ("ADMINISTRATOR", "CONTENT_ADMIN", "DIRECT_SPONSORED_CONTENT_POSTER")
APP_NAMES = {MEMBER: "member app", PAGE: "page app"}
CAPABILITIES = (
    ("w_member_social", "post as the member"),
    ("w_organization_social", "post as the pages the member may post for"),
    ("r_organization_social", "read page posts back"),
    ("rw_organization_admin", "read page statistics"),
    ("r_member_postAnalytics", "read the member's post statistics"),
    ("openid", "name the member (/v2/userinfo)"),
)
CANCELLED = ("user_cancelled_authorize", "user_cancelled_login")
Clock = Callable[[], float]


class LoginError(PublisherError):
    """The login did not end with a token; the message says why and what to do."""

    exit_code = 3


class PortInUseError(LoginError):
    exit_code = 2


@dataclass(frozen=True)
class App:
    """A LinkedIn app's client credentials (the secret is kept out of ``repr``)."""

    client_id: str
    client_secret: str = field(repr=False)
    kind: str | None = None          # member | page: the authors it serves
    source: str = ""                 # where the client id came from

    @property
    def name(self) -> str:
        where = f", from {self.source}" if self.source else ""
        return f"{APP_NAMES.get(self.kind or '', 'app')} {self.client_id}{where}"


def app_kind(author_urn: str | None) -> str:
    """A page posts through the page app, a person through the member app."""
    return PAGE if author_urn and author_urn.startswith(ORGANIZATION) else MEMBER


def app_variables(kind: str) -> tuple[str, str]:
    """``LINKEDIN_MEMBER_CLIENT_ID``/``…_SECRET`` or ``LINKEDIN_PAGE_CLIENT_ID``/``…``."""
    prefix = f"LINKEDIN_{kind.upper()}_CLIENT_"
    return prefix + "ID", prefix + "SECRET"


def configured_client_id(kind: str, environ: Mapping[str, str],
                         apps: Mapping[str, AppSettings]) -> tuple[str | None, str]:
    """The client id of the kind's own app and where it is set, if it is set anywhere."""
    id_variable, _ = app_variables(kind)
    if environ.get(id_variable):
        return environ[id_variable], id_variable
    settings = apps.get(kind)
    if settings and settings.client_id:
        return settings.client_id, f"publish.toml [apps.{kind}]"
    return None, ""


def login_app(kind: str, environ: Mapping[str, str], apps: Mapping[str, AppSettings],
              stored: StoredToken | None = None) -> App | None:
    """The app that logs in the authors of a kind; None when a credential must be asked for.

    Its own app (``LINKEDIN_<KIND>_CLIENT_ID`` or ``[apps.<kind>]``, the secret from
    ``LINKEDIN_<KIND>_CLIENT_SECRET`` or the store) wins; else the one app of
    ``LINKEDIN_CLIENT_ID``/``LINKEDIN_CLIENT_SECRET``; else the app of the stored token.
    """
    client_id, source = configured_client_id(kind, environ, apps)
    if client_id:
        secret = environ.get(app_variables(kind)[1])
        if not secret and stored and stored.client_id == client_id:
            secret = stored.client_secret
        return App(client_id, secret, kind, source) if secret else None
    generic_id, generic_secret = (environ.get("LINKEDIN_CLIENT_ID"),
                                  environ.get("LINKEDIN_CLIENT_SECRET"))
    if generic_id:
        if not generic_secret and stored and stored.client_id == generic_id:
            generic_secret = stored.client_secret
        return App(generic_id, generic_secret, kind, "LINKEDIN_CLIENT_ID") \
            if generic_secret else None
    if stored and stored.client_id and stored.client_secret:
        return App(stored.client_id, stored.client_secret, stored.app or kind, "the token store")
    return None


def token_app(kind: str, environ: Mapping[str, str], apps: Mapping[str, AppSettings],
              stored: StoredToken | None) -> App | None:
    """The app that issued a token, for refreshing and introspecting it.

    A stored token names its app; the environment may hold a newer secret of that app. A
    token from the environment belongs to the app its author's kind logs in with.
    """
    app = login_app(kind, environ, apps, stored)
    if stored is None or not stored.client_id or (app and app.client_id == stored.client_id):
        return app
    if stored.client_secret:
        return App(stored.client_id, stored.client_secret, stored.app, "the token store")
    return None


def default_scopes(author_urn: str | None, apps: Mapping[str, AppSettings] | None = None,
                   kind: str | None = None) -> tuple[str, ...]:
    """What an author's login asks its app for: ``[apps.<kind>].scopes``, else the member
    app's posting scopes for a person, the Community Management scopes for a page (and
    for a person who logs in through the page app)."""
    kind = kind or app_kind(author_urn)
    settings = (apps or {}).get(kind)
    if settings and settings.scopes:
        return settings.scopes
    if kind == MEMBER:
        return PERSON_SCOPES
    return ORGANIZATION_SCOPES if app_kind(author_urn) == PAGE else PAGE_PERSON_SCOPES


@dataclass(frozen=True)
class LoginGroup:
    """The authors one login serves: one app, one set of scopes."""

    kind: str
    authors: Mapping[str, str | None]
    scopes: tuple[str, ...]


def login_groups(targets: Mapping[str, str | None], scopes: tuple[str, ...] | None,
                 apps: Mapping[str, AppSettings], app: str | None = None) -> list[LoginGroup]:
    """One group per app the authors need, the member app first.

    ``--scopes`` asks one app for one set of scopes, so it serves authors of one kind.
    ``--app page`` logs people in through the page app too (their post analytics).
    """
    kinds: dict[str, dict[str, str | None]] = {}
    for key, urn in targets.items():
        if app == MEMBER and app_kind(urn) == PAGE:
            raise LoginError(f"{key} is a page: it logs in through the page app (Community "
                             "Management API), not --app member")
        kinds.setdefault(app or app_kind(urn), {})[key] = urn
    ordered = [kind for kind in (MEMBER, PAGE) if kind in kinds]
    if scopes is not None:
        if len(ordered) > 1:
            raise LoginError(
                f"--scopes asks one app for one set of scopes, but {', '.join(kinds[MEMBER])} "
                f"(a person) and {', '.join(kinds[PAGE])} (a page) log in through different "
                "apps: log in for each with its own --scopes, or leave --scopes out")
        return [LoginGroup(ordered[0], dict(targets), scopes)]
    return [LoginGroup(kind, kinds[kind],
                       tuple(dict.fromkeys(s for urn in kinds[kind].values()
                                           for s in default_scopes(urn, apps, kind))))
            for kind in ordered]


def check_login_apps(groups: list[LoginGroup], chosen: list[App]) -> None:
    """A person and a page cannot log in through one app: LinkedIn grants no app both."""
    if len(groups) < 2 or chosen[0].client_id != chosen[1].client_id:
        return
    member_id, member_secret = app_variables(MEMBER)
    page_id, page_secret = app_variables(PAGE)
    people, pages = (", ".join(group.authors) for group in groups)
    raise LoginError(
        f"{people} (a person) and {pages} (a page) need two LinkedIn apps, and both would "
        f"log in through app {chosen[0].client_id}: the Community Management API must be the "
        f"only product on its app. Set {member_id} and {member_secret} for the member app "
        f"and {page_id} and {page_secret} for the page app (or [apps.member] and "
        "[apps.page] client_id in publish.toml; docs/setup.md)")


def parse_scope_list(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(s for s in text.replace(",", " ").split() if s))


def redirect_uri(port: int) -> str:
    return f"http://localhost:{port}{CALLBACK_PATH}"


# --- login ----------------------------------------------------------------------------------------


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


# --- refresh during a run -------------------------------------------------------------------------


@dataclass
class LiveToken:
    """One author's token for the length of a run."""

    credential: Credential
    key: str
    refresh_token: str | None = field(default=None, repr=False)
    app: App | None = None
    expires_at: float | None = None
    retried: bool = False          # the refresh on 401 happens once per run

    @property
    def token(self) -> str:
        return self.credential.token

    @property
    def refreshable(self) -> bool:
        return bool(self.refresh_token and self.app)

    @property
    def who(self) -> str:
        return self.credential.alias or self.key


def refresh_token_for(credential: Credential, environ: Mapping[str, str]) -> str | None:
    """The refresh token that belongs with the access token: from the same place."""
    if credential.stored is not None:
        return credential.stored.refresh_token
    if credential.source.startswith("LINKEDIN_ACCESS_TOKEN"):
        return environ.get(credential.source.replace("ACCESS", "REFRESH", 1)) or None
    return None


class TokenKeeper:
    """Resolves each author's token once per run, refreshes it when due, collects warnings."""

    def __init__(self, transport: Transport, *, cli_token: str | None = None,
                 environ: Mapping[str, str] | None = None, store: TokenStore | None = None,
                 clock: Clock = time.time, apps: Mapping[str, AppSettings] | None = None,
                 ) -> None:
        self.transport = transport
        self.cli_token = cli_token
        self.environ = os.environ if environ is None else environ
        self.store = store or TokenStore(default_store_path(self.environ))
        self.clock = clock
        self.apps = apps or {}
        self.notices: list[str] = []
        self._live: dict[tuple[str, str], LiveToken] = {}

    def token_for(self, alias: str | None, author: str) -> LiveToken:
        """The author's token, refreshed first when fewer than 7 days remain."""
        credential = resolve(alias, author, self.cli_token, self.environ, self.store)
        # Authors sharing one token share its refresh too.
        shared = (credential.source, credential.token)
        if shared not in self._live:
            live = LiveToken(credential, store_key(alias, author),
                             refresh_token_for(credential, self.environ),
                             token_app(app_kind(author), self.environ, self.apps,
                                       credential.stored))
            self._prepare(live)
            self._live[shared] = live
        return self._live[shared]

    def _prepare(self, live: LiveToken) -> None:
        stored = live.credential.stored
        live.expires_at = stored.expires_at if stored else self._introspected_expiry(live)
        left = self._days_left(live)
        if left is not None and left < REFRESH_WITHIN_DAYS and live.refreshable:
            self.refresh(live, f"{_days(left)} left")
            left = self._days_left(live)
        if left is not None and left < WARN_WITHIN_DAYS:
            self.notices.append(expiry_warning(live, left))

    def _introspected_expiry(self, live: LiveToken) -> float | None:
        """An environment token's expiry is only known by asking, with the app's credentials."""
        if live.app is None:
            return None
        try:
            found = oauth.introspect(self.transport, live.token, live.app.client_id,
                                     live.app.client_secret)
        except li.LinkedInError:
            return None
        return float(found.expires_at) if found.expires_at else None

    def _days_left(self, live: LiveToken) -> float | None:
        return None if live.expires_at is None else (live.expires_at - self.clock()) / DAY

    def refresh(self, live: LiveToken, why: str) -> bool:
        """Trade the refresh token for a new access token; False (and a notice) if refused."""
        if live.refresh_token is None or live.app is None:
            return False
        try:
            answer = oauth.refresh(self.transport, live.refresh_token, live.app.client_id,
                                   live.app.client_secret)
        except li.LinkedInError as error:
            self.notices.append(
                f"could not refresh the token of {live.who} ({live.credential.masked}, from "
                f"{live.credential.source}): {error}; run `publish login --author {live.key}`")
            return False
        old = live.credential
        now = self.clock()
        live.expires_at = now + answer.expires_in if answer.expires_in else None
        live.refresh_token = answer.refresh_token or live.refresh_token
        live.credential = replace(old, token=answer.access_token)
        self._keep(live, old, answer, why, now)
        return True

    def _keep(self, live: LiveToken, old: Credential, answer: oauth.TokenResponse, why: str,
              now: float) -> None:
        """Save a refreshed token where it came from, or say which secret to update."""
        stored = old.stored
        if stored is not None:
            refresh_expires = (now + answer.refresh_token_expires_in
                               if answer.refresh_token_expires_in else stored.refresh_expires_at)
            record = replace(stored, access_token=answer.access_token,
                             expires_at=live.expires_at, refresh_token=live.refresh_token,
                             refresh_expires_at=refresh_expires,
                             scopes=list(answer.scopes) or stored.scopes)
            # One login may serve several authors: all their records get the new token.
            sharing = [key for key, other in self.store.load().items()
                       if other.access_token == old.token]
            for key in sharing or [live.key]:
                self.store.put(key, record)
            live.credential = replace(live.credential, stored=record)
            return
        kind = "secret" if self.environ.get("GITHUB_ACTIONS") == "true" else "variable"
        self.notices.append(
            f"refreshed the token of {live.who} ({why}): {old.masked} -> {answer.masked}. "
            f"The {kind} {old.source} still holds {old.masked}; update it with a new token "
            f"(see docs/auth.md) so that each run need not refresh it")


def expiry_warning(live: LiveToken, days_left: float) -> str:
    credential = live.credential
    where = f"{credential.masked}, from {credential.source}"
    if days_left < 0:
        state = "has expired"
    else:
        when = datetime.fromtimestamp(live.expires_at or 0, UTC).strftime("%Y-%m-%d")
        state = f"expires in {_days(days_left)} ({when})"
    fix = ("it is refreshed automatically" if live.refreshable
           else f"run `publish login --author {live.key}` and update {credential.source}"
           if credential.stored is None else f"run `publish login --author {live.key}`")
    return f"the LinkedIn token of {live.who} ({where}) {state}: {fix}"


def _days(days: float) -> str:
    whole = max(0, int(days))
    return f"{whole} day{'s' if whole != 1 else ''}"


class AuthorTransport(Transport):
    """The shared transport, sending one author's current token, refreshed once on expiry."""

    def __init__(self, base: Transport, keeper: TokenKeeper, live: LiveToken) -> None:
        super().__init__(base.api_base, base.oauth_base, base.version, session=base.session,
                         timeout=base.timeout, retry=base.retry, sleep=base.sleep,
                         clock=base.clock, logger=base.logger, jitter=base.jitter)
        self.keeper = keeper
        self.live = live

    def api(self, method: str, path: str, token: str, **options: Any) -> Reply:
        try:
            return super().api(method, path, self.live.token, **options)
        except li.ExpiredToken:
            if self.live.retried:
                raise
            self.live.retried = True
            if not self.keeper.refresh(self.live, "LinkedIn answered 401 EXPIRED_ACCESS_TOKEN"):
                raise
        # LinkedIn refused the call before doing anything, so sending it again is safe.
        return super().api(method, path, self.live.token, **options)

    def upload(self, url: str, part: FilePart, *, token: str | None, **options: Any) -> Reply:
        return super().upload(url, part, token=self.live.token if token else None, **options)


# --- publish doctor -------------------------------------------------------------------------------

Level = str  # "ok" | "note" | "warning" | "error"


@dataclass(frozen=True)
class Finding:
    level: Level
    text: str


@dataclass(frozen=True)
class ScopeNeed:
    scope: str
    level: Level          # how bad its absence is
    purpose: str


PERSON_NEEDS = (
    ScopeNeed("w_member_social", "error", "post as the member"),
    ScopeNeed("r_member_postAnalytics", "note",
              "read the member's post analytics (`publish stats`; only a Community "
              "Management app grants it)"),
)
ORGANIZATION_NEEDS = (
    ScopeNeed("w_organization_social", "error", "post as the page"),
    ScopeNeed("r_organization_social", "warning",
              "read posts back (check the text LinkedIn kept, find a post after a lost answer)"),
    ScopeNeed("rw_organization_admin", "note",
              "read the page's share statistics (`publish stats`)"),
)
CREDENTIALS_HINT = ("set the client id and secret of the app that issued it (LINKEDIN_"
                    "MEMBER_CLIENT_ID/_SECRET, LINKEDIN_PAGE_CLIENT_ID/_SECRET or "
                    "LINKEDIN_CLIENT_ID/_SECRET) so that the token can be introspected")


@dataclass
class AuthorCheck:
    urn: str
    alias: str | None
    posts: int
    source: str | None = None
    masked: str | None = None
    status: str = "missing"                 # active | expired | revoked | invalid | missing
    expires_at: float | None = None
    scopes: tuple[str, ...] | None = None
    scopes_from: str | None = None          # introspection | login
    member: str | None = None
    app: str | None = None                  # App.name of the app that issued the token
    refreshable: bool = False
    findings: list[Finding] = field(default_factory=list)

    @property
    def abilities(self) -> list[str]:
        """What the token lets publish do, from its scopes."""
        granted = set(self.scopes or ())
        return [text for scope, text in CAPABILITIES if scope in granted]

    @property
    def name(self) -> str:
        return self.alias or self.urn

    @property
    def login_key(self) -> str:
        return store_key(self.alias, self.urn)

    @property
    def usable(self) -> bool:
        return not any(f.level == "error" for f in self.findings)


@dataclass(frozen=True)
class VersionCheck:
    version: str
    sunset: date
    days_left: int
    finding: Finding


@dataclass
class DoctorReport:
    version: VersionCheck
    authors: list[AuthorCheck]

    @property
    def findings(self) -> list[Finding]:
        return [self.version.finding, *(f for a in self.authors for f in a.findings)]

    def count(self, level: Level) -> int:
        return sum(1 for f in self.findings if f.level == level)

    @property
    def exit_code(self) -> int:
        return 1 if self.count("error") else 0


def version_check(version: str, today: date) -> VersionCheck:
    """LinkedIn serves a version for a year, to about the 15th of its month a year on."""
    found = apiversion.status(version, today)
    return VersionCheck(version, found.sunset, found.days_left, Finding(found.level, found.text))


def authors_in_use(config: Config) -> dict[str, tuple[str | None, int]]:
    """{author URN: (alias, number of posts)} of the valid posts; every configured author
    when there are no posts yet."""
    found: dict[str, tuple[str | None, int]] = {}
    for path in discover(config):
        post = load_post(config, path).post
        if post is None:
            continue
        alias, count = found.get(post.author, (post.author_alias, 0))
        found[post.author] = (alias, count + 1)
    if not found:
        found = {urn: (alias, 0) for alias, urn in config.authors.items()}
        default = config.defaults.author
        if default and is_author_urn(default) and default not in found:
            found[default] = (None, 0)
    return found


def doctor(config: Config, transport: Transport, *, cli_token: str | None = None,
           environ: Mapping[str, str] | None = None, store: TokenStore | None = None,
           clock: Clock = time.time) -> DoctorReport:
    environ = os.environ if environ is None else environ
    today = datetime.fromtimestamp(clock(), UTC).date()
    checks = []
    for urn, (alias, posts) in sorted(authors_in_use(config).items(),
                                      key=lambda item: item[1][0] or item[0]):
        check = AuthorCheck(urn, alias, posts)
        _check_author(check, transport, cli_token, environ, store, clock(), config.apps)
        checks.append(check)
    return DoctorReport(version_check(config.linkedin.version, today), checks)


def _check_author(check: AuthorCheck, transport: Transport, cli_token: str | None,
                  environ: Mapping[str, str], store: TokenStore | None, now: float,
                  apps: Mapping[str, AppSettings]) -> None:
    try:
        credential = resolve(check.alias, check.urn, cli_token, environ, store)
    except TokenError as error:
        check.findings.append(Finding("error", str(error)))
        return
    check.source, check.masked = credential.source, credential.masked
    stored = credential.stored
    if stored is not None:
        check.expires_at, check.member = stored.expires_at, stored.person_urn
        if stored.scopes:
            check.scopes, check.scopes_from = tuple(stored.scopes), "login"
    _probe(check, transport, credential.token)
    app = _owner(check, transport, credential.token,
                 _candidate_apps(app_kind(check.urn), environ, apps, stored))
    if check.member is None and check.status == "active" and check.scopes:
        try:
            check.member = whoami(transport, credential.token, check.scopes).urn
        except li.LinkedInError as error:
            check.findings.append(Finding("note", f"could not tell whose token it is: {error}"))
    check.refreshable = bool(refresh_token_for(credential, environ) and app)
    check.findings += _token_findings(check, now, check.refreshable, credential)
    check.findings += scope_findings(check.urn, check.scopes, check.login_key)
    check.findings += _member_findings(check)
    check.findings += _app_findings(check, app)


def _candidate_apps(kind: str, environ: Mapping[str, str], apps: Mapping[str, AppSettings],
                    stored: StoredToken | None) -> list[App]:
    """Every app whose credentials are known, the likeliest owner of the token first."""
    other = MEMBER if kind == PAGE else PAGE
    found = [token_app(kind, environ, apps, stored), login_app(other, environ, apps)]
    unique: dict[str, App] = {}
    for app in found:
        if app is not None:
            unique.setdefault(app.client_id, app)
    return list(unique.values())


def _owner(check: AuthorCheck, transport: Transport, token: str,
           candidates: list[App]) -> App | None:
    """The app that issued the token: the one whose introspection knows it."""
    for app in candidates:
        if _introspect(check, transport, token, app):
            check.app = app.name
            return app
    if candidates:
        names = " or ".join(app.client_id for app in candidates)
        check.findings.append(Finding(
            "note", f"the token was issued by another app than {names}: its scopes and "
            "expiry cannot be read with these client credentials"))
    return None


def _probe(check: AuthorCheck, transport: Transport, token: str) -> None:
    """One cheap call proves the token works: /v2/userinfo (403 without openid is fine)."""
    try:
        info = LinkedInClient(transport, token).userinfo()
    except li.Forbidden:
        check.status = "active"
    except li.ExpiredToken:
        check.status = "expired"
    except li.RevokedToken:
        check.status = "revoked"
    except li.AuthenticationError:
        check.status = "invalid"
    except li.LinkedInError as error:
        check.status = "unknown"
        check.findings.append(Finding("warning", f"could not test the token: {error}"))
    else:
        check.status = "active"
        check.member = person_urn(info) if info.get("sub") else check.member


def _introspect(check: AuthorCheck, transport: Transport, token: str, app: App) -> bool:
    """Scopes and expiry from the app's introspection; False when the app does not know
    the token (``{"active": false}`` with no status: another app issued it)."""
    try:
        found = oauth.introspect(transport, token, app.client_id, app.client_secret)
    except li.LinkedInError as error:
        check.findings.append(Finding("note", f"introspection with {app.client_id} failed: "
                                      f"{error}"))
        return False
    if not found.active and found.status is None:
        return False
    check.scopes, check.scopes_from = found.scopes, "introspection"
    if found.expires_at:
        check.expires_at = float(found.expires_at)
    return True


def _app_findings(check: AuthorCheck, app: App | None) -> list[Finding]:
    """A token that cannot be refreshed (a member app's): say when to log in again."""
    if app is None or check.status != "active" or check.refreshable or not check.expires_at:
        return []
    when = datetime.fromtimestamp(check.expires_at, UTC).strftime("%Y-%m-%d")
    return [Finding("note", "no refresh token (LinkedIn gives them to Community Management "
                    f"apps only): log in again before {when}")]


def _token_findings(check: AuthorCheck, now: float, refreshable: bool,
                    credential: Credential) -> list[Finding]:
    login = f"run `publish login --author {store_key(check.alias, check.urn)}`"
    renew = login if credential.stored else f"{login} and update {credential.source}"
    if check.status in ("revoked", "invalid"):
        return [Finding("error", f"LinkedIn refuses this token ({check.status}): {renew}")]
    days = None if check.expires_at is None else (check.expires_at - now) / DAY
    if check.status == "expired" or (days is not None and days < 0):
        if refreshable:
            return [Finding("warning", "the token has expired; the next sync refreshes it")]
        return [Finding("error", f"the token has expired: {renew}")]
    if days is None:
        return [Finding("note", f"expiry unknown: {CREDENTIALS_HINT}")]
    when = datetime.fromtimestamp(check.expires_at or 0, UTC).strftime("%Y-%m-%d")
    text = f"expires in {_days(days)} ({when})"
    if days < WARN_WITHIN_DAYS and not refreshable:
        return [Finding("warning", f"{text}: {renew}")]
    if refreshable:
        text += "; refreshed automatically when under 7 days remain"
    return [Finding("ok", text)]


def scope_findings(author_urn: str, scopes: tuple[str, ...] | None,
                   key: str | None = None) -> list[Finding]:
    """Each scope the author's posts need: present, or missing, how much that matters,
    and the login that gets it."""
    if scopes is None:
        return [Finding("note", f"scopes unknown: {CREDENTIALS_HINT}")]
    needs = ORGANIZATION_NEEDS if author_urn.startswith(ORGANIZATION) else PERSON_NEEDS
    findings = []
    for need in needs:
        if need.scope in scopes:
            findings.append(Finding("ok", f"{need.scope}: {need.purpose}"))
        else:
            findings.append(Finding(need.level, f"no {need.scope}: cannot {need.purpose}; "
                                    f"{_login_for(need.scope, key or author_urn)}"))
    return findings


def _login_for(scope: str, key: str) -> str:
    """Which login grants a missing scope: the member app grants only w_member_social."""
    if scope in PERSON_SCOPES:
        return f"log in again through the member app, `publish login --author {key}`"
    if scope in PAGE_PERSON_SCOPES:
        return ("only the page app grants it: `publish login --author "
                f"{key} --app page`")
    return f"log in again through the page app, `publish login --author {key}`"


def _member_findings(check: AuthorCheck) -> list[Finding]:
    if check.urn.startswith(ORGANIZATION) or not check.member or check.member == check.urn:
        return []
    return [Finding("error", f"the token is {check.member}'s, but {check.name} is {check.urn}: "
                    "LinkedIn refuses posts as another member; log in as that member")]
