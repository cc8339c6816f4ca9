"""Helpers for the sandbox tests: plain HTTP calls with the headers LinkedIn expects."""

from __future__ import annotations

import struct
import zlib
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


def png(width: int, height: int) -> bytes:
    """A PNG header with the given size (enough for the sandbox, which reads only the header)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr
    chunk += struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return b"\x89PNG\r\n\x1a\n" + chunk + b"\x00\x00\x00\x00IEND\xaeB`\x82"


def mp4(seconds: float, size: int) -> bytes:
    """An MP4 skeleton: ftyp, moov/mvhd with the duration, mdat padding up to ``size`` bytes."""
    ftyp = struct.pack(">I4s4sI4s", 20, b"ftyp", b"isom", 512, b"isom")
    mvhd_payload = struct.pack(">B3xIIII", 0, 0, 0, 1000, int(seconds * 1000)) + bytes(80)
    mvhd = struct.pack(">I4s", 8 + len(mvhd_payload), b"mvhd") + mvhd_payload
    moov = struct.pack(">I4s", 8 + len(mvhd), b"moov") + mvhd
    head = ftyp + moov
    padding = size - len(head) - 8
    assert padding >= 0
    return head + struct.pack(">I4s", 8 + padding, b"mdat") + bytes(padding)


def gif(frames: int) -> bytes:
    """A GIF with the given number of 1x1 frames."""
    data = b"GIF89a" + struct.pack("<HHBBB", 1, 1, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    for _ in range(frames):
        data += b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0) + b"\x02\x02\x44\x01\x00"
    return data + b"\x3b"


def pdf(pages: int) -> bytes:
    objects = b"".join(b"%d 0 obj << /Type /Page /Parent 2 0 R >> endobj\n" % (i + 3)
                       for i in range(pages))
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Count " + str(pages).encode() + b" >> endobj\n"
            + objects + b"%%EOF\n")
