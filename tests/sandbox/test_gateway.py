"""What every /rest call goes through: versions, protocol header, tokens, quotas, routing."""

from __future__ import annotations

import pytest

from publisher.sandbox.control import SandboxControl
from tests.sandbox.helpers import ALICE, Api, key, post_body


@pytest.mark.parametrize(("version", "active"), [
    ("202603", True), ("202504", True), ("202503", False), ("202604", False),
    ("202603.01", True), ("202401", False),
])
def test_active_versions_are_the_twelve_months_up_to_the_clock(
        alice: Api, version: str, active: bool) -> None:
    answer = alice.create_post(headers={"LinkedIn-Version": version},
                               commentary=f"version {version}")
    if active:
        assert answer.status_code == 201
        return
    assert answer.status_code == 426
    assert answer.json() == {"status": 426, "code": "NONEXISTENT_VERSION",
                             "message": f"Requested version {version[:6]}01 is not active"}
    assert answer.headers["X-Restli-Gateway-Error"] == "true"


def test_missing_version(alice: Api) -> None:
    answer = alice.get(f"/rest/posts/{key('urn:li:share:1')}", headers={"LinkedIn-Version": None})
    assert answer.status_code == 400
    assert answer.json() == {
        "status": 400, "code": "VERSION_MISSING",
        "message": "A version must be present. Please specify a version by adding the "
                   "LinkedIn-Version header."}
    assert "X-Restli-Gateway-Error" in answer.headers


def test_version_header_name_is_case_insensitive(alice: Api) -> None:
    answer = alice.create_post(headers={"LinkedIn-Version": None, "linkedin-version": "202603"})
    assert answer.status_code == 201


def test_malformed_version_is_not_active(alice: Api) -> None:
    answer = alice.create_post(headers={"LinkedIn-Version": "2026-03"})
    assert answer.status_code == 426
    assert answer.json()["message"] == "Requested version 2026-03 is not active"


def test_active_versions_are_configurable(control: SandboxControl, alice: Api) -> None:
    control.configure(active_versions=["202401"])
    assert alice.create_post(headers={"LinkedIn-Version": "202401"}).status_code == 201
    assert alice.create_post(headers={"LinkedIn-Version": "202603"}).status_code == 426


def test_versions_move_with_the_clock(control: SandboxControl, alice: Api) -> None:
    control.set_clock("2027-03-01T00:00:00Z")
    assert alice.create_post(commentary="old version").status_code == 426


def test_userinfo_needs_no_version(alice: Api) -> None:
    answer = alice.get("/v2/userinfo", headers={"LinkedIn-Version": None,
                                                "X-Restli-Protocol-Version": None})
    assert answer.status_code == 200


@pytest.mark.parametrize("value", [None, "1.0.0"])
def test_protocol_version_2_is_required_on_rest(alice: Api, value: str | None) -> None:
    answer = alice.create_post(headers={"X-Restli-Protocol-Version": value})
    assert answer.status_code == 400
    assert answer.json()["code"] == "PROTOCOL_VERSION_REQUIRED"
    shown = "absent" if value is None else repr(value)
    assert answer.json()["message"] == (
        f"X-Restli-Protocol-Version must be 2.0.0 on this resource (found {shown})")


@pytest.mark.parametrize(("authorization", "status", "code", "service_code", "message"), [
    (None, 401, "EMPTY_ACCESS_TOKEN", 401, "Empty oauth2_access_token"),
    ("Bearer ", 401, "EMPTY_ACCESS_TOKEN", 401, "Empty oauth2_access_token"),
    ("Bearer AQVnot-a-token", 401, "INVALID_ACCESS_TOKEN", 65600, "Invalid access token"),
    ("Basic dXNlcjpwYXNz", 401, "INVALID_AUTHENTICATION_SCHEMA", 401,
     "Unknown authentication schema"),
])
def test_bad_tokens(alice: Api, *, authorization: str | None, status: int, code: str,
                    service_code: int, message: str) -> None:
    answer = alice.create_post(headers={"Authorization": authorization})
    assert answer.status_code == status
    assert answer.json() == {"status": status, "code": code, "serviceErrorCode": service_code,
                             "message": message}


def test_expired_token(control: SandboxControl, base_url: str) -> None:
    api = Api(base_url, control.token("alice", ["w_member_social"], expires_in=60))
    assert api.create_post(commentary="before").status_code == 201
    control.advance_clock(60)
    answer = api.create_post(commentary="after")
    assert answer.status_code == 401
    assert answer.json() == {"status": 401, "serviceErrorCode": 65602,
                             "code": "EXPIRED_ACCESS_TOKEN",
                             "message": "The token used in the request has expired"}


def test_revoked_token(control: SandboxControl, alice: Api) -> None:
    assert alice.token is not None
    control.revoke_token(alice.token)
    answer = alice.create_post()
    assert answer.status_code == 401
    assert answer.json() == {"status": 401, "serviceErrorCode": 65601,
                             "code": "REVOKED_ACCESS_TOKEN",
                             "message": "The token used in the request has been revoked by the "
                                        "user"}


def test_token_expiring_after_n_calls(control: SandboxControl, alice: Api) -> None:
    assert alice.token is not None
    control.expire_token_after(alice.token, 2)
    assert alice.get("/v2/userinfo").status_code == 200
    assert alice.create_post().status_code == 201
    third = alice.get("/v2/userinfo")
    assert third.status_code == 401
    assert third.json()["serviceErrorCode"] == 65602


def test_member_daily_limit_then_reset_at_midnight_utc(control: SandboxControl,
                                                       alice: Api) -> None:
    control.configure(member_daily_limit=2)
    control.set_clock("2026-03-10T23:59:00Z")
    assert alice.create_post(commentary="one").status_code == 201
    assert alice.create_post(commentary="two").status_code == 201
    third = alice.create_post(commentary="three")
    assert third.status_code == 429
    assert third.json() == {
        "status": 429, "serviceErrorCode": 101, "code": "TOO_MANY_REQUESTS",
        "message": "Resource level throttle APPLICATION_AND_MEMBER DAY limit for calls to this "
                   "resource is reached."}
    assert "Retry-After" not in third.headers
    assert alice.get("/v2/userinfo").status_code == 200          # another resource
    control.advance_clock(60)                                    # 00:00 UTC
    assert alice.create_post(commentary="three").status_code == 201


def test_app_daily_limit_counts_every_member(control: SandboxControl, alice: Api,
                                             bob: Api) -> None:
    control.configure(app_daily_limit=1)
    assert alice.get("/v2/userinfo").status_code == 200
    answer = bob.get("/v2/userinfo")
    assert answer.status_code == 429
    assert answer.json()["message"] == ("Resource level throttle APPLICATION DAY limit for "
                                        "calls to this resource is reached.")


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/rest/adAccounts"),
    ("PUT", "/rest/posts/urn%3Ali%3Ashare%3A1"),
    ("GET", "/v2/me"),
    ("GET", "/oauth/v2/accessToken"),
])
def test_unknown_routes_say_not_implemented(alice: Api, method: str, path: str) -> None:
    answer = alice.request(method, path)
    assert answer.status_code == 404
    assert answer.json() == {"status": 404, "code": "NOT_IMPLEMENTED",
                             "message": f"not implemented in the sandbox: {method} {path}"}


def test_path_keys_must_be_percent_encoded(alice: Api) -> None:
    urn = alice.created_urn()
    answer = alice.get(f"/rest/posts/{urn}")
    assert answer.status_code == 400
    assert answer.json()["code"] == "PARAM_INVALID"
    assert "must be fully URL-encoded" in answer.json()["message"]
    assert alice.get_post(urn).status_code == 200


def test_percent_encoded_list_structure_is_rejected(alice: Api) -> None:
    urn = alice.created_urn()
    encoded = "List%28" + key(urn) + "%29"
    answer = alice.get(f"/rest/posts?ids={encoded}", headers={"X-RestLi-Method": "BATCH_GET"})
    assert answer.status_code == 400
    assert answer.json()["code"] == "PARAM_INVALID"
    assert answer.json()["message"].startswith(
        "Invalid value for param; wrong type or other syntax error: ids:")


def test_literal_colons_in_a_query_value_are_rejected(alice: Api) -> None:
    answer = alice.get(f"/rest/posts?q=author&author={ALICE}")
    assert answer.status_code == 400
    assert answer.json()["code"] == "PARAM_INVALID"


def test_lenient_restli_accepts_raw_forms(control: SandboxControl, alice: Api) -> None:
    control.configure(strict_restli=False)
    urn = alice.created_urn()
    assert alice.get(f"/rest/posts/{urn}").status_code == 200
    assert alice.get(f"/rest/posts?q=author&author={ALICE}").status_code == 200
    raw_list = f"List({urn})".replace("(", "%28").replace(")", "%29")
    answer = alice.get(f"/rest/posts?ids={raw_list}", headers={"X-RestLi-Method": "BATCH_GET"})
    assert list(answer.json()["results"]) == [urn]


def test_query_tunneling(alice: Api) -> None:
    urn = alice.created_urn()
    answer = alice.post("/rest/posts", data=f"ids=List({key(urn)})",
                        headers={"X-HTTP-Method-Override": "GET", "X-RestLi-Method": "BATCH_GET",
                                 "Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 200
    assert list(answer.json()["results"]) == [urn]


def test_responses_carry_the_protocol_version(alice: Api) -> None:
    answer = alice.post("/rest/posts", json=post_body())
    assert answer.headers["X-RestLi-Protocol-Version"] == "2.0.0"
