"""OAuth 2.0 (authorization page, accessToken, introspectToken) and /v2/userinfo."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from publisher.sandbox.control import SandboxControl
from tests.sandbox.helpers import Api

CLIENT = "sandbox-client"
SECRET = "sandbox-secret"
REDIRECT = "http://localhost:3000/callback"


def auth_url(base_url: str, **overrides: str) -> str:
    params = {"response_type": "code", "client_id": CLIENT, "redirect_uri": REDIRECT,
              "scope": "openid profile w_member_social", "state": "s1", **overrides}
    return f"{base_url}/oauth/v2/authorization?{urlencode(params)}"


def token_call(base_url: str, **form: str) -> requests.Response:
    return requests.post(f"{base_url}/oauth/v2/accessToken", data=form, timeout=10)


def exchange(base_url: str, auth_code: str, **overrides: str) -> requests.Response:
    form = {"grant_type": "authorization_code", "code": auth_code, "client_id": CLIENT,
            "client_secret": SECRET, "redirect_uri": REDIRECT, **overrides}
    return token_call(base_url, **form)


def code_from(location: str) -> str:
    return parse_qs(urlsplit(location).query)["code"][0]


def test_consent_page_lists_scopes_and_members(control: SandboxControl, base_url: str) -> None:
    page = requests.get(auth_url(base_url), timeout=10)
    assert page.status_code == 200
    assert "w_member_social" in page.text
    assert 'value="alice"' in page.text
    assert 'name="decision" value="allow"' in page.text


def test_allowing_redirects_with_code_and_state(control: SandboxControl, base_url: str) -> None:
    location = control.approve(auth_url(base_url), "alice")
    query = parse_qs(urlsplit(location).query)
    assert location.startswith(REDIRECT + "?")
    assert query["state"] == ["s1"]
    assert query["code"][0].startswith("AQT")


def test_cancelling_redirects_with_error(control: SandboxControl, base_url: str) -> None:
    location = control.approve(auth_url(base_url), "alice", allow=False)
    query = parse_qs(urlsplit(location).query)
    assert query["error"] == ["user_cancelled_authorize"]
    assert query["state"] == ["s1"]


@pytest.mark.parametrize(("overrides", "status", "message"), [
    ({"client_id": "nobody"}, 401, "Client_id doesn&#39;t match"),
    ({"redirect_uri": "https://evil.example/cb"}, 401, "Redirect_uri doesn&#39;t match"),
    ({"scope": "openid w_everything"}, 401, "Invalid scope"),
    ({"scope": ""}, 401, "Invalid scope"),
    ({"response_type": "token"}, 400, "response_type must be code"),
])
def test_authorization_page_errors(control: SandboxControl, base_url: str,
                                   overrides: dict[str, str], status: int, message: str) -> None:
    page = requests.get(auth_url(base_url, **overrides), timeout=10)
    assert page.status_code == status
    assert message in page.text


def test_redirect_uri_query_is_ignored_when_matching(control: SandboxControl,
                                                     base_url: str) -> None:
    page = requests.get(auth_url(base_url, redirect_uri=REDIRECT + "?from=app"), timeout=10)
    assert page.status_code == 200


def test_scope_the_app_lacks_redirects_with_unauthorized_scope_error(
        control: SandboxControl, base_url: str) -> None:
    control.register_app("narrow", "s", [REDIRECT], scopes=["openid", "profile"])
    response = requests.get(auth_url(base_url, client_id="narrow"), allow_redirects=False,
                            timeout=10)
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["error"] == ["unauthorized_scope_error"]
    assert query["error_description"] == ['Scope "w_member_social" is not authorized for your '
                                          "application"]


def test_code_exchange_answers_a_60_day_token(control: SandboxControl, base_url: str) -> None:
    code = code_from(control.approve(auth_url(base_url), "alice"))
    answer = exchange(base_url, code).json()
    assert answer["expires_in"] == 5183999
    assert answer["scope"] == "openid,profile,w_member_social"
    assert answer["token_type"] == "Bearer"
    assert len(answer["access_token"]) >= 500
    assert answer["refresh_token"].startswith("AQW")          # the default app has refresh
    assert answer["refresh_token_expires_in"] == 31536000
    assert answer["id_token"].count(".") == 2


def test_codes_are_single_use(control: SandboxControl, base_url: str) -> None:
    code = code_from(control.approve(auth_url(base_url), "alice"))
    assert exchange(base_url, code).status_code == 200
    again = exchange(base_url, code)
    assert again.status_code == 401
    assert again.json() == {"error": "invalid_request", "error_description":
                            "Unable to retrieve access token: authorization code not found"}


def test_codes_expire_after_30_minutes_of_sandbox_clock(control: SandboxControl,
                                                        base_url: str) -> None:
    code = code_from(control.approve(auth_url(base_url), "alice"))
    control.advance_clock(30 * 60 + 1)
    answer = exchange(base_url, code)
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_redirect_uri"
    assert "Or authorization code expired." in answer.json()["error_description"]


@pytest.mark.parametrize(("overrides", "status", "error", "description"), [
    ({"redirect_uri": "http://localhost:3000/other"}, 400, "invalid_redirect_uri",
     "Unable to retrieve access token: appid/redirect uri/code verifier does not match "
     "authorization code. Or authorization code expired. Or external member binding exists"),
    ({"client_secret": "wrong"}, 401, "invalid_client", "Client authentication failed"),
    ({"redirect_uri": ""}, 400, "invalid_request",
     'A required parameter "redirect_uri" is missing'),
    ({"client_id": ""}, 400, "invalid_request", 'A required parameter "client_id" is missing'),
    ({"code": ""}, 400, "invalid_request", 'A required parameter "code" is missing'),
    ({"grant_type": ""}, 400, "invalid_request", 'A required parameter "grant_type" is missing'),
    ({"grant_type": "password"}, 400, "unsupported_grant_type",
     'Unable to retrieve access token: grant type "password" is not supported for this '
     "application"),
])
def test_code_exchange_errors(control: SandboxControl, base_url: str, *,
                              overrides: dict[str, str], status: int, error: str,
                              description: str) -> None:
    code = code_from(control.approve(auth_url(base_url), "alice"))
    answer = exchange(base_url, code, **overrides)
    assert answer.status_code == status
    assert answer.json() == {"error": error, "error_description": description}


def test_code_of_another_app_does_not_match(control: SandboxControl, base_url: str) -> None:
    control.register_app("other", "other-secret", [REDIRECT])
    code = code_from(control.approve(auth_url(base_url), "alice"))
    answer = exchange(base_url, code, client_id="other", client_secret="other-secret")
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_redirect_uri"


def test_refresh_keeps_the_remaining_refresh_lifetime(control: SandboxControl,
                                                      base_url: str) -> None:
    code = code_from(control.approve(auth_url(base_url), "alice"))
    first = exchange(base_url, code).json()
    control.advance_clock(59 * 86400)
    refreshed = token_call(base_url, grant_type="refresh_token",
                           refresh_token=first["refresh_token"], client_id=CLIENT,
                           client_secret=SECRET).json()
    assert refreshed["refresh_token"] == first["refresh_token"]
    assert refreshed["refresh_token_expires_in"] == 31536000 - 59 * 86400
    assert refreshed["expires_in"] == 5183999
    assert refreshed["access_token"] != first["access_token"]
    me = requests.get(f"{base_url}/v2/userinfo", timeout=10,
                      headers={"Authorization": f"Bearer {refreshed['access_token']}"})
    assert me.json()["sub"] == "alice"


def test_refresh_tokens_expire(control: SandboxControl, base_url: str) -> None:
    code = code_from(control.approve(auth_url(base_url), "alice"))
    first = exchange(base_url, code).json()
    control.advance_clock(365 * 86400)
    answer = token_call(base_url, grant_type="refresh_token",
                        refresh_token=first["refresh_token"], client_id=CLIENT,
                        client_secret=SECRET)
    assert answer.status_code == 400
    assert answer.json() == {"error": "invalid_request", "error_description":
                             "The provided authorization grant or refresh token is invalid, "
                             "expired or revoked"}


def test_apps_without_refresh_get_no_refresh_token(control: SandboxControl,
                                                   base_url: str) -> None:
    control.register_app("selfserve", "ss", [REDIRECT], refresh=False)
    code = code_from(control.approve(auth_url(base_url, client_id="selfserve"), "alice"))
    answer = exchange(base_url, code, client_id="selfserve", client_secret="ss").json()
    assert "refresh_token" not in answer
    refused = token_call(base_url, grant_type="refresh_token", refresh_token="AQWmade-up",
                         client_id="selfserve", client_secret="ss")
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_request"


def test_a_new_scope_set_invalidates_earlier_tokens(control: SandboxControl,
                                                    base_url: str) -> None:
    first = exchange(base_url, code_from(control.approve(auth_url(base_url), "alice"))).json()
    exchange(base_url, code_from(control.approve(auth_url(base_url, scope="openid profile"),
                                                 "alice")))
    me = Api(base_url, first["access_token"]).get("/v2/userinfo")
    assert me.status_code == 401
    assert me.json()["serviceErrorCode"] == 65601


def introspect(base_url: str, token: str, client_id: str = CLIENT,
               secret: str = SECRET) -> requests.Response:
    return requests.post(f"{base_url}/oauth/v2/introspectToken", timeout=10,
                         data={"client_id": client_id, "client_secret": secret, "token": token})


def test_introspection_of_an_active_token(control: SandboxControl, base_url: str) -> None:
    token = control.token("alice", ["w_member_social", "openid"])
    answer = introspect(base_url, token).json()
    now = 1_773_144_000
    assert answer == {"active": True, "client_id": CLIENT, "authorized_at": now,
                      "created_at": now, "status": "active", "expires_at": now + 5183999,
                      "scope": "openid,w_member_social", "auth_type": "3L"}


@pytest.mark.parametrize(("change", "status"), [("expire", "expired"), ("revoke", "revoked")])
def test_introspection_of_dead_tokens(control: SandboxControl, base_url: str, change: str,
                                      status: str) -> None:
    token = control.token("alice", ["w_member_social"])
    if change == "expire":
        control.advance_clock(5183999)
    else:
        control.revoke_token(token)
    answer = introspect(base_url, token).json()
    assert answer["active"] is False
    assert answer["status"] == status


def test_introspection_by_another_app_is_inactive(control: SandboxControl, base_url: str) -> None:
    control.register_app("other", "other-secret", [REDIRECT])
    token = control.token("alice", ["w_member_social"])
    assert introspect(base_url, token, "other", "other-secret").json() == {"active": False}


@pytest.mark.parametrize(("client_id", "secret", "token", "status", "error"), [
    ("nobody", SECRET, None, 400, "invalid_request"),
    (CLIENT, "wrong", None, 401, "invalid_client"),
    (CLIENT, SECRET, "AQVunknown", 400, "invalid_request"),
])
def test_introspection_errors(control: SandboxControl, base_url: str, *, client_id: str,
                              secret: str, token: str | None, status: int, error: str) -> None:
    real = control.token("alice", ["w_member_social"])
    answer = introspect(base_url, token or real, client_id, secret)
    assert answer.status_code == status
    assert answer.json()["error"] == error


def test_userinfo(control: SandboxControl, base_url: str) -> None:
    token = control.token("alice", ["openid", "profile", "email"])
    answer = Api(base_url, token).get("/v2/userinfo", headers={"LinkedIn-Version": None})
    assert answer.status_code == 200
    assert answer.json() == {
        "sub": "alice", "name": "Alice Martin", "given_name": "Alice", "family_name": "Martin",
        "locale": {"country": "US", "language": "en"},
        "picture": "https://media.licdn.com/dms/image/sandbox/alice/0/",
        "email": "alice@example.com", "email_verified": True}


def test_userinfo_without_email_scope_has_no_email(control: SandboxControl,
                                                   base_url: str) -> None:
    answer = Api(base_url, control.token("alice", ["openid", "profile"])).get("/v2/userinfo")
    assert "email" not in answer.json()


def test_userinfo_needs_openid(control: SandboxControl, base_url: str) -> None:
    answer = Api(base_url, control.token("alice", ["w_member_social"])).get("/v2/userinfo")
    assert answer.status_code == 403
    assert answer.json() == {"status": 403, "code": "ACCESS_DENIED", "serviceErrorCode": 100,
                             "message": "Not enough permissions to access: GET /userinfo"}
