"""Analytics: a page's share statistics and a member's post analytics, computed from the
synthetic figures of ``metrics`` (linkedin-api.md section 9). No state of its own.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from publisher.sandbox import errors
from publisher.sandbox.backend.core import DAY_MS
from publisher.sandbox.backend.records import JSON, Caller, Post
from publisher.sandbox.backend.social import Social
from publisher.sandbox.metrics import ZERO, PostMetrics

STATS_WINDOW_MS = 365 * 24 * 3_600_000
QUERY_TYPES = {"IMPRESSION": "impressions", "MEMBERS_REACHED": "members_reached",
               "RESHARE": "reshares", "REACTION": "reactions", "COMMENT": "comments",
               "LINK_CLICKS": "clicks"}
NO_DAILY = ("MEMBERS_REACHED", "LINK_CLICKS")


class Analytics(Social):
    def share_statistics(self, caller: Caller, organization: str, shares: list[str] | None,
                         interval: tuple[int, int, str] | None) -> JSON:
        resource = "organizationalEntityShareStatistics.FINDER-organizationalEntity"
        if ("rw_organization_admin" not in caller.scopes
                or self.role(caller.member, organization) != "ADMINISTRATOR"):
            raise errors.access_denied(resource)
        now = self.now_ms()
        window = [p for p in self.posts.values() if p.author == organization and not p.deleted
                  and p.created_ms > now - STATS_WINDOW_MS]
        if shares is not None:
            return _collection(self._per_share(organization, window, shares))
        if interval is None:
            total = _sum(self.metrics(p, now) for p in window)
            return _collection([{"organizationalEntity": organization,
                                 "totalShareStatistics": _share_stats(total, aggregate=True)}])
        return _collection(self._per_interval(organization, window, interval))

    def _per_share(self, organization: str, window: list[Post], shares: list[str]) -> list[JSON]:
        elements = []
        for post in window:
            if post.urn not in shares:
                continue
            figures = self.metrics(post, self.now_ms())
            actions = figures.clicks + figures.likes + figures.comments + figures.reshares
            if figures.impressions == 0 and actions == 0:
                continue            # "Shares with no actions or impressions are not included"
            key = "ugcPost" if post.urn.startswith("urn:li:ugcPost:") else "share"
            elements.append({"organizationalEntity": organization, key: post.urn,
                             "totalShareStatistics": _share_stats(figures, aggregate=False)})
        return elements

    def _per_interval(self, organization: str, window: list[Post],
                      interval: tuple[int, int, str]) -> list[JSON]:
        start, end, granularity = interval
        elements = []
        for bucket_start, bucket_end in _buckets(start, end, granularity):
            growth = _sum(self.metrics(p, bucket_end).minus(self.metrics(p, bucket_start))
                          for p in window)
            elements.append({"organizationalEntity": organization,
                             "timeRange": {"start": bucket_start, "end": bucket_end},
                             "totalShareStatistics": _share_stats(growth, aggregate=True)})
        return elements

    def member_post_analytics(self, caller: Caller, finder: str, entity: str | None, *,
                              query_type: str, aggregation: str,
                              date_range: tuple[int, int] | None, version: str) -> JSON:
        if "r_member_postAnalytics" not in caller.scopes:
            raise errors.access_denied(f"memberCreatorPostAnalytics.FINDER-{finder}")
        if query_type not in QUERY_TYPES:
            raise errors.param_invalid(f"queryType {query_type!r} is not one of "
                                       f"{', '.join(QUERY_TYPES)}")
        if aggregation not in ("TOTAL", "DAILY"):
            raise errors.param_invalid(f"aggregation {aggregation!r} is not TOTAL or DAILY")
        if aggregation == "DAILY" and query_type in NO_DAILY:
            raise errors.param_invalid(f"DAILY aggregation is not supported for {query_type}")
        if finder == "entity":
            assert entity is not None
            post = self._live_post(entity)
            if post.author != caller.urn:
                raise errors.access_denied("memberCreatorPostAnalytics.FINDER-entity")
            posts = [post]
        else:
            posts = [p for p in self.posts.values() if p.author == caller.urn and not p.deleted]
        metric_type: Any = query_type if version >= "202605" else {
            "com.linkedin.adsexternalapi.memberanalytics.v1.CreatorPostAnalyticsMetricTypeV1":
                query_type}
        ranges = self._analytics_ranges(posts, aggregation, date_range)
        elements = []
        for range_start, range_end, shown_range in ranges:
            value = sum(_metric_value(self.metrics(p, range_end), query_type)
                        - _metric_value(self.metrics(p, range_start), query_type) for p in posts)
            element: JSON = {"count": value, "metricType": metric_type, "dateRange": shown_range}
            if finder == "entity":
                kind = "ugc" if entity and entity.startswith("urn:li:ugcPost:") else "share"
                element["targetEntity"] = {kind: entity}
            elements.append(element)
        return {"elements": elements,
                "paging": {"start": 0, "count": 10, "links": [], "total": len(elements)}}

    def _analytics_ranges(self, posts: list[Post], aggregation: str,
                          date_range: tuple[int, int] | None) -> list[tuple[int, int, JSON]]:
        if date_range is None:
            if aggregation == "TOTAL":
                return [(0, self.now_ms(), {})]
            first = min((p.created_ms for p in posts), default=self.now_ms())
            date_range = (first - first % DAY_MS, self.now_ms() - self.now_ms() % DAY_MS + DAY_MS)
        start, end = date_range
        if aggregation == "TOTAL":
            return [(start, end, {"start": _day(start), "end": _day(end)})]
        return [(s, e, {"start": _day(s), "end": _day(e)}) for s, e in _buckets(start, end, "DAY")]


def _collection(elements: list[JSON]) -> JSON:
    return {"elements": elements, "paging": {"start": 0, "count": 10, "links": []}}


def _sum(items: Iterable[PostMetrics]) -> PostMetrics:
    total = ZERO
    for item in items:
        total = total.plus(item)
    return total


def _share_stats(figures: PostMetrics, *, aggregate: bool) -> JSON:
    stats: JSON = {
        "uniqueImpressionsCount": figures.members_reached, "clickCount": figures.clicks,
        "engagement": figures.engagement, "likeCount": figures.likes,
        "commentCount": figures.comments, "shareCount": figures.reshares,
        "impressionCount": figures.impressions}
    if aggregate:       # mention counts are empty for per-share queries
        stats.update(shareMentionsCount=0, commentMentionsCount=0)
    return stats


def _metric_value(figures: PostMetrics, query_type: str) -> int:
    if query_type == "REACTION":
        return figures.total_reactions
    return int(getattr(figures, QUERY_TYPES[query_type]))


def _buckets(start: int, end: int, granularity: str) -> list[tuple[int, int]]:
    buckets = []
    cursor = start
    while cursor < end:
        if granularity == "MONTH":
            moment = datetime.fromtimestamp(cursor / 1000, UTC)
            year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year,
                                                                           moment.month + 1)
            following = calendar.timegm((year, month, 1, 0, 0, 0)) * 1000
        else:
            following = cursor + DAY_MS
        buckets.append((cursor, min(following, end)))
        cursor = following
    return buckets


def _day(ms: int) -> JSON:
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return {"day": moment.day, "month": moment.month, "year": moment.year}
