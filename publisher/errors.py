"""Errors and diagnostics shared by every part of the publisher.

The tree::

    PublisherError                 anything the tool reports as "Error: ..." (exit 2 unless said)
    ├── ConfigError                publish.toml or the environment is wrong          (exit 2)
    ├── ValidationError            posts are invalid; carries every Diagnostic       (exit 1)
    ├── LedgerError                the ledger cannot be read or written              (exit 2)
    ├── GitError                   the repository is not in a state we can work in   (exit 2)
    └── LockError                  another sync holds the lock on this checkout      (exit 2)

The LinkedIn client has its own tree in ``publisher.linkedin.errors``; it imports nothing
from here so that it can be reused on its own. ``publisher.api.exit_code_for`` gives any
error of either tree (and of the HTTP library under the client) its exit code.

The exit codes, one table for the library and the command line::

    EXIT_OK        0   done, or nothing to do
    EXIT_FAILED    1   a post failed or is invalid or held; a check found a problem;
                       LinkedIn refused or could not be reached outside a post
    EXIT_CONFIG    2   usage or configuration, a retired API version, the lock, git
    EXIT_AUTH      3   a token is missing, expired or revoked, or a login failed
    EXIT_DEFERRED 75   rate limited or stopped by a signal: run again later
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]

EXIT_OK, EXIT_FAILED, EXIT_CONFIG, EXIT_AUTH, EXIT_DEFERRED = 0, 1, 2, 3, 75
# Which exit code wins when several things happened: configuration, then authentication,
# then failed posts, then deferred ones.
EXIT_PRIORITY = (EXIT_CONFIG, EXIT_AUTH, EXIT_FAILED, EXIT_DEFERRED, EXIT_OK)


def spelling(char: str) -> str:
    """How a character that must not act on the output is written instead: `\\x1b`,
    `\\u2028`."""
    code = ord(char)
    return f"\\x{code:02x}" if code < 256 else f"\\u{code:04x}"


# The C0 and C1 control characters but tab and line feed: what a terminal or a CI log acts
# on (an escape sequence recolours or hides a line, a carriage return overwrites one).
_CONTROLS = {code: spelling(chr(code)) for code in (*range(0x20), *range(0x7F, 0xA0))
             if code not in (0x09, 0x0A)}


def spelled_out(text: str) -> str:
    """`text` for people to read, with each control character spelled out (`\\x1b`): a
    file name or a post's text may come from a stranger's pull request."""
    return text.translate(_CONTROLS)


def worse(a: int, b: int) -> int:
    return a if EXIT_PRIORITY.index(a) <= EXIT_PRIORITY.index(b) else b


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem found in a file, shown as ``path:line: severity: message``."""

    path: str
    line: int | None
    severity: Severity
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return spelled_out(f"{where}: {self.severity}: {self.message}")

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "severity": self.severity,
            "message": self.message,
        }


class PublisherError(Exception):
    """A problem the user can act on; the message says what and how."""

    exit_code = EXIT_CONFIG


class ConfigError(PublisherError):
    """publish.toml or the environment is invalid."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(str(d) for d in diagnostics))


class ValidationError(PublisherError):
    """One or more posts are invalid."""

    exit_code = EXIT_FAILED

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(str(d) for d in diagnostics))


class LedgerError(PublisherError):
    """The state ledger is unreadable, of an unknown version, or cannot be written."""


class GitError(PublisherError):
    """The repository is missing or in a state the command cannot work with."""


class LockError(PublisherError):
    """Another sync holds the lock on this checkout."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return " (did you mean 'x'?)" for the closest choice, or "" when none is close."""
    import difflib

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
