"""``/rest/socialActions``, ``/rest/socialMetadata`` and a post's comments."""

from __future__ import annotations

from werkzeug.wrappers import Response

from publisher.sandbox.backend import Backend
from publisher.sandbox.handlers.call import Call, batch, body, expect_method, integer
from publisher.sandbox.handlers.responses import json_response


def social_actions(backend: Backend, call: Call) -> Response:
    assert call.key is not None
    return json_response(200, backend.social_actions(call.who, call.key))


def social_actions_batch(backend: Backend, call: Call) -> Response:
    expect_method(call, "BATCH_GET", required=True)
    return json_response(200, batch(call, lambda urn: backend.social_actions(call.who, urn)))


def social_metadata(backend: Backend, call: Call) -> Response:
    assert call.key is not None
    return json_response(200, backend.social_metadata(call.who, call.key))


def social_metadata_batch(backend: Backend, call: Call) -> Response:
    expect_method(call, "BATCH_GET", required=True)
    return json_response(200, batch(call, lambda urn: backend.social_metadata(call.who, urn)))


def comments(backend: Backend, call: Call) -> Response:
    assert call.key is not None
    if call.method == "POST":
        expect_method(call, "CREATE")
        comment = backend.create_comment(call.who, call.key, body(call.request))
        response = json_response(201, comment)
        response.headers["x-restli-id"] = comment["id"]
        return response
    expect_method(call, "GET_ALL")
    return json_response(200, backend.list_comments(call.who, call.key,
                                                    integer(call, "start", 0),
                                                    integer(call, "count", 10)))
