"""What LinkedIn said about a create, made durable: the URN recorded and written into the
post file; or, when the answer was lost, the post found again (by author, or by a re-POST
LinkedIn refuses as a duplicate naming it) before anything is posted twice.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from publisher.apply_comments import CommentSteps, _comment_note
from publisher.apply_media import MEDIA_WAIT_SECONDS, MEDIA_WAIT_TRIES, MediaSteps
from publisher.apply_steps import (
    GONE_WAY_OUT,
    Outcome,
    Result,
    _short,
    normalize_commentary,
)
from publisher.gitops import blob_id
from publisher.ledger import Entry
from publisher.linkedin import errors as li
from publisher.plan import Change
from publisher.reshare import parent_urn
from publisher.utc import format_utc

if TYPE_CHECKING:  # a sync with nothing to send never loads the HTTP client
    from publisher.linkedin.client import LinkedInClient
    from publisher.post import Post

# A re-POST is a safe probe only while LinkedIn would still call it a duplicate of the
# first attempt. LinkedIn documents a 10-minute duplicate window; we use half of it.
REPOST_WINDOW = timedelta(minutes=5)
# How often and how long to wait when LinkedIn says the media is still processing.
FINDER_SCAN = 100


class RecordSteps(CommentSteps, MediaSteps):
    def _create_waiting_for_media(self, client: LinkedInClient, payload: dict[str, Any]) -> str:
        for attempt in range(MEDIA_WAIT_TRIES):
            try:
                return client.create_post(payload)
            except li.InvalidRequest as error:
                # A 400 means nothing was created, so asking again is safe.
                if (
                    "MEDIA_ASSET_WAITING_UPLOAD" not in _codes(error)
                    or attempt == MEDIA_WAIT_TRIES - 1
                ):
                    raise
                self.sleep(MEDIA_WAIT_SECONDS * (attempt + 1))
        raise AssertionError("unreachable")

    def _not_this_post(self, post: Post, client: LinkedInClient, urn: str) -> str:
        """Why the post a 422 names is not this one ("" when it is).

        LinkedIn's 422 names a post with "the same" content, and which fields it compares is
        undocumented: after a delete it can name the deleted post for a day or two (a ghost),
        and it can name another file's post with the same text. Recording either would make
        this post vanish while the ledger calls it published.
        """
        refused = f"LinkedIn refused this post as a duplicate of {urn}"
        other = self._ledger_holder(urn, post.path)
        if other is not None:
            return (f"{refused}, which is the post of {other}: two posts of one author cannot "
                    "have the same text; change the text of one of them. Nothing was posted")
        if self._deleted_here(urn):
            return _ghost(refused, "a post that publish deleted")
        try:
            stored = client.get_post(urn)
        except li.NotFound:
            return _ghost(refused, "which LinkedIn no longer has")
        except li.LinkedInError:
            return ""  # the token cannot read posts: the 422 is all there is to go on
        if stored.get("author") not in (None, post.author):
            return f"{refused}, a post of {stored.get('author')}. Nothing was posted"
        return ""

    def _ledger_holder(self, urn: str, path: str) -> str | None:
        """Another post file whose live post, in this ledger, is `urn`."""
        for other, entry in self.book.posts.items():
            if other != path and entry.urn == urn and entry.state != "deleted":
                return other
        return None

    def _deleted_here(self, urn: str) -> bool:
        return any(
            (entry.urn == urn and entry.state == "deleted") or urn in entry.retired_urns
            for entry in self.book.posts.values()
        )

    def _refused_as_duplicate(self, change: Change, entry: Entry, problem: str) -> Outcome:
        """A 422 created nothing: the post failed, and no URN is recorded for it."""
        self.book.set_state(change.post, "failed")
        entry.last_error = problem
        entry.intent_at = None
        self._save(change.post)
        return Outcome(change.post, change.action, "failed", problem)

    def _undo_intent(self, path: str, before: Entry | None, error: li.LinkedInError) -> None:
        """LinkedIn refused the create, so nothing exists: drop the intent, keep the reason."""
        if isinstance(
            error, (li.RateLimited, li.AuthenticationError, li.VersionRetired, li.TransportError)
        ):
            if before is None:
                self.book.forget(path)
            else:
                self.book.put(path, before)
        else:
            entry = self.book.set_state(path, "failed")
            entry.last_error = _short(error)
            entry.intent_at = None
        self._save(path)

    def _published(
        self,
        change: Change,
        post: Post,
        client: LinkedInClient,
        entry: Entry,
        urn: str,
        message: str,
        *,
        fresh: bool = True,
    ) -> Outcome:
        """Record `urn` as the post; `fresh` when our own create made it just now."""
        # The time LinkedIn answered (the create, or the check that found it), not the run's
        # clock: a rehearsal's --now must never become a post's published_at.
        now = client.answered_at or datetime.now(UTC)
        self.book.set_state(post.path, "published")
        entry.urn = urn
        entry.published_at = format_utc(now)
        entry.last_error = None
        entry.intent_at = None
        self._save(post.path)
        self._write_urn(post, entry, urn, now)
        try:
            problems = self._read_back(post, client, urn)
        except li.NotFound:
            return self._gone(change, urn, "reading it back")
        if post.first_comment:
            if not fresh and self._comment_exists(post, client, urn):
                entry.first_comment = {"state": "posted", "urn": None, "error": None}
                self._save(post.path)
            else:
                self._first_comment(post, client, entry, urn)
        result: Result = "replaced" if change.action == "replace" else "created"
        if problems:
            return Outcome(post.path, change.action, "failed", problems, urn)
        return Outcome(post.path, change.action, result, message + _comment_note(entry), urn)

    def _existing(
        self, change: Change, post: Post, client: LinkedInClient, entry: Entry, urn: str,
        why: str,
    ) -> Outcome:
        """Record a post LinkedIn already had (named by its 422, or found by the finder)."""
        return self._published(change, post, client, entry, urn, why, fresh=False)

    def _write_urn(self, post: Post, entry: Entry, urn: str, now: datetime) -> None:
        from publisher.writeback import WriteBackError, write_back

        path = self.config.root / post.path
        try:
            data = write_back(path, {"urn": urn, "published_at": format_utc(now)})
        except (WriteBackError, OSError) as error:
            # The post exists and the ledger knows it; only the file lacks the URN.
            entry.last_error = f"URN not written into the file: {error}"
        else:
            entry.source_blob = blob_id(data)
            self._touched(post.path)
        self._save(post.path)

    def _reconcile(
        self,
        change: Change,
        post: Post,
        client: LinkedInClient,
        entry: Entry,
    ) -> Outcome:
        """Settle a create whose outcome is unknown, without ever posting twice."""
        found = self._find_by_author(post, client, entry)
        if found is not None:
            why = "found on LinkedIn after an interrupted attempt"
            return self._existing(change, post, client, entry, found, why)
        if not _as_sent(post, entry):
            # A re-POST of other content is no probe: LinkedIn would post it as new.
            return self._unknown(post, entry, "the request may or may not have reached "
                                 "LinkedIn, and the post was edited since")
        if self._within_repost_window(entry):
            return self._repost_probe(change, post, client, entry)
        return self._unknown(post, entry, "the request may or may not have reached LinkedIn")

    def _repost_probe(
        self, change: Change, post: Post, client: LinkedInClient, entry: Entry
    ) -> Outcome:
        """Send the post again inside LinkedIn's duplicate window: a 422 names the post
        the earlier attempt made; a 201 means it had not landed."""
        media = self._upload_all(post, client)
        try:
            urn = self._create_waiting_for_media(client, self._payload(post, media))
        except li.DuplicatePost as duplicate:
            problem = self._not_this_post(post, client, duplicate.existing_urn)
            if problem:  # it names another post: whether ours landed is still unknown
                return self._unknown(post, entry, problem)
            why = "LinkedIn confirmed the earlier attempt had landed"
            return self._existing(change, post, client, entry, duplicate.existing_urn, why)
        except li.AmbiguousOutcome:
            return self._unknown(post, entry, "the request may or may not have reached LinkedIn")
        except li.LinkedInError as error:
            if isinstance(error, (li.RateLimited, li.AuthenticationError)):
                raise
            return self._unknown(post, entry, f"re-check failed: {_short(error)}")
        return self._published(
            change, post, client, entry, urn, "published (the earlier attempt had not landed)")

    def _within_repost_window(self, entry: Entry) -> bool:
        if not entry.intent_at:
            return False
        started = datetime.fromisoformat(entry.intent_at.replace("Z", "+00:00"))
        # An intent from the future (a clock that was ahead) is of unknown age: outside.
        return timedelta(0) <= self.clock() - started < REPOST_WINDOW

    def _find_by_author(self, post: Post, client: LinkedInClient, entry: Entry) -> str | None:
        """An organization's post with our text, if the token may read the page's posts."""
        from publisher.postmodel import is_organization  # with the post it is about

        if not is_organization(post.author):
            return None
        # The text that was sent: the file's, unless it was edited since the intent.
        wanted = normalize_commentary(post.commentary) if _as_sent(post, entry) else None
        # Reshares may share their words (or have none): one is told apart by its parent.
        parent = parent_urn(post, self.book)
        try:
            for index, element in enumerate(client.find_posts_by_author(post.author)):
                shown = str(element.get("commentary", ""))
                sent = entry.commentary_hash
                same_parent = (element.get("reshareContext") or {}).get("parent") == parent
                if same_parent and (normalize_commentary(shown) == wanted
                                    or _sent_hash(shown) == sent):
                    return str(element["id"])
                if index >= FINDER_SCAN:
                    break
        except (li.Forbidden, li.NotFound):
            return None
        except li.LinkedInError:
            return None
        return None

    def _unknown(self, post: Post, entry: Entry, why: str) -> Outcome:
        from publisher.postmodel import is_organization  # with the post it is about

        self.book.set_state(post.path, "unknown")
        entry.last_error = why
        self._save(post.path)
        where = (
            "the page's posts"
            if is_organization(post.author)
            else "your recent activity (linkedin.com/in/me/recent-activity/all/)"
        )
        message = (
            f"{why}: check {where} for this text, then run "
            f"`publish resolve {post.path} --urn URN` if it is there, or "
            f"`publish resolve {post.path} --not-published` if it is not"
        )
        return Outcome(post.path, "create", "unknown", message)

    def _gone(self, change: Change, urn: str, doing: str, way_out: str = GONE_WAY_OUT
               ) -> Outcome:
        """LinkedIn answered 404 for a post the ledger tracks: record it once as gone, so
        later runs hold it (and fail) without asking LinkedIn again."""
        entry = self.book.set_state(change.post, "gone", format_utc(self.clock()))
        entry.last_error = f"LinkedIn answered 404 for {urn} when {doing}"
        self._save(change.post)
        message = f"LinkedIn has no post {urn} (404 when {doing}): " + way_out.format(
            path=change.post)
        return Outcome(change.post, change.action, "gone", message, urn)


def _as_sent(post: Post, entry: Entry) -> bool:
    """The post as it is now is what the intent sent (text and content)."""
    return (entry.commentary_hash == post.commentary_hash
            and entry.content_hash in (None, post.content_hash))


def _codes(error: li.LinkedInError) -> str:
    return f"{getattr(error, 'code', '')} {error}"


def _ghost(refused: str, what: str) -> str:
    return (f"{refused}, {what}; LinkedIn keeps deleted posts in its duplicate check for a day "
            "or two. Nothing was posted: run `publish --retry-failed` later, or change the text")


def _sent_hash(shown: str) -> str:
    """The commentary_hash of the text we sent that LinkedIn shows as `shown`: what an
    intent keeps of what was sent (the file may say something else by now)."""
    import hashlib

    return "sha256:" + hashlib.sha256(normalize_commentary(shown).encode("utf-8")).hexdigest()
