"""Calls that pin down what LinkedIn answers, made the same way against LinkedIn and the sandbox.

Each probe makes a few raw HTTP calls (no client of ours in between, so malformed requests
can be sent and every header seen) and records, per call, an observation: the status, the
shape of the headers that matter and the shape of the JSON body (keys and value kinds, with
enumerations such as error codes kept verbatim), plus a few facts a shape cannot show (is
the text GET returns the one sent, or cut?). A report is the observations of one run;
`compare` lists every difference between two reports. docs/contract.md says how to run it.

A run posts as one author: a member (a token of a member app: openid, profile,
w_member_social) or a page (a token of a page app with w_organization_social and
r_organization_social, and the organization's id). Every post it makes carries a unique
text and is deleted before the probe ends.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

from publisher.sandbox import running_sandbox
from publisher.sandbox.control import SandboxControl
from tests.builders import png_bytes

RECORDED_HEADERS = ("content-type", "x-restli-id", "x-linkedin-id", "x-restli-protocol-version",
                    "x-restli-gateway-error", "retry-after", "www-authenticate")
VERBATIM_KEYS = frozenset({"code", "serviceErrorCode", "status", "errorDetailType",
                           "lifecycleState", "visibility", "feedDistribution"})
RETIRED_VERSION = "202001"  # far outside LinkedIn's year of active versions
BAD_TOKEN = "AQX-not-a-token-of-any-app"
MEDIA_WAIT_SECONDS = 60.0

Observation = dict[str, Any]
Report = dict[str, Any]


@dataclass(frozen=True)
class Target:
    name: str           # "linkedin", "sandbox-member" or "sandbox-page"
    api: str            # base URL: https://api.linkedin.com or the sandbox's
    token: str
    version: str        # LinkedIn-Version, YYYYMM
    kind: str           # "member" or "page": who the posts are by
    author: str         # the member's or the organization's URN
    label: str          # words that make this run's texts unique


@dataclass
class Observer:
    """Makes the calls of the probes against one target and keeps what it saw."""

    target: Target
    session: requests.Session = field(default_factory=requests.Session)
    observations: dict[str, Observation] = field(default_factory=dict)

    def call(self, name: str, method: str, path: str, *, body: Any = None,
             restli_method: str | None = None, version: str | None = "",
             token: str | None = "", data: bytes | None = None) -> requests.Response:
        """One call, recorded under `name`. `version` None leaves LinkedIn-Version out;
        "" sends the target's. `token` "" sends the target's token."""
        url = path if path.startswith("http") else self.target.api + path
        headers = {"Authorization": f"Bearer {token or self.target.token}"}
        if path.startswith("/rest"):
            headers["X-Restli-Protocol-Version"] = "2.0.0"
            if version is not None:
                headers["LinkedIn-Version"] = version or self.target.version
        if restli_method:
            headers["X-RestLi-Method"] = restli_method
        response = self.session.request(method, url, json=body, data=data, headers=headers,
                                        timeout=60)
        self.observations[name] = observe(response)
        return response

    def fact(self, name: str, key: str, value: Any) -> None:
        self.observations[name].setdefault("facts", {})[key] = value

    def text(self, probe: str) -> str:
        return f"Contract check {self.target.label} {probe}: deleted within a minute"

    def report(self) -> Report:
        return {"target": self.target.name, "kind": self.target.kind,
                "version": self.target.version, "observations": self.observations}


def observe(response: requests.Response) -> Observation:
    headers = {name: shape_of(response.headers[name]) for name in RECORDED_HEADERS
               if name in response.headers}
    if "content-type" in headers:
        headers["content-type"] = response.headers["content-type"].split(";")[0].strip()
    try:
        body: Any = shape_of(response.json()) if response.content else None
    except ValueError:
        body = "not JSON"
    return {"status": response.status_code, "headers": headers, "body": body}


_URN_ID = re.compile(r"(urn:li:[A-Za-z]+:)[^,():]+")


def shape_of(value: Any, key: str = "") -> Any:
    """The kinds of a JSON value: objects keep their keys, lists their first item's shape,
    URNs their kind, enumerations (error codes, states) their value."""
    if isinstance(value, dict):
        return {k: shape_of(v, k) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [shape_of(value[0], key)] if value else []
    if key in VERBATIM_KEYS and not isinstance(value, bool):
        return value
    return _scalar_shape(value)


def _scalar_shape(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if value is None:
        return "null"
    if value.startswith("urn:li:"):
        return re.sub(r"\d+", "N", _URN_ID.sub(r"\1…", value))
    return "string"


def key(urn: str) -> str:
    return quote(urn, safe="")


def post_body(target: Target, commentary: str, content: Mapping[str, Any] | None = None
              ) -> dict[str, Any]:
    body: dict[str, Any] = {
        "author": target.author, "commentary": commentary, "visibility": "PUBLIC",
        "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                         "thirdPartyDistributionChannels": []},
        "lifecycleState": "PUBLISHED", "isReshareDisabledByAuthor": False}
    if content is not None:
        body["content"] = dict(content)
    return body


@contextmanager
def a_post(observer: Observer, name: str, commentary: str,
           content: Mapping[str, Any] | None = None) -> Iterator[str | None]:
    """Create a post (recorded as NAME.create), yield its URN, delete it (NAME.delete)."""
    created = observer.call(f"{name}.create", "POST", "/rest/posts",
                            body=post_body(observer.target, commentary, content))
    urn = created.headers.get("x-restli-id") if created.status_code == 201 else None
    try:
        yield urn
    finally:
        if urn:
            observer.call(f"{name}.delete", "DELETE", f"/rest/posts/{key(urn)}",
                          restli_method="DELETE")


def read_form(sent: str, returned: Any) -> str:
    """How the commentary GET returns relates to the one sent."""
    if not isinstance(returned, str):
        return "absent"
    if returned == sent:
        return "as sent"
    cut = re.search(r"(?<!\\)[()]", sent)
    if cut and returned.rstrip() == sent[:cut.start()].rstrip():
        return "cut at the unescaped character"
    return "other"


# ----------------------------------------------------------------------------- the probes


def userinfo(observer: Observer) -> None:
    observer.call("userinfo", "GET", "/v2/userinfo")


def bad_token(observer: Observer) -> None:
    observer.call("bad_token.userinfo", "GET", "/v2/userinfo", token=BAD_TOKEN)
    observer.call("bad_token.rest", "GET", f"/rest/posts/{key('urn:li:share:1')}",
                  token=BAD_TOKEN)


def text_post(observer: Observer) -> None:
    with a_post(observer, "text_post", observer.text("text post")) as urn:
        pass
    if urn:
        observer.call("text_post.get_deleted", "GET", f"/rest/posts/{key(urn)}")


def read_back(observer: Observer) -> None:
    sent = observer.text("read back") + ", with \\(escaped\\) characters and #contract"
    with a_post(observer, "read_back", sent) as urn:
        if urn:
            got = observer.call("read_back.get", "GET", f"/rest/posts/{key(urn)}")
            returned = got.json().get("commentary") if got.status_code == 200 else None
            observer.fact("read_back.get", "commentary", read_form(sent, returned))


def edit(observer: Observer) -> None:
    with a_post(observer, "edit", observer.text("edit")) as urn:
        if urn:
            patch = {"patch": {"$set": {"commentary": observer.text("edit") + ", edited"}}}
            observer.call("edit.update", "POST", f"/rest/posts/{key(urn)}", body=patch,
                          restli_method="PARTIAL_UPDATE")


def comment(observer: Observer) -> None:
    with a_post(observer, "comment", observer.text("comment")) as urn:
        if urn:
            body = {"actor": observer.target.author, "object": urn,
                    "message": {"text": "A comment of the contract check"}}
            observer.call("comment.create", "POST",
                          f"/rest/socialActions/{key(urn)}/comments", body=body)


def duplicate(observer: Observer) -> None:
    text = observer.text("duplicate")
    with a_post(observer, "duplicate", text) as urn:
        if urn:
            again = observer.call("duplicate.create_again", "POST", "/rest/posts",
                                  body=post_body(observer.target, text))
            extra = again.headers.get("x-restli-id") if again.status_code == 201 else None
            if extra:  # LinkedIn took it after all: never leave a second post behind
                observer.call("duplicate.delete_again", "DELETE",
                              f"/rest/posts/{key(extra)}", restli_method="DELETE")
            message = str(again.json().get("message", "")) if again.content else ""
            observer.fact("duplicate.create_again", "names_the_first_post",
                          bool(urn) and urn in message)


def unescaped(observer: Observer) -> None:
    sent = observer.text("unescaped") + " (cut here?) and the tail"
    with a_post(observer, "unescaped", sent) as urn:
        if urn:
            got = observer.call("unescaped.get", "GET", f"/rest/posts/{key(urn)}")
            returned = got.json().get("commentary") if got.status_code == 200 else None
            observer.fact("unescaped.get", "commentary", read_form(sent, returned))


def versions(observer: Observer) -> None:
    """initializeUpload creates nothing that anyone sees: a safe call to test headers on."""
    body = {"initializeUploadRequest": {"owner": observer.target.author}}
    path = "/rest/images?action=initializeUpload"
    observer.call("version_missing", "POST", path, body=body, restli_method="ACTION",
                  version=None)
    observer.call("version_retired", "POST", path, body=body, restli_method="ACTION",
                  version=RETIRED_VERSION)


def image_post(observer: Observer) -> None:
    body = {"initializeUploadRequest": {"owner": observer.target.author}}
    started = observer.call("image.initialize", "POST", "/rest/images?action=initializeUpload",
                            body=body, restli_method="ACTION")
    if started.status_code != 200:
        return
    value = started.json()["value"]
    observer.call("image.upload", "PUT", value["uploadUrl"], data=png_bytes())
    image = value["image"]
    _wait_for(observer, image)
    media = {"media": {"id": image, "altText": "A blue rectangle of the contract check"}}
    with a_post(observer, "image_post", observer.text("image post"), media) as urn:
        if urn:
            got = observer.call("image_post.get", "GET", f"/rest/posts/{key(urn)}")
            stored = got.json().get("content", {}) if got.status_code == 200 else {}
            observer.fact("image_post.get", "alt_text_kept",
                          stored.get("media", {}).get("altText") == media["media"]["altText"]
                          if stored else None)


def _wait_for(observer: Observer, image: str) -> None:
    deadline = time.monotonic() + MEDIA_WAIT_SECONDS
    while True:
        status = observer.call("image.status", "GET", f"/rest/images/{key(image)}")
        ready = status.status_code != 200 or status.json().get("status") != "PROCESSING"
        if ready or time.monotonic() > deadline:
            return
        time.sleep(2)


PROBES: dict[str, Callable[[Observer], None]] = {
    "userinfo": userinfo, "bad_token": bad_token, "text_post": text_post,
    "read_back": read_back, "edit": edit, "comment": comment, "duplicate": duplicate,
    "unescaped": unescaped, "versions": versions, "image_post": image_post,
}


# ----------------------------------------------------------------------------- targets

SANDBOX_VERSION = "202611"
MEMBER_ID = "k7Q_z-Contract"   # with "_" and "-", as real OpenID subs have
ORGANIZATION_ID = 90210
MEMBER_SCOPES = ["openid", "profile", "w_member_social"]  # a member app's products
PAGE_SCOPES = ["w_member_social", "w_organization_social", "r_organization_social"]  # a page app


@contextmanager
def sandbox_target(kind: str, version: str = SANDBOX_VERSION) -> Iterator[Target]:
    """A fresh sandbox with one member (and their page), its clock in `version`'s month."""
    with running_sandbox(seed=1) as url:
        control = SandboxControl(url)
        month = datetime.strptime(version, "%Y%m").replace(day=15, hour=9, tzinfo=UTC)
        control.set_clock(month)
        control.add_member(MEMBER_ID, "Casey Contract")
        control.add_organization(ORGANIZATION_ID, "Contract Corp", admins=[MEMBER_ID])
        scopes = PAGE_SCOPES if kind == "page" else MEMBER_SCOPES
        author = (f"urn:li:organization:{ORGANIZATION_ID}" if kind == "page"
                  else f"urn:li:person:{MEMBER_ID}")
        yield Target(f"sandbox-{kind}", url, control.token(MEMBER_ID, scopes), version, kind,
                     author, "sandbox")


def linkedin_target(environ: Mapping[str, str]) -> Target | None:
    """LinkedIn itself, when LINKEDIN_CONTRACT_TOKEN is set; None otherwise."""
    token = environ.get("LINKEDIN_CONTRACT_TOKEN", "")
    if not token:
        return None
    api = environ.get("LINKEDIN_CONTRACT_API", "https://api.linkedin.com").rstrip("/")
    version = environ.get("LINKEDIN_CONTRACT_VERSION") or _configured_version()
    organization = environ.get("LINKEDIN_CONTRACT_ORGANIZATION", "")
    label = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    if organization:
        return Target("linkedin", api, token, version, "page",
                      f"urn:li:organization:{organization}", label)
    info = requests.get(f"{api}/v2/userinfo", headers={"Authorization": f"Bearer {token}"},
                        timeout=60)
    sub = info.json().get("sub") if info.status_code == 200 else None
    if not sub:
        raise RuntimeError(f"/v2/userinfo answered {info.status_code}: a member run needs a "
                           "token with openid (or set LINKEDIN_CONTRACT_ORGANIZATION)")
    return Target("linkedin", api, token, version, "member", f"urn:li:person:{sub}", label)


def _configured_version() -> str:
    import tomllib

    config = Path(__file__).resolve().parents[2] / "publish.toml"
    return str(tomllib.loads(config.read_text(encoding="utf-8"))["linkedin"]["version"])


def run_all(target: Target) -> Report:
    observer = Observer(target)
    for probe in PROBES.values():
        probe(observer)
    return observer.report()


def write_report(report: Report, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")


# ----------------------------------------------------------------------------- comparing


def compare(linkedin: Report, sandbox: Report) -> list[str]:
    """Every difference, one line each: where, what LinkedIn answered, what the sandbox did."""
    theirs, ours = linkedin["observations"], sandbox["observations"]
    lines = []
    for name in sorted(theirs.keys() | ours.keys()):
        if name not in ours:
            lines.append(f"{name}: LinkedIn answered it, the sandbox was never asked")
        elif name not in theirs:
            lines.append(f"{name}: not in the LinkedIn report")
        else:
            lines.extend(_differences(name, theirs[name], ours[name]))
    return lines


def _differences(where: str, theirs: Any, ours: Any) -> list[str]:
    if isinstance(theirs, dict) and isinstance(ours, dict):
        lines = []
        for name in sorted(theirs.keys() | ours.keys()):
            if name not in ours:
                lines.append(f"{where}.{name}: LinkedIn {_show(theirs[name])}, sandbox absent")
            elif name not in theirs:
                lines.append(f"{where}.{name}: LinkedIn absent, sandbox {_show(ours[name])}")
            else:
                lines.extend(_differences(f"{where}.{name}", theirs[name], ours[name]))
        return lines
    if isinstance(theirs, list) and isinstance(ours, list) and theirs and ours:
        return _differences(f"{where}[]", theirs[0], ours[0])
    if theirs != ours:
        return [f"{where}: LinkedIn {_show(theirs)}, sandbox {_show(ours)}"]
    return []


def _show(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)
