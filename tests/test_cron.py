"""The workflow's schedule: cron expressions (UTC, as GitHub reads them), when a waiting
post actually goes out, and what `publish check` and the plan say when it goes out late
or never."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from publisher.cli import cli
from publisher.cron import CronError, parse_cron
from publisher.runs import outlook, schedule_from_workflow

DEFAULT = "5-59/15 7-16 * * 1-5"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(("text", "field", "expected"), [
    ("*/15 * * * *", "minutes", {0, 15, 30, 45}),
    ("5-59/15 * * * *", "minutes", {5, 20, 35, 50}),
    ("10/20 * * * *", "minutes", {10, 30, 50}),
    ("0,30 * * * *", "minutes", {0, 30}),
    ("0 7-9,17 * * *", "hours", {7, 8, 9, 17}),
    ("0 */6 * * *", "hours", {0, 6, 12, 18}),
    ("0 0 1,15 * *", "days", {1, 15}),
    ("0 0 * jan-mar,DEC *", "months", {1, 2, 3, 12}),
    ("0 0 * * mon-fri", "weekdays", {1, 2, 3, 4, 5}),
    ("0 0 * * 5-7", "weekdays", {5, 6, 0}),  # 7 is Sunday too
    ("0 0 * * SUN,sat", "weekdays", {0, 6}),
])
def test_fields_read_numbers_ranges_steps_lists_and_names(text: str, field: str,
                                                         expected: set[int]) -> None:
    assert getattr(parse_cron(text), field) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("*/15 * * *", "has 4 fields: write five"),
    ("60 * * * *", "the minute '60' is outside 0-59"),
    ("0 24 * * *", "the hour '24' is outside 0-23"),
    ("0 0 0 * *", "the day of month '0' is outside 1-31"),
    ("0 0 * 13 *", "the month '13' is outside 1-12"),
    ("0 0 * * 8", "the day of week '8' is outside 0-7"),
    ("*/0 * * * *", "the minute step '0' must be 1 or more"),
    ("0 17-9 * * *", "the hour range '17-9' runs backwards"),
    ("0 0 * * mo", "the day of week value 'mo' is not a number or a name like SUN"),
    ("0 0 * foo *", "the month value 'foo' is not a number or a name like JAN"),
    ("a * * * *", "the minute value 'a' is not a number"),
])
def test_bad_crons_name_the_field_and_the_fix(text: str, message: str) -> None:
    with pytest.raises(CronError) as raised:
        parse_cron(text)
    assert str(raised.value).startswith(f"cron '{text}'") and message in str(raised.value)


@pytest.mark.parametrize(("cron", "at", "first"), [
    # Monday 2026-11-30 is a weekday; 2026-12-05 is a Saturday.
    (DEFAULT, "2026-12-01 09:00", "2026-12-01 09:05"),
    (DEFAULT, "2026-12-01 09:05", "2026-12-01 09:05"),  # at its time: that very run
    (DEFAULT, "2026-12-01 09:05:30", "2026-12-01 09:20"),  # seconds after: the next one
    (DEFAULT, "2026-12-01 16:51", "2026-12-02 07:05"),  # after hours: the next morning
    (DEFAULT, "2026-12-05 10:00", "2026-12-07 07:05"),  # Saturday: Monday
    ("*/15 * * * *", "2026-12-31 23:59", "2027-01-01 00:00"),  # over the year's end
    ("0 12 29 2 *", "2027-03-01 00:00", "2028-02-29 12:00"),  # the next leap day
    ("0 9 1 * 1", "2026-12-02 00:00", "2026-12-07 09:00"),  # either day field: Monday
    ("0 9 1 * 1", "2026-12-08 00:00", "2026-12-14 09:00"),
    ("0 9 13 * 5", "2027-08-12 10:00", "2027-08-13 09:00"),  # the 13th, and a Friday
])
def test_the_first_run_at_or_after_a_time(cron: str, at: str, first: str) -> None:
    assert parse_cron(cron).first_run(utc(at)) == utc(first)


def test_a_schedule_that_never_runs_has_no_first_run() -> None:
    assert parse_cron("0 0 30 2 *").first_run(utc("2026-01-01 00:00")) is None


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)),
       st.sampled_from([DEFAULT, "*/15 * * * *", "0 9 * * 1", "17 3 1 * *", "0 9 1 * 1"]))
def test_the_first_run_matches_and_no_minute_before_it_does(at: datetime, text: str) -> None:
    cron = parse_cron(text)
    moment = at.replace(tzinfo=UTC)
    first = cron.first_run(moment)
    assert first is not None and first >= moment and cron.runs_on(first)
    minute = moment.replace(second=0, microsecond=0)
    if minute < moment:
        minute += timedelta(minutes=1)
    while minute < first and first - minute < timedelta(days=2):
        assert not cron.runs_on(minute)
        minute += timedelta(minutes=1)


WORKFLOW = """\
on:
  schedule:
    - cron: "5-59/15 7-16 * * 1-5" # publishing
    - cron: '40 5 * * *'
    - cron: 0 20 * * 0
jobs:
  publish:
    if: github.event.schedule != '40 5 * * *'
"""


def test_the_workflow_gives_its_publishing_crons_not_the_metrics_one() -> None:
    read = schedule_from_workflow(WORKFLOW)
    assert read.problems == []
    assert read.schedule is not None
    assert [c.text for c in read.schedule.crons] == [DEFAULT, "0 20 * * 0"]


def test_an_unreadable_cron_in_the_workflow_is_an_error_on_its_line() -> None:
    read = schedule_from_workflow(WORKFLOW.replace("0 20 * * 0", "0 25 * * 0"))
    assert [(p.path, p.line, p.severity) for p in read.problems] == [
        (".github/workflows/publish.yml", 5, "error")]
    assert "the hour '25' is outside 0-23" in read.problems[0].message


def test_outlook_on_time_late_and_expiring() -> None:
    schedule = schedule_from_workflow(WORKFLOW).schedule
    assert schedule is not None
    on_time = outlook(schedule, utc("2026-12-01 09:00"), utc("2026-12-01 15:00"))
    assert (on_time.goes_out, on_time.warning) == (utc("2026-12-01 09:05"), None)
    late = outlook(schedule, utc("2026-12-05 10:00"), utc("2026-12-09 10:00"))  # Saturday
    assert late.goes_out == utc("2026-12-06 20:00")  # Sunday evening's cron
    assert late.warning is not None and "1 d 10 h after schedule" in late.warning
    expiring = outlook(schedule, utc("2026-12-01 17:00"), utc("2026-12-01 23:00"))
    assert expiring.goes_out == utc("2026-12-02 07:05")
    assert expiring.warning is not None and "would expire, not be posted" in expiring.warning


# --- the plan and `publish check` over a repository with the default workflow ---

PUBLISH_YML = f'on:\n  schedule:\n    - cron: "{DEFAULT}"\n    - cron: "40 5 * * *"\n' \
              "jobs:\n  publish:\n    if: github.event.schedule != '40 5 * * *'\n"
# Times in Europe/Berlin ([defaults].timezone): 10:00 there is 09:00 UTC in December.
WEEKDAY = "---\nschedule: 2026-12-01 10:00\n---\nTuesday\n"
SATURDAY = "---\nschedule: 2026-12-05 11:00\nnot_after: 2026-12-09 11:00\n---\nSaturday\n"
EVENING = "---\nschedule: 2026-12-01 19:00\n---\nEvening\n"
NOW = ("--now", "2026-11-30T12:00Z")


def run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--repo", str(root), *args], catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def scheduled(make_repo: Callable[..., Path]) -> Path:
    return make_repo({".github/workflows/publish.yml": PUBLISH_YML, "posts/a.md": WEEKDAY,
                      "posts/b.md": SATURDAY, "posts/c.md": EVENING})


def test_the_json_plan_says_when_each_waiting_post_goes_out(scheduled: Path) -> None:
    code, output = run(scheduled, "--dry-run", "--format", "json", *NOW)
    changes = {c["post"]: c for c in json.loads(output)["changes"]}
    assert code == 0
    assert {p: (c["action"], c["goes_out"]) for p, c in changes.items()} == {
        "posts/a.md": ("wait", "2026-12-01T09:05:00Z"),
        "posts/b.md": ("wait", "2026-12-07T07:05:00Z"),
        "posts/c.md": ("wait", "2026-12-02T07:05:00Z"),
    }
    assert changes["posts/a.md"]["diagnostics"] == []
    assert "first runs at 2026-12-07T07:05:00Z, 1 d 21 h 5 min after schedule" in \
        changes["posts/b.md"]["diagnostics"][0]["message"]
    assert "would expire, not be posted" in changes["posts/c.md"]["diagnostics"][0]["message"]


def test_the_text_and_markdown_plans_say_when_it_goes_out(scheduled: Path) -> None:
    _, text = run(scheduled, "--dry-run", *NOW)
    assert ("      goes out 2026-12-01 09:05 UTC (10:05 Europe/Berlin): the workflow's first "
            "scheduled run at or after its time") in text
    _, markdown = run(scheduled, "--dry-run", "--format", "markdown", *NOW)
    assert ("| 2026-12-01 09:00 UTC (10:00 Europe/Berlin) → goes out 2026-12-01 09:05 UTC "
            "(10:05 Europe/Berlin) |") in markdown


def test_check_warns_of_posts_the_schedule_posts_late_or_never(scheduled: Path) -> None:
    code, output = run(scheduled, "check", *NOW)
    lines = output.splitlines()
    assert code == 0  # warnings only
    assert lines[-1] == "3 posts checked: 0 errors, 2 warnings"
    assert lines[0].startswith("posts/b.md:2: warning: the schedule of "
                               ".github/workflows/publish.yml ('5-59/15 7-16 * * 1-5', UTC) "
                               "first runs at 2026-12-07T07:05:00Z")
    assert lines[1].startswith("posts/c.md:2: warning: ")
    assert "after not_after 2026-12-02T00:00:00Z: this post would expire" in lines[1]


def test_without_a_workflow_nothing_is_said_of_the_schedule(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"posts/b.md": SATURDAY})
    assert run(root, "check", *NOW) == (0, "1 post checked: 0 errors, 0 warnings\n")
    _, output = run(root, "--dry-run", "--format", "json", *NOW)
    assert json.loads(output)["changes"][0]["goes_out"] is None


def test_a_published_post_is_not_warned_of(make_repo: Callable[..., Path]) -> None:
    published = SATURDAY.replace("---\nSaturday", "urn: urn:li:share:1\n---\nSaturday")
    root = make_repo({".github/workflows/publish.yml": PUBLISH_YML, "posts/b.md": published})
    assert run(root, "check", *NOW) == (0, "1 post checked: 0 errors, 0 warnings\n")
