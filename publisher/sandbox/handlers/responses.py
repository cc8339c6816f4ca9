"""The answers handlers send: JSON, LinkedIn error bodies, HTML pages, redirects."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from werkzeug.wrappers import Response

from publisher.sandbox import errors

JSON = dict[str, Any]


def json_response(status: int, body: Any, headers: Mapping[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status=status, headers=dict(headers or {}),
                    content_type="application/json")


def error_response(error: errors.ApiError) -> Response:
    return json_response(error.status, error.body, error.headers)


def html_response(status: int, page: str) -> Response:
    return Response(page, status=status, content_type="text/html; charset=utf-8")


def created(urn: str) -> Response:
    return Response(status=201, headers={"x-restli-id": urn, "x-linkedin-id": urn})


def with_query(url: str, params: Mapping[str, str | None]) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(k, v) for k, v in params.items() if v is not None]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def redirect(url: str, params: Mapping[str, str | None]) -> Response:
    return Response(status=302, headers={"Location": with_query(url, params)})
