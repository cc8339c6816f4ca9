"""The only network code of the product: one seam between the client and HTTP.

Everything that goes to LinkedIn passes through ``Transport``:

* it adds the headers of linkedin-api.md 1.1 (``Authorization: Bearer``, ``LinkedIn-Version``
  and ``X-Restli-Protocol-Version: 2.0.0`` on ``/rest``, ``X-RestLi-Method`` when given);
* it sends query strings exactly as ``restli.query_string`` built them, so the literal
  ``List(...)`` structure is never encoded a second time;
* it turns requests' exceptions and every non-2xx answer into ``errors`` classes, here and
  nowhere else;
* it retries, with exponential backoff and full jitter, bounded in count and in time, only
  where that cannot do harm (see ``Transport._attempt``):

  - a connection that could not be made: nothing was sent, any request may go again;
  - a timeout, a dropped answer or a 5xx on an idempotent request (GET, PUT of upload
    bytes, DELETE, PARTIAL_UPDATE with ``$set``): repeating it leaves the same state;
  - never on a create (posts, comments): once sent, a failure there is an
    ``AmbiguousOutcome``, because the post may exist, and a blind retry could publish it twice;
  - never on 429: LinkedIn's quotas are daily, a quick retry only burns another call.

A call's token is a string, or a *token hook* (``TokenHook``, in the spirit of httpx's
``Auth`` flow): a callable asked for the token before the call is sent, and asked once
more with LinkedIn's 401 EXPIRED_ACCESS_TOKEN, when it may refresh the token and name the
new one; the call then goes again, once. A 401 means LinkedIn did nothing, so a create
sent again cannot post twice; a second 401 is the caller's error.

Tokens are never logged and never put into messages: headers are logged with
``Authorization`` masked, and error bodies are scrubbed of the token before parsing.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Literal, Protocol
from urllib.parse import urlencode, urlsplit

import requests
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError

from publisher.httpsession import Session
from publisher.linkedin.errors import (
    AmbiguousOutcome,
    ExpiredToken,
    LinkedInError,
    RequestContext,
    TransportError,
    UploadError,
    error_from_response,
)
from publisher.masking import mask

__all__ = ["FilePart", "Reply", "RetryPolicy", "Token", "TokenHook", "Transport", "bearer",
           "full_jitter", "is_sandbox", "mask", "url_is_live"]

PROTOCOL_VERSION = "2.0.0"
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE"})
# PARTIAL_UPDATE here only ever carries "$set": applying it twice leaves the same post.
IDEMPOTENT_RESTLI_METHODS = frozenset({"GET", "FINDER", "BATCH_GET", "GET_ALL", "DELETE",
                                       "PARTIAL_UPDATE"})
Kind = Literal["api", "oauth", "upload"]
Progress = Callable[[int], None]


class TokenHook(Protocol):
    """Supplies a call's bearer token: the current one when called with nothing; after
    LinkedIn's 401 EXPIRED_ACCESS_TOKEN, a renewed one to send the call with again, or None
    when the refusal stands."""

    def __call__(self, expired: ExpiredToken | None = None) -> str | None: ...


Token = str | TokenHook


def bearer(token: Token) -> str:
    """The token a call sends now."""
    if isinstance(token, str):
        return token
    current = token()
    if current is None:
        raise TypeError("a token hook called with nothing must name the current token")
    return current


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry what may safely be retried."""

    attempts: int = 4          # tries in all, the first included
    base_delay: float = 0.5    # seconds; the cap doubles with every retry ...
    max_delay: float = 8.0     # ... up to this
    max_total: float = 30.0    # no retry starts if it would end later than this after the first try

    def cap(self, retry: int) -> float:
        """The longest wait before retry number ``retry`` (1 for the first retry)."""
        return float(min(self.max_delay, self.base_delay * 2 ** (retry - 1)))


def full_jitter(cap: float) -> float:
    """A wait drawn uniformly from [0, cap], so that many clients do not retry in step."""
    return random.uniform(0.0, cap)


@dataclass(frozen=True)
class Reply:
    """A successful HTTP answer: status, headers (names lower-cased) and body."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        """The body as JSON; an empty body is ``{}``."""
        if not self.body.strip():
            return {}
        try:
            return json.loads(self.body)
        except ValueError as error:
            raise LinkedInError(f"LinkedIn answered {self.status} with a body that is not "
                                f"JSON: {self.body[:120]!r}") from error


@dataclass(frozen=True)
class FilePart:
    """``length`` bytes of a file from ``offset``: an upload body read from disk, never whole."""

    path: Path
    offset: int
    length: int


class _PartReader:
    """Feeds one ``FilePart`` to requests block by block.

    ``__len__`` gives requests the Content-Length; there is deliberately no ``fileno`` or
    ``tell``, which would make requests size the body as the whole file.
    """

    def __init__(self, part: FilePart, progress: Progress | None) -> None:
        self._file: BinaryIO = part.path.open("rb")
        self._file.seek(part.offset)
        self._left = part.length
        self._length = part.length
        self._progress = progress

    def __len__(self) -> int:
        return self._length

    def read(self, size: int = -1) -> bytes:
        wanted = self._left if size is None or size < 0 else min(size, self._left)
        chunk = self._file.read(wanted) if wanted else b""
        self._left -= len(chunk)
        if self._progress is not None and chunk:
            self._progress(self._length - self._left)
        return chunk

    def __iter__(self) -> Iterator[bytes]:
        while chunk := self.read(64 * 1024):
            yield chunk

    def __enter__(self) -> _PartReader:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._file.close()


@dataclass
class _Request:
    method: str
    url: str
    shown: str                          # what logs and messages show of the URL
    headers: dict[str, str]
    kind: Kind
    idempotent: bool
    context: RequestContext
    body: bytes | FilePart | None = None
    secrets: Sequence[str] = ()
    progress: Progress | None = field(default=None, repr=False)


class Transport:
    """HTTP to LinkedIn with its headers, encoding, error translation and safe retries."""

    def __init__(
        self,
        api_base: str,
        oauth_base: str,
        version: str,
        *,
        session: requests.Session | None = None,
        timeout: float = 30,
        retry: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        logger: logging.Logger | None = None,
        jitter: Callable[[float], float] = full_jitter,
    ) -> None:
        self.api_base = api_base.rstrip("/")
        self.oauth_base = oauth_base.rstrip("/")
        self.version = version
        self.session = session or Session()
        self.timeout = timeout
        self.retry = retry
        self.sleep = sleep
        self.clock = clock
        self.logger = logger or logging.getLogger("publisher.linkedin")
        self.jitter = jitter
        # When LinkedIn last answered, by its own Date header: a post's time is LinkedIn's,
        # never the caller's clock (which a rehearsal may have moved).
        self.answered_at: datetime | None = None

    def __repr__(self) -> str:
        return f"Transport({self.api_base!r}, {self.oauth_base!r}, {self.version!r})"

    # --- the three kinds of request ------------------------------------------------------------

    def api(
        self,
        method: str,
        path: str,
        token: Token,
        *,
        restli_method: str | None = None,
        query: str = "",
        json_body: Any = None,
        idempotent: bool | None = None,
        author: str | None = None,
    ) -> Reply:
        """A call to ``{api_base}{path}`` (``/rest/...`` or ``/v2/...``) as the token's member.

        ``query`` is sent as given (build it with ``restli.query_string``). ``idempotent``
        defaults from the method: GET, PUT, DELETE and PARTIAL_UPDATE may be repeated.
        ``author`` only words the hint of a 403. A token hook is asked once for a new
        token after a 401 EXPIRED_ACCESS_TOKEN, and the call is then sent again, once.
        """
        request = partial(self._api_request, method, path, restli_method=restli_method,
                          query=query, json_body=json_body, idempotent=idempotent,
                          author=author)
        try:
            return self._send(request(bearer(token)))
        except ExpiredToken as refusal:
            renewed = None if isinstance(token, str) else token(refusal)
            if renewed is None:
                raise
        # LinkedIn refused the call before doing anything, so sending it again is safe.
        return self._send(request(renewed))

    def _api_request(self, method: str, path: str, token: str, *, restli_method: str | None,
                     query: str, json_body: Any, idempotent: bool | None,
                     author: str | None) -> _Request:
        method = method.upper()
        headers = {"Authorization": f"Bearer {token}"}
        versioned = path.startswith("/rest/")
        if versioned:
            headers["LinkedIn-Version"] = self.version
            headers["X-Restli-Protocol-Version"] = PROTOCOL_VERSION
        if restli_method:
            headers["X-RestLi-Method"] = restli_method.upper()
        body = None
        if json_body is not None:
            body = _json_bytes(json_body)
            headers["Content-Type"] = "application/json"
        target = f"{path}?{query}" if query else path
        if idempotent is None:
            idempotent = _idempotent(method, restli_method)
        context = RequestContext(method, path, self.version if versioned else None,
                                 restli_method.upper() if restli_method else None, author)
        return _Request(method, self.api_base + target, target, headers, "api", idempotent,
                        context, body, secrets=(token,))

    def oauth(
        self, endpoint: str, form: Mapping[str, str], *, idempotent: bool = False,
        secrets: Sequence[str] = (),
    ) -> Reply:
        """A form POST to ``{oauth_base}/{endpoint}``; no bearer token, errors as OAuthError."""
        path = f"/{endpoint.lstrip('/')}"
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        body = urlencode(dict(form)).encode("ascii")
        context = RequestContext("POST", urlsplit(self.oauth_base).path + path)
        return self._send(_Request("POST", self.oauth_base + path, context.path, headers,
                                   "oauth", idempotent, context, body, secrets=tuple(secrets)))

    def upload(
        self,
        url: str,
        part: FilePart,
        *,
        token: Token | None,
        content_type: str = "application/octet-stream",
        progress: Progress | None = None,
    ) -> Reply:
        """PUT ``part`` to a signed upload URL, streamed from disk.

        PUT of the same bytes to the same URL leaves the same result, so it is retried.
        ``token`` is sent as Bearer when given (images and documents want it; the video
        part URLs are documented not to accept one). ``progress`` gets the bytes of this
        part sent so far.
        """
        headers = {"Content-Type": content_type}
        sent = bearer(token) if token else None
        if sent:
            headers["Authorization"] = f"Bearer {sent}"
        shown = _without_query(url)
        context = RequestContext("PUT", urlsplit(url).path)
        secrets = (sent,) if sent else ()
        return self._send(_Request("PUT", url, shown, headers, "upload", True, context,
                                   part, secrets=secrets, progress=progress))

    # --- retries ---------------------------------------------------------------------------------

    def _send(self, request: _Request) -> Reply:
        started = self.clock()
        attempt = 1
        while True:
            outcome = self._attempt(request)
            if isinstance(outcome, Reply):
                return outcome
            delay = self.jitter(self.retry.cap(attempt))
            spent = self.clock() - started
            if attempt >= self.retry.attempts or spent + delay > self.retry.max_total:
                raise outcome
            self.logger.debug("retry %d of %s %s in %.2f s after: %s", attempt,
                              request.method, request.shown, delay, outcome)
            self.sleep(delay)
            attempt += 1

    def _attempt(self, request: _Request) -> Reply | LinkedInError:
        """One try. Returns the reply, or an error that may be retried; raises the rest."""
        begin = self.clock()
        try:
            response = self._request(request)
        except requests.RequestException as error:
            self._log(request, None, begin)
            return self._failure(request, error)
        reply = Reply(response.status_code,
                      {k.lower(): v for k, v in response.headers.items()}, response.content)
        self.answered_at = _http_date(reply.header("Date")) or self.answered_at
        self._log(request, reply.status, begin)
        if 200 <= reply.status < 300:
            return reply
        failure = self._refusal(request, reply)
        if reply.status < 500:
            raise failure  # LinkedIn looked at it and said no: asking again changes nothing
        if request.idempotent:
            return failure
        answer = f"{reply.status} {failure.code}" if failure.code else str(reply.status)
        raise AmbiguousOutcome(
            f"LinkedIn answered {answer} after {request.context} was sent; "
            "it may or may not have taken effect",
            cause=failure, status=reply.status, context=request.context,
            request_id=failure.request_id)

    def _request(self, request: _Request) -> requests.Response:
        common: dict[str, Any] = {"headers": request.headers, "timeout": self.timeout,
                                  "allow_redirects": False}
        if isinstance(request.body, FilePart):
            if request.body.length == 0:
                return self.session.request(request.method, request.url, data=b"", **common)
            with _PartReader(request.body, request.progress) as reader:
                return self.session.request(request.method, request.url, data=reader, **common)
        return self.session.request(request.method, request.url, data=request.body, **common)

    def _failure(self, request: _Request, error: requests.RequestException) -> LinkedInError:
        reason = _reason(error)
        _forget_request(error)
        if _never_sent(error):
            return TransportError(
                f"could not connect for {request.context} ({reason}); nothing was sent",
                cause=error, context=request.context,
                hint="check the network and the api_base / oauth_base settings")
        if not isinstance(error, (requests.Timeout, requests.ConnectionError,
                                  requests.exceptions.ChunkedEncodingError)):
            raise TransportError(f"{request.context} could not be sent ({reason})",
                                 cause=error, context=request.context) from error
        ambiguous = AmbiguousOutcome(
            f"{request.context} was sent but no answer came back ({reason}); "
            "it may or may not have taken effect", cause=error, context=request.context)
        if request.idempotent:
            return ambiguous
        raise ambiguous from error

    def _refusal(self, request: _Request, reply: Reply) -> LinkedInError:
        error = error_from_response(reply.status, reply.body, reply.headers, request.context,
                                    request.secrets)
        if request.kind != "upload":
            return error
        return UploadError(error.message, status=reply.status, code=error.code,
                           context=request.context, request_id=error.request_id)

    def _log(self, request: _Request, status: int | None, begin: float) -> None:
        if not self.logger.isEnabledFor(logging.DEBUG):
            return
        elapsed = (self.clock() - begin) * 1000
        outcome = str(status) if status is not None else "no answer"
        self.logger.debug("%s %s -> %s in %.0f ms; headers %s", request.method, request.shown,
                          outcome, elapsed, redacted(request.headers))


def redacted(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers safe to log: the bearer token masked."""
    shown = dict(headers)
    for name, value in headers.items():
        if name.lower() == "authorization":
            scheme, _, secret = value.partition(" ")
            shown[name] = f"{scheme} {mask(secret)}"
    return shown


def url_is_live(url: str, *, timeout: float = 10, session: requests.Session | None = None) -> bool:
    """Whether ``url`` answers 2xx to a GET (following redirects); any failure is False."""
    http = session or Session()
    try:
        with http.get(url, timeout=timeout, stream=True, allow_redirects=True) as response:
            return 200 <= response.status_code < 300
    except requests.RequestException:
        return False
    finally:
        if session is None:
            http.close()


LOOPBACK_HOSTS = ("localhost", "::1")


def is_sandbox(api_base: str, *, timeout: float = 5) -> bool:
    """Whether ``api_base`` is the sandbox (``publish sandbox``), not LinkedIn.

    Both must hold: the host is a loopback address (LinkedIn never is, so no answer from
    the network can pass), and it answers the sandbox's own clock route with a time.
    """
    host = urlsplit(api_base).hostname or ""
    if not (host in LOOPBACK_HOSTS or host.startswith("127.")):
        return False
    try:
        with requests.get(f"{api_base.rstrip('/')}/_sandbox/clock", timeout=timeout) as answer:
            body = answer.json() if answer.status_code == 200 else {}
    except (requests.RequestException, ValueError):
        return False
    return isinstance(body, dict) and isinstance(body.get("now"), str)


def _http_date(value: str | None) -> datetime | None:
    """An HTTP Date header as an aware datetime; None when absent or unreadable."""
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _idempotent(method: str, restli_method: str | None) -> bool:
    if restli_method:
        return restli_method.upper() in IDEMPOTENT_RESTLI_METHODS
    return method in IDEMPOTENT_METHODS


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _without_query(url: str) -> str:
    """An upload URL without its signature, fit for logs and messages."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _never_sent(error: requests.RequestException) -> bool:
    """Whether the connection failed before any byte of the request left."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    if not isinstance(error, requests.ConnectionError) or isinstance(error, requests.Timeout):
        return False
    inner = error.args[0] if error.args else None
    reason = inner.reason if isinstance(inner, MaxRetryError) else inner
    return isinstance(reason, (NewConnectionError, ConnectTimeoutError))


def _reason(error: requests.RequestException) -> str:
    """A short cause, e.g. "connection refused", "read timed out"."""
    if isinstance(error, requests.ConnectTimeout):
        return "connect timed out"
    if isinstance(error, requests.ReadTimeout):
        return "read timed out"
    text = str(error)
    for known in ("Connection refused", "Connection reset", "Remote end closed connection",
                  "Name or service not known", "Connection aborted"):
        if known.lower() in text.lower():
            return known.lower()
    return type(error).__name__


def _forget_request(error: requests.RequestException) -> None:
    """Drop the prepared request (it holds the Authorization header) from the exception.

    The exception is kept as the ``cause`` of our error; without its request it carries
    nothing that could leak the token into a log or a pickled report.
    """
    error.request = None
    error.response = None
