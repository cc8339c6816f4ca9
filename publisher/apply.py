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

`Applier` runs the plan; its steps live in modules of their own, stacked as mixins on
`apply_steps.Steps` (the state they share and the report): `apply_media` (uploads, the
payload, the read-back), `apply_comments` (first comments) and `apply_record` (recording
a URN, and finding a post again when LinkedIn's answer was lost).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from copy import deepcopy
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from publisher import ledger as ledger_io
from publisher.apply_record import RecordSteps
from publisher.apply_steps import (
    HELD,
    WRONG_URN_WAY_OUT,
    ClientFor,
    Outcome,
    Progress,
    Quiet,
    Report,
    UrlCheck,
    WriteAhead,
    _StopAuthorError,
    _StopRunError,
)
from publisher.config import Config
from publisher.errors import (
    EXIT_AUTH,
    EXIT_CONFIG,
    EXIT_DEFERRED,
    EXIT_FAILED,
    PublisherError,
    worse,
)
from publisher.gitops import blob_id
from publisher.ledger import Entry, Ledger
from publisher.linkedin import errors as li
from publisher.plan import Change, Plan
from publisher.reshare import waiting_for
from publisher.utc import format_utc

if TYPE_CHECKING:  # a sync with nothing to send loads neither the client nor the parser
    from publisher.linkedin.client import LinkedInClient
    from publisher.post import Post

# What callers import from here.
__all__ = ["EXIT_DEFERRED", "Applier", "ClientFor", "Outcome", "Progress", "Quiet", "Report"]

# How many intents one write-ahead commit holds at most, unless a tenth of the ledger is
# more (see Applier._write_ahead).
WRITE_AHEAD_BATCH = 25

class Applier(RecordSteps):
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
        waiting = waiting_for(post, self.book) if change.action != "update" else None
        if waiting is not None:  # its parent's create failed or was put off in this run
            return Outcome(post.path, change.action, "waiting", waiting)
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


    # --- 422 DUPLICATE_POST: is the post it names this post? -----------------------------









    # --- reconcile -----------------------------------------------------------------------






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
        from publisher.writeback import WriteBackError, retire_keys

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


    # --- first comment ---------------------------------------------------------------------







    # --- media ---------------------------------------------------------------------------






    # --- read-back -----------------------------------------------------------------------


    # --- bookkeeping ------------------------------------------------------------------------





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




def _retired_urns(before: Entry | None) -> list[str]:
    """The URNs a post had and publish deleted, carried from entry to entry."""
    if before is None:
        return []
    deleted = [before.urn] if before.state == "deleted" and before.urn else []
    return list(dict.fromkeys([*before.retired_urns, *deleted]))




def _batchable(change: Change, book: Ledger) -> bool:
    """A create whose intent may be written ahead: one that will be sent unless the run
    stops first (not one that waits for a URL, nor one to reconcile)."""
    post = change.source
    if change.action != "create" or post is None or post.publish_when_url:
        return False
    entry = book.posts.get(change.post)
    return entry is None or entry.state != "pending"








# The value is little text: it may hold escaped reserved characters, "\\}" among them.












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
