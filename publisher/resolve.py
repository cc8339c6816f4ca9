"""`publish resolve` and `publish adopt`: settle by hand what the tool cannot know.

`resolve` settles a post whose outcome is `unknown` (or `pending`, or `failed`): either it
is on LinkedIn (`--urn`) or it is not (`--not-published`, so the next sync posts it). Of a
published post whose first comment is unknown, it settles the comment the same way.
`adopt` takes in a post that was published some other way, so the tool tracks it and
never posts it again.
"""

from __future__ import annotations

import re
from datetime import datetime

from publisher import gitops, ledger
from publisher.config import Config
from publisher.errors import PublisherError, ValidationError
from publisher.ledger import Entry, Ledger
from publisher.post import load_post
from publisher.schedule import format_utc
from publisher.sources import committed_files
from publisher.writeback import write_back

POST_URN = re.compile(r"^urn:li:(share|ugcPost):[0-9]+$")
UNSETTLED = ("unknown", "pending", "failed")


def resolve(config: Config, path: str, urn: str | None, now: datetime) -> str:
    """Settle an unsettled post; return a sentence saying what was recorded."""
    with ledger.locked(gitops.lock_path(config.root)):
        book = ledger.load(config.ledger_path, config.ledger)
        entry = book.posts.get(path)
        if entry is not None and entry.state == "published" and _comment_unsettled(entry):
            return _resolve_comment(config, book, path, urn)
        if entry is None or entry.state not in UNSETTLED:
            state = entry.state if entry else "not in the ledger"
            raise PublisherError(
                f"{path} is {state}; resolve settles unknown, pending or failed posts"
            )
        if urn is None:
            del book.posts[path]
            ledger.save(config.ledger_path, book)
            _commit(
                config,
                [config.ledger],
                f"publish: {path} was not published; it will be posted again",
            )
            return f"{path}: recorded as not published; the next sync posts it"
        _record(config, book, path, urn, now, entry.attempts)
        return f"{path}: recorded as {urn}"


COMMENT_URN = re.compile(r"^urn:li:comment:\(.+,[0-9]+\)$")


def _comment_unsettled(entry: Entry) -> bool:
    return (entry.first_comment or {}).get("state") in ("unknown", "pending")


def _resolve_comment(config: Config, book: Ledger, path: str, urn: str | None) -> str:
    """Settle a first comment sent with no answer: there (`urn`), or not (posted again)."""
    entry = book.posts[path]
    if urn is None:
        entry.first_comment = {"state": "failed", "urn": None,
                               "error": "not on LinkedIn (settled by hand)"}
        said = "its first comment recorded as not posted; the next sync posts it"
    else:
        if not COMMENT_URN.match(urn):
            raise PublisherError(
                f"'{urn}' is not a comment URN like urn:li:comment:(urn:li:activity:7,8): "
                f"{path} is published; only its first comment is unsettled")
        entry.first_comment = {"state": "posted", "urn": urn, "error": None}
        said = f"its first comment recorded as {urn}"
    ledger.save(config.ledger_path, book)
    _commit(config, [config.ledger], f"publish: {path}: {said}")
    return f"{path}: {said}"


def adopt(config: Config, path: str, urn: str, now: datetime) -> str:
    """Track a post published outside the tool, so that it is never posted again."""
    with ledger.locked(gitops.lock_path(config.root)):
        book = ledger.load(config.ledger_path, config.ledger)
        entry = book.posts.get(path)
        if entry is not None and entry.state == "published":
            raise PublisherError(f"{path} is already published as {entry.urn}")
        _record(config, book, path, urn, now, entry.attempts if entry else 0)
        return f"{path}: adopted as {urn}"


def _record(
    config: Config, book: Ledger, path: str, urn: str, now: datetime, attempts: int
) -> None:
    if not POST_URN.match(urn):
        raise PublisherError(f"'{urn}' is not a post URN like urn:li:share:7045020441609936898")
    if not (config.root / path).is_file():
        raise PublisherError(f"{path} does not exist")
    loaded = load_post(config, path)
    if loaded.post is None:
        raise ValidationError(loaded.errors)
    post = loaded.post
    data = write_back(config.root / path, {"urn": urn, "published_at": format_utc(now)})
    # Only committed files: an uncommitted one is noticed as a change until committed.
    media_blobs, _ = committed_files(gitops.start_scan(config.root)(), post.files)
    book.posts[path] = Entry(
        author=post.author,
        state="published",
        urn=urn,
        content_hash=post.content_hash,
        commentary_hash=post.commentary_hash,
        source_blob=gitops.blob_id(data),
        published_at=format_utc(now),
        attempts=attempts,
        media_blobs=media_blobs,
    )
    ledger.save(config.ledger_path, book)
    _commit(config, [config.ledger, path], f"publish: {path} is {urn}")


def _commit(config: Config, paths: list[str], message: str) -> None:
    if gitops.open_repo(config.root) is not None:
        gitops.commit(config.root, paths, message)
