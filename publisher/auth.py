"""Accounts and tokens: logging in, refreshing, and the checks of `publish doctor`.

Three parts, none of which prints:

* ``login``: LinkedIn's 3-legged flow (linkedin-api.md 2). A one-request HTTP server on
  127.0.0.1 receives the redirect, the ``state`` it carries is compared with the one sent,
  the code is traded for a token, ``/v2/userinfo`` names the member, and the lot is saved
  in the token store (``publisher.tokens``).
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
from publisher.config import Config, is_author_urn
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
PERSON_SCOPES = ("openid", "profile", "w_member_social")
ORGANIZATION_SCOPES = ("openid", "profile", "w_organization_social", "r_organization_social")
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


def app_from(environ: Mapping[str, str], stored: StoredToken | None = None) -> App | None:
    """``LINKEDIN_CLIENT_ID``/``LINKEDIN_CLIENT_SECRET``, else the ones saved at login."""
    client_id, secret = environ.get("LINKEDIN_CLIENT_ID"), environ.get("LINKEDIN_CLIENT_SECRET")
    if client_id and secret:
        return App(client_id, secret)
    if stored and stored.client_id and stored.client_secret:
        return App(stored.client_id, stored.client_secret)
    return None


def default_scopes(author_urn: str | None) -> tuple[str, ...]:
    """What posting needs: a page wants the organization scopes, a member w_member_social."""
    if author_urn and author_urn.startswith(ORGANIZATION):
        return ORGANIZATION_SCOPES
    return PERSON_SCOPES


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
    who, name = _whoami(transport, answer)
    record = StoredToken(
        access_token=answer.access_token,
        expires_at=now + answer.expires_in if answer.expires_in else None,
        scopes=list(answer.scopes),
        refresh_token=answer.refresh_token,
        refresh_expires_at=(now + answer.refresh_token_expires_in
                            if answer.refresh_token and answer.refresh_token_expires_in else None),
        person_urn=who, name=name,
        client_id=request.app.client_id, client_secret=request.app.client_secret,
    )
    warnings = _login_warnings(request, answer.scopes, who) + _revoked_by(request, record, store)
    for key in request.authors:
        store.put(key, record)
    return LoginResult(tuple(request.authors), who, name, answer.scopes, record.expires_at,
                       record.refresh_expires_at, answer.masked, str(store.path),
                       tuple(warnings))


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
                "the developer portal or leave the scope out with --scopes"
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


def _whoami(transport: Transport, answer: oauth.TokenResponse) -> tuple[str | None, str | None]:
    """The member's URN and name from /v2/userinfo (needs the openid scope)."""
    if "openid" not in answer.scopes:
        return None, None
    info = LinkedInClient(transport, answer.access_token).userinfo()
    name = info.get("name")
    return person_urn(info), name if isinstance(name, str) else None


def _login_warnings(request: LoginRequest, scopes: Iterable[str], who: str | None) -> list[str]:
    granted = set(scopes)
    warnings = []
    missing = [s for s in request.scopes if s not in granted]
    if missing:
        warnings.append(f"LinkedIn did not grant {', '.join(missing)}")
    if who is None and "openid" not in granted:
        warnings.append("without the openid scope the member behind the token is unknown")
    for key, author in request.authors.items():
        if author and not author.startswith(ORGANIZATION) and who and who != author:
            warnings.append(
                f"you logged in as {who}, but {key} is {author} in publish.toml: LinkedIn "
                "refuses posts as another member; log in as that member or fix [authors]")
    return warnings


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
                 clock: Clock = time.time) -> None:
        self.transport = transport
        self.cli_token = cli_token
        self.environ = os.environ if environ is None else environ
        self.store = store or TokenStore(default_store_path(self.environ))
        self.clock = clock
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
                             app_from(self.environ, credential.stored))
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
              "read the member's post analytics (`publish stats`)"),
)
ORGANIZATION_NEEDS = (
    ScopeNeed("w_organization_social", "error", "post as the page"),
    ScopeNeed("r_organization_social", "warning",
              "read posts back (check the text LinkedIn kept, find a post after a lost answer)"),
    ScopeNeed("rw_organization_admin", "note",
              "read the page's share statistics (`publish stats`)"),
)


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
    findings: list[Finding] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.alias or self.urn

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
        _check_author(check, transport, cli_token, environ, store, clock())
        checks.append(check)
    return DoctorReport(version_check(config.linkedin.version, today), checks)


def _check_author(check: AuthorCheck, transport: Transport, cli_token: str | None,
                  environ: Mapping[str, str], store: TokenStore | None, now: float) -> None:
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
    app = app_from(environ, stored)
    if app is not None:
        _introspect(check, transport, credential.token, app)
    refreshable = bool(refresh_token_for(credential, environ) and app)
    check.findings += _token_findings(check, now, refreshable, credential)
    check.findings += scope_findings(check.urn, check.scopes)
    check.findings += _member_findings(check)


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


def _introspect(check: AuthorCheck, transport: Transport, token: str, app: App) -> None:
    try:
        found = oauth.introspect(transport, token, app.client_id, app.client_secret)
    except li.LinkedInError as error:
        check.findings.append(Finding("note", f"introspection failed: {error}"))
        return
    if not found.active and found.status is None:
        check.findings.append(Finding(
            "note", f"the token was issued to another app than {app.client_id}: its scopes "
            "cannot be read with these client credentials"))
        return
    check.scopes, check.scopes_from = found.scopes, "introspection"
    if found.expires_at:
        check.expires_at = float(found.expires_at)


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
        return [Finding("note", "expiry unknown: set LINKEDIN_CLIENT_ID and "
                        "LINKEDIN_CLIENT_SECRET so that the token can be introspected")]
    when = datetime.fromtimestamp(check.expires_at or 0, UTC).strftime("%Y-%m-%d")
    text = f"expires in {_days(days)} ({when})"
    if days < WARN_WITHIN_DAYS and not refreshable:
        return [Finding("warning", f"{text}: {renew}")]
    if refreshable:
        text += "; refreshed automatically when under 7 days remain"
    return [Finding("ok", text)]


def scope_findings(author_urn: str, scopes: tuple[str, ...] | None) -> list[Finding]:
    """Each scope the author's posts need: present, or missing and how much that matters."""
    if scopes is None:
        return [Finding("note", "scopes unknown: set LINKEDIN_CLIENT_ID and "
                        "LINKEDIN_CLIENT_SECRET so that the token can be introspected")]
    needs = ORGANIZATION_NEEDS if author_urn.startswith(ORGANIZATION) else PERSON_NEEDS
    findings = []
    for need in needs:
        if need.scope in scopes:
            findings.append(Finding("ok", f"{need.scope}: {need.purpose}"))
        else:
            findings.append(Finding(need.level, f"no {need.scope}: cannot {need.purpose}; "
                                    "log in again with that scope (the app needs its product)"))
    return findings


def _member_findings(check: AuthorCheck) -> list[Finding]:
    if check.urn.startswith(ORGANIZATION) or not check.member or check.member == check.urn:
        return []
    return [Finding("error", f"the token is {check.member}'s, but {check.name} is {check.urn}: "
                    "LinkedIn refuses posts as another member; log in as that member")]
