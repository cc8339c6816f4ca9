"""Comments, socialActions, socialMetadata and the two analytics finders.

The expected figures are computed here from the formula docs/sandbox.md publishes.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from publisher.sandbox.control import SandboxControl
from tests.sandbox.helpers import ACME, ALICE, NOW_MS, Api, key, restli_list

SEED = 7
HOUR = 3_600_000
DAY = 24 * HOUR


def figures(urn: str, hours: int, api_comments: int = 0) -> dict[str, int]:
    d = hashlib.sha256(f"{SEED}:{urn}".encode()).digest()
    hours = min(hours, 720)
    weight = 4 * min(hours, 24) + min(max(hours - 24, 0), 144) + max(hours - 168, 0) // 4
    impressions = weight * (10 + d[0] % 90) // 4
    likes = impressions * (1 + d[3] % 4) // 100
    reactions = {"LIKE": likes, "PRAISE": likes * (d[6] % 4) // 10,
                 "EMPATHY": likes * (d[7] % 3) // 10, "INTEREST": likes * (d[8] % 2) // 10,
                 "APPRECIATION": likes * (d[9] % 2) // 10,
                 "ENTERTAINMENT": likes * (d[10] % 2) // 10}
    return {"impressions": impressions, "reached": impressions * (60 + d[1] % 30) // 100,
            "clicks": impressions * (1 + d[2] % 5) // 100, "likes": likes,
            "comments": impressions * (d[4] % 3) // 200 + api_comments,
            "shares": impressions * (d[5] % 3) // 200, "reactions": sum(reactions.values()),
            **{f"reaction:{k}": v for k, v in reactions.items()}}


def share_stats(f: dict[str, int], *, aggregate: bool) -> dict[str, Any]:
    stats: dict[str, Any] = {
        "uniqueImpressionsCount": f["reached"], "clickCount": f["clicks"],
        "engagement": ((f["clicks"] + f["likes"] + f["comments"] + f["shares"]) / f["impressions"]
                       if f["impressions"] else 0.0),
        "likeCount": f["likes"], "commentCount": f["comments"], "shareCount": f["shares"],
        "impressionCount": f["impressions"]}
    if aggregate:
        stats.update(shareMentionsCount=0, commentMentionsCount=0)
    return stats


def comment(api: Api, urn: str, text: str, actor: str = ALICE) -> Any:
    return api.post(f"/rest/socialActions/{key(urn)}/comments",
                    json={"actor": actor, "object": urn, "message": {"text": text}})


# ---- comments

def test_create_and_list_comments(alice: Api, writer: Api) -> None:
    urn = alice.created_urn()
    created = comment(writer, urn, "First!")
    assert created.status_code == 201
    body = created.json()
    assert created.headers["x-restli-id"] == body["id"]
    activity = "urn:li:activity:" + urn.rsplit(":", 1)[-1]
    assert body["$URN"] == f"urn:li:comment:({activity},{body['id']})"
    assert body["object"] == activity  # LinkedIn answers with the activity, not the share
    assert body["message"] == {"text": "First!"}
    assert body["created"] == {"actor": ALICE, "time": NOW_MS}
    listed = alice.get(f"/rest/socialActions/{key(urn)}/comments").json()
    assert [c["message"]["text"] for c in listed["elements"]] == ["First!"]
    assert listed["paging"]["total"] == 1


@pytest.mark.parametrize(("body", "status", "message"), [
    ({"actor": "urn:li:person:bob", "message": {"text": "hi"}}, 403,
     "Field Value validation failed in REQUEST_BODY: Data Processing Exception while processing "
     "fields [/actor]"),
    ({"actor": ALICE, "message": {"text": " "}}, 400, "/message/text can't be blank"),
    ({"actor": ALICE}, 400, "/message/text is required but missing"),
    ({"message": {"text": "hi"}}, 400, "/actor is required but missing"),
    ({"actor": ALICE, "message": {"text": "x" * 1251}}, 400,
     "/message/text length 1251 can't exceeded maximum 1250 length"),
])
def test_comment_errors(alice: Api, body: dict[str, Any], status: int, message: str) -> None:
    urn = alice.created_urn()
    answer = alice.post(f"/rest/socialActions/{key(urn)}/comments", json=body)
    assert answer.status_code == status
    assert answer.json()["message"] == message


def test_a_comment_of_1250_characters_is_accepted(alice: Api) -> None:
    urn = alice.created_urn()
    assert comment(alice, urn, "x" * 1249 + "é").status_code == 201


def test_comments_on_unknown_posts(alice: Api) -> None:
    answer = comment(alice, "urn:li:share:7000000000000000000", "hello?")
    assert answer.status_code == 404


def test_write_only_tokens_cannot_list_comments(alice: Api, writer: Api) -> None:
    urn = alice.created_urn()
    answer = writer.get(f"/rest/socialActions/{key(urn)}/comments")
    assert answer.status_code == 403
    assert answer.json()["message"] == (
        "Not enough permissions to access: partnerApiComments.GET_ALL")


# ---- socialActions and socialMetadata

def test_social_actions_summary_grows_with_the_clock(control: SandboxControl,
                                                     alice: Api) -> None:
    urn = alice.created_urn()
    comment(alice, urn, "nice")
    control.advance_clock(5 * 3600 + 59)
    expected = figures(urn, 5, api_comments=1)
    answer = alice.get(f"/rest/socialActions/{key(urn)}").json()
    assert answer["likesSummary"]["totalLikes"] == expected["reactions"]
    assert answer["likesSummary"]["aggregatedTotalLikes"] == expected["reactions"]
    assert answer["commentsSummary"]["aggregatedTotalComments"] == expected["comments"]
    assert answer["commentsSummary"]["totalFirstLevelComments"] == expected["comments"]


def test_social_metadata(control: SandboxControl, alice: Api) -> None:
    urn = alice.created_urn()
    control.advance_clock(48 * 3600)
    expected = figures(urn, 48)
    answer = alice.get(f"/rest/socialMetadata/{key(urn)}").json()
    assert answer["entity"] == urn
    assert answer["commentsState"] == "OPEN"
    assert answer["commentSummary"] == {"count": expected["comments"],
                                        "topLevelCount": expected["comments"]}
    assert answer["reactionSummaries"] == {
        name.split(":")[1]: {"reactionType": name.split(":")[1], "count": count}
        for name, count in expected.items() if name.startswith("reaction:") and count}


def test_batch_social_metadata(control: SandboxControl, alice: Api) -> None:
    urn = alice.created_urn()
    answer = alice.get(f"/rest/socialMetadata?ids={restli_list(urn)}",
                       headers={"X-RestLi-Method": "BATCH_GET"})
    assert answer.json()["statuses"] == {urn: 200}


@pytest.mark.parametrize(("resource", "name"), [
    ("socialMetadata", "partnerApiSocialMetadata.GET"),
    ("socialActions", "partnerApiSocialActions.GET"),
])
def test_write_only_tokens_cannot_read_social_data(writer: Api, resource: str,
                                                   name: str) -> None:
    urn = writer.created_urn()
    answer = writer.get(f"/rest/{resource}/{key(urn)}")
    assert answer.status_code == 403
    assert answer.json()["message"] == f"Not enough permissions to access: {name}"


# ---- organizationalEntityShareStatistics

def stats_url(extra: str = "") -> str:
    return (f"/rest/organizationalEntityShareStatistics?q=organizationalEntity"
            f"&organizationalEntity={key(ACME)}{extra}")


def test_lifetime_statistics_of_an_organization(control: SandboxControl, alice: Api) -> None:
    first = alice.created_urn(author=ACME, commentary="first")
    control.advance_clock(10 * 3600)
    second = alice.created_urn(author=ACME, commentary="second")
    control.advance_clock(3 * 3600)
    a, b = figures(first, 13), figures(second, 3)
    total = {k: a[k] + b[k] for k in a}
    answer = alice.get(stats_url()).json()
    assert answer["elements"] == [{"organizationalEntity": ACME,
                                   "totalShareStatistics": share_stats(total, aggregate=True)}]


def test_per_share_statistics_leave_out_posts_without_activity(control: SandboxControl,
                                                               alice: Api) -> None:
    old = alice.created_urn(author=ACME, commentary="old")
    control.advance_clock(2 * 3600)
    fresh = alice.created_urn(author=ACME, commentary="fresh")
    answer = alice.get(stats_url(f"&shares={restli_list(old, fresh)}")).json()
    assert answer["elements"] == [{"organizationalEntity": ACME, "share": old,
                                   "totalShareStatistics": share_stats(figures(old, 2),
                                                                       aggregate=False)}]


def test_ugc_posts_are_asked_for_with_ugcposts(control: SandboxControl, alice: Api) -> None:
    poll = {"poll": {"question": "Q?", "options": [{"text": "a"}, {"text": "b"}],
                     "settings": {"duration": "ONE_DAY"}}}
    urn = alice.created_urn(author=ACME, content=poll)
    control.advance_clock(3600)
    answer = alice.get(stats_url(f"&ugcPosts={restli_list(urn)}")).json()
    assert answer["elements"][0]["ugcPost"] == urn


def test_time_bound_statistics_by_day(control: SandboxControl, alice: Api) -> None:
    urn = alice.created_urn(author=ACME)
    control.advance_clock(30 * 3600)
    interval = (f"&timeIntervals=(timeRange:(start:{NOW_MS},end:{NOW_MS + 2 * DAY}),"
                "timeGranularityType:DAY)")
    answer = alice.get(stats_url(interval)).json()
    day_one, day_two = figures(urn, 24), figures(urn, 30)
    growth = {k: day_two[k] - day_one[k] for k in day_one}
    assert [e["timeRange"] for e in answer["elements"]] == [
        {"start": NOW_MS, "end": NOW_MS + DAY}, {"start": NOW_MS + DAY, "end": NOW_MS + 2 * DAY}]
    assert answer["elements"][0]["totalShareStatistics"] == share_stats(day_one, aggregate=True)
    assert answer["elements"][1]["totalShareStatistics"] == share_stats(growth, aggregate=True)


def test_statistics_cover_the_last_12_months(control: SandboxControl, alice: Api,
                                             base_url: str) -> None:
    alice.created_urn(author=ACME)
    control.advance_clock(366 * 86400)              # 2027-03-11: the token has expired too
    admin = Api(base_url, control.token("alice", ["rw_organization_admin"]))
    answer = admin.get(stats_url(), headers={"LinkedIn-Version": "202703"}).json()
    assert answer["elements"][0]["totalShareStatistics"]["impressionCount"] == 0


@pytest.mark.parametrize(("extra", "message"), [
    ("&shares={list}&timeIntervals=(timeRange:(start:1,end:2),timeGranularityType:DAY)",
     "Time-bound statistics is not supported for specific share queries"),
    ("&timeIntervals=(timeRange:(start:5,end:2),timeGranularityType:DAY)",
     "timeIntervals: DAY or MONTH, and start before end"),
    ("&timeIntervals=(nonsense:1)", "timeIntervals must be (timeRange:(start:ms,end:ms),"
     "timeGranularityType:DAY|MONTH)"),
])
def test_statistics_parameter_errors(alice: Api, extra: str, message: str) -> None:
    urn = alice.created_urn(author=ACME)
    answer = alice.get(stats_url(extra.format(list=restli_list(urn))))
    assert answer.status_code == 400
    assert answer.json()["message"].endswith(message)


def test_statistics_need_the_administrator_and_the_scope(control: SandboxControl, bob: Api,
                                                         base_url: str) -> None:
    expected = ("Not enough permissions to access: organizationalEntityShareStatistics."
                "FINDER-organizationalEntity")
    assert bob.get(stats_url()).json()["message"] == expected
    no_scope = Api(base_url, control.token("alice", ["w_organization_social",
                                                     "r_organization_social"]))
    answer = no_scope.get(stats_url())
    assert answer.status_code == 403
    assert answer.json()["message"] == expected


# ---- memberCreatorPostAnalytics

NESTED = "com.linkedin.adsexternalapi.memberanalytics.v1.CreatorPostAnalyticsMetricTypeV1"


def analytics(api: Api, query: str, version: str | None = None) -> Any:
    headers = {} if version is None else {"LinkedIn-Version": version}
    return api.get(f"/rest/memberCreatorPostAnalytics?{query}", headers=headers)


@pytest.mark.parametrize(("query_type", "field"), [
    ("IMPRESSION", "impressions"), ("MEMBERS_REACHED", "reached"), ("RESHARE", "shares"),
    ("REACTION", "reactions"), ("COMMENT", "comments"),
])
def test_entity_totals(control: SandboxControl, alice: Api, query_type: str, field: str) -> None:
    urn = alice.created_urn()
    control.advance_clock(20 * 3600)
    answer = analytics(alice, f"q=entity&entity=(share:{key(urn)})&queryType={query_type}"
                              "&aggregation=TOTAL")
    assert answer.status_code == 200
    assert answer.json()["elements"] == [{
        "count": figures(urn, 20)[field], "metricType": {NESTED: query_type},
        "targetEntity": {"share": urn}, "dateRange": {}}]


def test_metric_type_is_a_string_from_202605(control: SandboxControl, alice: Api) -> None:
    urn = alice.created_urn()
    control.set_clock("2026-05-02T00:00:00Z")
    answer = analytics(alice, f"q=entity&entity=(share:{key(urn)})&queryType=IMPRESSION",
                       version="202605")
    assert answer.json()["elements"][0]["metricType"] == "IMPRESSION"


def test_daily_values_over_a_date_range(control: SandboxControl, alice: Api) -> None:
    urn = alice.created_urn()                     # 2026-03-10 12:00 UTC
    control.advance_clock(2 * 86400)
    answer = analytics(alice, f"q=entity&entity=(share:{key(urn)})&queryType=IMPRESSION"
                              "&aggregation=DAILY&dateRange=(start:(day:10,month:3,year:2026),"
                              "end:(day:13,month:3,year:2026))")
    counts = [e["count"] for e in answer.json()["elements"]]
    h = figures
    assert counts == [h(urn, 12)["impressions"], h(urn, 36)["impressions"] - h(urn, 12)[
        "impressions"], h(urn, 48)["impressions"] - h(urn, 36)["impressions"]]
    assert answer.json()["elements"][0]["dateRange"] == {
        "start": {"day": 10, "month": 3, "year": 2026}, "end": {"day": 11, "month": 3,
                                                                "year": 2026}}


def test_me_sums_the_members_posts(control: SandboxControl, alice: Api) -> None:
    first = alice.created_urn(commentary="one")
    second = alice.created_urn(commentary="two")
    alice.created_urn(author=ACME, commentary="not a member post")
    control.advance_clock(4 * 3600)
    answer = analytics(alice, "q=me&queryType=IMPRESSION&aggregation=TOTAL").json()
    assert answer["elements"][0]["count"] == (figures(first, 4)["impressions"]
                                              + figures(second, 4)["impressions"])
    assert "targetEntity" not in answer["elements"][0]


@pytest.mark.parametrize(("query", "message"), [
    ("q=me&queryType=MEMBERS_REACHED&aggregation=DAILY",
     "DAILY aggregation is not supported for MEMBERS_REACHED"),
    ("q=me&queryType=VIEWS", "queryType 'VIEWS' is not one of"),
    ("q=me&queryType=IMPRESSION&aggregation=WEEKLY", "aggregation 'WEEKLY' is not TOTAL or DAILY"),
    ("q=entity&entity={urn}&queryType=IMPRESSION", "entity must be (share:<urn>) or (ugc:<urn>)"),
    ("q=entity&entity=%28share:{urn}%29&queryType=IMPRESSION",
     "the structure of a Rest.li value"),
])
def test_member_analytics_errors(alice: Api, query: str, message: str) -> None:
    urn = alice.created_urn()
    answer = analytics(alice, query.format(urn=key(urn)))
    assert answer.status_code == 400
    assert answer.json()["code"] == "PARAM_INVALID"
    assert message in answer.json()["message"]


def test_member_analytics_need_the_scope_and_authorship(control: SandboxControl, alice: Api,
                                                        bob: Api, writer: Api) -> None:
    urn = alice.created_urn()
    denied = analytics(writer, "q=me&queryType=IMPRESSION")
    assert denied.status_code == 403
    assert denied.json()["message"] == (
        "Not enough permissions to access: memberCreatorPostAnalytics.FINDER-me")
    other = analytics(bob, f"q=entity&entity=(share:{key(urn)})&queryType=IMPRESSION")
    assert other.status_code == 403
