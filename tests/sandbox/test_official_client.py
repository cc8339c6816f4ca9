"""Conformance: LinkedIn's own Python client (linkedin-api-client) against the sandbox.

The client's base URLs are module constants; they are pointed at the sandbox here.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import linkedin_api.clients.auth.utils.oauth as oauth_utils
import pytest
import requests
from linkedin_api.clients.auth.client import AuthClient
from linkedin_api.clients.restli.client import RestliClient
from linkedin_api.common import constants
from linkedin_api.common.errors import ResponseFormattingError

from publisher.sandbox import running_sandbox
from publisher.sandbox.control import SandboxControl
from tests.builders import mp4_bytes, png_header
from tests.sandbox.helpers import NOW, VERSION

REDIRECT = "http://localhost:3000/callback"
SCOPES = ["openid", "profile", "email", "w_member_social", "r_member_social"]


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with running_sandbox(seed=11) as base:
        monkeypatch.setattr(constants, "OAUTH_BASE_URL", base + "/oauth/v2")
        monkeypatch.setattr(oauth_utils, "OAUTH_BASE_URL", base + "/oauth/v2")
        monkeypatch.setattr(constants, "VERSIONED_BASE_URL", base + "/rest")
        monkeypatch.setattr(constants, "NON_VERSIONED_BASE_URL", base + "/v2")
        control = SandboxControl(base)
        control.set_clock(NOW)
        control.add_member("ada", "Ada Lovelace")
        yield base


def login(base: str) -> tuple[AuthClient, str]:
    auth = AuthClient("sandbox-client", "sandbox-secret", REDIRECT)
    url = auth.generate_member_auth_url(SCOPES, state="official")
    assert url.startswith(base + "/oauth/v2/authorization?")
    location = SandboxControl(base).approve(url, "ada")
    assert parse_qs(urlsplit(location).query)["state"] == ["official"]
    code = parse_qs(urlsplit(location).query)["code"][0]
    token = auth.exchange_auth_code_for_access_token(code)
    assert token.status_code == 200
    return auth, str(token.access_token)


def test_the_official_client_goes_through_a_post_lifecycle(sandbox: str) -> None:
    auth, token = login(sandbox)

    introspection = auth.introspect_access_token(token)
    assert (introspection.status_code, introspection.active, introspection.status) == (
        200, True, "active")
    assert introspection.scope == "email,openid,profile,r_member_social,w_member_social"

    client = RestliClient()
    me = client.get(resource_path="/userinfo", access_token=token)
    assert me.entity["sub"] == "ada"
    author = f"urn:li:person:{me.entity['sub']}"

    created = client.create(resource_path="/posts", access_token=token, version_string=VERSION,
                            entity={"author": author, "commentary": "Hello \\(sandbox\\)",
                                    "visibility": "PUBLIC",
                                    "distribution": {"feedDistribution": "MAIN_FEED",
                                                     "targetEntities": [],
                                                     "thirdPartyDistributionChannels": []},
                                    "lifecycleState": "PUBLISHED",
                                    "isReshareDisabledByAuthor": False})
    assert created.status_code == 201
    urn = created.entity_id
    assert urn.startswith("urn:li:share:")

    fetched = client.get(resource_path="/posts/{id}", path_keys={"id": urn},
                         access_token=token, version_string=VERSION)
    assert fetched.entity["commentary"] == "Hello \\(sandbox\\)"

    found = client.finder(resource_path="/posts", finder_name="author",
                          query_params={"author": author}, access_token=token,
                          version_string=VERSION)
    assert [e["id"] for e in found.elements] == [urn]

    batch = client.batch_get(resource_path="/posts", ids=[urn], access_token=token,
                             version_string=VERSION)
    assert list(batch.results) == [urn]

    updated = client.partial_update(resource_path="/posts/{id}", path_keys={"id": urn},
                                    patch_set_object={"commentary": "Edited"},
                                    access_token=token, version_string=VERSION)
    assert updated.status_code == 204
    assert client.get(resource_path="/posts/{id}", path_keys={"id": urn}, access_token=token,
                      version_string=VERSION).entity["commentary"] == "Edited"

    deleted = client.delete(resource_path="/posts/{id}", path_keys={"id": urn},
                            access_token=token, version_string=VERSION)
    assert deleted.status_code == 204
    gone = client.get(resource_path="/posts/{id}", path_keys={"id": urn}, access_token=token,
                      version_string=VERSION)
    assert gone.status_code == 404


def test_the_official_client_uploads_an_image(sandbox: str) -> None:
    _, token = login(sandbox)
    client = RestliClient()
    initialized = client.action(resource_path="/images", action_name="initializeUpload",
                                action_params={"initializeUploadRequest": {
                                    "owner": "urn:li:person:ada"}},
                                access_token=token, version_string=VERSION)
    assert initialized.status_code == 200
    put = requests.put(initialized.value["uploadUrl"], data=png_header(800, 600), timeout=10,
                       headers={"Authorization": f"Bearer {token}"})
    assert put.status_code == 201
    image = client.get(resource_path="/images/{id}", path_keys={"id": initialized.value["image"]},
                       access_token=token, version_string=VERSION)
    assert image.entity["status"] == "AVAILABLE"


def test_video_finalize_answer_is_empty_which_the_official_client_cannot_format(
        sandbox: str) -> None:
    """finalizeUpload answers 200 with no body (linkedin-api.md 7.3); the client's action()
    always parses JSON, so it raises although the call succeeded. See docs/sandbox.md."""
    _, token = login(sandbox)
    client = RestliClient()
    data = mp4_bytes(5, 100_000)
    value = client.action(resource_path="/videos", action_name="initializeUpload",
                          action_params={"initializeUploadRequest": {
                              "owner": "urn:li:person:ada", "fileSizeBytes": len(data),
                              "uploadCaptions": False, "uploadThumbnail": False}},
                          access_token=token, version_string=VERSION).value
    etag = requests.put(value["uploadInstructions"][0]["uploadUrl"], data=data,
                        timeout=10).headers["ETag"]
    with pytest.raises(ResponseFormattingError):
        client.action(resource_path="/videos", action_name="finalizeUpload",
                      action_params={"finalizeUploadRequest": {
                          "video": value["video"], "uploadToken": "",
                          "uploadedPartIds": [etag]}},
                      access_token=token, version_string=VERSION)
    video = client.get(resource_path="/videos/{id}", path_keys={"id": value["video"]},
                       access_token=token, version_string=VERSION)
    assert video.entity["status"] == "AVAILABLE"


def test_the_official_client_refreshes_a_token(sandbox: str) -> None:
    auth = AuthClient("sandbox-client", "sandbox-secret", REDIRECT)
    location = SandboxControl(sandbox).approve(auth.generate_member_auth_url(SCOPES), "ada")
    first = auth.exchange_auth_code_for_access_token(parse_qs(urlsplit(location).query)
                                                     ["code"][0])
    refreshed = auth.exchange_refresh_token_for_access_token(first.refresh_token)
    assert refreshed.status_code == 200
    assert refreshed.refresh_token == first.refresh_token
    assert refreshed.expires_in == 5183999
