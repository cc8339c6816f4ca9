"""``/rest/organizationalEntityShareStatistics`` and ``/rest/memberCreatorPostAnalytics``."""

from __future__ import annotations

import calendar

from werkzeug.wrappers import Response

from publisher.sandbox import errors, restli
from publisher.sandbox.backend import Backend
from publisher.sandbox.handlers.call import Call, param, string, urn_list
from publisher.sandbox.handlers.responses import json_response


def share_statistics(backend: Backend, call: Call) -> Response:
    if string(call, "q") != "organizationalEntity":
        raise errors.param_invalid("q must be organizationalEntity")
    organization = string(call, "organizationalEntity")
    assert organization is not None
    if not organization.startswith("urn:li:organization:"):
        raise errors.param_invalid("organizationalEntity must be an organization URN")
    shares = urn_list(call, "shares")
    ugc_posts = urn_list(call, "ugcPosts")
    selected = None if shares is None and ugc_posts is None else [*(shares or []),
                                                                   *(ugc_posts or [])]
    interval = _time_interval(call)
    if selected is not None and interval is not None:
        raise errors.param_invalid(
            "Time-bound statistics is not supported for specific share queries")
    return json_response(200, backend.share_statistics(call.who, organization, selected,
                                                       interval))


def member_post_analytics(backend: Backend, call: Call) -> Response:
    finder = string(call, "q")
    if finder not in ("entity", "me"):
        raise errors.param_invalid("q must be entity or me")
    entity = None
    if finder == "entity":
        union = param(call, "entity")
        if not (isinstance(union, dict) and len(union) == 1
                and next(iter(union)) in ("share", "ugc", "ugcPost")):
            raise errors.param_invalid("entity must be (share:<urn>) or (ugc:<urn>)")
        entity = str(next(iter(union.values())))
    query_type = string(call, "queryType")
    assert query_type is not None
    aggregation = string(call, "aggregation", required=False) or "TOTAL"
    answer = backend.member_post_analytics(
        call.who, finder, entity, query_type=query_type, aggregation=aggregation,
        date_range=_date_range(call), version=call.version)
    return json_response(200, answer)


def _time_interval(call: Call) -> tuple[int, int, str] | None:
    value = param(call, "timeIntervals", required=False)
    if value is None:
        return None
    try:
        assert isinstance(value, dict)
        time_range = value["timeRange"]
        assert isinstance(time_range, dict)
        start, end = int(str(time_range["start"])), int(str(time_range["end"]))
        granularity = str(value.get("timeGranularityType", "DAY"))
    except (AssertionError, KeyError, ValueError) as error:
        raise errors.param_invalid("timeIntervals must be (timeRange:(start:ms,end:ms),"
                                   "timeGranularityType:DAY|MONTH)") from error
    if granularity not in ("DAY", "MONTH") or start >= end:
        raise errors.param_invalid("timeIntervals: DAY or MONTH, and start before end")
    return start, end, granularity


def _date_range(call: Call) -> tuple[int, int] | None:
    value = param(call, "dateRange", required=False)
    if value is None:
        return None
    try:
        assert isinstance(value, dict)
        return _date_ms(value["start"]), _date_ms(value["end"])
    except (AssertionError, KeyError, ValueError) as error:
        raise errors.param_invalid("dateRange must be (start:(day:D,month:M,year:Y),"
                                   "end:(day:D,month:M,year:Y))") from error


def _date_ms(value: restli.RestliValue) -> int:
    if not isinstance(value, dict):
        raise ValueError("a date is (day:D,month:M,year:Y)")
    year, month, day = (int(str(value[k])) for k in ("year", "month", "day"))
    return calendar.timegm((year, month, day, 0, 0, 0)) * 1000
