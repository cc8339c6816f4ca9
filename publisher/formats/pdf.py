"""PDF: the page count, through pypdf (imported when a PDF is read, not before)."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

from publisher.formats.common import UnreadableError

# pypdf reports recoverable damage through the "pypdf" logger. Without a handler anywhere,
# Python's last-resort handler would write those lines to stderr; this library does not
# print, so it gives the logger a handler that drops them (an application that configures
# logging still receives them through propagation).
logging.getLogger("pypdf").addHandler(logging.NullHandler())


class PasswordProtectedError(UnreadableError):
    """The PDF opens only with a password."""


def pdf_pages(path: Path) -> int:
    """The number of pages; PasswordProtectedError, or UnreadableError with the reason."""
    import pypdf

    try:
        with warnings.catch_warnings(), path.open("rb") as file:
            warnings.simplefilter("ignore")  # damage pypdf can repair is not our problem
            reader = pypdf.PdfReader(file)  # a file object: pypdf seeks instead of copying
            if reader.is_encrypted and not reader.decrypt(""):
                raise PasswordProtectedError("protected by a password")
            return len(reader.pages)
    except UnreadableError:
        raise
    except Exception as error:  # pypdf raises many types on damaged files
        raise UnreadableError(f"{type(error).__name__}: {error}") from None
