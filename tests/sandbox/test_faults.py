"""Injected faults: latency, 5xx, 429, dropped answers, signals, tokens that expire."""

from __future__ import annotations

import subprocess
import time

import pytest
import requests

from publisher.sandbox.control import SandboxControl
from tests.sandbox.helpers import Api, post_body


def test_latency_on_matching_requests_only(control: SandboxControl, alice: Api) -> None:
    control.add_fault("latency", seconds=0.3, method="POST", path="/rest/posts")
    started = time.monotonic()
    assert alice.create_post().status_code == 201
    slow = time.monotonic() - started
    started = time.monotonic()
    assert alice.get("/v2/userinfo").status_code == 200
    fast = time.monotonic() - started
    assert slow >= 0.3
    assert fast < 0.3


@pytest.mark.parametrize(("status", "code", "message"), [
    (500, "INTERNAL_SERVER_ERROR", "Internal Server Error"),
    (503, "SERVICE_UNAVAILABLE", "Service Unavailable"),
    (504, "GATEWAY_TIMEOUT", "Gateway Timeout"),
])
def test_next_n_requests_fail(control: SandboxControl, alice: Api, status: int, code: str,
                              message: str) -> None:
    control.add_fault("error", status=status, times=2, method="POST", path="/rest/posts")
    for index in range(2):
        answer = alice.create_post(commentary=f"try {index}")
        assert answer.status_code == status
        assert answer.json() == {"status": status, "code": code, "message": message}
    assert alice.create_post(commentary="third").status_code == 201
    assert control.posts()[-1]["commentary"] == "third"
    assert len(control.posts()) == 1                         # failed calls created nothing


def test_a_429_now(control: SandboxControl, alice: Api) -> None:
    control.add_fault("error", status=429)
    answer = alice.get("/v2/userinfo")
    assert answer.status_code == 429
    assert answer.json()["code"] == "TOO_MANY_REQUESTS"
    assert "Retry-After" not in answer.headers
    assert alice.get("/v2/userinfo").status_code == 200


@pytest.mark.parametrize(("rate", "failures"), [(1.0, 5), (0.0, 0)])
def test_error_rate(control: SandboxControl, alice: Api, rate: float, failures: int) -> None:
    control.add_fault("error_rate", status=503, rate=rate, path="/v2/*")
    statuses = [alice.get("/v2/userinfo").status_code for _ in range(5)]
    assert statuses.count(503) == failures


def test_error_rate_is_seeded(control: SandboxControl, alice: Api) -> None:
    def run() -> list[int]:
        control.reset(seed=7)
        control.add_member("alice", "Alice Martin")
        api = alice.with_token(control.token("alice", ["openid"]))
        control.add_fault("error_rate", status=503, rate=0.5, path="/v2/*")
        return [api.get("/v2/userinfo").status_code for _ in range(12)]

    first, second = run(), run()
    assert first == second
    assert 0 < first.count(503) < 12


def test_skip_lets_requests_through_first(control: SandboxControl, alice: Api) -> None:
    control.add_fault("error", status=500, skip=2, path="/v2/userinfo")
    assert [alice.get("/v2/userinfo").status_code for _ in range(4)] == [200, 200, 500, 200]


def test_dropped_answer_after_a_post_is_created(control: SandboxControl, alice: Api) -> None:
    control.add_fault("drop", method="POST", path="/rest/posts")
    with pytest.raises(requests.ConnectionError):
        requests.post(alice.base + "/rest/posts", json=post_body(commentary="lost answer"),
                      headers=alice.headers(), timeout=10)
    posts = control.posts()
    assert [p["commentary"] for p in posts] == ["lost answer"]
    retry = alice.create_post(commentary="lost answer")
    assert retry.status_code == 422
    assert posts[0]["urn"] in retry.json()["message"]


def test_drop_waits_for_a_successful_request(control: SandboxControl, alice: Api) -> None:
    control.add_fault("drop", method="POST", path="/rest/posts")
    assert alice.create_post(commentary="").status_code == 400     # not dropped, not counted
    with pytest.raises(requests.ConnectionError):
        alice.create_post(commentary="counted")


def test_signal_after_the_nth_answer(control: SandboxControl, alice: Api) -> None:
    victim = subprocess.Popen(["sleep", "30"])
    try:
        control.add_fault("signal", pid=victim.pid, signal="SIGKILL", after=2,
                          method="POST", path="/rest/posts")
        assert alice.create_post(commentary="first").status_code == 201
        time.sleep(0.1)
        assert victim.poll() is None
        second = alice.create_post(commentary="second")
        assert second.status_code == 201                    # the answer arrives in full
        assert victim.wait(timeout=5) == -9
    finally:
        victim.kill()
        victim.wait()


@pytest.mark.parametrize(("spec", "message"), [
    ({"kind": "explode"}, "fault kind must be one of"),
    ({"kind": "error", "status": 200}, "error faults need a status between 400 and 599"),
    ({"kind": "error_rate", "rate": 2}, "error_rate needs a rate between 0 and 1"),
    ({"kind": "signal"}, "a signal fault needs the pid to signal"),
    ({"kind": "signal", "pid": 1, "signal": "SIGNOPE"}, "unknown signal 'SIGNOPE'"),
    ({"kind": "latency", "sconds": 1}, "unknown fault fields ['sconds']"),
    ({"kind": "expire_token", "token": "nope", "after_calls": 1}, "unknown token"),
])
def test_bad_fault_specs(control: SandboxControl, spec: dict[str, object], message: str) -> None:
    answer = requests.post(control.base_url + "/_sandbox/faults", json=spec, timeout=10)
    assert answer.status_code == 400
    assert message in answer.json()["error"]


def test_faults_can_be_listed_and_cleared(control: SandboxControl, alice: Api) -> None:
    control.add_faults([{"kind": "error", "status": 503}, {"kind": "latency", "seconds": 0.01}])
    assert [f["kind"] for f in control.faults()["faults"]] == ["error", "latency"]
    control.clear_faults()
    assert control.faults()["faults"] == []
    assert alice.get("/v2/userinfo").status_code == 200


def test_control_routes_are_never_faulted(control: SandboxControl) -> None:
    control.add_fault("error", status=500, times=None)
    assert control.state()["posts"] == []
