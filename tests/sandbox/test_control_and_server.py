"""Control routes, the state dump, the feed page, persistence and the blocking server."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from publisher.sandbox import running_sandbox
from publisher.sandbox.control import SandboxControl
from tests.sandbox.helpers import ACME, ALICE, NOW, Api, key

ROOT = Path(__file__).resolve().parents[2]


def test_state_lists_posts_as_received_and_as_shown(control: SandboxControl, alice: Api) -> None:
    urn = alice.created_urn(commentary="Shown (not this)")
    alice.delete(f"/rest/posts/{key(urn)}")
    state = control.state()
    assert state["posts"] == [{
        "urn": urn, "author": ALICE, "commentary": "Shown (not this)", "text": "Shown ",
        "cut_at": 6, "content": None, "content_kind": "text", "visibility": "PUBLIC",
        "lifecycleState": "PUBLISHED", "edited": False, "deleted": True,
        "created_at": "2026-03-10T12:00:00.000Z", "createdAt": 1773144000000,
        "lastModifiedAt": 1773144000000, "deletedAt": 1773144000000,
        "client_id": "sandbox-client"}]
    assert state["requests"] == {"DELETE /rest/posts/{key}": 1, "POST /rest/posts": 1}
    assert state["clock"] == {"now": "2026-03-10T12:00:00.000Z", "epoch_ms": 1773144000000,
                              "frozen": True}
    assert {m["id"] for m in state["members"]} == {"sandbox-member", "alice", "bob"}


def test_request_counts_per_route(control: SandboxControl, alice: Api) -> None:
    alice.get("/v2/userinfo")
    alice.get("/v2/userinfo")
    alice.get("/rest/nothing")
    alice.post("/rest/images?action=initializeUpload",
               json={"initializeUploadRequest": {"owner": ALICE}})
    assert control.state()["requests"] == {"GET (not implemented)": 1, "GET /v2/userinfo": 2,
                                           "POST /rest/images": 1}


def test_feed_escapes_everything(control: SandboxControl, alice: Api) -> None:
    alice.created_urn(commentary="Tags \\<b\\>bold\\</b\\> & \"quotes\" \\<script\\>x")
    control.add_organization(2414183, "Acme <Corp>", admins=["alice"])
    alice.created_urn(author=ACME, commentary="From the page")
    page = control.feed_html()
    assert "<script>" not in page and "<b>" not in page
    assert "Tags &lt;b&gt;bold&lt;/b&gt; &amp; &#34;quotes&#34; &lt;script&gt;x" in page
    assert "Acme &lt;Corp&gt;" in page


def test_feed_shows_media_placeholders_and_hides_deleted_posts(control: SandboxControl,
                                                               alice: Api) -> None:
    alice.created_urn(commentary="Read this", content={"article": {
        "source": "https://example.com/post", "title": "A title"}})
    gone = alice.created_urn(commentary="Soon gone")
    alice.delete(f"/rest/posts/{key(gone)}")
    page = control.feed_html()
    assert '<a class="attachment article" href="https://example.com/post">' in page
    assert "<strong>A title</strong><span>example.com</span>" in page
    assert "Soon gone" not in page


def test_reset_forgets_everything_but_the_defaults(control: SandboxControl, alice: Api) -> None:
    alice.created_urn()
    control.configure(strict_little_text=True)
    control.reset()
    state = control.state()
    assert state["posts"] == []
    assert [m["id"] for m in state["members"]] == ["sandbox-member"]
    assert state["options"]["strict_little_text"] is False
    assert [a["client_id"] for a in state["apps"]] == [
        "sandbox-client", "sandbox-member-app", "sandbox-page-app"]


def test_a_reset_sets_up_a_whole_cast_in_one_request(control: SandboxControl,
                                                     base_url: str) -> None:
    answer = control.reset(
        seed=3, options={"strict_little_text": True}, clock={"now": "2026-05-01T08:00:00Z"},
        members=[{"id": "carol", "name": "Carol Diaz"}],
        organizations=[{"id": "77", "name": "Diaz Co", "admins": ["carol"]}],
        apps=[{"client_id": "cast-app", "client_secret": "s", "redirect_uris": ["http://x"]}],
        tokens=[{"member": "carol", "scopes": ["openid", "w_member_social"]},
                {"member": "carol", "scopes": ["w_organization_social"],
                 "client_id": "cast-app"}])
    assert answer["seed"] == 3
    state = control.state()
    assert [m["id"] for m in state["members"]] == ["sandbox-member", "carol"]
    assert [o["name"] for o in state["organizations"]][-1] == "Diaz Co"
    assert state["options"]["strict_little_text"] is True
    assert state["clock"]["now"].startswith("2026-05-01T08:00:00")
    person, page = (token["access_token"] for token in answer["tokens"])
    me = Api(base_url, person).get("/v2/userinfo")
    assert me.status_code == 200 and me.json()["sub"] == "carol"
    assert answer["tokens"][1]["scope"] == "w_organization_social"
    assert page != person


@pytest.mark.parametrize(("body", "message"), [
    ({"seed": 1, "memebrs": []}, "reset: unknown keys ['memebrs']"),
    ({"members": {"id": "x"}}, "reset: members must be a list of JSON objects"),
    ({"clock": "2026-05-01"}, "reset: clock must be a JSON object"),
])
def test_a_reset_with_a_wrong_cast_resets_nothing(control: SandboxControl, alice: Api,
                                                  body: dict[str, object], message: str) -> None:
    alice.created_urn()
    answer = requests.post(f"{control.base_url}/_sandbox/reset", json=body, timeout=10)
    assert answer.status_code == 400
    assert message in answer.json()["error"]
    assert len(control.state()["posts"]) == 1


@pytest.mark.parametrize(("route", "body", "message"), [
    ("members", {"id": "has space", "name": "X"}, "member id must be letters"),
    ("members", {"id": "x"}, "member name is required"),
    ("organizations", {"id": "acme", "name": "Acme"}, "organization id must be digits"),
    ("organizations", {"id": "1", "name": "A", "roles": {"x": "BOSS"}},
     "unknown organization roles"),
    ("apps", {"client_id": "a"}, "an app needs client_id and client_secret"),
    ("tokens", {"member": "ghost", "scopes": []}, "unknown member 'ghost'"),
    ("clock", {"now": "yesterday"}, "not an ISO 8601 time"),
    ("clock", {}, 'give {"now": ISO 8601} or {"advance": seconds}'),
    ("config", {"strict_little_txt": True}, "unknown sandbox option 'strict_little_txt'"),
    ("config", {"member_daily_limit": "lots"}, "member_daily_limit must be an integer"),
    ("config", {"video_part_bytes": 0}, "video_part_bytes must be at least 1"),
    ("authorize", {"client_id": "sandbox-client", "redirect_uri": "x", "scope": ["openid"]},
     "Redirect_uri doesn't match"),
])
def test_control_errors(control: SandboxControl, route: str, body: dict[str, object],
                        message: str) -> None:
    answer = requests.post(f"{control.base_url}/_sandbox/{route}", json=body, timeout=10)
    assert answer.status_code == 400
    assert message in answer.json()["error"]


def test_a_refused_config_changes_nothing(control: SandboxControl) -> None:
    before = control.config()
    answer = requests.post(f"{control.base_url}/_sandbox/config", timeout=10,
                           json={"strict_little_text": True, "video_part_bytes": 0})
    assert answer.status_code == 400
    assert control.config() == before


def test_authorize_shortcut(control: SandboxControl, base_url: str) -> None:
    code = control.authorize("sandbox-client", "http://localhost:3000/callback",
                             ["openid", "w_member_social"], "alice")
    answer = requests.post(f"{base_url}/oauth/v2/accessToken", timeout=10, data={
        "grant_type": "authorization_code", "code": code, "client_id": "sandbox-client",
        "client_secret": "sandbox-secret", "redirect_uri": "http://localhost:3000/callback"})
    assert answer.json()["scope"] == "openid,w_member_social"


def test_running_clock_keeps_ticking(control: SandboxControl) -> None:
    control.set_clock("2030-01-01T00:00:00Z", running=True)
    clock = control.clock()
    assert clock["frozen"] is False
    assert clock["now"].startswith("2030-01-01T00:00:0")


def test_options_of_running_sandbox() -> None:
    with running_sandbox(seed=1, strict_little_text=True, member_daily_limit=5) as base:
        options = SandboxControl(base).config()
    assert options["strict_little_text"] is True
    assert options["member_daily_limit"] == 5
    with pytest.raises(ValueError, match="unknown sandbox option 'nope'"), \
            running_sandbox(nope=True):
        pass


def test_state_file_survives_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "sandbox.json"
    with running_sandbox(seed=3, state=state) as base:
        control = SandboxControl(base)
        control.set_clock(NOW)
        api = Api(base, control.token("sandbox-member", ["w_member_social"]))
        first = api.created_urn(author="urn:li:person:sandbox-member", commentary="kept")
        token = api.token
    assert json.loads(state.read_text())["posts"][0]["urn"] == first
    with running_sandbox(seed=3, state=state) as base:
        control = SandboxControl(base)
        api = Api(base, token)
        assert [p["urn"] for p in control.posts()] == [first]
        assert api.create_post(author="urn:li:person:sandbox-member",
                               commentary="kept").status_code == 422      # dedupe survives
        second = api.created_urn(author="urn:li:person:sandbox-member", commentary="new")
    with running_sandbox(seed=3) as base:                 # the same calls without restart
        control = SandboxControl(base)
        control.set_clock(NOW)
        fresh = Api(base, control.token("sandbox-member", ["w_member_social"]))
        assert fresh.created_urn(author="urn:li:person:sandbox-member",
                                 commentary="kept") == first
        assert fresh.created_urn(author="urn:li:person:sandbox-member",
                                 commentary="new") == second


SERVE = """
import sys
from pathlib import Path
from publisher.sandbox.server import serve
serve("127.0.0.1", 0, 5, Path(sys.argv[1]), on_ready=lambda ready: print(ready.url, flush=True))
"""


def test_blocking_serve_saves_state_on_interrupt(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    process = subprocess.Popen([sys.executable, "-c", SERVE, str(state)], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        base = process.stdout.readline().strip()
        assert base.startswith("http://127.0.0.1:")
        control = SandboxControl(base)
        control.add_member("carol", "Carol Diaz")
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
    finally:
        process.kill()
    saved = json.loads(state.read_text())
    assert "carol" in {m["id"] for m in saved["members"]}
    assert saved["seed"] == 5
