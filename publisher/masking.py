"""The one way publish shows a secret: ``mask``, used by the client's logs and errors, the
token store and the CLI alike."""

from __future__ import annotations


def mask(secret: str) -> str:
    """``AQX…4f2``: enough to tell two tokens apart, never enough to use one.

    Under 12 characters, six shown would be half of the secret or more: nothing is shown."""
    if len(secret) < 12:
        return "…"
    return f"{secret[:3]}…{secret[-3:]}"
