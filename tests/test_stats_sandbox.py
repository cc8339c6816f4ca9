"""`publish stats` and `publish report` end to end: the real CLI, client and sandbox.

Expected figures come from the sandbox's published formula (docs/sandbox.md), computed
here from each post's URN and creation time, never from what `publish` wrote.
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from publisher.linkedin.analytics import _statistics_queries
from publisher.linkedin.client import LinkedInClient
from publisher.linkedin.transport import Transport
from publisher.sandbox.control import SandboxControl
from publisher.sandbox.metrics import post_metrics
from tests.builders import repository
from tests.publishing import World

SEED = 9
ACME = "urn:li:organization:2414183"
PERSON_SCOPES = ["openid", "profile", "email", "w_member_social", "r_member_postAnalytics"]
PAGE_SCOPES = ["w_member_social", "w_organization_social", "r_organization_social",
               "rw_organization_admin"]
HOUR = 3600
POSTS = {
    "posts/a-hook.md": """\
        ---
        author: acme
        schedule: 2026-12-01 09:00
        experiment: {name: hook, variant: A}
        ---
        Variant A of the hook.
        """,
    "posts/b-hook.md": """\
        ---
        author: acme
        schedule: 2026-12-01 09:01
        experiment: {name: hook, variant: B}
        first_comment: More on our blog.
        ---
        Variant B of the hook.
        """,
    "posts/c-jane.md": """\
        ---
        author: jane
        schedule: 2026-12-01 09:02
        ---
        A post from Jane.
        """,
}


SANDBOX_SEED = SEED  # the sandbox_url fixture (tests/conftest.py) starts it


def make_world(root: Path, url: str, posts: dict[str, str] = POSTS,
               person_scopes: list[str] = PERSON_SCOPES,
               page_scopes: list[str] = PAGE_SCOPES) -> World:
    repository(root, posts)
    control = SandboxControl(url)
    control.reset(seed=SEED)
    control.set_clock("2026-12-01T09:00:00Z")
    control.add_member("782bbtaQ", "Jane Doe")
    control.add_organization(2414183, "Acme Corp", admins=["782bbtaQ"])
    world = World(root, url, control)
    world.tokens = {"jane": control.token("782bbtaQ", person_scopes),
                    "acme": control.token("782bbtaQ", page_scopes)}
    return world


@pytest.fixture
def world(tmp_path: Path, sandbox_url: str) -> World:
    world = make_world(tmp_path / "repo", sandbox_url)
    assert world.publish().code == 0
    return world


def at(world: World, hours: float) -> str:
    """Move the sandbox clock to `hours` after 2026-12-01 09:00 UTC; returns that time."""
    moment = datetime(2026, 12, 1, 9, tzinfo=UTC).timestamp() + hours * HOUR
    text = datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    world.control.set_clock(text)
    return text


def expected(world: World, post: str, when: str) -> dict[str, Any]:
    """The sandbox's figures for a post at `when`, by its formula."""
    urn = world.entry(post)["urn"]
    state = next(p for p in world.control.posts() if p["urn"] == urn)
    at_ms = int(datetime.fromisoformat(when.replace("Z", "+00:00")).timestamp() * 1000)
    comments = sum(1 for c in world.control.state()["comments"] if c["object"] == urn)
    f = post_metrics(SEED, urn, state["createdAt"], at_ms, comments)
    return {"impressions": f.impressions, "unique_impressions": f.members_reached,
            "clicks": f.clicks, "reactions": f.total_reactions, "comments": f.comments,
            "reshares": f.reshares}


def metrics(world: World) -> list[dict[str, Any]]:
    path = world.root / ".publish/metrics.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def analytics_calls(world: World) -> list[str]:
    return [f"{c['method']} {c['path']}" for c in world.calls()
            if "Statistics" in c["path"] or "Analytics" in c["path"]
            or "socialMetadata" in c["path"]]


def test_stats_appends_one_snapshot_per_post_with_the_sandbox_figures(world: World) -> None:
    when = at(world, 50)
    run = world.publish("stats", now=when)
    assert run.code == 0, run.output
    assert "Measured 3 of 3 published posts: 3 lines appended to .publish/metrics.jsonl" \
        in run.output
    lines = {line["post"]: line for line in metrics(world)}
    assert set(lines) == set(POSTS)
    for post, line in lines.items():
        figures = expected(world, post, when)
        assert {k: line[k] for k in figures} == figures, post
        engagements = figures["clicks"] + figures["reactions"] + figures["comments"]
        assert line["engagement"] == round(engagements / figures["impressions"], 6)
        assert line["time"] == when
        assert line["urn"] == world.entry(post)["urn"]
    assert lines["posts/b-hook.md"]["comments"] >= 1      # the first comment counts
    for token in world.tokens.values():
        assert token not in run.output
        assert token not in (world.root / ".publish/metrics.jsonl").read_text()


def test_pages_are_batched_and_members_asked_once_per_metric(world: World) -> None:
    world.publish("stats", now=at(world, 5))
    calls = analytics_calls(world)
    assert calls.count("GET /rest/organizationalEntityShareStatistics") == 1   # both posts
    assert calls.count("GET /rest/socialMetadata") == 1
    assert calls.count("GET /rest/memberCreatorPostAnalytics") == 6            # six metrics


def test_posts_without_activity_count_as_zero(tmp_path: Path, sandbox_url: str) -> None:
    world = make_world(tmp_path / "repo", sandbox_url)
    assert world.publish().code == 0
    run = world.publish("stats", now=at(world, 0.05))     # three minutes: nobody saw them yet
    assert run.code == 0, run.output
    for line in metrics(world):
        assert line["impressions"] == 0
        assert line["engagement"] == 0.0


def test_a_missing_scope_names_it_and_the_author_and_the_others_go_on(
        tmp_path: Path, sandbox_url: str) -> None:
    world = make_world(tmp_path / "repo", sandbox_url,
                       person_scopes=["openid", "profile", "w_member_social"])
    assert world.publish().code == 0
    run = world.publish("stats", now=at(world, 24))
    assert run.code == 1
    assert ("Error: jane (urn:li:person:782bbtaQ): no metrics: the token lacks the "
            "r_member_postAnalytics scope (memberCreatorPostAnalytics); only the page app "
            "grants it: `publish login --app page` for this author") in run.output
    assert sorted(line["post"] for line in metrics(world)) == ["posts/a-hook.md",
                                                               "posts/b-hook.md"]


def test_a_page_token_without_admin_scope(tmp_path: Path, sandbox_url: str) -> None:
    world = make_world(tmp_path / "repo", sandbox_url,
                       page_scopes=["w_organization_social", "r_organization_social"])
    assert world.publish().code == 0
    run = world.publish("stats", now=at(world, 24))
    assert run.code == 1
    assert ("acme (urn:li:organization:2414183): no metrics: the token lacks the "
            "rw_organization_admin scope and the ADMINISTRATOR role on the page") in run.output
    assert [line["post"] for line in metrics(world)] == ["posts/c-jane.md"]


def test_without_read_scope_a_page_counts_likes_only(tmp_path: Path, sandbox_url: str) -> None:
    world = make_world(tmp_path / "repo", sandbox_url,
                       page_scopes=["w_organization_social", "rw_organization_admin"])
    assert world.publish().code == 0
    when = at(world, 30)
    run = world.publish("stats", now=when)
    assert run.code == 0, run.output
    assert "reactions count only \"Like\": the token lacks r_organization_social" in run.output
    line = next(m for m in metrics(world) if m["post"] == "posts/a-hook.md")
    urn = world.entry("posts/a-hook.md")["urn"]
    state = next(p for p in world.control.posts() if p["urn"] == urn)
    at_ms = int(datetime.fromisoformat(when.replace("Z", "+00:00")).timestamp() * 1000)
    assert line["reactions"] == post_metrics(SEED, urn, state["createdAt"], at_ms).likes


def test_since_measures_only_later_posts(tmp_path: Path, sandbox_url: str) -> None:
    later = {**POSTS, "posts/d-later.md": POSTS["posts/c-jane.md"].replace(
        "2026-12-01 09:02", "2026-12-03 09:00").replace("A post", "A later post")}
    world = make_world(tmp_path / "repo", sandbox_url, posts=later)
    # Published when the sandbox says it is 3 December: a post's time is LinkedIn's. The
    # earlier posts expired unposted, which fails the run: only the later one is out.
    published = world.publish(now=at(world, 48))
    assert published.code == 1 and "expired: posts/a-hook.md" in published.output
    run = world.publish("stats", "--since", "2026-12-02", now=at(world, 72))
    assert run.code == 0, run.output
    assert [line["post"] for line in metrics(world)] == ["posts/d-later.md"]


def test_report_over_two_collections(world: World, tmp_path: Path) -> None:
    first, second = at(world, 24), at(world, 96)
    world.control.set_clock(first)
    assert world.publish("stats", now=first).code == 0
    world.control.set_clock(second)
    assert world.publish("stats", "--commit", now=second).code == 0
    assert world.commits()[0] == "stats: 3 posts measured"
    assert len(metrics(world)) == 6

    text = world.publish("report", now=None).output
    a, b = expected(world, "posts/a-hook.md", second), expected(world, "posts/b-hook.md", second)
    verdict = _verdict(a, b)
    assert f"  hook: {verdict}" in text, text

    table = world.publish("report", "--format", "csv", now=None).output
    rows = {r["post"]: r for r in csv.DictReader(io.StringIO(table))}
    assert int(rows["posts/a-hook.md"]["impressions"]) == a["impressions"]
    assert rows["posts/b-hook.md"]["variant"] == "B"
    assert rows["posts/c-jane.md"]["author"] == "jane"

    page = tmp_path / "report.html"
    run = world.publish("report", "--format", "html", "--out", str(page), now=None)
    assert run.output == f"Wrote {page} (3 posts, html)\n"
    html = page.read_text(encoding="utf-8")
    assert html.count("<polyline") == 3            # one line per post, two points each
    assert "<script" not in html and verdict.split(":")[0] in html


def _verdict(a: dict[str, Any], b: dict[str, Any]) -> str:
    """The report's first words on the experiment, worked out from the raw figures."""
    def engaged(f: dict[str, Any]) -> int:
        return int(f["clicks"] + f["reactions"] + f["comments"])

    rates = {"A": engaged(a) / a["impressions"], "B": engaged(b) / b["impressions"]}
    leader, other = sorted(rates, key=lambda k: -rates[k])
    figures = {"A": a, "B": b}
    x1, n1 = engaged(figures[leader]), figures[leader]["impressions"]
    x2, n2 = engaged(figures[other]), figures[other]["impressions"]
    pooled = (x1 + x2) / (n1 + n2)
    z = (x1 / n1 - x2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    p = math.erfc(abs(z) / math.sqrt(2))
    if p < 0.05:
        return f"{leader} wins: {rates[leader]:.2%} vs {rates[other]:.2%} for {other} (p = {p:.3g})"
    return f"no winner yet (p = {p:.3g})"


def test_report_names_a_broken_metrics_line(world: World) -> None:
    path = world.root / ".publish/metrics.jsonl"
    path.write_text('{"time": \n', encoding="utf-8")
    run = world.publish("report", now=None)
    assert run.code == 2
    assert run.output.startswith("Error: .publish/metrics.jsonl:1: not valid JSON")


def test_page_statistics_ask_for_as_many_posts_per_call_as_fit(sandbox_url: str) -> None:
    control = SandboxControl(sandbox_url)
    control.reset(seed=SEED)
    control.set_clock("2026-12-01T09:00:00Z")
    control.add_member("782bbtaQ", "Jane Doe")
    control.add_organization(2414183, "Acme Corp", admins=["782bbtaQ"])
    client = LinkedInClient(Transport(sandbox_url, f"{sandbox_url}/oauth/v2", "202611"),
                            control.token("782bbtaQ", PAGE_SCOPES))
    urns = [client.create_post({"author": ACME, "commentary": f"Post {n}",
                                "visibility": "PUBLIC", "lifecycleState": "PUBLISHED",
                                "distribution": {"feedDistribution": "MAIN_FEED"}})
            for n in range(150)]
    control.advance_clock(2 * HOUR)
    before = len(control.state()["request_log"])
    found = client.share_statistics(ACME, urns)
    calls = control.state()["request_log"][before:]
    # An encoded share URN is 38 characters plus a comma: about 100 fit under 4000.
    assert [c["route"] for c in calls] == ["/rest/organizationalEntityShareStatistics"] * 2
    queries = list(_statistics_queries(ACME, urns))
    assert len(queries) == 2 and all(len(q) <= 4000 for q in queries)
    assert len(queries[0]) > 3950           # the first call is as full as it may be
    assert set(found) == set(urns)
    assert all(s.impressions > 0 for s in found.values())


def test_an_author_without_a_token_is_named(world: World) -> None:
    del world.tokens["jane"]
    run = world.publish("stats", now=at(world, 24))
    assert run.code == 1
    assert ("Error: jane (urn:li:person:782bbtaQ): no metrics: no LinkedIn token for author "
            "'jane'") in run.output
    assert len(metrics(world)) == 2
