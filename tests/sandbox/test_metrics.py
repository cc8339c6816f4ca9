"""The sandbox's engagement figures: a fading reach curve, the same answer for the same calls.

Expected values are worked out by hand from the formula docs/sandbox.md publishes.
"""

from __future__ import annotations

import hashlib

import pytest

from publisher.sandbox.control import SandboxControl
from publisher.sandbox.metrics import post_metrics, reach_weight
from tests.sandbox.helpers import ACME, Api, key, restli_list

HOUR_MS = 3_600_000


@pytest.mark.parametrize(("hours", "weight"), [
    (0, 0),
    (1, 4),          # full rate on the first day: 4 quarter-hours an hour
    (24, 96),
    (25, 97),        # then a quarter of it
    (168, 240),      # 96 + 144
    (171, 240),      # a sixteenth after the first week: 3 // 4 = 0 ...
    (172, 241),      # ... 4 // 4 = 1
    (720, 378),      # 96 + 144 + 552 // 4
])
def test_reach_fades_after_the_first_day_and_the_first_week(hours: int, weight: int) -> None:
    assert reach_weight(hours) == weight


def test_figures_stop_growing_after_30_days() -> None:
    at_30_days = post_metrics(1, "urn:li:share:7", 0, 720 * HOUR_MS)
    at_60_days = post_metrics(1, "urn:li:share:7", 0, 1440 * HOUR_MS)
    assert at_30_days == at_60_days


def test_one_post_by_hand() -> None:
    urn = "urn:li:share:7000000000000000001"
    d = hashlib.sha256(f"3:{urn}".encode()).digest()
    rate = 10 + d[0] % 90
    figures = post_metrics(3, urn, 0, 48 * HOUR_MS)
    impressions = (96 + 24) * rate // 4                    # 24 h at 4, then 24 h at 1
    assert figures.impressions == impressions
    assert figures.clicks == impressions * (1 + d[2] % 5) // 100
    assert figures.likes == impressions * (1 + d[3] % 4) // 100


def test_figures_grow_with_the_clock_and_never_shrink(control: SandboxControl,
                                                      alice: Api) -> None:
    urn = alice.created_urn(author=ACME)
    seen = []
    for hours in (1, 5, 23, 24, 30, 100, 200, 719, 720, 800):
        control.set_clock("2026-03-10T12:00:00Z")
        control.advance_clock(hours * 3600)
        answer = alice.get(f"/rest/organizationalEntityShareStatistics?q=organizationalEntity"
                           f"&organizationalEntity={key(ACME)}&shares={restli_list(urn)}")
        seen.append(answer.json()["elements"][0]["totalShareStatistics"]["impressionCount"])
    assert seen == sorted(seen)
    assert seen[0] < seen[3] < seen[6] < seen[8] == seen[9]


def test_the_same_calls_give_the_same_figures(control: SandboxControl, base_url: str) -> None:
    answers = []
    for _ in range(2):
        control.reset(seed=11)
        control.set_clock("2026-03-10T12:00:00Z")
        control.add_member("alice", "Alice Martin")
        api = Api(base_url, control.token("alice", ["w_member_social", "r_member_social"]))
        urn = api.created_urn()
        control.advance_clock(50 * 3600)
        answers.append((urn, api.get(f"/rest/socialMetadata/{key(urn)}").json()))
    assert answers[0] == answers[1]
