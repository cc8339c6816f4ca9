"""`[queue]` of publish.toml: the weekly slots of each author's queue and its cadence.

    [queue]
    slots = ["Tue 09:00", "Thu 14:00 America/New_York"]   # weekday, local time, zone?
    min_spacing = "20h"                                    # between two posts of one author
    daily_max = 1                                          # posts of one author per local day

    [queue.authors.jane]                                   # replaces any of the three for jane
    slots = ["Wed 08:30"]

A slot's time is local: in the zone written after it, else `[defaults].timezone`.
Parsing only; the queue itself (free slots, assignment) is publisher.queue.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from publisher.errors import did_you_mean

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
QUEUE_KEYS = ("slots", "min_spacing", "daily_max", "authors")
AUTHOR_KEYS = ("slots", "min_spacing", "daily_max")
SLOT = re.compile(r"^\s*(?P<day>[A-Za-z]+)\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})"
                  r"(?:\s+(?P<zone>[A-Za-z][A-Za-z0-9_+/-]*))?\s*$")

Report = Callable[[str, str], None]  # (dotted key, message)


@dataclass(frozen=True)
class WeeklySlot:
    """One slot of every week: a weekday (0 = Monday), a local time, and its zone."""

    weekday: int
    at: time
    zone: str

    def __str__(self) -> str:
        return f"{WEEKDAYS[self.weekday].title()} {self.at:%H:%M} {self.zone}"


@dataclass(frozen=True)
class Cadence:
    """How far apart an author's queued posts go out, and how many a day."""

    min_spacing: timedelta | None = None
    daily_max: int | None = None


@dataclass(frozen=True)
class QueueRules:
    """The slots and cadence that apply to one author."""

    slots: tuple[WeeklySlot, ...] = ()
    cadence: Cadence = Cadence()


@dataclass(frozen=True)
class QueueSettings:
    """`[queue]` as a whole: the team's rules and each author's own (by alias)."""

    default: QueueRules = QueueRules()
    authors: Mapping[str, QueueRules] = field(default_factory=dict)

    def for_author(self, alias: str | None) -> QueueRules:
        return self.authors.get(alias, self.default) if alias else self.default


def parse_slot(text: str, default_zone: str) -> WeeklySlot | str:
    """A WeeklySlot, or a message saying what is wrong and how to write it."""
    example = 'like "Tue 09:00" or "Thu 14:00 America/New_York"'
    match = SLOT.match(text)
    if match is None:
        return f"'{text}' is not a weekday and a time {example}"
    day = match["day"].lower()
    if day not in WEEKDAYS and day not in DAY_NAMES:
        return f"'{match['day']}' is not a weekday (Mon, Tue, Wed, Thu, Fri, Sat, Sun) in '{text}'"
    hour, minute = int(match["hour"]), int(match["minute"])
    if hour > 23 or minute > 59:
        clock = f"{match['hour']}:{match['minute']}"
        return f"'{clock}' in '{text}' is not a time of day (00:00 to 23:59)"
    zone = match["zone"] or default_zone
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return f"'{zone}' in '{text}' is not an IANA time zone like 'Europe/Berlin'"
    weekday = WEEKDAYS.index(day) if day in WEEKDAYS else DAY_NAMES.index(day)
    return WeeklySlot(weekday, time(hour, minute), zone)


def parse_queue(table: Any, default_zone: str, authors: Mapping[str, str],
                parse_duration: Callable[[str], timedelta | None],
                report: Report) -> QueueSettings:
    """`[queue]` as read by tomllib -> QueueSettings; every problem goes to `report`."""
    if table is None:
        return QueueSettings()
    if not isinstance(table, dict):
        report("queue", 'must be a table: [queue] with slots = ["Tue 09:00"]')
        return QueueSettings()
    for key in table:
        if key not in QUEUE_KEYS:
            report(f"queue.{key}", f"unknown key{did_you_mean(key, QUEUE_KEYS)}")
    default = _rules(table, "queue", default_zone, QueueRules(), parse_duration, report)
    per_author: dict[str, QueueRules] = {}
    own = table.get("authors", {})
    if not isinstance(own, dict):
        report("queue.authors", "must be tables like [queue.authors.ALIAS] with slots = [...]")
        own = {}
    for alias, value in own.items():
        key = f"queue.authors.{alias}"
        if alias not in authors:
            report(key, f"'{alias}' is not an alias in [authors]"
                   f"{did_you_mean(alias, list(authors))}: add it there, or fix the name")
            continue
        if not isinstance(value, dict):
            report(key, f"must be a table [{key}] with slots, min_spacing or daily_max")
            continue
        for sub in value:
            if sub not in AUTHOR_KEYS:
                report(f"{key}.{sub}", f"unknown key{did_you_mean(sub, AUTHOR_KEYS)}")
        per_author[alias] = _rules(value, key, default_zone, default, parse_duration, report)
    return QueueSettings(default, per_author)


def _rules(table: dict[str, Any], prefix: str, zone: str, base: QueueRules,
           parse_duration: Callable[[str], timedelta | None], report: Report) -> QueueRules:
    """The rules of one table; a key it does not set is `base`'s."""
    slots = _slots(table["slots"], prefix, zone, report) if "slots" in table else base.slots
    spacing = base.cadence.min_spacing
    if "min_spacing" in table:
        text = table["min_spacing"]
        spacing = parse_duration(text) if isinstance(text, str) else None
        if spacing is None:
            report(f"{prefix}.min_spacing",
                   f"{text!r} is not a duration like '20h', '90m' or '2d'")
    daily = base.cadence.daily_max
    if "daily_max" in table:
        value = table["daily_max"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            report(f"{prefix}.daily_max", f"must be a whole number of at least 1, found {value!r}")
            value = None
        daily = value
    return QueueRules(slots, Cadence(spacing, daily))


def _slots(value: Any, prefix: str, zone: str, report: Report) -> tuple[WeeklySlot, ...]:
    key = f"{prefix}.slots"
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        report(key, 'must be a list of weekdays and times like ["Tue 09:00", "Thu 14:00"]')
        return ()
    parsed = []
    for text in value:
        slot = parse_slot(text, zone)
        if isinstance(slot, str):
            report(key, slot)
        elif slot in parsed:
            report(key, f"'{text}' is listed twice: remove one")
        else:
            parsed.append(slot)
    return tuple(parsed)
