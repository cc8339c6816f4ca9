from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from publisher.schedule import TimeError, parse_time, parse_utc
from publisher.utc import format_utc


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2026-12-01 09:00", "2026-12-01T08:00:00Z"),              # default zone, CET
        ("2026-07-01 09:00", "2026-07-01T07:00:00Z"),              # default zone, CEST
        ("2026-12-01T09:00:30", "2026-12-01T08:00:30Z"),
        ("2026-12-01 9:05", "2026-12-01T08:05:00Z"),
        ("2026-12-01T09:00Z", "2026-12-01T09:00:00Z"),
        ("2026-12-01 09:00+05:30", "2026-12-01T03:30:00Z"),
        ("2026-12-01 09:00 -0800", "2026-12-01T17:00:00Z"),
        ("2026-12-01 09:00 America/New_York", "2026-12-01T14:00:00Z"),
        ("2026-12-01T09:00[Asia/Tokyo]", "2026-12-01T00:00:00Z"),
        ("2026-12-01 09:00 UTC", "2026-12-01T09:00:00Z"),
    ],
)
def test_times_are_read_into_utc(text: str, utc: str) -> None:
    assert format_utc(parse_time(text, "Europe/Berlin").utc) == utc


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tomorrow", "is not a date and time like"),
        ("2026-13-01 09:00", "is not a real date and time"),
        ("2026-12-01 25:00", "is not a real date and time"),
        ("2026-12-01 09:00 Mars/Base", "'Mars/Base' in '2026-12-01 09:00 Mars/Base' is not an IANA time zone"),
        ("2026-03-29 02:30", "does not exist in Europe/Berlin (clocks jump forward"),
        ("2026-03-08 02:30 America/New_York", "does not exist in America/New_York"),
    ],
)
def test_bad_times_say_why(text: str, message: str) -> None:
    with pytest.raises(TimeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_time(text, "Europe/Berlin")



@pytest.mark.parametrize(("moment", "milliseconds", "text"), [
    (datetime(2026, 12, 1, 9, 0, 3, 250_000, tzinfo=ZoneInfo("Europe/Berlin")), False,
     "2026-12-01T08:00:03Z"),
    (datetime(2026, 12, 1, 9, 0, 3, 250_000, tzinfo=ZoneInfo("Europe/Berlin")), True,
     "2026-12-01T08:00:03.250Z"),
    (1_796_112_003.25, True, "2026-12-01T08:00:03.250Z"),
    (1_796_112_003.25, False, "2026-12-01T08:00:03Z"),
])
def test_one_utc_form_for_datetimes_and_epoch_seconds(
        moment: datetime | float, milliseconds: bool, text: str) -> None:
    assert format_utc(moment, milliseconds=milliseconds) == text


def test_a_time_that_happens_twice_warns_and_takes_the_first() -> None:
    parsed = parse_time("2026-10-25 02:30", "Europe/Berlin")
    assert format_utc(parsed.utc) == "2026-10-25T00:30:00Z"
    assert parsed.warning is not None and "happens twice" in parsed.warning


def test_an_offset_settles_the_ambiguity_without_warning() -> None:
    parsed = parse_time("2026-10-25 02:30+01:00", "Europe/Berlin")
    assert format_utc(parsed.utc) == "2026-10-25T01:30:00Z"
    assert parsed.warning is None


def test_utc_round_trip() -> None:
    moment = datetime(2026, 12, 1, 8, 0, 3, tzinfo=UTC)
    assert parse_utc(format_utc(moment)) == moment
