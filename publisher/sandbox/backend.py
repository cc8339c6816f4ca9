"""State and rules of the emulated LinkedIn. No HTTP here: handlers.py translates.

Everything the sandbox knows lives in one ``Backend``: members, organizations, apps,
tokens, authorization codes, posts, media, comments, the clock, the daily call counters and
the request counts. Callers hold ``backend.lock`` around each operation (one lock is enough
for a local emulator and keeps every rule simple). Ids come from a PRNG seeded at reset, so
the same seed and the same calls give the same URNs and tokens.
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import json
import os
import random
import re
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from publisher import littletext
from publisher.sandbox import errors, mediainfo
from publisher.sandbox.faults import FaultSet
from publisher.sandbox.metrics import ZERO, PostMetrics, post_metrics
from publisher.sandbox.options import Options
from publisher.sandbox.validation import (
    MAX_COMMENT,
    PERSON_ID,
    PostInput,
    check_commentary,
    urn_parts,
    validate_patch,
    validate_post,
)
from publisher.utc import format_utc_ms as iso

JSON = dict[str, Any]

ACCESS_TOKEN_TTL = 5_183_999
REFRESH_TOKEN_TTL = 31_536_000
CODE_TTL = 30 * 60
VIDEO_PART = 4 * 1024 * 1024
MAX_VIDEO_DECLARED = 5 * 1024 * 1024 * 1024
MAX_FINDER_COUNT = 100
STATS_WINDOW_MS = 365 * 24 * 3_600_000
DAY_MS = 86_400_000

KNOWN_SCOPES = ("openid", "profile", "email", "w_member_social", "r_member_social",
                "w_organization_social", "r_organization_social", "rw_organization_admin",
                "r_organization_admin", "r_member_postAnalytics", "r_basicprofile",
                "r_liteprofile", "r_emailaddress", "rw_ads", "r_ads", "r_ads_reporting")
POSTING_ROLES = ("ADMINISTRATOR", "DIRECT_SPONSORED_CONTENT_POSTER", "CONTENT_ADMIN")
ORG_ROLES = (*POSTING_ROLES, "ANALYST", "RECRUITING_POSTER")
READ_MEDIA_SCOPES = ("r_member_social", "r_organization_social", "rw_organization_admin")
MEDIA_PREFIX = {"image": "C4E10AQ", "video": "C5F10AQ", "document": "D4D10AQ"}
UPLOAD_PATH = {"image": "uploaded-image", "video": "uploadedVideo", "document": "uploaded-document"}
# A video's extra files: the initializeUpload flag that asks for each, the answer's field
# with its URL and the URL's path. LinkedIn's docs print none of these answer fields; the
# names are those that public clients of the Videos API read.
VIDEO_FILES = {"thumbnail": ("uploadThumbnail", "thumbnailUploadUrl", "uploadedThumbnail"),
               "captions": ("uploadCaptions", "captionsUploadUrl", "uploadedCaptions")}
QUERY_TYPES = {"IMPRESSION": "impressions", "MEMBERS_REACHED": "members_reached",
               "RESHARE": "reshares", "REACTION": "reactions", "COMMENT": "comments",
               "LINK_CLICKS": "clicks"}
NO_DAILY = ("MEMBERS_REACHED", "LINK_CLICKS")
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

DEFAULT_MEMBER = {"id": "sandbox-member", "name": "Sandy Sandbox"}
DEFAULT_ORGANIZATION = {"id": "1000001", "name": "Sandbox Corp", "admins": ["sandbox-member"]}
DEFAULT_APP = {"client_id": "sandbox-client", "client_secret": "sandbox-secret",
               "redirect_uris": ["http://localhost:3000/callback"], "refresh": True}
# Two apps as LinkedIn lets a team have them: the Community Management API "requires that
# it be the only product on the application", so a page needs an app of its own.
MEMBER_APP = {"client_id": "sandbox-member-app", "client_secret": "sandbox-member-secret",
              "redirect_uris": ["http://localhost:3000/callback"], "products": ["openid", "share"]}
PAGE_APP = {"client_id": "sandbox-page-app", "client_secret": "sandbox-page-secret",
            "redirect_uris": ["http://localhost:3000/callback"],
            "products": ["community_management"]}
# The scopes each Developer Portal product grants (linkedin-api.md section 12).
PRODUCTS = {
    "openid": ("openid", "profile", "email"),
    "share": ("w_member_social",),
    "community_management": ("w_organization_social", "r_organization_social",
                             "rw_organization_admin", "r_organization_admin",
                             "w_member_social", "r_member_postAnalytics"),
}
ONLY_PRODUCT = "community_management"
ACL_SCOPES = ("rw_organization_admin", "r_organization_admin")


class ConsentPageError(Exception):
    """An error the authorization page shows itself, without redirecting (section 2.1)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class ControlError(ValueError):
    """A control route was called with something it cannot use."""


# -- records ---------------------------------------------------------------------------------

@dataclass
class Member:
    id: str
    name: str
    given_name: str
    family_name: str
    email: str
    country: str = "US"
    language: str = "en"

    @property
    def urn(self) -> str:
        return f"urn:li:person:{self.id}"


@dataclass
class Organization:
    id: str
    name: str
    roles: dict[str, str] = field(default_factory=dict)     # member id -> role

    @property
    def urn(self) -> str:
        return f"urn:li:organization:{self.id}"


@dataclass
class App:
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    refresh: bool = False
    scopes: list[str] | None = None         # None: every known scope
    products: list[str] | None = None       # None: the sandbox's lenient app, no products


@dataclass
class Token:
    value: str
    client_id: str
    member: str
    scopes: list[str]
    created_at: float
    expires_at: float
    revoked: bool = False
    calls_left: int | None = None
    refresh_token: str | None = None

    def status(self, now: float) -> str:
        if self.revoked:
            return "revoked"
        return "expired" if now >= self.expires_at else "active"


@dataclass
class RefreshGrant:
    value: str
    client_id: str
    member: str
    scopes: list[str]
    expires_at: float
    revoked: bool = False


@dataclass
class AuthCode:
    value: str
    client_id: str
    redirect_uri: str
    member: str
    scopes: list[str]
    created_at: float


@dataclass
class Post:
    urn: str
    author: str
    commentary: str
    text: str
    cut_at: int | None
    visibility: str
    distribution: JSON
    lifecycle_state: str
    reshare_disabled: bool
    content: JSON | None
    content_kind: str
    extras: JSON
    created_ms: int
    modified_ms: int
    client_id: str
    edited: bool = False
    deleted: bool = False
    deleted_ms: int | None = None


@dataclass
class Media:
    urn: str
    kind: str
    owner: str
    asset: str
    signature: str
    created_ms: int
    upload_expires_ms: int
    declared_size: int | None = None
    part_count: int = 1
    part_etags: list[str | None] = field(default_factory=list)
    upload_token: str = ""
    uploaded_ms: int | None = None
    polls_left: int = 0
    failure: str | None = None
    size: int = 0
    width: int | None = None
    height: int | None = None
    duration_ms: int | None = None
    thumbnail_requested: bool = False
    captions_requested: bool = False
    thumbnail: JSON | None = None     # {"format", "bytes", "sha256"} once uploaded
    captions: JSON | None = None      # {"cues", "bytes", "sha256"} once uploaded


@dataclass
class Comment:
    id: str
    object: str
    actor: str
    text: str
    created_ms: int
    parent: str | None = None

    @property
    def activity(self) -> str:
        return activity_urn(self.object)

    @property
    def urn(self) -> str:
        # LinkedIn names a comment by the post's activity, not its share or ugcPost URN.
        return f"urn:li:comment:({self.activity},{self.id})"


@dataclass(frozen=True)
class Caller:
    """Who is calling: the member behind a valid token, its app and its scopes."""

    token: str
    member: str
    client_id: str
    scopes: frozenset[str]

    @property
    def urn(self) -> str:
        return f"urn:li:person:{self.member}"


CLOCK_VARIABLE = "PUBLISH_SANDBOX_CLOCK"


def clock_start_from(environ: Mapping[str, str]) -> float | None:
    """The time a new sandbox's clock starts at (running on from there), or None: real time.

    ``PUBLISH_SANDBOX_CLOCK`` (ISO 8601) lets a test suite or a rehearsal pin every sandbox
    it starts to one date, so that nothing it does depends on the day it runs (the API
    versions served, what is due, what has expired).
    """
    text = environ.get(CLOCK_VARIABLE, "").strip()
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{CLOCK_VARIABLE}={text!r} is not an ISO 8601 time, "
                         "e.g. 2026-12-01T09:00:00Z") from None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


class Clock:
    """Real time (or running on from `start`) unless set; once set it stands still unless
    asked to run."""

    def __init__(self, start: float | None = None) -> None:
        self.offset = 0.0 if start is None else start - time.time()
        self.frozen_at: float | None = None

    def now(self) -> float:
        return self.frozen_at if self.frozen_at is not None else time.time() + self.offset

    def set(self, when: float, *, running: bool = False) -> None:
        if running:
            self.frozen_at = None
            self.offset = when - time.time()
        else:
            self.frozen_at = when

    def advance(self, seconds: float) -> None:
        if self.frozen_at is not None:
            self.frozen_at += seconds
        else:
            self.offset += seconds


def parse_iso(text: str) -> float:
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise ControlError(f"not an ISO 8601 time: {text!r}") from error
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


# -- the backend ------------------------------------------------------------------------------

class Backend:
    def __init__(self, seed: int = 0, options: Options | None = None,
                 clock_start: float | None = None) -> None:
        self.lock = threading.RLock()
        self.initial_options = options or Options()
        self.clock_start = clock_start if clock_start is not None else clock_start_from(os.environ)
        self.changed = threading.Event()
        self.seed = seed
        self.reset(seed)

    # ---- state lifecycle

    def reset(self, seed: int | None = None) -> None:
        with self.lock:
            self.seed = self.seed if seed is None else seed
            self.options = Options(**asdict(self.initial_options))
            self.clock = Clock(self.clock_start)
            self.faults = FaultSet(self.seed)
            self.rng = random.Random(self.seed)
            self.activity = 7_100_000_000_000_000_000 + self.rng.randrange(10**17)
            self.members: dict[str, Member] = {}
            self.organizations: dict[str, Organization] = {}
            self.apps: dict[str, App] = {}
            self.tokens: dict[str, Token] = {}
            self.refresh_grants: dict[str, RefreshGrant] = {}
            self.codes: dict[str, AuthCode] = {}
            self.posts: dict[str, Post] = {}
            self.duplicates: dict[tuple[str, str, str], str] = {}
            self.media: dict[str, Media] = {}
            self.assets: dict[str, str] = {}
            self.blobs: dict[str, bytes] = {}
            self.parts: dict[str, dict[int, bytes]] = {}
            self.thumbnails: dict[str, bytes] = {}      # video URN -> thumbnail bytes
            self.captions: dict[str, bytes] = {}        # video URN -> SubRip bytes
            self.comments: dict[str, list[Comment]] = {}
            self.counters: dict[str, int] = {}
            self.requests: dict[str, int] = {}
            self.log: deque[JSON] = deque(maxlen=500)
            self.add_member(DEFAULT_MEMBER)
            self.add_organization(DEFAULT_ORGANIZATION)
            for app in (DEFAULT_APP, MEMBER_APP, PAGE_APP):
                self.add_app(app)
            self.touch()

    def touch(self) -> None:
        """Mark the state changed (the server saves it when it runs with --state)."""
        self.changed.set()

    def now(self) -> float:
        return self.clock.now()

    def now_ms(self) -> int:
        return int(self.clock.now() * 1000)

    # ---- ids

    def _next_activity(self) -> int:
        self.activity += self.rng.randrange(1, 4_000_000)
        return self.activity

    def _random_text(self, length: int) -> str:
        return "".join(self.rng.choice(ALPHABET) for _ in range(length))

    # ---- control: members, organizations, apps, tokens, clock

    def add_member(self, spec: Mapping[str, Any]) -> Member:
        member_id, name = spec.get("id"), spec.get("name")
        if not isinstance(member_id, str) or not PERSON_ID.match(member_id):
            raise ControlError("member id must be letters, digits, '-' or '_'")
        if not isinstance(name, str) or not name.strip():
            raise ControlError("member name is required")
        given, _, family = name.strip().partition(" ")
        member = Member(
            id=member_id, name=name.strip(),
            given_name=str(spec.get("given_name", given)),
            family_name=str(spec.get("family_name", family.strip())),
            email=str(spec.get("email", f"{member_id}@example.com")),
            country=str(spec.get("country", "US")), language=str(spec.get("language", "en")))
        self.members[member_id] = member
        self.touch()
        return member

    def add_organization(self, spec: Mapping[str, Any]) -> Organization:
        org_id, name = str(spec.get("id", "")), spec.get("name")
        if not org_id.isdigit():
            raise ControlError("organization id must be digits")
        if not isinstance(name, str) or not name.strip():
            raise ControlError("organization name is required")
        roles = {str(m): "ADMINISTRATOR" for m in spec.get("admins", [])}
        roles.update({str(m): str(r) for m, r in dict(spec.get("roles", {})).items()})
        unknown = [r for r in roles.values() if r not in ORG_ROLES]
        if unknown:
            raise ControlError(f"unknown organization roles {unknown}; known: {list(ORG_ROLES)}")
        organization = Organization(org_id, name.strip(), roles)
        self.organizations[org_id] = organization
        self.touch()
        return organization

    def add_app(self, spec: Mapping[str, Any]) -> App:
        client_id, secret = spec.get("client_id"), spec.get("client_secret")
        uris = spec.get("redirect_uris", [])
        if not isinstance(client_id, str) or not client_id or not isinstance(secret, str):
            raise ControlError("an app needs client_id and client_secret")
        if not isinstance(uris, list) or not all(isinstance(u, str) for u in uris):
            raise ControlError("redirect_uris must be a list of URLs")
        scopes = spec.get("scopes")
        if scopes is not None:
            scopes = [str(s) for s in scopes]
        products = _products(spec.get("products"))
        if products is None:
            app = App(client_id, secret, list(uris), bool(spec.get("refresh", False)), scopes)
        else:
            if scopes is not None:
                raise ControlError("give an app products or scopes, not both: its products "
                                   "decide its scopes")
            app = App(client_id, secret, list(uris), _refresh(spec, products),
                      sorted({s for p in products for s in PRODUCTS[p]}), products)
        self.apps[client_id] = app
        self.touch()
        return app

    def issue_token(self, spec: Mapping[str, Any]) -> JSON:
        """A token minted directly, as if the member had gone through the consent page."""
        member = spec.get("member")
        if member not in self.members:
            raise ControlError(f"unknown member {member!r}; add it with POST /_sandbox/members")
        scopes = spec.get("scopes", [])
        if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
            raise ControlError("scopes must be a list of strings")
        client_id = str(spec.get("client_id", DEFAULT_APP["client_id"]))
        if client_id not in self.apps:
            raise ControlError(f"unknown app {client_id!r}")
        self.check_app_grants(self.apps[client_id], scopes)
        expires_in = spec.get("expires_in", ACCESS_TOKEN_TTL)
        if not isinstance(expires_in, int | float):
            raise ControlError("expires_in must be a number of seconds")
        return self._token_answer(client_id, str(member), scopes, float(expires_in))

    def revoke_token(self, value: str) -> None:
        token = self.tokens.get(value)
        if token is None:
            raise ControlError("unknown token")
        token.revoked = True
        self.touch()

    def expire_token_after(self, value: str, calls: int) -> None:
        token = self.tokens.get(value)
        if token is None:
            raise ControlError("unknown token")
        if calls < 0:
            raise ControlError("after_calls must be 0 or more")
        token.calls_left = calls
        self.touch()

    def set_clock(self, spec: Mapping[str, Any]) -> JSON:
        if "now" in spec:
            self.clock.set(parse_iso(str(spec["now"])), running=bool(spec.get("running", False)))
        elif "advance" in spec:
            seconds = spec["advance"]
            if not isinstance(seconds, int | float):
                raise ControlError("advance must be a number of seconds")
            self.clock.advance(float(seconds))
        else:
            raise ControlError('give {"now": ISO 8601} or {"advance": seconds}')
        self.touch()
        return self.clock_json()

    def clock_json(self) -> JSON:
        return {"now": iso(self.now()), "epoch_ms": self.now_ms(),
                "frozen": self.clock.frozen_at is not None}

    # ---- versions and calls

    def active_versions(self) -> list[str]:
        if self.options.active_versions is not None:
            return list(self.options.active_versions)
        today = datetime.fromtimestamp(self.now(), UTC)
        months = []
        year, month = today.year, today.month
        for _ in range(12):
            months.append(f"{year:04d}{month:02d}")
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return months

    def check_version(self, header: str | None) -> str:
        if header is None or not header.strip():
            raise errors.version_missing()
        match = re.fullmatch(r"(\d{6})(?:\.\d{2})?", header.strip())
        if not match:
            raise errors.nonexistent_version(header.strip())
        version = match[1]
        if version not in self.active_versions():
            raise errors.nonexistent_version(f"{version}01")
        return version

    def authenticate(self, authorization: str | None) -> Caller:
        if authorization is None or not authorization.strip():
            raise errors.empty_token()
        scheme, _, value = authorization.strip().partition(" ")
        if scheme.lower() != "bearer":
            raise errors.unknown_auth_schema()
        value = value.strip()
        if not value:
            raise errors.empty_token()
        token = self.tokens.get(value)
        if token is None:
            raise errors.invalid_token()
        if token.calls_left is not None:
            if token.calls_left <= 0:           # the injected "expires after N calls" fault
                token.expires_at = min(token.expires_at, self.now())
            else:
                token.calls_left -= 1
        status = token.status(self.now())
        if status == "revoked":
            raise errors.revoked_token()
        if status == "expired":
            raise errors.expired_token()
        return Caller(token.value, token.member, token.client_id, frozenset(token.scopes))

    def count_call(self, caller: Caller, resource: str) -> None:
        """Daily quotas per member and per app, reset at 00:00 UTC of the sandbox clock."""
        day = datetime.fromtimestamp(self.now(), UTC).strftime("%Y-%m-%d")
        member_key = f"{day}|member|{caller.client_id}|{caller.member}|{resource}"
        app_key = f"{day}|app|{caller.client_id}|{resource}"
        if self.counters.get(member_key, 0) >= self.options.member_daily_limit:
            raise errors.throttled("APPLICATION_AND_MEMBER")
        if self.counters.get(app_key, 0) >= self.options.app_daily_limit:
            raise errors.throttled("APPLICATION")
        self.counters[member_key] = self.counters.get(member_key, 0) + 1
        self.counters[app_key] = self.counters.get(app_key, 0) + 1

    def record_request(self, method: str, route: str, path: str, status: int) -> None:
        key = f"{method} {route}"
        self.requests[key] = self.requests.get(key, 0) + 1
        self.log.append({"at": iso(self.now()), "method": method, "path": path,
                         "route": route, "status": status})

    # ---- OAuth

    def _scopes_from(self, text: str) -> list[str]:
        return [s for s in re.split(r"[\s,]+", text.strip()) if s]

    def check_authorization(self, params: Mapping[str, str]) -> tuple[App, list[str]]:
        """Validate an authorization request; page-level errors raise ConsentPageError."""
        if params.get("response_type") != "code":
            raise ConsentPageError(400, "response_type must be code")
        app = self.apps.get(params.get("client_id", ""))
        if app is None:
            raise ConsentPageError(401, "Client_id doesn't match")
        if _without_query(params.get("redirect_uri", "")) not in {
                _without_query(uri) for uri in app.redirect_uris}:
            raise ConsentPageError(401, "Redirect_uri doesn't match")
        scopes = self._scopes_from(params.get("scope", ""))
        if not scopes or any(s not in KNOWN_SCOPES for s in scopes):
            raise ConsentPageError(401, "Invalid scope")
        return app, scopes

    def unauthorized_scopes(self, app: App, scopes: Iterable[str]) -> list[str]:
        return [] if app.scopes is None else [s for s in scopes if s not in app.scopes]

    def check_app_grants(self, app: App, scopes: Iterable[str]) -> None:
        """A control route may not mint what the consent page would refuse."""
        refused = self.unauthorized_scopes(app, scopes)
        if refused:
            raise ControlError(f"{unauthorized_scope_description(refused[0])} (app "
                               f"{app.client_id} grants {', '.join(app.scopes or [])})")

    def grant_code(self, client_id: str, redirect_uri: str, scopes: list[str],
                   member: str) -> str:
        if member not in self.members:
            raise ConsentPageError(400, f"Unknown member {member!r}")
        code = "AQT" + self._random_text(150)
        self.codes[code] = AuthCode(code, client_id, redirect_uri, member, scopes, self.now())
        self.touch()
        return code

    def _client(self, form: Mapping[str, str]) -> App:
        for name in ("client_id", "client_secret"):
            if not form.get(name):
                raise errors.oauth_missing(name)
        app = self.apps.get(form["client_id"])
        if app is None or app.client_secret != form["client_secret"]:
            raise errors.oauth_invalid_client()
        return app

    def access_token(self, form: Mapping[str, str]) -> JSON:
        grant_type = form.get("grant_type")
        if not grant_type:
            raise errors.oauth_missing("grant_type")
        if grant_type == "authorization_code":
            return self._exchange_code(form)
        if grant_type == "refresh_token":
            return self._refresh(form)
        raise errors.oauth_unsupported_grant(grant_type)

    def _exchange_code(self, form: Mapping[str, str]) -> JSON:
        for name in ("code", "redirect_uri"):
            if not form.get(name):
                raise errors.oauth_missing(name)
        app = self._client(form)
        code = self.codes.get(form["code"])
        if code is None:
            raise errors.oauth_code_not_found()
        if (code.client_id != app.client_id or code.redirect_uri != form["redirect_uri"]
                or self.now() - code.created_at > CODE_TTL):
            raise errors.oauth_code_mismatch()
        del self.codes[code.value]                  # single use
        self._invalidate_other_scopes(app.client_id, code.member, code.scopes)
        return self._token_answer(app.client_id, code.member, code.scopes, ACCESS_TOKEN_TTL)

    def _invalidate_other_scopes(self, client_id: str, member: str, scopes: list[str]) -> None:
        """'If you request a different scope ... all the previous access tokens are invalidated.'"""
        for token in self.tokens.values():
            if (token.client_id == client_id and token.member == member
                    and sorted(token.scopes) != sorted(scopes)):
                token.revoked = True

    def _token_answer(self, client_id: str, member: str, scopes: list[str],
                      expires_in: float) -> JSON:
        now = self.now()
        value = "AQV" + self._random_text(497)
        token = Token(value, client_id, member, list(scopes), now, now + expires_in)
        self.tokens[value] = token
        answer: JSON = {"access_token": value, "expires_in": int(expires_in),
                        "scope": ",".join(sorted(scopes)), "token_type": "Bearer"}
        if "openid" in scopes:
            answer["id_token"] = self._id_token(client_id, member, scopes, now)
        if self.apps[client_id].refresh:
            grant = RefreshGrant("AQW" + self._random_text(497), client_id, member, list(scopes),
                                 now + REFRESH_TOKEN_TTL)
            self.refresh_grants[grant.value] = grant
            token.refresh_token = grant.value
            answer["refresh_token"] = grant.value
            answer["refresh_token_expires_in"] = REFRESH_TOKEN_TTL
        self.touch()
        return answer

    def _refresh(self, form: Mapping[str, str]) -> JSON:
        if not form.get("refresh_token"):
            raise errors.oauth_missing("refresh_token")
        app = self._client(form)
        grant = self.refresh_grants.get(form["refresh_token"])
        if (grant is None or grant.client_id != app.client_id or grant.revoked
                or not app.refresh or self.now() >= grant.expires_at):
            raise errors.oauth_bad_refresh()
        now = self.now()
        value = "AQV" + self._random_text(497)
        self.tokens[value] = Token(value, app.client_id, grant.member, list(grant.scopes), now,
                                   now + ACCESS_TOKEN_TTL, refresh_token=grant.value)
        self.touch()
        return {"access_token": value, "expires_in": ACCESS_TOKEN_TTL,
                "refresh_token": grant.value,
                "refresh_token_expires_in": int(grant.expires_at - now),
                "scope": ",".join(sorted(grant.scopes)), "token_type": "Bearer"}

    def _id_token(self, client_id: str, member_id: str, scopes: list[str], now: float) -> str:
        """JWT-shaped, not verifiable: the signature is a hash, there is no JWKS."""
        member = self.members[member_id]
        claims: JSON = {"iss": "https://www.linkedin.com", "aud": client_id, "iat": int(now),
                        "exp": int(now) + 3600, "sub": member.id}
        if "profile" in scopes:
            claims.update(name=member.name, given_name=member.given_name,
                          family_name=member.family_name,
                          locale={"country": member.country, "language": member.language})
        if "email" in scopes:
            claims.update(email=member.email, email_verified=True)
        header = _b64({"alg": "RS256", "kid": "sandbox", "typ": "JWT"})
        payload = _b64(claims)
        signature = base64.urlsafe_b64encode(
            hashlib.sha256(f"{self.seed}.{header}.{payload}".encode()).digest()).rstrip(b"=")
        return f"{header}.{payload}.{signature.decode()}"

    def introspect(self, form: Mapping[str, str]) -> JSON:
        if not form.get("client_id") or form["client_id"] not in self.apps:
            raise errors.introspect_bad_request("client id")
        app = self.apps[form["client_id"]]
        if form.get("client_secret") != app.client_secret:
            raise errors.oauth_invalid_client()
        token = self.tokens.get(form.get("token", ""))
        if token is None:
            raise errors.introspect_bad_request("token")
        if token.client_id != app.client_id:
            return {"active": False}
        status = token.status(self.now())
        return {"active": status == "active", "client_id": token.client_id,
                "authorized_at": int(token.created_at), "created_at": int(token.created_at),
                "status": status, "expires_at": int(token.expires_at),
                "scope": ",".join(sorted(token.scopes)), "auth_type": "3L"}

    # ---- /v2/userinfo

    def userinfo(self, caller: Caller) -> JSON:
        if "openid" not in caller.scopes:
            raise errors.access_denied("GET /userinfo")
        member = self.members[caller.member]
        info: JSON = {"sub": member.id}
        if "profile" in caller.scopes:
            info.update(name=member.name, given_name=member.given_name,
                        family_name=member.family_name,
                        locale={"country": member.country, "language": member.language},
                        picture=f"https://media.licdn.com/dms/image/sandbox/{member.id}/0/")
        if "email" in caller.scopes:
            info.update(email=member.email, email_verified=True)
        return info

    # ---- who may do what

    def role(self, member: str, organization_urn: str) -> str | None:
        parts = urn_parts(organization_urn)
        if parts is None or parts[0] != "organization":
            return None
        organization = self.organizations.get(parts[1])
        return None if organization is None else organization.roles.get(member)

    def may_write_as(self, caller: Caller, author: str) -> bool:
        if author.startswith("urn:li:person:"):
            return author == caller.urn and "w_member_social" in caller.scopes
        return ("w_organization_social" in caller.scopes
                and self.role(caller.member, author) in POSTING_ROLES)

    def may_read_as(self, caller: Caller, author: str) -> bool:
        if author.startswith("urn:li:person:"):
            return author == caller.urn and "r_member_social" in caller.scopes
        return ("r_organization_social" in caller.scopes
                and self.role(caller.member, author) in POSTING_ROLES)

    def role_assignments(self, caller: Caller, role: str | None, state: str | None) -> JSON:
        """``GET /rest/organizationAcls?q=roleAssignee``: the caller's roles on pages.

        It names the member without /v2/userinfo, which a Community Management app, having
        no ``openid``, cannot call.
        """
        if not caller.scopes & set(ACL_SCOPES):
            raise errors.access_denied("organizationAcls.FINDER-roleAssignee")
        elements = [
            {"roleAssignee": caller.urn, "role": held, "state": "APPROVED",
             "organization": organization.urn}
            for organization in self.organizations.values()
            for member, held in organization.roles.items()
            if member == caller.member and role in (None, held) and state in (None, "APPROVED")]
        return {"elements": elements,
                "paging": {"start": 0, "count": len(elements), "links": []}}

    def _check_write_author(self, caller: Caller, author: str, action: str) -> None:
        """403 for a missing scope, 403 [/author] for an author the member cannot act as."""
        is_person = author.startswith("urn:li:person:")
        scope = "w_member_social" if is_person else "w_organization_social"
        if is_person and author != caller.urn:
            raise errors.author_forbidden()
        if scope not in caller.scopes:
            raise errors.access_denied(f"partnerApiPostsExternal.{action}")
        if not is_person and self.role(caller.member, author) not in POSTING_ROLES:
            raise errors.author_forbidden()

    # ---- posts

    def create_post(self, caller: Caller, body: object) -> str:
        if not caller.scopes & {"w_member_social", "w_organization_social"}:
            raise errors.access_denied("partnerApiPostsExternal.CREATE")
        post_input = validate_post(body)
        self._check_write_author(caller, post_input.author, "CREATE")
        for _, urn in post_input.media_refs:
            self._check_post_media(urn, post_input.author)
        parsed = littletext.parse(post_input.commentary)
        if parsed.cut_at is not None and self.options.strict_little_text:
            raise _little_text_error(parsed)
        keys = _duplicate_keys(post_input.author, post_input.commentary, post_input.content)
        existing = self.duplicates.get(keys[self.options.duplicate_match])
        if existing is not None:
            age_ms = self.now_ms() - self.posts[existing].created_ms
            if age_ms < self.options.duplicate_window_seconds * 1000:
                raise errors.duplicate_post(existing)
        urn = self._store_post(caller, post_input, parsed)
        self._index_duplicate(keys, urn)
        return urn

    def _index_duplicate(self, keys: Mapping[str, tuple[str, str, str]], urn: str) -> None:
        # Deleted posts stay in the index: after a delete, LinkedIn can name the deleted post
        # in a 422 for the same text (a "ghost", ComposioHQ/composio#2710).
        for key in keys.values():
            self.duplicates[key] = urn

    def _check_post_media(self, urn: str, author: str) -> None:
        kind = urn.split(":")[2]
        media = self.media.get(urn)
        if media is None:
            raise errors.invalid_media_id(kind)
        if media.owner != author:
            raise errors.media_forbidden(kind)
        status = self._media_status(media)
        if status in ("WAITING_UPLOAD", "PROCESSING"):
            raise errors.media_waiting_upload()
        if status == "PROCESSING_FAILED":
            raise errors.media_processing_failed()

    def _store_post(self, caller: Caller, post_input: PostInput,
                    parsed: littletext.Parsed) -> str:
        kind = "ugcPost" if post_input.content_kind in self.options.ugc_post_content else "share"
        urn = f"urn:li:{kind}:{self._next_activity()}"
        now = self.now_ms()
        self.posts[urn] = Post(
            urn=urn, author=post_input.author, commentary=post_input.commentary,
            text=parsed.shown(), cut_at=parsed.cut_at, visibility=post_input.visibility,
            distribution=post_input.distribution, lifecycle_state=post_input.lifecycle_state,
            reshare_disabled=post_input.reshare_disabled, content=post_input.content,
            content_kind=post_input.content_kind, extras=post_input.extras, created_ms=now,
            modified_ms=now, client_id=caller.client_id)
        self.touch()
        return urn

    def _live_post(self, urn: str) -> Post:
        post = self.posts.get(urn)
        if post is None or post.deleted:
            raise errors.not_found()
        return post

    def get_post(self, caller: Caller, urn: str) -> JSON:
        self._need_any(caller, ("r_member_social", "r_organization_social"),
                       "partnerApiPostsExternal.GET")
        post = self._live_post(urn)
        if not self.may_read_as(caller, post.author):
            raise errors.access_denied("partnerApiPostsExternal.GET")
        return self.post_json(post)

    def batch_get_posts(self, caller: Caller, urns: list[str]) -> JSON:
        self._need_any(caller, ("r_member_social", "r_organization_social"),
                       "partnerApiPostsExternal.BATCH_GET")
        results: JSON = {}
        statuses: JSON = {}
        failures: JSON = {}
        for urn in urns:
            post = self.posts.get(urn)
            if post is None or post.deleted:
                statuses[urn] = 404
                failures[urn] = errors.not_found().body
            elif not self.may_read_as(caller, post.author):
                statuses[urn] = 403
                failures[urn] = errors.access_denied("partnerApiPostsExternal.BATCH_GET").body
            else:
                statuses[urn] = 200
                results[urn] = self.post_json(post)
        return {"results": results, "statuses": statuses, "errors": failures}

    def find_posts(self, caller: Caller, author: str, start: int, count: int,
                   sort_by: str) -> JSON:
        if not self.may_read_as(caller, author):
            raise errors.access_denied("partnerApiPostsExternal.FINDER-author")
        posts = [p for p in self.posts.values() if p.author == author and not p.deleted]
        if sort_by == "CREATED":
            posts.sort(key=lambda p: p.created_ms, reverse=True)
        else:
            posts.sort(key=lambda p: p.modified_ms, reverse=True)
        count = min(count, MAX_FINDER_COUNT)
        page = posts[start:start + count]
        paging: JSON = {"start": start, "count": count, "links": []}
        if start + count < len(posts):
            paging["links"].append({"rel": "next", "type": "application/json",
                                    "href": f"/rest/posts?q=author&author={quote(author, safe='')}"
                                            f"&start={start + count}&count={count}"})
        if self.options.finder_total:
            paging["total"] = len(posts)
        return {"elements": [self.post_json(p) for p in page], "paging": paging}

    def update_post(self, caller: Caller, urn: str, body: object) -> None:
        post = self._live_post(urn)
        self._check_write_author(caller, post.author, "PARTIAL_UPDATE")
        changes = validate_patch(body)
        if "commentary" in changes:
            parsed = littletext.parse(changes["commentary"])
            if parsed.cut_at is not None and self.options.strict_little_text:
                raise _little_text_error(parsed)
            post.commentary, post.text, post.cut_at = (changes["commentary"], parsed.shown(),
                                                       parsed.cut_at)
        for name in ("contentCallToActionLabel", "contentLandingPage", "adContext"):
            if name in changes:
                post.extras[name] = changes[name]
        if "lifecycleState" in changes:
            post.lifecycle_state = changes["lifecycleState"]
        post.edited = True
        post.modified_ms = self.now_ms()
        self.touch()

    def delete_post(self, caller: Caller, urn: str) -> None:
        post = self.posts.get(urn)
        if post is None:
            raise errors.not_found()
        if not self.may_write_as(caller, post.author):
            raise errors.access_denied("partnerApiPostsExternal.DELETE")
        if not post.deleted:
            post.deleted, post.deleted_ms = True, self.now_ms()
            self.touch()

    def post_json(self, post: Post) -> JSON:
        parsed = littletext.parse(post.commentary)
        commentary = parsed.read_form(
            with_cut_tail=self.options.commentary_on_read == "received")
        body: JSON = {
            "id": post.urn, "author": post.author, "commentary": commentary,
            "visibility": post.visibility, "distribution": post.distribution,
            "lifecycleState": post.lifecycle_state,
            "lifecycleStateInfo": {"isEditedByAuthor": post.edited},
            "isReshareDisabledByAuthor": post.reshare_disabled,
            "createdAt": post.created_ms, "publishedAt": post.created_ms,
            "lastModifiedAt": post.modified_ms,
        }
        if post.content is not None:
            body["content"] = post.content
        body.update(post.extras)
        return body

    def mention_shows_as_link(self, name: str, urn: str) -> bool:
        """Organizations by full name; members by first, last or full name; case-sensitive."""
        parts = urn_parts(urn)
        if parts is None:
            return False
        if parts[0] == "organization":
            organization = self.organizations.get(parts[1])
            return organization is not None and organization.name == name
        member = self.members.get(parts[1])
        return member is not None and name in (member.name, member.given_name,
                                                member.family_name)

    def display_name(self, urn: str) -> str:
        parts = urn_parts(urn) or ("", "")
        if parts[0] == "organization" and parts[1] in self.organizations:
            return self.organizations[parts[1]].name
        if parts[0] == "person" and parts[1] in self.members:
            return self.members[parts[1]].name
        return urn

    # ---- media

    def initialize_upload(self, caller: Caller, kind: str, body: object, base_url: str) -> JSON:
        request = body.get("initializeUploadRequest") if isinstance(body, dict) else None
        if not isinstance(request, dict):
            raise errors.missing_field("/initializeUploadRequest")
        owner = request.get("owner")
        if owner is None:
            raise errors.missing_field("/initializeUploadRequest/owner")
        parts = urn_parts(owner) if isinstance(owner, str) else None
        if parts is None or parts[0] not in ("person", "organization"):
            raise errors.invalid_urn_type("/initializeUploadRequest/owner", owner,
                                          "person or organization")
        assert isinstance(owner, str)
        if not self.may_write_as(caller, owner):
            raise errors.media_forbidden(kind)
        declared = self._declared_video_size(request) if kind == "video" else None
        files = self._requested_files(request) if kind == "video" else set()
        media = self._new_media(kind, owner, declared)
        media.thumbnail_requested = "thumbnail" in files
        media.captions_requested = "captions" in files
        return self._upload_instructions(media, base_url)

    def _declared_video_size(self, request: JSON) -> int:
        size = request.get("fileSizeBytes")
        if size is None:
            raise errors.missing_field("/initializeUploadRequest/fileSizeBytes")
        valid = isinstance(size, int) and not isinstance(size, bool)
        if not valid or not 0 < size <= MAX_VIDEO_DECLARED:
            raise errors.invalid_value("/initializeUploadRequest/fileSizeBytes", size)
        return int(size)

    def _requested_files(self, request: JSON) -> set[str]:
        """Which of the video's thumbnail and captions initializeUpload asks URLs for."""
        files: set[str] = set()
        for name, (flag, _, _) in VIDEO_FILES.items():
            value = request.get(flag, False)
            if not isinstance(value, bool):
                raise errors.invalid_value(f"/initializeUploadRequest/{flag}", value)
            if value:
                files.add(name)
        return files

    def _new_media(self, kind: str, owner: str, declared: int | None) -> Media:
        asset = MEDIA_PREFIX[kind] + self._random_text(12)
        now = self.now_ms()
        parts = 1 if declared is None else -(-declared // VIDEO_PART)
        media = Media(urn=f"urn:li:{kind}:{asset}", kind=kind, owner=owner, asset=asset,
                      signature=self._random_text(24), created_ms=now,
                      upload_expires_ms=now + int(self.options.upload_url_ttl_seconds * 1000),
                      declared_size=declared, part_count=parts, part_etags=[None] * parts)
        self.media[media.urn] = media
        self.assets[asset] = media.urn
        self.touch()
        return media

    def _upload_instructions(self, media: Media, base_url: str) -> JSON:
        def url(path: str) -> str:
            return (f"{base_url}/dms-uploads/{media.asset}/{path}"
                    f"?ca=vector_ads&cn=uploads&sync=0&v=beta&ut={media.signature}")

        if media.kind != "video":
            return {"uploadUrlExpiresAt": media.upload_expires_ms,
                    "uploadUrl": url(f"{UPLOAD_PATH[media.kind]}/0"), media.kind: media.urn}
        assert media.declared_size is not None
        instructions = [{"uploadUrl": url(f"{UPLOAD_PATH['video']}/{i}"),
                         "firstByte": i * VIDEO_PART,
                         "lastByte": min(media.declared_size, (i + 1) * VIDEO_PART) - 1}
                        for i in range(media.part_count)]
        answer: JSON = {"uploadUrlsExpireAt": media.upload_expires_ms, "video": media.urn,
                        "uploadInstructions": instructions, "uploadToken": media.upload_token}
        for name, (_, field_name, path) in VIDEO_FILES.items():
            if _requested(media, name):
                answer[field_name] = url(path)
        return answer

    def receive_upload(self, asset: str, part: int, signature: str,
                       data: bytes) -> dict[str, str]:
        """Store uploaded bytes; answers the headers to send back (an ETag for video parts)."""
        media = self.media.get(self.assets.get(asset, ""))
        if media is None or signature != media.signature:
            raise errors.upload_rejected("Unknown upload URL or bad signature")
        if self.now_ms() > media.upload_expires_ms:
            raise errors.expired_upload_url(media.kind)
        if media.kind != "video":
            if part != 0:
                raise errors.upload_rejected("Unknown upload URL or bad signature")
            self.blobs[media.urn] = data
            self._uploaded(media, data)
            return {}
        return self._receive_video_part(media, part, data)

    def _receive_video_part(self, media: Media, part: int, data: bytes) -> dict[str, str]:
        assert media.declared_size is not None
        if not 0 <= part < media.part_count:
            raise errors.upload_rejected(f"Part {part} is not one of this upload's "
                                         f"{media.part_count} parts")
        first = part * VIDEO_PART
        expected = min(media.declared_size, first + VIDEO_PART) - first
        if len(data) != expected:
            raise errors.upload_rejected(
                f"Part {part} must be bytes {first}-{first + expected - 1} "
                f"({expected} bytes); received {len(data)} bytes")
        digest = hashlib.sha256(media.urn.encode() + part.to_bytes(4, "big") + data).hexdigest()
        etag = f"/ambry-video/signedId/{digest[:32]}.bin"
        self.parts.setdefault(media.urn, {})[part] = data
        media.part_etags[part] = etag
        self.touch()
        return {"ETag": etag}

    def receive_video_file(self, asset: str, name: str, signature: str, data: bytes) -> None:
        """Store a video's thumbnail or captions; a second upload replaces the first."""
        media = self.media.get(self.assets.get(asset, ""))
        if (media is None or media.kind != "video" or signature != media.signature
                or not _requested(media, name)):
            raise errors.upload_rejected("Unknown upload URL or bad signature")
        if self.now_ms() > media.upload_expires_ms:
            raise errors.expired_upload_url(media.kind)
        if media.uploaded_ms is not None:
            raise errors.upload_rejected(f"{media.urn} is already finalized; upload its {name} "
                                         "before finalizeUpload")
        digest = hashlib.sha256(data).hexdigest()
        if name == "thumbnail":
            failure = mediainfo.thumbnail_failure(data)
            if failure:
                raise errors.upload_rejected(failure)
            media.thumbnail = {"format": mediainfo.thumbnail_format(data), "bytes": len(data),
                               "sha256": digest}
            self.thumbnails[media.urn] = data
        else:
            captions = mediainfo.read_srt(data)
            if captions.failure:
                raise errors.upload_rejected(f"Invalid SubRip captions: {captions.failure}")
            media.captions = {"cues": captions.cues, "bytes": len(data), "sha256": digest}
            self.captions[media.urn] = data
        self.touch()

    def finalize_video(self, caller: Caller, body: object) -> None:
        request = body.get("finalizeUploadRequest") if isinstance(body, dict) else None
        if not isinstance(request, dict):
            raise errors.missing_field("/finalizeUploadRequest")
        urn = request.get("video")
        if not isinstance(urn, str):
            raise errors.missing_field("/finalizeUploadRequest/video")
        media = self.media.get(urn)
        if media is None or media.kind != "video":
            raise errors.invalid_media_id("video")
        if not self.may_write_as(caller, media.owner):
            raise errors.media_forbidden("video")
        if request.get("uploadToken", "") != media.upload_token:
            raise errors.invalid_value("/finalizeUploadRequest/uploadToken",
                                       request.get("uploadToken"))
        ids = request.get("uploadedPartIds")
        if not isinstance(ids, list):
            raise errors.missing_field("/finalizeUploadRequest/uploadedPartIds")
        self._check_parts(media, ids)
        stored = self.parts.pop(media.urn, {})
        data = b"".join(stored[i] for i in range(media.part_count))
        self._uploaded(media, data)
        if ids != media.part_etags:
            media.failure = "Uploaded parts were given out of order; the video is corrupt"

    def _check_parts(self, media: Media, ids: list[Any]) -> None:
        missing = [i for i, etag in enumerate(media.part_etags) if etag is None]
        if missing:
            raise errors.upload_rejected(
                f"Parts {missing} of {media.urn} were never uploaded; upload every part "
                "before finalizeUpload")
        if len(ids) != media.part_count or set(ids) != set(media.part_etags):
            raise errors.upload_rejected(
                f"uploadedPartIds must list the {media.part_count} ETags returned by the part "
                f"uploads, in order; received {len(ids)} ids")

    def _uploaded(self, media: Media, data: bytes) -> None:
        media.uploaded_ms = self.now_ms()
        media.polls_left = self.options.media_processing_polls
        media.size = len(data)
        if media.kind == "image":
            media.failure = mediainfo.image_failure(data)
            info = mediainfo.sniff_image(data)
            if info is not None:
                media.width, media.height = info.width, info.height
        elif media.kind == "document":
            media.failure = mediainfo.document_failure(data)
        else:
            media.failure = mediainfo.video_failure(data)
            duration = mediainfo.mp4_duration(data)
            media.duration_ms = None if duration is None else int(duration * 1000)
        self.touch()

    def _media_status(self, media: Media) -> str:
        if media.uploaded_ms is None:
            return "WAITING_UPLOAD"
        waited = self.now_ms() - media.uploaded_ms
        if waited < self.options.media_processing_seconds * 1000 or media.polls_left > 0:
            return "PROCESSING"
        return "PROCESSING_FAILED" if media.failure else "AVAILABLE"

    def get_media(self, caller: Caller, kind: str, urn: str, base_url: str) -> JSON:
        if not caller.scopes & set(READ_MEDIA_SCOPES):
            raise errors.media_forbidden(kind)
        media = self.media.get(urn)
        if media is None or media.kind != kind:
            raise errors.not_found()
        owner_ok = (media.owner == caller.urn
                    or self.role(caller.member, media.owner) in POSTING_ROLES)
        if not owner_ok:
            raise errors.media_forbidden(kind)
        status = self._media_status(media)
        if status == "PROCESSING" and media.polls_left > 0:
            media.polls_left -= 1
        return self.media_json(media, status, base_url)

    def media_json(self, media: Media, status: str, base_url: str) -> JSON:
        body: JSON = {"id": media.urn, "owner": media.owner, "status": status}
        if status == "AVAILABLE":
            body["downloadUrl"] = f"{base_url}/dms/{media.kind}/{media.asset}"
            body["downloadUrlExpiresAt"] = self.now_ms() + DAY_MS
        if media.width and media.height:
            body.update(aspectRatioWidth=media.width, aspectRatioHeight=media.height)
        if media.kind == "video" and media.duration_ms is not None:
            body["duration"] = media.duration_ms
        if status == "PROCESSING_FAILED":
            body["processingFailureReason"] = media.failure
        if media.thumbnail is not None:
            body["thumbnail"] = f"{base_url}/dms/video/{media.asset}/thumbnail"
        return body

    def download(self, kind: str, asset: str) -> bytes:
        urn = self.assets.get(asset)
        if urn is None or urn not in self.blobs or self.media[urn].kind != kind:
            raise errors.not_found()
        return self.blobs[urn]

    def download_thumbnail(self, asset: str) -> tuple[bytes, str]:
        """A video's thumbnail bytes and their Content-Type."""
        data = self.thumbnails.get(self.assets.get(asset, ""))
        image_format = None if data is None else mediainfo.thumbnail_format(data)
        if data is None or image_format is None:
            raise errors.not_found()
        return data, mediainfo.THUMBNAIL_TYPES[image_format]

    # ---- comments

    def create_comment(self, caller: Caller, post_urn: str, body: object) -> JSON:
        if not caller.scopes & {"w_member_social", "w_organization_social"}:
            raise errors.access_denied("partnerApiComments.CREATE")
        self._live_post(post_urn)
        if not isinstance(body, dict):
            raise errors.invalid_json()
        actor = body.get("actor")
        if actor is None:
            raise errors.missing_field("/actor")
        if not isinstance(actor, str) or not self.may_write_as(caller, actor):
            raise errors.author_forbidden("/actor")
        if body.get("object", post_urn) not in (post_urn, activity_urn(post_urn)):
            raise errors.invalid_value("/object", body.get("object"))
        message = body.get("message")
        text = message.get("text") if isinstance(message, dict) else None
        check_commentary(text, present=text is not None, field="/message/text",
                         maximum=MAX_COMMENT)
        assert isinstance(text, str)
        parent = body.get("parentComment")
        comment = Comment(str(self._next_activity()), post_urn, actor, text, self.now_ms(),
                          parent if isinstance(parent, str) else None)
        self.comments.setdefault(post_urn, []).append(comment)
        self.touch()
        return self.comment_json(comment)

    def list_comments(self, caller: Caller, post_urn: str, start: int, count: int) -> JSON:
        post = self._live_post(post_urn)
        if not self.may_read_as(caller, post.author):
            raise errors.access_denied("partnerApiComments.GET_ALL")
        comments = self.comments.get(post_urn, [])
        count = min(count, MAX_FINDER_COUNT)
        return {"elements": [self.comment_json(c) for c in comments[start:start + count]],
                "paging": {"start": start, "count": count, "links": [],
                           "total": len(comments)}}

    def comment_json(self, comment: Comment) -> JSON:
        stamp = {"actor": comment.actor, "time": comment.created_ms}
        body: JSON = {"id": comment.id, "$URN": comment.urn, "commentUrn": comment.urn,
                      "actor": comment.actor, "object": comment.activity,
                      "message": {"text": comment.text}, "created": stamp,
                      "lastModified": stamp}
        if comment.parent:
            body["parentComment"] = comment.parent
        return body

    # ---- analytics

    def metrics(self, post: Post, at_ms: int) -> PostMetrics:
        at_ms = min(at_ms, self.now_ms())
        if at_ms < post.created_ms:
            return ZERO
        api_comments = sum(1 for c in self.comments.get(post.urn, []) if c.created_ms <= at_ms)
        return post_metrics(self.seed, post.urn, post.created_ms, at_ms, api_comments)

    def _readable_post(self, caller: Caller, urn: str, resource: str) -> Post:
        self._need_any(caller, ("r_member_social", "r_organization_social"), resource)
        post = self._live_post(urn)
        if not self.may_read_as(caller, post.author):
            raise errors.access_denied(resource)
        return post

    def social_actions(self, caller: Caller, urn: str) -> JSON:
        post = self._readable_post(caller, urn, "partnerApiSocialActions.GET")
        figures = self.metrics(post, self.now_ms())
        top_level = sum(1 for c in self.comments.get(urn, []) if not c.parent)
        synthetic = figures.comments - len(self.comments.get(urn, []))
        return {"target": urn,
                "likesSummary": {"totalLikes": figures.total_reactions,
                                 "aggregatedTotalLikes": figures.total_reactions,
                                 "likedByCurrentUser": False},
                "commentsSummary": {"totalFirstLevelComments": synthetic + top_level,
                                    "aggregatedTotalComments": figures.comments}}

    def social_metadata(self, caller: Caller, urn: str) -> JSON:
        post = self._readable_post(caller, urn, "partnerApiSocialMetadata.GET")
        figures = self.metrics(post, self.now_ms())
        top_level = sum(1 for c in self.comments.get(urn, []) if not c.parent)
        synthetic = figures.comments - len(self.comments.get(urn, []))
        return {"entity": urn, "commentsState": "OPEN",
                "commentSummary": {"count": figures.comments,
                                   "topLevelCount": synthetic + top_level},
                "reactionSummaries": {name: {"reactionType": name, "count": count}
                                      for name, count in figures.reactions.items() if count}}

    def share_statistics(self, caller: Caller, organization: str, shares: list[str] | None,
                         interval: tuple[int, int, str] | None) -> JSON:
        resource = "organizationalEntityShareStatistics.FINDER-organizationalEntity"
        if ("rw_organization_admin" not in caller.scopes
                or self.role(caller.member, organization) != "ADMINISTRATOR"):
            raise errors.access_denied(resource)
        now = self.now_ms()
        window = [p for p in self.posts.values() if p.author == organization and not p.deleted
                  and p.created_ms > now - STATS_WINDOW_MS]
        if shares is not None:
            return _collection(self._per_share(organization, window, shares))
        if interval is None:
            total = _sum(self.metrics(p, now) for p in window)
            return _collection([{"organizationalEntity": organization,
                                 "totalShareStatistics": _share_stats(total, aggregate=True)}])
        return _collection(self._per_interval(organization, window, interval))

    def _per_share(self, organization: str, window: list[Post], shares: list[str]) -> list[JSON]:
        elements = []
        for post in window:
            if post.urn not in shares:
                continue
            figures = self.metrics(post, self.now_ms())
            actions = figures.clicks + figures.likes + figures.comments + figures.reshares
            if figures.impressions == 0 and actions == 0:
                continue            # "Shares with no actions or impressions are not included"
            key = "ugcPost" if post.urn.startswith("urn:li:ugcPost:") else "share"
            elements.append({"organizationalEntity": organization, key: post.urn,
                             "totalShareStatistics": _share_stats(figures, aggregate=False)})
        return elements

    def _per_interval(self, organization: str, window: list[Post],
                      interval: tuple[int, int, str]) -> list[JSON]:
        start, end, granularity = interval
        elements = []
        for bucket_start, bucket_end in _buckets(start, end, granularity):
            growth = _sum(self.metrics(p, bucket_end).minus(self.metrics(p, bucket_start))
                          for p in window)
            elements.append({"organizationalEntity": organization,
                             "timeRange": {"start": bucket_start, "end": bucket_end},
                             "totalShareStatistics": _share_stats(growth, aggregate=True)})
        return elements

    def member_post_analytics(self, caller: Caller, finder: str, entity: str | None, *,
                              query_type: str, aggregation: str,
                              date_range: tuple[int, int] | None, version: str) -> JSON:
        if "r_member_postAnalytics" not in caller.scopes:
            raise errors.access_denied(f"memberCreatorPostAnalytics.FINDER-{finder}")
        if query_type not in QUERY_TYPES:
            raise errors.param_invalid(f"queryType {query_type!r} is not one of "
                                       f"{', '.join(QUERY_TYPES)}")
        if aggregation not in ("TOTAL", "DAILY"):
            raise errors.param_invalid(f"aggregation {aggregation!r} is not TOTAL or DAILY")
        if aggregation == "DAILY" and query_type in NO_DAILY:
            raise errors.param_invalid(f"DAILY aggregation is not supported for {query_type}")
        if finder == "entity":
            assert entity is not None
            post = self._live_post(entity)
            if post.author != caller.urn:
                raise errors.access_denied("memberCreatorPostAnalytics.FINDER-entity")
            posts = [post]
        else:
            posts = [p for p in self.posts.values() if p.author == caller.urn and not p.deleted]
        metric_type: Any = query_type if version >= "202605" else {
            "com.linkedin.adsexternalapi.memberanalytics.v1.CreatorPostAnalyticsMetricTypeV1":
                query_type}
        ranges = self._analytics_ranges(posts, aggregation, date_range)
        elements = []
        for range_start, range_end, shown_range in ranges:
            value = sum(_metric_value(self.metrics(p, range_end), query_type)
                        - _metric_value(self.metrics(p, range_start), query_type) for p in posts)
            element: JSON = {"count": value, "metricType": metric_type, "dateRange": shown_range}
            if finder == "entity":
                kind = "ugc" if entity and entity.startswith("urn:li:ugcPost:") else "share"
                element["targetEntity"] = {kind: entity}
            elements.append(element)
        return {"elements": elements,
                "paging": {"start": 0, "count": 10, "links": [], "total": len(elements)}}

    def _analytics_ranges(self, posts: list[Post], aggregation: str,
                          date_range: tuple[int, int] | None) -> list[tuple[int, int, JSON]]:
        if date_range is None:
            if aggregation == "TOTAL":
                return [(0, self.now_ms(), {})]
            first = min((p.created_ms for p in posts), default=self.now_ms())
            date_range = (first - first % DAY_MS, self.now_ms() - self.now_ms() % DAY_MS + DAY_MS)
        start, end = date_range
        if aggregation == "TOTAL":
            return [(start, end, {"start": _day(start), "end": _day(end)})]
        return [(s, e, {"start": _day(s), "end": _day(e)}) for s, e in _buckets(start, end, "DAY")]

    def _need_any(self, caller: Caller, scopes: tuple[str, ...], resource: str) -> None:
        if not caller.scopes & set(scopes):
            raise errors.access_denied(resource)

    # ---- state dump and persistence

    def state_json(self) -> JSON:
        return {
            "seed": self.seed, "clock": self.clock_json(), "options": self.options.to_json(),
            "members": [asdict(m) for m in self.members.values()],
            "organizations": [asdict(o) for o in self.organizations.values()],
            "apps": [asdict(a) for a in self.apps.values()],
            "tokens": [{**asdict(t), "status": t.status(self.now())}
                       for t in self.tokens.values()],
            "posts": [self._post_state(p) for p in self.posts.values()],
            "media": [self._media_state(m) for m in self.media.values()],
            "comments": [{**asdict(c), "urn": c.urn}
                         for cs in self.comments.values() for c in cs],
            "requests": dict(sorted(self.requests.items())),
            "request_log": list(self.log),
            "daily_counters": dict(self.counters),
            "faults": self.faults.to_json(),
        }

    def _media_state(self, media: Media) -> JSON:
        state = {**asdict(media), "status": self._media_status(media)}
        for name in VIDEO_FILES:        # present only once the file arrived
            if state[name] is None:
                del state[name]
        return state

    def _post_state(self, post: Post) -> JSON:
        return {"urn": post.urn, "author": post.author, "commentary": post.commentary,
                "text": post.text, "cut_at": post.cut_at, "content": post.content,
                "content_kind": post.content_kind, "visibility": post.visibility,
                "lifecycleState": post.lifecycle_state, "edited": post.edited,
                "deleted": post.deleted, "created_at": iso(post.created_ms / 1000),
                "createdAt": post.created_ms, "lastModifiedAt": post.modified_ms,
                "deletedAt": post.deleted_ms, "client_id": post.client_id}

    def snapshot(self) -> JSON:
        """Everything needed to resume later (media bytes are not kept)."""
        version, internal, gauss = self.rng.getstate()
        return {
            "format": 1, "seed": self.seed, "activity": self.activity,
            "rng": [version, list(internal), gauss],
            "clock": {"offset": self.clock.offset, "frozen_at": self.clock.frozen_at},
            "options": self.options.to_json(),
            "members": [asdict(m) for m in self.members.values()],
            "organizations": [asdict(o) for o in self.organizations.values()],
            "apps": [asdict(a) for a in self.apps.values()],
            "tokens": [asdict(t) for t in self.tokens.values()],
            "refresh_grants": [asdict(g) for g in self.refresh_grants.values()],
            "codes": [asdict(c) for c in self.codes.values()],
            "posts": [asdict(p) for p in self.posts.values()],
            "media": [asdict(m) for m in self.media.values()],
            "comments": [asdict(c) for cs in self.comments.values() for c in cs],
            "counters": self.counters, "requests": self.requests,
        }

    def restore(self, snapshot: Mapping[str, Any]) -> None:
        if snapshot.get("format") != 1:
            raise ControlError("unknown sandbox state format")
        self.reset(int(snapshot["seed"]))
        version, internal, gauss = snapshot["rng"]
        self.rng.setstate((version, tuple(internal), gauss))
        self.activity = int(snapshot["activity"])
        self.clock.offset = float(snapshot["clock"]["offset"])
        self.clock.frozen_at = snapshot["clock"]["frozen_at"]
        self.options.update(snapshot["options"])
        self.members = {m["id"]: _record(Member, m) for m in snapshot["members"]}
        self.organizations = {o["id"]: _record(Organization, o) for o in snapshot["organizations"]}
        self.apps = {a["client_id"]: _record(App, a) for a in snapshot["apps"]}
        self.tokens = {t["value"]: _record(Token, t) for t in snapshot["tokens"]}
        self.refresh_grants = {g["value"]: _record(RefreshGrant, g)
                               for g in snapshot["refresh_grants"]}
        self.codes = {c["value"]: _record(AuthCode, c) for c in snapshot["codes"]}
        self.posts = {p["urn"]: _record(Post, p) for p in snapshot["posts"]}
        self.media = {m["urn"]: _record(Media, m) for m in snapshot["media"]}
        self.assets = {m.asset: m.urn for m in self.media.values()}
        self.comments = {}
        for data in snapshot["comments"]:
            comment = _record(Comment, data)
            self.comments.setdefault(comment.object, []).append(comment)
        self.counters = dict(snapshot["counters"])
        self.requests = dict(snapshot["requests"])
        self.duplicates = {}
        for post in sorted(self.posts.values(), key=lambda p: p.created_ms):
            self._index_duplicate(_duplicate_keys(post.author, post.commentary, post.content),
                                  post.urn)


# -- helpers ---------------------------------------------------------------------------------

def unauthorized_scope_description(scope: str) -> str:
    """LinkedIn's ``error_description`` for a scope the app's products do not grant."""
    return f'Scope "{scope}" is not authorized for your application'


def _products(value: Any) -> list[str] | None:
    """An app's products, checked as the Developer Portal checks them."""
    if value is None:
        return None
    if (not isinstance(value, list) or not value
            or not all(isinstance(p, str) and p in PRODUCTS for p in value)):
        raise ControlError(f"products must be a non-empty list of {', '.join(PRODUCTS)}, "
                           f"found {value!r}")
    products = list(dict.fromkeys(value))
    if ONLY_PRODUCT in products and len(products) > 1:
        raise ControlError(
            "The Community Management API requires that it be the only product on the "
            "application: an app with community_management cannot also have "
            f"{', '.join(p for p in products if p != ONLY_PRODUCT)}; make a second app")
    return products


def _refresh(spec: Mapping[str, Any], products: list[str]) -> bool:
    """Programmatic refresh tokens come with the Community Management API only."""
    wanted = spec.get("refresh")
    if wanted and ONLY_PRODUCT not in products:
        raise ControlError("only apps with the community_management product get refresh "
                           "tokens; leave refresh out for this app")
    return ONLY_PRODUCT in products if wanted is None else bool(wanted)


def _record(cls: Any, data: Mapping[str, Any]) -> Any:
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


def _requested(media: Media, name: str) -> bool:
    return media.thumbnail_requested if name == "thumbnail" else media.captions_requested


def _b64(data: JSON) -> str:
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _without_query(uri: str) -> str:
    return uri.split("?", 1)[0].split("#", 1)[0]


def activity_urn(post_urn: str) -> str:
    """The activity a post is shown as in the feed. On LinkedIn its number differs from the
    share's; the sandbox keeps the same number (assumption), so tests can tell them apart
    by the prefix only."""
    return "urn:li:activity:" + post_urn.rsplit(":", 1)[-1]


def _duplicate_keys(author: str, commentary: str,
                    content: JSON | None) -> dict[str, tuple[str, str, str]]:
    """The index keys of a post under each `duplicate_match` rule (which fields LinkedIn
    compares is undocumented): "content" = author, text and content; "text" = author, text."""
    return {"content": (author, commentary, json.dumps(content, sort_keys=True)),
            "text": (author, commentary, "*")}


def _little_text_error(parsed: littletext.Parsed) -> errors.ApiError:
    error = errors.invalid_value("/commentary", parsed.commentary)
    detail = error.body["errorDetails"]["inputErrors"][0]
    detail["description"] = (f"Reserved character {parsed.cut_char!r} at index {parsed.cut_at} "
                             "must be escaped with a backslash")
    return error


def _collection(elements: list[JSON]) -> JSON:
    return {"elements": elements, "paging": {"start": 0, "count": 10, "links": []}}


def _sum(items: Iterable[PostMetrics]) -> PostMetrics:
    total = ZERO
    for item in items:
        total = total.plus(item)
    return total


def _share_stats(figures: PostMetrics, *, aggregate: bool) -> JSON:
    stats: JSON = {
        "uniqueImpressionsCount": figures.members_reached, "clickCount": figures.clicks,
        "engagement": figures.engagement, "likeCount": figures.likes,
        "commentCount": figures.comments, "shareCount": figures.reshares,
        "impressionCount": figures.impressions}
    if aggregate:       # mention counts are empty for per-share queries
        stats.update(shareMentionsCount=0, commentMentionsCount=0)
    return stats


def _metric_value(figures: PostMetrics, query_type: str) -> int:
    if query_type == "REACTION":
        return figures.total_reactions
    return int(getattr(figures, QUERY_TYPES[query_type]))


def _buckets(start: int, end: int, granularity: str) -> list[tuple[int, int]]:
    buckets = []
    cursor = start
    while cursor < end:
        if granularity == "MONTH":
            moment = datetime.fromtimestamp(cursor / 1000, UTC)
            year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year,
                                                                           moment.month + 1)
            following = calendar.timegm((year, month, 1, 0, 0, 0)) * 1000
        else:
            following = cursor + DAY_MS
        buckets.append((cursor, min(following, end)))
        cursor = following
    return buckets


def _day(ms: int) -> JSON:
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return {"day": moment.day, "month": moment.month, "year": moment.year}
