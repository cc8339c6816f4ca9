"""Whole-file writes that a crash cannot leave half done.

``atomic_write`` is the one way publish replaces a file it owns (the ledger, a post's
write-back, the token store): the bytes go to a temporary file in the same folder, which
is flushed to disk, renamed over the target, and the folder itself is synced, because a
rename is durable only once the folder's entry is on disk. A crash at any point leaves
the old file or the new one, never a mix.
"""

from __future__ import annotations

import os
from pathlib import Path


def atomic_write(path: Path, data: bytes, *, mode: int | None = None,
                 prefix: str = ".publish-") -> None:
    """Replace ``path`` with ``data``.

    ``mode`` is the new file's permission bits; without it an existing file keeps its own,
    and a new one gets the temporary file's 0600. ``mode`` is set before any byte is
    written, so a secret is never readable by others, not even for a moment.
    """
    import tempfile  # only writes need it: a plan starts without it

    fd, temp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=path.parent)
    try:
        if mode is None and path.exists():
            mode = path.stat().st_mode & 0o7777
        if mode is not None:
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Put the folder's entries (a rename, a new file) on disk; a no-op where the platform
    cannot open a folder."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
