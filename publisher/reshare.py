"""Reshares: a post whose `reshare_of:` names the post it shares, by URN or by post file.

A parent named by its file is known by the URN the ledger records once that post is
published. Until then the reshare waits, and the plan says for what. When the parent is
created (or replaced) in the same run, the reshare goes out later in that run: the plan
puts it after its parent, and apply takes the parent's URN from the ledger when it sends
the reshare (a parent whose create failed leaves the reshare waiting for the next run).

`hold_reshares` is the plan's rule, `parent_urn` and `waiting_for` are apply's, and
`reshare_problems` is what `publish check` reports of a parent that will never be
published. Pure: values in, values out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from publisher.errors import Diagnostic, Severity
from publisher.ledger import Entry, Ledger

if TYPE_CHECKING:
    from publisher.post import Post

SENDING = ("create", "replace")  # the actions that post a new post
GONE_STATES = ("deleted", "gone")


def by_file(post: Post) -> str | None:
    """The path of the post file this post reshares, or None (not a reshare, or by URN)."""
    parent = post.reshare_of
    return parent if parent and not parent.startswith("urn:") else None


def parent_urn(post: Post, ledger: Ledger) -> str | None:
    """The URN to send as reshareContext.parent: as written, or the parent file's post."""
    if post.reshare_of is None:
        return None
    path = by_file(post)
    if path is None:
        return post.reshare_of
    entry = ledger.posts.get(path)
    return entry.urn if entry is not None and entry.state == "published" else None


def waiting_for(post: Post, ledger: Ledger) -> str | None:
    """Why a reshare cannot be sent yet (its parent file's post is not published), or None."""
    path = by_file(post)
    if path is None or parent_urn(post, ledger) is not None:
        return None
    return f"waits for {path}, which is not published yet: the next sync posts it after it"


# ----------------------------------------------------------------------------- the plan


class Planned(Protocol):
    """What the plan's rule reads of a plan.Change (plan imports this module, so this
    module names no type of plan's)."""

    @property
    def post(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def source(self) -> Post | None: ...


C = TypeVar("C", bound=Planned)
Verdict = tuple[str, str]  # (action, reason) for a reshare the rule holds or moves


def hold_reshares(changes: list[C], ledger: Ledger, retag: Callable[[C, Any, str], C]
                  ) -> list[C]:
    """The changes, with each reshare whose parent is not on LinkedIn held back (wait, or
    blocked when the parent will never be), or placed after its parent's create.
    `retag(change, action, reason)` makes the changed copy of a change."""
    if not any(c.action in SENDING and c.source and c.source.reshare_of for c in changes):
        return changes
    plan = {c.post: c for c in changes}
    position = {c.post: i for i, c in enumerate(changes)}
    decided: dict[str, C] = {}
    follows: dict[str, list[str]] = {}  # parent path -> reshares moved after it
    for change in changes:
        verdict = _verdict(change, plan, ledger)
        if verdict is None:
            continue
        decided[change.post] = retag(change, *verdict)
        parent = by_file(change.source) if change.source else None
        sent = plan.get(parent) if parent else None
        if (parent and verdict[0] in SENDING and sent is not None and sent.action in SENDING
                and position[parent] > position[change.post]):
            follows.setdefault(parent, []).append(change.post)
    moved = {path for paths in follows.values() for path in paths}
    ordered: list[C] = []

    def place(change: C) -> None:
        ordered.append(decided.get(change.post, change))
        for path in follows.get(change.post, ()):
            place(plan[path])

    for change in changes:
        if change.post not in moved:
            place(change)
    return ordered


def _verdict(change: Planned, plan: Mapping[str, Planned], ledger: Ledger) -> Verdict | None:
    """What becomes of one change: None when it is no reshare about to be sent, or one
    left pending by an interrupted run (it may be on LinkedIn: it is settled first)."""
    post = change.source
    if change.action not in SENDING or post is None or not post.reshare_of:
        return None
    entry = ledger.posts.get(change.post)
    if entry is not None and entry.state == "pending":
        return None
    parent = by_file(post)
    if parent is None:
        return _deleted_urn(post.reshare_of, ledger)
    return _decide(change, parent, plan.get(parent), ledger)


def _deleted_urn(urn: str, ledger: Ledger) -> Verdict | None:
    """A reshare of a URN that publish deleted from LinkedIn: LinkedIn would refuse it."""
    for path, entry in ledger.posts.items():
        if urn in entry.retired_urns or (entry.state == "deleted" and entry.urn == urn):
            return "blocked", (f"it reshares {urn}, the post of {path} that publish deleted "
                               "from LinkedIn: a reshare of it would be refused; remove "
                               "reshare_of, or the reshare")
    return None


def _decide(change: Planned, parent: str, planned: Planned | None, ledger: Ledger
            ) -> Verdict | None:
    entry = ledger.posts.get(parent)
    refused = _not_resharable(change.source, planned.source if planned else None, parent)
    if refused:
        return "blocked", refused
    if planned is not None and planned.action in SENDING:
        parent_post = planned.source
        if parent_post is not None and parent_post.reshare_of == change.post:
            return "blocked", (f"it and its parent {parent} reshare each other: remove "
                               "reshare_of from one of them")
        return change.action, f"{change.reason}; after its parent {parent} is posted in this run"
    if planned is not None and planned.action == "delete":
        return "blocked", (f"its parent {parent} is deleted in this run: a reshare of it "
                           "would be refused; remove reshare_of or the reshare")
    if entry is not None and entry.state == "published" and entry.urn:
        return None
    return _not_yet(parent, planned, entry)


def _not_yet(parent: str, planned: Planned | None, entry: Entry | None) -> Verdict:
    """A reshare whose parent is not on LinkedIn and is not posted in this run."""
    if entry is not None and entry.state in GONE_STATES and (
            planned is None or planned.action not in ("wait", "blocked")):
        return "blocked", (f"its parent {parent} {_gone(entry)}: a reshare of it would be "
                           "refused; remove reshare_of, or the reshare")
    if planned is None and entry is None:
        return "blocked", (f"reshare_of: {parent} is no post file, and the ledger has no "
                           "post of that path: fix the path")
    if planned is None:
        return "blocked", (f"the file of its parent {parent} is removed, and its post is "
                           f"{entry.state if entry else 'unknown'}: restore the file or fix "
                           "reshare_of")
    if planned.action == "skip" and planned.source and planned.source.status == "draft":
        return "wait", (f"waits for its parent {parent}, a draft: set its status: ready to "
                        "publish both")
    if planned.action in ("skip", "expired"):
        why = "has status: deleted" if planned.action == "skip" else "expired"
        return "blocked", (f"its parent {parent} {why} and will never be published: remove "
                           "reshare_of, or the reshare")
    return "wait", f"waits for its parent {parent} ({planned.action}: {planned.reason})"


def _not_resharable(post: Post | None, parent_post: Post | None, parent: str) -> str:
    """Why LinkedIn would refuse this author's reshare of the parent ("" when it would
    not): its author set `reshare: false`, or posted it to CONNECTIONS only."""
    if post is None or parent_post is None or parent_post.author == post.author:
        return ""
    if not parent_post.reshare:
        why = "has reshare: false"
    elif parent_post.visibility == "CONNECTIONS":
        why = "is for its author's connections only"
    else:
        return ""
    return (f"{parent} {why}: LinkedIn lets no one else reshare it; remove reshare_of, or "
            "change the parent")


def _gone(entry: Entry) -> str:
    day = f" on {entry.since[:10]}" if entry.since else ""
    if entry.state == "deleted":
        return f"was deleted from LinkedIn{day}"
    return f"is no longer on LinkedIn (404{day})"


# ----------------------------------------------------------------------------- check


def reshare_problems(
    posts: Mapping[str, Post | None], existing: Collection[str], ledger: Ledger,
    line_of: Mapping[str, int | None],
) -> list[Diagnostic]:
    """What `publish check` says of reshares not yet published whose parent file will
    never be published (an error) or is a draft (a warning: the reshare waits for it).
    `line_of`: the line of each post's reshare_of key."""
    found = []
    for path, post in posts.items():
        parent = by_file(post) if post is not None and not post.urn else None
        if post is None or parent is None or post.status != "ready":
            continue
        problem = _parent_problem(path, parent, posts, existing, ledger)
        if problem is not None:
            severity, message = problem
            found.append(Diagnostic(path, line_of.get(path), severity, message))
    return found


# A decision table: one early return per rule, as plan._for_post.
def _parent_problem(  # noqa: PLR0911
        path: str, parent: str, posts: Mapping[str, Post | None], existing: Collection[str],
        ledger: Ledger) -> tuple[Severity, str] | None:
    entry = ledger.posts.get(parent)
    other = posts.get(parent)
    if parent not in existing:
        if entry is not None and entry.state == "published":
            return None  # its file was removed; the post stays on LinkedIn
        return "error", f"reshare_of: {parent} does not exist: name a post file, " \
            "relative to this file"
    if other is None:
        return None  # the parent's own errors are reported on it
    if entry is not None and entry.state in GONE_STATES and other.status == "deleted":
        return "error", f"reshare_of: {parent} {_gone(entry)}: a reshare of it would be " \
            "refused; remove reshare_of"
    if other.status == "deleted" and (entry is None or entry.state != "published"):
        return "error", f"reshare_of: {parent} has status: deleted and is never published: " \
            "remove reshare_of"
    if other.status == "draft":
        return "warning", f"reshare_of: {parent} is a draft: this reshare waits until it " \
            "is published"
    refused = _not_resharable(posts.get(path), other, parent)
    if refused:
        return "error", f"reshare_of: {refused}"
    if by_file(other) == path:
        return "error", f"reshare_of: {parent} reshares this post: remove reshare_of from " \
            "one of them"
    return None


_RESHARE_LINE = re.compile(r"^reshare_of[ \t]*:", re.MULTILINE)


def reshare_line(text: str) -> int | None:
    """The line of the reshare_of key in a post file's text (the front matter's is the
    first such line)."""
    found = _RESHARE_LINE.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else None
