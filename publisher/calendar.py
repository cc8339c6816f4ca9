"""The content calendar of `publish preview` (calendar.html): every post on the day it goes
out, or went out, in a month grid and a week view. Pure: posts in, a model for the
template out.

Every month from the first post's to the last one's (and the current month) is drawn, so
the page moves between months with plain links and needs no script and no server. Each
author gets a colour and a legend entry, and every post also says its author and its
state in words, so nothing is told by colour alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

State = Literal["scheduled", "queued", "due", "published", "expired", "failed", "blocked",
                "draft"]
STATE_WORDS: dict[str, str] = {
    "scheduled": "scheduled", "queued": "queued", "due": "due on the next sync",
    "published": "published", "expired": "expired", "failed": "failed", "blocked": "blocked",
    "draft": "draft",
}
# Tints with a darker edge: text on them is the page's near-black, well over 4.5:1.
PALETTE = (
    ("#dbe9fb", "#0a66c2"), ("#fde7d4", "#b45309"), ("#def5e6", "#15803d"),
    ("#f1e2fb", "#7e22ce"), ("#fbe0e4", "#be123c"), ("#dff3f6", "#0e7490"),
    ("#f2f0d7", "#6b6b00"), ("#e9e9e9", "#4b5563"),
)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class CalendarPost:
    """One post as the calendar needs it."""

    path: str
    title: str
    author: str  # the name shown
    state: State
    at: datetime | None  # None: on the next sync
    page: str | None  # its card page, relative to calendar.html


@dataclass(frozen=True)
class Author:
    name: str
    index: int  # into PALETTE, and the CSS class author-N

    @property
    def colours(self) -> tuple[str, str]:
        return PALETTE[self.index % len(PALETTE)]


@dataclass(frozen=True)
class Item:
    post: CalendarPost
    author: Author
    time: str  # local HH:MM, or "next sync"
    state_words: str


@dataclass
class Day:
    day: date
    in_month: bool
    today: bool
    items: list[Item] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{WEEKDAY_NAMES[self.day.weekday()]} {self.day.day} {self.day:%B %Y}"


@dataclass(frozen=True)
class Month:
    id: str  # the anchor: m-2026-12
    title: str
    weeks: tuple[tuple[Day, ...], ...]
    count: int


@dataclass(frozen=True)
class Week:
    id: str  # the anchor: w-2026-11-30 (its Monday)
    title: str
    days: tuple[Day, ...]
    count: int


@dataclass(frozen=True)
class Calendar:
    zone: str
    today: date
    authors: tuple[Author, ...]
    months: tuple[Month, ...]
    weeks: tuple[Week, ...]
    undated: tuple[Item, ...]  # drafts with no time: listed under the grid

    @property
    def current_month(self) -> str:
        return f"m-{self.today:%Y-%m}"

    @property
    def current_week(self) -> str:
        return _week_id(self.today)


def build_calendar(posts: Iterable[CalendarPost], now: datetime, zone_name: str) -> Calendar:
    zone = ZoneInfo(zone_name)
    today = now.astimezone(zone).date()
    posts = list(posts)
    authors = {name: Author(name, n) for n, name in enumerate(sorted({p.author for p in posts}))}
    by_day: dict[date, list[Item]] = {}
    undated = []
    for post in sorted(posts, key=lambda p: (p.at or now, p.path)):
        item = _item(post, authors[post.author], zone)
        if post.at is None and post.state == "draft":
            undated.append(item)
            continue
        by_day.setdefault((post.at or now).astimezone(zone).date(), []).append(item)
    days = [*by_day, today]
    months = _months(min(days), max(days), today, by_day)
    weeks = tuple(_week(monday, today, by_day) for monday in
                  sorted({_monday(d) for d in days}))
    return Calendar(zone_name, today, tuple(authors.values()), months, weeks, tuple(undated))


def _item(post: CalendarPost, author: Author, zone: ZoneInfo) -> Item:
    time = f"{post.at.astimezone(zone):%H:%M}" if post.at else "next sync"
    return Item(post, author, time, STATE_WORDS[post.state])


def _months(first: date, last: date, today: date,
            by_day: dict[date, list[Item]]) -> tuple[Month, ...]:
    months = []
    start = first.replace(day=1)
    while start <= last:
        following = (start + timedelta(days=32)).replace(day=1)
        grid_start = _monday(start)
        weeks = []
        week_start = grid_start
        while week_start < following:
            weeks.append(tuple(
                _day(week_start + timedelta(days=n), today, by_day, start.month)
                for n in range(7)))
            week_start += timedelta(days=7)
        count = sum(len(items) for d, items in by_day.items() if start <= d < following)
        months.append(Month(f"m-{start:%Y-%m}", f"{start:%B %Y}", tuple(weeks), count))
        start = following
    return tuple(months)


def _week(monday: date, today: date, by_day: dict[date, list[Item]]) -> Week:
    days = tuple(_day(monday + timedelta(days=n), today, by_day, None) for n in range(7))
    sunday = monday + timedelta(days=6)
    return Week(_week_id(monday), f"Week of {monday.day} {monday:%B %Y} to {sunday.day} "
                f"{sunday:%B %Y}", days, sum(len(d.items) for d in days))


def _day(day: date, today: date, by_day: dict[date, list[Item]], month: int | None) -> Day:
    inside = month is None or day.month == month
    return Day(day, inside, inside and day == today, by_day.get(day, []))


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _week_id(day: date) -> str:
    return f"w-{_monday(day):%Y-%m-%d}"
