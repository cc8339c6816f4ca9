"""The two LinkedIn apps, their credentials, and the scopes each author's login asks for.

LinkedIn's Community Management API "requires that it be the only product on the
application", so people post through a *member app* (OpenID Connect + Share on LinkedIn)
and pages through a *page app* (Community Management only). ``login_groups`` splits the
authors of one ``publish login`` by the app they need; ``login_app`` and ``token_app``
find each app's credentials (docs/auth.md, "Two apps").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from publisher.config import AppSettings
from publisher.errors import EXIT_AUTH, EXIT_CONFIG, PublisherError
from publisher.tokens import StoredToken

DAY = 86400
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
APP_NAMES = {MEMBER: "member app", PAGE: "page app"}
Clock = Callable[[], float]


class LoginError(PublisherError):
    """The login did not end with a token; the message says why and what to do."""

    exit_code = EXIT_AUTH


class PortInUseError(LoginError):
    exit_code = EXIT_CONFIG


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


def days_text(days: float) -> str:
    """`1 day`, `3 days`: whole days, never below 0."""
    whole = max(0, int(days))
    return f"{whole} day{'s' if whole != 1 else ''}"
