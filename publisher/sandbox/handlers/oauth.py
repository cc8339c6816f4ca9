"""``/oauth/v2``: the consent page, the token endpoint and introspection (form requests)."""

from __future__ import annotations

from werkzeug.wrappers import Response

from publisher.sandbox import feed
from publisher.sandbox.backend import Backend, ConsentPageError, unauthorized_scope_description
from publisher.sandbox.handlers.call import Call
from publisher.sandbox.handlers.responses import html_response, json_response, redirect


def authorization(backend: Backend, call: Call) -> Response:
    params = dict(call.request.args if call.method == "GET" else call.request.form)
    try:
        app, scopes = backend.check_authorization(params)
    except ConsentPageError as error:
        return html_response(error.status, feed.render_page_error(error.status, error.message))
    redirect_uri, state = params["redirect_uri"], params.get("state")
    refused = backend.unauthorized_scopes(app, scopes)
    if refused:
        # LinkedIn refuses the request as a whole when any one scope is not granted.
        return redirect(redirect_uri, {
            "error": "unauthorized_scope_error",
            "error_description": unauthorized_scope_description(refused[0]),
            "state": state})
    if call.method == "GET":
        members = list(backend.members.values())
        return html_response(200, feed.render_consent(params, scopes, members))
    if params.get("decision") != "allow":
        return redirect(redirect_uri, {
            "error": "user_cancelled_authorize",
            "error_description": "The user cancelled the authorization", "state": state})
    try:
        code = backend.grant_code(app.client_id, redirect_uri, scopes, params.get("member", ""))
    except ConsentPageError as error:
        return html_response(error.status, feed.render_page_error(error.status, error.message))
    return redirect(redirect_uri, {"code": code, "state": state})


def access_token(backend: Backend, call: Call) -> Response:
    return json_response(200, backend.access_token(call.request.form.to_dict()))


def introspect(backend: Backend, call: Call) -> Response:
    return json_response(200, backend.introspect(call.request.form.to_dict()))
