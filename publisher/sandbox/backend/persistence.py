"""The state as JSON: the dump ``GET /_sandbox/state`` shows, and the snapshot ``--state``
saves and restores (media bytes are not kept).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, fields
from typing import Any

from publisher.sandbox.backend.analytics import Analytics
from publisher.sandbox.backend.core import iso
from publisher.sandbox.backend.posts import duplicate_keys
from publisher.sandbox.backend.records import (
    JSON,
    App,
    AuthCode,
    Comment,
    ControlError,
    Media,
    Member,
    Organization,
    Post,
    RefreshGrant,
    Token,
)
from publisher.sandbox.backend.uploads import VIDEO_FILES


class Persistence(Analytics):
    def state_json(self) -> JSON:
        return {
            "seed": self.seed, "clock": self.clock_json(), "options": self.options.to_json(),
            "members": [asdict(m) for m in self.members.values()],
            "organizations": [asdict(o) for o in self.organizations.values()],
            "apps": [asdict(a) for a in self.apps.values()],
            "tokens": [{**asdict(t), "status": t.status(self.now())}
                       for t in self.tokens.values()],
            "posts": [self._post_state(p) for p in self.posts.values()],
            "media": [self._media_state(m) for m in self.media.values()],
            "comments": [{**asdict(c), "urn": c.urn}
                         for cs in self.comments.values() for c in cs],
            "requests": dict(sorted(self.requests.items())),
            "request_log": list(self.log),
            "daily_counters": dict(self.counters),
            "faults": self.faults.to_json(),
        }

    def _media_state(self, media: Media) -> JSON:
        state = {**asdict(media), "status": self._media_status(media)}
        for name in VIDEO_FILES:        # present only once the file arrived
            if state[name] is None:
                del state[name]
        return state

    def _post_state(self, post: Post) -> JSON:
        return {"urn": post.urn, "author": post.author, "commentary": post.commentary,
                "text": post.text, "cut_at": post.cut_at, "content": post.content,
                "content_kind": post.content_kind, "visibility": post.visibility,
                "lifecycleState": post.lifecycle_state, "edited": post.edited,
                "deleted": post.deleted, "created_at": iso(post.created_ms / 1000),
                "createdAt": post.created_ms, "lastModifiedAt": post.modified_ms,
                "deletedAt": post.deleted_ms, "client_id": post.client_id}

    def snapshot(self) -> JSON:
        """Everything needed to resume later (media bytes are not kept)."""
        version, internal, gauss = self.rng.getstate()
        return {
            "format": 1, "seed": self.seed, "activity": self.activity,
            "rng": [version, list(internal), gauss],
            "clock": {"offset": self.clock.offset, "frozen_at": self.clock.frozen_at},
            "options": self.options.to_json(),
            "members": [asdict(m) for m in self.members.values()],
            "organizations": [asdict(o) for o in self.organizations.values()],
            "apps": [asdict(a) for a in self.apps.values()],
            "tokens": [asdict(t) for t in self.tokens.values()],
            "refresh_grants": [asdict(g) for g in self.refresh_grants.values()],
            "codes": [asdict(c) for c in self.codes.values()],
            "posts": [asdict(p) for p in self.posts.values()],
            "media": [asdict(m) for m in self.media.values()],
            "comments": [asdict(c) for cs in self.comments.values() for c in cs],
            "counters": self.counters, "requests": self.requests,
        }

    def restore(self, snapshot: Mapping[str, Any]) -> None:
        if snapshot.get("format") != 1:
            raise ControlError("unknown sandbox state format")
        self.reset(int(snapshot["seed"]))
        version, internal, gauss = snapshot["rng"]
        self.rng.setstate((version, tuple(internal), gauss))
        self.activity = int(snapshot["activity"])
        self.clock.offset = float(snapshot["clock"]["offset"])
        self.clock.frozen_at = snapshot["clock"]["frozen_at"]
        self.options.update(snapshot["options"])
        self.members = {m["id"]: _record(Member, m) for m in snapshot["members"]}
        self.organizations = {o["id"]: _record(Organization, o) for o in snapshot["organizations"]}
        self.apps = {a["client_id"]: _record(App, a) for a in snapshot["apps"]}
        self.tokens = {t["value"]: _record(Token, t) for t in snapshot["tokens"]}
        self.refresh_grants = {g["value"]: _record(RefreshGrant, g)
                               for g in snapshot["refresh_grants"]}
        self.codes = {c["value"]: _record(AuthCode, c) for c in snapshot["codes"]}
        self.posts = {p["urn"]: _record(Post, p) for p in snapshot["posts"]}
        self.media = {m["urn"]: _record(Media, m) for m in snapshot["media"]}
        self.assets = {m.asset: m.urn for m in self.media.values()}
        self.comments = {}
        for data in snapshot["comments"]:
            comment = _record(Comment, data)
            self.comments.setdefault(comment.object, []).append(comment)
        self.counters = dict(snapshot["counters"])
        self.requests = dict(snapshot["requests"])
        self.duplicates = {}
        for post in sorted(self.posts.values(), key=lambda p: p.created_ms):
            self._index_duplicate(duplicate_keys(post.author, post.commentary, post.content),
                                  post.urn)


def _record(cls: Any, data: Mapping[str, Any]) -> Any:
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})

