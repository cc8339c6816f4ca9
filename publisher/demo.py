"""`publish demo`: the whole job on the example posts, against the in-process sandbox.

It copies the example posts into a new git repository in a temporary folder, starts the
LinkedIn sandbox on 127.0.0.1, gives it the members, the page and the tokens the
examples need, then runs the real sync once at the start and once at each scheduled time
(with the sandbox clock moved along), so every example is published on its schedule.
Each step is yielded to the caller, which prints it.

The story is anchored to the examples, not to today: it starts a day before the first
example is due, with the sandbox's clock and the plan's time set there, so the demo
tells the same story on any day it is run (the examples' dates are fixed in their files,
and the sandbox serves the API versions of the twelve months up to its clock).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from publisher import analytics, gitops
from publisher.config import Config, load_config
from publisher.errors import PublisherError
from publisher.plan import Plan, PlanOptions
from publisher.planview import when
from publisher.sandbox import client_environ, running_sandbox
from publisher.sandbox.control import SandboxControl
from publisher.sources import make_plan
from publisher.sync import Clients, SyncOptions, SyncResult, run_sync

CHECKOUT = Path(__file__).resolve().parent.parent
MEMBERS = {"782bbtaQ": "Jane Doe", "Rk7mQ2xZ": "Sam Rivera"}
ORGANIZATIONS = {"2414183": ("Acme Corp", ["782bbtaQ"]), "1337": ("Globex Corporation", [])}
PERSON_SCOPES = ["openid", "profile", "email", "w_member_social", "r_member_postAnalytics"]
STATS_AFTER_DAYS = 3
LEAD_TIME = timedelta(days=1)        # the first sync runs this long before the first example
PAGE_SCOPES = ["w_member_social", "w_organization_social", "r_organization_social",
               "rw_organization_admin"]


@dataclass(frozen=True)
class Step:
    """One sync of the demo: when it ran, what it planned, what happened."""

    title: str
    now: datetime
    plan: Plan
    result: SyncResult | None


@dataclass(frozen=True)
class Start:
    """When the story starts: the sandbox's clock and the first sync's time."""

    at: datetime


@dataclass(frozen=True)
class Finished:
    repo: Path
    feed: Path
    ledger: Path
    sandbox_url: str
    stats: analytics.StatsResult | None = None      # metrics a few days after the last sync
    summary: analytics.Summary | None = None


def examples_root(source: Path | None = None) -> Path:
    root = source or CHECKOUT
    if not (root / "publish.toml").is_file() or not (root / "posts").is_dir():
        raise PublisherError(
            f"no example posts at {root}: run `publish demo` from a checkout of this project, "
            "or pass --examples DIR (a folder with publish.toml and posts/)"
        )
    return root


def prepare(workdir: Path, source: Path) -> Path:
    """A new git repository holding the examples' publish.toml and posts/."""
    repo = workdir / "content"
    repo.mkdir(parents=True)
    shutil.copy2(source / "publish.toml", repo / "publish.toml")
    shutil.copytree(source / "posts", repo / "posts")
    gitops.new_repository(repo, "Example posts", "publish demo", "demo@example.com")
    return repo


def seed(control: SandboxControl, config: Config, now: datetime) -> dict[str, str]:
    """Members, pages and one token per author; returns the token environment."""
    control.set_clock(now)
    for member, name in MEMBERS.items():
        control.add_member(member, name)
    for org, (name, admins) in ORGANIZATIONS.items():
        control.add_organization(org, name, admins)
    environ = {}
    for alias, urn in config.authors.items():
        if urn.startswith("urn:li:person:"):
            token = control.token(urn.rsplit(":", 1)[1], PERSON_SCOPES)
        else:
            token = control.token("782bbtaQ", PAGE_SCOPES)
        environ[f"LINKEDIN_ACCESS_TOKEN_{alias.upper()}"] = token
    return environ


def story_start(config: Config, today: datetime) -> datetime:
    """A day before the first example that will be published; `today` if none is scheduled.

    Drafts and invalid posts do not count: the story starts where publishing does.
    """
    plan = make_plan(config, today, PlanOptions(allow_dirty=True))[1]
    times = [c.scheduled_for for c in plan.changes
             if c.scheduled_for is not None and c.action not in ("skip", "blocked")]
    if not times:
        return today
    return (min(times) - LEAD_TIME).astimezone(UTC).replace(second=0, microsecond=0)


def rehearsal_times(config: Config, start: datetime) -> list[datetime]:
    """Now, then one minute after each distinct schedule time still to come."""
    plan = make_plan(config, start, PlanOptions(allow_dirty=True))[1]
    times = sorted({c.scheduled_for for c in plan.changes
                    if c.scheduled_for and c.scheduled_for > start and c.action == "wait"})
    return [start, *(t + timedelta(minutes=1) for t in times)]


def run_demo(workdir: Path | None = None, source: Path | None = None,
             start: datetime | None = None) -> Iterator[Start | Step | Finished]:
    folder = workdir or Path(tempfile.mkdtemp(prefix="publish-demo-"))
    repo = prepare(folder, examples_root(source))
    with running_sandbox(seed=1) as url:
        control = SandboxControl(url)
        environ = client_environ(url)
        config = load_config(repo, environ=environ)
        start = start or story_start(config, datetime.now(UTC).replace(second=0, microsecond=0))
        yield Start(start)
        tokens = seed(control, config, start)
        clients = Clients(config, environ=tokens)
        for now in rehearsal_times(config, start):
            control.set_clock(now)
            # As the plan under it says its time: UTC, and the team's zone beside it.
            title = f"Sync at {when(now, config.defaults.timezone, now)}"
            options = SyncOptions(plan=PlanOptions(per_author_per_day=config.per_author_per_day))
            result = run_sync(config, now, options, client_for=clients)
            yield Step(title, now, result.plan, result)
        feed = folder / "feed.html"
        feed.write_text(control.feed_html(), encoding="utf-8")
        # A few days on, so the posts have been seen and the report has something to say.
        later = now + timedelta(days=STATS_AFTER_DAYS)
        control.set_clock(later)
        # Committed, as the daily metrics job does: the demo leaves a clean repository.
        stats = analytics.run_stats(config, clients, later, commit=True)
        yield Finished(repo=repo, feed=feed, ledger=config.ledger_path, sandbox_url=url,
                       stats=stats, summary=analytics.load_summary(config))
