"""What every format reader shares: the error for a broken file, and how much to sniff."""

from __future__ import annotations

from typing import Literal

# The families of media a post can carry; a format belongs to one of them or to none.
MediaKind = Literal["image", "video", "document", "captions"]

HEAD_BYTES = 4096  # enough for every magic number, MP4 brand list and text sniff
TEXT_LIMIT = 1024 * 1024  # the most read of one ZIP member ([Content_Types].xml, app.xml)


class UnreadableError(Exception):
    """The file claims a format but its structure is broken; the message says where."""
