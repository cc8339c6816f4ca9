"""Errors worded the way LinkedIn words them (linkedin-api.md sections 1.4, 2.4, 10-13).

Two shapes exist on the real service and both are kept apart here:

* ``ApiError``: api.linkedin.com errors, ``{"status", "serviceErrorCode"?, "code"?, "message"}``
  plus, for validation errors, ``errorDetailType`` and ``errorDetails.inputErrors``.
* ``OAuthError``: www.linkedin.com/oauth/v2 errors, ``{"error", "error_description"}``.

Where the reference has no wording (marked [UNK] there), the message below is the sandbox's
own and docs/sandbox.md lists it as such.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

JSON = dict[str, Any]

BAD_REQUEST_TYPE = "com.linkedin.common.error.BadRequest"


class ApiError(Exception):
    """An API answer other than success: status, JSON body and extra headers."""

    def __init__(self, status: int, body: JSON, headers: dict[str, str] | None = None) -> None:
        super().__init__(body.get("message", ""))
        self.status = status
        self.body = body
        self.headers = headers or {}


class OAuthError(Exception):
    """An error of the OAuth endpoints, in the OAuth 2.0 shape."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.body: JSON = {"error": error, "error_description": description}


def _api(status: int, code: str | None, message: str, service_code: int | None = None) -> ApiError:
    body: JSON = {"status": status, "message": message}
    if code is not None:
        body["code"] = code
    if service_code is not None:
        body["serviceErrorCode"] = service_code
    return ApiError(status, body)


def _input_error(status: int, code: str, message: str, field: str | None) -> ApiError:
    """The newer validation shape, with one entry in errorDetails.inputErrors."""
    detail: JSON = {"description": message, "input": {}, "code": code}
    if field is not None:
        detail["input"] = {"inputPath": {"fieldPath": field}}
    body: JSON = {
        "errorDetailType": BAD_REQUEST_TYPE,
        "code": code,
        "message": message,
        "errorDetails": {"inputErrors": [detail]},
        "status": status,
    }
    return ApiError(status, body)


# -- gateway: versions and protocol ---------------------------------------------------------

def version_missing() -> ApiError:
    error = _api(400, "VERSION_MISSING", "A version must be present. Please specify a version "
                 "by adding the LinkedIn-Version header.")
    error.headers["X-Restli-Gateway-Error"] = "true"
    return error


def nonexistent_version(rendered: str) -> ApiError:
    error = _api(426, "NONEXISTENT_VERSION", f"Requested version {rendered} is not active")
    error.headers["X-Restli-Gateway-Error"] = "true"
    return error


def protocol_version_required(found: str | None) -> ApiError:
    shown = "absent" if found is None else repr(found)
    return _api(400, "PROTOCOL_VERSION_REQUIRED",
                f"X-Restli-Protocol-Version must be 2.0.0 on this resource (found {shown})")


def restli_method_mismatch(expected: str, found: str | None) -> ApiError:
    shown = "absent" if found is None else repr(found)
    return _api(400, "INVALID_RESTLI_METHOD",
                f"X-RestLi-Method must be {expected} for this request (found {shown})")


def param_invalid(detail: str) -> ApiError:
    return _api(400, "PARAM_INVALID",
                f"Invalid value for param; wrong type or other syntax error: {detail}")


def invalid_json() -> ApiError:
    return _api(400, "INVALID_JSON", "Request body is not valid JSON")


# -- tokens (section 12) --------------------------------------------------------------------

def empty_token() -> ApiError:
    return _api(401, "EMPTY_ACCESS_TOKEN", "Empty oauth2_access_token", 401)


def unknown_auth_schema() -> ApiError:
    return _api(401, "INVALID_AUTHENTICATION_SCHEMA", "Unknown authentication schema", 401)


def invalid_token() -> ApiError:
    return _api(401, "INVALID_ACCESS_TOKEN", "Invalid access token", 65600)


def revoked_token() -> ApiError:
    return _api(401, "REVOKED_ACCESS_TOKEN",
                "The token used in the request has been revoked by the user", 65601)


def expired_token() -> ApiError:
    return _api(401, "EXPIRED_ACCESS_TOKEN", "The token used in the request has expired", 65602)


# -- permissions (section 12) ---------------------------------------------------------------

def access_denied(resource_method: str) -> ApiError:
    """Missing scope, e.g. ``partnerApiPostsExternal.CREATE``."""
    return _api(403, "ACCESS_DENIED", f"Not enough permissions to access: {resource_method}", 100)


def author_forbidden(field: str = "/author") -> ApiError:
    return _api(403, "ACCESS_DENIED", "Field Value validation failed in REQUEST_BODY: "
                f"Data Processing Exception while processing fields [{field}]", 100)


def media_forbidden(kind: str) -> ApiError:
    """Images/videos/documents owner checks: this body has no ``code`` on the real service."""
    message = (f"Accessing this {kind} resource is forbidden. "
               "Please check your permissions for this resource")
    return ApiError(403, {"message": message, "status": 403})


# -- validation (section 13) ----------------------------------------------------------------

def missing_field(field: str) -> ApiError:
    return _input_error(400, "MISSING_FIELD", f"{field} is required but missing", field)


def invalid_urn_type(field: str, value: object, urn_type: str) -> ApiError:
    return _input_error(400, "INVALID_URN_TYPE",
                        f"{field} value {value} must be a {urn_type} URN", field)


def invalid_urn_id(field: str) -> ApiError:
    return _input_error(400, "INVALID_URN_ID", "The URN ID provided is invalid", field)


def invalid_value(field: str, value: object) -> ApiError:
    return _input_error(400, "INVALID_VALUE_FOR_FIELD", f"{field} can't be set to {value}", field)


def blank_field(field: str) -> ApiError:
    return _input_error(400, "INVALID_VALUE_BLANK_FIELD", f"{field} can't be blank", field)


def too_long(field: str, length: int, maximum: int) -> ApiError:
    return _input_error(400, "FIELD_LENGTH_TOO_LONG",
                        f"{field} length {length} can't exceeded maximum {maximum} length", field)


def invalid_media_id(kind: str) -> ApiError:
    """Unknown media URN; the reference words it for images, the others follow the pattern."""
    code = f"INVALID_{kind.upper()}_ID"
    return _input_error(400, code, f"This {kind.capitalize()} ID is invalid", "/content/media/id")


def media_waiting_upload() -> ApiError:
    return _input_error(400, "MEDIA_ASSET_WAITING_UPLOAD", "Media asset is waiting upload", None)


def media_processing_failed() -> ApiError:
    return _input_error(400, "MEDIA_ASSET_PROCESSING_FAILED", "Media asset failed processing",
                        None)


def expired_upload_url(kind: str) -> ApiError:
    return _api(400, "EXPIRED_UPLOAD_URL", f"The {kind.capitalize()} upload URL is expired")


def upload_rejected(message: str) -> ApiError:
    return _api(400, "INVALID_UPLOAD", message)


def missing_dsc_account() -> ApiError:
    message = ("Field /adContext/dscAdAccount is required when the post is a Direct Sponsored "
               "Content, but missing in the request")
    return _input_error(400, "MISSING_REQUIRED_FIELD_FOR_DSC", message, "/adContext/dscAdAccount")


def not_editable(field: str) -> ApiError:
    return _input_error(422, "UNPROCESSABLE_ENTITY", f"{field} is not an editable field", field)


def unprocessable(message: str) -> ApiError:
    return _api(422, "UNPROCESSABLE_ENTITY", message)


def not_found() -> ApiError:
    return _api(404, "NOT_FOUND", "Could not find entity")


def duplicate_post(existing_urn: str) -> ApiError:
    """Exactly the body of linkedin-api.md section 4.8."""
    body: JSON = {
        "errorDetailType": BAD_REQUEST_TYPE,
        "message": "com.linkedin.content.common.exception.BadRequestResponseException: "
                   f"Content is a duplicate of {existing_urn}",
        "errorDetails": {"inputErrors": [
            {"description": "Duplicate post is detected", "input": {}, "code": "DUPLICATE_POST"}]},
        "status": 422,
    }
    return ApiError(422, body)


# -- throttling, server faults, unknown routes ----------------------------------------------

def throttled(bucket: str) -> ApiError:
    """Daily quota reached (section 10): no Retry-After header, on purpose."""
    message = f"Resource level throttle {bucket} DAY limit for calls to this resource is reached."
    return _api(429, "TOO_MANY_REQUESTS", message, 101)


SERVER_CODES = {500: "INTERNAL_SERVER_ERROR", 502: "BAD_GATEWAY", 503: "SERVICE_UNAVAILABLE",
                504: "GATEWAY_TIMEOUT"}


def injected(status: int) -> ApiError:
    """The body of an injected fault answer, worded for its status."""
    if status == 429:
        return throttled("APPLICATION_AND_MEMBER")
    phrase = HTTPStatus(status).phrase
    return _api(status, SERVER_CODES.get(status, phrase.upper().replace(" ", "_")), phrase)


def not_implemented(method: str, path: str) -> ApiError:
    return _api(404, "NOT_IMPLEMENTED", f"not implemented in the sandbox: {method} {path}")


# -- OAuth (section 2.4, 2.5) ---------------------------------------------------------------

def oauth_missing(parameter: str) -> OAuthError:
    return OAuthError(400, "invalid_request", f'A required parameter "{parameter}" is missing')


def oauth_code_not_found() -> OAuthError:
    return OAuthError(401, "invalid_request",
                      "Unable to retrieve access token: authorization code not found")


def oauth_code_mismatch() -> OAuthError:
    return OAuthError(400, "invalid_redirect_uri",
                      "Unable to retrieve access token: appid/redirect uri/code verifier does not "
                      "match authorization code. Or authorization code expired. Or external "
                      "member binding exists")


def oauth_bad_refresh() -> OAuthError:
    return OAuthError(400, "invalid_request",
                      "The provided authorization grant or refresh token is invalid, expired or "
                      "revoked")


def oauth_invalid_client() -> OAuthError:
    return OAuthError(401, "invalid_client", "Client authentication failed")


def oauth_unsupported_grant(grant_type: str) -> OAuthError:
    return OAuthError(400, "unsupported_grant_type",
                      f'Unable to retrieve access token: grant type "{grant_type}" is not '
                      "supported for this application")


def introspect_bad_request(what: str) -> OAuthError:
    return OAuthError(400, "invalid_request", f"Invalid {what}")
