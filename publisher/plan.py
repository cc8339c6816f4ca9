"""The plan: posts x ledger x now -> one Change per post. Pure: no I/O, no clock.

Like a terraform plan, the Plan is data; `publish --dry-run` prints it and `publish`
applies exactly it. Action meanings:

    create   not on LinkedIn yet and due (no schedule, or the schedule has come)
    update   published; only the text changed -> PARTIAL_UPDATE of the commentary
    replace  published; something LinkedIn cannot edit changed -> delete and re-post
             (only with --allow-replace; otherwise the change is blocked)
    delete   `status: deleted`, or the file is gone (only with --prune) -> delete the post
    move     the file of a published post moved (see identity.py): no call to LinkedIn,
             the ledger entry follows the file (any change above may carry `moved_from`)
    wait     scheduled later, held back by [limits], or waiting on publish_when
    expired  its not_after passed before it could be posted: it will not be posted
    skip     a draft
    blocked  invalid, uncommitted, failed before, its outcome is unknown, or LinkedIn no
             longer has it (gone): see reason
    noop     nothing to do (also: deleted from LinkedIn by publish, or found gone)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Literal, get_args

from publisher.errors import Diagnostic
from publisher.ledger import Entry, Ledger, Settled
from publisher.reshare import hold_reshares
from publisher.utc import format_utc

if TYPE_CHECKING:  # a plan with nothing to parse never loads the parser (nor identity)
    from publisher.identity import Identity
    from publisher.post import LoadedPost, Post
    from publisher.queue import Placed

Action = Literal[
    "create", "update", "replace", "delete", "move", "wait", "expired", "skip", "blocked",
    "noop",
]
ACTIONS: tuple[str, ...] = get_args(Action)
POSTING = ("create", "update", "replace", "delete")
UNCHANGED = "published; no change LinkedIn would show"  # the one noop without a hint
DELETED = "deleted from LinkedIn"  # how a pruned post reads, with its date: unchanged too


# Source and Change are values (nothing changes one once made), but not frozen: one of
# each is made per post on every plan, and a frozen dataclass takes four times as long to
# make. _with makes a changed copy.
@dataclass(slots=True)
class Source:
    """What the planner knows of one path: the file's blob, and the parsed post if read."""

    path: str
    blob: str | None  # None: the file no longer exists
    dirty: bool = False  # the post file has uncommitted changes
    loaded: LoadedPost | None = None  # None: not parsed (unchanged since published) or gone
    # The committed blob of each file the post sends (read posts only), and the files it
    # sends that have uncommitted changes (or that git does not track).
    media_blobs: dict[str, str] | None = None
    uncommitted_media: tuple[str, ...] = ()
    settled: Settled | None = None  # not read: published from this file, nothing to do
    renamed_to: str | None = None  # a file gone: where git saw it renamed to, if asked
    removed_urns: tuple[str, ...] = ()  # a new post: urn: lines git history removed
    stated_urn: str | None = None  # an invalid post: the urn: line it seems to have
    untracked: bool = False  # a new file git does not track yet
    slot: Placed | None = None  # a `schedule: queue` post: its slot (publisher.queue)

    @property
    def uncommitted(self) -> tuple[str, ...]:
        """The post file and the files it sends that are not committed as they are."""
        return ((self.path,) if self.dirty else ()) + self.uncommitted_media


@dataclass(frozen=True)
class PlanOptions:
    """The sync options that change what the plan decides."""

    allow_replace: bool = False
    prune: bool = False
    retry_failed: bool = False
    allow_dirty: bool = False
    per_author_per_day: int = 20


@dataclass(slots=True)  # a value, as Source
class Change:
    """What the plan does with one post, and why."""

    post: str
    action: Action
    reason: str
    author: str | None = None
    scheduled_for: datetime | None = None
    not_after: datetime | None = None
    urn: str | None = None
    diagnostics: tuple[Diagnostic, ...] = ()
    source: Post | None = field(default=None, compare=False, repr=False)
    blob: str | None = None
    media_blobs: dict[str, str] | None = field(default=None, compare=False, repr=False)
    moved_from: str | None = None  # the path the ledger had for this post
    queued: bool = False  # scheduled_for is the post's queue slot
    goes_out: datetime | None = None  # a waiting post: the workflow's first run (runs.py)

    @property
    def commentary(self) -> str | None:
        return self.source.commentary if self.source else None

    @property
    def length(self) -> int | None:
        return self.source.rendered.length if self.source else None

    def to_json(self) -> dict[str, object]:
        source = self.source
        rendered = source.rendered if source else None
        return {
            "post": self.post,
            "action": self.action,
            "reason": self.reason,
            "author": self.author,
            "scheduled_for": format_utc(self.scheduled_for) if self.scheduled_for else None,
            "not_after": format_utc(self.not_after) if self.not_after else None,
            "urn": self.urn,
            "kind": source.kind if source else None,
            "commentary": rendered.commentary if rendered else None,
            "length": rendered.length if rendered else None,
            "visible_length": rendered.visible_length if rendered else None,
            "fold": rendered.fold if rendered else None,
            "diagnostics": [d.to_json() for d in self.diagnostics] if self.diagnostics else [],
            "moved_from": self.moved_from,
            "queued": self.queued,
            "goes_out": format_utc(self.goes_out) if self.goes_out else None,
        }


@dataclass(frozen=True)
class Plan:
    """Every change of one plan, in the order a sync applies them."""

    now: datetime
    timezone: str
    changes: tuple[Change, ...]

    @property
    def summary(self) -> dict[str, int]:
        counts: Counter[str] = Counter(change.action for change in self.changes)
        return {action: counts[action] for action in ACTIONS}

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for c in self.changes for d in c.diagnostics)

    def to_json(self) -> dict[str, object]:
        return self.json_with([change.to_json() for change in self.changes])

    def json_with(self, changes: object) -> dict[str, object]:
        """to_json with `changes` in place of the changes' own JSON (planview encodes them)."""
        return {
            "version": 1,
            "now": format_utc(self.now),
            "timezone": self.timezone,
            "changes": changes,
            "summary": self.summary,
        }


def build_plan(
    sources: Iterable[Source],
    ledger: Ledger,
    now: datetime,
    timezone: str,
    options: PlanOptions = PlanOptions(),
) -> Plan:
    """Decide what to do with every post; the result is ordered as apply will run it."""
    now = now.astimezone(UTC)
    sources = list(sources)
    identity = _identity(sources, ledger)
    moved_away = set(identity.moved_from.values()) if identity else set()
    held = identity.held if identity else {}
    # A settled source needs no entry: the ledger makes its entries only if one is needed.
    changes = [
        _settled(source, source.settled) if source.settled
        else _held(source, ledger, held[source.path]) if source.path in held
        else _identified(source, ledger, identity, now, options) if identity
        else _decide(source, ledger.posts.get(source.path), now, options)
        for source in sources
        if source.path not in moved_away
    ]
    # By schedule (unscheduled: now), then path: two stable sorts, the second only when
    # something is scheduled, as a key function per change costs more than the rest of
    # a no-op plan.
    changes.sort(key=attrgetter("post"))
    if any(c.scheduled_for is not None for c in changes):
        changes.sort(key=lambda c: _order(c, now))
    if any(c.action == "create" for c in changes):
        # A reshare that waits for its parent takes no place in the day's limit: held
        # first; held again after, as a parent the limit holds holds its reshares too.
        changes = hold_reshares(changes, ledger, _with)
        changes = _apply_daily_limit(changes, ledger, now, options.per_author_per_day)
    changes = hold_reshares(changes, ledger, _with)
    return Plan(now=now, timezone=timezone, changes=tuple(changes))


def _identity(sources: list[Source], ledger: Ledger) -> Identity | None:
    """Moves, copies and twins (identity.py); asked only when a parsed post is not simply
    the published post of its own path, so an ordinary edit costs nothing more. None:
    nothing was asked, so nothing moved, is a copy or a twin, or is held."""
    parsed = {
        s.path: (s.loaded.post, s)
        for s in sources
        if s.loaded is not None and s.loaded.post is not None and s.blob is not None
    }
    removed = any(s.blob is None for s in sources)
    if not removed and all(_plainly_itself(path, post, ledger)
                           for path, (post, _) in parsed.items()):
        return None
    from publisher.identity import Candidate, identify

    candidates = {path: Candidate(post, s.blob, s.removed_urns)
                  for path, (post, s) in parsed.items()}
    existing = {s.path for s in sources if s.blob is not None}
    renames = {s.path: s.renamed_to for s in sources if s.renamed_to}
    identity = identify(candidates, existing, ledger, renames)
    if removed:
        _hold_for_invalid(identity, sources, ledger)
    return identity


def _hold_for_invalid(identity: Identity, sources: list[Source], ledger: Ledger) -> None:
    """A removed file whose urn an invalid file states may be that file, moved and broken
    on the way (a relative media path): its post is held, never pruned, until it is fixed."""
    stated = {s.stated_urn: s.path for s in sources if s.stated_urn}
    for source in sources:
        entry = ledger.posts.get(source.path) if source.blob is None else None
        if entry is not None and entry.urn in stated and source.path not in identity.held:
            identity.held[source.path] = [stated[entry.urn]]


def _plainly_itself(path: str, post: Post, ledger: Ledger) -> bool:
    entry = ledger.posts.get(path)
    return entry is not None and entry.state == "published" and entry.urn == post.urn


def _identified(
    source: Source, ledger: Ledger, identity: Identity, now: datetime, options: PlanOptions
) -> Change:
    """_decide, for the ledger entry this file carries on, and blocked by its identity
    problem if it has one."""
    old = identity.moved_from.get(source.path)
    change = _decide(source, ledger.posts.get(old or source.path), now, options)
    problem = identity.problems.get(source.path)
    if problem is not None:
        blocked = _with(change, "blocked", problem.message)
        blocked.diagnostics = (*change.diagnostics, problem)
        return blocked
    if old is None:
        return change
    return _moved(change, old, source, options)


def _held(source: Source, ledger: Ledger, claimants: list[str]) -> Change:
    """A removed file that other files claim to be (several copies of it, or one that
    the ledger tracks too, or an invalid one): nothing happens to its post meanwhile."""
    entry = ledger.posts[source.path]
    verb = "claims" if len(claimants) == 1 else "claim"
    return Change(source.path, "noop", f"file removed, but {' and '.join(claimants)} {verb} "
                  "to be its post: nothing is done to it", author=entry.author, urn=entry.urn)


def _moved(change: Change, old: str, source: Source, options: PlanOptions) -> Change:
    if source.uncommitted and not options.allow_dirty:
        # Not moved_from: the ledger follows a move only once git has it.
        return _with(change, "blocked", _not_committed(source, f"it was moved from {old}"))
    change.moved_from = old
    if change.action == "noop" and change.reason == UNCHANGED:
        return _with(change, "move", f"moved from {old}: the same LinkedIn post, nothing is sent")
    return _with(change, change.action, f"moved from {old}; {change.reason}")


def _order(change: Change, now: datetime) -> datetime:
    return change.scheduled_for or now


def _settled(source: Source, settled: Settled) -> Change:
    author, urn, _ = settled
    # By position (a third cheaper than by keyword: one per unchanged post on every plan):
    # post, action, reason, author, scheduled_for, not_after, urn, diagnostics, source, blob.
    return Change(source.path, "noop", UNCHANGED, author, None, None, urn, (), None,
                  source.blob)


def _decide(source: Source, entry: Entry | None, now: datetime, options: PlanOptions) -> Change:
    if source.blob is None:
        return _removed(source, entry, options)
    loaded = source.loaded
    assert loaded is not None, "a source is gone, settled or read"
    diagnostics = tuple(loaded.diagnostics)
    post = loaded.post
    if post is None:
        count = len(loaded.errors)
        return Change(
            source.path,
            "blocked",
            f"{count} error{'s' if count != 1 else ''} in the post: fix them to publish",
            diagnostics=diagnostics,
            blob=source.blob,
        )
    base = Change(
        source.path,
        "noop",
        "",
        author=post.author,
        scheduled_for=source.slot.at if source.slot and post.queued else post.schedule,
        not_after=post.not_after,
        urn=(entry.urn if entry else None) or post.urn,
        diagnostics=diagnostics,
        source=post,
        blob=source.blob,
        media_blobs=source.media_blobs,
        queued=post.queued,
    )
    return _for_post(base, post, source, entry, now, options)


def _with(change: Change, action: Action, reason: str) -> Change:
    """A copy of `change` with this action and reason. (dataclasses.replace makes the same
    copy at four times the cost, and a cold plan makes one per post held by the daily
    limit.)"""
    copied = Change(*_CHANGE_VALUES(change))
    copied.action, copied.reason = action, reason
    return copied


_CHANGE_VALUES = attrgetter(*(f.name for f in fields(Change)))  # in __init__'s order


def _removed(source: Source, entry: Entry | None, options: PlanOptions) -> Change:
    author = entry.author if entry else None
    urn = entry.urn if entry else None
    if entry is not None and entry.state == "deleted":
        return Change(source.path, "noop", _off_linkedin(entry), author=author, urn=urn)
    if entry is not None and entry.state == "gone":
        return Change(
            source.path, "blocked",
            f"file removed; {entry.last_error or f'LinkedIn answered 404 for {urn}'}: "
            f"check LinkedIn (delete it there if it is up), then run `publish resolve "
            f"{source.path} --gone`",
            author=author, urn=urn,
        )
    if entry is not None and entry.state in ("unknown", "pending"):
        return Change(
            source.path, "blocked",
            "file removed, but an earlier attempt may or may not have posted it: check "
            f"LinkedIn (delete it there if it is), then run `publish resolve {source.path} "
            "--not-published`", author=author, urn=urn,
        )
    if entry is None or entry.state != "published":
        return Change(
            source.path, "noop", "file removed; it was never published", author=author, urn=urn
        )
    if options.prune:
        return Change(
            source.path, "delete", "file removed: delete the LinkedIn post", author=author, urn=urn
        )
    return Change(
        source.path,
        "noop",
        "file removed; the LinkedIn post stays (run with --prune to delete it)",
        author=author,
        urn=urn,
    )


# A decision table: one early return per rule reads better than nested branches.
def _for_post(  # noqa: PLR0911
    base: Change,
    post: Post,
    source: Source,
    entry: Entry | None,
    now: datetime,
    options: PlanOptions,
) -> Change:
    if entry is not None and entry.state == "published":
        return _published(base, post, entry, source, options)
    if entry is not None and entry.state == "gone":
        return _gone(base, post, entry)
    if entry is not None and entry.state == "deleted" and post.status == "deleted":
        return _with(base, "noop", _off_linkedin(entry))
    if post.status == "draft":
        return _with(base, "skip", "draft: set status: ready (or remove status) to publish")
    if post.status == "deleted":
        return _with(base, "skip", "status: deleted, and it was never published")
    if post.urn and entry is None:
        return _with(
            base,
            "noop",
            f"has urn {post.urn} but the ledger does not know it: "
            f"run `publish adopt {post.path} --urn {post.urn}` to track it",
        )
    if entry is not None:
        held = _held_by_entry(base, entry, source, options)
        if held is not None:
            return held
    if source.uncommitted and not options.allow_dirty:
        return _with(base, "blocked", _not_committed(source, "only what is in git is published"))
    if post.queued and (entry is None or entry.state != "pending"):
        return _queued(base, now, source.slot)
    return _due(base, post, entry, now)


def _queued(base: Change, now: datetime, slot: Placed | None) -> Change:
    """A `schedule: queue` post: it waits for its slot, and once the slot has come it is
    due until it is posted (a slot that passed without a run is never skipped)."""
    if slot is None or slot.at is None:
        why = slot.problem if slot else "its author's queue was not worked out"
        return _with(base, "blocked", f"queued, but {why}")
    where = f"slot {slot.slot} ({format_utc(slot.at)})"
    caveat = f" ({slot.caveat})" if slot.caveat else ""
    if slot.at > now:
        return _with(base, "wait", f"queued for its {where}{caveat}")
    return _with(base, "create", f"queued; due since its {where}{caveat}")


def _off_linkedin(entry: Entry) -> str:
    """What a post that has left LinkedIn reads as: it was published, and is no more."""
    day = f" on {entry.since[:10]}" if entry.since else ""
    if entry.state == "deleted":
        return f"{DELETED}{day}"
    return f"LinkedIn no longer had it (404{day}); left off LinkedIn"


def _gone(base: Change, post: Post, entry: Entry) -> Change:
    if post.status == "deleted":
        return _with(base, "noop", _off_linkedin(entry))
    day = f" since {entry.since[:10]}" if entry.since else ""
    return _with(
        base,
        "blocked",
        f"LinkedIn no longer has {entry.urn} (404{day}): run `publish resolve {post.path} "
        "--gone` to post it again on the next sync, or set `status: deleted` to leave it off",
    )


def _not_committed(source: Source, why: str) -> str:
    """Why an uncommitted post waits, naming the files when they are not just the post."""
    files = source.uncommitted
    if files == (source.path,) and source.untracked:
        return f"is not committed yet: add and commit it ({why}) or pass --allow-dirty"
    if files == (source.path,):
        return f"has uncommitted changes: commit it first ({why}) or pass --allow-dirty"
    return (f"has uncommitted changes in {', '.join(files)}: commit them first ({why}) "
            "or pass --allow-dirty")


def _held_by_entry(
    base: Change, entry: Entry, source: Source, options: PlanOptions
) -> Change | None:
    changed = entry.source_blob != source.blob
    if entry.state == "unknown":
        return _with(
            base,
            "blocked",
            "an earlier attempt may or may not have posted: check LinkedIn, then run "
            f"`publish resolve {base.post} --urn URN` if it is there, or "
            f"`publish resolve {base.post} --not-published` if it is not",
        )
    if entry.state == "failed" and not changed and not options.retry_failed:
        return _with(
            base,
            "blocked",
            f"failed before ({entry.last_error}); edit the post or run with --retry-failed",
        )
    if entry.state == "expired" and not changed:
        return _with(base, "expired", "its not_after passed before it could be posted")
    return None


def _due(base: Change, post: Post, entry: Entry | None, now: datetime) -> Change:
    pending = entry is not None and entry.state == "pending"
    if pending:
        return _with(
            base,
            "create",
            "an earlier run was interrupted while posting: reconcile with LinkedIn before posting",
        )
    if post.schedule is not None and post.schedule > now:
        return _with(base, "wait", f"scheduled for {format_utc(post.schedule)}")
    # not_after keeps a post from going out late the first time; a post that was on
    # LinkedIn and whose replace failed (a ghost duplicate, say) is put back, not late.
    put_back = entry is not None and bool(entry.retired_urns)
    if post.not_after is not None and now > post.not_after and not put_back:
        return _with(
            base,
            "expired",
            f"not posted by its not_after ({format_utc(post.not_after)})"
            ": move the schedule to post it",
        )
    if post.publish_when_url:
        return _with(base, "create", f"due; posts once {post.publish_when_url} answers 2xx")
    if post.schedule is None:
        return _with(base, "create", "new post, no schedule: publish now")
    return _with(base, "create", f"due since {format_utc(post.schedule)}")


# A decision table, as _for_post.
def _published(  # noqa: PLR0911
    base: Change, post: Post, entry: Entry, source: Source, options: PlanOptions
) -> Change:
    if post.status == "deleted":
        # Unlike a removed file (a cleanup, a move, a bad merge), `status: deleted` says
        # this one post must go, in a change reviewed like any other: no --prune needed,
        # so merging the pull request that sets it is the approval, as for a create.
        if source.uncommitted and not options.allow_dirty:
            return _with(base, "blocked", _not_committed(source, "only what is in git is deleted"))
        return _with(base, "delete", "status: deleted: delete the LinkedIn post")
    content_changed = entry.content_hash is not None and entry.content_hash != post.content_hash
    text_changed = entry.commentary_hash != post.commentary_hash
    if content_changed:
        if source.uncommitted and not options.allow_dirty:
            return _with(base, "blocked", _not_committed(source, "media or settings changed"))
        if post.linkedin_content is not None:
            return _with(base, "blocked", (
                "the content of a post imported from LinkedIn (linkedin_content, author, "
                "visibility) cannot change: LinkedIn cannot edit it and the files are not in "
                "this repository to post again; revert it, or make a new post"))
        if options.allow_replace:
            return _with(
                base,
                "replace",
                "media, article, poll, reshared post, author or visibility changed, "
                "which LinkedIn cannot edit: delete and post again",
            )
        return _with(
            base,
            "blocked",
            "media, article, poll, reshared post, author or visibility changed after "
            "publishing; LinkedIn cannot edit those: revert, or run with "
            "--allow-replace to delete and post again (likes and comments are lost)",
        )
    if text_changed:
        if source.uncommitted and not options.allow_dirty:
            return _with(base, "blocked", _not_committed(source, "the text was edited"))
        return _with(base, "update", "text edited: update the commentary")
    comment = (entry.first_comment or {}).get("state")
    if post.first_comment and comment == "failed":
        return _with(base, "update", "the first comment failed before: post it again")
    if post.first_comment and comment in ("unknown", "pending"):
        return _with(base, "update", "the first comment may or may not have been posted: "
                     "look for it on LinkedIn, post it if it is not there")
    return _with(base, "noop", UNCHANGED)


def _apply_daily_limit(
    changes: list[Change], ledger: Ledger, now: datetime, limit: int
) -> list[Change]:
    """Hold creates beyond [limits].per_author_per_day for today (UTC) as `wait`.

    `changes` come in apply order; holding one back keeps its place.
    """
    today = now.date().isoformat()
    used = Counter(
        e.author
        for e in ledger.posts.values()
        if e.state == "published" and (e.published_at or "").startswith(today)
    )
    result = []
    for planned in changes:
        change = planned
        author = change.author
        if change.action == "create" and author:
            if used[author] >= limit:
                change = _with(
                    planned,
                    "wait",
                    f"{limit} posts today by this author "
                    "([limits].per_author_per_day): next run after 00:00 UTC",
                )
            else:
                used[author] += 1
        result.append(change)
    return result
