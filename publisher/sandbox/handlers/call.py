"""One API request, decoded, and the Rest.li parameter readers every handler shares."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from werkzeug.wrappers import Request

from publisher.sandbox import errors, restli
from publisher.sandbox.backend import Caller

JSON = dict[str, Any]


@dataclass
class Call:
    """One API request, decoded."""

    request: Request
    method: str
    endpoint: str
    args: dict[str, Any]
    query: dict[str, str]                       # raw (still encoded) values
    base_url: str
    strict_restli: bool = True                  # the backend's option when the call arrived
    key: str | None = None                      # decoded resource key from the path
    caller: Caller | None = None
    version: str = ""
    extra_headers: dict[str, str] = field(default_factory=dict)

    @property
    def who(self) -> Caller:
        assert self.caller is not None
        return self.caller

    @property
    def restli_method(self) -> str | None:
        value = self.request.headers.get("X-RestLi-Method")
        return value.strip().upper() if value else None


def param(call: Call, name: str, *, required: bool = True) -> restli.RestliValue | None:
    raw = call.query.get(name)
    if raw is None:
        if required:
            raise errors.param_invalid(f"parameter {name!r} is required")
        return None
    if call.strict_restli and restli.looks_fully_encoded(raw):
        raise errors.param_invalid(
            f"{name}: the structure of a Rest.li value (List(, (, ), ',', ':') must not be "
            "percent-encoded; encode only the values inside")
    if call.strict_restli:
        return restli.decode(raw)
    raw = raw.replace("%28", "(").replace("%29", ")").replace("%2C", ",")
    return restli.decode(raw, lenient=True)


def string(call: Call, name: str, *, required: bool = True) -> str | None:
    value = param(call, name, required=required)
    if value is not None and not isinstance(value, str):
        raise errors.param_invalid(f"{name} must be a single value")
    return value


def urn_list(call: Call, name: str) -> list[str] | None:
    value = param(call, name, required=False)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise errors.param_invalid(f"{name} must be List(...) of encoded URNs")
    return [str(v) for v in value]


def integer(call: Call, name: str, default: int) -> int:
    value = string(call, name, required=False)
    if value is None:
        return default
    if not value.isdigit():
        raise errors.param_invalid(f"{name} must be a non-negative integer")
    return int(value)


def expect_method(call: Call, expected: str, *, required: bool = False) -> None:
    found = call.restli_method
    if (found is None and required) or (found is not None and found != expected):
        raise errors.restli_method_mismatch(expected, found)


def body(request: Request) -> object:
    data = request.get_data()
    if not data:
        return {}
    try:
        return json.loads(data)
    except ValueError as error:
        raise errors.invalid_json() from error


def batch(call: Call, get_one: Callable[[str], JSON]) -> JSON:
    """A BATCH_GET answer: each id's result, or its status and error, never one failure."""
    results: JSON = {}
    statuses: JSON = {}
    failures: JSON = {}
    for urn in urn_list(call, "ids") or []:
        try:
            results[urn] = get_one(urn)
            statuses[urn] = 200
        except errors.ApiError as error:
            statuses[urn] = error.status
            failures[urn] = error.body
    return {"results": results, "statuses": statuses, "errors": failures}
