"""Errors and diagnostics shared by every part of the publisher.

The tree::

    PublisherError                 anything the tool reports as "Error: ..." (exit 2 unless said)
    ├── ConfigError                publish.toml or the environment is wrong          (exit 2)
    ├── ValidationError            posts are invalid; carries every Diagnostic       (exit 1)
    ├── LedgerError                the ledger cannot be read or written              (exit 2)
    ├── GitError                   the repository is not in a state we can work in   (exit 2)
    └── LockError                  another sync holds the lock on this checkout      (exit 2)

The LinkedIn client has its own tree in ``publisher.linkedin.errors``; it imports nothing
from here so that it can be reused on its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem found in a file, shown as ``path:line: severity: message``."""

    path: str
    line: int | None
    severity: Severity
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.severity}: {self.message}"

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "severity": self.severity,
            "message": self.message,
        }


class PublisherError(Exception):
    """A problem the user can act on; the message says what and how."""

    exit_code = 2


class ConfigError(PublisherError):
    """publish.toml or the environment is invalid."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(str(d) for d in diagnostics))


class ValidationError(PublisherError):
    """One or more posts are invalid."""

    exit_code = 1

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
