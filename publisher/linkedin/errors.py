"""Errors of the LinkedIn client, translated from HTTP at one seam (``transport``).

The tree::

    LinkedInError                  status, code, service_error_code, message, request_id
    ├── AuthenticationError        401: the token is not accepted
    │   ├── ExpiredToken           65602 EXPIRED_ACCESS_TOKEN (60-day lifetime over)
    │   ├── RevokedToken           65601 REVOKED_ACCESS_TOKEN
    │   └── InvalidToken           65600 INVALID_ACCESS_TOKEN, empty token, wrong scheme
    ├── Forbidden                  403: scope or page role missing; ``missing_permission``, hint
    ├── InvalidRequest             400/422 (also 411/413/415): ``field_errors``
    │   └── DuplicatePost          422 DUPLICATE_POST: ``existing_urn`` names the post that exists
    ├── NotFound                   404
    ├── VersionRetired             426: the LinkedIn-Version sent is not active; ``version``, hint
    ├── RateLimited                429: ``bucket`` ("APPLICATION_AND_MEMBER DAY"), ``retry_after``
    ├── ServerError                5xx on a request that is safe to repeat (retries exhausted)
    ├── AmbiguousOutcome           a create may have landed (timeout, dropped answer, 5xx after
    │                              sending); ``cause`` is what happened
    ├── TransportError             could not connect at all: nothing was sent
    ├── UploadError                the upload URL refused the bytes, or the upload is malformed
    │   ├── MediaProcessingFailed  LinkedIn could not process the media (PROCESSING_FAILED)
    │   └── MediaTimeout           the media was not AVAILABLE within the wait
    └── OAuthError                 /oauth/v2 answered ``{"error", "error_description"}``

``error_from_response`` turns one HTTP answer into the right class; it is a pure function so
that LinkedIn's documented error bodies can be fed to it directly in tests. Every message
says what LinkedIn answered, to which request, and what to do next when that is known.
"""

# The class names are the vocabulary of LinkedIn's answers (NotFound, RateLimited, ...);
# an "Error" suffix on each would add nothing.
# ruff: noqa: N818

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypedDict, Unpack

from publisher.masking import mask

ORGANIZATION_PREFIX = "urn:li:organization:"
PERSON_PREFIX = "urn:li:person:"


@dataclass(frozen=True)
class RequestContext:
    """What the request was, for messages and hints (never the token)."""

    method: str
    path: str                          # path only: no query string, no upload signature
    version: str | None = None         # the LinkedIn-Version header sent, if any
    restli_method: str | None = None   # CREATE, FINDER, PARTIAL_UPDATE, ...
    author: str | None = None          # author or owner URN of a write, for scope hints

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


class FieldError(NamedTuple):
    """One entry of ``errorDetails.inputErrors``."""

    field_path: str
    code: str
    description: str


class _Common(TypedDict, total=False):
    status: int | None
    code: str | None
    service_error_code: int | None
    request_id: str | None
    context: RequestContext | None


class LinkedInError(Exception):
    """Anything LinkedIn (or the way to it) answered other than success."""

    # True where the message tells the whole story itself (no answer to quote).
    narrated = False

    def __init__(self, message: str, *, hint: str = "", **common: Unpack[_Common]) -> None:
        self.message = message
        self.hint = hint
        self.status = common.get("status")
        self.code = common.get("code")
        self.service_error_code = common.get("service_error_code")
        self.request_id = common.get("request_id")
        self.context = common.get("context")
        super().__init__(self._describe())

    def _describe(self) -> str:
        text = self.message
        if self.status is not None and not self.narrated:
            answer = f"{self.status} {self.code}" if self.code else str(self.status)
            where = f" to {self.context}" if self.context else ""
            text = f"LinkedIn answered {answer}{where}: {self.message}"
        if self.request_id:
            text += f" (request id {self.request_id})"
        return f"{text}; {self.hint}" if self.hint else text


class AuthenticationError(LinkedInError):
    """401: the token is missing, malformed, expired or revoked."""


class ExpiredToken(AuthenticationError):
    """The token outlived its 60 days."""


class RevokedToken(AuthenticationError):
    """The member or LinkedIn revoked the token (also briefly right after a refresh)."""


class InvalidToken(AuthenticationError):
    """The token is not one LinkedIn issued, is empty, or was sent with the wrong scheme."""


class Forbidden(LinkedInError):
    """403: the token lacks a scope, or its member lacks a role on the page."""

    def __init__(
        self, message: str, *, missing_permission: str | None = None, hint: str = "",
        **common: Unpack[_Common],
    ) -> None:
        self.missing_permission = missing_permission
        super().__init__(message, hint=hint, **common)


class InvalidRequest(LinkedInError):
    """400/422: LinkedIn rejected the request's content; nothing was created."""

    def __init__(
        self, message: str, *, field_errors: Sequence[FieldError] = (), hint: str = "",
        **common: Unpack[_Common],
    ) -> None:
        self.field_errors = list(field_errors)
        super().__init__(message, hint=hint, **common)

    @property
    def codes(self) -> list[str]:
        """The top-level code and every field error's code, e.g. for MEDIA_ASSET_WAITING_UPLOAD."""
        found = [self.code] if self.code else []
        return found + [f.code for f in self.field_errors if f.code]


class DuplicatePost(InvalidRequest):
    """422 DUPLICATE_POST: the same author posted the same content recently.

    ``existing_urn`` is the post LinkedIn already has, so a create whose first attempt
    landed can be settled without posting twice.
    """

    def __init__(
        self, message: str, *, existing_urn: str, field_errors: Sequence[FieldError] = (),
        hint: str = "", **common: Unpack[_Common],
    ) -> None:
        self.existing_urn = existing_urn
        super().__init__(message, field_errors=field_errors, hint=hint, **common)


class NotFound(LinkedInError):
    """404: no such entity (or it was deleted)."""


class VersionRetired(LinkedInError):
    """426: LinkedIn no longer serves the LinkedIn-Version that was sent."""

    def __init__(
        self, message: str, *, version: str | None, hint: str = "", **common: Unpack[_Common],
    ) -> None:
        self.version = version
        super().__init__(message, hint=hint, **common)


class RateLimited(LinkedInError):
    """429: a daily (or shorter) quota is used up. Never retried automatically."""

    def __init__(
        self, message: str, *, bucket: str | None = None, retry_after: float | None = None,
        hint: str = "", **common: Unpack[_Common],
    ) -> None:
        self.bucket = bucket
        self.retry_after = retry_after
        super().__init__(message, hint=hint, **common)


class ServerError(LinkedInError):
    """5xx from LinkedIn."""


class _NoAnswer(LinkedInError):
    """A failure with no LinkedIn answer to quote: the message tells the story itself."""

    narrated = True

    def __init__(
        self, message: str, *, cause: BaseException | None = None, hint: str = "",
        **common: Unpack[_Common],
    ) -> None:
        self.cause = cause
        super().__init__(message, hint=hint, **common)


class AmbiguousOutcome(_NoAnswer):
    """The request was sent and may have taken effect, but no usable answer came back."""


class TransportError(_NoAnswer):
    """No connection could be made: the request was never sent."""


class UploadError(LinkedInError):
    """Media bytes could not be uploaded, or the upload instructions make no sense."""


class MediaProcessingFailed(UploadError):
    """LinkedIn reported PROCESSING_FAILED for an uploaded image, video or document."""

    def __init__(self, urn: str, reason: str | None, **common: Unpack[_Common]) -> None:
        self.urn = urn
        self.reason = reason
        why = f": {reason}" if reason else ""
        super().__init__(f"LinkedIn could not process {urn}{why}",
                         hint="check the file's format, size and length against LinkedIn's limits",
                         **common)


class MediaTimeout(UploadError):
    """The media was still not AVAILABLE when the wait ran out."""

    def __init__(self, urn: str, waited: float, last_status: str | None,
                 **common: Unpack[_Common]) -> None:
        self.urn = urn
        self.waited = waited
        self.last_status = last_status
        super().__init__(
            f"{urn} was still {last_status or 'not available'} after {waited:.0f} s",
            hint="LinkedIn may still finish processing it; try again later", **common)


class OAuthError(LinkedInError):
    """The OAuth endpoints answered ``{"error": ..., "error_description": ...}``."""

    def __init__(self, error: str, error_description: str, **common: Unpack[_Common]) -> None:
        self.error = error
        self.error_description = error_description
        if not common.get("code"):
            common["code"] = error
        super().__init__(error_description or error, **common)


# --- translation of one HTTP answer ----------------------------------------------------------

EXPIRED_CODES = {"EXPIRED_ACCESS_TOKEN", 65602}
REVOKED_CODES = {"REVOKED_ACCESS_TOKEN", 65601}
INVALID_CODES = {"INVALID_ACCESS_TOKEN", "EMPTY_ACCESS_TOKEN", 65600}
INVALID_REQUEST_STATUSES = {400, 411, 413, 415, 422}

PERMISSION = re.compile(r"Not enough permissions to access:\s*(?P<what>.+?)\s*$")
VERSION_SUFFIX = re.compile(r"\.\d{8}$")
DUPLICATE_OF = re.compile(r"duplicate of (?P<urn>urn:li:(?:share|ugcPost):[A-Za-z0-9_-]+)")
THROTTLE_BUCKET = re.compile(r"throttle\s+(?P<bucket>[A-Z_]+(?:\s+[A-Z]+)?)\s+limit")
READ_ACTIONS = ("GET", "FINDER", "BATCH_GET", "GET_ALL")
MEDIA_FORBIDDEN = re.compile(r"Accessing this (?P<kind>image|video|document) resource is forbidden")


@dataclass(frozen=True)
class _Body:
    """The fields of LinkedIn's error envelope (legacy and new shape), all optional."""

    message: str
    code: str | None
    service_error_code: int | None
    field_errors: list[FieldError]
    oauth_error: str | None
    oauth_description: str


def error_from_response(
    status: int,
    body: bytes | str,
    headers: Mapping[str, str],
    context: RequestContext | None = None,
    secrets: Sequence[str] = (),
) -> LinkedInError:
    """The error for one non-success HTTP answer.

    ``headers`` are matched case-insensitively. Any of ``secrets`` (tokens, client
    secrets) found in the body is masked before it can reach a message.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    parsed = _parse_body(_scrub(_text(body), secrets), status)
    common: _Common = {
        "status": status, "code": parsed.code, "service_error_code": parsed.service_error_code,
        "request_id": lowered.get("x-li-request-id") or lowered.get("x-li-uuid"),
        "context": context,
    }
    if parsed.oauth_error is not None:
        return OAuthError(parsed.oauth_error, parsed.oauth_description, **common)
    return _classify(status, parsed, lowered, common)


def _classify(
    status: int, parsed: _Body, headers: Mapping[str, str], common: _Common,
) -> LinkedInError:
    build = BUILDERS.get(status)
    if build is not None:
        return build(parsed, headers, common)
    if status >= 500:
        return ServerError(parsed.message, **common)
    return LinkedInError(parsed.message, **common)


def _forbidden(parsed: _Body, headers: Mapping[str, str], common: _Common) -> Forbidden:
    permission = missing_permission(parsed.message)
    hint = forbidden_hint(permission, parsed.message, common.get("context"))
    return Forbidden(parsed.message, missing_permission=permission, hint=hint, **common)


def _not_found(parsed: _Body, headers: Mapping[str, str], common: _Common) -> NotFound:
    return NotFound(parsed.message, **common)


def _version_retired(
    parsed: _Body, headers: Mapping[str, str], common: _Common,
) -> VersionRetired:
    context = common.get("context")
    version = context.version if context else None
    return VersionRetired(parsed.message, version=version, hint=version_hint(version), **common)


def _rate_limited(parsed: _Body, headers: Mapping[str, str], common: _Common) -> RateLimited:
    bucket = throttle_bucket(parsed.message)
    return RateLimited(parsed.message, bucket=bucket, retry_after=retry_after(headers),
                       hint=rate_limit_hint(bucket), **common)


def _authentication_error(
    parsed: _Body, headers: Mapping[str, str], common: _Common,
) -> AuthenticationError:
    keys = {parsed.code, parsed.service_error_code}
    text = parsed.message.lower()
    hint = "log in again (publish login) or set a fresh token"
    if keys & EXPIRED_CODES or "expired" in text:
        return ExpiredToken(parsed.message, hint=hint, **common)
    if keys & REVOKED_CODES or "revoked" in text:
        return RevokedToken(parsed.message, hint=hint, **common)
    if keys & INVALID_CODES or "empty" in text or "invalid" in text or "schema" in text:
        return InvalidToken(parsed.message, hint=hint, **common)
    return AuthenticationError(parsed.message, hint=hint, **common)


def _invalid_request(
    parsed: _Body, headers: Mapping[str, str], common: _Common,
) -> InvalidRequest:
    duplicate = common.get("status") == 422 and (
        "DUPLICATE_POST" in {parsed.code, *(f.code for f in parsed.field_errors)}
        or "duplicate of" in parsed.message
    )
    match = DUPLICATE_OF.search(parsed.message)
    if duplicate and match:
        return DuplicatePost(parsed.message, existing_urn=match.group("urn"),
                             field_errors=parsed.field_errors, **common)
    # A duplicate without a URN cannot be settled automatically: it stays a plain refusal.
    return InvalidRequest(parsed.message, field_errors=parsed.field_errors, **common)


Builder = Callable[[_Body, Mapping[str, str], _Common], LinkedInError]
BUILDERS: dict[int, Builder] = {
    401: _authentication_error, 403: _forbidden, 404: _not_found, 426: _version_retired,
    429: _rate_limited, **dict.fromkeys(INVALID_REQUEST_STATUSES, _invalid_request),
}


def _text(body: bytes | str) -> str:
    return body if isinstance(body, str) else body.decode("utf-8", errors="replace")


def _scrub(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, mask(secret))
    return text


def _parse_body(text: str, status: int) -> _Body:
    try:
        data: Any = json.loads(text) if text.strip() else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    fallback = _first_line(text) or f"HTTP {status}"
    oauth_error = data.get("error") if isinstance(data.get("error"), str) else None
    message = data.get("message")
    service = data.get("serviceErrorCode")
    code = data.get("code")
    return _Body(
        message=message if isinstance(message, str) and message else fallback,
        code=code if isinstance(code, str) else None,
        service_error_code=service if isinstance(service, int) else None,
        field_errors=_field_errors(data),
        oauth_error=oauth_error,
        oauth_description=str(data.get("error_description") or ""),
    )


def _first_line(text: str) -> str:
    """A short excerpt of a body that is not LinkedIn JSON (a gateway page, say)."""
    stripped = re.sub(r"<[^>]+>", " ", text)
    line = " ".join(stripped.split())
    return line[:200]


def _field_errors(data: Mapping[str, Any]) -> list[FieldError]:
    details = data.get("errorDetails")
    inputs = details.get("inputErrors") if isinstance(details, dict) else None
    if not isinstance(inputs, list):
        return []
    found = []
    for item in inputs:
        if not isinstance(item, dict):
            continue
        path = _dig(item, "input", "inputPath", "fieldPath")
        found.append(FieldError(
            field_path=path if isinstance(path, str) else "",
            code=str(item.get("code") or ""),
            description=str(item.get("description") or ""),
        ))
    return found


def _dig(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


# --- parsing of messages, and the hints built from them -------------------------------------


def missing_permission(message: str) -> str | None:
    """``partnerApiPostsExternal.CREATE`` from "Not enough permissions to access: ...".

    The ``.YYYYMMDD`` version suffix LinkedIn sometimes appends is dropped.
    """
    match = PERMISSION.search(message)
    if not match:
        return None
    return VERSION_SUFFIX.sub("", match.group("what"))


def _is_read(permission: str | None, context: RequestContext | None) -> bool:
    if permission and "." in permission:
        action = permission.split(".", 1)[1].upper()
        return action.startswith(READ_ACTIONS)
    if context is None:
        return False
    if context.restli_method:
        return context.restli_method.upper().startswith(READ_ACTIONS)
    return context.method.upper() == "GET"


def forbidden_hint(
    permission: str | None, message: str, context: RequestContext | None,
) -> str:
    """Which scope or page role is missing, worded for the author the request was for."""
    media = MEDIA_FORBIDDEN.search(message)
    if media:
        return (f"the {media.group('kind')} must be owned by the token's member or by a page "
                "where that member is ADMINISTRATOR or CONTENT_ADMIN; reading media also "
                "needs more than w_member_social")
    if _is_read(permission, context):
        return ("reading posts needs the r_organization_social scope and an ADMINISTRATOR or "
                "CONTENT_ADMIN role on the page; a token with only w_member_social cannot "
                "read posts, not even its own")
    author = context.author if context else None
    person = ("to post as a member the token needs the w_member_social scope and must be "
              "that member's own token")
    organization = ("to post as an organization the token needs the w_organization_social "
                    "scope and its member needs the ADMINISTRATOR or CONTENT_ADMIN role on "
                    "the page")
    if author and author.startswith(PERSON_PREFIX):
        return person.replace("as a member", f"as {author}")
    if author and author.startswith(ORGANIZATION_PREFIX):
        return organization.replace("as an organization", f"as {author}")
    return f"{person}; {organization}"


def version_hint(version: str | None) -> str:
    sent = f"LinkedIn-Version {version}" if version else "the LinkedIn-Version sent"
    return (f"{sent} is no longer active: set [linkedin].version in publish.toml to a "
            "current YYYYMM (LinkedIn serves each version for about a year)")


def throttle_bucket(message: str) -> str | None:
    """``APPLICATION_AND_MEMBER DAY`` from "Resource level throttle ... limit ..."."""
    match = THROTTLE_BUCKET.search(message)
    return match.group("bucket") if match else None


def rate_limit_hint(bucket: str | None) -> str:
    if bucket and bucket.endswith("DAY"):
        return "daily quotas reset at 00:00 UTC"
    return "wait before trying again"


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds from a ``Retry-After`` header; LinkedIn is not known to send one."""
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
