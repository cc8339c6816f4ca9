"""LinkedIn's analytics endpoints (linkedin-api.md section 9) as plain Python calls.

* ``share_statistics``: lifetime figures of an organization's posts, from
  ``organizationalEntityShareStatistics``; as many posts per call as the 4000-character
  query string allows (LinkedIn documents no other cap), every post asked for is answered:
  LinkedIn leaves out posts with no impressions and no actions, and says they count as zero.
* ``member_post_metric``: one metric of a member's post from ``memberCreatorPostAnalytics``
  (LinkedIn takes one ``queryType`` per call).
* ``social_metadata``: reactions by type and comment counts, many posts per call.

Each function takes the shared ``Transport`` and one token, as ``media`` does, and raises
``errors`` classes; ``LinkedInClient`` exposes them as methods.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from publisher.linkedin.errors import LinkedInError, RequestContext, error_from_response
from publisher.linkedin.restli import encode_value, query_string
from publisher.linkedin.transport import Token, Transport, bearer

MAX_QUERY = 4000        # longer query strings need Rest.li query tunneling (section 1.1)
SOCIAL_BATCH = 50       # URNs per socialMetadata BATCH_GET
MEMBER_METRICS = ("IMPRESSION", "MEMBERS_REACHED", "REACTION", "COMMENT", "RESHARE",
                  "LINK_CLICKS")
UGC_PREFIX = "urn:li:ugcPost:"


@dataclass(frozen=True)
class ShareStatistics:
    """``totalShareStatistics`` of one post; ``likes`` counts "Like" reactions only."""

    urn: str
    impressions: int = 0
    unique_impressions: int = 0
    clicks: int = 0
    likes: int = 0
    comments: int = 0
    shares: int = 0
    engagement: float = 0.0

    @classmethod
    def from_json(cls, urn: str, data: Mapping[str, Any]) -> ShareStatistics:
        return cls(urn, impressions=_int(data, "impressionCount"),
                   unique_impressions=_int(data, "uniqueImpressionsCount"),
                   clicks=_int(data, "clickCount"), likes=_int(data, "likeCount"),
                   comments=_int(data, "commentCount"), shares=_int(data, "shareCount"),
                   engagement=float(data.get("engagement") or 0.0))


@dataclass(frozen=True)
class SocialSummary:
    """``socialMetadata`` of one post: reactions by type and comments."""

    urn: str
    reactions: dict[str, int] = field(default_factory=dict)
    comments: int = 0
    top_level_comments: int = 0

    @property
    def total_reactions(self) -> int:
        return sum(self.reactions.values())

    @classmethod
    def from_json(cls, urn: str, data: Mapping[str, Any]) -> SocialSummary:
        summaries = data.get("reactionSummaries")
        reactions = {}
        if isinstance(summaries, dict):
            reactions = {str(kind): _int(value, "count") for kind, value in summaries.items()
                         if isinstance(value, dict)}
        comments = data.get("commentSummary")
        comments = comments if isinstance(comments, dict) else {}
        return cls(urn, reactions, _int(comments, "count"), _int(comments, "topLevelCount"))


def share_statistics(transport: Transport, token: Token, organization: str,
                     posts: Iterable[str]) -> dict[str, ShareStatistics]:
    """Lifetime statistics of ``posts`` (share or ugcPost URNs) of ``organization``.

    Needs ``rw_organization_admin`` and the ADMINISTRATOR role on the page. Every post
    asked for is in the answer; those LinkedIn left out have zeros.
    """
    wanted = list(dict.fromkeys(posts))
    found = {urn: ShareStatistics(urn) for urn in wanted}
    for query in _statistics_queries(organization, wanted):
        reply = transport.api("GET", "/rest/organizationalEntityShareStatistics", token,
                              restli_method="FINDER", query=query)
        for element in _elements(reply.json()):
            urn = element.get("share") or element.get("ugcPost")
            stats = element.get("totalShareStatistics")
            if isinstance(urn, str) and urn in found and isinstance(stats, dict):
                found[urn] = ShareStatistics.from_json(urn, stats)
    return found


def _statistics_queries(organization: str, posts: Sequence[str]) -> Iterator[str]:
    """Query strings that ask for as many posts each as fit in ``MAX_QUERY`` characters."""
    head = query_string({"q": "organizationalEntity", "organizationalEntity": organization})
    batch: list[str] = []
    for urn in posts:
        if batch and len(_statistics_query(head, [*batch, urn])) > MAX_QUERY:
            yield _statistics_query(head, batch)
            batch = []
        batch.append(urn)
    if batch:
        yield _statistics_query(head, batch)


def _statistics_query(head: str, posts: Sequence[str]) -> str:
    shares = [u for u in posts if not u.startswith(UGC_PREFIX)]
    ugc_posts = [u for u in posts if u.startswith(UGC_PREFIX)]
    parts = [head]
    if shares:
        parts.append(f"shares={encode_value(shares)}")
    if ugc_posts:
        parts.append(f"ugcPosts={encode_value(ugc_posts)}")
    return "&".join(parts)


def member_post_metric(transport: Transport, token: Token, post: str, query_type: str) -> int:
    """One lifetime figure (``IMPRESSION``, ``REACTION``...) of the token member's post.

    Needs ``r_member_postAnalytics``. LinkedIn documents no meaning for an empty answer;
    a post nobody has seen yet is the likely one, so it is 0.
    """
    kind = "ugc" if post.startswith(UGC_PREFIX) else "share"
    query = query_string({"q": "entity", "entity": {kind: post}, "queryType": query_type,
                          "aggregation": "TOTAL"})
    reply = transport.api("GET", "/rest/memberCreatorPostAnalytics", token,
                          restli_method="FINDER", query=query)
    return sum(_int(element, "count") for element in _elements(reply.json()))


def social_metadata(transport: Transport, token: Token,
                    posts: Iterable[str]) -> dict[str, SocialSummary]:
    """Reactions and comments of ``posts``, by BATCH_GET; posts LinkedIn refused are absent.

    Needs ``r_organization_social`` (page posts) or ``r_member_social`` (member posts). A
    refusal of every post of a batch is raised as the first one's error, so a missing
    scope is not mistaken for posts without reactions.
    """
    wanted = list(dict.fromkeys(posts))
    found: dict[str, SocialSummary] = {}
    for first in range(0, len(wanted), SOCIAL_BATCH):
        chunk = wanted[first:first + SOCIAL_BATCH]
        reply = transport.api("GET", "/rest/socialMetadata", token, restli_method="BATCH_GET",
                              query=f"ids={encode_value(chunk)}")
        page = reply.json()
        results = page.get("results") if isinstance(page, dict) else None
        results = results if isinstance(results, dict) else {}
        batch = {urn: SocialSummary.from_json(urn, data) for urn, data in results.items()
                 if urn in chunk and isinstance(data, dict)}
        if not batch:
            _raise_batch_error(page, transport, token)
        found.update(batch)
    return found


def _raise_batch_error(page: Any, transport: Transport, token: Token) -> None:
    failures = page.get("errors") if isinstance(page, dict) else None
    if not isinstance(failures, dict) or not failures:
        return
    body = next(iter(failures.values()))
    if not isinstance(body, dict):
        return
    status = body.get("status")
    raise error_from_response(status if isinstance(status, int) else 500, json.dumps(body), {},
                              RequestContext("GET", "/rest/socialMetadata",
                                             transport.version, "BATCH_GET"),
                              secrets=(bearer(token),))


def _elements(data: Any) -> list[dict[str, Any]]:
    if not isinstance(data, dict):
        raise LinkedInError("LinkedIn answered an analytics call with JSON that is not an object")
    elements = data.get("elements", [])
    return [e for e in elements if isinstance(e, dict)] if isinstance(elements, list) else []


def _int(data: Mapping[str, Any], key: str) -> int:
    value = data.get(key)
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0
