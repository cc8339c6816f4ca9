"""OAuth URL and answer parsing (linkedin-api.md 2), and the token calls on the wire."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import pytest

from publisher.linkedin import errors as li
from publisher.linkedin import oauth
from publisher.linkedin.transport import RetryPolicy, Transport
from tests.linkedin.scripted_server import Answer, scripted


def test_authorization_url_has_space_delimited_percent_encoded_scopes() -> None:
    url = oauth.authorization_url("77abc", "https://example.com/cb?x=1",
                                  ["openid", "profile", "w_member_social"], "st4te")
    assert url == (
        "https://www.linkedin.com/oauth/v2/authorization?response_type=code&client_id=77abc"
        "&redirect_uri=https%3A%2F%2Fexample.com%2Fcb%3Fx%3D1&state=st4te"
        "&scope=openid%20profile%20w_member_social")


def test_authorization_url_on_another_base() -> None:
    url = oauth.authorization_url("id", "http://127.0.0.1:9/cb", ["openid"], "s",
                                  oauth_base="http://127.0.0.1:8765/oauth/v2/")
    assert url.startswith("http://127.0.0.1:8765/oauth/v2/authorization?response_type=code&")


@pytest.mark.parametrize(("value", "scopes"), [
    ("email,openid,profile,w_member_social", ("email", "openid", "profile", "w_member_social")),
    ("openid profile  w_member_social", ("openid", "profile", "w_member_social")),
    ("r_liteprofile, w_member_social", ("r_liteprofile", "w_member_social")),
    ("", ()), (None, ()), (["a", "b"], ("a", "b")),
])
def test_scopes_comma_or_space(value: Any, scopes: tuple[str, ...]) -> None:
    assert oauth.parse_scopes(value) == scopes


def test_observed_token_answer() -> None:
    token = oauth.token_response({
        "access_token": "AQVsecretsecretsecret123", "expires_in": 5183999,
        "scope": "email,openid,profile,w_member_social", "token_type": "Bearer",
        "id_token": "eyJ6aXAiOiJSUzI1NiIs", "refresh_token": "AQWrefresh",
        "refresh_token_expires_in": 31536000})
    assert token == oauth.TokenResponse(
        access_token="AQVsecretsecretsecret123", expires_in=5183999,
        scopes=("email", "openid", "profile", "w_member_social"), refresh_token="AQWrefresh",
        refresh_token_expires_in=31536000, id_token="eyJ6aXAiOiJSUzI1NiIs")
    assert "AQVsecret" not in repr(token) and "AQWrefresh" not in repr(token)
    assert token.masked == "AQV…123"


def test_token_answer_without_refresh() -> None:
    token = oauth.token_response({"access_token": "x", "expires_in": 5183999, "scope": "openid"})
    assert token.refresh_token is None
    assert (token.refresh_token_expires_in, token.id_token) == (None, None)


def test_token_answer_without_a_token_is_an_error() -> None:
    with pytest.raises(li.OAuthError, match="no access_token"):
        oauth.token_response({"expires_in": 1})


@pytest.mark.parametrize(("data", "parsed"), [
    ({"active": True, "client_id": "xxxxxxxx", "authorized_at": 1493055596,
      "created_at": 1493055596, "status": "active", "expires_at": 1497497620,
      "scope": "r_liteprofile,r_emailaddress,w_member_social", "auth_type": "3L"},
     oauth.Introspection(True, "active", ("r_liteprofile", "r_emailaddress", "w_member_social"),
                         1497497620, "xxxxxxxx", "3L")),
    ({"active": False}, oauth.Introspection(False, None, (), None, None, None)),
    ({"active": "true", "status": "expired", "auth_type": "2L"},
     oauth.Introspection(False, "expired", (), None, None, "2L")),
])
def test_introspection(data: dict[str, Any], parsed: oauth.Introspection) -> None:
    assert oauth.introspection(data) == parsed


def transport(base: str) -> Transport:
    return Transport(base, base + "/oauth/v2", "202611", sleep=lambda s: None,
                     retry=RetryPolicy(attempts=2))


def test_exchange_code_posts_the_documented_form() -> None:
    body = b'{"access_token":"AQVtokentokentoken","expires_in":5183999,"scope":"openid,profile"}'
    with scripted(Answer(200, body)) as (base, server):
        token = oauth.exchange_code(transport(base), "AQTcode", "cid", "csecret",
                                    "https://example.com/cb")
    seen = server.seen[0]
    assert (seen.method, seen.raw_path) == ("POST", "/oauth/v2/accessToken")
    assert parse_qs(seen.body.decode()) == {
        "grant_type": ["authorization_code"], "code": ["AQTcode"], "client_id": ["cid"],
        "client_secret": ["csecret"], "redirect_uri": ["https://example.com/cb"]}
    assert token.scopes == ("openid", "profile")


def test_exchange_is_not_repeated_after_a_5xx_but_refresh_and_introspect_are() -> None:
    ok = Answer(200, b'{"access_token":"AQVtokentokentoken","active":true}')
    with scripted(Answer(500), ok) as (base, server):
        with pytest.raises(li.AmbiguousOutcome):
            oauth.exchange_code(transport(base), "code", "cid", "secret", "https://e.com/cb")
        assert len(server.seen) == 1
    with scripted(Answer(500), ok) as (base, server):
        oauth.refresh(transport(base), "AQWrefresh", "cid", "secret")
        assert len(server.seen) == 2
    with scripted(Answer(503), ok) as (base, server):
        assert oauth.introspect(transport(base), "tok", "cid", "secret").active
        assert len(server.seen) == 2


def test_refused_refresh_is_an_oauth_error_without_the_secrets() -> None:
    body = (b'{"error":"invalid_request","error_description":"The provided authorization grant '
            b'or refresh token is invalid, expired or revoked"}')
    with scripted(Answer(400, body)) as (base, server), pytest.raises(li.OAuthError) as raised:
        oauth.refresh(transport(base), "AQWrefreshrefreshrefresh", "cid", "topsecretvalue1")
    assert raised.value.error == "invalid_request"
    assert "refresh token is invalid, expired or revoked" in str(raised.value)
    assert parse_qs(server.seen[0].body.decode())["grant_type"] == ["refresh_token"]
    assert "topsecretvalue1" not in str(raised.value)
