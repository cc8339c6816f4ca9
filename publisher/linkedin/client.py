"""LinkedIn's Posts, Comments, media and userinfo APIs as plain Python calls.

``LinkedInClient`` binds one access token to a shared ``Transport``; every method is one
documented call (linkedin-api.md sections 3, 4, 6 to 9) and raises ``errors`` classes.
``build_post_payload`` writes the JSON of a Posts API create, exactly as section 4.2 shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from publisher.linkedin import analytics as stats
from publisher.linkedin import media as uploads
from publisher.linkedin.errors import AmbiguousOutcome, LinkedInError, RequestContext
from publisher.linkedin.restli import decode_id, encode_key, encode_value, query_string
from publisher.linkedin.transport import Reply, Token, Transport, mask

POST_URN = re.compile(r"^urn:li:(?:share|ugcPost):\S+$")
VISIBILITIES = ("PUBLIC", "CONNECTIONS", "LOGGED_IN", "CONTAINER")
SORT_ORDERS = ("LAST_MODIFIED", "CREATED")
MAX_FINDER_COUNT = 100       # LinkedIn's cap on one finder page
MAX_FINDER_PAGES = 20        # a finder scan stops here even if LinkedIn keeps paging
BATCH_SIZE = 50              # URNs per BATCH_GET, well under the 4000-character query limit
MULTI_IMAGE_RANGE = (2, 20)
MEDIA_KEYS = frozenset({"id", "altText", "title"})
IMAGE_KEYS = frozenset({"id", "altText"})
ARTICLE_KEYS = frozenset({"source", "title", "description", "thumbnail"})


class LinkedInClient:
    """One member's (or page admin's) view of the API, through a shared transport."""

    def __init__(self, transport: Transport, token: Token) -> None:
        self.transport = transport
        self._token = token

    def __repr__(self) -> str:
        shown = mask(self._token) if isinstance(self._token, str) else repr(self._token)
        return f"LinkedInClient({self.transport!r}, token={shown!r})"

    @property
    def answered_at(self) -> datetime | None:
        """When LinkedIn sent its last answer to this client (its Date header), if it said."""
        return self.transport.answered_at

    # --- posts ---------------------------------------------------------------------------------

    def create_post(self, payload: Mapping[str, Any]) -> str:
        """Publish; returns the new post's URN (``urn:li:share:…`` or ``urn:li:ugcPost:…``).

        Never retried once sent: a timeout, a dropped answer or a 5xx raises
        ``AmbiguousOutcome``. A 422 for the same content raises ``DuplicatePost``.
        """
        author = payload.get("author")
        reply = self._call("POST", "/rest/posts", restli_method="CREATE", json_body=payload,
                           author=author if isinstance(author, str) else None)
        return _created_post_urn(reply, RequestContext("POST", "/rest/posts"))

    def get_post(self, urn: str, *, view_context: str | None = None) -> dict[str, Any]:
        """One post as LinkedIn stores it (``view_context="AUTHOR"`` also shows drafts)."""
        query = query_string({"viewContext": view_context}) if view_context else ""
        return _object(self._call("GET", f"/rest/posts/{encode_key(urn)}", query=query))

    def find_posts_by_author(
        self,
        author_urn: str,
        *,
        start: int = 0,
        count: int = 50,
        sort_by: str = "LAST_MODIFIED",
        max_pages: int = MAX_FINDER_PAGES,
    ) -> Iterator[dict[str, Any]]:
        """The author's posts, newest first, page by page until LinkedIn has no more.

        At most ``max_pages`` pages are read, so a scan always ends.
        """
        if sort_by not in SORT_ORDERS:
            raise ValueError(f"sort_by must be one of {SORT_ORDERS}, not {sort_by!r}")
        count = max(1, min(count, MAX_FINDER_COUNT))
        for _ in range(max_pages):
            query = query_string({"q": "author", "author": author_urn, "count": count,
                                  "start": start, "sortBy": sort_by})
            page = _object(self._call("GET", "/rest/posts", restli_method="FINDER", query=query))
            elements = [e for e in page.get("elements", []) if isinstance(e, dict)]
            yield from elements
            start += len(elements)
            if _last_page(page, len(elements), count, start):
                return

    def batch_get_posts(self, urns: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Posts by URN; URNs LinkedIn does not return (deleted, unknown) are absent."""
        wanted = list(dict.fromkeys(urns))
        found: dict[str, dict[str, Any]] = {}
        for first in range(0, len(wanted), BATCH_SIZE):
            chunk = wanted[first:first + BATCH_SIZE]
            query = f"ids={encode_value(chunk)}"
            page = _object(self._call("GET", "/rest/posts", restli_method="BATCH_GET",
                                      query=query))
            results = page.get("results", {})
            if isinstance(results, dict):
                found.update({k: v for k, v in results.items() if isinstance(v, dict)})
        return found

    def update_post(self, urn: str, *, commentary: str) -> None:
        """Replace the post's text (the only content LinkedIn lets an author edit)."""
        patch = {"patch": {"$set": {"commentary": commentary}}}
        self._call("POST", f"/rest/posts/{encode_key(urn)}", restli_method="PARTIAL_UPDATE",
                   json_body=patch)

    def delete_post(self, urn: str) -> None:
        """Delete; LinkedIn answers 204 again for a post already deleted."""
        self._call("DELETE", f"/rest/posts/{encode_key(urn)}", restli_method="DELETE")

    # --- comments, identity ---------------------------------------------------------------------

    def create_comment(self, post_urn: str, actor_urn: str, text: str) -> str:
        """Comment on a post as ``actor_urn``; returns the comment's URN (or id).

        Like a post, a comment is never retried once sent (``AmbiguousOutcome``).
        """
        path = f"/rest/socialActions/{encode_key(post_urn)}/comments"
        body = {"actor": actor_urn, "object": post_urn, "message": {"text": text}}
        reply = self._call("POST", path, restli_method="CREATE", json_body=body,
                           author=actor_urn)
        return _created_comment_id(reply, RequestContext("POST", path))

    def list_comments(self, post_urn: str, count: int = 50) -> list[dict[str, Any]]:
        """The first ``count`` comments on a post (needs a read scope for its author)."""
        path = f"/rest/socialActions/{encode_key(post_urn)}/comments"
        page = _object(self._call("GET", path, restli_method="GET_ALL", query=f"count={count}"))
        return [e for e in page.get("elements", []) if isinstance(e, dict)]

    def userinfo(self) -> dict[str, Any]:
        """The token's member (OpenID Connect): ``sub``, ``name``, ``picture``, ``locale``…"""
        return _object(self._call("GET", "/v2/userinfo"))

    def role_assignments(self) -> list[dict[str, Any]]:
        """The token member's approved roles on pages (``organizationAcls?q=roleAssignee``):
        ``roleAssignee``, ``role``, ``state``, ``organization``. It names the member where
        /v2/userinfo cannot: a Community Management token has no ``openid``."""
        page = _object(self._call("GET", "/rest/organizationAcls", restli_method="FINDER",
                                  query="q=roleAssignee&state=APPROVED"))
        return [e for e in page.get("elements", []) if isinstance(e, dict)]

    # --- media (see ``media`` for the protocol) ---------------------------------------------------

    def upload_image(
        self, owner: str, path: Path, *, content_type: str = "application/octet-stream",
        progress: uploads.ProgressCallback | None = None,
    ) -> str:
        """Upload an image owned by ``owner``; returns ``urn:li:image:…``."""
        return uploads.upload_image(self.transport, self._token, owner, path,
                                    content_type=content_type, progress=progress)

    def upload_document(
        self, owner: str, path: Path, *, content_type: str = "application/octet-stream",
        progress: uploads.ProgressCallback | None = None,
    ) -> str:
        """Upload a PDF/PPT/DOC owned by ``owner``; returns ``urn:li:document:…``."""
        return uploads.upload_document(self.transport, self._token, owner, path,
                                       content_type=content_type, progress=progress)

    def upload_video(
        self, owner: str, path: Path, *, size: int | None = None,
        progress: uploads.ProgressCallback | None = None,
        poll_interval: float = uploads.POLL_INTERVAL, max_wait: float = uploads.VIDEO_MAX_WAIT,
        wait: bool = True, thumbnail: Path | None = None, captions: Path | None = None,
    ) -> str:
        """Upload an MP4 in 4 MiB parts, with its thumbnail image and SubRip captions if
        given; with ``wait``, until LinkedIn has processed it."""
        return uploads.upload_video(self.transport, self._token, owner, path, size=size,
                                    progress=progress, poll_interval=poll_interval,
                                    max_wait=max_wait, wait=wait,
                                    extras=uploads.VideoExtras(thumbnail, captions))

    def media_status(self, urn: str) -> dict[str, Any]:
        """The image, video or document entity, with its ``status``."""
        return uploads.media_status(self.transport, self._token, urn)

    def wait_until_available(
        self, urn: str, *, poll_interval: float = uploads.POLL_INTERVAL,
        max_wait: float = uploads.IMAGE_MAX_WAIT,
    ) -> dict[str, Any]:
        """Poll the media until AVAILABLE; raises MediaProcessingFailed or MediaTimeout."""
        return uploads.wait_until_available(self.transport, self._token, urn,
                                          poll_interval=poll_interval, max_wait=max_wait)

    # --- analytics (see ``analytics`` for what each endpoint needs) ------------------------------

    def share_statistics(self, organization: str,
                         posts: Iterable[str]) -> dict[str, stats.ShareStatistics]:
        """Lifetime figures of the page's posts, each post asked for (zeros where none)."""
        return stats.share_statistics(self.transport, self._token, organization, posts)

    def member_post_metric(self, post: str, query_type: str) -> int:
        """One lifetime figure of the token member's post (``IMPRESSION``, ``REACTION``...)."""
        return stats.member_post_metric(self.transport, self._token, post, query_type)

    def social_metadata(self, posts: Iterable[str]) -> dict[str, stats.SocialSummary]:
        """Reactions by type and comment counts of the posts."""
        return stats.social_metadata(self.transport, self._token, posts)

    # --- plumbing --------------------------------------------------------------------------------

    def _call(self, method: str, path: str, *, restli_method: str | None = None,
              query: str = "", json_body: Any = None, author: str | None = None) -> Reply:
        return self.transport.api(method, path, self._token, restli_method=restli_method,
                                  query=query, json_body=json_body, author=author)


def person_urn(userinfo: Mapping[str, Any]) -> str:
    """``urn:li:person:{sub}`` from a userinfo answer."""
    sub = userinfo.get("sub")
    if not isinstance(sub, str) or not sub:
        raise LinkedInError("userinfo carries no 'sub': the token lacks the openid scope")
    return f"urn:li:person:{sub}"


def post_url(urn: str) -> str:
    """Where a post can be seen; works for share and ugcPost URNs alike."""
    return f"https://www.linkedin.com/feed/update/{urn}/"


# --- answers --------------------------------------------------------------------------------


def _created_id(reply: Reply) -> str | None:
    raw = reply.header("x-restli-id") or reply.header("x-linkedin-id")
    return decode_id(raw) if raw else None


def _created_post_urn(reply: Reply, context: RequestContext) -> str:
    urn = _created_id(reply)
    if urn is None or not POST_URN.match(urn):
        # LinkedIn said it created something but not what: the post may exist.
        raise AmbiguousOutcome(
            f"LinkedIn answered {reply.status} without a post URN in x-restli-id "
            f"(found {urn!r}); the post may exist", status=reply.status, context=context)
    return urn


def _created_comment_id(reply: Reply, context: RequestContext) -> str:
    try:
        body = reply.json()
    except LinkedInError:
        body = {}  # the comment exists; an odd body must not turn that into a failure
    urn = body.get("$URN") if isinstance(body, dict) else None
    found = urn if isinstance(urn, str) and urn else _created_id(reply)
    if not found:
        raise AmbiguousOutcome(
            f"LinkedIn answered {reply.status} without the comment's id; the comment may exist",
            status=reply.status, context=context)
    return found


def _object(reply: Reply) -> dict[str, Any]:
    data = reply.json()
    if not isinstance(data, dict):
        raise LinkedInError(f"LinkedIn answered {reply.status} with JSON that is not an object")
    return data


def _last_page(page: Mapping[str, Any], received: int, asked: int, next_start: int) -> bool:
    """Whether a finder page was the last: short, empty, or ``paging.total`` reached.

    A page is short against the ``paging.count`` LinkedIn applied, which may be lower
    than the count asked for.
    """
    paging = page.get("paging")
    paging = paging if isinstance(paging, dict) else {}
    total, applied = paging.get("total"), paging.get("count")
    size = applied if isinstance(applied, int) and 0 < applied < asked else asked
    if received == 0 or received < size:
        return True
    return isinstance(total, int) and next_start >= total


# --- payloads --------------------------------------------------------------------------------


def build_post_payload(
    author: str,
    commentary: str,
    visibility: str,
    *,
    media: Mapping[str, str] | None = None,
    multi_image: Sequence[Mapping[str, str]] | None = None,
    article: Mapping[str, str] | None = None,
    reshare_disabled: bool = False,
) -> dict[str, Any]:
    """The body of ``POST /rest/posts`` (linkedin-api.md 4.1/4.2).

    At most one of ``media`` (``{"id", "altText"?, "title"?}``: an image, video or
    document URN; documents need a title), ``multi_image`` (2 to 20 ``{"id", "altText"?}``)
    and ``article`` (``{"source", "title", "description"?, "thumbnail"?}``). Raises
    ``ValueError`` for a payload LinkedIn would refuse for its shape.
    """
    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {VISIBILITIES}, not {visibility!r}")
    if visibility == "CONNECTIONS" and not author.startswith("urn:li:person:"):
        raise ValueError("CONNECTIONS visibility is only for member authors")
    payload: dict[str, Any] = {
        "author": author,
        "commentary": commentary,
        "visibility": visibility,
        "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                         "thirdPartyDistributionChannels": []},
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": reshare_disabled,
    }
    content = _content(media, multi_image, article)
    if content is not None:
        payload["content"] = content
    return payload


def _content(
    media: Mapping[str, str] | None,
    multi_image: Sequence[Mapping[str, str]] | None,
    article: Mapping[str, str] | None,
) -> dict[str, Any] | None:
    given = [name for name, value in (("media", media), ("multi_image", multi_image),
                                      ("article", article)) if value is not None]
    if len(given) > 1:
        raise ValueError(f"a post has at most one kind of content, got {' and '.join(given)}")
    if media is not None:
        item = _fields("media", media, MEDIA_KEYS, required=("id",))
        if item["id"].startswith("urn:li:document:") and not item.get("title"):
            raise ValueError("a document post needs media.title")
        return {"media": item}
    if multi_image is not None:
        low, high = MULTI_IMAGE_RANGE
        if not low <= len(multi_image) <= high:
            raise ValueError(f"multi_image takes {low} to {high} images, got {len(multi_image)}"
                             " (a single image goes in media)")
        images = [_fields("multi_image", i, IMAGE_KEYS, required=("id",)) for i in multi_image]
        return {"multiImage": {"images": images}}
    if article is not None:
        return {"article": _fields("article", article, ARTICLE_KEYS, required=("source", "title"))}
    return None


def _fields(
    name: str, given: Mapping[str, str], allowed: frozenset[str], required: Sequence[str],
) -> dict[str, str]:
    unknown = sorted(set(given) - allowed)
    if unknown:
        raise ValueError(f"{name} has unknown keys {unknown}; allowed: {sorted(allowed)}")
    missing = [key for key in required if not given.get(key)]
    if missing:
        raise ValueError(f"{name} needs {', '.join(missing)}")
    return {key: value for key, value in given.items() if value is not None}
