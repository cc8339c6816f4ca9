"""Social actions: comments made through the API, and the counts LinkedIn shows under a post
(socialActions, socialMetadata), which mix those comments with the synthetic figures of
``metrics``.
"""

from __future__ import annotations

from publisher.sandbox import errors
from publisher.sandbox.backend.posts import MAX_FINDER_COUNT, Posts
from publisher.sandbox.backend.records import JSON, Caller, Comment, Post, activity_urn
from publisher.sandbox.metrics import ZERO, PostMetrics, post_metrics
from publisher.sandbox.validation import MAX_COMMENT, check_commentary


class Social(Posts):
    comments: dict[str, list[Comment]]      # post URN -> its comments, oldest first

    def _reset_state(self) -> None:
        super()._reset_state()
        self.comments = {}

    # ---- comments

    def create_comment(self, caller: Caller, post_urn: str, body: object) -> JSON:
        if not caller.scopes & {"w_member_social", "w_organization_social"}:
            raise errors.access_denied("partnerApiComments.CREATE")
        self._live_post(post_urn)
        if not isinstance(body, dict):
            raise errors.invalid_json()
        actor = body.get("actor")
        if actor is None:
            raise errors.missing_field("/actor")
        if not isinstance(actor, str) or not self.may_write_as(caller, actor):
            raise errors.author_forbidden("/actor")
        if body.get("object", post_urn) not in (post_urn, activity_urn(post_urn)):
            raise errors.invalid_value("/object", body.get("object"))
        message = body.get("message")
        text = message.get("text") if isinstance(message, dict) else None
        check_commentary(text, present=text is not None, field="/message/text",
                         maximum=MAX_COMMENT)
        assert isinstance(text, str)
        parent = body.get("parentComment")
        comment = Comment(str(self._next_activity()), post_urn, actor, text, self.now_ms(),
                          parent if isinstance(parent, str) else None)
        self.comments.setdefault(post_urn, []).append(comment)
        self.touch()
        return self.comment_json(comment)

    def list_comments(self, caller: Caller, post_urn: str, start: int, count: int) -> JSON:
        post = self._live_post(post_urn)
        if not self.may_read_as(caller, post.author):
            raise errors.access_denied("partnerApiComments.GET_ALL")
        comments = self.comments.get(post_urn, [])
        count = min(count, MAX_FINDER_COUNT)
        return {"elements": [self.comment_json(c) for c in comments[start:start + count]],
                "paging": {"start": start, "count": count, "links": [],
                           "total": len(comments)}}

    def comment_json(self, comment: Comment) -> JSON:
        stamp = {"actor": comment.actor, "time": comment.created_ms}
        body: JSON = {"id": comment.id, "$URN": comment.urn, "commentUrn": comment.urn,
                      "actor": comment.actor, "object": comment.activity,
                      "message": {"text": comment.text}, "created": stamp,
                      "lastModified": stamp}
        if comment.parent:
            body["parentComment"] = comment.parent
        return body

    # ---- counts

    def metrics(self, post: Post, at_ms: int) -> PostMetrics:
        at_ms = min(at_ms, self.now_ms())
        if at_ms < post.created_ms:
            return ZERO
        api_comments = sum(1 for c in self.comments.get(post.urn, []) if c.created_ms <= at_ms)
        return post_metrics(self.seed, post.urn, post.created_ms, at_ms, api_comments)

    def _readable_post(self, caller: Caller, urn: str, resource: str) -> Post:
        self._need_any(caller, ("r_member_social", "r_organization_social"), resource)
        post = self._live_post(urn)
        if not self.may_read_as(caller, post.author):
            raise errors.access_denied(resource)
        return post

    def social_actions(self, caller: Caller, urn: str) -> JSON:
        post = self._readable_post(caller, urn, "partnerApiSocialActions.GET")
        figures = self.metrics(post, self.now_ms())
        top_level = sum(1 for c in self.comments.get(urn, []) if not c.parent)
        synthetic = figures.comments - len(self.comments.get(urn, []))
        return {"target": urn,
                "likesSummary": {"totalLikes": figures.total_reactions,
                                 "aggregatedTotalLikes": figures.total_reactions,
                                 "likedByCurrentUser": False},
                "commentsSummary": {"totalFirstLevelComments": synthetic + top_level,
                                    "aggregatedTotalComments": figures.comments}}

    def social_metadata(self, caller: Caller, urn: str) -> JSON:
        post = self._readable_post(caller, urn, "partnerApiSocialMetadata.GET")
        figures = self.metrics(post, self.now_ms())
        top_level = sum(1 for c in self.comments.get(urn, []) if not c.parent)
        synthetic = figures.comments - len(self.comments.get(urn, []))
        return {"entity": urn, "commentsState": "OPEN",
                "commentSummary": {"count": figures.comments,
                                   "topLevelCount": synthetic + top_level},
                "reactionSummaries": {name: {"reactionType": name, "count": count}
                                      for name, count in figures.reactions.items() if count}}

