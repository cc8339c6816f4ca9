"""Helpers for the sandbox tests: plain HTTP calls with the headers LinkedIn expects."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import requests

VERSION = "202603"
NOW = "2026-03-10T12:00:00Z"
NOW_MS = 1_773_144_000_000
ALICE = "urn:li:person:alice"
BOB = "urn:li:person:bob"
ACME = "urn:li:organization:2414183"
ALL_MEMBER_SCOPES = ("openid", "profile", "email", "w_member_social", "r_member_social",
                     "r_member_postAnalytics")
ORG_SCOPES = ("w_organization_social", "r_organization_social", "rw_organization_admin")


def key(urn: str) -> str:
    """A resource key for a path: fully percent-encoded (Rest.li 2.0)."""
    return quote(urn, safe="")


def restli_list(*urns: str) -> str:
    return "List(" + ",".join(key(u) for u in urns) + ")"


def post_body(author: str = ALICE, commentary: str = "Hello world",
              **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "author": author, "commentary": commentary, "visibility": "PUBLIC",
        "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                         "thirdPartyDistributionChannels": []},
        "lifecycleState": "PUBLISHED", "isReshareDisabledByAuthor": False}
    body.update(fields)
    return body


class Api:
    """Calls to one sandbox with one token, sending LinkedIn's headers unless told not to."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base = base_url
        self.token = token
        self.session = requests.Session()

    def with_token(self, token: str | None) -> Api:
        return Api(self.base, token)

    def headers(self, extra: dict[str, str | None] | None = None) -> dict[str, str]:
        headers = {"LinkedIn-Version": VERSION, "X-Restli-Protocol-Version": "2.0.0"}
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        for name, value in (extra or {}).items():
            if value is None:
                headers.pop(name, None)
            else:
                headers[name] = value
        return headers

    def request(self, method: str, path: str, *, headers: dict[str, str | None] | None = None,
                **kwargs: Any) -> requests.Response:
        return self.session.request(method, self.base + path, headers=self.headers(headers),
                                    timeout=30, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def create_post(self, headers: dict[str, str | None] | None = None,
                    **fields: Any) -> requests.Response:
        return self.post("/rest/posts", json=post_body(**fields), headers=headers)

    def created_urn(self, **fields: Any) -> str:
        response = self.create_post(**fields)
        assert response.status_code == 201, response.text
        return str(response.headers["x-restli-id"])

    def get_post(self, urn: str) -> requests.Response:
        return self.get(f"/rest/posts/{key(urn)}")

    def update(self, urn: str, patch: dict[str, Any]) -> requests.Response:
        return self.post(f"/rest/posts/{key(urn)}", json=patch,
                         headers={"X-RestLi-Method": "PARTIAL_UPDATE"})
