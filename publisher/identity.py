"""Which file is which LinkedIn post: moves, copies and twins. Pure: values in, values out.

A post is one LinkedIn post whatever is done to its file. The ledger keys its entries by
path, so when paths change this module says which entry a file carries on:

- a published post is known by the `urn:` line in its front matter. A file whose urn
  the ledger records for a path that no longer exists is that post, moved; one whose urn
  belongs to a file that still exists is a copy, and is blocked (it could otherwise edit
  or delete the original's post);
- a published post whose new file lost its urn: line is that post when it has the same
  author and text (sending it again would be a duplicate);
- a post whose create is pending or unknown has no urn yet. A new file is that post,
  moved, when it has the blob the intent recorded, or the same author and either the
  text the intent sent or the commit that removed the old file added it (a git rename).
  Two files that match one intent are both blocked: only a person can tell which one is
  the post. A removed file that blocked files claim is held: never pruned meanwhile;
- a new file without a urn: line whose git history removed one that the ledger does not
  know (a publish commit was reverted, or an old ledger restored) is blocked: its post
  is most likely on LinkedIn already;
- two posts of one author with the same text (their twins) are blocked before either is
  sent: LinkedIn would refuse the second as a duplicate, or show the same post twice.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from publisher.errors import Diagnostic
from publisher.ledger import Entry, Ledger

if TYPE_CHECKING:
    from publisher.post import Post

# The states of a create that may have reached LinkedIn without its URN being known.
UNSETTLED = ("pending", "unknown")


@dataclass(frozen=True)
class Identity:
    """Moves (new path -> the ledger's path) and the errors of copies and twins, by path."""

    moved_from: dict[str, str] = field(default_factory=dict)
    problems: dict[str, Diagnostic] = field(default_factory=dict)
    held: dict[str, list[str]] = field(default_factory=dict)  # removed path -> claimants


@dataclass(frozen=True)
class Candidate:
    """A parsed post the identity rules look at, with its git blob when known."""

    post: Post
    blob: str | None = None
    removed_urns: tuple[str, ...] = ()  # urn: lines its git history removed, newest first


def identify(
    candidates: Mapping[str, Candidate],
    existing: Collection[str],
    ledger: Ledger,
    renames: Mapping[str, str] | None = None,
) -> Identity:
    """Moves, copies and twins among `candidates` (parsed posts, by path).

    `existing`: every post path that exists now; `renames`: old path -> new path as git
    detected them, for the ledger's paths that no longer exist.
    """
    posts = ledger.posts
    orphans = {path: entry for path, entry in posts.items() if path not in existing}
    identity = Identity()
    needs_urns = any(c.post.urn or c.removed_urns for c in candidates.values())
    by_urn = _urn_owners(posts) if needs_urns else {}
    for path, candidate in candidates.items():
        own = posts.get(path)
        urn = candidate.post.urn
        if urn and (own is None or own.urn != urn):
            _urn_claim(identity, path, urn, by_urn.get(urn), own, orphans)
    _moves_without_urn(identity, candidates, posts, orphans, renames or {})
    _forgotten(identity, candidates, posts, by_urn)
    _tracked_elsewhere(identity, posts, orphans)
    _twins(identity, candidates, posts, existing)
    return identity


def _urn_owners(posts: Mapping[str, Entry]) -> dict[str, str]:
    return {entry.urn: path for path, entry in posts.items() if entry.urn}


def _urn_claim(
    identity: Identity,
    path: str,
    urn: str,
    owner: str | None,
    own: Entry | None,
    orphans: Mapping[str, Entry],
) -> None:
    """A file whose urn the ledger gives another path: moved there, or a copy."""
    if owner is None:
        return  # a urn the ledger does not know: `publish adopt` takes it in
    if owner in orphans and own is None:
        claimed = identity.held.get(owner) or [
            new for new, old in identity.moved_from.items() if old == owner]
        if not claimed:
            identity.moved_from[path] = owner
            return
        for other in claimed:
            identity.moved_from.pop(other, None)
            identity.problems[other] = _copy_of_removed(other, urn, owner, path)
        identity.problems[path] = _copy_of_removed(path, urn, owner, claimed[0])
        identity.held[owner] = [*claimed, path]
        return
    if owner in orphans:
        identity.problems[path] = _error(
            path, f"has the urn: of {owner} ({urn}), a removed file, but is a post of its "
            "own: delete its urn: and published_at: lines, or restore the file from git")
        return
    identity.problems[path] = _error(
        path, f"has the urn: of {owner} ({urn}): it is a copy of that post, and a copy "
        f"may not change it; to make it a new post, delete its urn: and published_at: lines")


def _copy_of_removed(path: str, urn: str, owner: str, other: str) -> Diagnostic:
    return _error(
        path, f"has the urn: of the removed file {owner} ({urn}), and so does {other}: "
        "keep the urn: line in the file that is that post, and delete its urn: and "
        "published_at: lines from the other to make it a new post")


def _moves_without_urn(
    identity: Identity,
    candidates: Mapping[str, Candidate],
    posts: Mapping[str, Entry],
    orphans: Mapping[str, Entry],
    renames: Mapping[str, str],
) -> None:
    """New files without a urn: line that are a post whose file was removed: a pending or
    unknown one (moved before it had a urn), or a published one with the very text
    LinkedIn has (a urn: line lost on the way; posting it again would be a duplicate)."""
    waiting = {p: e for p, e in orphans.items() if e.state in (*UNSETTLED, "published")}
    if not waiting:
        return
    matches: dict[str, list[str]] = {}
    for path, candidate in candidates.items():
        if path in posts or path in identity.moved_from or candidate.post.urn:
            continue
        for old, entry in waiting.items():
            if _same_unsettled(path, candidate, old, entry, renames):
                matches.setdefault(old, []).append(path)
    for old, paths in matches.items():
        if len(paths) == 1:
            identity.moved_from[paths[0]] = old
            continue
        identity.held[old] = paths
        for path in paths:
            identity.problems[path] = _ambiguous(path, old, posts[old], paths)


def _ambiguous(path: str, old: str, entry: Entry, paths: list[str]) -> Diagnostic:
    others = ", ".join(p for p in paths if p != path)
    keep = "delete the files that are not that post (the one left carries it on)"
    if entry.state == "published":
        return _error(path, f"has the text of the post of the removed file {old}, and so "
                      f"has {others}: {keep}, or give them texts of their own")
    return _error(path, f"may be the post whose create from {old} is {entry.state}, and so "
                  f"may {others}: {keep}, or run `publish resolve {old} --not-published` "
                  "if LinkedIn does not have it")


def _same_unsettled(
    path: str, candidate: Candidate, old: str, entry: Entry, renames: Mapping[str, str]
) -> bool:
    post = candidate.post
    if candidate.blob is not None and candidate.blob == entry.source_blob:
        return True
    if entry.author != post.author:
        return False  # another author's post is another post
    if entry.commentary_hash == post.commentary_hash:
        return True
    # A published post is known by its urn: line; edited and without it, it is a new one.
    return entry.state != "published" and renames.get(old) == path


def _forgotten(
    identity: Identity,
    candidates: Mapping[str, Candidate],
    posts: Mapping[str, Entry],
    by_urn: Mapping[str, str],
) -> None:
    """New files whose history had a urn: line the ledger no longer knows."""
    for path, candidate in candidates.items():
        if (not candidate.removed_urns or candidate.post.urn or path in posts
                or path in identity.moved_from or path in identity.problems):
            continue
        urn = candidate.removed_urns[0]
        if urn in by_urn:
            continue  # the post of another file (this one was a copy of it)
        identity.problems[path] = _error(
            path, f"was published as {urn} (its urn: line was removed in git), but the "
            "ledger does not record it, as after a revert of a publish commit: if the post "
            f"is on LinkedIn, run `publish adopt {path} --urn {urn}`; if it is not, "
            "`git mv` the file to a new name to post it as a new post")


def _tracked_elsewhere(
    identity: Identity, posts: Mapping[str, Entry], orphans: Mapping[str, Entry]
) -> None:
    """A removed file whose post the ledger also tracks under a file that exists (two
    runs merged, one had moved it) is held: pruning it would delete that file's post."""
    urns = {e.urn for e in orphans.values() if e.urn}
    if not urns:
        return
    alive = {e.urn: p for p, e in posts.items() if e.urn in urns and p not in orphans}
    for path, entry in orphans.items():
        if entry.urn in alive and path not in identity.held:
            identity.held[path] = [alive[entry.urn]]


def _twins(
    identity: Identity,
    candidates: Mapping[str, Candidate],
    posts: Mapping[str, Entry],
    existing: Collection[str],
) -> None:
    """Posts about to be created with the text of another post of the same author."""
    # A reshare is told apart by the post it reshares too: three people may reshare
    # three posts with the same words, or none.
    outgoing = {
        path: c.post for path, c in candidates.items()
        if _outgoing(path, c.post, posts, identity) and not c.post.reshare_of
    }
    if not outgoing:
        return
    texts: dict[tuple[str, str], list[str]] = {}
    for path, entry in posts.items():
        if entry.state == "published" and entry.commentary_hash and path in existing:
            texts.setdefault((entry.author, entry.commentary_hash), []).append(path)
    keys = {path: (post.author, post.commentary_hash) for path, post in outgoing.items()}
    for path, key in keys.items():
        texts.setdefault(key, []).append(path)
    for path, key in keys.items():
        others = [p for p in texts[key] if p != path]
        if others:
            identity.problems[path] = _error(
                path, f"has the same text as {', '.join(sorted(others))}, by the same author: "
                "LinkedIn would refuse it as a duplicate of that post; change the text of "
                "one of them")


def _outgoing(path: str, post: Post, posts: Mapping[str, Entry], identity: Identity) -> bool:
    """Will be created (not a draft, not deleted, not published, not moved, not blocked)."""
    if post.status != "ready" or path in identity.problems or post.urn:
        return False
    entry = posts.get(identity.moved_from.get(path, path))
    return entry is None or entry.state != "published"


def _error(path: str, message: str) -> Diagnostic:
    return Diagnostic(path, None, "error", message)
