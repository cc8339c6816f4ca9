"""Deterministic, plausible engagement figures for a post (analytics endpoints).

The figures depend only on the seed, the post URN, its creation time and the time asked
about, so a test can compute what the sandbox will answer. docs/sandbox.md states the formula:

    hours   = whole hours since creation, between 0 and 720 (30 days)
    weight  = 4 * min(hours, 24) + min(max(hours - 24, 0), 144) + max(hours - 168, 0) // 4
    d       = sha256("{seed}:{urn}") as bytes
    impressions = weight * (10 + d[0] % 90) // 4
    members_reached = impressions * (60 + d[1] % 30) // 100
    clicks  = impressions * (1 + d[2] % 5) // 100
    likes   = impressions * (1 + d[3] % 4) // 100       (LIKE reactions)
    comments = impressions * (d[4] % 3) // 200 + comments created through the API so far
    reshares = impressions * (d[5] % 3) // 200
    other reactions: PRAISE likes*(d[6]%4)//10, EMPATHY likes*(d[7]%3)//10,
                     INTEREST likes*(d[8]%2)//10, APPRECIATION likes*(d[9]%2)//10,
                     ENTERTAINMENT likes*(d[10]%2)//10
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

HOUR_MS = 3_600_000
MAX_HOURS = 720
FIRST_DAY, FIRST_WEEK = 24, 168

OTHER_REACTIONS = (("PRAISE", 6, 4), ("EMPATHY", 7, 3), ("INTEREST", 8, 2),
                   ("APPRECIATION", 9, 2), ("ENTERTAINMENT", 10, 2))


@dataclass(frozen=True)
class PostMetrics:
    impressions: int
    members_reached: int
    clicks: int
    likes: int
    comments: int
    reshares: int
    reactions: dict[str, int]

    @property
    def total_reactions(self) -> int:
        return sum(self.reactions.values())

    @property
    def engagement(self) -> float:
        """(clicks + likes + comments + shares) / impressions, as the share statistics define it."""
        if not self.impressions:
            return 0.0
        return (self.clicks + self.likes + self.comments + self.reshares) / self.impressions

    def minus(self, earlier: PostMetrics) -> PostMetrics:
        """The growth between two moments (for time-bound statistics)."""
        return PostMetrics(
            self.impressions - earlier.impressions,
            self.members_reached - earlier.members_reached,
            self.clicks - earlier.clicks, self.likes - earlier.likes,
            self.comments - earlier.comments, self.reshares - earlier.reshares,
            {k: v - earlier.reactions.get(k, 0) for k, v in self.reactions.items()})

    def plus(self, other: PostMetrics) -> PostMetrics:
        return PostMetrics(
            self.impressions + other.impressions,
            self.members_reached + other.members_reached,
            self.clicks + other.clicks, self.likes + other.likes,
            self.comments + other.comments, self.reshares + other.reshares,
            {k: v + other.reactions.get(k, 0) for k, v in self.reactions.items()})


ZERO = PostMetrics(0, 0, 0, 0, 0, 0, {"LIKE": 0, **{name: 0 for name, _, _ in OTHER_REACTIONS}})


def reach_weight(hours: int) -> int:
    """Hours of exposure in quarter-hours, fading as a real feed does.

    A post is seen at its full rate on its first day, at a quarter of it for the rest of
    its first week and at a sixteenth after that, so its curve bends instead of climbing
    straight for 30 days.
    """
    first_day = min(hours, FIRST_DAY)
    rest_of_week = min(max(hours - FIRST_DAY, 0), FIRST_WEEK - FIRST_DAY)
    later = max(hours - FIRST_WEEK, 0)
    return 4 * first_day + rest_of_week + later // 4


def post_metrics(seed: int, urn: str, created_ms: int, at_ms: int,
                 api_comments: int = 0) -> PostMetrics:
    hours = min(MAX_HOURS, max(0, (at_ms - created_ms) // HOUR_MS))
    d = hashlib.sha256(f"{seed}:{urn}".encode()).digest()
    impressions = reach_weight(hours) * (10 + d[0] % 90) // 4
    likes = impressions * (1 + d[3] % 4) // 100
    reactions = {"LIKE": likes}
    for name, index, modulo in OTHER_REACTIONS:
        reactions[name] = likes * (d[index] % modulo) // 10
    return PostMetrics(
        impressions=impressions,
        members_reached=impressions * (60 + d[1] % 30) // 100,
        clicks=impressions * (1 + d[2] % 5) // 100,
        likes=likes,
        comments=impressions * (d[4] % 3) // 200 + api_comments,
        reshares=impressions * (d[5] % 3) // 200,
        reactions=reactions,
    )
