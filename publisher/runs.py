"""When a scheduled post actually goes out: the first run of the publishing workflow's
schedule at or after its time (a push to main in between publishes it sooner).

The schedule is read from `.github/workflows/publish.yml`: every `- cron: "..."` line of
it, except the crons a job condition sends elsewhere with
`github.event.schedule != '<cron>'` (how the daily metrics run is kept from publishing).
Read line by line rather than as YAML, so a plan does not pay for a YAML parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from publisher.cron import CronError, Schedule, parse_cron
from publisher.errors import Diagnostic
from publisher.plan import Change, Plan
from publisher.utc import format_utc

if TYPE_CHECKING:
    from publisher.post import Post

WORKFLOW = ".github/workflows/publish.yml"
# A post that goes out more than this after its time is warned of, even when it would
# not expire: the team most likely did not mean it (a Saturday post, a Mon-Fri schedule).
LATE = timedelta(hours=1)
_CRON_LINE = re.compile(
    r"""^[ \t]*-[ \t]*cron:[ \t]*(?:(['"])(?P<quoted>.*?)\1|(?P<bare>[^#\n]*?))[ \t]*(?:#.*)?$""",
    re.MULTILINE,
)
_ELSEWHERE = re.compile(r"""github\.event\.schedule\s*!=\s*(['"])(?P<cron>.*?)\1""")


@dataclass(frozen=True)
class ScheduleRead:
    schedule: Schedule | None  # None: no workflow, or no publishing cron in it
    problems: list[Diagnostic] = field(default_factory=list)


def read_schedule(root: Path) -> ScheduleRead:
    """The publishing crons of the repository's workflow, and the lines it cannot read."""
    path = root / WORKFLOW
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ScheduleRead(None)
    return schedule_from_workflow(text)


def schedule_from_workflow(text: str) -> ScheduleRead:
    elsewhere = {m["cron"].strip() for m in _ELSEWHERE.finditer(text)}
    crons, problems = [], []
    for match in _CRON_LINE.finditer(text):
        cron_text = (match["quoted"] if match["quoted"] is not None else match["bare"]).strip()
        if cron_text in elsewhere:
            continue
        try:
            crons.append(parse_cron(cron_text))
        except CronError as error:
            line = text.count("\n", 0, match.start()) + 1
            problems.append(Diagnostic(WORKFLOW, line, "error", str(error)))
    return ScheduleRead(Schedule(tuple(crons), WORKFLOW) if crons else None, problems)


@dataclass(frozen=True)
class Outlook:
    goes_out: datetime | None  # the first run at or after the post's time; None: none
    warning: str | None  # why the team should look: it expires, or goes out late


def outlook(schedule: Schedule, at: datetime, not_after: datetime | None) -> Outlook:
    """When a post scheduled `at` goes out, and a warning when it expires or waits long."""
    run = schedule.first_run(at)
    where = f"the schedule of {schedule.source} ({schedule.texts}, UTC)"
    when = format_utc(at)
    if run is None:
        return Outlook(None, f"{where} never runs after schedule {when}: this post would "
                             "never be posted; add a cron that runs then")
    if not_after is not None and run > not_after:
        return Outlook(run, f"{where} first runs at {format_utc(run)}, after not_after "
                            f"{format_utc(not_after)}: this post would expire, not be posted; "
                            "move the schedule into the hours the cron runs, add those hours "
                            "to the cron, or set a later not_after")
    if run - at > LATE:
        return Outlook(run, f"{where} first runs at {format_utc(run)}, {_duration(run - at)} "
                            f"after schedule {when}: move the schedule into the hours the "
                            "cron runs, or add those hours to the cron")
    return Outlook(run, None)


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "min")]
    return " ".join(f"{n} {unit}" for n, unit in parts if n) or "0 min"


def _waits_for_schedule(change: Change, now: datetime) -> bool:
    return change.action == "wait" and change.scheduled_for is not None \
        and change.scheduled_for > now


def with_goes_out(plan: Plan, root: Path) -> Plan:
    """The plan with `goes_out` on every post that waits for its time, and a warning on
    those the schedule posts late or never. The workflow is read only when one waits."""
    if not any(_waits_for_schedule(c, plan.now) for c in plan.changes):
        return plan
    schedule = read_schedule(root).schedule
    if schedule is None:
        return plan
    return replace(plan, changes=tuple(
        _with_outlook(c, schedule) if _waits_for_schedule(c, plan.now) else c
        for c in plan.changes))


def _with_outlook(change: Change, schedule: Schedule) -> Change:
    assert change.scheduled_for is not None
    seen = outlook(schedule, change.scheduled_for, change.not_after)
    warning = () if seen.warning is None else (
        Diagnostic(change.post, None, "warning", seen.warning),)
    return replace(change, goes_out=seen.goes_out, diagnostics=change.diagnostics + warning)


def schedule_problems(root: Path, posts: dict[str, Post], now: datetime) -> list[Diagnostic]:
    """What `publish check` says of the schedule: crons it cannot read, and each post
    still to be published whose time the schedule runs late or never (runs.py)."""
    read = read_schedule(root)
    if read.schedule is None:
        return read.problems
    found = list(read.problems)
    for path, post in posts.items():
        if post.status != "ready" or post.urn or post.schedule is None or post.schedule <= now:
            continue
        warning = outlook(read.schedule, post.schedule, post.not_after).warning
        if warning is not None:
            found.append(Diagnostic(path, _schedule_line(root / path), "warning", warning))
    return found


_SCHEDULE_KEY = re.compile(r"^schedule[ \t]*:", re.MULTILINE)


def _schedule_line(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    found = _SCHEDULE_KEY.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else None
