"""The state ledger: the only reader and writer of `.publish/ledger.json`.

The ledger records, per post file, what LinkedIn has: the post URN, the state of the
exactly-once protocol, digests of what was sent, and the media uploaded for it. It is
normalized JSON (sorted keys, two-space indent, trailing newline) so that each change is
one small git diff; `serial` grows by one on every save; saving is atomic (temp file,
fsync, rename), so a crash leaves either the old or the new ledger, never half of one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, KeysView
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from publisher.errors import LedgerError, LockError
from publisher.files import atomic_write, fsync_dir


class StateError(LedgerError):
    """A change of state that TRANSITIONS does not allow (a bug: nothing was written)."""

VERSION = 1
State = Literal["pending", "published", "failed", "unknown", "expired", "deleted", "gone"]
STATES: tuple[str, ...] = get_args(State)

# Every change of a post's state and what makes it: the only ones there are. None stands
# for no entry (a post the ledger does not know yet, or forgets). A change that is not
# here is a bug, and raises StateError before anything is written.
TRANSITIONS: dict[tuple[State | None, State | None], str] = {
    (None, "pending"): "an intent is saved before the first create",
    ("failed", "pending"): "a failed post is tried again (its file changed, or --retry-failed)",
    ("expired", "pending"): "an expired post's file changed and it is due again",
    ("deleted", "pending"): "a post deleted from LinkedIn is posted again "
                            "(--allow-replace, or status: ready again)",
    ("pending", "pending"): "the intent written ahead (pushed before posting) is saved "
                            "again as its create is sent",
    ("pending", "published"): "LinkedIn answered 201, or reconciling found the post",
    ("pending", "failed"): "LinkedIn refused the create: nothing was posted",
    ("pending", "unknown"): "the create's outcome could not be reconciled",
    ("pending", None): "a create stopped before it could land (429, 401, 426, no "
                       "connection): the intent is taken back / resolve --not-published",
    ("pending", "expired"): "as (pending, None), for a post that was expired before",
    ("pending", "deleted"): "as (pending, None), for a post that was deleted before",
    ("published", "deleted"): "deleted from LinkedIn (--prune, or --allow-replace)",
    ("published", "gone"): "LinkedIn answered 404 for the post (update, read-back, delete)",
    (None, "expired"): "its not_after passed before it could be posted",
    ("failed", "expired"): "a failed post tried again after its not_after",
    ("deleted", "expired"): "a deleted post made ready again after its not_after",
    ("unknown", "published"): "resolve --urn: a person found it on LinkedIn",
    ("unknown", None): "resolve --not-published: a person found it is not on LinkedIn",
    ("failed", "published"): "resolve --urn or adopt: it is on LinkedIn after all",
    ("failed", None): "resolve --not-published",
    ("gone", "published"): "resolve --urn or adopt: it is on LinkedIn under another URN",
    ("gone", None): "resolve --gone: forget the URN; the next sync posts it again",
    (None, "published"): "adopt: a post made by hand",
    ("expired", "published"): "adopt",
    ("deleted", "published"): "adopt",
}
# States whose entry records when it was entered (`since`): the plan dates them.
DATED: frozenset[str] = frozenset({"deleted", "gone", "expired"})


@dataclass
class MediaRecord:
    """One uploaded file of a post: its content hash and LinkedIn's URN for it."""

    sha256: str
    urn: str


@dataclass(slots=True)  # one per post, made on every run
class Entry:
    """What the ledger knows about one post file."""

    author: str
    state: State
    urn: str | None = None
    content_hash: str | None = None
    commentary_hash: str | None = None
    source_blob: str | None = None
    published_at: str | None = None
    attempts: int = 0
    last_error: str | None = None
    media: dict[str, MediaRecord] = field(default_factory=dict)
    first_comment: dict[str, str | None] | None = None
    intent_at: str | None = None
    since: str | None = None  # when it became deleted, gone or expired (UTC, ISO 8601)
    # The git blob of each file the post sent (images, video and its extras, document),
    # by path: a file overwritten in place under the same name is a change too.
    media_blobs: dict[str, str] = field(default_factory=dict)
    # URNs of this post's earlier LinkedIn posts that publish deleted (a replace): for a day
    # or two LinkedIn may name one in a 422 DUPLICATE_POST, and it must never be recorded.
    retired_urns: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        return {key: value for key, value in data.items() if value not in (None, {}, [])}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Entry:
        """An entry from JSON that _check_entry has passed (so this cannot fail)."""
        entry = cls(**data)
        if entry.media:
            records: dict[str, Any] = entry.media  # as read: objects, not MediaRecords yet
            entry.media = {name: MediaRecord(**record) for name, record in records.items()}
        return entry


def _entry_problem(path: str, data: Any) -> str:
    """What is wrong with a ledger entry that _check_entry refused."""
    if not isinstance(data, dict):
        return f"ledger entry for {path} must be an object"
    unknown = data.keys() - _ENTRY_FIELDS
    if unknown:
        return f"ledger entry for {path} has unknown fields: {', '.join(sorted(unknown))}"
    if data.get("state") not in _STATE_SET:
        return (
            f"ledger entry for {path} has state {data.get('state')!r}; "
            f"expected one of {', '.join(STATES)}"
        )
    return f"ledger entry for {path} has no author"


_ENTRY_FIELDS = frozenset(Entry.__dataclass_fields__)
_STATE_SET = frozenset(STATES)
_RECORD_FIELDS = frozenset(MediaRecord.__dataclass_fields__)
_OBJECT_OR_NONE = (dict, type(None))


def _check_entry(path: str, data: Any) -> None:
    """Raise LedgerError for an entry that is not one Entry.from_json can make; a few
    checks each, as every entry of the file is checked on every run."""
    if (type(data) is not dict or not _ENTRY_FIELDS.issuperset(data)
            or data.get("state") not in _STATE_SET or type(data.get("author")) is not str):
        raise LedgerError(_entry_problem(path, data))
    media = data.get("media")
    if media and (type(media) is not dict or not all(
            type(r) is dict and r.keys() == _RECORD_FIELDS for r in media.values())):
        raise LedgerError(f"ledger entry for {path} has media records that are not "
                          "{sha256, urn} objects")
    # The optional fields one by one, without a loop or a generator: most entries have
    # none of them.
    if type(data.get("first_comment")) not in _OBJECT_OR_NONE:
        raise LedgerError(f"ledger entry for {path} has a first_comment that is not an object")
    if type(data.get("media_blobs")) not in _OBJECT_OR_NONE:
        raise LedgerError(f"ledger entry for {path} has a media_blobs that is not an object")
    if "retired_urns" in data:
        retired = data["retired_urns"]
        if type(retired) is not list or (retired and not all(type(u) is str for u in retired)):
            raise LedgerError(f"ledger entry for {path} has retired_urns that are not a list "
                              "of URNs")


def check_transition(path: str, before: State | None, after: State | None) -> None:
    """Raise StateError unless TRANSITIONS has the change from `before` to `after`."""
    if (before, after) not in TRANSITIONS:
        raise StateError(
            f"{path}: the ledger has no change from {before or 'no entry'} to "
            f"{after or 'no entry'}; nothing was written"
        )


def _failed(first_comment: dict[str, Any] | None) -> bool:
    """A first comment not known to be posted: failed, or sent with no answer."""
    return first_comment is not None and first_comment.get("state") in OPEN_COMMENT


OPEN_COMMENT = ("failed", "unknown", "pending")


# What a plan needs of a post published from its file as it is: author, URN, and the git
# blobs of the files it sent. A plain tuple: one is made per post on every plan.
Settled = tuple[str, str | None, dict[str, str]]


class Ledger:
    """All entries, by post path from the repo root, plus the upload cache.

    The entries of a ledger read from a file are checked as it is read, but made into
    Entry objects at the first use of `posts`: a plan asks `settled` of each post, which
    reads the JSON as it is, so a plan in which nothing changed makes none (on 10,000
    posts, making them took as long as parsing the file).
    """

    def __init__(
        self,
        serial: int = 0,
        posts: dict[str, Entry] | None = None,
        uploads: dict[str, dict[str, str]] | None = None,
    ) -> None:
        self.serial = serial
        self._posts: dict[str, Entry] = {} if posts is None else posts
        self._unread: dict[str, dict[str, Any]] | None = None  # checked JSON of entries
        # owner URN -> media sha256 -> media URN: a file is uploaded once per owner.
        self.uploads: dict[str, dict[str, str]] = {} if uploads is None else uploads

    @property
    def posts(self) -> dict[str, Entry]:
        if self._unread is not None:
            self._posts = {path: Entry.from_json(data) for path, data in self._unread.items()}
            self._unread = None
        return self._posts

    def put(self, path: str, entry: Entry) -> None:
        """Make `entry` the post's entry: a change from the state of the one it replaces
        (or from none), checked against TRANSITIONS."""
        old = self.posts.get(path)
        check_transition(path, old.state if old else None, entry.state)
        self.posts[path] = entry

    def set_state(self, path: str, state: State, at: str | None = None) -> Entry:
        """Move the post's entry to `state` (checked); `at` dates the DATED states."""
        entry = self.posts[path]
        check_transition(path, entry.state, state)
        entry.state = state
        entry.since = at if state in DATED else None
        return entry

    def forget(self, path: str) -> None:
        """Drop the post's entry (checked): the ledger no longer knows the post."""
        entry = self.posts.get(path)
        check_transition(path, entry.state if entry else None, None)
        self.posts.pop(path, None)

    def paths(self) -> list[str]:
        """Every path with an entry, sorted."""
        return sorted(self.known())

    def known(self) -> KeysView[str]:
        """Every path with an entry, unsorted (sorting ten thousand costs a no-op plan
        more than the question it answers)."""
        return (self._posts if self._unread is None else self._unread).keys()

    def settled(self, files: Iterable[tuple[str, str]]) -> dict[str, Settled]:
        """Of the posts at these (path, git blob), those published from a file with that
        very blob and with no first comment left to retry. One loop for all: it runs for
        every post on every plan."""
        found: dict[str, Settled] = {}
        if self._unread is None:
            posts = self._posts
            for path, blob in files:
                entry = posts.get(path)
                if (entry is not None and entry.source_blob == blob
                        and entry.state == "published" and not _failed(entry.first_comment)):
                    found[path] = (entry.author, entry.urn, entry.media_blobs)
            return found
        unread = self._unread
        for path, blob in files:
            data = unread.get(path)
            if (data is not None and data.get("source_blob") == blob
                    and data["state"] == "published"):
                comment = data.get("first_comment")  # _failed, inline: a call per post
                if comment is None or comment.get("state") not in OPEN_COMMENT:
                    found[path] = (data["author"], data.get("urn"),
                                   data.get("media_blobs") or {})
        return found

    def rekey(self, old: str, new: str) -> Entry:
        """Move the entry of `old` to `new` (its file was moved); return it."""
        posts = self.posts
        if new in posts:
            raise LedgerError(f"cannot move the ledger entry of {old} to {new}: {new} has one")
        entry = posts.pop(old)
        posts[new] = entry
        return entry

    @classmethod
    def read(cls, serial: int, entries: dict[str, Any], uploads: dict[str, dict[str, str]]
             ) -> Ledger:
        """A ledger of entries as JSON, each checked so that making it later cannot fail."""
        for path, data in entries.items():
            _check_entry(path, data)
        ledger = cls(serial=serial, uploads=uploads)
        ledger._unread = entries
        return ledger

    def to_json(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "serial": self.serial,
            "posts": {path: entry.to_json() for path, entry in sorted(self.posts.items())},
            "uploads": self.uploads,
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def loads(text: str, shown: str = ".publish/ledger.json") -> Ledger:
    """Parse ledger JSON; raise LedgerError naming the problem and the way out."""
    restore = f"restore it with `git checkout -- {shown}` or fix it by hand"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise LedgerError(
            f"{shown}:{error.lineno}: not valid JSON ({error.msg}): {restore}"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("posts"), dict):
        raise LedgerError(f"{shown}: not a ledger (no 'posts' object): {restore}")
    version = data.get("version")
    if version != VERSION:
        newer = isinstance(version, int) and version > VERSION
        hint = "upgrade publish" if newer else restore
        raise LedgerError(
            f"{shown}: ledger version {version!r}, this publish reads version {VERSION}: {hint}"
        )
    serial = data.get("serial", 0)
    if not isinstance(serial, int) or serial < 0:
        raise LedgerError(f"{shown}: serial must be a whole number: {restore}")
    try:
        return Ledger.read(serial, data["posts"], _uploads(data.get("uploads", {})))
    except LedgerError as error:
        raise LedgerError(f"{shown}: {error}: {restore}") from None


def _uploads(data: Any) -> dict[str, dict[str, str]]:
    if not isinstance(data, dict) or not all(
        isinstance(v, dict) and all(isinstance(u, str) for u in v.values()) for v in data.values()
    ):
        raise LedgerError("'uploads' must map owner URNs to {sha256: media URN}")
    return data


def load(path: Path, shown: str | None = None) -> Ledger:
    """The ledger at `path`, or an empty one when the file does not exist yet, with the
    records of a journal left beside it by an interrupted sync replayed over it."""
    if not path.exists():
        book = Ledger()
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise LedgerError(f"{shown or path}: cannot read: {error}") from None
        book = loads(text, shown or str(path))
    journal = journal_path(path)
    if journal.exists():
        _replay(journal, book, shown or str(path))
    return book


def save(path: Path, ledger: Ledger) -> None:
    """Write atomically with the serial one higher; the caller's object is updated too.

    A journal beside the file is dropped: `ledger` was loaded with it replayed (or is the
    journal's own ledger), so the file now holds all of it, and replaying it again later
    would undo what was changed since (a `publish resolve` after a killed run).
    """
    ledger.serial += 1
    try:
        _write_atomic(path, ledger.dumps())
    except BaseException:
        ledger.serial -= 1
        raise
    journal_path(path).unlink(missing_ok=True)


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, text.encode("utf-8"), prefix=".ledger-")


def journal_path(path: Path) -> Path:
    """Where a sync appends its steps, beside the ledger (`ledger.json.journal`)."""
    return path.with_name(path.name + ".journal")


def _replay(journal: Path, book: Ledger, shown: str) -> None:
    """Apply a journal's records over `book`, in order; the last record of a post wins.

    A record cut short by a crash (the last line, unterminated or not JSON) is ignored:
    it was never fsynced, so the step it records had not been acted on.
    """
    try:
        lines = journal.read_bytes().split(b"\n")
    except OSError as error:
        raise LedgerError(f"{shown}.journal: cannot read: {error}") from None
    for number, line in enumerate(lines[:-1], start=1):  # the last piece has no newline
        try:
            record = json.loads(line)
            _apply_record(book, record)
        except (ValueError, LedgerError, TypeError, KeyError) as error:
            raise LedgerError(
                f"{shown}.journal:{number}: not a journal record ({error}): delete the "
                "journal to keep the ledger as committed, then check the posts it names"
            ) from None


def _apply_record(book: Ledger, record: dict[str, Any]) -> None:
    if "upload" in record:
        owner, key, urn = record["upload"]
        book.uploads.setdefault(str(owner), {})[str(key)] = str(urn)
        return
    path, data = record["post"], record["entry"]
    if data is None:
        book.posts.pop(path, None)
        return
    _check_entry(path, data)
    book.posts[path] = Entry.from_json(data)


class Journal:
    """The ledger's changes during a sync, appended and fsynced one record per step.

    Saving the whole ledger after every step of a first sync of thousands of posts costs
    time in the square of their number; a record costs the same whatever the size of the
    ledger. `flush` writes the ledger file (once) and empties the journal; a journal found
    at the start of a run (its sync was killed) is replayed by `load`.
    """

    def __init__(self, path: Path, book: Ledger) -> None:
        self.path = path
        self.book = book
        self._fd: int | None = None
        self.dirty = False

    def post(self, name: str) -> None:
        """Record the entry of post `name` as it is now (or that it has none)."""
        entry = self.book.posts.get(name)
        self._append({"post": name, "entry": None if entry is None else entry.to_json()})

    def upload(self, owner: str, key: str, urn: str) -> None:
        self._append({"upload": [owner, key, urn]})

    def _append(self, record: dict[str, Any]) -> None:
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(journal_path(self.path),
                               os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        line = json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n"
        os.write(self._fd, line.encode("utf-8"))
        os.fsync(self._fd)
        self.dirty = True

    def flush(self) -> None:
        """Write the ledger file with every change so far, then drop the journal.

        In this order: a crash between the two leaves a journal whose records the ledger
        already holds, and replaying them again changes nothing.
        """
        if not self.dirty:
            return
        save(self.path, self.book)  # which drops the journal file
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        fsync_dir(self.path.parent)
        self.dirty = False


def recover(path: Path) -> bool:
    """Fold a journal left by an interrupted sync into the ledger file; True if one was."""
    if not journal_path(path).exists():
        return False
    journal = Journal(path, load(path))
    journal.dirty = True
    journal.flush()
    return True


def bookkeeping_only(before: str | None, after: str) -> bool:
    """True when ledger text `after` differs from `before` (None: no ledger yet) only in
    bookkeeping: the serial,
    and the attempt count of a post whose state and error are the same (a repeated
    failure). Nothing another run needs is in such a change, so it is not committed."""
    try:
        empty: dict[str, Any] = {"posts": {}, "uploads": {}, "version": VERSION}
        old = empty if before is None else json.loads(before)
        new = json.loads(after)
    except ValueError:
        return False
    for data in (old, new):
        data.pop("serial", None)
        for entry in data.get("posts", {}).values():
            if isinstance(entry, dict):
                entry.pop("attempts", None)
    return bool(old == new)


def restore(path: Path, text: str | None) -> None:
    """Put the ledger file back to `text` (as committed; None: there was none), atomically."""
    if text is None:
        path.unlink(missing_ok=True)
    else:
        _write_atomic(path, text)


@contextmanager
def locked(lock: Path) -> Iterator[None]:
    """Hold the lock file `lock` for a sync: an OS lock (flock) on a file never deleted.

    The kernel drops the lock when its holder exits, however it ends (even SIGKILL), so a
    lock is never stale and nothing has to judge whether its holder is alive; the file
    stays, since deleting it would let a second process lock a new file of that name
    while the first still holds the old one. The holder's process id is written into it
    only to name it in the message another process shows.
    """
    import fcntl  # only a sync locks: a plan starts without it

    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        holder = _lock_holder(lock)
        who = f" (process {holder})" if holder is not None else ""
        raise LockError(
            f"another publish{who} is running on this checkout: wait for it to finish"
        ) from None
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)  # closing the last descriptor releases the lock


def _lock_holder(lock: Path) -> int | None:
    try:
        return int(lock.read_text().strip())
    except (OSError, ValueError):
        return None


# When two runs recorded the same post, the more settled state wins.
STATE_RANK = {"published": 5, "deleted": 5, "gone": 5, "expired": 4, "unknown": 3, "failed": 2,
              "pending": 1}


def merge(upstream: Ledger, ours: Ledger) -> Ledger:
    """Combine two ledgers entry by entry (after a rejected push): nothing is lost.

    For a post both sides know, the more settled state wins; on a tie ours wins, since
    it is the newer run. Upload caches are united. The serial continues from the larger.
    """
    posts = dict(upstream.posts)
    for path, entry in ours.posts.items():
        theirs = posts.get(path)
        if theirs is None or STATE_RANK[entry.state] >= STATE_RANK[theirs.state]:
            posts[path] = entry
    _drop_moved(posts, upstream, ours)
    uploads = {owner: dict(files) for owner, files in upstream.uploads.items()}
    for owner, files in ours.uploads.items():
        uploads.setdefault(owner, {}).update(files)
    return Ledger(serial=max(upstream.serial, ours.serial), posts=posts, uploads=uploads)


def _drop_moved(posts: dict[str, Entry], upstream: Ledger, ours: Ledger) -> None:
    """A post one side moved (its entry re-keyed) is under another path on the other
    side: keep one entry, ours, or the other path would be a removed file, and pruned.
    Ours may be the old path: the next plan finds the file by its urn: line, a move."""
    paths = {entry.urn: path for path, entry in ours.posts.items() if entry.urn}
    for path, entry in upstream.posts.items():
        mine = paths.get(entry.urn) if entry.urn else None
        if mine is not None and mine != path and path not in ours.posts:
            posts.pop(path, None)


def absorb(ours: Ledger, upstream: Ledger) -> None:
    """merge(upstream, ours) into `ours` itself (a sync's ledger, after a rebase)."""
    merged = merge(upstream, ours)
    ours.posts.clear()
    ours.posts.update(merged.posts)
    ours.uploads.clear()
    ours.uploads.update(merged.uploads)
    ours.serial = max(ours.serial, upstream.serial)


def merge_texts(upstream: str, ours: str) -> str:
    """merge() on ledger file contents, for git's conflict resolution."""
    merged = merge(loads(upstream), loads(ours))
    merged.serial += 1
    return merged.dumps()
