"""`publish resolve` and `publish adopt`: settle by hand what the tool cannot know.

`resolve` settles a post whose outcome is `unknown` (or `pending`, or `failed`): either it
is on LinkedIn (`--urn`) or it is not (`--not-published`, so the next sync posts it). Of a
published post whose first comment is unknown, it settles the comment the same way. A
post that is `gone` (LinkedIn answered 404 for it): `--gone` forgets its URN, so the next
sync posts it again. `adopt` takes in a post that was published some other way, so the
tool tracks it and never posts it again. A post URN given to either is looked up on
LinkedIn first, where the author's token may read it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from publisher import gitops, ledger
from publisher.config import Config
from publisher.errors import PublisherError, ValidationError
from publisher.ledger import Entry, Ledger
from publisher.linkedin import errors as li
from publisher.linkedin.client import LinkedInClient
from publisher.post import Post, load_post
from publisher.sources import committed_files
from publisher.utc import format_utc
from publisher.writeback import WriteBackError, retire_keys, write_back

POST_URN = re.compile(r"^urn:li:(share|ugcPost):[0-9]+$")
UNSETTLED = ("unknown", "pending", "failed")
ClientFor = Callable[[str, str | None], LinkedInClient]  # (author URN, alias) -> client


def resolve(config: Config, path: str, urn: str | None, now: datetime, *,
            gone: bool = False, client_for: ClientFor | None = None) -> str:
    """Settle an unsettled or gone post; return what was recorded."""
    with ledger.locked(gitops.lock_path(config.root)):
        book = ledger.load(config.ledger_path, config.ledger)
        entry = book.posts.get(path)
        if (not gone and entry is not None and entry.state == "published"
                and _comment_unsettled(entry)):
            return _resolve_comment(config, book, path, urn)
        _check_resolvable(path, entry, urn, gone)
        if gone:
            return _forget_gone(config, book, path, now)
        if urn is None:
            book.forget(path)
            ledger.save(config.ledger_path, book)
            _commit(
                config,
                [config.ledger],
                f"publish: {path} was not published; it will be posted again",
            )
            return f"{path}: recorded as not published; the next sync posts it"
        assert entry is not None, "_check_resolvable refuses a post the ledger does not know"
        _refuse_tracked_urn(config, book, path, urn)
        note = _record(config, book, path, urn, now, entry.attempts, client_for, sent=entry)
        return f"{path}: recorded as {urn}{note}"


def _check_resolvable(path: str, entry: Entry | None, urn: str | None, gone: bool) -> None:
    """Refuse what resolve cannot settle, saying which way out fits the post's state."""
    state = entry.state if entry else "not in the ledger"
    if state == "gone" and not gone and urn is None:
        raise PublisherError(
            f"{path} is gone (LinkedIn answered 404 for it): run `publish resolve {path} "
            "--gone` to post it again, or set `status: deleted` in the file"
        )
    if gone and state != "gone":
        raise PublisherError(
            f"{path} is {state}; --gone settles posts LinkedIn answered 404 for"
            + (": use --urn URN or --not-published" if state in UNSETTLED else "")
        )
    if state not in (*UNSETTLED, "gone"):
        raise PublisherError(
            f"{path} is {state}; resolve settles unknown, pending, failed or gone posts"
        )


def _forget_gone(config: Config, book: Ledger, path: str, now: datetime) -> str:
    """Forget a gone post's URN in the ledger and in its file: the next sync posts it."""
    entry = book.posts[path]
    written = [config.ledger]
    if (config.root / path).is_file():
        day = (entry.since or format_utc(now))[:10]
        try:
            retire_keys(config.root / path, f"LinkedIn no longer had it on {day}")
        except WriteBackError as error:
            raise PublisherError(f"{path}: {error}; then run this again") from None
        written.append(path)
    book.forget(path)
    ledger.save(config.ledger_path, book)
    _commit(config, written, f"publish: {path} is gone from LinkedIn; it will be posted again")
    return f"{path}: {entry.urn} forgotten; the next sync posts it again"


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


def adopt(config: Config, path: str, urn: str, now: datetime, *,
          client_for: ClientFor | None = None) -> str:
    """Track a post published outside the tool, so that it is never posted again."""
    with ledger.locked(gitops.lock_path(config.root)):
        book = ledger.load(config.ledger_path, config.ledger)
        entry = book.posts.get(path)
        if entry is not None and entry.state == "published":
            raise PublisherError(f"{path} is already published as {entry.urn}")
        _refuse_tracked_urn(config, book, path, urn)
        attempts = entry.attempts if entry else 0
        note = _record(config, book, path, urn, now, attempts, client_for)
        return f"{path}: adopted as {urn}{note}"


def _refuse_tracked_urn(config: Config, book: Ledger, path: str, urn: str) -> None:
    """One LinkedIn post, one file: a URN the ledger gives another file is that file's."""
    for other, entry in book.posts.items():
        if entry.urn != urn or other == path or entry.state == "deleted":
            continue
        if not (config.root / other).exists():
            raise PublisherError(
                f"{urn} is the post of {other}, a removed file: if {path} is that file, "
                f"moved, the line `urn: {urn}` in its front matter is enough: run "
                "`publish`, which records the move")
        raise PublisherError(
            f"{urn} is the post of {other} (the ledger records it): {path} cannot "
            f"be that post too; if {path} is a copy, delete its urn: and published_at: "
            "lines to make it a new post")


def _record(
    config: Config, book: Ledger, path: str, urn: str, now: datetime, attempts: int,
    client_for: ClientFor | None, sent: Entry | None = None,
) -> str:
    """Record `urn` as the post of `path`; "" or a note that LinkedIn could not be asked.
    `sent`: the intent of the attempt that made it, whose text and content LinkedIn has,
    whatever the file says now."""
    if not POST_URN.match(urn):
        raise PublisherError(f"'{urn}' is not a post URN like urn:li:share:7045020441609936898")
    if not (config.root / path).is_file():
        raise PublisherError(f"{path} does not exist")
    loaded = load_post(config, path)
    if loaded.post is None:
        raise ValidationError(loaded.errors)
    post = loaded.post
    note = _check_on_linkedin(config, post, urn, client_for)
    data = write_back(config.root / path, {"urn": urn, "published_at": format_utc(now)})
    # Only committed files: an uncommitted one is noticed as a change until committed.
    media_blobs, _ = committed_files(gitops.start_scan(config.root)(), post.files)
    text = sent.commentary_hash if sent and sent.commentary_hash else post.commentary_hash
    content = sent.content_hash if sent and sent.content_hash else post.content_hash
    as_sent = (text, content) == (post.commentary_hash, post.content_hash)
    book.put(path, Entry(
        author=post.author,
        state="published",
        urn=urn,
        content_hash=content,
        commentary_hash=text,
        # Edited since it was sent: no blob, so the next sync reads it and sends the edit.
        source_blob=gitops.blob_id(data) if as_sent else None,
        published_at=format_utc(now),
        attempts=attempts,
        media_blobs=media_blobs,
    ))
    ledger.save(config.ledger_path, book)
    _commit(config, [config.ledger, path], f"publish: {path} is {urn}")
    return note


def _check_on_linkedin(config: Config, post: Post, urn: str,
                       client_for: ClientFor | None) -> str:
    """Refuse a URN LinkedIn does not have (or has for another author); "" when it was
    found, or a note saying why it could not be checked (no token, no read scope)."""
    if client_for is None:
        return ""
    could_not = "\n  could not check that LinkedIn has it: "
    try:
        found = client_for(post.author, config.author_alias(post.author)).get_post(urn)
    except li.NotFound:
        raise PublisherError(
            f"LinkedIn has no post {urn} (404): check the URN (the post's menu, "
            f"'Copy link to post', holds it); nothing was recorded for {post.path}"
        ) from None
    except (li.LinkedInError, PublisherError) as error:
        why = str(error).split("\n")[0]
        return f"{could_not}{why}; it is recorded as given"
    author = found.get("author")
    if author and author != post.author:
        raise PublisherError(
            f"{urn} is a post by {author}, not by {post.author} (the author of "
            f"{post.path}): check the URN; nothing was recorded"
        )
    return ""


def _commit(config: Config, paths: list[str], message: str) -> None:
    if gitops.open_repo(config.root) is not None:
        gitops.commit(config.root, paths, message)
