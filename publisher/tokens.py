"""Which access token each author uses, and the local token store.

Resolution, first match wins (documented in docs/auth.md):

1. `--token` on the command line (one token for every author of the run);
2. `LINKEDIN_ACCESS_TOKEN_<ALIAS>` (alias upper-cased, other characters as `_`);
3. `LINKEDIN_ACCESS_TOKEN`;
4. the store that `publish login` writes: `tokens.json` in the user config folder,
   mode 0600, one record per author alias (or per URN for an author without an alias).

The store also keeps what a later refresh needs: the refresh token and the app's client
id and secret, so that a token refreshed on this machine needs no environment at all, and
which of the two apps (``member`` or ``page``) issued the token.

A token is never printed whole: `mask` (``publisher.masking``, the client's too) shows
its first and last three characters, and nothing of a token shorter than 12.

Every token is checked where it is read (`resolve`): LinkedIn's access tokens are printable
ASCII with no spaces, so a token with a line break at its end (a secret set with `echo`),
a character beyond ASCII (the masked form `AQX…4f2` pasted back), or a run of `***` or
`...` (the masked forms of other tools and of GitHub's logs) is refused with the reason,
instead of failing every call later (or crashing the HTTP library).
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

from publisher.errors import EXIT_AUTH, PublisherError
from publisher.files import atomic_write
from publisher.masking import mask

STORE_NAME = "tokens.json"
TOKEN_TEXT = re.compile(r"[!-~]+")  # printable ASCII, no space
# How masked secrets are shown: GitHub's logs print "***", other tools "AQV*****x7Q" or
# "AQV...x7Q". No LinkedIn token holds such a run.
MASKED = re.compile(r"\*{2,}|\.{3,}")


class TokenError(PublisherError):
    """No usable token for an author; the message says how to get one."""

    exit_code = EXIT_AUTH


@dataclass
class StoredToken:
    """One author's record in the store; secrets are kept out of ``repr``."""

    access_token: str = field(repr=False)
    expires_at: float | None = None            # epoch seconds
    scopes: list[str] = field(default_factory=list)
    refresh_token: str | None = field(default=None, repr=False)
    refresh_expires_at: float | None = None
    person_urn: str | None = None
    name: str | None = None
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    app: str | None = None                     # "member" or "page": the app that issued it

    @classmethod
    def from_json(cls, record: Mapping[str, Any]) -> StoredToken:
        """A record; keys this version does not know (written by a newer one) are ignored."""
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in record.items() if key in known})


@dataclass(frozen=True)
class Credential:
    """The token an author will use and where it came from (never the token in repr)."""

    token: str = field(repr=False)
    source: str                               # e.g. "LINKEDIN_ACCESS_TOKEN_ACME" or "store"
    alias: str | None = None
    stored: StoredToken | None = field(default=None, repr=False)

    @property
    def masked(self) -> str:
        return mask(self.token)


def env_name(alias: str | None) -> str:
    if not alias:
        return "LINKEDIN_ACCESS_TOKEN"
    return "LINKEDIN_ACCESS_TOKEN_" + re.sub(r"[^A-Z0-9]", "_", alias.upper())


def store_key(alias: str | None, author_urn: str) -> str:
    """The store keeps a token per alias; an author written as a bare URN is keyed by it."""
    return alias or author_urn


def default_store_path(environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    override = environ.get("PUBLISH_TOKEN_STORE")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir("linkedin-publish")) / STORE_NAME


class TokenStore:
    """tokens.json: {alias: StoredToken}; written atomically (``atomic_write``) with mode 0600."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, StoredToken]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return {alias: StoredToken.from_json(record) for alias, record in data.items()}
        except (OSError, ValueError, TypeError) as error:
            raise TokenError(
                f"the token store {self.path} is unreadable ({type(error).__name__}): "
                "delete it and run `publish login` again"
            ) from None

    def get(self, alias: str) -> StoredToken | None:
        return self.load().get(alias)

    def put(self, alias: str, token: StoredToken) -> None:
        records = self.load()
        records[alias] = token
        self._write(records)

    def remove(self, alias: str | None) -> list[str]:
        """Remove one alias (or all when None); return the aliases removed."""
        records = self.load()
        removed = sorted(records) if alias is None else [a for a in records if a == alias]
        for name in removed:
            del records[name]
        self._write(records)
        return removed

    def _write(self, records: dict[str, StoredToken]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        data: dict[str, Any] = {alias: asdict(token) for alias, token in sorted(records.items())}
        text = json.dumps(data, indent=2, sort_keys=True) + "\n"
        atomic_write(self.path, text.encode("utf-8"), mode=0o600, prefix=".tokens-")


def resolve(
    alias: str | None,
    author_urn: str,
    cli_token: str | None = None,
    environ: Mapping[str, str] | None = None,
    store: TokenStore | None = None,
) -> Credential:
    """The token for an author, by the documented order; TokenError when there is none."""
    environ = os.environ if environ is None else environ
    if cli_token:
        return Credential(checked_token(cli_token, "--token"), "--token", alias)
    if alias:
        specific = environ.get(env_name(alias))
        if specific:
            return Credential(checked_token(specific, env_name(alias)), env_name(alias), alias)
    general = environ.get("LINKEDIN_ACCESS_TOKEN")
    if general:
        token = checked_token(general, "LINKEDIN_ACCESS_TOKEN")
        return Credential(token, "LINKEDIN_ACCESS_TOKEN", alias)
    store = store or TokenStore(default_store_path(environ))
    stored = store.get(store_key(alias, author_urn))
    if stored:
        source = f"store ({store.path})"
        return Credential(checked_token(stored.access_token, source), source, alias, stored)
    who = f"author '{alias}' ({author_urn})" if alias else author_urn
    login = f"publish login --author {store_key(alias, author_urn)}"
    raise TokenError(
        f"no LinkedIn token for {who}: set {env_name(alias)} (or LINKEDIN_ACCESS_TOKEN), "
        f"or run `{login}`"
    )


def checked_token(token: object, source: str) -> str:
    """`token` when it can be a LinkedIn access token; else TokenError naming `source` and
    the first character that cannot be in one (never the token itself)."""
    if not isinstance(token, str) or not token:
        raise TokenError(f"the token from {source} is empty: set it to the whole access token")
    if not TOKEN_TEXT.fullmatch(token):
        position, char = next((i, c) for i, c in enumerate(token)
                              if not TOKEN_TEXT.fullmatch(c))
        raise TokenError(f"the token from {source} {_token_problem(token, position, char)}")
    masked = MASKED.search(token)
    if masked is not None:
        raise TokenError(f"the token from {source} holds '{masked.group()}', so it is a masked "
                         "form (like AQX…4f2 or AQX***4f2), not the token: paste the whole "
                         "access token")
    return token


def _token_problem(token: str, position: int, char: str) -> str:
    name = f"U+{ord(char):04X} {unicodedata.name(char, 'control character').lower()}"
    if char in "\r\n" and not token[position:].strip():
        return ("ends with a line break, which LinkedIn refuses in every call: set it "
                "without one (printf '%s' \"$TOKEN\", not echo; or trim the secret)")
    if char == "…":
        return ("holds '…', so it is the masked form that publish prints (like AQX…4f2), "
                "not the token: paste the whole access token")
    if char.isspace() or not char.isprintable():
        return (f"holds a {name} at character {position + 1}; an access token has no "
                "spaces or line breaks: paste it again as one line")
    return (f"holds a {name} at character {position + 1}; an access token is plain ASCII: "
            "paste it again, copied from LinkedIn or `publish login`")
