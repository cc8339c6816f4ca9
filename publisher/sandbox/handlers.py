"""HTTP side of the sandbox: parse requests, check gateway rules, call the backend, answer.

``SandboxApp`` is a WSGI application. For every request it matches the URL map, applies the
injected faults, checks what LinkedIn's gateway checks on that family of endpoints
(versions, protocol header, token, daily quotas), decodes the Rest.li parameters and turns
the backend's answers and ``ApiError``s into responses.
"""

from __future__ import annotations

import calendar
import contextlib
import json
import logging
import os
import socket
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from publisher.sandbox import errors, feed, restli
from publisher.sandbox.backend import (
    Backend,
    Caller,
    ConsentPageError,
    ControlError,
    unauthorized_scope_description,
)
from publisher.sandbox.routes import URL_MAP, route_name

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

JSON = dict[str, Any]
LOG = logging.getLogger("publisher.sandbox")

AFTER_RESPONSE = "sandbox.after_response"   # environ key: callables run once the answer is sent
COLLECTION_KIND = {"images": "image", "videos": "video", "documents": "document"}


@dataclass
class Call:
    """One API request, decoded."""

    request: Request
    method: str
    endpoint: str
    args: dict[str, Any]
    query: dict[str, str]                       # raw (still encoded) values
    base_url: str
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


class SandboxApp:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        response = self.handle(request)
        return response(environ, start_response)

    # ---- dispatch

    def handle(self, request: Request) -> Response:
        method, raw_query = _effective_method_and_query(request)
        adapter = URL_MAP.bind_to_environ(request.environ)
        try:
            rule, args = adapter.match(method=method, return_rule=True)
        except HTTPException:
            return self._unmatched(request, method)
        assert isinstance(rule, Rule) and isinstance(rule.endpoint, str)
        if rule.endpoint.startswith("control."):
            return self._control(rule.endpoint, request)
        route = route_name(rule.rule).replace("{collection}", str(args.get("collection", "")))
        call = Call(request, method, rule.endpoint, dict(args), restli.split_query(raw_query),
                    request.host_url.rstrip("/"))
        return self._api(call, route)

    def _unmatched(self, request: Request, method: str) -> Response:
        path = _raw_path(request)
        with self.backend.lock:
            self.backend.record_request(method, "(not implemented)", path, 404)
        return _error(errors.not_implemented(method, path))

    def _api(self, call: Call, route: str) -> Response:
        faults = self.backend.faults
        before = faults.before(call.method, call.request.path)
        if before.delay:
            time.sleep(before.delay)            # outside the lock: other requests go on
        with self.backend.lock:
            if before.status is not None:
                response = _error(errors.injected(before.status))
            else:
                response = self._checked(call)
            self.backend.record_request(call.method, route, call.request.path,
                                        response.status_code)
        after = faults.after(call.method, call.request.path, response.status_code)
        if after.drop:
            _drop_connection(call.request.environ)
        for pid, signal_number in after.signals:
            _after_response(call.request.environ, _signaller(pid, signal_number))
        return response

    def _checked(self, call: Call) -> Response:
        try:
            return self._gateway_then_handler(call)
        except errors.ApiError as error:
            return _error(error)
        except errors.OAuthError as error:
            return _json(error.status, error.body)
        except restli.RestliSyntaxError as error:
            return _error(errors.param_invalid(str(error)))
        except Exception:                       # a sandbox bug: answer like a server would
            LOG.exception("sandbox handler failed: %s %s", call.method, call.request.path)
            return _error(errors.injected(500))

    def _gateway_then_handler(self, call: Call) -> Response:
        family = call.endpoint.split(".")[0]
        if family == "rest":
            call.version = self.backend.check_version(call.request.headers.get("LinkedIn-Version"))
            self._check_protocol(call)
        if family in ("rest", "v2"):
            call.caller = self.backend.authenticate(call.request.headers.get("Authorization"))
            self.backend.count_call(call.caller, call.request.path.split("/")[2])
        if "key" in call.args:
            call.key = self._path_key(call)
        handler: Callable[[Call], Response] = getattr(self, call.endpoint.replace(".", "_"))
        response = handler(call)
        if family == "rest":
            response.headers["X-RestLi-Protocol-Version"] = "2.0.0"
        return response

    def _check_protocol(self, call: Call) -> None:
        found = call.request.headers.get("X-Restli-Protocol-Version")
        if self.backend.options.require_protocol_header and (found or "").strip() != "2.0.0":
            raise errors.protocol_version_required(found)

    def _path_key(self, call: Call) -> str:
        raw_path = _raw_path(call.request)
        segment = raw_path.split("/")[3]       # /rest/<collection>/<key>[/...]
        if not self.backend.options.strict_restli:
            return str(call.args["key"])
        return restli.decode_path_key(segment)

    # ---- Rest.li parameter helpers

    def _param(self, call: Call, name: str, *, required: bool = True) -> restli.RestliValue | None:
        raw = call.query.get(name)
        if raw is None:
            if required:
                raise errors.param_invalid(f"parameter {name!r} is required")
            return None
        if self.backend.options.strict_restli and restli.looks_fully_encoded(raw):
            raise errors.param_invalid(
                f"{name}: the structure of a Rest.li value (List(, (, ), ',', ':') must not be "
                "percent-encoded; encode only the values inside")
        if self.backend.options.strict_restli:
            return restli.decode(raw)
        raw = raw.replace("%28", "(").replace("%29", ")").replace("%2C", ",")
        return restli.decode(raw, lenient=True)

    def _string(self, call: Call, name: str, *, required: bool = True) -> str | None:
        value = self._param(call, name, required=required)
        if value is not None and not isinstance(value, str):
            raise errors.param_invalid(f"{name} must be a single value")
        return value

    def _urn_list(self, call: Call, name: str) -> list[str] | None:
        value = self._param(call, name, required=False)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise errors.param_invalid(f"{name} must be List(...) of encoded URNs")
        return [str(v) for v in value]

    def _int(self, call: Call, name: str, default: int) -> int:
        value = self._string(call, name, required=False)
        if value is None:
            return default
        if not value.isdigit():
            raise errors.param_invalid(f"{name} must be a non-negative integer")
        return int(value)

    def _expect_method(self, call: Call, expected: str, *, required: bool = False) -> None:
        found = call.restli_method
        if (found is None and required) or (found is not None and found != expected):
            raise errors.restli_method_mismatch(expected, found)

    # ---- OAuth

    def oauth_authorization(self, call: Call) -> Response:
        params = dict(call.request.args if call.method == "GET" else call.request.form)
        try:
            app, scopes = self.backend.check_authorization(params)
        except ConsentPageError as error:
            return _html(error.status, feed.render_page_error(error.status, error.message))
        redirect_uri, state = params["redirect_uri"], params.get("state")
        refused = self.backend.unauthorized_scopes(app, scopes)
        if refused:
            # LinkedIn refuses the request as a whole when any one scope is not granted.
            return _redirect(redirect_uri, {
                "error": "unauthorized_scope_error",
                "error_description": unauthorized_scope_description(refused[0]),
                "state": state})
        if call.method == "GET":
            members = list(self.backend.members.values())
            return _html(200, feed.render_consent(params, scopes, members))
        if params.get("decision") != "allow":
            return _redirect(redirect_uri, {
                "error": "user_cancelled_authorize",
                "error_description": "The user cancelled the authorization", "state": state})
        try:
            code = self.backend.grant_code(app.client_id, redirect_uri, scopes,
                                           params.get("member", ""))
        except ConsentPageError as error:
            return _html(error.status, feed.render_page_error(error.status, error.message))
        return _redirect(redirect_uri, {"code": code, "state": state})

    def oauth_access_token(self, call: Call) -> Response:
        return _json(200, self.backend.access_token(call.request.form.to_dict()))

    def oauth_introspect(self, call: Call) -> Response:
        return _json(200, self.backend.introspect(call.request.form.to_dict()))

    # ---- /v2

    def v2_userinfo(self, call: Call) -> Response:
        return _json(200, self.backend.userinfo(call.who))

    # ---- posts

    def rest_posts(self, call: Call) -> Response:
        if call.method == "POST":
            if "action" in call.query:
                raise errors.not_implemented("POST", call.request.full_path)
            self._expect_method(call, "CREATE")
            urn = self.backend.create_post(call.who, _body(call.request))
            return _created(urn)
        if "ids" in call.query:
            self._expect_method(call, "BATCH_GET", required=True)
            urns = self._urn_list(call, "ids") or []
            return _json(200, self.backend.batch_get_posts(call.who, urns))
        self._expect_method(call, "FINDER")
        finder = self._string(call, "q")
        if finder != "author":
            raise errors.param_invalid(f"unknown finder q={finder!r}; the posts finder is author")
        author = self._string(call, "author")
        assert author is not None
        sort_by = self._string(call, "sortBy", required=False) or "LAST_MODIFIED"
        if sort_by not in ("LAST_MODIFIED", "CREATED"):
            raise errors.param_invalid(f"sortBy must be LAST_MODIFIED or CREATED, not {sort_by}")
        view = self._string(call, "viewContext", required=False) or "READER"
        if view not in ("READER", "AUTHOR"):
            raise errors.param_invalid(f"viewContext must be READER or AUTHOR, not {view}")
        page = self.backend.find_posts(call.who, author, self._int(call, "start", 0),
                                       self._int(call, "count", 10), sort_by)
        return _json(200, page)

    def rest_post(self, call: Call) -> Response:
        assert call.key is not None
        if call.method == "GET":
            self._expect_method(call, "GET")
            return _json(200, self.backend.get_post(call.who, call.key))
        if call.method == "DELETE":
            self._expect_method(call, "DELETE")
            self.backend.delete_post(call.who, call.key)
            return Response(status=204)
        self._expect_method(call, "PARTIAL_UPDATE", required=True)
        self.backend.update_post(call.who, call.key, _body(call.request))
        return Response(status=204)

    # ---- media

    def rest_media_collection(self, call: Call) -> Response:
        kind = COLLECTION_KIND[call.args["collection"]]
        if call.method == "GET":
            self._expect_method(call, "BATCH_GET", required=True)
            return _json(200, self._batch(call, lambda urn: self.backend.get_media(
                call.who, kind, urn, call.base_url)))
        self._expect_method(call, "ACTION")
        action = self._string(call, "action")
        if action == "initializeUpload":
            value = self.backend.initialize_upload(call.who, kind, _body(call.request),
                                                   call.base_url)
            return _json(200, {"value": value})
        if action == "finalizeUpload" and kind == "video":
            self.backend.finalize_video(call.who, _body(call.request))
            return Response(status=200)
        raise errors.param_invalid(f"unknown action {action!r} on /rest/{call.args['collection']}")

    def rest_media(self, call: Call) -> Response:
        assert call.key is not None
        self._expect_method(call, "GET")
        kind = COLLECTION_KIND[call.args["collection"]]
        return _json(200, self.backend.get_media(call.who, kind, call.key, call.base_url))

    def upload_put(self, call: Call) -> Response:
        signature = call.request.args.get("ut", "")
        headers = self.backend.receive_upload(str(call.args["asset"]), int(call.args["part"]),
                                              signature, call.request.get_data())
        # Images and documents answer 201; video parts 200 with the part's ETag (7.2).
        return Response(status=200 if headers else 201, headers=headers)

    def upload_download(self, call: Call) -> Response:
        data = self.backend.download(str(call.args["kind"]), str(call.args["asset"]))
        return Response(data, status=200, content_type="application/octet-stream")

    def upload_thumbnail_put(self, call: Call) -> Response:
        return self._video_file(call, "thumbnail")

    def upload_captions_put(self, call: Call) -> Response:
        return self._video_file(call, "captions")

    def _video_file(self, call: Call, name: str) -> Response:
        self.backend.receive_video_file(str(call.args["asset"]), name,
                                        call.request.args.get("ut", ""), call.request.get_data())
        return Response(status=201)             # as an image upload answers

    def upload_thumbnail(self, call: Call) -> Response:
        data, content_type = self.backend.download_thumbnail(str(call.args["asset"]))
        return Response(data, status=200, content_type=content_type)

    # ---- social actions, comments, metadata

    def rest_social_actions(self, call: Call) -> Response:
        assert call.key is not None
        return _json(200, self.backend.social_actions(call.who, call.key))

    def rest_social_actions_batch(self, call: Call) -> Response:
        self._expect_method(call, "BATCH_GET", required=True)
        return _json(200, self._batch(call, lambda urn: self.backend.social_actions(
            call.who, urn)))

    def rest_social_metadata(self, call: Call) -> Response:
        assert call.key is not None
        return _json(200, self.backend.social_metadata(call.who, call.key))

    def rest_social_metadata_batch(self, call: Call) -> Response:
        self._expect_method(call, "BATCH_GET", required=True)
        return _json(200, self._batch(call, lambda urn: self.backend.social_metadata(
            call.who, urn)))

    def rest_comments(self, call: Call) -> Response:
        assert call.key is not None
        if call.method == "POST":
            self._expect_method(call, "CREATE")
            comment = self.backend.create_comment(call.who, call.key, _body(call.request))
            response = _json(201, comment)
            response.headers["x-restli-id"] = comment["id"]
            return response
        self._expect_method(call, "GET_ALL")
        return _json(200, self.backend.list_comments(call.who, call.key,
                                                     self._int(call, "start", 0),
                                                     self._int(call, "count", 10)))

    def _batch(self, call: Call, get_one: Callable[[str], JSON]) -> JSON:
        results: JSON = {}
        statuses: JSON = {}
        failures: JSON = {}
        for urn in self._urn_list(call, "ids") or []:
            try:
                results[urn] = get_one(urn)
                statuses[urn] = 200
            except errors.ApiError as error:
                statuses[urn] = error.status
                failures[urn] = error.body
        return {"results": results, "statuses": statuses, "errors": failures}

    # ---- analytics

    def rest_share_statistics(self, call: Call) -> Response:
        if self._string(call, "q") != "organizationalEntity":
            raise errors.param_invalid("q must be organizationalEntity")
        organization = self._string(call, "organizationalEntity")
        assert organization is not None
        if not organization.startswith("urn:li:organization:"):
            raise errors.param_invalid("organizationalEntity must be an organization URN")
        shares = self._urn_list(call, "shares")
        ugc_posts = self._urn_list(call, "ugcPosts")
        selected = None if shares is None and ugc_posts is None else [*(shares or []),
                                                                       *(ugc_posts or [])]
        interval = self._time_interval(call)
        if selected is not None and interval is not None:
            raise errors.param_invalid(
                "Time-bound statistics is not supported for specific share queries")
        return _json(200, self.backend.share_statistics(call.who, organization, selected,
                                                        interval))

    def _time_interval(self, call: Call) -> tuple[int, int, str] | None:
        value = self._param(call, "timeIntervals", required=False)
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

    def rest_member_post_analytics(self, call: Call) -> Response:
        finder = self._string(call, "q")
        if finder not in ("entity", "me"):
            raise errors.param_invalid("q must be entity or me")
        entity = None
        if finder == "entity":
            union = self._param(call, "entity")
            if not (isinstance(union, dict) and len(union) == 1
                    and next(iter(union)) in ("share", "ugc", "ugcPost")):
                raise errors.param_invalid("entity must be (share:<urn>) or (ugc:<urn>)")
            entity = str(next(iter(union.values())))
        query_type = self._string(call, "queryType")
        assert query_type is not None
        aggregation = self._string(call, "aggregation", required=False) or "TOTAL"
        answer = self.backend.member_post_analytics(
            call.who, finder, entity, query_type=query_type, aggregation=aggregation,
            date_range=self._date_range(call), version=call.version)
        return _json(200, answer)

    # ---- organizations

    def rest_organization_acls(self, call: Call) -> Response:
        if self._string(call, "q") != "roleAssignee":
            raise errors.param_invalid("q must be roleAssignee")
        self._expect_method(call, "FINDER")
        answer = self.backend.role_assignments(call.who, self._string(call, "role", required=False),
                                               self._string(call, "state", required=False))
        return _json(200, answer)

    def _date_range(self, call: Call) -> tuple[int, int] | None:
        value = self._param(call, "dateRange", required=False)
        if value is None:
            return None
        try:
            assert isinstance(value, dict)
            return _date_ms(value["start"]), _date_ms(value["end"])
        except (AssertionError, KeyError, ValueError) as error:
            raise errors.param_invalid("dateRange must be (start:(day:D,month:M,year:Y),"
                                       "end:(day:D,month:M,year:Y))") from error

    # ---- control routes

    def _control(self, endpoint: str, request: Request) -> Response:
        try:
            with self.backend.lock:
                return self._control_action(endpoint, request)
        except (ControlError, ValueError, KeyError, TypeError) as error:
            return _json(400, {"error": str(error)})

    def _control_action(self, endpoint: str, request: Request) -> Response:
        name = endpoint.removeprefix("control.")
        if name == "feed":
            return _html(200, feed.render_feed(self.backend))
        action: Callable[[str, JSON], JSON] = getattr(self, f"_control_{name}")
        return _json(200, action(request.method, _control_body(request)))

    def _control_reset(self, _: str, body: JSON) -> JSON:
        self.backend.reset(body.get("seed"))
        return {"reset": True, "seed": self.backend.seed}

    def _control_members(self, _: str, body: JSON) -> JSON:
        return _public(self.backend.add_member(body))

    def _control_organizations(self, _: str, body: JSON) -> JSON:
        return _public(self.backend.add_organization(body))

    def _control_apps(self, _: str, body: JSON) -> JSON:
        return _public(self.backend.add_app(body))

    def _control_tokens(self, _: str, body: JSON) -> JSON:
        return self.backend.issue_token(body)

    def _control_revoke(self, _: str, body: JSON) -> JSON:
        self.backend.revoke_token(str(body.get("token", "")))
        return {"revoked": True}

    def _control_clock(self, method: str, body: JSON) -> JSON:
        return self.backend.set_clock(body) if method == "POST" else self.backend.clock_json()

    def _control_config(self, method: str, body: JSON) -> JSON:
        if method == "POST":
            self.backend.options.update(body)
        return self.backend.options.to_json()

    def _control_state(self, _: str, __: JSON) -> JSON:
        return self.backend.state_json()

    def _control_faults(self, method: str, body: JSON) -> JSON:
        faults = self.backend.faults
        if method == "DELETE":
            faults.clear()
        elif method == "POST":
            for spec in body.get("faults", [body]):
                if spec.get("kind") == "expire_token":
                    self.backend.expire_token_after(str(spec.get("token")),
                                                    int(spec.get("after_calls", 0)))
                else:
                    faults.add(spec)
        return {"faults": faults.to_json()}

    def _control_authorize(self, _: str, body: JSON) -> JSON:
        return self._shortcut_authorize(body)

    def _shortcut_authorize(self, body: JSON) -> JSON:
        scope = body.get("scope", body.get("scopes", ""))
        params = {"response_type": "code", "client_id": str(body.get("client_id", "")),
                  "redirect_uri": str(body.get("redirect_uri", "")),
                  "scope": " ".join(scope) if isinstance(scope, list) else str(scope)}
        try:
            app, scopes = self.backend.check_authorization(params)
            self.backend.check_app_grants(app, scopes)
            code = self.backend.grant_code(app.client_id, params["redirect_uri"], scopes,
                                           str(body.get("member", "")))
        except ConsentPageError as error:
            raise ControlError(error.message) from error
        state = body.get("state")
        return {"code": code, "redirect": _with_query(params["redirect_uri"],
                                                      {"code": code, "state": state})}


# -- helpers -----------------------------------------------------------------------------------

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


def _body(request: Request) -> object:
    data = request.get_data()
    if not data:
        return {}
    try:
        return json.loads(data)
    except ValueError as error:
        raise errors.invalid_json() from error


def _control_body(request: Request) -> JSON:
    if request.method != "POST" or not request.get_data():
        return {}
    body = json.loads(request.get_data())
    if not isinstance(body, dict):
        raise ControlError("the body must be a JSON object")
    return body


def _public(record: Any) -> JSON:
    return {k: v for k, v in vars(record).items() if not k.startswith("_")}


def _date_ms(value: restli.RestliValue) -> int:
    if not isinstance(value, dict):
        raise ValueError("a date is (day:D,month:M,year:Y)")
    year, month, day = (int(str(value[k])) for k in ("year", "month", "day"))
    return calendar.timegm((year, month, day, 0, 0, 0)) * 1000


def _json(status: int, body: Any, headers: Mapping[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status=status, headers=dict(headers or {}),
                    content_type="application/json")


def _error(error: errors.ApiError) -> Response:
    return _json(error.status, error.body, error.headers)


def _html(status: int, page: str) -> Response:
    return Response(page, status=status, content_type="text/html; charset=utf-8")


def _created(urn: str) -> Response:
    return Response(status=201, headers={"x-restli-id": urn, "x-linkedin-id": urn})


def _with_query(url: str, params: Mapping[str, str | None]) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(k, v) for k, v in params.items() if v is not None]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def _redirect(url: str, params: Mapping[str, str | None]) -> Response:
    return Response(status=302, headers={"Location": _with_query(url, params)})


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
