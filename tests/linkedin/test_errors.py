"""LinkedIn's documented error bodies (linkedin-api.md 1.4, 2.4, 4.8, 10 to 13) -> error classes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from publisher.linkedin import errors as li
from publisher.linkedin.errors import FieldError, RequestContext, error_from_response

CREATE = RequestContext("POST", "/rest/posts", "202611", "CREATE")


def parse(status: int, body: dict[str, Any] | str, context: RequestContext | None = CREATE,
          headers: dict[str, str] | None = None) -> li.LinkedInError:
    text = body if isinstance(body, str) else json.dumps(body)
    return error_from_response(status, text.encode("utf-8"), headers or {}, context)


@pytest.mark.parametrize(("body", "cls"), [
    ({"status": 401, "serviceErrorCode": 65600, "code": "INVALID_ACCESS_TOKEN",
      "message": "Invalid access token"}, li.InvalidToken),
    ({"status": 401, "serviceErrorCode": 65601, "code": "REVOKED_ACCESS_TOKEN",
      "message": "The token used in the request has been revoked by the user"}, li.RevokedToken),
    ({"status": 401, "serviceErrorCode": 65602, "code": "EXPIRED_ACCESS_TOKEN",
      "message": "The token used in the request has expired"}, li.ExpiredToken),
    ({"message": "Empty oauth2_access_token", "serviceErrorCode": 401, "status": 401},
     li.InvalidToken),
    ({"status": 401, "code": "EMPTY_ACCESS_TOKEN", "message": "Empty access token"},
     li.InvalidToken),
    ({"status": 401, "message": "Unknown authentication schema"}, li.InvalidToken),
    ({"status": 401, "serviceErrorCode": 65602, "message": "gone"}, li.ExpiredToken),
    ({"status": 401, "message": "Something else"}, li.AuthenticationError),
])
def test_401_variants(body: dict[str, Any], cls: type[li.LinkedInError]) -> None:
    error = parse(401, body)
    assert type(error) is cls
    assert isinstance(error, li.AuthenticationError)
    assert error.message == body["message"]
    assert "publish login" in str(error)


def test_fields_of_the_envelope() -> None:
    error = parse(401, {"status": 401, "serviceErrorCode": 65602, "code": "EXPIRED_ACCESS_TOKEN",
                        "message": "The token used in the request has expired"},
                  headers={"X-LI-Request-Id": "ABC123"})
    assert (error.status, error.code, error.service_error_code, error.request_id) == (
        401, "EXPIRED_ACCESS_TOKEN", 65602, "ABC123")
    assert str(error) == (
        "LinkedIn answered 401 EXPIRED_ACCESS_TOKEN to POST /rest/posts: The token used in the "
        "request has expired (request id ABC123); log in again (publish login) or set a fresh "
        "token")


PERSON_WRITE = RequestContext("POST", "/rest/posts", "202611", "CREATE", "urn:li:person:782bbtaQ")
ORG_WRITE = RequestContext("POST", "/rest/posts", "202611", "CREATE", "urn:li:organization:2414183")
READ = RequestContext("GET", "/rest/posts/urn%3Ali%3Ashare%3A1", "202611")


@pytest.mark.parametrize(("message", "context", "permission", "hint_has", "hint_lacks"), [
    ("Not enough permissions to access: partnerApiPostsExternal.CREATE.20250101", PERSON_WRITE,
     "partnerApiPostsExternal.CREATE", ["w_member_social", "urn:li:person:782bbtaQ"],
     ["w_organization_social"]),
    ("Not enough permissions to access: partnerApiPostsExternal.CREATE.20250101", ORG_WRITE,
     "partnerApiPostsExternal.CREATE",
     ["w_organization_social", "ADMINISTRATOR", "CONTENT_ADMIN", "urn:li:organization:2414183"],
     ["w_member_social"]),
    ("Not enough permissions to access: partnerApiPostsExternal.CREATE", CREATE,
     "partnerApiPostsExternal.CREATE", ["w_member_social", "w_organization_social"], []),
    ("Not enough permissions to access: partnerApiPostsExternal.GET", READ,
     "partnerApiPostsExternal.GET", ["r_organization_social"], ["w_organization_social scope"]),
    ("Not enough permissions to access: partnerApiPostsExternal.FINDER-author", ORG_WRITE,
     "partnerApiPostsExternal.FINDER-author", ["r_organization_social"], []),
    ("Not enough permissions to access: GET /me", None, "GET /me", [], []),
    ("Field Value validation failed in REQUEST_BODY: Data Processing Exception while processing "
     "fields [/author]", ORG_WRITE, None, ["w_organization_social", "ADMINISTRATOR"], []),
    ("Accessing this image resource is forbidden. Please check your permissions for this "
     "resource", READ, None, ["image must be owned"], []),
    ("Insufficient permissions to perform the requested action", READ, None,
     ["r_organization_social"], []),
])
def test_403_names_the_missing_permission_and_the_scope_to_get(
    message: str, context: RequestContext | None, permission: str | None,
    hint_has: list[str], hint_lacks: list[str],
) -> None:
    error = parse(403, {"status": 403, "serviceErrorCode": 100, "code": "ACCESS_DENIED",
                        "message": message}, context)
    assert isinstance(error, li.Forbidden)
    assert error.missing_permission == permission
    assert [h for h in hint_has if h not in error.hint] == []
    assert [h for h in hint_lacks if h in error.hint] == []
    assert error.hint in str(error)


def test_400_validation_error_lists_field_errors() -> None:
    message = ("Field /adContext/dscAdAccount is required when the post is a Direct "
               "Sponsored Content, but missing in the request")
    body = {
        "errorDetailType": "com.linkedin.common.error.BadRequest",
        "code": "MISSING_REQUIRED_FIELD_FOR_DSC",
        "message": message,
        "errorDetails": {"inputErrors": [{
            "description": "Field /adContext/dscAdAccount is required when the post is a Direct "
                           "Sponsored Content, but missing in the request",
            "input": {"inputPath": {"fieldPath": "/adContext/dscAdAccount"}},
            "code": "MISSING_REQUIRED_FIELD_FOR_DSC"}]},
        "status": 400,
    }
    error = parse(400, body)
    assert type(error) is li.InvalidRequest
    assert error.field_errors == [FieldError(
        "/adContext/dscAdAccount", "MISSING_REQUIRED_FIELD_FOR_DSC", message)]
    assert error.codes == ["MISSING_REQUIRED_FIELD_FOR_DSC", "MISSING_REQUIRED_FIELD_FOR_DSC"]


@pytest.mark.parametrize(("status", "body"), [
    (400, {"status": 400, "code": "MEDIA_ASSET_WAITING_UPLOAD",
           "message": "Media asset is waiting upload"}),
    (400, {"status": 400, "code": "FIELD_LENGTH_TOO_LONG",
           "message": "/commentary length 3100 can't exceeded maximum 3000 length"}),
    (400, {"status": 400, "code": "VERSION_MISSING", "message": "A version must be present. "
           "Please specify a version by adding the LinkedIn-Version header."}),
    (411, "Length Required"),
    (413, {"status": 413, "code": "REQUEST_ENTITY_TOO_LARGE", "message": "too large"}),
    (422, {"status": 422, "code": "UNPROCESSABLE_ENTITY", "message": "isDsc is read-only"}),
])
def test_other_refusals_of_content_are_invalid_requests(
    status: int, body: dict[str, Any] | str,
) -> None:
    error = parse(status, body)
    assert type(error) is li.InvalidRequest
    assert error.field_errors == []


def test_422_duplicate_names_the_existing_post() -> None:
    body = {"errorDetailType": "com.linkedin.common.error.BadRequest",
            "message": "com.linkedin.content.common.exception.BadRequestResponseException: "
                       "Content is a duplicate of urn:li:share:7141138937766391808",
            "errorDetails": {"inputErrors": [{"description": "Duplicate post is detected",
                                              "input": {}, "code": "DUPLICATE_POST"}]},
            "status": 422}
    error = parse(422, body)
    assert isinstance(error, li.DuplicatePost)
    assert isinstance(error, li.InvalidRequest)
    assert error.existing_urn == "urn:li:share:7141138937766391808"
    assert error.field_errors == [FieldError("", "DUPLICATE_POST", "Duplicate post is detected")]


@pytest.mark.parametrize(("message", "urn"), [
    ("Content is a duplicate of urn:li:ugcPost:7141138937766391808",
     "urn:li:ugcPost:7141138937766391808"),
    ("Content is a duplicate of urn:li:share:1.", "urn:li:share:1"),
    ("Content is a duplicate of urn:li:share:42, urn:li:share:43", "urn:li:share:42"),
])
def test_duplicate_urn_variants(message: str, urn: str) -> None:
    error = parse(422, {"status": 422, "message": message})
    assert isinstance(error, li.DuplicatePost)
    assert error.existing_urn == urn


def test_a_duplicate_without_a_urn_stays_a_plain_refusal() -> None:
    body = {"status": 422, "message": "Duplicate post is detected",
            "errorDetails": {"inputErrors": [{"code": "DUPLICATE_POST", "input": {}}]}}
    error = parse(422, body)
    assert type(error) is li.InvalidRequest
    assert error.codes == ["DUPLICATE_POST"]


def test_404() -> None:
    error = parse(404, {"status": 404, "code": "NOT_FOUND", "message": "Could not find entity"})
    assert type(error) is li.NotFound


def test_426_names_the_version_sent_and_where_to_change_it() -> None:
    context = RequestContext("POST", "/rest/posts", "202404", "CREATE")
    error = parse(426, {"status": 426, "code": "NONEXISTENT_VERSION",
                        "message": "Requested version 20240401 is not active"}, context)
    assert isinstance(error, li.VersionRetired)
    assert error.version == "202404"
    assert "LinkedIn-Version 202404 is no longer active" in str(error)
    assert "[linkedin].version in publish.toml" in str(error)


@pytest.mark.parametrize(("message", "headers", "bucket", "retry_after"), [
    ("Resource level throttle APPLICATION_AND_MEMBER DAY limit for calls to this resource is "
     "reached.", {}, "APPLICATION_AND_MEMBER DAY", None),
    ("Resource level throttle MEMBER MINUTE limit for calls to this resource is reached.",
     {"Retry-After": "60"}, "MEMBER MINUTE", 60.0),
    ("Resource level throttle limit for calls to this resource is reached.", {}, None, None),
    ("Comment create throttled: creation rate limit exceeded for member", {"retry-after": "x"},
     None, None),
])
def test_429_bucket_and_retry_after(message: str, headers: dict[str, str], bucket: str | None,
                                    retry_after: float | None) -> None:
    error = parse(429, {"status": 429, "serviceErrorCode": 101, "code": "TOO_MANY_REQUESTS",
                        "message": message}, headers=headers)
    assert isinstance(error, li.RateLimited)
    assert (error.bucket, error.retry_after) == (bucket, retry_after)
    assert ("00:00 UTC" in str(error)) == (bucket is not None and bucket.endswith("DAY"))


@pytest.mark.parametrize(("status", "cls"), [
    (500, li.ServerError), (503, li.ServerError), (504, li.ServerError),
    (409, li.LinkedInError), (302, li.LinkedInError)])
def test_other_statuses(status: int, cls: type[li.LinkedInError]) -> None:
    error = parse(status, {"status": status, "message": "x"})
    assert type(error) is cls


@pytest.mark.parametrize(("status", "body", "error", "description"), [
    (401, {"error": "invalid_request", "error_description":
           "Unable to retrieve access token: authorization code not found"},
     "invalid_request", "Unable to retrieve access token: authorization code not found"),
    (400, {"error": "invalid_redirect_uri", "error_description": "Unable to retrieve access "
           "token: appid/redirect uri/code verifier does not match authorization code. Or "
           "authorization code expired. Or external member binding exists"},
     "invalid_redirect_uri", "Unable to retrieve access token: appid/redirect uri/code "
     "verifier does not match authorization code. Or authorization code expired. Or external "
     "member binding exists"),
    (401, {"error": "invalid_client"}, "invalid_client", ""),
])
def test_oauth_shape(status: int, body: dict[str, Any], error: str, description: str) -> None:
    found = parse(status, body, RequestContext("POST", "/oauth/v2/accessToken"))
    assert isinstance(found, li.OAuthError)
    assert (found.error, found.error_description, found.status, found.code) == (
        error, description, status, error)
    assert (description or error) in str(found)


@pytest.mark.parametrize(("body", "message"), [
    ("<html><body><h1>502 Bad Gateway</h1></body></html>", "502 Bad Gateway"),
    ("", "HTTP 502"),
    ("[1, 2]", "[1, 2]"),
])
def test_bodies_that_are_not_linkedin_json(body: str, message: str) -> None:
    error = parse(502, body)
    assert type(error) is li.ServerError
    assert error.message == message


def test_secrets_in_bodies_are_masked() -> None:
    secret = "AQVsecretsecretsecretsecretXYZ"
    error = error_from_response(400, f'{{"error":"invalid_request","error_description":"bad '
                                     f'{secret}"}}', {}, None, secrets=[secret])
    assert secret not in str(error)
    assert "AQV…XYZ" in str(error)


@pytest.mark.parametrize(("error", "text"), [
    (li.TransportError("could not connect for POST /rest/posts (connection refused)",
                       context=CREATE, hint="check the network"),
     "could not connect for POST /rest/posts (connection refused); check the network"),
    (li.AmbiguousOutcome("LinkedIn answered 503 after POST /rest/posts was sent", status=503,
                         context=CREATE, request_id="R1"),
     "LinkedIn answered 503 after POST /rest/posts was sent (request id R1)"),
    (li.UploadError("The Image upload URL is expired", status=400, code="EXPIRED_UPLOAD_URL",
                    context=RequestContext("PUT", "/dms-uploads/C4/uploaded-image/0")),
     "LinkedIn answered 400 EXPIRED_UPLOAD_URL to PUT /dms-uploads/C4/uploaded-image/0: "
     "The Image upload URL is expired"),
    (li.UploadError("upload instructions cover 5 bytes, the file has 10"),
     "upload instructions cover 5 bytes, the file has 10"),
])
def test_messages_that_tell_their_own_story(error: li.LinkedInError, text: str) -> None:
    assert str(error) == text


def test_media_errors() -> None:
    failed = li.MediaProcessingFailed("urn:li:video:C5", "VIDEO_TOO_SHORT")
    timeout = li.MediaTimeout("urn:li:image:C4", 120.4, "PROCESSING")
    assert isinstance(failed, li.UploadError) and isinstance(timeout, li.UploadError)
    assert str(failed).startswith("LinkedIn could not process urn:li:video:C5: VIDEO_TOO_SHORT;")
    assert str(timeout).startswith("urn:li:image:C4 was still PROCESSING after 120 s;")
