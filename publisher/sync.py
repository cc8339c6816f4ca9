"""One sync, start to end: lock, plan, apply, commit, push.

This is what `publish` runs (and `publish demo` on the sandbox). It holds the lock on
the checkout for the whole run, so two syncs never interleave their ledger writes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from publisher import gitops, ledger
from publisher.apply import Applier
from publisher.config import Config
from publisher.errors import EXIT_CONFIG, GitError, PublisherError, worse
from publisher.plan import Plan, PlanOptions
from publisher.sources import make_plan

if TYPE_CHECKING:
    # A sync with nothing to send (the scheduled run, most of the day) loads neither the
    # HTTP client nor the post parser: they come with the first post it sends.
    import logging

    from publisher.accounts.refresh import LiveToken, TokenKeeper
    from publisher.apply import Progress, Report
    from publisher.linkedin.client import LinkedInClient
    from publisher.linkedin.transport import Transport
    from publisher.tokens import Credential, TokenStore


@dataclass(frozen=True)
class SyncOptions:
    plan: PlanOptions = field(default_factory=PlanOptions)
    push: bool = False
    commit: bool = True
    token: str | None = None
    fixed_clock: bool = False  # the time was given (--now): allowed on the sandbox only
    allow_stale: bool = False  # publish from a checkout that may not be the newest state


@dataclass
class SyncResult:
    plan: Plan
    report: Report
    commit: str | None = None
    pushed_to: str | None = None
    credentials: dict[str, Credential] = field(default_factory=dict)
    # What the user should hear about the tokens (expiring soon, refreshed, a secret to
    # update): filled by whoever made the clients.
    notices: list[str] = field(default_factory=list)


class Clients:
    """One LinkedIn client per author, each with the token the rules give that author.

    Tokens are refreshed before use when fewer than 7 days remain and once when LinkedIn
    says one expired (see ``accounts.refresh``); ``notices`` collects what the user should
    hear about them (expiring soon, refreshed, which secret to update).
    """

    def __init__(self, config: Config, token: str | None = None,
                 environ: Mapping[str, str] | None = None,
                 logger: logging.Logger | None = None, *,
                 store: TokenStore | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self._made: tuple[Transport, TokenKeeper] | None = None
        self._make = (token, environ, logger, store, clock)
        self._live: dict[str, LiveToken] = {}
        self._clients: dict[str, LinkedInClient] = {}

    @property
    def transport(self) -> Transport:
        return self._parts()[0]

    @property
    def keeper(self) -> TokenKeeper:
        return self._parts()[1]

    def _parts(self) -> tuple[Transport, TokenKeeper]:
        """The transport and the token keeper, made at the first client asked for: a run
        that sends nothing never needs them."""
        if self._made is None:
            from publisher.accounts.refresh import TokenKeeper
            from publisher.linkedin.transport import Transport

            token, environ, logger, store, clock = self._make
            linkedin = self.config.linkedin
            transport = Transport(linkedin.api_base, linkedin.oauth_base, linkedin.version,
                                  logger=logger)
            self._made = transport, TokenKeeper(transport, cli_token=token, environ=environ,
                                                store=store, clock=clock,
                                                apps=self.config.apps)
        return self._made

    def __call__(self, author: str, alias: str | None) -> LinkedInClient:
        from publisher.accounts.refresh import RefreshingToken
        from publisher.linkedin.client import LinkedInClient

        if author not in self._clients:
            live = self.keeper.token_for(alias, author)
            self._live[author] = live
            self._clients[author] = LinkedInClient(self.transport,
                                                   RefreshingToken(self.keeper, live))
        return self._clients[author]

    @property
    def credentials(self) -> dict[str, Credential]:
        """Each author's token as it stands now (after any refresh) and where it came from."""
        return {author: live.credential for author, live in self._live.items()}

    @property
    def notices(self) -> list[str]:
        return self._made[1].notices if self._made is not None else []


# A commit message lists each outcome up to this many; a bigger run gives the counts and
# the first ones (the ledger and the files carry the rest).
LISTED_OUTCOMES = 50


def commit_message(report: Report) -> str:
    counts = [(report.count(r), r) for r in ("created", "updated", "replaced", "deleted",
                                             "moved", "unknown", "failed", "gone",
                                             "expired")]
    head = ", ".join(f"{n} {word}" for n, word in counts if n) or "ledger updated"
    lines = [f"publish: {head}", ""]
    listed = [o for o in report.outcomes if o.result not in ("waiting", "deferred", "skipped")]
    for outcome in listed[:LISTED_OUTCOMES]:
        link = f" {outcome.url}" if outcome.url else ""
        lines.append(f"- {outcome.result} {outcome.post}{link}")
    if len(listed) > LISTED_OUTCOMES:
        lines.append(f"- and {len(listed) - LISTED_OUTCOMES} more (see the ledger)")
    return "\n".join(lines).rstrip() + "\n"


def intents_message(report: Report, posts: list[str]) -> str:
    """The message of a write-ahead commit: what is about to be posted, and what was."""
    done = commit_message(report).split("\n", 1)[0].removeprefix("publish: ")
    head = f"publish: about to post {len(posts)}"
    if report.outcomes:
        head += f" ({done} so far)"
    names = [f"- pending {path}" for path in posts[:LISTED_OUTCOMES]]
    if len(posts) > LISTED_OUTCOMES:
        names.append(f"- and {len(posts) - LISTED_OUTCOMES} more (see the ledger)")
    return "\n".join([head, "", *names]) + "\n"


def _clock_from(now: datetime) -> Callable[[], datetime]:
    """The run's clock: `now` (the real time, or --now in a rehearsal) plus time elapsed.

    Intent times and the re-post window are measured on it, so a rehearsal with --now
    keeps them in the same frame as its plan.
    """
    started = time.monotonic()
    return lambda: now + timedelta(seconds=time.monotonic() - started)


def check_before_posting(config: Config, options: SyncOptions) -> None:
    """Refuse, before the first call to LinkedIn, a sync that would post what it should not
    or could not record what it posted."""
    if options.fixed_clock and not _is_sandbox(config.linkedin.api_base):
        raise PublisherError(
            f"--now only rehearses against the sandbox, and {config.linkedin.api_base} is not "
            "one: LinkedIn posts at its own time, whatever --now says. Run without --now, or "
            "`publish --dry-run --now TIME` to see the plan for TIME"
        )
    blockers = gitops.commit_blockers(config.root, push=options.push) if options.commit else []
    stale = [] if options.allow_stale else gitops.stale_reasons(config.root,
                                                                 config.publish_branch)
    if not blockers and not stale:
        return
    lines = [f"  - {reason}" for reason in (*stale, *blockers)]
    hint = ["(--allow-stale publishes from this checkout as it is, for when you know why)"]
    raise GitError("nothing was posted:\n" + "\n".join(lines + (hint if stale else [])))


def _is_sandbox(api_base: str) -> bool:
    from publisher.linkedin.transport import is_sandbox  # only a rehearsal (--now) asks

    return is_sandbox(api_base)


def run_sync(
    config: Config,
    now: datetime,
    options: SyncOptions,
    client_for: Callable[[str, str | None], LinkedInClient] | None = None,
    progress: Progress | None = None,
    url_ok: Callable[[str], bool] | None = None,
    on_plan: Callable[[Plan], None] | None = None,
) -> SyncResult:
    """Plan and apply under the lock; commit (and push) what changed.

    Before anything else, what an interrupted run left uncommitted is committed. With
    `push`, the intents of each batch of creates are committed and pushed before they are
    posted (docs/exactly-once.md). SIGINT and SIGTERM end the run after the change in
    progress; what it did is committed and pushed as at a normal end.
    """
    with ledger.locked(gitops.lock_path(config.root)):
        check_before_posting(config, options)
        commits: list[str | None] = [_commit_leftovers(config, options)]
        book, plan = make_plan(config, now, options.plan)
        if on_plan is not None:
            on_plan(plan)
        clients = client_for or Clients(config, options.token)
        applier = Applier(config, book, clients, progress=progress, url_ok=url_ok,
                          clock=_clock_from(now))
        if options.push and options.commit:
            applier.write_ahead = _write_ahead(config, applier, commits)
        with _stopping_on_signals(applier):
            report = applier.run(plan)
            result = SyncResult(plan=plan, report=report)
            if isinstance(clients, Clients):
                result.credentials = clients.credentials
            try:
                _commit_and_push(config, options, result, commits)
            except GitError as error:
                # What was posted is in the ledger file and in the intents pushed before;
                # the summary must still be shown, with what went wrong.
                report.stopped = str(error)
                report.exit_code = worse(report.exit_code, EXIT_CONFIG)
        return result


def _commit_and_push(config: Config, options: SyncOptions, result: SyncResult,
                     commits: list[str | None]) -> None:
    if options.commit:
        commits.append(_commit_news(config, result.report.written,
                                    commit_message(result.report)))
    result.commit = next((c for c in reversed(commits) if c), None)
    if options.push and result.commit:
        result.pushed_to = gitops.push(config.root, config.ledger, ledger.merge_texts)


def _write_ahead(config: Config, applier: Applier, commits: list[str | None]
                 ) -> Callable[[list[str]], None]:
    """Commit the ledger (with the batch's intents) and what the run wrote so far; push."""
    def make_durable(posts: list[str]) -> None:
        report = applier.report
        paths = [config.ledger, *[p for p in report.written if p != config.ledger]]
        made = gitops.commit(config.root, paths, intents_message(report, posts))
        commits.append(made)
        gitops.push(config.root, config.ledger, ledger.merge_texts)
        # A rejected push rebased onto what another run pushed: keep its entries too.
        ledger.absorb(applier.book, ledger.load(config.ledger_path, config.ledger))

    return make_durable


def _commit_leftovers(config: Config, options: SyncOptions) -> str | None:
    """Commit what an interrupted run left: its journal folded into the ledger, and the
    post files it wrote URNs into (their blob is the one the ledger recorded)."""
    ledger.recover(config.ledger_path)
    if not options.commit or not gitops.uncommitted(config.root, [config.ledger]):
        return None
    book = ledger.load(config.ledger_path, config.ledger)
    recorded = {path: e.source_blob for path, e in book.posts.items() if e.source_blob}
    changed = gitops.uncommitted(config.root, list(recorded))
    states = gitops.file_states(config.root, [p for p in changed
                                              if (config.root / p).is_file()])
    written = [path for path, state in states.items() if state.blob == recorded[path]]
    return _commit_news(config, [config.ledger, *written],
                        "publish: record what an interrupted run did\n")


def _commit_news(config: Config, paths: list[str], message: str) -> str | None:
    """Commit `paths`, unless the ledger is all they change and only in bookkeeping (then
    the ledger file goes back to its committed text): commits carry news only."""
    paths = list(dict.fromkeys(paths))
    if config.ledger in paths:
        committed = gitops.head_text(config.root, config.ledger)
        current = config.ledger_path.read_text(encoding="utf-8")
        if ledger.bookkeeping_only(committed, current):
            ledger.restore(config.ledger_path, committed)
            paths.remove(config.ledger)
    if not paths:
        return None
    return gitops.commit(config.root, paths, message)


@contextmanager
def _stopping_on_signals(applier: Applier) -> Iterator[None]:
    """SIGINT and SIGTERM (a cancelled CI job) ask the run to stop: the change in progress
    finishes, no new one starts, and the run commits and pushes what it did."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread only
        return

    def stop(number: int, _frame: object) -> None:
        name = signal.Signals(number).name
        applier.stop_requested = (f"stopped by {name}: what was done is committed; "
                                  "the rest is left for the next run")

    previous = {number: signal.signal(number, stop)
                for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
