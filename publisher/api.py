"""The library face of `publish`: what its commands do, for scripts and other systems.

::

    from publisher.api import open_repository

    repo = open_repository("path/to/content")       # the folder with publish.toml
    path = repo.add_post("posts/2026/12/v2.md", text, commit="Announce v2")
    if repo.check([path]).exit_code == 0:
        result = repo.sync()                        # publishes what is new or due
        print(result.report.exit_code, [o.url for o in result.report.outcomes])

Every call returns a plain dataclass; the exit codes in them are those of the command line
(``publisher.errors``: 0 done, 1 a post failed or is invalid, 2 configuration, 3
authentication, 75 deferred). Problems the caller can act on raise ``PublisherError``
(its message says what and how); LinkedIn's own answers outside a post raise the client's
``LinkedInError``. Nothing here prints. docs/library.md describes each call.

Times are aware datetimes; ``now=None`` means the real time. A ``now`` given to ``sync``
rehearses: it is accepted against the sandbox only, as ``publish --now``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from publisher import apiversion
from publisher.config import Config, load_config
from publisher.errors import (
    EXIT_AUTH,
    EXIT_CONFIG,
    EXIT_DEFERRED,
    EXIT_FAILED,
    EXIT_OK,
    Diagnostic,
    PublisherError,
    ValidationError,
)
from publisher.plan import Plan, PlanOptions

# The engine, the client and git are imported by the calls that use them: a script (and
# the command line) that only plans starts without them.
if TYPE_CHECKING:
    from publisher.analytics import StatsResult, Summary
    from publisher.apply import Progress
    from publisher.queueview import AuthorRows
    from publisher.sync import SyncResult

__all__ = ["CheckResult", "DryRun", "Repository", "exit_code_for", "open_repository"]


@dataclass(frozen=True)
class CheckResult:
    """What `publish check` found: the files checked and every diagnostic, sorted by file."""

    files: list[str]
    diagnostics: list[Diagnostic]

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> int:
        return len(self.diagnostics) - self.errors

    @property
    def exit_code(self) -> int:
        return EXIT_FAILED if self.errors else EXIT_OK


@dataclass(frozen=True)
class DryRun:
    """The plan a sync would carry out now, and why a sync would refuse this checkout."""

    plan: Plan
    refusals: list[str]

    @property
    def exit_code(self) -> int:
        """1 only for an invalid post: a held one (expired, failed) does not fail a plan."""
        return EXIT_FAILED if self.plan.has_errors else EXIT_OK


def open_repository(root: str | Path | None = None,
                    config_file: str | Path | None = None) -> Repository:
    """The content repository at `root` (or the nearest folder above the working directory
    with publish.toml), configured by `config_file` (default: ROOT/publish.toml).

    Raises PublisherError when there is no publish.toml, ConfigError when it is invalid.
    """
    repo = Path(root) if root is not None else None
    config = load_config(repo, Path(config_file) if config_file is not None else None)
    if config.path is None:
        folder = repo or Path.cwd()
        raise PublisherError(
            f"no publish.toml in {folder} or its parents: run `publish init` to start a "
            "content repository here, or pass --repo DIR or --config FILE"
        )
    return Repository(config)


@dataclass(frozen=True)
class Repository:
    """A git repository of posts with its publish.toml."""

    config: Config

    @property
    def root(self) -> Path:
        return self.config.root

    def check(self, paths: Sequence[str] | None = None,
              now: datetime | None = None) -> CheckResult:
        """Validate the posts (all, or `paths` from the repository root); warn of posts
        whose schedule has passed at `now`."""
        from publisher.post import discover
        from publisher.sources import check_posts

        files = sorted(paths) if paths is not None else discover(self.config)
        return CheckResult(files, check_posts(self.config, files, _now(now)))

    def plan(self, now: datetime | None = None, *, allow_replace: bool = False,
             prune: bool = False, retry_failed: bool = False, allow_dirty: bool = False,
             allow_stale: bool = False) -> DryRun:
        """What a sync with these options would do at `now`; changes nothing."""
        from publisher.sources import make_plan

        refusals = self._start_stale_check(allow_stale)
        options = self._plan_options(allow_replace, prune, retry_failed, allow_dirty)
        plan = make_plan(self.config, _now(now), options)[1]
        return DryRun(plan, refusals())

    def sync(self, now: datetime | None = None, *, allow_replace: bool = False,
             prune: bool = False, retry_failed: bool = False, allow_dirty: bool = False,
             allow_stale: bool = False, push: bool = False, token: str | None = None,
             progress: Progress | None = None,
             on_plan: Callable[[Plan], None] | None = None) -> SyncResult:
        """Publish what is new or due, update what changed, commit (and with `push`, push)
        the ledger and the URNs written back. `token` is used for every author; without
        it each author's token comes from the environment or `publish login`'s store."""
        from publisher.sync import Clients, SyncOptions, run_sync

        options = SyncOptions(
            plan=self._plan_options(allow_replace, prune, retry_failed, allow_dirty),
            push=push, token=token, fixed_clock=now is not None, allow_stale=allow_stale)
        clients = Clients(self.config, token)
        result = run_sync(self.config, _now(now), options, client_for=clients,
                          progress=progress, url_ok=_url_is_live, on_plan=on_plan)
        result.notices = clients.notices
        return result

    def queue(self, now: datetime | None = None, weeks: int = 2) -> list[AuthorRows]:
        """What `publish queue` lists: each author's slots from `now` for `weeks` weeks
        (and on to the last queued post), with the post in each or why it is not free."""
        from publisher import queueview
        from publisher.sources import queue_of

        moment = _now(now)
        return queueview.overview(queue_of(self.config, moment), moment, weeks)

    def stats(self, now: datetime | None = None, since: datetime | None = None, *,
              token: str | None = None, commit: bool = False) -> StatsResult:
        """Collect the metrics of every post published since `since` into
        .publish/metrics.jsonl (and commit that file with `commit`)."""
        from publisher import analytics
        from publisher.sync import Clients

        return analytics.run_stats(self.config, Clients(self.config, token), _now(now),
                                   since, commit=commit)

    def metrics(self) -> Summary:
        """The latest figures per post and author, and the experiments' verdicts."""
        from publisher import analytics

        return analytics.load_summary(self.config)

    def version_notice(self, now: datetime | None = None) -> str | None:
        """A warning when LinkedIn retires the pinned LinkedIn-Version within weeks of `now`."""
        return apiversion.notice(self.config.linkedin.version, _now(now).date())

    def add_post(self, path: str, text: str, *, commit: str | None = None) -> str:
        """Write a new post file at `path` (from the repository root), check it, and commit
        it with the message `commit` when one is given; returns `path`.

        An invalid post is removed again and ValidationError carries every diagnostic: a
        sync never sees it. An existing file is never overwritten.
        """
        target = self.root / path
        if target.exists():
            raise PublisherError(f"{path} exists already: choose another file name")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        found = self.check([path])
        if found.errors:
            target.unlink()
            raise ValidationError([d for d in found.diagnostics if d.severity == "error"])
        if commit is not None:
            from publisher import gitops

            gitops.commit(self.root, [path], commit if commit.endswith("\n") else commit + "\n")
        return path

    def _plan_options(self, allow_replace: bool, prune: bool, retry_failed: bool,
                      allow_dirty: bool) -> PlanOptions:
        return PlanOptions(allow_replace=allow_replace, prune=prune, retry_failed=retry_failed,
                           allow_dirty=allow_dirty,
                           per_author_per_day=self.config.per_author_per_day)

    def _start_stale_check(self, allow_stale: bool) -> Callable[[], list[str]]:
        """Why a sync would refuse this checkout, found while the plan is made."""
        if allow_stale:
            return list
        from publisher import gitops

        return gitops.start_stale_check(self.root, self.config.publish_branch)


def _url_is_live(url: str) -> bool:
    """transport.url_is_live, loaded only when a link is checked (a sync that sends)."""
    from publisher.linkedin.transport import url_is_live

    return url_is_live(url)


def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        raise PublisherError(f"the time {now} names no zone: give an aware datetime "
                             "(e.g. datetime(2026, 12, 1, 9, tzinfo=UTC))")
    return now.astimezone(UTC)


def exit_code_for(error: BaseException) -> int | None:
    """The exit code of an error the user can act on; None for anything else (a bug).

    The LinkedIn client's errors outside a post take the code a sync gives them (a token
    refused: 3; a retired version: 2; a rate limit: 75; any other answer, or none: 1), and
    so does the HTTP library's own (connection refused, a timeout) wherever one escapes.
    """
    if isinstance(error, PublisherError):
        return error.exit_code
    if type(error).__module__.startswith("publisher.linkedin"):
        return _linkedin_exit_code(error)
    if type(error).__module__.split(".")[0] in ("requests", "urllib3"):
        return EXIT_FAILED
    if isinstance(error, OSError):
        return EXIT_CONFIG  # a file or folder the command was given cannot be used
    return None


def _linkedin_exit_code(error: BaseException) -> int | None:
    # Imported here: the client's error tree is loaded only once one of its errors exists.
    from publisher.linkedin import errors as li

    if isinstance(error, li.AuthenticationError):
        return EXIT_AUTH
    if isinstance(error, li.VersionRetired):
        return EXIT_CONFIG
    if isinstance(error, li.RateLimited):
        return EXIT_DEFERRED
    return EXIT_FAILED if isinstance(error, li.LinkedInError) else None
