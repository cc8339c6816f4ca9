"""``/rest/posts``: create, batch get and the author finder; one post's get, update, delete."""

from __future__ import annotations

from werkzeug.wrappers import Response

from publisher.sandbox import errors
from publisher.sandbox.backend import Backend
from publisher.sandbox.handlers.call import Call, body, expect_method, integer, string, urn_list
from publisher.sandbox.handlers.responses import created, json_response


def posts(backend: Backend, call: Call) -> Response:
    if call.method == "POST":
        if "action" in call.query:
            raise errors.not_implemented("POST", call.request.full_path)
        expect_method(call, "CREATE")
        return created(backend.create_post(call.who, body(call.request)))
    if "ids" in call.query:
        expect_method(call, "BATCH_GET", required=True)
        return json_response(200, backend.batch_get_posts(call.who, urn_list(call, "ids") or []))
    expect_method(call, "FINDER")
    finder = string(call, "q")
    if finder != "author":
        raise errors.param_invalid(f"unknown finder q={finder!r}; the posts finder is author")
    author = string(call, "author")
    assert author is not None
    sort_by = string(call, "sortBy", required=False) or "LAST_MODIFIED"
    if sort_by not in ("LAST_MODIFIED", "CREATED"):
        raise errors.param_invalid(f"sortBy must be LAST_MODIFIED or CREATED, not {sort_by}")
    view = string(call, "viewContext", required=False) or "READER"
    if view not in ("READER", "AUTHOR"):
        raise errors.param_invalid(f"viewContext must be READER or AUTHOR, not {view}")
    page = backend.find_posts(call.who, author, integer(call, "start", 0),
                              integer(call, "count", 10), sort_by)
    return json_response(200, page)


def post(backend: Backend, call: Call) -> Response:
    assert call.key is not None
    if call.method == "GET":
        expect_method(call, "GET")
        return json_response(200, backend.get_post(call.who, call.key))
    if call.method == "DELETE":
        expect_method(call, "DELETE")
        backend.delete_post(call.who, call.key)
        return Response(status=204)
    expect_method(call, "PARTIAL_UPDATE", required=True)
    backend.update_post(call.who, call.key, body(call.request))
    return Response(status=204)
