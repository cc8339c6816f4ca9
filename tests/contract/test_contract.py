"""The contract suite: what LinkedIn answers to the calls `publish` relies on.

The same tests run against the sandbox (always: as a member and as a page) and against
LinkedIn itself when LINKEDIN_CONTRACT_TOKEN is set (docs/contract.md); without a token
the LinkedIn run is skipped. Each run writes its observations to a JSON report, which
`python scripts/contract_diff.py REPORT` compares with the sandbox's answers.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.contract import probes
from tests.contract.probes import Observation, Observer

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", params=["sandbox-member", "sandbox-page", "linkedin"])
def observer(request: pytest.FixtureRequest,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[Observer]:
    if request.param == "linkedin":
        target = probes.linkedin_target(os.environ)
        if target is None:
            pytest.skip("no LINKEDIN_CONTRACT_TOKEN: the suite runs against LinkedIn only "
                        "when a token is set (docs/contract.md)")
        seen = Observer(target)
        yield seen
        report = os.environ.get("LINKEDIN_CONTRACT_REPORT", "contract-report.json")
        probes.write_report(seen.report(), Path(report))
        return
    with probes.sandbox_target(request.param.removeprefix("sandbox-")) as target:
        seen = Observer(target)
        yield seen
    probes.write_report(seen.report(), tmp_path_factory.mktemp("contract") / "report.json")


def seen(observer: Observer, name: str) -> Observation:
    assert name in observer.observations, f"{name} was not called"
    return observer.observations[name]


def is_page(observer: Observer) -> bool:
    return observer.target.kind == "page"


def test_userinfo(observer: Observer) -> None:
    probes.userinfo(observer)
    answer = seen(observer, "userinfo")
    if is_page(observer):  # a page app has no openid: the product never asks userinfo there
        assert answer["status"] == 403, answer
    else:
        assert answer["status"] == 200, answer
        assert {"sub", "name"} <= answer["body"].keys()


def test_a_bad_token_is_401(observer: Observer) -> None:
    probes.bad_token(observer)
    for name in ("bad_token.userinfo", "bad_token.rest"):
        assert seen(observer, name)["status"] == 401, seen(observer, name)
    assert seen(observer, "bad_token.rest")["body"]["serviceErrorCode"] == 65600


def test_a_text_post_is_created_then_deleted(observer: Observer) -> None:
    probes.text_post(observer)
    created = seen(observer, "text_post.create")
    assert created["status"] == 201, created
    assert created["headers"]["x-restli-id"].startswith("urn:li:share:"), created
    assert seen(observer, "text_post.delete")["status"] == 204
    assert seen(observer, "text_post.get_deleted")["status"] in (403, 404)


def test_a_read_back_returns_the_commentary(observer: Observer) -> None:
    probes.read_back(observer)
    got = seen(observer, "read_back.get")
    if is_page(observer):  # r_organization_social reads a page's posts; a member app cannot
        assert got["status"] == 200, got
        assert got["body"]["commentary"] == "string"
        assert got["facts"]["commentary"] in ("as sent", "other"), got
    else:
        assert got["status"] == 403, got


def test_an_edit_is_a_partial_update(observer: Observer) -> None:
    probes.edit(observer)
    assert seen(observer, "edit.update")["status"] == 204, seen(observer, "edit.update")


def test_a_comment_names_the_activity(observer: Observer) -> None:
    probes.comment(observer)
    created = seen(observer, "comment.create")
    assert created["status"] == 201, created
    assert created["body"]["$URN"] == "urn:li:comment:(urn:li:activity:…,N)", created
    assert created["body"]["object"] == "urn:li:activity:…"


def test_a_duplicate_is_422_naming_the_first_post(observer: Observer) -> None:
    probes.duplicate(observer)
    again = seen(observer, "duplicate.create_again")
    assert again["status"] == 422, again
    assert again["body"]["errorDetails"]["inputErrors"][0]["code"] == "DUPLICATE_POST"
    assert again["facts"]["names_the_first_post"] is True


def test_a_missing_and_a_retired_version_header(observer: Observer) -> None:
    probes.versions(observer)
    assert seen(observer, "version_missing")["status"] == 400
    retired = seen(observer, "version_retired")
    assert retired["status"] == 426, retired
    assert retired["body"]["code"] == "NONEXISTENT_VERSION"


def test_an_unescaped_reserved_character_is_accepted(observer: Observer) -> None:
    probes.unescaped(observer)
    assert seen(observer, "unescaped.create")["status"] == 201
    got = seen(observer, "unescaped.get")
    if is_page(observer):
        assert got["facts"]["commentary"] in ("cut at the unescaped character", "as sent"), got


def test_an_image_post_keeps_its_alt_text(observer: Observer) -> None:
    probes.image_post(observer)
    assert seen(observer, "image.initialize")["status"] == 200
    assert seen(observer, "image.upload")["status"] in (200, 201)
    created = seen(observer, "image_post.create")
    assert created["status"] == 201, created
    if is_page(observer):
        assert seen(observer, "image_post.get")["facts"]["alt_text_kept"] is True


# ----------------------------------------------------------------------------- the diff


def test_compare_lists_every_difference() -> None:
    linkedin = {"observations": {
        "a": {"status": 201, "headers": {"x-restli-id": "urn:li:share:…"}, "body": None},
        "b": {"status": 422, "body": {"code": "DUPLICATE_POST", "list": [{"x": "string"}]}},
        "only_theirs": {"status": 200},
    }}
    sandbox = {"observations": {
        "a": {"status": 201, "headers": {"x-restli-id": "urn:li:ugcPost:…"}, "body": None},
        "b": {"status": 422, "body": {"code": "DUPLICATE", "list": [{"y": "number"}]}},
    }}
    assert probes.compare(linkedin, sandbox) == [
        'a.headers.x-restli-id: LinkedIn "urn:li:share:…", sandbox "urn:li:ugcPost:…"',
        'b.body.code: LinkedIn "DUPLICATE_POST", sandbox "DUPLICATE"',
        'b.body.list[].x: LinkedIn "string", sandbox absent',
        'b.body.list[].y: LinkedIn absent, sandbox "number"',
        "only_theirs: LinkedIn answered it, the sandbox was never asked",
    ]
    assert probes.compare(sandbox, sandbox) == []


def test_the_diff_command_replays_a_report_on_the_sandbox(tmp_path: Path) -> None:
    with probes.sandbox_target("page") as target:
        report = probes.run_all(target)
    report["target"] = "linkedin"
    report["observations"]["duplicate.create_again"]["status"] = 400  # as if LinkedIn said so
    path = tmp_path / "contract-report.json"
    probes.write_report(report, path)
    run = subprocess.run([sys.executable, str(REPO / "scripts" / "contract_diff.py"), str(path)],
                         capture_output=True, text=True, cwd=tmp_path, check=False)
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.splitlines() == [
        "duplicate.create_again.status: LinkedIn 400, sandbox 422",
        "1 difference between LinkedIn and the sandbox (page, version 202611)",
    ]
