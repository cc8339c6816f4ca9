"""The transport seam against a scripted loopback server: headers, encoding, retries, redaction.

The sandbox covers LinkedIn's behaviour; this covers what only a misbehaving network can
show: refused connections, answers that never come, connections dropped after sending.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from publisher.linkedin import errors as li
from publisher.linkedin.client import LinkedInClient
from publisher.linkedin.restli import encode_key, encode_value
from publisher.linkedin.transport import (
    FilePart,
    RetryPolicy,
    Transport,
    full_jitter,
    mask,
    redacted,
    url_is_live,
)
from tests.linkedin.fake_time import FakeTime
from tests.linkedin.scripted_server import Answer, refused_url, scripted

TOKEN = "AQXsecretsecretsecretsecret4f2"
VERSION = "202611"
FAST = RetryPolicy(attempts=3, base_delay=0.5, max_delay=8.0, max_total=30.0)


def make(base: str, time: FakeTime, retry: RetryPolicy = FAST, timeout: float = 5,
         logger: logging.Logger | None = None) -> Transport:
    return Transport(base, base + "/oauth/v2", VERSION, retry=retry, timeout=timeout,
                     sleep=time.sleep, clock=time.clock, jitter=lambda cap: cap, logger=logger)


CREATED = Answer(201, headers={"x-restli-id": "urn:li:share:1"})


# --- headers and encoding ----------------------------------------------------------------------


@pytest.mark.parametrize(("path", "restli", "expected", "absent"), [
    ("/rest/posts/x", None,
     {"authorization": f"Bearer {TOKEN}", "linkedin-version": VERSION,
      "x-restli-protocol-version": "2.0.0"}, ["x-restli-method"]),
    ("/rest/posts", "FINDER",
     {"linkedin-version": VERSION, "x-restli-method": "FINDER"}, []),
    ("/rest/posts/x", "partial_update", {"x-restli-method": "PARTIAL_UPDATE"}, []),
    ("/v2/userinfo", None, {"authorization": f"Bearer {TOKEN}"},
     ["linkedin-version", "x-restli-protocol-version", "x-restli-method"]),
])
def test_api_headers(path: str, restli: str | None, expected: dict[str, str],
                     absent: list[str]) -> None:
    with scripted(Answer(200, b"{}")) as (base, server):
        make(base, FakeTime()).api("GET", path, TOKEN, restli_method=restli)
    headers = server.seen[0].headers
    assert {k: headers.get(k) for k in expected} == expected
    assert [k for k in absent if k in headers] == []


def test_json_body_is_sent_as_json() -> None:
    with scripted(Answer(200, b"{}")) as (base, server):
        make(base, FakeTime()).api("POST", "/rest/posts", TOKEN, restli_method="CREATE",
                                   json_body={"commentary": "Grüße \\(x\\)"})
    seen = server.seen[0]
    assert seen.headers["content-type"] == "application/json"
    assert seen.body.decode("utf-8") == '{"commentary":"Grüße \\\\(x\\\\)"}'


def test_urns_travel_encoded_in_paths_and_rest_li_structure_stays_literal() -> None:
    urns = ["urn:li:share:1", "urn:li:ugcPost:2"]
    with scripted(Answer(200, b"{}")) as (base, server):
        transport = make(base, FakeTime())
        transport.api("GET", f"/rest/posts/{encode_key(urns[0])}", TOKEN)
        transport.api("GET", "/rest/posts", TOKEN, restli_method="BATCH_GET",
                      query=f"ids={encode_value(urns)}")
    assert [s.raw_path for s in server.seen] == [
        "/rest/posts/urn%3Ali%3Ashare%3A1",
        "/rest/posts?ids=List(urn%3Ali%3Ashare%3A1,urn%3Ali%3AugcPost%3A2)",
    ]


def test_oauth_posts_a_form_without_bearer() -> None:
    with scripted(Answer(200, b'{"access_token":"x"}')) as (base, server):
        make(base, FakeTime()).oauth("accessToken", {"grant_type": "refresh_token", "a": "b c"})
    seen = server.seen[0]
    assert (seen.method, seen.raw_path) == ("POST", "/oauth/v2/accessToken")
    assert seen.headers["content-type"] == "application/x-www-form-urlencoded"
    assert "authorization" not in seen.headers
    assert seen.body == b"grant_type=refresh_token&a=b+c"


@pytest.mark.parametrize(("token", "offset", "length"), [
    (TOKEN, 0, 10_000), (None, 4096, 5000), (None, 9999, 1), (TOKEN, 0, 0)])
def test_upload_sends_exactly_the_part_from_disk(
    tmp_path: Path, token: str | None, offset: int, length: int,
) -> None:
    data = bytes(range(256)) * 40
    path = tmp_path / "file.bin"
    path.write_bytes(data)
    done: list[int] = []
    with scripted(Answer(201, headers={"ETag": "e1"})) as (base, server):
        reply = make(base, FakeTime()).upload(f"{base}/dms-uploads/x?sig=1",
                                              FilePart(path, offset, length), token=token,
                                              progress=done.append)
    seen = server.seen[0]
    assert (seen.method, reply.header("ETag")) == ("PUT", "e1")
    assert seen.body == data[offset:offset + length]
    assert seen.headers["content-length"] == str(length)
    assert seen.headers.get("authorization") == (f"Bearer {token}" if token else None)
    assert (done[-1] if done else 0) == length


# --- retries -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "restli"), [("GET", None), ("POST", "CREATE"),
                                                ("DELETE", "DELETE")])
def test_refused_connection_is_retried_for_any_request_then_reported_as_not_sent(
    method: str, restli: str | None,
) -> None:
    time = FakeTime()
    transport = make(refused_url(), time)
    with pytest.raises(li.TransportError) as raised:
        transport.api(method, "/rest/posts", TOKEN, restli_method=restli, json_body=None)
    assert time.sleeps == [0.5, 1.0]
    assert "nothing was sent" in str(raised.value)
    assert "connection refused" in str(raised.value)


def test_retries_stop_when_the_time_budget_is_spent() -> None:
    time = FakeTime()
    budget = RetryPolicy(attempts=10, base_delay=0.5, max_delay=8, max_total=4.0)
    with pytest.raises(li.TransportError):
        make(refused_url(), time, retry=budget).api("GET", "/rest/posts", TOKEN)
    # waits 0.5, 1, 2 (3.5 s in all); a 4 s wait would end past the 4 s budget
    assert time.sleeps == [0.5, 1.0, 2.0]


@pytest.mark.parametrize(("retry", "expected"), [
    (1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (6, 8.0), (20, 8.0)])
def test_backoff_cap_doubles_up_to_the_maximum(retry: int, expected: float) -> None:
    assert RetryPolicy(base_delay=0.5, max_delay=8.0).cap(retry) == expected


@pytest.mark.parametrize("cap", [0.0, 0.5, 8.0])
def test_full_jitter_stays_within_the_cap(cap: float) -> None:
    draws = [full_jitter(cap) for _ in range(200)]
    assert all(0.0 <= d <= cap for d in draws)
    assert cap == 0 or len(set(draws)) > 100


@pytest.mark.parametrize(("method", "restli", "idempotent"), [
    ("GET", None, None), ("DELETE", "DELETE", None), ("POST", "PARTIAL_UPDATE", None),
    ("POST", "ACTION", True)])
def test_5xx_on_a_safe_request_is_retried_then_succeeds(
    method: str, restli: str | None, idempotent: bool | None,
) -> None:
    time = FakeTime()
    answers = (Answer(503, b'{"status":503,"message":"busy"}'), Answer(502, b"<html>bad gateway"),
               Answer(200, b'{"ok":true}'))
    with scripted(*answers) as (base, server):
        reply = make(base, time).api(method, "/rest/posts/x", TOKEN, restli_method=restli,
                                     idempotent=idempotent)
    assert reply.json() == {"ok": True}
    assert len(server.seen) == 3
    assert time.sleeps == [0.5, 1.0]


def test_5xx_on_a_read_that_never_recovers_is_a_server_error() -> None:
    time = FakeTime()
    body = b'{"status":500,"message":"Internal Server Error"}'
    with scripted(Answer(500, body)) as (base, s), pytest.raises(li.ServerError) as raised:
        make(base, time).api("GET", "/rest/posts/x", TOKEN)
    assert len(s.seen) == FAST.attempts
    assert raised.value.status == 500


@pytest.mark.parametrize("answer", [
    Answer(500, b'{"status":500,"message":"Internal Server Error"}'),
    Answer(action="drop"),
    Answer(201, headers={"x-restli-id": "urn:li:share:1"}, action="stall", stall=1.0),
], ids=["5xx", "dropped", "timeout"])
@pytest.mark.parametrize("path", ["/rest/posts", "/rest/socialActions/x/comments"])
def test_a_create_is_never_retried_once_sent(answer: Answer, path: str) -> None:
    time = FakeTime()
    with scripted(answer) as (base, server), pytest.raises(li.AmbiguousOutcome) as raised:
        make(base, time, timeout=0.3).api("POST", path, TOKEN, restli_method="CREATE",
                                           json_body={"author": "urn:li:person:a"})
    assert len(server.seen) == 1
    assert time.sleeps == []
    assert raised.value.cause is not None
    assert "may or may not have taken effect" in str(raised.value)


def test_ambiguous_5xx_keeps_linkedins_answer_as_its_cause() -> None:
    body = b'{"status":503,"code":"SERVICE_UNAVAILABLE","message":"try later"}'
    with scripted(Answer(503, body)) as (base, _), pytest.raises(li.AmbiguousOutcome) as raised:
        make(base, FakeTime()).api("POST", "/rest/posts", TOKEN, restli_method="CREATE")
    cause = raised.value.cause
    assert isinstance(cause, li.ServerError)
    assert (cause.status, cause.code, cause.message) == (503, "SERVICE_UNAVAILABLE", "try later")


def test_a_read_whose_answer_never_comes_is_retried() -> None:
    time = FakeTime()
    answers = (Answer(200, b"{}", action="stall", stall=1.0), Answer(200, b'{"id":"x"}'))
    with scripted(*answers) as (base, server):
        reply = make(base, time, timeout=0.3).api("GET", "/rest/posts/x", TOKEN)
    assert reply.json() == {"id": "x"}
    assert len(server.seen) == 2


@pytest.mark.parametrize(("status", "body", "error"), [
    (429, b'{"status":429,"serviceErrorCode":101,"code":"TOO_MANY_REQUESTS","message":'
          b'"Resource level throttle APPLICATION_AND_MEMBER DAY limit for calls to this '
          b'resource is reached."}', li.RateLimited),
    (401, b'{"status":401,"serviceErrorCode":65602,"code":"EXPIRED_ACCESS_TOKEN",'
          b'"message":"The token used in the request has expired"}', li.ExpiredToken),
    (404, b'{"status":404,"code":"NOT_FOUND","message":"Could not find entity"}', li.NotFound),
])
def test_refusals_are_not_retried(status: int, body: bytes, error: type[Exception]) -> None:
    time = FakeTime()
    with scripted(Answer(status, body)) as (base, server), pytest.raises(error):
        make(base, time).api("GET", "/rest/posts/x", TOKEN)
    assert (len(server.seen), time.sleeps) == (1, [])


EXPIRED = Answer(401, b'{"status":401,"serviceErrorCode":65602,"code":"EXPIRED_ACCESS_TOKEN",'
                      b'"message":"The token used in the request has expired"}')
REVOKED = Answer(401, b'{"status":401,"serviceErrorCode":65601,"code":"REVOKED_ACCESS_TOKEN",'
                      b'"message":"The token used in the request has been revoked by the user"}')
RENEWED = "AQXrenewedrenewedrenewed7q2"


class Hook:
    """A token hook that renews to RENEWED when asked, and records what it was asked."""

    def __init__(self, renews: bool = True) -> None:
        self.renews = renews
        self.refusals: list[li.ExpiredToken] = []
        self.token = TOKEN

    def __call__(self, expired: li.ExpiredToken | None = None) -> str | None:
        if expired is None:
            return self.token
        self.refusals.append(expired)
        if not self.renews:
            return None
        self.token = RENEWED
        return self.token


def bearers(server_seen: list[Any]) -> list[str]:
    return [seen.headers["authorization"].removeprefix("Bearer ") for seen in server_seen]


def test_a_token_hook_renews_once_on_expiry_and_the_call_goes_again() -> None:
    hook = Hook()
    with scripted(EXPIRED, CREATED) as (base, server):
        reply = make(base, FakeTime()).api("POST", "/rest/posts", hook, restli_method="CREATE",
                                           json_body={"commentary": "x"})
    assert reply.header("x-restli-id") == "urn:li:share:1"
    assert bearers(server.seen) == [TOKEN, RENEWED]
    assert len(hook.refusals) == 1 and hook.refusals[0].code == "EXPIRED_ACCESS_TOKEN"


def test_a_second_expiry_after_the_renewal_is_an_error_never_a_second_renewal() -> None:
    hook = Hook()
    with scripted(EXPIRED, EXPIRED, CREATED) as (base, server), \
            pytest.raises(li.ExpiredToken):
        make(base, FakeTime()).api("POST", "/rest/posts", hook, restli_method="CREATE",
                                   json_body={"commentary": "x"})
    assert bearers(server.seen) == [TOKEN, RENEWED]
    assert len(hook.refusals) == 1


@pytest.mark.parametrize(("answer", "hook", "asked"), [
    (EXPIRED, Hook(renews=False), 1),     # the hook cannot refresh: the refusal stands
    (REVOKED, Hook(), 0),                 # only an expired token is worth a refresh
])
def test_a_refusal_the_hook_does_not_renew_is_raised_after_one_call(
        answer: Answer, hook: Hook, asked: int) -> None:
    with scripted(answer, CREATED) as (base, server), pytest.raises(li.AuthenticationError):
        make(base, FakeTime()).api("GET", "/rest/posts/x", hook)
    assert (bearers(server.seen), len(hook.refusals)) == ([TOKEN], asked)


def test_a_string_token_is_never_renewed() -> None:
    with scripted(EXPIRED, CREATED) as (base, server), pytest.raises(li.ExpiredToken):
        make(base, FakeTime()).api("GET", "/rest/posts/x", TOKEN)
    assert len(server.seen) == 1


def test_uploads_send_the_hooks_current_token(tmp_path: Path) -> None:
    path = tmp_path / "i.png"
    path.write_bytes(b"png")
    with scripted(Answer(201)) as (base, server):
        make(base, FakeTime()).upload(f"{base}/up", FilePart(path, 0, 3), token=Hook())
    assert bearers(server.seen) == [TOKEN]


def test_an_upload_refused_with_5xx_is_retried_with_the_whole_part_again(tmp_path: Path) -> None:
    path = tmp_path / "v.mp4"
    path.write_bytes(b"x" * 70_000)
    answers = (Answer(502), Answer(200, headers={"ETag": "etag-1"}))
    with scripted(*answers) as (base, server):
        reply = make(base, FakeTime()).upload(f"{base}/up", FilePart(path, 0, 70_000), token=None)
    assert reply.header("etag") == "etag-1"
    assert [len(s.body) for s in server.seen] == [70_000, 70_000]


def test_an_upload_refused_with_4xx_is_an_upload_error(tmp_path: Path) -> None:
    path = tmp_path / "i.png"
    path.write_bytes(b"png")
    body = b'{"status":400,"code":"EXPIRED_UPLOAD_URL","message":"The upload URL is expired"}'
    with scripted(Answer(400, body)) as (base, _), pytest.raises(li.UploadError) as raised:
        make(base, FakeTime()).upload(f"{base}/up?sig=SECRET", FilePart(path, 0, 3),
                                      token=TOKEN)
    assert (raised.value.status, raised.value.code) == (400, "EXPIRED_UPLOAD_URL")
    assert "SECRET" not in str(raised.value)


# --- secrets -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("secret", "shown"), [
    ("AQXabcdefghijklmnopqrstuvwxyz4f2", "AQX…4f2"), ("short", "…"), ("", "…")])
def test_mask(secret: str, shown: str) -> None:
    assert mask(secret) == shown


def test_headers_are_logged_with_the_token_masked() -> None:
    assert redacted({"Authorization": f"Bearer {TOKEN}", "LinkedIn-Version": VERSION}) == {
        "Authorization": "Bearer AQX…4f2", "LinkedIn-Version": VERSION}


def test_debug_log_names_method_path_status_and_never_the_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("tests.linkedin.transport")
    caplog.set_level(logging.DEBUG, logger=logger.name)
    answers = (Answer(503), Answer(200, b"{}"))
    with scripted(*answers) as (base, _):
        make(base, FakeTime(), logger=logger).api("GET", "/rest/posts/urn%3Ali%3Ashare%3A1", TOKEN)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "GET /rest/posts/urn%3Ali%3Ashare%3A1 -> 503 in" in text
    assert "GET /rest/posts/urn%3Ali%3Ashare%3A1 -> 200 in" in text
    assert "retry 1 of GET" in text
    assert "Bearer AQX…4f2" in text
    assert TOKEN not in text


def test_a_token_echoed_by_the_server_never_reaches_the_message() -> None:
    body = (b'{"status":401,"serviceErrorCode":65600,"code":"INVALID_ACCESS_TOKEN",'
            b'"message":"Invalid access token ' + TOKEN.encode() + b'"}')
    with scripted(Answer(401, body)) as (base, _), pytest.raises(li.InvalidToken) as raised:
        make(base, FakeTime()).api("GET", "/v2/userinfo", TOKEN)
    assert TOKEN not in str(raised.value)
    assert TOKEN not in repr(raised.value)
    assert "AQX…4f2" in str(raised.value)


def test_the_cause_of_a_network_error_holds_no_request_with_the_token() -> None:
    with pytest.raises(li.TransportError) as raised:
        make(refused_url(), FakeTime()).api("GET", "/rest/posts", TOKEN)
    cause = raised.value.cause
    assert isinstance(cause, requests.RequestException)
    assert cause.request is None
    assert TOKEN not in repr(cause)


def test_reprs_never_show_the_token() -> None:
    transport = Transport("https://api.linkedin.com", "https://www.linkedin.com/oauth/v2", VERSION)
    client = LinkedInClient(transport, TOKEN)
    assert TOKEN not in repr(client)
    assert "AQX…4f2" in repr(client)


# --- url_is_live ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("make_url", "expected"), [
    (lambda base: base, True),
    (lambda base: base + "/missing", False),
    (lambda base: refused_url(), False),
])
def test_url_is_live(make_url: Callable[[str], str], expected: bool) -> None:
    answers = {True: Answer(200, b"ok"), False: Answer(404)}
    with scripted(answers[expected]) as (base, _):
        assert url_is_live(make_url(base), timeout=2) is expected
