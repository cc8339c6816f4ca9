"""The sandbox's own ``/_sandbox/`` routes: no token, never faulted or counted.

Each action takes the HTTP method and the JSON body and answers JSON; ``feed`` answers the
HTML feed. The app calls them under the backend's lock and turns a ``ControlError`` (or a
malformed body) into a 400 with ``{"error": ...}``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request, Response

from publisher.sandbox import feed as feed_pages
from publisher.sandbox.backend import Backend, ConsentPageError, ControlError
from publisher.sandbox.handlers.responses import html_response, json_response, with_query

JSON = dict[str, Any]
ControlHandler = Callable[[Backend, Request], Response]
Action = Callable[[Backend, str, JSON], JSON]


# What a reset can set up at once, in this order: a test's whole cast in one request.
CAST = ("options", "clock", "members", "organizations", "apps", "tokens")


def reset(backend: Backend, _: str, body: JSON) -> JSON:
    cast = _cast(body)
    with backend.lock:
        backend.reset(body.get("seed"))
        if "options" in cast:
            backend.options.update(cast["options"])
        if "clock" in cast:
            backend.set_clock(cast["clock"])
        for member in cast.get("members", []):
            backend.add_member(member)
        for organization in cast.get("organizations", []):
            backend.add_organization(organization)
        for app in cast.get("apps", []):
            backend.add_app(app)
        issued = [backend.issue_token(token) for token in cast.get("tokens", [])]
    return {"reset": True, "seed": backend.seed, "tokens": issued}


def _cast(body: JSON) -> JSON:
    """The body's cast, checked before anything is reset."""
    cast = {key: body[key] for key in CAST if key in body}
    unknown = set(body) - {"seed", *CAST}
    if unknown:
        raise ControlError(f"reset: unknown keys {sorted(unknown)}; known: seed, {', '.join(CAST)}")
    for key in ("options", "clock"):
        if not isinstance(cast.get(key, {}), dict):
            raise ControlError(f"reset: {key} must be a JSON object")
    for key in ("members", "organizations", "apps", "tokens"):
        items = cast.get(key, [])
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise ControlError(f"reset: {key} must be a list of JSON objects")
    return cast


def members(backend: Backend, _: str, body: JSON) -> JSON:
    return _public(backend.add_member(body))


def organizations(backend: Backend, _: str, body: JSON) -> JSON:
    return _public(backend.add_organization(body))


def apps(backend: Backend, _: str, body: JSON) -> JSON:
    return _public(backend.add_app(body))


def tokens(backend: Backend, _: str, body: JSON) -> JSON:
    return backend.issue_token(body)


def revoke(backend: Backend, _: str, body: JSON) -> JSON:
    backend.revoke_token(str(body.get("token", "")))
    return {"revoked": True}


def clock(backend: Backend, method: str, body: JSON) -> JSON:
    return backend.set_clock(body) if method == "POST" else backend.clock_json()


def config(backend: Backend, method: str, body: JSON) -> JSON:
    if method == "POST":
        backend.options.update(body)
    return backend.options.to_json()


def state(backend: Backend, _: str, __: JSON) -> JSON:
    return backend.state_json()


def faults(backend: Backend, method: str, body: JSON) -> JSON:
    fault_set = backend.faults
    if method == "DELETE":
        fault_set.clear()
    elif method == "POST":
        for spec in body.get("faults", [body]):
            if spec.get("kind") == "expire_token":
                backend.expire_token_after(str(spec.get("token")),
                                           int(spec.get("after_calls", 0)))
            else:
                fault_set.add(spec)
    return {"faults": fault_set.to_json()}


def authorize(backend: Backend, _: str, body: JSON) -> JSON:
    """An authorization code as if the member had clicked Allow, with no page involved."""
    scope = body.get("scope", body.get("scopes", ""))
    params = {"response_type": "code", "client_id": str(body.get("client_id", "")),
              "redirect_uri": str(body.get("redirect_uri", "")),
              "scope": " ".join(scope) if isinstance(scope, list) else str(scope)}
    try:
        app, scopes = backend.check_authorization(params)
        backend.check_app_grants(app, scopes)
        code = backend.grant_code(app.client_id, params["redirect_uri"], scopes,
                                  str(body.get("member", "")))
    except ConsentPageError as error:
        raise ControlError(error.message) from error
    return {"code": code, "redirect": with_query(params["redirect_uri"],
                                                 {"code": code, "state": body.get("state")})}


def feed(backend: Backend, _: Request) -> Response:
    return html_response(200, feed_pages.render_feed(backend))


def action(answer: Action) -> ControlHandler:
    """A JSON action as a handler: the body in, the answer out as a 200."""
    def handle(backend: Backend, request: Request) -> Response:
        return json_response(200, answer(backend, request.method, _control_body(request)))
    return handle


def _control_body(request: Request) -> JSON:
    if request.method != "POST" or not request.get_data():
        return {}
    body = json.loads(request.get_data())
    if not isinstance(body, dict):
        raise ControlError("the body must be a JSON object")
    return body


def _public(record: Any) -> JSON:
    return {k: v for k, v in vars(record).items() if not k.startswith("_")}
