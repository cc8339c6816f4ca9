"""The poll on a feed card: the question, the answers a reader picks from, and how long
it stays open. Drawn by ``templates/poll.html.j2`` for the sandbox's feed (from the
stored ``content.poll``) and for ``publish preview`` (from the post file)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# What the feed says under a poll, by the Posts API's duration.
DURATION_LABELS = {"ONE_DAY": "1 day", "THREE_DAYS": "3 days", "SEVEN_DAYS": "1 week",
                   "FOURTEEN_DAYS": "2 weeks"}


@dataclass(frozen=True)
class PollCard:
    question: str
    options: tuple[str, ...]
    duration: str  # the Posts API's value, e.g. SEVEN_DAYS

    @property
    def lasts(self) -> str:
        return DURATION_LABELS.get(self.duration, self.duration)


def poll_card(question: str, options: Sequence[str], duration: str) -> PollCard:
    return PollCard(question, tuple(options), duration)


def from_content(poll: Mapping[str, Any]) -> PollCard:
    """The card of a stored ``content.poll`` ({question, options: [{text}], settings})."""
    settings = poll.get("settings") or {}
    return PollCard(str(poll.get("question", "")),
                    tuple(str(o.get("text", "")) for o in poll.get("options", [])),
                    str(settings.get("duration", "")))
