"""The posting queue: `schedule: queue` posts take their author's next free slot.

Each test builds a git repository whose commits carry fixed times, so the order in which
posts joined the queue is known, and reads the plan as `publish --dry-run --format json`
prints it: the slot is the change's `scheduled_for`.
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from publisher.cli import cli
from publisher.config import load_config
from publisher.errors import ConfigError
from publisher.queue import slot_times
from publisher.queueconfig import WeeklySlot, parse_slot
from tests.support import CONFIG, write_files

# 2026-12-01 is a Tuesday.
QUEUE = """
[queue]
slots = ["Tue 09:00", "Thu 14:00"]
"""
MONDAY = "2026-11-30T10:00:00Z"


def queued(text: str, author: str = "acme", extra: str = "") -> str:
    return f"---\nauthor: {author}\nschedule: queue\n{extra}---\n{text}\n"


def commit(root: Path, at: str, message: str = "posts") -> None:
    """Commit everything with git's clock at `at`: the time the posts joined the queue."""
    environ = {**os.environ, "GIT_COMMITTER_DATE": at, "GIT_AUTHOR_DATE": at}
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", message], cwd=root, check=True, env=environ)


def repo(tmp_path: Path, files: dict[str, str], config: str = CONFIG + QUEUE,
         at: str = MONDAY, name: str = "repo") -> Path:
    root = tmp_path / name
    root.mkdir()
    for args in (("init", "-q", "-b", "main"), ("config", "user.email", "t@example.com"),
                 ("config", "user.name", "T")):
        subprocess.run(["git", *args], cwd=root, check=True)
    write_files(root, {"publish.toml": config, **files})
    commit(root, at)
    return root


def invoke(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--repo", str(root), *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout


def plan(root: Path, now: str = "2026-12-01T07:00:00Z") -> dict[str, dict[str, Any]]:
    code, output = invoke(root, "--dry-run", "--format", "json", "--now", now)
    assert code == 0, output
    return {c["post"]: c for c in json.loads(output)["changes"]}


def slots(root: Path, now: str = "2026-12-01T07:00:00Z") -> dict[str, str | None]:
    return {path: c["scheduled_for"] for path, c in plan(root, now).items()}


# ----------------------------------------------------------------------------- slots


@pytest.mark.parametrize(("text", "expected"), [
    ("Tue 09:00", WeeklySlot(1, datetime(2026, 1, 1, 9).time(), "Europe/Berlin")),
    ("thursday 14:30", WeeklySlot(3, datetime(2026, 1, 1, 14, 30).time(), "Europe/Berlin")),
    ("Sun 7:05 America/New_York",
     WeeklySlot(6, datetime(2026, 1, 1, 7, 5).time(), "America/New_York")),
    ("Tue 9am", "'Tue 9am' is not a weekday and a time like \"Tue 09:00\" or "
                "\"Thu 14:00 America/New_York\""),
    ("Tues 09:00", "'Tues' is not a weekday (Mon, Tue, Wed, Thu, Fri, Sat, Sun) in 'Tues 09:00'"),
    ("Tue 24:00", "'24:00' in 'Tue 24:00' is not a time of day (00:00 to 23:59)"),
    ("Tue 09:00 Mars/Olympus", "'Mars/Olympus' in 'Tue 09:00 Mars/Olympus' is not an IANA "
                               "time zone like 'Europe/Berlin'"),
])
def test_a_slot_is_a_weekday_a_local_time_and_a_zone(text: str,
                                                     expected: WeeklySlot | str) -> None:
    assert parse_slot(text, "Europe/Berlin") == expected


@pytest.mark.parametrize(("table", "key", "message"), [
    ('slots = ["Tue 9am"]', "queue.slots", "is not a weekday and a time"),
    ('slots = "Tue 09:00"', "queue.slots", "must be a list of weekdays and times"),
    ('slots = ["Tue 09:00", "Tue 09:00"]', "queue.slots", "listed twice"),
    ('slotz = ["Tue 09:00"]', "queue.slotz", "unknown key (did you mean 'slots'?)"),
    ('min_spacing = "soon"', "queue.min_spacing", "is not a duration like '20h'"),
    ("daily_max = 0", "queue.daily_max", "must be a whole number of at least 1"),
    ('[queue.authors.bob]\nslots = ["Tue 09:00"]', "queue.authors.bob",
     "'bob' is not an alias in [authors]"),
])
def test_a_bad_queue_table_names_the_key_its_line_and_the_fix(
        tmp_path: Path, table: str, key: str, message: str) -> None:
    write_files(tmp_path, {"publish.toml": CONFIG + "\n[queue]\n" + table + "\n"})
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    [problem] = caught.value.diagnostics
    lines = (tmp_path / "publish.toml").read_text().splitlines()
    assert problem.line is not None and key.rsplit(".", 1)[-1] in lines[problem.line - 1]
    assert problem.message.startswith(f"{key}: ") and message in problem.message


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize(("slot", "after", "expected"), [
    # Berlin, spring forward on 2026-03-29: 02:30 does not exist; moved on by the jump.
    ("Sun 02:30", "2026-03-28T00:00Z", "2026-03-29T03:30+02:00"),
    # Berlin, fall back on 2026-10-25: 02:30 happens twice; the first one.
    ("Sun 02:30", "2026-10-24T00:00Z", "2026-10-25T02:30+02:00"),
    # The same local hour on either side of a change is another UTC hour.
    ("Tue 09:00", "2026-03-30T00:00Z", "2026-03-31T07:00Z"),
    ("Tue 09:00", "2026-03-16T00:00Z", "2026-03-17T08:00Z"),
    # A zone of its own: New York springs forward on 2026-03-08.
    ("Sun 02:15 America/New_York", "2026-03-07T00:00Z", "2026-03-08T03:15-04:00"),
])
def test_slots_across_daylight_saving_changes(slot: str, after: str, expected: str) -> None:
    weekly = parse_slot(slot, "Europe/Berlin")
    assert isinstance(weekly, WeeklySlot)
    first = next(slot_times([weekly], utc(after), 1))[0]
    assert first == utc(expected)


def test_a_skipped_slot_that_lands_on_another_is_one_slot() -> None:
    both = [parse_slot("Sun 02:30", "Europe/Berlin"), parse_slot("Sun 03:30", "Europe/Berlin")]
    assert all(isinstance(s, WeeklySlot) for s in both)
    times = [at for at, _ in slot_times(both, utc("2026-03-28T00:00Z"), 1)]
    assert times[0] == utc("2026-03-29T03:30+02:00") and times[1] > utc("2026-04-01T00:00Z")


def test_queued_posts_take_slots_across_the_spring_forward_night(tmp_path: Path) -> None:
    config = CONFIG + '[queue]\nslots = ["Sun 02:30", "Sun 12:00"]\n'
    root = repo(tmp_path, {"posts/a.md": queued("First."), "posts/b.md": queued("Second."),
                           "posts/c.md": queued("Third.")}, config, at="2026-03-27T10:00:00Z")
    assert slots(root, "2026-03-27T12:00:00Z") == {
        "posts/a.md": "2026-03-29T01:30:00Z",  # 03:30 CEST: the night has no 02:30
        "posts/b.md": "2026-03-29T10:00:00Z",  # 12:00 CEST
        "posts/c.md": "2026-04-05T00:30:00Z",  # 02:30 CEST a week on
    }


# ----------------------------------------------------------------------------- order


def test_a_full_queue_rolls_into_next_week(tmp_path: Path) -> None:
    root = repo(tmp_path, {f"posts/{n}.md": queued(f"Post {n}.") for n in "abcde"})
    assert slots(root) == {
        "posts/a.md": "2026-12-01T08:00:00Z",  # Tue 09:00 Berlin
        "posts/b.md": "2026-12-03T13:00:00Z",  # Thu 14:00
        "posts/c.md": "2026-12-08T08:00:00Z",  # next week
        "posts/d.md": "2026-12-10T13:00:00Z",
        "posts/e.md": "2026-12-15T08:00:00Z",
    }
    changes = plan(root)
    assert {c["action"] for c in changes.values()} == {"wait"}
    assert all(c["queued"] for c in changes.values())


def test_two_authors_have_queues_of_their_own(tmp_path: Path) -> None:
    config = CONFIG + QUEUE + '[queue.authors.jane]\nslots = ["Wed 08:30"]\n'
    root = repo(tmp_path, {
        "posts/a.md": queued("Page one."), "posts/b.md": queued("Page two."),
        "posts/j1.md": queued("Jane one.", "jane"), "posts/j2.md": queued("Jane two.", "jane"),
    }, config)
    assert slots(root) == {
        "posts/a.md": "2026-12-01T08:00:00Z", "posts/b.md": "2026-12-03T13:00:00Z",
        "posts/j1.md": "2026-12-02T07:30:00Z", "posts/j2.md": "2026-12-09T07:30:00Z",
    }


def test_posts_are_placed_in_the_order_they_were_committed_then_by_path(
        tmp_path: Path) -> None:
    root = repo(tmp_path, {"posts/m.md": queued("Came first.")})
    write_files(root, {"posts/a.md": queued("Came second, sorts first."),
                       "posts/b.md": queued("Came second too.")})
    commit(root, "2026-11-30T11:00:00Z")
    assert slots(root) == {"posts/m.md": "2026-12-01T08:00:00Z",
                           "posts/a.md": "2026-12-03T13:00:00Z",
                           "posts/b.md": "2026-12-08T08:00:00Z"}


def test_a_later_merge_never_pushes_an_earlier_post_back(tmp_path: Path) -> None:
    root = repo(tmp_path, {"posts/x.md": queued("Earlier one."), "posts/y.md": queued("Two.")})
    before = slots(root)
    subprocess.run(["git", "switch", "-q", "-c", "more"], cwd=root, check=True)
    write_files(root, {f"posts/a{n}.md": queued(f"Merged later {n}.") for n in range(5)})
    commit(root, "2026-11-30T12:00:00Z")
    subprocess.run(["git", "switch", "-q", "main"], cwd=root, check=True)
    environ = {**os.environ, "GIT_COMMITTER_DATE": "2026-11-30T13:00:00Z"}
    subprocess.run(["git", "merge", "-q", "--no-ff", "-m", "merge", "more"], cwd=root,
                   check=True, env=environ)
    after = slots(root)
    assert {p: after[p] for p in before} == before
    assert min(after[f"posts/a{n}.md"] or "" for n in range(5)) > max(before.values())


def test_a_merge_of_many_posts_fills_one_slot_each_in_path_order(tmp_path: Path) -> None:
    names = [f"posts/{n:02d}.md" for n in range(30)]
    root = repo(tmp_path, {name: queued(f"Post number {name}.") for name in names})
    placed = slots(root)
    times = [placed[name] for name in names]
    assert times == sorted(times)
    assert len(set(times)) == 30
    assert times[-1] == "2027-03-11T13:00:00Z"  # 15 weeks of two slots


def test_a_renamed_post_keeps_its_place(tmp_path: Path) -> None:
    root = repo(tmp_path, {"posts/a.md": queued("One, renamed."), "posts/b.md": queued("Two.")})
    before = slots(root)
    subprocess.run(["git", "mv", "posts/a.md", "posts/z.md"], cwd=root, check=True)
    commit(root, "2026-11-30T15:00:00Z", "rename")
    after = slots(root)
    assert after == {"posts/z.md": before["posts/a.md"], "posts/b.md": before["posts/b.md"]}


LEAVING = {
    "deleted": lambda root: (root / "posts/a.md").unlink(),
    "made a draft": lambda root: write_files(root, {
        "posts/a.md": queued("First.", extra="status: draft\n")}),
    "given an exact time": lambda root: write_files(root, {
        "posts/a.md": "---\nschedule: 2026-12-01 08:00\n---\nFirst.\n"}),
}


@pytest.mark.parametrize("how", LEAVING)
def test_a_post_leaving_the_queue_frees_its_slot_for_the_next(tmp_path: Path,
                                                              how: str) -> None:
    root = repo(tmp_path, {"posts/a.md": queued("First."), "posts/b.md": queued("Second."),
                           "posts/c.md": queued("Third.")})
    LEAVING[how](root)
    commit(root, "2026-11-30T16:00:00Z", how)
    changes = plan(root)
    assert changes["posts/b.md"]["scheduled_for"] == "2026-12-01T08:00:00Z"
    assert changes["posts/c.md"]["scheduled_for"] == "2026-12-03T13:00:00Z"
    if how == "given an exact time":
        assert (changes["posts/a.md"]["scheduled_for"], changes["posts/a.md"]["queued"]) == (
            "2026-12-01T07:00:00Z", False)


def test_an_exact_time_in_a_slot_window_uses_that_slot(tmp_path: Path) -> None:
    root = repo(tmp_path, {"posts/a.md": queued("Queued."),
                           "posts/x.md": "---\nschedule: 2026-12-01 11:00\n---\nExact.\n"})
    assert slots(root)["posts/a.md"] == "2026-12-03T13:00:00Z"


def test_a_missed_slot_is_due_at_the_next_run_not_moved_on(tmp_path: Path) -> None:
    root = repo(tmp_path, {"posts/a.md": queued("First."), "posts/b.md": queued("Second.")})
    days_later = plan(root, "2026-12-02T20:00:00Z")
    assert (days_later["posts/a.md"]["action"], days_later["posts/a.md"]["scheduled_for"]) == (
        "create", "2026-12-01T08:00:00Z")
    assert days_later["posts/a.md"]["reason"].startswith("queued; due since its slot Tue 09:00")
    assert days_later["posts/b.md"]["action"] == "wait"


def test_determinism_two_clones_make_the_same_plan(tmp_path: Path) -> None:
    root = repo(tmp_path, {f"posts/{n}.md": queued(f"Post {n}.") for n in "abc"})
    write_files(root, {"posts/j.md": queued("Jane.", "jane"),
                       "posts/x.md": "---\nschedule: 2026-12-08 09:30\n---\nExact.\n"})
    commit(root, "2026-11-30T18:00:00Z")
    clones = []
    for name in ("one", "two"):
        subprocess.run(["git", "clone", "-q", str(root), str(tmp_path / name)], check=True)
        clones.append(tmp_path / name)
    first, second = (invoke(c, "--dry-run", "--format", "json", "--now",
                            "2026-12-01T07:00:00Z") for c in clones)
    assert first == second
    assert first[1] == invoke(root, "--dry-run", "--format", "json", "--now",
                              "2026-12-01T07:00:00Z")[1]
    assert json.loads(first[1])["summary"]["wait"] == 5


# ----------------------------------------------------------------------------- cadence


def test_min_spacing_makes_a_queued_post_take_a_later_slot(tmp_path: Path) -> None:
    config = CONFIG + '[queue]\nslots = ["Tue 09:00", "Tue 12:00", "Thu 14:00"]\n' \
        'min_spacing = "20h"\n'
    root = repo(tmp_path, {"posts/a.md": queued("One."), "posts/b.md": queued("Two.")}, config)
    assert slots(root) == {"posts/a.md": "2026-12-01T08:00:00Z",
                           "posts/b.md": "2026-12-03T13:00:00Z"}


def test_daily_max_counts_every_post_of_the_local_day(tmp_path: Path) -> None:
    config = CONFIG + '[queue]\nslots = ["Tue 09:00", "Tue 18:00", "Wed 09:00"]\n' \
        'daily_max = 1\n'
    root = repo(tmp_path, {"posts/a.md": queued("One."),
                           "posts/x.md": "---\nschedule: 2026-12-01 07:00\n---\nExact.\n"},
                config)
    assert slots(root)["posts/a.md"] == "2026-12-02T08:00:00Z"


def test_check_warns_of_a_scheduled_post_that_breaks_the_cadence(tmp_path: Path) -> None:
    config = CONFIG + '[queue]\nmin_spacing = "5h"\ndaily_max = 2\n'
    root = repo(tmp_path, {
        "posts/a.md": "---\nschedule: 2026-12-01 09:00\n---\nOne.\n",
        "posts/b.md": "---\nschedule: 2026-12-01 13:00\n---\nTwo.\n",
        "posts/c.md": "---\nschedule: 2026-12-01 23:30\n---\nThree.\n",
        "posts/j.md": "---\nauthor: jane\nschedule: 2026-12-01 10:00\n---\nJane.\n",
    }, config)
    code, output = invoke(root, "check", "--now", "2026-11-30T12:00:00Z")
    assert code == 0, output
    assert output.splitlines() == [
        "posts/b.md:2: warning: schedule 2026-12-01T12:00:00Z is 4h after posts/a.md by the "
        "same author (acme), less than min_spacing 5h in [queue]: move one of them",
        "posts/c.md:2: warning: schedule 2026-12-01T22:30:00Z makes 3 posts by acme on "
        "2026-12-01, more than daily_max 2 in [queue]: move it to another day",
        "4 posts checked: 0 errors, 2 warnings",
    ]


def test_a_queued_post_without_slots_is_an_error_naming_the_setting(tmp_path: Path) -> None:
    root = repo(tmp_path, {"posts/a.md": queued("Nowhere to go.", "jane")}, CONFIG)
    code, output = invoke(root, "check", "--now", "2026-11-30T12:00:00Z")
    assert code == 1
    assert output.splitlines()[0] == (
        'posts/a.md:3: error: schedule: queue: no queue slots for jane: add slots = '
        '["Tue 09:00", ...] under [queue] or [queue.authors.jane] in publish.toml, or give '
        "the post an exact schedule")
    changes = plan(root)
    assert changes["posts/a.md"]["action"] == "blocked"


def test_schedule_queue_is_lower_case_and_not_after_has_no_effect(tmp_path: Path) -> None:
    root = repo(tmp_path, {
        "posts/a.md": "---\nschedule: Queue\n---\nOne.\n",
        "posts/b.md": queued("Two.", extra="not_after: 2026-12-02 10:00\n"),
    })
    code, output = invoke(root, "check", "--now", "2026-11-30T12:00:00Z")
    assert code == 1
    lines = output.splitlines()
    assert lines[0].startswith("posts/a.md:2: error: schedule: 'Queue' is not a date and time")
    assert "or 'queue' (the author's next free slot)" in lines[0]
    assert lines[1] == ("posts/b.md:4: warning: not_after has no effect with schedule: queue "
                        "(a queued post waits for its slot, however late)")


# ----------------------------------------------------------------------------- views


def test_publish_queue_lists_slots_posts_and_free_ones(tmp_path: Path) -> None:
    root = repo(tmp_path, {"posts/a.md": queued("One."), "posts/b.md": queued("Two."),
                           "posts/x.md": "---\nschedule: 2026-12-08 10:00\n---\nExact.\n"})
    code, output = invoke(root, "queue", "--now", "2026-12-01T10:00:00Z")
    assert code == 0, output
    assert output.splitlines()[2:] == [
        "acme (urn:li:organization:2414183): Tue 09:00 Europe/Berlin, Thu 14:00 Europe/Berlin",
        "  Tue 2026-12-01 09:00 Europe/Berlin  due now  posts/a.md  (its slot has passed: "
        "the next run posts it)",
        "  Thu 2026-12-03 14:00 Europe/Berlin  queued   posts/b.md",
        "  Tue 2026-12-08 09:00 Europe/Berlin  taken by posts/x.md  (scheduled "
        "2026-12-08T09:00:00Z)",
        "  Thu 2026-12-10 14:00 Europe/Berlin  free",
        "  Tue 2026-12-15 09:00 Europe/Berlin  free",
        "  2 queued, 2 free",
        "",
        "jane (urn:li:person:782bbtaQ): Tue 09:00 Europe/Berlin, Thu 14:00 Europe/Berlin",
        "  Thu 2026-12-03 14:00 Europe/Berlin  free",
        "  Tue 2026-12-08 09:00 Europe/Berlin  free",
        "  Thu 2026-12-10 14:00 Europe/Berlin  free",
        "  Tue 2026-12-15 09:00 Europe/Berlin  free",
        "  0 queued, 4 free",
    ]
    code, output = invoke(root, "queue", "--format", "json", "--now", "2026-12-01T10:00:00Z")
    data = json.loads(output)
    acme, jane = data["authors"]
    assert (acme["alias"], jane["alias"]) == ("acme", "jane")
    assert [(r["state"], r["post"]) for r in acme["upcoming"]] == [
        ("due", "posts/a.md"), ("queued", "posts/b.md"), ("taken", "posts/x.md"),
        ("free", None), ("free", None)]


def test_the_markdown_plan_marks_a_queue_slot(tmp_path: Path) -> None:
    root = repo(tmp_path, {"posts/a.md": queued("One.")})
    code, output = invoke(root, "--dry-run", "--format", "markdown", "--now",
                          "2026-12-01T07:00:00Z")
    assert code == 0
    assert ("| … | **wait** | `posts/a.md` | `acme` (`urn:li:organization:2414183`) | "
            "2026-12-01 08:00 UTC (09:00 Europe/Berlin) · queue slot | 4 / 3000 |") in output


@pytest.mark.parametrize("before", [
    "---\nstatus: draft\nschedule: queue\n---\nWaited.\n",
    "---\nschedule: 2026-12-24 09:00\n---\nWaited.\n",
])
def test_a_post_joins_the_queue_when_it_is_made_queued_not_when_first_committed(
        tmp_path: Path, before: str) -> None:
    root = repo(tmp_path, {"posts/old.md": before}, at="2026-10-01T10:00:00Z")
    write_files(root, {"posts/new.md": queued("Queued on Monday.")})
    commit(root, "2026-11-30T10:00:00Z")
    write_files(root, {"posts/old.md": queued("Waited.")})
    commit(root, "2026-11-30T11:00:00Z", "ready now")
    write_files(root, {"posts/old.md": queued("Waited, and its text edited.")})
    commit(root, "2026-11-30T12:00:00Z", "a typo")
    assert slots(root) == {"posts/new.md": "2026-12-01T08:00:00Z",
                           "posts/old.md": "2026-12-03T13:00:00Z"}


def test_the_burst_guard_still_holds_queued_posts_due_at_once(tmp_path: Path) -> None:
    config = CONFIG + QUEUE + "\n[limits]\nper_author_per_day = 1\n"
    root = repo(tmp_path, {"posts/a.md": queued("One."), "posts/b.md": queued("Two.")}, config)
    changes = plan(root, "2026-12-04T08:00:00Z")  # both slots have passed without a run
    assert [changes[p]["action"] for p in ("posts/a.md", "posts/b.md")] == ["create", "wait"]
    assert "([limits].per_author_per_day)" in changes["posts/b.md"]["reason"]


def test_publish_queue_without_a_queue_says_how_to_set_one_up(tmp_path: Path) -> None:
    root = repo(tmp_path, {"posts/a.md": "---\nschedule: 2026-12-08 10:00\n---\nExact.\n"},
                CONFIG)
    code, output = invoke(root, "queue", "--now", "2026-12-01T10:00:00Z")
    assert (code, output) == (0, 'No queue: add [queue] slots = ["Tue 09:00", ...] to '
                                 "publish.toml and give posts schedule: queue (docs/queue.md).\n")


def test_an_exact_time_merged_later_does_not_take_a_queued_posts_slot(tmp_path: Path) -> None:
    root = repo(tmp_path, {"posts/a.md": queued("Queued first.")})
    write_files(root, {"posts/x.md": "---\nschedule: 2026-12-01 11:00\n---\nExact, later.\n",
                       "posts/b.md": queued("Queued after the exact one.")})
    commit(root, "2026-11-30T12:00:00Z")
    assert slots(root) == {"posts/a.md": "2026-12-01T08:00:00Z",
                           "posts/x.md": "2026-12-01T10:00:00Z",
                           "posts/b.md": "2026-12-03T13:00:00Z"}


def test_a_post_deleted_and_added_again_joins_when_it_came_back(tmp_path: Path) -> None:
    root = repo(tmp_path, {"posts/a.md": queued("Back again."), "posts/b.md": queued("Two.")})
    (root / "posts/a.md").unlink()
    commit(root, "2026-11-30T11:00:00Z", "gone")
    write_files(root, {"posts/a.md": queued("Back again.")})
    commit(root, "2026-11-30T12:00:00Z", "back")
    assert slots(root) == {"posts/b.md": "2026-12-01T08:00:00Z",
                           "posts/a.md": "2026-12-03T13:00:00Z"}


def test_an_authors_own_cadence_replaces_the_teams(tmp_path: Path) -> None:
    config = CONFIG + '[queue]\nslots = ["Tue 09:00", "Tue 15:00", "Wed 09:00"]\n' \
        '[queue.authors.jane]\ndaily_max = 1\n'
    root = repo(tmp_path, {"posts/a1.md": queued("Page one."), "posts/a2.md": queued("Page two."),
                           "posts/j1.md": queued("Jane one.", "jane"),
                           "posts/j2.md": queued("Jane two.", "jane")}, config)
    assert slots(root) == {
        "posts/a1.md": "2026-12-01T08:00:00Z", "posts/a2.md": "2026-12-01T14:00:00Z",
        "posts/j1.md": "2026-12-01T08:00:00Z", "posts/j2.md": "2026-12-02T08:00:00Z",
    }


def test_a_post_deleted_from_linkedin_and_made_ready_again_queues_anew(tmp_path: Path) -> None:
    root = repo(tmp_path, {"posts/a.md": queued("Once more.")})
    ledger = {"version": 1, "serial": 3, "posts": {"posts/a.md": {
        "author": "urn:li:organization:2414183", "state": "deleted",
        "urn": "urn:li:share:7100000000000000009", "published_at": "2026-11-24T08:00:03Z",
        "since": "2026-11-25T10:00:00Z"}}}
    write_files(root, {".publish/ledger.json": json.dumps(ledger)})
    commit(root, "2026-11-30T11:00:00Z", "ledger")
    change = plan(root)["posts/a.md"]
    assert (change["action"], change["scheduled_for"]) == ("wait", "2026-12-01T08:00:00Z")


def test_a_held_post_removed_after_its_slot_passed_lets_the_next_go_now(
        tmp_path: Path) -> None:
    root = repo(tmp_path, {"posts/a.md": queued("Refused."), "posts/b.md": queued("Next.")})
    blob = subprocess.run(["git", "hash-object", "posts/a.md"], cwd=root, check=True,
                          capture_output=True, text=True).stdout.strip()
    ledger = {"version": 1, "serial": 1, "posts": {"posts/a.md": {
        "author": "urn:li:organization:2414183", "state": "failed", "source_blob": blob,
        "attempts": 1, "last_error": "422"}}}
    write_files(root, {".publish/ledger.json": json.dumps(ledger)})
    commit(root, "2026-11-30T11:00:00Z", "ledger")
    wednesday = "2026-12-02T10:00:00Z"
    held = plan(root, wednesday)
    assert (held["posts/a.md"]["action"], held["posts/a.md"]["scheduled_for"]) == (
        "blocked", "2026-12-01T08:00:00Z")
    assert held["posts/b.md"]["action"] == "wait"
    (root / "posts/a.md").unlink()
    commit(root, "2026-12-02T09:00:00Z", "drop it")
    moved = plan(root, wednesday)["posts/b.md"]
    assert (moved["action"], moved["scheduled_for"]) == ("create", "2026-12-01T08:00:00Z")


def test_a_shallow_clone_says_its_slots_may_be_wrong(tmp_path: Path) -> None:
    root = repo(tmp_path, {"posts/b.md": queued("Came first.")})
    write_files(root, {"posts/a.md": queued("Came second.")})
    commit(root, "2026-11-30T11:00:00Z")
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", root.as_uri(), str(shallow)],
                   check=True)
    full, cut = plan(root), plan(shallow)
    assert full["posts/b.md"]["scheduled_for"] == "2026-12-01T08:00:00Z"
    assert "lacks the older history" not in full["posts/b.md"]["reason"]
    assert cut["posts/a.md"]["scheduled_for"] == "2026-12-01T08:00:00Z"  # by name alone
    assert "fetch it all (`git fetch --unshallow`" in cut["posts/a.md"]["reason"]


def test_check_warns_of_a_slot_the_publishing_schedule_reaches_late(tmp_path: Path) -> None:
    workflow = ('on:\n  schedule:\n    - cron: "5-59/15 7-16 * * 1-5"\n')
    config = CONFIG + '[queue]\nslots = ["Tue 09:00", "Sat 10:00"]\n'
    root = repo(tmp_path, {"posts/a.md": queued("One."),
                           ".github/workflows/publish.yml": workflow}, config)
    code, output = invoke(root, "check", "--now", "2026-11-30T12:00:00Z")
    assert code == 0, output
    line = config.splitlines().index('slots = ["Tue 09:00", "Sat 10:00"]') + 1
    [warning] = [w for w in output.splitlines() if w.startswith("publish.toml")]
    assert warning.startswith(f"publish.toml:{line}: warning: queue.slots: slot Sat 10:00 "
                              "Europe/Berlin, next at 2026-12-05T09:00:00Z: the schedule of "
                              ".github/workflows/publish.yml")
    assert "first runs at 2026-12-07T07:05:00Z" in warning


def test_a_queued_post_with_no_slot_reads_so_in_the_plans(tmp_path: Path) -> None:
    root = repo(tmp_path, {"posts/a.md": queued("Nowhere to go.", "jane")}, CONFIG)
    text = invoke(root, "--dry-run", "--now", "2026-12-01T07:00:00Z")
    assert text[0] == 0 and "! blocked  posts/a.md  queued, no slot" in text[1]
    markdown = invoke(root, "--dry-run", "--format", "markdown", "--now",
                      "2026-12-01T07:00:00Z")
    assert markdown[0] == 0 and "| queued, no slot |" in markdown[1]
