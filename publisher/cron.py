"""Cron expressions as GitHub Actions reads them: five fields, always in UTC.

    minute  hour  day-of-month  month  day-of-week
    0-59    0-23  1-31          1-12   0-6 (0 and 7 are Sunday)

Each field is `*`, a number, a range `a-b`, a step `*/n`, `a-b/n` or `a/n` (from a to the
end), or a list of these separated by commas. Months and days of the week may be named
(`JAN`, `mon-fri`). As in POSIX cron, when both day fields are restricted (neither is
`*`), a day matches when either one does.

Pure: parsing and the next run from a given time; no clock, no files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    first_name: int = 0  # the number of names[0]


FIELDS = (
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day of month", 1, 31),
    _Field("month", 1, 12, MONTHS, 1),
    _Field("day of week", 0, 7, DAYS, 0),
)
# How far ahead a next run is looked for: every day of a leap year and then some, so a
# schedule of one day a year is found; a schedule with no run in it (30 February) never.
HORIZON = timedelta(days=400)


class CronError(ValueError):
    """A cron expression that cannot be read; the message says which field and why."""


@dataclass(frozen=True)
class Cron:
    text: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 Sunday .. 6 Saturday
    any_day: bool  # day of month is `*`
    any_weekday: bool  # day of week is `*`

    def runs_on(self, moment: datetime) -> bool:
        """Whether the schedule fires in the minute of `moment` (UTC)."""
        return (moment.minute in self.minutes and moment.hour in self.hours
                and self._day_matches(moment))

    def _day_matches(self, day: datetime) -> bool:
        if day.month not in self.months:
            return False
        in_month = day.day in self.days
        in_week = (day.isoweekday() % 7) in self.weekdays
        if self.any_day or self.any_weekday:
            return in_month and in_week
        return in_month or in_week

    def first_run(self, at: datetime, until: datetime | None = None) -> datetime | None:
        """The first minute at or after `at` when the schedule fires (UTC), or None when it
        does not fire before `until` (default: HORIZON after `at`)."""
        start = _ceil_minute(at.astimezone(UTC))
        end = until.astimezone(UTC) if until is not None else start + HORIZON
        day = start.replace(hour=0, minute=0)
        while day <= end:
            if self._day_matches(day):
                found = self._first_in_day(day, start)
                if found is not None:
                    return found if found <= end else None
            day += timedelta(days=1)
        return None

    def _first_in_day(self, day: datetime, start: datetime) -> datetime | None:
        for hour in sorted(self.hours):
            for minute in sorted(self.minutes):
                moment = day.replace(hour=hour, minute=minute)
                if moment >= start:
                    return moment
        return None


def _ceil_minute(moment: datetime) -> datetime:
    whole = moment.replace(second=0, microsecond=0)
    return whole if whole == moment else whole + timedelta(minutes=1)


def parse_cron(text: str) -> Cron:
    """Read a five-field cron expression; raise CronError naming the field at fault."""
    parts = text.split()
    if len(parts) != len(FIELDS):
        raise CronError(
            f"cron '{text}' has {len(parts)} field{'s' if len(parts) != 1 else ''}: write "
            "five, minute hour day-of-month month day-of-week, like '*/15 7-16 * * 1-5'"
        )
    values = [_parse_field(part, spec, text) for part, spec in zip(parts, FIELDS, strict=True)]
    weekdays = frozenset(day % 7 for day in values[4])
    return Cron(text, values[0], values[1], values[2], values[3], weekdays,
                any_day=parts[2] == "*", any_weekday=parts[4] == "*")


def _parse_field(part: str, spec: _Field, text: str) -> frozenset[int]:
    found: set[int] = set()
    for item in part.split(","):
        found.update(_parse_item(item, spec, text))
    return frozenset(found)


def _parse_item(item: str, spec: _Field, text: str) -> range:
    base, _, step_text = item.partition("/")
    step = 1
    if step_text:
        step = _number(step_text, spec, text, "step")
        if step < 1:
            raise CronError(f"cron '{text}': the {spec.name} step '{step_text}' must be 1 or more")
    if base == "*":
        low, high = spec.low, spec.high
    elif "-" in base:
        first, _, last = base.partition("-")
        low, high = _value(first, spec, text), _value(last, spec, text)
        if low > high:
            raise CronError(f"cron '{text}': the {spec.name} range '{base}' runs backwards; "
                            f"write it from low to high, as {high}-{low} or a list")
    else:
        low = _value(base, spec, text)
        high = spec.high if step_text else low
    return range(low, high + 1, step)


def _value(word: str, spec: _Field, text: str) -> int:
    upper = word.upper()
    if upper in spec.names:
        return spec.names.index(upper) + spec.first_name
    value = _number(word, spec, text, "value")
    if not spec.low <= value <= spec.high:
        raise CronError(f"cron '{text}': the {spec.name} '{word}' is outside "
                        f"{spec.low}-{spec.high}")
    return value


def _number(word: str, spec: _Field, text: str, what: str) -> int:
    if not word.isdigit() or not word.isascii():
        named = f" or a name like {spec.names[0]}" if spec.names else ""
        raise CronError(f"cron '{text}': the {spec.name} {what} '{word}' is not a number"
                        f"{named}")
    return int(word)


@dataclass(frozen=True)
class Schedule:
    """The crons a publishing workflow runs on; a run at any of them publishes."""

    crons: tuple[Cron, ...]
    source: str  # where the crons were read, for messages

    def first_run(self, at: datetime, until: datetime | None = None) -> datetime | None:
        runs = [run for cron in self.crons if (run := cron.first_run(at, until)) is not None]
        return min(runs, default=None)

    @property
    def texts(self) -> str:
        return ", ".join(f"'{cron.text}'" for cron in self.crons)
