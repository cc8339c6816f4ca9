"""State and rules of the emulated LinkedIn. No HTTP here: the handlers translate.

``Backend`` is composed of parts, one module each, in the order they build on one another
(each part may use the parts before it, never one after it):

* ``core``         lock, clock, seeded PRNG, reset, API versions, daily quotas, request log
* ``identity``     members, organizations and their roles, apps and their products
* ``oauth``        consent, authorization codes, access and refresh tokens, the Bearer check
* ``uploads``      images, videos, documents: upload URLs, parts, processing, downloads
* ``posts``        posts, the duplicate window, little text
* ``social``       comments, socialActions and socialMetadata
* ``analytics``    share statistics and member post analytics
* ``persistence``  the state dump and the snapshot ``--state`` keeps

Each part declares the containers it owns and makes them in its ``_reset_state``. Callers
hold ``backend.lock`` around each operation. Ids come from a PRNG seeded at reset, so the
same seed and the same calls give the same URNs and tokens. ``records`` holds the
dataclasses all parts share.
"""

from __future__ import annotations

from publisher.sandbox.backend.core import Clock, clock_start_from, iso, parse_iso
from publisher.sandbox.backend.oauth import unauthorized_scope_description
from publisher.sandbox.backend.persistence import Persistence
from publisher.sandbox.backend.records import (
    App,
    AuthCode,
    Caller,
    Comment,
    ConsentPageError,
    ControlError,
    Media,
    Member,
    Organization,
    Post,
    RefreshGrant,
    Token,
    activity_urn,
)

__all__ = [
    "App", "AuthCode", "Backend", "Caller", "Clock", "Comment", "ConsentPageError",
    "ControlError", "Media", "Member", "Organization", "Post", "RefreshGrant", "Token",
    "activity_urn", "clock_start_from", "iso", "parse_iso", "unauthorized_scope_description",
]


class Backend(Persistence):
    """Everything the sandbox knows: the parts above, in one object the handlers call."""
