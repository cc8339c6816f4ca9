"""One sync, start to end: lock, plan, apply, commit, push.

This is what `publish` runs (and `publish demo` on the sandbox). It holds the lock on
the checkout for the whole run, so two syncs never interleave their ledger writes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from publisher import gitops, ledger
from publisher.apply import Applier, Progress, Report
from publisher.auth import AuthorTransport, LiveToken, TokenKeeper
from publisher.config import Config
from publisher.linkedin.client import LinkedInClient
from publisher.linkedin.transport import Transport
from publisher.plan import Plan, PlanOptions
from publisher.sources import make_plan
from publisher.tokens import Credential, TokenStore


@dataclass(frozen=True)
class SyncOptions:
    plan: PlanOptions = field(default_factory=PlanOptions)
    push: bool = False
    commit: bool = True
    token: str | None = None


@dataclass
class SyncResult:
    plan: Plan
    report: Report
    commit: str | None = None
    pushed_to: str | None = None
    credentials: dict[str, Credential] = field(default_factory=dict)


class Clients:
    """One LinkedIn client per author, each with the token the rules give that author.

    Tokens are refreshed before use when fewer than 7 days remain and once when LinkedIn
    says one expired (see ``auth``); ``notices`` collects what the user should hear about
    them (expiring soon, refreshed, which secret to update).
    """

    def __init__(self, config: Config, token: str | None = None,
                 environ: Mapping[str, str] | None = None,
                 logger: logging.Logger | None = None, *,
                 store: TokenStore | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self.transport = Transport(config.linkedin.api_base, config.linkedin.oauth_base,
                                   config.linkedin.version, logger=logger)
        self.keeper = TokenKeeper(self.transport, cli_token=token, environ=environ,
                                  store=store, clock=clock)
        self._live: dict[str, LiveToken] = {}
        self._clients: dict[str, LinkedInClient] = {}

    def __call__(self, author: str, alias: str | None) -> LinkedInClient:
        if author not in self._clients:
            live = self.keeper.token_for(alias, author)
            self._live[author] = live
            self._clients[author] = LinkedInClient(
                AuthorTransport(self.transport, self.keeper, live), live.token)
        return self._clients[author]

    @property
    def credentials(self) -> dict[str, Credential]:
        """Each author's token as it stands now (after any refresh) and where it came from."""
        return {author: live.credential for author, live in self._live.items()}

    @property
    def notices(self) -> list[str]:
        return self.keeper.notices


def commit_message(report: Report) -> str:
    counts = [(report.count(r), r) for r in ("created", "updated", "replaced", "deleted",
                                             "moved", "unknown", "failed")]
    head = ", ".join(f"{n} {word}" for n, word in counts if n) or "ledger updated"
    lines = [f"publish: {head}", ""]
    for outcome in report.outcomes:
        if outcome.result in ("waiting", "deferred", "skipped"):
            continue
        link = f" {outcome.url}" if outcome.url else ""
        lines.append(f"- {outcome.result} {outcome.post}{link}")
    return "\n".join(lines).rstrip() + "\n"


def _clock_from(now: datetime) -> Callable[[], datetime]:
    """The run's clock: `now` (the real time, or --now in a rehearsal) plus time elapsed.

    Intent times and the re-post window are measured on it, so a rehearsal with --now
    keeps them in the same frame as its plan.
    """
    started = time.monotonic()
    return lambda: now + timedelta(seconds=time.monotonic() - started)


def run_sync(
    config: Config,
    now: datetime,
    options: SyncOptions,
    client_for: Callable[[str, str | None], LinkedInClient] | None = None,
    progress: Progress | None = None,
    url_ok: Callable[[str], bool] | None = None,
    on_plan: Callable[[Plan], None] | None = None,
) -> SyncResult:
    """Plan and apply under the lock; commit (and push) what changed."""
    with ledger.locked(gitops.lock_path(config.root)):
        book, plan = make_plan(config, now, options.plan)
        if on_plan is not None:
            on_plan(plan)
        clients = client_for or Clients(config, options.token)
        applier = Applier(config, book, clients, progress=progress, url_ok=url_ok,
                          clock=_clock_from(now))
        report = applier.run(plan)
        result = SyncResult(plan=plan, report=report)
        if isinstance(clients, Clients):
            result.credentials = clients.credentials
        if options.commit and report.written:
            result.commit = gitops.commit(config.root, report.written, commit_message(report))
        if options.push and result.commit:
            result.pushed_to = gitops.push(config.root, config.ledger, ledger.merge_texts)
        return result
