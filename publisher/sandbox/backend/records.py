"""The sandbox's records (plain dataclasses, no rules) and the errors its control side raises.

Every part of the backend keeps these in the containers its own ``_reset_state`` makes;
``persistence`` turns them into JSON and back by their field names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from publisher.sandbox.options import VIDEO_PART_BYTES

JSON = dict[str, Any]


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
    part_bytes: int = VIDEO_PART_BYTES    # the size of each part but the last, as instructed
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


def activity_urn(post_urn: str) -> str:
    """The activity a post is shown as in the feed. On LinkedIn its number differs from the
    share's; the sandbox keeps the same number (assumption), so tests can tell them apart
    by the prefix only."""
    return "urn:li:activity:" + post_urn.rsplit(":", 1)[-1]
