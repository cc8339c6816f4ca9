"""What a run of ``publisher.apply`` reports, and the state its steps share.

``Applier`` is composed of steps in modules of their own (``apply_media``: uploads and the
payload; ``apply_comments``: first comments), all on ``Steps``, which declares the state
they use and keeps the bookkeeping every step does: make an entry durable, note a file
written, a failure.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal, Protocol

from publisher import ledger as ledger_io
from publisher.config import Config
from publisher.errors import (
    EXIT_OK,
)
from publisher.ledger import Ledger
from publisher.plan import Change

if TYPE_CHECKING:  # a sync with nothing to send never loads the HTTP client
    from publisher.linkedin.client import LinkedInClient

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


ClientFor = Callable[[str, str | None], "LinkedInClient"]  # (author URN, alias) -> client
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


class Steps:
    """The state the steps of a run share; ``Applier.__init__`` sets it."""

    config: Config
    book: Ledger
    progress: Progress
    report: Report
    journal: ledger_io.Journal
    ready_media: set[str]  # media URNs known AVAILABLE in this run
    clock: Callable[[], datetime]
    sleep: Callable[[float], None]

    def _save(self, post: str) -> None:
        """Make the entry of `post` durable before the next step (a journal record)."""
        self.journal.post(post)
        self._touched(self.config.ledger)

    def _touched(self, path: str) -> None:
        if path not in self.report.written:
            self.report.written.append(path)

    def _failed(self, change: Change, message: str) -> Outcome:
        return Outcome(change.post, change.action, "failed", message)


HASHTAG_TEMPLATE = re.compile(r"\{hashtag\|\\?[#＃]\|((?:\\.|[^}\\])*)\}")


def normalize_commentary(text: str) -> str:
    """LinkedIn returns hashtags as `{hashtag|\\#|tag}`; compare them as `#tag`."""
    return HASHTAG_TEMPLATE.sub(lambda m: "#" + m.group(1), text).strip()


def _short(error: Exception) -> str:
    return str(error).split("\n")[0][:300]
