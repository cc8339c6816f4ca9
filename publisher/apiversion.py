"""How long LinkedIn still serves the configured LinkedIn-Version, without a network call.

LinkedIn releases a version each month and serves it for about a year, to about the 15th
of its month a year on; after that every call answers 426 NONEXISTENT_VERSION
(linkedin-api.md, "Versioning"). A team must hear of the sunset weeks before, from the
job that runs unattended: `publish` and `publish --dry-run` warn within
``SUNSET_WARN_DAYS``, and the scheduled workflow's alert issue carries that warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

SUNSET_WARN_DAYS = 61           # "within 2 months of its one-year sunset"

Level = Literal["ok", "warning", "error"]


@dataclass(frozen=True)
class VersionStatus:
    """How long a LinkedIn-Version has left before LinkedIn stops serving it."""

    version: str
    sunset: date
    days_left: int
    level: Level
    text: str


def sunset_of(version: str) -> date:
    year, month = int(version[:4]), int(version[4:6])
    return date(year + 1, month, 15)


def status(version: str, today: date) -> VersionStatus:
    """Whether `version` is served on `today`, and what to do when it soon is not."""
    year, month = int(version[:4]), int(version[4:6])
    sunset = sunset_of(version)
    days_left = (sunset - today).days
    level: Level
    if (year, month) > (today.year, today.month):
        level, text = "error", (f"LinkedIn-Version {version} is not released yet: LinkedIn "
                                "answers 426; set [linkedin].version to this month or an "
                                "earlier one")
    elif days_left < 0:
        level, text = "error", (f"LinkedIn-Version {version} was retired about {sunset}: "
                                f"LinkedIn answers 426; set [linkedin].version to "
                                f"\"{today:%Y%m}\" or a recent month")
    elif days_left <= SUNSET_WARN_DAYS:
        level, text = "warning", (f"LinkedIn-Version {version} is retired about {sunset} "
                                  f"(in {days_left} days): test and set a newer "
                                  "[linkedin].version (docs/api-version.md)")
    else:
        level, text = "ok", (f"LinkedIn-Version {version} is served until about {sunset} "
                             f"({days_left} days)")
    return VersionStatus(version, sunset, days_left, level, text)


def notice(version: str, today: date) -> str | None:
    """The warning a sync prints, or None while the version is far from its sunset."""
    found = status(version, today)
    return None if found.level == "ok" else found.text
