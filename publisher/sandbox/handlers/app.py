"""The WSGI application: route, inject faults, apply the gateway's checks, dispatch, answer.

For every request ``SandboxApp`` matches the URL map, looks the endpoint up in the dispatch
table (an endpoint without a handler is a 404, like a path without a rule), applies the
injected faults, checks what LinkedIn's gateway checks on that family of endpoints
(versions, protocol header, token, daily quotas), and turns the backend's ``ApiError``s
into LinkedIn's error answers.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from publisher.sandbox import errors, restli
from publisher.sandbox.backend import Backend, ControlError
from publisher.sandbox.handlers.call import Call
from publisher.sandbox.handlers.control import ControlHandler
from publisher.sandbox.handlers.dispatch import API, CONTROL, ApiHandler
from publisher.sandbox.handlers.responses import error_response, json_response
from publisher.sandbox.routes import URL_MAP, route_name

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

LOG = logging.getLogger("publisher.sandbox")

AFTER_RESPONSE = "sandbox.after_response"   # environ key: callables run once the answer is sent


class SandboxApp:
    def __init__(self, backend: Backend, url_map: Map = URL_MAP) -> None:
        self.backend = backend
        self.url_map = url_map

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        response = self.handle(request)
        return response(environ, start_response)

    # ---- routing

    def handle(self, request: Request) -> Response:
        method, raw_query = _effective_method_and_query(request)
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            rule, args = adapter.match(method=method, return_rule=True)
        except HTTPException:
            return self._unmatched(request, method)
        assert isinstance(rule, Rule) and isinstance(rule.endpoint, str)
        control = CONTROL.get(rule.endpoint)
        if control is not None:
            return self._control(control, request)
        handler = API.get(rule.endpoint)
        if handler is None:                     # a rule without a handler: as if no rule
            return self._unmatched(request, method)
        route = route_name(rule.rule).replace("{collection}", str(args.get("collection", "")))
        call = Call(request, method, rule.endpoint, dict(args), restli.split_query(raw_query),
                    request.host_url.rstrip("/"))
        return self._api(handler, call, route)

    def _unmatched(self, request: Request, method: str) -> Response:
        path = _raw_path(request)
        with self.backend.lock:
            self.backend.record_request(method, "(not implemented)", path, 404)
        return error_response(errors.not_implemented(method, path))

    # ---- API calls: faults, gateway, handler

    def _api(self, handler: ApiHandler, call: Call, route: str) -> Response:
        faults = self.backend.faults
        before = faults.before(call.method, call.request.path)
        if before.delay:
            time.sleep(before.delay)            # outside the lock: other requests go on
        with self.backend.lock:
            if before.status is not None:
                response = error_response(errors.injected(before.status))
            else:
                response = self._checked(handler, call)
            self.backend.record_request(call.method, route, call.request.path,
                                        response.status_code)
        after = faults.after(call.method, call.request.path, response.status_code)
        if after.drop:
            _drop_connection(call.request.environ)
        for pid, signal_number in after.signals:
            _after_response(call.request.environ, _signaller(pid, signal_number))
        return response

    def _checked(self, handler: ApiHandler, call: Call) -> Response:
        try:
            return self._gateway_then_handler(handler, call)
        except errors.ApiError as error:
            return error_response(error)
        except errors.OAuthError as error:
            return json_response(error.status, error.body)
        except restli.RestliSyntaxError as error:
            return error_response(errors.param_invalid(str(error)))
        except Exception:                       # a sandbox bug: answer like a server would
            LOG.exception("sandbox handler failed: %s %s", call.method, call.request.path)
            return error_response(errors.injected(500))

    def _gateway_then_handler(self, handler: ApiHandler, call: Call) -> Response:
        family = call.endpoint.split(".")[0]
        call.strict_restli = self.backend.options.strict_restli
        if family == "rest":
            call.version = self.backend.check_version(call.request.headers.get("LinkedIn-Version"))
            self._check_protocol(call)
        if family in ("rest", "v2"):
            call.caller = self.backend.authenticate(call.request.headers.get("Authorization"))
            self.backend.count_call(call.caller, call.request.path.split("/")[2])
        if "key" in call.args:
            call.key = _path_key(call)
        response = handler(self.backend, call)
        if family == "rest":
            response.headers["X-RestLi-Protocol-Version"] = "2.0.0"
        return response

    def _check_protocol(self, call: Call) -> None:
        found = call.request.headers.get("X-Restli-Protocol-Version")
        if self.backend.options.require_protocol_header and (found or "").strip() != "2.0.0":
            raise errors.protocol_version_required(found)

    # ---- control routes

    def _control(self, handler: ControlHandler, request: Request) -> Response:
        try:
            with self.backend.lock:
                return handler(self.backend, request)
        except (ControlError, ValueError, KeyError, TypeError) as error:
            return json_response(400, {"error": str(error)})


# -- helpers -----------------------------------------------------------------------------------

def _path_key(call: Call) -> str:
    segment = _raw_path(call.request).split("/")[3]     # /rest/<collection>/<key>[/...]
    if not call.strict_restli:
        return str(call.args["key"])
    return restli.decode_path_key(segment)


def _effective_method_and_query(request: Request) -> tuple[str, str]:
    """Query tunneling: a POST with X-HTTP-Method-Override carries the query in its body."""
    raw_query = request.environ.get("QUERY_STRING", "")
    override = request.headers.get("X-HTTP-Method-Override")
    if request.method == "POST" and override and request.mimetype == (
            "application/x-www-form-urlencoded"):
        return override.upper(), request.get_data(as_text=True)
    return request.method, raw_query


def _raw_path(request: Request) -> str:
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        return str(urlsplit(raw).path)
    return "/".join(quote(part, safe="") for part in request.path.split("/"))


def _drop_connection(environ: WSGIEnvironment) -> None:
    """Close the client's connection so that no answer at all reaches it."""
    sock = environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _after_response(environ: WSGIEnvironment, action: Callable[[], None]) -> None:
    hooks = environ.get(AFTER_RESPONSE)
    if isinstance(hooks, list):
        hooks.append(action)
    else:                                       # served without our request handler
        action()


def _signaller(pid: int, signal_number: int) -> Callable[[], None]:
    def send() -> None:
        try:
            os.kill(pid, signal_number)
        except ProcessLookupError:
            LOG.warning("signal fault: no process %s", pid)
    return send
