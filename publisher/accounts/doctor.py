"""``publish doctor``: what each author's token can do, and how long the API version lives.

For each author the posts use: where the token comes from, whether it works, when it
expires, its scopes against what those posts need; and how long the configured
LinkedIn-Version is still served. A token is shown masked only.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from publisher import apiversion
from publisher.accounts.apps import (
    DAY,
    MEMBER,
    ORGANIZATION,
    PAGE,
    PAGE_PERSON_SCOPES,
    PERSON_SCOPES,
    App,
    Clock,
    app_kind,
    days_text,
    login_app,
    token_app,
)
from publisher.accounts.login import whoami
from publisher.accounts.refresh import WARN_WITHIN_DAYS, refresh_token_for
from publisher.config import AppSettings, Config, is_author_urn
from publisher.linkedin import errors as li
from publisher.linkedin import oauth
from publisher.linkedin.client import LinkedInClient, person_urn
from publisher.linkedin.transport import Transport
from publisher.post import discover, load_post
from publisher.tokens import Credential, StoredToken, TokenError, TokenStore, resolve, store_key

CAPABILITIES = (
    ("w_member_social", "post as the member"),
    ("w_organization_social", "post as the pages the member may post for"),
    ("r_organization_social", "read page posts back"),
    ("rw_organization_admin", "read page statistics"),
    ("r_member_postAnalytics", "read the member's post statistics"),
    ("openid", "name the member (/v2/userinfo)"),
)

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
    if check.status in REFUSED:
        # No app can introspect a token LinkedIn refuses, and its scopes no longer matter:
        # the one thing to say is how to get a new one.
        check.findings.append(_refused(check, credential))
        return
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


REFUSED = {
    "invalid": "LinkedIn does not know it (INVALID_ACCESS_TOKEN): it was changed or cut short "
               "when it was copied, or it is not an access token",
    "revoked": "LinkedIn no longer accepts it (REVOKED_ACCESS_TOKEN): the member removed the "
               "app's access, or a later login of the member with other scopes replaced it",
}


def _refused(check: AuthorCheck, credential: Credential) -> Finding:
    return Finding("error", f"the token is {check.status}: {REFUSED[check.status]}; get a new "
                   f"one: {_renew(check, credential)}")


def _renew(check: AuthorCheck, credential: Credential) -> str:
    login = f"run `publish login --author {store_key(check.alias, check.urn)}`"
    return login if credential.stored else f"{login} and update {credential.source}"


def _app_findings(check: AuthorCheck, app: App | None) -> list[Finding]:
    """A token that cannot be refreshed (a member app's): say when to log in again."""
    if app is None or check.status != "active" or check.refreshable or not check.expires_at:
        return []
    when = datetime.fromtimestamp(check.expires_at, UTC).strftime("%Y-%m-%d")
    return [Finding("note", "no refresh token (LinkedIn gives them to Community Management "
                    f"apps only): log in again before {when}")]


def _token_findings(check: AuthorCheck, now: float, refreshable: bool,
                    credential: Credential) -> list[Finding]:
    renew = _renew(check, credential)
    days = None if check.expires_at is None else (check.expires_at - now) / DAY
    if check.status == "expired" or (days is not None and days < 0):
        if refreshable:
            return [Finding("warning", "the token has expired; the next sync refreshes it")]
        return [Finding("error", f"the token has expired: {renew}")]
    if days is None:
        return [Finding("note", f"expiry unknown: {CREDENTIALS_HINT}")]
    when = datetime.fromtimestamp(check.expires_at or 0, UTC).strftime("%Y-%m-%d")
    text = f"expires in {days_text(days)} ({when})"
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
