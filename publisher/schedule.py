"""Times written in posts: parsed into UTC, with daylight-saving traps reported.

Accepted forms: `2026-12-01 09:00`, `2026-12-01T09:00:00`, with an offset
(`+01:00`, `Z`) or an IANA zone after a space (`2026-12-01 09:00 America/New_York`) or in
brackets (`2026-12-01T09:00[Europe/Paris]`). Without either, the default zone applies.
Years run from 1970 to 9000.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PATTERN = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)"
    r"\s*(?P<offset>Z|[+-]\d{2}:?\d{2})?"
    r"\s*(?:\[(?P<bracket>[^\]]+)\]|(?P<zone>[A-Za-z][A-Za-z0-9_+/-]*))?$"
)
FIRST_YEAR, LAST_YEAR = 1970, 9000


@dataclass(frozen=True)
class ParsedTime:
    """A time written in a post, in UTC, with the zone it was meant in."""

    utc: datetime
    zone: str  # the zone the author meant: named, an offset, or the default
    warning: str | None = None


class TimeError(ValueError):
    """A time that cannot be used; the message says why and how to write it."""


def parse_time(text: str, default_zone: str) -> ParsedTime:
    """Parse a post time into UTC; raise TimeError for a bad or non-existent time."""
    match = PATTERN.match(text.strip())
    if not match:
        raise TimeError(
            f"'{text}' is not a date and time like '2026-12-01 09:00', "
            "'2026-12-01T09:00+01:00' or '2026-12-01 09:00 Europe/Berlin'"
        )
    clock = match["time"] if match["time"].count(":") == 2 else f"{match['time']}:00"
    try:
        naive = datetime.fromisoformat(f"{match['date']}T{clock.zfill(8)}")
    except ValueError as error:
        raise TimeError(f"'{text}' is not a real date and time ({error})") from None
    if not FIRST_YEAR <= naive.year <= LAST_YEAR:
        # Outside these, moving the time to UTC or adding a delay leaves the years Python
        # can count; no post is meant for them.
        raise TimeError(
            f"'{text}' is in the year {naive.year}: write a year from {FIRST_YEAR} to {LAST_YEAR}"
        )
    offset = match["offset"]
    zone_name = match["bracket"] or match["zone"]
    if offset:
        aware = datetime.fromisoformat(f"{naive.isoformat()}{_iso_offset(offset)}")
        return ParsedTime(utc=aware.astimezone(UTC), zone=offset)
    return _in_zone(naive, zone_name or default_zone, text)


def _iso_offset(offset: str) -> str:
    if offset == "Z":
        return "+00:00"
    return offset if ":" in offset else f"{offset[:3]}:{offset[3:]}"


def _in_zone(naive: datetime, zone_name: str, text: str) -> ParsedTime:
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise TimeError(
            f"'{zone_name}' in '{text}' is not an IANA time zone like 'Europe/Berlin'"
        ) from None
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return ParsedTime(utc=first.astimezone(UTC), zone=zone_name)
    if _round_trips(first):
        # The wall time happens twice (clocks go back); the earlier one is meant.
        return ParsedTime(
            utc=first.astimezone(UTC),
            zone=zone_name,
            warning=(
                f"{naive:%Y-%m-%d %H:%M} happens twice in {zone_name} (clocks go back); "
                f"using the first, {first.astimezone(UTC):%H:%M} UTC: add an offset to choose"
            ),
        )
    raise TimeError(
        f"{naive:%Y-%m-%d %H:%M} does not exist in {zone_name} (clocks jump forward "
        "that night): pick a time outside the gap or add an offset"
    )


def _round_trips(moment: datetime) -> bool:
    back = moment.astimezone(UTC).astimezone(moment.tzinfo)
    return back.replace(tzinfo=None) == moment.replace(tzinfo=None)


def parse_utc(text: str) -> datetime:
    """Read back what format_utc wrote (and any ISO 8601 with an offset)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
