"""The one way publish writes a moment as text: UTC, ISO 8601, with a Z.

The ledger, post files, JSON plans, analytics snapshots and the sandbox all write times
through ``format_utc``, so that the forms never drift apart and every one reads back with
``schedule.parse_utc``.
"""

from __future__ import annotations

from datetime import UTC, datetime


def format_utc(moment: datetime | float, *, milliseconds: bool = False) -> str:
    """``2026-12-01T08:00:03Z`` (or ``…08:00:03.250Z``) for an aware datetime or epoch seconds."""
    if not isinstance(moment, datetime):
        moment = datetime.fromtimestamp(moment, UTC)
    text = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if milliseconds:
        text += f".{moment.microsecond // 1000:03d}"
    return text + "Z"


def format_utc_ms(seconds: float) -> str:
    """Epoch seconds to the millisecond: the sandbox keeps LinkedIn's millisecond clock."""
    return format_utc(seconds, milliseconds=True)
