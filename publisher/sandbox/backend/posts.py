"""Posts: create (with the duplicate window and little text), read, find, update, delete
(linkedin-api.md sections 5 and 6; the fidelity review on duplicates and little text).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from urllib.parse import quote

from publisher import littletext
from publisher.sandbox import errors
from publisher.sandbox.backend.records import JSON, Caller, Post
from publisher.sandbox.backend.uploads import Uploads
from publisher.sandbox.validation import PostInput, validate_patch, validate_post

MAX_FINDER_COUNT = 100


class Posts(Uploads):
    posts: dict[str, Post]                              # URN -> post, deleted ones kept
    duplicates: dict[tuple[str, str, str], str]         # duplicate key -> URN of the latest

    def _reset_state(self) -> None:
        super()._reset_state()
        self.posts = {}
        self.duplicates = {}

    # ---- posts

    def create_post(self, caller: Caller, body: object) -> str:
        if not caller.scopes & {"w_member_social", "w_organization_social"}:
            raise errors.access_denied("partnerApiPostsExternal.CREATE")
        post_input = validate_post(body)
        self._check_write_author(caller, post_input.author, "CREATE")
        for _, urn in post_input.media_refs:
            self._check_post_media(urn, post_input.author)
        parsed = littletext.parse(post_input.commentary)
        if parsed.cut_at is not None and self.options.strict_little_text:
            raise _little_text_error(parsed)
        keys = duplicate_keys(post_input.author, post_input.commentary, post_input.content)
        existing = self.duplicates.get(keys[self.options.duplicate_match])
        if existing is not None:
            age_ms = self.now_ms() - self.posts[existing].created_ms
            if age_ms < self.options.duplicate_window_seconds * 1000:
                raise errors.duplicate_post(existing)
        urn = self._store_post(caller, post_input, parsed)
        self._index_duplicate(keys, urn)
        return urn

    def _index_duplicate(self, keys: Mapping[str, tuple[str, str, str]], urn: str) -> None:
        # Deleted posts stay in the index: after a delete, LinkedIn can name the deleted post
        # in a 422 for the same text (a "ghost", ComposioHQ/composio#2710).
        for key in keys.values():
            self.duplicates[key] = urn

    def _store_post(self, caller: Caller, post_input: PostInput,
                    parsed: littletext.Parsed) -> str:
        kind = "ugcPost" if post_input.content_kind in self.options.ugc_post_content else "share"
        urn = f"urn:li:{kind}:{self._next_activity()}"
        now = self.now_ms()
        self.posts[urn] = Post(
            urn=urn, author=post_input.author, commentary=post_input.commentary,
            text=parsed.shown(), cut_at=parsed.cut_at, visibility=post_input.visibility,
            distribution=post_input.distribution, lifecycle_state=post_input.lifecycle_state,
            reshare_disabled=post_input.reshare_disabled, content=post_input.content,
            content_kind=post_input.content_kind, extras=post_input.extras, created_ms=now,
            modified_ms=now, client_id=caller.client_id)
        self.touch()
        return urn

    def _live_post(self, urn: str) -> Post:
        post = self.posts.get(urn)
        if post is None or post.deleted:
            raise errors.not_found()
        return post

    def get_post(self, caller: Caller, urn: str) -> JSON:
        self._need_any(caller, ("r_member_social", "r_organization_social"),
                       "partnerApiPostsExternal.GET")
        post = self._live_post(urn)
        if not self.may_read_as(caller, post.author):
            raise errors.access_denied("partnerApiPostsExternal.GET")
        return self.post_json(post)

    def batch_get_posts(self, caller: Caller, urns: list[str]) -> JSON:
        self._need_any(caller, ("r_member_social", "r_organization_social"),
                       "partnerApiPostsExternal.BATCH_GET")
        results: JSON = {}
        statuses: JSON = {}
        failures: JSON = {}
        for urn in urns:
            post = self.posts.get(urn)
            if post is None or post.deleted:
                statuses[urn] = 404
                failures[urn] = errors.not_found().body
            elif not self.may_read_as(caller, post.author):
                statuses[urn] = 403
                failures[urn] = errors.access_denied("partnerApiPostsExternal.BATCH_GET").body
            else:
                statuses[urn] = 200
                results[urn] = self.post_json(post)
        return {"results": results, "statuses": statuses, "errors": failures}

    def find_posts(self, caller: Caller, author: str, start: int, count: int,
                   sort_by: str) -> JSON:
        if not self.may_read_as(caller, author):
            raise errors.access_denied("partnerApiPostsExternal.FINDER-author")
        posts = [p for p in self.posts.values() if p.author == author and not p.deleted]
        if sort_by == "CREATED":
            posts.sort(key=lambda p: p.created_ms, reverse=True)
        else:
            posts.sort(key=lambda p: p.modified_ms, reverse=True)
        count = min(count, MAX_FINDER_COUNT)
        page = posts[start:start + count]
        paging: JSON = {"start": start, "count": count, "links": []}
        if start + count < len(posts):
            paging["links"].append({"rel": "next", "type": "application/json",
                                    "href": f"/rest/posts?q=author&author={quote(author, safe='')}"
                                            f"&start={start + count}&count={count}"})
        if self.options.finder_total:
            paging["total"] = len(posts)
        return {"elements": [self.post_json(p) for p in page], "paging": paging}

    def update_post(self, caller: Caller, urn: str, body: object) -> None:
        post = self._live_post(urn)
        self._check_write_author(caller, post.author, "PARTIAL_UPDATE")
        changes = validate_patch(body)
        if "commentary" in changes:
            parsed = littletext.parse(changes["commentary"])
            if parsed.cut_at is not None and self.options.strict_little_text:
                raise _little_text_error(parsed)
            post.commentary, post.text, post.cut_at = (changes["commentary"], parsed.shown(),
                                                       parsed.cut_at)
        for name in ("contentCallToActionLabel", "contentLandingPage", "adContext"):
            if name in changes:
                post.extras[name] = changes[name]
        if "lifecycleState" in changes:
            post.lifecycle_state = changes["lifecycleState"]
        post.edited = True
        post.modified_ms = self.now_ms()
        self.touch()

    def delete_post(self, caller: Caller, urn: str) -> None:
        post = self.posts.get(urn)
        if post is None:
            raise errors.not_found()
        if not self.may_write_as(caller, post.author):
            raise errors.access_denied("partnerApiPostsExternal.DELETE")
        if not post.deleted:
            post.deleted, post.deleted_ms = True, self.now_ms()
            self.touch()

    def post_json(self, post: Post) -> JSON:
        parsed = littletext.parse(post.commentary)
        commentary = parsed.read_form(
            with_cut_tail=self.options.commentary_on_read == "received")
        body: JSON = {
            "id": post.urn, "author": post.author, "commentary": commentary,
            "visibility": post.visibility, "distribution": post.distribution,
            "lifecycleState": post.lifecycle_state,
            "lifecycleStateInfo": {"isEditedByAuthor": post.edited},
            "isReshareDisabledByAuthor": post.reshare_disabled,
            "createdAt": post.created_ms, "publishedAt": post.created_ms,
            "lastModifiedAt": post.modified_ms,
        }
        if post.content is not None:
            body["content"] = post.content
        body.update(post.extras)
        return body


def duplicate_keys(author: str, commentary: str,
                    content: JSON | None) -> dict[str, tuple[str, str, str]]:
    """The index keys of a post under each `duplicate_match` rule (which fields LinkedIn
    compares is undocumented): "content" = author, text and content; "text" = author, text."""
    return {"content": (author, commentary, json.dumps(content, sort_keys=True)),
            "text": (author, commentary, "*")}


def _little_text_error(parsed: littletext.Parsed) -> errors.ApiError:
    error = errors.invalid_value("/commentary", parsed.commentary)
    detail = error.body["errorDetails"]["inputErrors"][0]
    detail["description"] = (f"Reserved character {parsed.cut_char!r} at index {parsed.cut_at} "
                             "must be escaped with a backslash")
    return error

