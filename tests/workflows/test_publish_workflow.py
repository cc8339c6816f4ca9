"""publish.yml under act: a push to main that merges a due post, and the schedule."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from publisher.sandbox.control import SandboxControl
from tests.publishing import PAGE_SCOPES
from tests.support import CONFIG, git
from tests.workflows.harness import Rehearsal

pytestmark = pytest.mark.slow

POST = "posts/launch.md"
TEXT = "We shipped the dashboard"
LAUNCH = f"""\
---
author: acme
---
{TEXT}, rehearsed under act.
"""
PUSH = {"ref": "refs/heads/main", "repository": {"default_branch": "main"}}
METRICS = {"schedule": "40 5 * * *", "repository": {"default_branch": "main"}}
SCHEDULE = {"schedule": "5-59/15 7-16 * * 1-5", "repository": {"default_branch": "main"}}


def live_posts_with(rehearsal: Rehearsal, text: str) -> int:
    posts = SandboxControl(rehearsal.sandbox_url).state()["posts"]
    return sum(text in p.get("commentary", "") and not p["deleted"] for p in posts)


def test_a_push_to_main_publishes_the_merged_post_once(rehearsal: Rehearsal) -> None:
    rehearsal.create({"publish.toml": CONFIG, "posts/.keep": ""})
    git(rehearsal.checkout, "checkout", "-q", "-b", "launch")
    (rehearsal.checkout / POST).parent.mkdir(exist_ok=True)
    (rehearsal.checkout / POST).write_text(LAUNCH, encoding="utf-8")
    rehearsal.commit("Launch post")
    git(rehearsal.checkout, "checkout", "-q", "main")
    git(rehearsal.checkout, "merge", "-q", "--no-ff", "-m", "Merge the launch post", "launch")
    git(rehearsal.checkout, "push", "-q", "origin", "main")

    run = rehearsal.act("push", "publish.yml", PUSH)

    assert run.code == 0, run.output
    assert live_posts_with(rehearsal, TEXT) == 1
    assert rehearsal.origin_log()[0].startswith("publish: 1 created"), rehearsal.origin_log()
    assert "urn: urn:li:share:" in rehearsal.origin_file(POST)
    assert '"state": "published"' in rehearsal.origin_file(".publish/ledger.json")
    assert git(rehearsal.origin, "log", "-1", "--format=%an").strip() == "github-actions[bot]"
    assert rehearsal.github.alerts() == []
    assert not any(token in run.output for token in rehearsal.secrets.values())
    published = rehearsal.origin_log()

    rehearsal.pull()
    again = rehearsal.act("push", "publish.yml", PUSH)

    assert again.code == 0, again.output
    assert live_posts_with(rehearsal, TEXT) == 1
    assert rehearsal.origin_log() == published  # nothing new to commit
    assert rehearsal.github.alerts() == []


def post_due_now(text: str) -> str:
    """A post scheduled a minute ago: due on the next run, whatever the day."""
    when = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"---\nauthor: acme\nschedule: {when}\n---\n{text}\n"


def test_the_schedule_publishes_alerts_on_failure_and_closes_when_clean(
    rehearsal: Rehearsal,
) -> None:
    rehearsal.create({"publish.toml": CONFIG, POST: post_due_now(f"{TEXT} on schedule.")})

    failed = rehearsal.act("schedule", "publish.yml", SCHEDULE,
                           secrets={"LINKEDIN_ACCESS_TOKEN_ACME": "revoked-token"})

    assert failed.code != 0, failed.output
    assert "::error::publish exited 3" in failed.output
    assert live_posts_with(rehearsal, TEXT) == 0
    [alert] = rehearsal.github.alerts()
    assert alert.state == "open"
    assert "token" in alert.body

    clean = rehearsal.act("schedule", "publish.yml", SCHEDULE)

    assert clean.code == 0, clean.output
    assert live_posts_with(rehearsal, TEXT) == 1
    assert rehearsal.origin_log()[0].startswith("publish: 1 created")
    assert [a.state for a in rehearsal.github.alerts()] == ["closed"]
    assert rehearsal.github.comments_on(alert.number)[-1].body.startswith("Resolved")

    rehearsal.pull()
    (rehearsal.checkout / "posts/next.md").write_text(post_due_now("The next one."),
                                                      encoding="utf-8")
    rehearsal.commit("Next post")
    git(rehearsal.checkout, "push", "-q", "origin", "main")
    SandboxControl(rehearsal.sandbox_url).add_fault("error", method="POST", path="/rest/posts",
                                                    status=429)

    deferred = rehearsal.act("schedule", "publish.yml", SCHEDULE)

    assert deferred.code == 0, deferred.output  # deferred is not failed
    assert "rate limited: the rest is deferred to the next run" in deferred.output
    assert live_posts_with(rehearsal, "The next one.") == 0
    assert [a.state for a in rehearsal.github.alerts()] == ["closed", "open"]


def test_the_daily_metrics_are_committed_to_origin(rehearsal: Rehearsal) -> None:
    control = SandboxControl(rehearsal.sandbox_url)
    admin = control.token("782bbtaQ", [*PAGE_SCOPES, "rw_organization_admin"])
    rehearsal.secrets["LINKEDIN_ACCESS_TOKEN_ACME"] = admin
    rehearsal.create({"publish.toml": CONFIG, POST: LAUNCH})
    assert rehearsal.act("push", "publish.yml", PUSH).code == 0
    urn = json.loads(rehearsal.origin_file(".publish/ledger.json"))["posts"][POST]["urn"]
    control.advance_clock(24 * 3600)

    run = rehearsal.act("schedule", "publish.yml", METRICS)

    assert run.code == 0, run.output
    assert "Run Main Pull the metrics" in run.output
    assert "Run Main Publish" not in run.output  # the daily run only measures
    [snapshot] = map(json.loads, rehearsal.origin_file(".publish/metrics.jsonl").splitlines())
    assert snapshot["urn"] == urn
    assert snapshot["impressions"] > 0
    assert live_posts_with(rehearsal, TEXT) == 1
