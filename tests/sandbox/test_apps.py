"""Apps with products, as LinkedIn's Developer Portal makes them: which scopes each grants,
the Community Management API alone on its app, refresh tokens for it only, and
organizationAcls, which names the member behind a token that has no openid."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from publisher.sandbox.backend import Backend
from publisher.sandbox.control import SandboxControl
from tests.sandbox.helpers import ACME, ALICE, Api

REDIRECT = "http://localhost:3000/callback"
MEMBER = ["openid", "profile", "w_member_social"]
PAGE = ["w_organization_social", "r_organization_social", "rw_organization_admin",
        "r_member_postAnalytics"]


def authorize(base_url: str, client_id: str, scopes: list[str]) -> requests.Response:
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT,
              "scope": " ".join(scopes), "state": "s1"}
    return requests.get(f"{base_url}/oauth/v2/authorization?{urlencode(params)}",
                        allow_redirects=False, timeout=10)


def token_for(control: SandboxControl, base_url: str, client_id: str, secret: str,
              scopes: list[str]) -> dict[str, Any]:
    """The whole flow: consent page, Allow, code exchange."""
    page = authorize(base_url, client_id, scopes)
    assert page.status_code == 200, page.headers.get("Location")
    location = control.approve(page.url, "alice")
    code = parse_qs(urlsplit(location).query)["code"][0]
    answer = requests.post(f"{base_url}/oauth/v2/accessToken", timeout=10, data={
        "grant_type": "authorization_code", "code": code, "client_id": client_id,
        "client_secret": secret, "redirect_uri": REDIRECT})
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


@pytest.mark.parametrize("products", [
    ["community_management", "openid"],
    ["share", "community_management"],
    ["openid", "share", "community_management"],
])
def test_community_management_must_be_the_only_product(control: SandboxControl,
                                                       products: list[str]) -> None:
    with pytest.raises(requests.HTTPError) as refused:
        control.register_app("mixed", "s", [REDIRECT], products=products)
    assert refused.value.response.status_code == 400
    assert "the only product on the application" in refused.value.response.json()["error"]
    assert "mixed" not in [a["client_id"] for a in control.state()["apps"]]


@pytest.mark.parametrize(("body", "message"), [
    ({"products": []}, "products must be a non-empty list"),
    ({"products": ["ads"]}, "products must be a non-empty list of openid, share, "
                            "community_management"),
    ({"products": ["share"], "scopes": ["w_member_social"]}, "products or scopes, not both"),
    ({"products": ["openid", "share"], "refresh": True}, "only apps with the "
                                                         "community_management product"),
])
def test_bad_app_definitions_are_refused(control: SandboxControl, base_url: str,
                                         body: dict[str, Any], message: str) -> None:
    answer = requests.post(f"{base_url}/_sandbox/apps", timeout=10, json={
        "client_id": "bad", "client_secret": "s", "redirect_uris": [REDIRECT], **body})
    assert answer.status_code == 400
    assert message in answer.json()["error"]


@pytest.mark.parametrize(("products", "scopes", "refused"), [
    (["community_management"], ["openid", *PAGE], "openid"),
    (["community_management"], ["profile", "w_organization_social"], "profile"),
    (["openid", "share"], ["openid", "profile", "w_organization_social"],
     "w_organization_social"),
    (["openid", "share"], ["w_member_social", "r_member_postAnalytics"],
     "r_member_postAnalytics"),
    (["share"], ["openid", "w_member_social"], "openid"),
])
def test_a_scope_the_products_do_not_grant_fails_the_whole_request(
        control: SandboxControl, base_url: str, products: list[str], scopes: list[str],
        refused: str) -> None:
    control.register_app("app", "s", [REDIRECT], products=products)
    answer = authorize(base_url, "app", scopes)
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(REDIRECT + "?")
    query = parse_qs(urlsplit(location).query)
    assert query["error"] == ["unauthorized_scope_error"]
    assert query["error_description"] == [f'Scope "{refused}" is not authorized for your '
                                          "application"]
    assert query["state"] == ["s1"] and "code" not in query


def test_only_the_community_management_app_gets_a_refresh_token(
        control: SandboxControl, base_url: str) -> None:
    control.register_app("members", "ms", [REDIRECT], products=["openid", "share"])
    control.register_app("pages", "ps", [REDIRECT], products=["community_management"])
    member = token_for(control, base_url, "members", "ms", MEMBER)
    page = token_for(control, base_url, "pages", "ps", PAGE)
    assert "refresh_token" not in member and "id_token" in member
    assert page["refresh_token"].startswith("AQW") and "id_token" not in page
    assert page["refresh_token_expires_in"] == 31536000
    apps = {a["client_id"]: a for a in control.state()["apps"]}
    assert apps["members"]["scopes"] == ["email", "openid", "profile", "w_member_social"]
    assert apps["members"]["refresh"] is False and apps["pages"]["refresh"] is True


def test_the_control_routes_mint_nothing_the_consent_page_would_refuse(
        control: SandboxControl) -> None:
    control.register_app("pages", "ps", [REDIRECT], products=["community_management"])
    with pytest.raises(requests.HTTPError, match='Scope \\\\"openid\\\\" is not authorized'):
        control.issue_token("alice", ["openid", "w_organization_social"], client_id="pages")
    with pytest.raises(requests.HTTPError, match="is not authorized for your application"):
        control.authorize("pages", REDIRECT, ["profile"], "alice")
    assert control.token("alice", PAGE, client_id="pages").startswith("AQV")


def test_a_fresh_sandbox_has_a_member_app_and_a_page_app(control: SandboxControl,
                                                        base_url: str) -> None:
    apps = {a["client_id"]: a for a in control.state()["apps"]}
    assert apps["sandbox-client"]["products"] is None        # the lenient default app
    assert apps["sandbox-member-app"]["products"] == ["openid", "share"]
    assert apps["sandbox-page-app"]["products"] == ["community_management"]
    page = token_for(control, base_url, "sandbox-page-app", "sandbox-page-secret", PAGE)
    assert page["refresh_token"]


def test_organization_acls_names_the_member_and_their_roles(control: SandboxControl,
                                                            base_url: str) -> None:
    control.add_organization(555, "Other Corp", roles={"alice": "ANALYST"})
    api = Api(base_url, control.token("alice", PAGE))
    answer = api.get("/rest/organizationAcls?q=roleAssignee&state=APPROVED",
                     headers={"X-RestLi-Method": "FINDER"})
    assert answer.status_code == 200, answer.text
    assert sorted(answer.json()["elements"], key=lambda e: e["organization"]) == [
        {"roleAssignee": ALICE, "role": "ADMINISTRATOR", "state": "APPROVED",
         "organization": ACME},
        {"roleAssignee": ALICE, "role": "ANALYST", "state": "APPROVED",
         "organization": "urn:li:organization:555"}]
    only_admin = api.get("/rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR").json()
    assert [e["organization"] for e in only_admin["elements"]] == [ACME]
    bob = Api(base_url, control.token("bob", PAGE)).get("/rest/organizationAcls?q=roleAssignee")
    assert bob.json()["elements"] == []


def test_organization_acls_needs_an_organization_admin_scope(control: SandboxControl,
                                                            base_url: str) -> None:
    api = Api(base_url, control.token("alice", ["w_organization_social", "w_member_social"]))
    answer = api.get("/rest/organizationAcls?q=roleAssignee")
    assert answer.status_code == 403
    assert answer.json()["message"] == ("Not enough permissions to access: "
                                        "organizationAcls.FINDER-roleAssignee")
    assert Api(base_url, control.token("alice", PAGE)).get(
        "/rest/organizationAcls?q=organization").status_code == 400


def test_an_apps_products_survive_a_saved_state() -> None:
    """`publish sandbox --state FILE` keeps apps across restarts: their rules too."""
    saved = Backend(seed=1)
    saved.add_app({"client_id": "pages", "client_secret": "ps", "redirect_uris": [REDIRECT],
                   "products": ["community_management"]})
    restored = Backend(seed=2)
    restored.restore(json.loads(json.dumps(saved.snapshot())))
    app = restored.apps["pages"]
    assert (app.products, app.refresh) == (["community_management"], True)
    assert restored.unauthorized_scopes(app, ["openid", "w_organization_social"]) == ["openid"]
