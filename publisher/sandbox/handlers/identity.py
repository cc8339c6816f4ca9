"""Who the caller is: ``/v2/userinfo`` and ``/rest/organizationAcls``."""

from __future__ import annotations

from werkzeug.wrappers import Response

from publisher.sandbox import errors
from publisher.sandbox.backend import Backend
from publisher.sandbox.handlers.call import Call, expect_method, string
from publisher.sandbox.handlers.responses import json_response


def userinfo(backend: Backend, call: Call) -> Response:
    return json_response(200, backend.userinfo(call.who))


def organization_acls(backend: Backend, call: Call) -> Response:
    if string(call, "q") != "roleAssignee":
        raise errors.param_invalid("q must be roleAssignee")
    expect_method(call, "FINDER")
    answer = backend.role_assignments(call.who, string(call, "role", required=False),
                                      string(call, "state", required=False))
    return json_response(200, answer)
