"""Run a Plan against LinkedIn: the exactly-once protocol of design.md section 7.
LinkedIn gives no idempotency key, so every create follows the same steps:

1. upload the media first, each file once per owner (cached by sha256 in the ledger), and
   wait until LinkedIn reports it AVAILABLE where the token may read it;
2. save a `pending` intent in the ledger before `POST /rest/posts`;
3. on 201, record the URN, write it into the post's front matter, save the ledger;
4. when the outcome is ambiguous (timeout, dropped connection, 5xx after sending), or a
   `pending` intent is found from an interrupted run, reconcile: find the post by author
   (organizations with a read scope), or re-post within the duplicate window and let
   LinkedIn's 422 DUPLICATE_POST name the existing URN; otherwise mark it `unknown`,
   which is never re-posted automatically (`publish resolve` settles it);
5. a 429 defers the rest of that author's posts; a 401 stops that author; a 426 stops
   the run and names the `[linkedin].version` to set.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, Protocol

from publisher import ledger as ledger_io
from publisher.config import Config
from publisher.errors import (
    EXIT_AUTH,
    EXIT_CONFIG,
    EXIT_DEFERRED,
    EXIT_FAILED,
    EXIT_OK,
    PublisherError,
    worse,
)
from publisher.gitops import blob_id
from publisher.ledger import Entry, Ledger, MediaRecord
from publisher.linkedin import errors as li
from publisher.linkedin.client import LinkedInClient, build_post_payload
from publisher.linkedin.media import media_kind
from publisher.plan import Change, Plan
from publisher.post import MediaFile, Post, is_organization
from publisher.utc import format_utc
from publisher.writeback import WriteBackError, retire_keys, write_back

# A re-POST is a safe probe only while LinkedIn would still call it a duplicate of the
# first attempt. LinkedIn documents a 10-minute duplicate window; we use half of it.
REPOST_WINDOW = timedelta(minutes=5)
# How often and how long to wait when LinkedIn says the media is still processing.
MEDIA_WAIT_TRIES = 6
MEDIA_WAIT_SECONDS = 2.0
# How long to wait for uploaded media to become AVAILABLE before a post uses it.
MEDIA_READY_WAIT = {"image": 120.0, "document": 120.0, "video": 900.0}
FINDER_SCAN = 100
# How many intents one write-ahead commit holds at most, unless a tenth of the ledger is
# more (see Applier._write_ahead).
WRITE_AHEAD_BATCH = 25

Result = Literal[
    "created",
    "updated",
    "replaced",
    "deleted",
    "moved",
    "waiting",
    "deferred",
    "failed",
    "unknown",
    "gone",
    "expired",
    "skipped",
]
# What to do about a post LinkedIn answered 404 for: after an update or a read-back, and
# after a delete (LinkedIn answers 204 to deleting a deleted post: the URN was wrong).
GONE_WAY_OUT = ("it was deleted on LinkedIn, or the URN is wrong. Run `publish resolve {path} "
                "--gone` to post it again on the next sync, or set `status: deleted` in the "
                "file to leave it off")
WRONG_URN_WAY_OUT = ("LinkedIn never had this URN, so the post may still be up: delete it "
                     "on LinkedIn by hand, then run `publish resolve {path} --gone`")
# Plan actions of posts that will not go out until a person acts: they fail the run.
HELD = ("blocked", "expired")


@dataclass(frozen=True)
class Outcome:
    post: str
    action: str
    result: Result
    message: str
    urn: str | None = None

    @property
    def url(self) -> str | None:
        return f"https://www.linkedin.com/feed/update/{self.urn}/" if self.urn else None


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # files changed, from the repo root
    stopped: str | None = None  # why the run ended early
    exit_code: int = EXIT_OK
    # Posts the plan holds back until a person acts (blocked, expired): why, what to do.
    held: list[Change] = field(default_factory=list)

    def count(self, result: Result) -> int:
        return sum(1 for o in self.outcomes if o.result == result)


class Progress(Protocol):
    def begin(self, index: int, total: int, change: Change) -> None: ...
    def upload(self, path: str, done: int, total: int) -> None: ...
    def finish(self, outcome: Outcome) -> None: ...


class Quiet:
    """A Progress that reports nothing."""

    def begin(self, index: int, total: int, change: Change) -> None:
        return None

    def upload(self, path: str, done: int, total: int) -> None:
        return None

    def finish(self, outcome: Outcome) -> None:
        return None


ClientFor = Callable[[str, str | None], LinkedInClient]  # (author URN, alias) -> client
# Makes the ledger as saved durable where the next run looks (commit and push); is told
# the posts whose intents it holds. Raises PublisherError when it cannot.
WriteAhead = Callable[[list[str]], None]
UrlCheck = Callable[[str], bool]


class _StopAuthorError(Exception):
    """Internal: stop posting for one author (rate limit or token)."""

    def __init__(self, result: Result, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.result: Result = result
        self.message = message
        self.exit_code = exit_code
        self.post: str | None = None  # the post whose request stopped the author
        self.names_author = False  # the message names the author (no token for it)


class _StopRunError(Exception):
    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class Applier:
    """Executes exactly the posting changes of a Plan, saving the ledger after each step."""

    def __init__(
        self,
        config: Config,
        book: Ledger,
        client_for: ClientFor,
        *,
        progress: Progress | None = None,
        url_ok: UrlCheck | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], None] = time.sleep,
        write_ahead: WriteAhead | None = None,
    ) -> None:
        self.config = config
        self.book = book
        self.client_for = client_for
        self.progress = progress or Quiet()
        self.url_ok = url_ok
        self.clock = clock
        self.sleep = sleep
        self.write_ahead = write_ahead
        self.report = Report()
        self.stopped_authors: dict[str, _StopAuthorError] = {}
        self.ready_media: set[str] = set()  # media URNs known AVAILABLE in this run
        self.answered: set[str] = set()  # authors for whom LinkedIn answered in this run
        self.journal = ledger_io.Journal(config.ledger_path, book)
        # Set (by a signal handler) to why the run must end: no new change is started.
        self.stop_requested: str | None = None
        # Posts whose intent was written ahead, with their entry before it; and those of
        # them whose create was sent. The others get their entry back at the end.
        self.ahead: dict[str, Entry | None] = {}
        self.sent: set[str] = set()
        self._queue: list[Change] = []

    # --- the run ---------------------------------------------------------------------

    def run(self, plan: Plan) -> Report:
        self._follow_moves(plan)
        for change in plan.changes:
            if change.action == "expired" and change.source is not None:
                self._expire(change, change.source)
        self.report.held = [c for c in plan.changes if c.action in HELD]
        work = [c for c in plan.changes if c.action in ("create", "update", "replace", "delete")]
        try:
            for index, change in enumerate(work, start=1):
                if self.stop_requested:
                    self.report.stopped = self.stop_requested
                    self.report.exit_code = worse(self.report.exit_code, EXIT_DEFERRED)
                    break
                self._queue = work[index:]
                self.progress.begin(index, len(work), change)
                for outcome in self._one(change):
                    self.report.outcomes.append(outcome)
                    self.progress.finish(outcome)
                if self.report.stopped:
                    break
        finally:
            self._take_back_unsent()
            self.journal.flush()
        self._set_exit_code(plan)
        return self.report

    def _follow_moves(self, plan: Plan) -> None:
        """Re-key the ledger entry of every moved post before anything is sent, so the
        post is never created again under its new name, whatever else happens."""
        for change in plan.changes:
            if change.moved_from is None:
                continue
            entry = self.book.rekey(change.moved_from, change.post)
            if change.action == "move":
                entry.source_blob = change.blob
                entry.media_blobs = dict(change.media_blobs or {})
                outcome = Outcome(change.post, "move", "moved",
                                  f"moved from {change.moved_from}", entry.urn)
                self.report.outcomes.append(outcome)
                self.progress.finish(outcome)
            self._save(change.moved_from)
            self._save(change.post)

    def flush(self) -> None:
        """Write the ledger file with every step so far (the journal folded into it)."""
        self.journal.flush()

    def _one(self, change: Change) -> list[Outcome]:
        """The outcome of a change, and of its first comment when that is left unknown."""
        outcome = self._outcome(change)
        entry = self.book.posts.get(change.post)
        if (outcome.result in ("created", "replaced", "updated") and entry is not None
                and self._comment_open(entry)):
            return [outcome, self._comment_unknown(change.post, outcome.urn)]
        return [outcome]

    def _outcome(self, change: Change) -> Outcome:
        author = change.author or ""
        if author in self.stopped_authors:
            stop = self.stopped_authors[author]
            return Outcome(change.post, change.action, stop.result,
                           _not_sent(change, stop.post or change.post, stop.message))
        try:
            try:
                return self._dispatch(change)
            except li.LinkedInError as error:
                halt = _stop_for(error)
                if halt is None:
                    raise
                raise halt from error
        except _StopAuthorError as stop:
            stop.post = change.post
            self.stopped_authors[author] = stop
            self.report.exit_code = worse(self.report.exit_code, stop.exit_code)
            named = f"{change.post}: {stop.message}" if stop.names_author else _naming(
                change, stop.message)
            return Outcome(change.post, change.action, stop.result, named)
        except _StopRunError as stop:
            self.report.stopped = stop.message
            self.report.exit_code = worse(self.report.exit_code, stop.exit_code)
            return Outcome(change.post, change.action, "failed", stop.message)
        except li.LinkedInError as error:
            return self._failed(change, _naming(change, str(error)))
        except PublisherError as error:
            return self._failed(change, str(error))

    def _dispatch(self, change: Change) -> Outcome:
        if change.action == "delete":
            return self._delete(change)
        post = change.source
        assert post is not None, "create, update and replace always carry the post"
        client = self._client(post.author, post.author_alias)
        if change.action == "update":
            return self._update(change, post, client)
        if change.action == "replace":
            return self._replace(change, post, client)
        return self._create(change, post, client)

    def _client(self, author: str, alias: str | None) -> LinkedInClient:
        try:
            return self.client_for(author, alias)
        except PublisherError as error:
            stop = _StopAuthorError("failed", str(error), getattr(error, "exit_code", EXIT_AUTH))
            stop.names_author = True
            raise stop from None

    def _set_exit_code(self, plan: Plan) -> None:
        # Every post that will not go out fails the run until a person settles it, so the
        # workflow's alert stays open: not only the run that found the problem.
        loud = any(self.report.count(r) for r in ("failed", "unknown", "gone"))
        if loud or self.report.held or plan.has_errors:
            self.report.exit_code = worse(self.report.exit_code, EXIT_FAILED)

    def _expire(self, change: Change, post: Post) -> None:
        """Record that the post expired, once: it stays so until its file changes."""
        before = self.book.posts.get(post.path)
        if before is not None and before.state == "expired":
            return
        self.book.put(post.path, Entry(
            author=post.author,
            state="expired",
            content_hash=post.content_hash,
            commentary_hash=post.commentary_hash,
            source_blob=change.blob,
            attempts=before.attempts if before else 0,
            since=format_utc(self.clock()),
            media_blobs=dict(change.media_blobs or {}),
        ))
        self._save(post.path)
        self.report.outcomes.append(Outcome(post.path, "expired", "expired", change.reason))

    # --- create ------------------------------------------------------------------------

    def _create(self, change: Change, post: Post, client: LinkedInClient) -> Outcome:
        if post.publish_when_url and self.url_ok and not self.url_ok(post.publish_when_url):
            return Outcome(
                post.path, "create", "waiting", f"waiting for {post.publish_when_url} to answer 2xx"
            )
        entry = self.book.posts.get(post.path)
        if entry is not None and entry.state == "pending" and post.path not in self.ahead:
            return self._reconcile(change, post, client, entry)
        if self._published_meanwhile(post.path):
            return self._skip_published(post.path)
        self._linkedin_answers(client, post.author, post.path)
        self._write_ahead(change)
        if self._published_meanwhile(post.path):
            return self._skip_published(post.path)
        media = self._upload_all(post, client)
        self._confirm_media_ready(client, media)
        payload = self._payload(post, media)
        if self.stop_requested:  # a signal during the uploads: they are kept, not sent
            self.report.stopped = self.stop_requested
            self.report.exit_code = worse(self.report.exit_code, EXIT_DEFERRED)
            return Outcome(post.path, "create", "deferred", self.stop_requested)
        before = self.ahead[post.path] if post.path in self.ahead else deepcopy(entry)
        entry = self._intent(change, post, before)
        self.sent.add(post.path)
        return self._post(change, post, client, entry, payload, before)

    # --- write-ahead ----------------------------------------------------------------------

    def _write_ahead(self, change: Change) -> None:
        """Before the first create of a batch, make the intents of the batch durable where
        the next run will look (a commit pushed to origin, through `write_ahead`).

        A run stopped at any point then leaves, on origin, a `pending` intent for every
        post it may have sent, and the next run, on any clone, reconciles them instead of
        posting again. A batch is this create and the next creates of the plan: a batch
        costs one commit and one push, and a run killed in it leaves the intents of the
        batch's unsent posts to reconcile too. So batches start at one post and double:
        never more unsent intents than posts sent. They stop growing at WRITE_AHEAD_BATCH
        or a tenth of the ledger's entries, whichever is more: a commit writes the whole
        ledger, so batches in proportion to it keep a first sync of thousands of posts
        linear in time.
        """
        if self.write_ahead is None or change.post in self.ahead:
            return
        most = max(WRITE_AHEAD_BATCH, len(self.book.posts) // 10)
        size = min(most, max(1, len(self.ahead)))
        batch = [change, *[c for c in self._queue if _batchable(c, self.book)]][:size]
        for planned in batch:
            post = planned.source
            assert post is not None
            before = deepcopy(self.book.posts.get(post.path))
            self.ahead[post.path] = before
            self._intent(planned, post, before)
        self.journal.flush()
        try:
            self.write_ahead([c.post for c in batch])
        except PublisherError as error:
            for planned in batch:
                self._take_back(planned.post)
            raise _StopRunError(
                f"the intents could not be made durable before posting ({error}); "
                "nothing more was posted", EXIT_FAILED) from None

    def _linkedin_answers(self, client: LinkedInClient, author: str, path: str) -> None:
        """Before intents are written ahead for an author: does LinkedIn answer at all?

        With LinkedIn down, or the token refused, the create would fail after its intent
        was committed and pushed, and a second commit would take the intent back: two
        commits of nothing on every scheduled run while it lasts. One read first, once per
        author and run, avoids both: any answer but a 5xx (a 403 included) means LinkedIn
        is there; a 401 stops the author as the create's would.
        """
        if self.write_ahead is None or author in self.answered or path in self.ahead:
            return
        try:
            client.userinfo()
        except li.AuthenticationError:
            raise
        except (li.ServerError, li.TransportError, li.AmbiguousOutcome) as error:
            raise _StopAuthorError(
                "deferred", f"LinkedIn did not answer ({error}); nothing was sent or "
                "committed: the next run tries again", EXIT_DEFERRED) from None
        except li.LinkedInError:
            pass  # LinkedIn answered: a member token without openid may not read userinfo
        self.answered.add(author)

    def _published_meanwhile(self, path: str) -> bool:
        """Another run published the post: its ledger came in with a write-ahead push."""
        entry = self.book.posts.get(path)
        return entry is not None and entry.state == "published"

    def _skip_published(self, path: str) -> Outcome:
        urn = self.book.posts[path].urn
        return Outcome(path, "create", "skipped", "published meanwhile by another run", urn)

    def _take_back(self, path: str) -> None:
        """Undo the intent written ahead for a post whose create was never sent."""
        before = self.ahead.pop(path)
        if self._published_meanwhile(path):
            return  # another run's entry took the intent's place: nothing to undo
        if before is None:
            self.book.forget(path)
        else:
            self.book.put(path, before)
        self._save(path)

    def _take_back_unsent(self) -> None:
        for path in [p for p in self.ahead if p not in self.sent]:
            self._take_back(path)

    def _intent(self, change: Change, post: Post, before: Entry | None) -> Entry:
        entry = Entry(
            author=post.author,
            state="pending",
            content_hash=post.content_hash,
            commentary_hash=post.commentary_hash,
            # The file as it was sent: a create LinkedIn refuses is tried again only when
            # the file changes from this, or with --retry-failed; and a file moved before
            # the outcome is known is found by it.
            source_blob=change.blob,
            attempts=(before.attempts if before else 0) + 1,
            media=before.media if before else {},
            intent_at=format_utc(self.clock()),
            media_blobs=dict(change.media_blobs or {}),
            retired_urns=_retired_urns(before),
        )
        self.book.put(post.path, entry)
        self._save(post.path)
        return entry

    def _post(
        self,
        change: Change,
        post: Post,
        client: LinkedInClient,
        entry: Entry,
        payload: dict[str, Any],
        before: Entry | None,
    ) -> Outcome:
        try:
            urn = self._create_waiting_for_media(client, payload)
        except li.DuplicatePost as duplicate:
            problem = self._not_this_post(post, client, duplicate.existing_urn)
            if problem:
                return self._refused_as_duplicate(change, entry, problem)
            why = "LinkedIn already had this post (an earlier attempt landed)"
            return self._existing(change, post, client, entry, duplicate.existing_urn, why)
        except li.AmbiguousOutcome:
            return self._reconcile(change, post, client, entry)
        except li.LinkedInError as error:
            self._undo_intent(post.path, before, error)
            raise
        return self._published(change, post, client, entry, urn, "published")

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

    # --- 422 DUPLICATE_POST: is the post it names this post? -----------------------------

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

    # --- reconcile -----------------------------------------------------------------------

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
        if not is_organization(post.author):
            return None
        # The text that was sent: the file's, unless it was edited since the intent.
        wanted = normalize_commentary(post.commentary) if _as_sent(post, entry) else None
        try:
            for index, element in enumerate(client.find_posts_by_author(post.author)):
                shown = str(element.get("commentary", ""))
                sent = entry.commentary_hash
                if normalize_commentary(shown) == wanted or _sent_hash(shown) == sent:
                    return str(element["id"])
                if index >= FINDER_SCAN:
                    break
        except (li.Forbidden, li.NotFound):
            return None
        except li.LinkedInError:
            return None
        return None

    def _unknown(self, post: Post, entry: Entry, why: str) -> Outcome:
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

    # --- update, replace, delete ----------------------------------------------------------

    def _update(self, change: Change, post: Post, client: LinkedInClient) -> Outcome:
        entry = self.book.posts[post.path]
        assert entry.urn is not None
        edited = entry.commentary_hash != post.commentary_hash
        if edited:
            try:
                client.update_post(entry.urn, commentary=post.commentary)
            except li.NotFound:
                return self._gone(change, entry.urn, "updating it")
            entry.commentary_hash = post.commentary_hash
        entry.source_blob = change.blob
        entry.media_blobs = dict(change.media_blobs or {})
        entry.last_error = None
        self._save(post.path)
        if post.first_comment and self._comment_failed(entry):
            self._first_comment(post, client, entry, entry.urn)
        elif post.first_comment and self._comment_open(entry):
            self._settle_comment(post, client, entry, entry.urn)
        try:
            problems = self._read_back(post, client, entry.urn)
        except li.NotFound:
            return self._gone(change, entry.urn, "reading it back")
        if problems:
            return Outcome(post.path, "update", "failed", problems, entry.urn)
        done = "text updated" if edited else "first comment checked"
        return Outcome(post.path, "update", "updated", done, entry.urn)

    def _replace(self, change: Change, post: Post, client: LinkedInClient) -> Outcome:
        entry = self.book.posts[post.path]
        if entry.urn:
            self._delete_remote(client, entry.urn)
        self.book.set_state(post.path, "deleted", format_utc(self.clock()))
        self._save(post.path)
        return self._create(change, post, client)

    def _delete(self, change: Change) -> Outcome:
        entry = self.book.posts[change.post]
        alias = self.config.author_alias(entry.author)
        client = self._client(entry.author, alias)
        if entry.urn:
            try:
                client.delete_post(entry.urn)
            except li.NotFound:
                # LinkedIn answers 204 to a delete of a post already deleted: a 404 means
                # it never had this URN, so the real post may still be up.
                return self._gone(change, entry.urn, "deleting it", WRONG_URN_WAY_OUT)
        self.book.set_state(change.post, "deleted", format_utc(self.clock()))
        self._save(change.post)
        message = "deleted from LinkedIn" + self._retire_urn(change.post, entry)
        return Outcome(change.post, "delete", "deleted", message, entry.urn)

    def _delete_remote(self, client: LinkedInClient, urn: str) -> None:
        # Before a replace: a post LinkedIn does not have is one less to delete.
        with contextlib.suppress(li.NotFound):
            client.delete_post(urn)

    def _retire_urn(self, path: str, entry: Entry) -> str:
        """In a file that stays (`status: deleted`), turn `urn:` into a comment that says
        when the post was deleted, so the file no longer looks live; "" or why not."""
        target = self.config.root / path
        if not entry.urn or not target.is_file():
            return ""
        note = f"deleted from LinkedIn on {(entry.since or '')[:10]}"
        try:
            data = retire_keys(target, note)
        except (WriteBackError, OSError) as error:
            entry.last_error = f"urn: not retired in the file: {error}"
            self._save(path)
            return f"; {entry.last_error}"
        entry.source_blob = blob_id(data)
        self._touched(path)
        self._save(path)
        return ""

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

    # --- first comment ---------------------------------------------------------------------

    @staticmethod
    def _comment_failed(entry: Entry) -> bool:
        return bool(entry.first_comment) and (entry.first_comment or {}).get("state") == "failed"

    def _first_comment(self, post: Post, client: LinkedInClient, entry: Entry, urn: str) -> None:
        """Post the first comment; a failure is recorded and retried, the post stands."""
        assert post.first_comment is not None
        entry.first_comment = {"state": "pending", "urn": None, "error": None}
        self._save(post.path)
        try:
            comment = client.create_comment(urn, post.author, post.first_comment)
        except li.AmbiguousOutcome as error:
            # It may exist: never post a second copy automatically.
            entry.first_comment = {"state": "unknown", "urn": None, "error": _short(error)}
        except li.LinkedInError as error:
            entry.first_comment = {"state": "failed", "urn": None, "error": _short(error)}
        else:
            entry.first_comment = {"state": "posted", "urn": comment, "error": None}
        self._save(post.path)

    @staticmethod
    def _comment_open(entry: Entry) -> bool:
        return (entry.first_comment or {}).get("state") in ("unknown", "pending")

    def _settle_comment(self, post: Post, client: LinkedInClient, entry: Entry,
                        urn: str) -> None:
        """A first comment sent with no answer: read the post's comments; there, it is
        posted; readable and not there, post it; unreadable, it stays unknown."""
        try:
            comments = client.list_comments(urn)
        except li.LinkedInError:
            return  # the token cannot read them (a member's): a person has to look
        found = [c for c in comments if c.get("actor") == post.author
                 and (c.get("message") or {}).get("text") == post.first_comment]
        if found:
            entry.first_comment = {"state": "posted", "urn": _comment_urn(found[0]),
                                   "error": None}
            self._save(post.path)
            return
        self._first_comment(post, client, entry, urn)

    def _comment_unknown(self, path: str, urn: str | None) -> Outcome:
        comment = self.book.posts[path].first_comment or {}
        why = comment.get("error") or "no answer"
        message = (
            f"the first comment may or may not have been posted ({why}): look under the "
            f"post{f' {urn}' if urn else ''}; run `publish resolve {path} --urn COMMENT_URN` "
            f"if it is there, or `publish resolve {path} --not-published` to post it on "
            "the next sync"
        )
        return Outcome(path, "comment", "unknown", message, urn)

    @staticmethod
    def _comment_exists(post: Post, client: LinkedInClient, urn: str) -> bool:
        """On a post we did not just create (another run or an earlier attempt made it),
        is our first comment already there? Unreadable: assume not, and post it."""
        try:
            comments = client.list_comments(urn)
        except li.LinkedInError:
            return False
        return any(
            c.get("actor") == post.author
            and (c.get("message") or {}).get("text") == post.first_comment
            for c in comments
        )

    # --- media ---------------------------------------------------------------------------

    def _upload_all(self, post: Post, client: LinkedInClient) -> dict[str, str]:
        """Media URNs by file path, uploading only what this owner does not have yet."""
        urns: dict[str, str] = {}
        for media in post.media:
            urns[media.path] = self._upload(post, media, client)
        return urns

    def _upload(self, post: Post, media: MediaFile, client: LinkedInClient) -> str:
        cache = self.book.uploads.setdefault(post.author, {})
        key = media.upload_key
        urn = cache.get(key)
        if urn is None:
            path = self.config.root / media.path
            urn = self._send_media(client, post.author, media, path)
            cache[key] = urn
            self.journal.upload(post.author, key, urn)
        entry = self.book.posts.get(post.path)
        if entry is not None:
            entry.media[media.path] = MediaRecord(sha256=key, urn=urn)
        self._save(post.path)
        return urn

    def _confirm_media_ready(self, client: LinkedInClient, media: dict[str, str]) -> None:
        """Wait, bounded, until LinkedIn reports each file the post uses AVAILABLE.

        A post created while its media is still processing can be refused or, worse,
        accepted and never shown. A token that may not read media (403: a member token
        has no r_member_social) cannot ask: then the create itself is retried while
        LinkedIn answers MEDIA_ASSET_WAITING_UPLOAD (_create_waiting_for_media).
        """
        for urn in dict.fromkeys(media.values()):
            if urn in self.ready_media:
                continue
            try:
                client.wait_until_available(urn, max_wait=MEDIA_READY_WAIT[media_kind(urn)])
            except li.Forbidden:
                return  # one token for all of them: the others are unreadable too
            self.ready_media.add(urn)

    def _send_media(self, client: LinkedInClient, owner: str, media: MediaFile, path: Path) -> str:
        def progress(done: int, total: int) -> None:
            self.progress.upload(media.path, done, total)

        content_type = media.info.content_type
        if media.kind == "image":
            return client.upload_image(owner, path, content_type=content_type, progress=progress)
        if media.kind == "document":
            return client.upload_document(owner, path, content_type=content_type, progress=progress)
        extras = {f.kind: self.config.root / f.path for f in media.extras}
        urn = client.upload_video(owner, path, progress=progress,
                                  thumbnail=extras.get("image"), captions=extras.get("captions"))
        self.ready_media.add(urn)  # the upload waited until AVAILABLE, where it could read
        return urn

    def _payload(self, post: Post, media: dict[str, str]) -> dict[str, Any]:
        kwargs: dict[str, Any] = {}
        if post.kind == "image":
            image = post.images[0]
            kwargs["media"] = _media_item(media[image.path], alt=image.alt)
        elif post.kind == "multi_image":
            kwargs["multi_image"] = [_media_item(media[i.path], alt=i.alt) for i in post.images]
        elif post.video is not None:
            kwargs["media"] = _media_item(media[post.video.path], title=post.video.title)
        elif post.document is not None:
            kwargs["media"] = _media_item(media[post.document.path], title=post.document.title)
        elif post.article is not None:
            kwargs["article"] = _article(post, media)
        return build_post_payload(
            post.author,
            post.commentary,
            post.visibility,
            reshare_disabled=not post.reshare,
            **kwargs,
        )

    # --- read-back -----------------------------------------------------------------------

    def _read_back(self, post: Post, client: LinkedInClient, urn: str) -> str:
        """For pages we may read: check LinkedIn shows the text we sent; "" when fine.
        Raises NotFound when LinkedIn has no such post."""
        if not is_organization(post.author):
            return ""
        try:
            stored = client.get_post(urn)
        except li.NotFound:
            raise  # LinkedIn does not have it: the caller records the post as gone
        except li.LinkedInError:
            return ""  # no read scope, or not readable yet: nothing to compare
        shown = normalize_commentary(str(stored.get("commentary", "")))
        if shown == normalize_commentary(post.commentary):
            return ""
        return (
            f"LinkedIn shows a different text than was sent ({len(shown)} of "
            f"{len(post.commentary)} characters): it may have cut the post; check {urn}"
        )

    # --- bookkeeping ------------------------------------------------------------------------

    def _save(self, post: str) -> None:
        """Make the entry of `post` durable before the next step (a journal record)."""
        self.journal.post(post)
        self._touched(self.config.ledger)

    def _touched(self, path: str) -> None:
        if path not in self.report.written:
            self.report.written.append(path)

    def _failed(self, change: Change, message: str) -> Outcome:
        return Outcome(change.post, change.action, "failed", message)


def _requester(change: Change) -> str:
    """Who sent a change's requests: the post file and its author (alias and URN)."""
    alias = change.source.author_alias if change.source else None
    author = change.author or "its author"
    who = f"{alias} ({author})" if alias else author
    return f"{change.post}, as {who}"


def _naming(change: Change, message: str) -> str:
    """An error of LinkedIn's on one post, naming that request: with many posts of many
    authors in one run, the call alone (`POST /rest/images`) does not say whose it was."""
    return f"{_requester(change)}: {message}"


def _not_sent(change: Change, stopped_at: str, message: str) -> str:
    """Why a post of an author stopped earlier in the run was not sent: the error is
    the earlier post's request, so it says so rather than passing as this post's."""
    return f"{_requester(change)}: not sent, the author was stopped at {stopped_at}: {message}"


def _ghost(refused: str, what: str) -> str:
    return (f"{refused}, {what}; LinkedIn keeps deleted posts in its duplicate check for a day "
            "or two. Nothing was posted: run `publish --retry-failed` later, or change the text")


def _retired_urns(before: Entry | None) -> list[str]:
    """The URNs a post had and publish deleted, carried from entry to entry."""
    if before is None:
        return []
    deleted = [before.urn] if before.state == "deleted" and before.urn else []
    return list(dict.fromkeys([*before.retired_urns, *deleted]))


def _comment_urn(comment: dict[str, Any]) -> str | None:
    found = comment.get("$URN") or comment.get("commentUrn") or comment.get("id")
    return str(found) if found else None


def _batchable(change: Change, book: Ledger) -> bool:
    """A create whose intent may be written ahead: one that will be sent unless the run
    stops first (not one that waits for a URL, nor one to reconcile)."""
    post = change.source
    if change.action != "create" or post is None or post.publish_when_url:
        return False
    entry = book.posts.get(change.post)
    return entry is None or entry.state != "pending"


def _comment_note(entry: Entry) -> str:
    """What became of the post's first comment, for the line that reports the post."""
    state = (entry.first_comment or {}).get("state")
    if state is None:
        return ""
    error = (entry.first_comment or {}).get("error")
    return f"; first comment {state}" + (f" ({error})" if error else "")


def _media_item(urn: str, alt: str | None = None, title: str | None = None) -> dict[str, str]:
    item = {"id": urn}
    if alt:
        item["altText"] = alt
    if title:
        item["title"] = title
    return item


def _article(post: Post, media: dict[str, str]) -> dict[str, str]:
    article = post.article
    assert article is not None
    card = {"source": article.url, "title": article.title}
    if article.description:
        card["description"] = article.description
    if article.thumbnail:
        card["thumbnail"] = media[article.thumbnail.path]
    return card


# The value is little text: it may hold escaped reserved characters, "\\}" among them.
HASHTAG_TEMPLATE = re.compile(r"\{hashtag\|\\?[#＃]\|((?:\\.|[^}\\])*)\}")


def normalize_commentary(text: str) -> str:
    """LinkedIn returns hashtags as `{hashtag|\\#|tag}`; compare them as `#tag`."""
    return HASHTAG_TEMPLATE.sub(lambda m: "#" + m.group(1), text).strip()


def _sent_hash(shown: str) -> str:
    """The commentary_hash of the text we sent that LinkedIn shows as `shown`: what an
    intent keeps of what was sent (the file may say something else by now)."""
    import hashlib

    return "sha256:" + hashlib.sha256(normalize_commentary(shown).encode("utf-8")).hexdigest()


def _as_sent(post: Post, entry: Entry) -> bool:
    """The post as it is now is what the intent sent (text and content)."""
    return (entry.commentary_hash == post.commentary_hash
            and entry.content_hash in (None, post.content_hash))


def _codes(error: li.LinkedInError) -> str:
    return f"{getattr(error, 'code', '')} {error}"


def _short(error: Exception) -> str:
    return str(error).split("\n")[0][:300]


def _stop_for(error: li.LinkedInError) -> _StopAuthorError | _StopRunError | None:
    """Errors that end an author's run (429, 401) or the whole run (426)."""
    if isinstance(error, li.VersionRetired):
        return _StopRunError(str(error), EXIT_CONFIG)
    if isinstance(error, li.RateLimited):
        message = f"rate limited ({error}); run again later"
        return _StopAuthorError("deferred", message, EXIT_DEFERRED)
    if isinstance(error, li.AuthenticationError):
        return _StopAuthorError("failed", str(error), EXIT_AUTH)
    return None
