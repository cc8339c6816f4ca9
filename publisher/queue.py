"""The posting queue: which slot each `schedule: queue` post takes. Pure: no I/O, no clock.

Every author has weekly slots (`[queue].slots`, or `[queue.authors.ALIAS].slots`). A slot
is a window: from its time until the author's next slot. It is *used* when a post of that
author falls in the window: one published then (the ledger's `published_at`), or one
earlier in the order below: scheduled for then (an exact `schedule:`), or a queued post
placed in it.

Queued posts are placed one by one, in the order they joined the queue (the time of the
commit that brought the file to the branch, or that last changed its `schedule:` or
`status:` line, which git gives; then the name it came with, so that a rename changes
nothing), each in the first slot that

- starts at or after the time it joined the queue,
- starts after the author's last published post,
- is not used, and
- keeps the cadence: no other post of the author within `min_spacing` of it, fewer than
  `daily_max` on its local day ([defaults].timezone).

What makes this stable across runs and machines: the inputs are the repository (posts,
their commit times, the ledger), never the clock, so every clone computes the same slots;
a post placed later never takes a slot from one placed earlier; a published post keeps
using its slot through the ledger, even once its file is gone; and a slot that passed
without a run leaves its post due, so the next run posts it rather than moving it on.

Local times: a slot whose local time does not exist that day (clocks jump forward) is
moved forward by the jump (02:30 -> 03:30); one that happens twice (clocks go back) is
the first of the two.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from publisher.queueconfig import QueueRules, WeeklySlot
from publisher.schedule import LAST_YEAR, parse_utc
from publisher.utc import format_utc

if TYPE_CHECKING:
    from publisher.config import Config
    from publisher.ledger import Ledger
    from publisher.post import Post

# A queue that finds no slot in this many weeks has rules no post can meet.
HORIZON_WEEKS = 156
WENT_OUT = ("published", "deleted", "gone")  # states of a post that was on LinkedIn
ATTEMPTED = ("pending", "unknown")  # may be on LinkedIn: never queued again
# Not queued (nor placed at an exact time): on LinkedIn, or may be. A post deleted from
# LinkedIn and made ready again is a new post, and queues anew.
SETTLED = ("published", "gone", *ATTEMPTED)

EventKind = Literal["published", "scheduled", "queued"]


@dataclass(frozen=True)
class Event:
    """A post of one author at one time, as the queue sees it."""

    at: datetime
    path: str
    kind: EventKind


@dataclass(frozen=True)
class Placed:
    """Where one queued post goes: its slot, or why it has none."""

    path: str
    author: str
    at: datetime | None
    slot: WeeklySlot | None = None
    problem: str | None = None
    caveat: str | None = None  # why the slot may not be the one a full clone gives


@dataclass
class AuthorQueue:
    """One author's timeline: every post it has at a known time, in time order."""

    author: str
    alias: str | None
    rules: QueueRules
    zone: ZoneInfo  # the zone of daily_max's day
    times: list[datetime] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    last_published: datetime | None = None
    cursor: datetime | None = None  # the slot the previous queued post took
    # The slots from the first start on, worked out once: posts are placed in order, so
    # each one's start is at or after the one before.
    _windows: list[tuple[datetime, WeeklySlot, datetime]] = field(default_factory=list)
    _more: Iterator[tuple[datetime, WeeklySlot, datetime]] | None = None

    def add(self, event: Event) -> None:
        index = bisect_right(self.times, event.at)
        self.times.insert(index, event.at)
        self.events.insert(index, event)
        if event.kind == "published" and (self.last_published is None
                                           or event.at > self.last_published):
            self.last_published = event.at

    def windows_from(self, start: datetime) -> Iterator[tuple[datetime, WeeklySlot, datetime]]:
        """slot_windows from `start` for HORIZON_WEEKS, from the slots already worked out
        when an earlier call started before `start`."""
        if self._more is None or (self._windows and start < self._windows[0][0]):
            self._windows, self._more = [], slot_windows(self.rules.slots, start, 1 << 20)
        index = bisect_left(self._windows, start, key=lambda window: window[0])
        end = start + timedelta(weeks=HORIZON_WEEKS)
        while True:
            if index == len(self._windows):
                found = next(self._more, None)
                if found is None:
                    return
                self._windows.append(found)
            window = self._windows[index]
            if window[0] >= end:
                return
            if window[0] >= start:
                yield window
            index += 1

    def in_window(self, start: datetime, end: datetime) -> list[Event]:
        return self.events[bisect_left(self.times, start):bisect_left(self.times, end)]

    def cadence_problem(self, at: datetime) -> Event | None:
        """The post that `at` would come too close to, or one of the day that is full."""
        spacing = self.rules.cadence.min_spacing
        if spacing:
            near = self.in_window(at - spacing + timedelta(microseconds=1), at + spacing)
            if near:
                return near[0]
        most = self.rules.cadence.daily_max
        if most:
            day = self.in_window(*local_day(at, self.zone))
            if len(day) >= most:
                return day[0]
        return None


@dataclass(frozen=True)
class Queue:
    """The outcome for a repository: each queued post's slot, and each author's timeline."""

    placed: Mapping[str, Placed]
    authors: Mapping[str, AuthorQueue]

    def slot_of(self, path: str) -> Placed | None:
        return self.placed.get(path)


def build_queue(
    config: Config,
    posts: Iterable[Post],
    ledger: Ledger,
    joined: Mapping[str, tuple[datetime, str]],
    now: datetime,
) -> Queue:
    """Place every queued post (see the module docstring).

    `posts`: the valid posts read; `joined`: when each post file joined the queue (its
    first commit) and the name it had then, which orders posts of one commit even after a
    rename; a post git does not have yet joins at `now`.
    """
    timelines: dict[str, AuthorQueue] = {}

    def timeline(author: str) -> AuthorQueue:
        if author not in timelines:
            alias = config.author_alias(author)
            timelines[author] = AuthorQueue(author, alias, config.queue.for_author(alias),
                                            ZoneInfo(config.defaults.timezone))
        return timelines[author]

    for path, entry in ledger.posts.items():
        went_out = entry.published_at if entry.state in WENT_OUT else (
            entry.intent_at if entry.state in ATTEMPTED else None)
        if went_out:
            timeline(entry.author).add(Event(parse_utc(went_out), path, "published"))
    turns: list[tuple[datetime, int, str, str, Post]] = []
    for post in posts:
        known = ledger.posts.get(post.path)
        if post.status != "ready" or post.urn or (known is not None
                                                   and known.state in SETTLED):
            continue
        if post.queued or post.schedule is not None:
            since, name = joined.get(post.path, (now, post.path))
            turns.append((since, int(post.queued), name, post.path, post))
    placed = {}
    # In the order posts joined, so that an exact time merged after a queued post does
    # not take its slot (it still goes out at its time); of one commit, exact times first.
    for since, _, _, path, post in sorted(turns, key=lambda turn: turn[:4]):
        if post.queued:
            placed[path] = _place(timeline(post.author), path, since)
        elif post.schedule is not None:
            timeline(post.author).add(Event(post.schedule, path, "scheduled"))
    for author in config.authors.values():
        if config.queue.for_author(config.author_alias(author)).slots:
            timeline(author)
    return Queue(placed, timelines)


def _place(queue: AuthorQueue, path: str, since: datetime) -> Placed:
    rules = queue.rules
    who = queue.alias or queue.author
    if not rules.slots:
        return Placed(path, queue.author, None, problem=(
            f"no queue slots for {who}: add slots = [\"Tue 09:00\", ...] under [queue] "
            + (f"or [queue.authors.{queue.alias}] " if queue.alias else "")
            + "in publish.toml, or give the post an exact schedule"))
    start = max(t for t in (since, _after(queue.last_published), _after(queue.cursor)) if t)
    for at, slot, until in queue.windows_from(start):
        if queue.in_window(at, until) or queue.cadence_problem(at):
            continue
        queue.add(Event(at, path, "queued"))
        queue.cursor = at
        return Placed(path, queue.author, at, slot)
    return Placed(path, queue.author, None, problem=(
        f"no free slot for {who} in the next {HORIZON_WEEKS // 52} years: add slots, or "
        "loosen [queue] min_spacing and daily_max"))


def _after(moment: datetime | None) -> datetime | None:
    return moment + timedelta(seconds=1) if moment else None


def local_day(at: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC bounds of the local day `at` falls on (23 or 25 hours on a DST day)."""
    day = at.astimezone(zone).date()
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    end = start + timedelta(days=1)
    return start.astimezone(UTC), end.replace(tzinfo=zone).astimezone(UTC)


def slot_time(slot: WeeklySlot, day: datetime) -> datetime:
    """The UTC instant of `slot` on the local date of `day`: a time the clocks skip is
    moved forward by the jump, a time they repeat is the first (fold=0 does both)."""
    local = datetime.combine(day.date(), slot.at, tzinfo=ZoneInfo(slot.zone))
    return local.replace(fold=0).astimezone(UTC)


def slot_times(slots: Iterable[WeeklySlot], start: datetime,
               weeks: int) -> Iterator[tuple[datetime, WeeklySlot]]:
    """Every slot instant at or after `start`, in time order, for `weeks` weeks; two slots
    that fall on one instant (a skipped 02:30 moved onto 03:30) are one."""
    each = [_one_slot(slot, start, weeks) for slot in slots]
    previous = None
    for at, slot in heapq.merge(*each, key=lambda pair: pair[0]):
        if at != previous:
            previous = at
            yield at, slot


def _one_slot(slot: WeeklySlot, start: datetime,
              weeks: int) -> Iterator[tuple[datetime, WeeklySlot]]:
    # Two days early: the slot's zone may be a day behind UTC.
    day = (start.astimezone(UTC) - timedelta(days=2)).astimezone(ZoneInfo(slot.zone))
    day += timedelta(days=(slot.weekday - day.weekday()) % 7)
    last = (datetime(LAST_YEAR, 1, 1, tzinfo=UTC) - day).days // 7  # dates stay countable
    for week in range(min(weeks, last) + 1):
        at = slot_time(slot, day + timedelta(weeks=week))
        if at >= start:
            yield at, slot


def slot_windows(slots: Iterable[WeeklySlot], start: datetime,
                 weeks: int) -> Iterator[tuple[datetime, WeeklySlot, datetime]]:
    """slot_times with where each slot's window ends: the next slot."""
    times = slot_times(slots, start, weeks + 1)
    current = next(times, None)
    for following in times:
        assert current is not None
        yield current[0], current[1], following[0]
        current = following


def cadence_breaches(queue: Queue) -> list[tuple[str, str]]:
    """(path, message) for each post with an exact schedule that breaks its author's
    cadence: it comes within min_spacing after another post of the author, or beyond
    daily_max on its local day. A queued post never does: it takes a later slot."""
    found: list[tuple[str, str]] = []
    for timeline in queue.authors.values():
        cadence = timeline.rules.cadence
        who = timeline.alias or timeline.author
        scheduled = [e for e in timeline.events if e.kind == "scheduled"]
        for event in scheduled:
            if cadence.min_spacing:
                before = timeline.in_window(event.at - cadence.min_spacing + _TICK, event.at)
                same = [e for e in timeline.in_window(event.at, event.at + _TICK)
                        if e.path < event.path]
                near = [e for e in (*before, *same) if e.path != event.path]
                if near:
                    gap = event.at - near[-1].at
                    found.append((event.path, (
                        f"schedule {format_utc(event.at)} is {_span(gap)} after "
                        f"{near[-1].path} by the same author ({who}), less than "
                        f"min_spacing {_span(cadence.min_spacing)} in [queue]: move one of them")))
            if cadence.daily_max:
                day = timeline.in_window(*local_day(event.at, timeline.zone))
                rank = day.index(event)
                if rank >= cadence.daily_max:
                    found.append((event.path, (
                        f"schedule {format_utc(event.at)} makes {rank + 1} posts by {who} "
                        f"on {event.at.astimezone(timeline.zone):%Y-%m-%d}, more than "
                        f"daily_max {cadence.daily_max} in [queue]: move it to another day")))
    return found


_TICK = timedelta(microseconds=1)


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "",
             f"{minutes}m" if minutes else ""]
    return " ".join(p for p in parts if p) or "0m"
