"""Each author's token during a run: refreshed before use, and once on expiry.

``TokenKeeper`` resolves each author's token once per run and refreshes it when fewer
than 7 days remain; ``RefreshingToken`` is the transport's token hook, which supplies the
current token and, when LinkedIn answers 401 EXPIRED_ACCESS_TOKEN, refreshes it once so
that the transport sends the call again. A 401 means LinkedIn did nothing, so sending a
create again cannot post twice.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from publisher.accounts.apps import DAY, App, Clock, app_kind, days_text, token_app
from publisher.config import AppSettings
from publisher.linkedin import errors as li
from publisher.linkedin import oauth
from publisher.linkedin.transport import Transport
from publisher.tokens import Credential, TokenStore, default_store_path, resolve, store_key

REFRESH_WITHIN_DAYS = 7
WARN_WITHIN_DAYS = 14


@dataclass
class LiveToken:
    """One author's token for the length of a run."""

    credential: Credential
    key: str
    refresh_token: str | None = field(default=None, repr=False)
    app: App | None = None
    expires_at: float | None = None
    retried: bool = False          # the refresh on 401 happens once per run

    @property
    def token(self) -> str:
        return self.credential.token

    @property
    def refreshable(self) -> bool:
        return bool(self.refresh_token and self.app)

    @property
    def who(self) -> str:
        return self.credential.alias or self.key


def refresh_token_for(credential: Credential, environ: Mapping[str, str]) -> str | None:
    """The refresh token that belongs with the access token: from the same place."""
    if credential.stored is not None:
        return credential.stored.refresh_token
    if credential.source.startswith("LINKEDIN_ACCESS_TOKEN"):
        return environ.get(credential.source.replace("ACCESS", "REFRESH", 1)) or None
    return None


class TokenKeeper:
    """Resolves each author's token once per run, refreshes it when due, collects warnings."""

    def __init__(self, transport: Transport, *, cli_token: str | None = None,
                 environ: Mapping[str, str] | None = None, store: TokenStore | None = None,
                 clock: Clock = time.time, apps: Mapping[str, AppSettings] | None = None,
                 ) -> None:
        self.transport = transport
        self.cli_token = cli_token
        self.environ = os.environ if environ is None else environ
        self.store = store or TokenStore(default_store_path(self.environ))
        self.clock = clock
        self.apps = apps or {}
        self.notices: list[str] = []
        self._live: dict[tuple[str, str], LiveToken] = {}

    def token_for(self, alias: str | None, author: str) -> LiveToken:
        """The author's token, refreshed first when fewer than 7 days remain."""
        credential = resolve(alias, author, self.cli_token, self.environ, self.store)
        # Authors sharing one token share its refresh too.
        shared = (credential.source, credential.token)
        if shared not in self._live:
            live = LiveToken(credential, store_key(alias, author),
                             refresh_token_for(credential, self.environ),
                             token_app(app_kind(author), self.environ, self.apps,
                                       credential.stored))
            self._prepare(live)
            self._live[shared] = live
        return self._live[shared]

    def _prepare(self, live: LiveToken) -> None:
        stored = live.credential.stored
        live.expires_at = stored.expires_at if stored else self._introspected_expiry(live)
        left = self._days_left(live)
        if left is not None and left < REFRESH_WITHIN_DAYS and live.refreshable:
            self.refresh(live, f"{days_text(left)} left")
            left = self._days_left(live)
        if left is not None and left < WARN_WITHIN_DAYS:
            self.notices.append(expiry_warning(live, left))

    def _introspected_expiry(self, live: LiveToken) -> float | None:
        """An environment token's expiry is only known by asking, with the app's credentials."""
        if live.app is None:
            return None
        try:
            found = oauth.introspect(self.transport, live.token, live.app.client_id,
                                     live.app.client_secret)
        except li.LinkedInError:
            return None
        return float(found.expires_at) if found.expires_at else None

    def _days_left(self, live: LiveToken) -> float | None:
        return None if live.expires_at is None else (live.expires_at - self.clock()) / DAY

    def refresh(self, live: LiveToken, why: str) -> bool:
        """Trade the refresh token for a new access token; False (and a notice) if refused."""
        if live.refresh_token is None or live.app is None:
            return False
        try:
            answer = oauth.refresh(self.transport, live.refresh_token, live.app.client_id,
                                   live.app.client_secret)
        except li.LinkedInError as error:
            self.notices.append(
                f"could not refresh the token of {live.who} ({live.credential.masked}, from "
                f"{live.credential.source}): {error}; run `publish login --author {live.key}`")
            return False
        old = live.credential
        now = self.clock()
        live.expires_at = now + answer.expires_in if answer.expires_in else None
        live.refresh_token = answer.refresh_token or live.refresh_token
        live.credential = replace(old, token=answer.access_token)
        self._keep(live, old, answer, why, now)
        return True

    def _keep(self, live: LiveToken, old: Credential, answer: oauth.TokenResponse, why: str,
              now: float) -> None:
        """Save a refreshed token where it came from, or say which secret to update."""
        stored = old.stored
        if stored is not None:
            refresh_expires = (now + answer.refresh_token_expires_in
                               if answer.refresh_token_expires_in else stored.refresh_expires_at)
            record = replace(stored, access_token=answer.access_token,
                             expires_at=live.expires_at, refresh_token=live.refresh_token,
                             refresh_expires_at=refresh_expires,
                             scopes=list(answer.scopes) or stored.scopes)
            # One login may serve several authors: all their records get the new token.
            sharing = [key for key, other in self.store.load().items()
                       if other.access_token == old.token]
            for key in sharing or [live.key]:
                self.store.put(key, record)
            live.credential = replace(live.credential, stored=record)
            return
        kind = "secret" if self.environ.get("GITHUB_ACTIONS") == "true" else "variable"
        self.notices.append(
            f"refreshed the token of {live.who} ({why}): {old.masked} -> {answer.masked}. "
            f"The {kind} {old.source} still holds {old.masked}; update it with a new token "
            f"(see docs/auth.md) so that each run need not refresh it")


def expiry_warning(live: LiveToken, days_left: float) -> str:
    credential = live.credential
    where = f"{credential.masked}, from {credential.source}"
    if days_left < 0:
        state = "has expired"
    else:
        when = datetime.fromtimestamp(live.expires_at or 0, UTC).strftime("%Y-%m-%d")
        state = f"expires in {days_text(days_left)} ({when})"
    fix = ("it is refreshed automatically" if live.refreshable
           else f"run `publish login --author {live.key}` and update {credential.source}"
           if credential.stored is None else f"run `publish login --author {live.key}`")
    return f"the LinkedIn token of {live.who} ({where}) {state}: {fix}"


class RefreshingToken:
    """The transport's token hook for one author: the current token, refreshed once on expiry.

    Called with nothing, it names the token to send. Called with LinkedIn's 401
    EXPIRED_ACCESS_TOKEN, it refreshes the token (once per run: a token refreshed and
    refused again will not be fixed by a third try) and names the new one, or None when
    the refusal stands.
    """

    def __init__(self, keeper: TokenKeeper, live: LiveToken) -> None:
        self.keeper = keeper
        self.live = live

    def __call__(self, expired: li.ExpiredToken | None = None) -> str | None:
        if expired is None:
            return self.live.token
        if self.live.retried:
            return None
        self.live.retried = True
        if not self.keeper.refresh(self.live, "LinkedIn answered 401 EXPIRED_ACCESS_TOKEN"):
            return None
        return self.live.token

    def __repr__(self) -> str:
        return f"RefreshingToken({self.live.credential.masked})"
