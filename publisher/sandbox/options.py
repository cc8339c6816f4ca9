"""The sandbox's switches, for behaviours the reference leaves open or that tests vary.

Every option can be given to ``running_sandbox(**options)`` and changed at run time with
``POST /_sandbox/config``. docs/sandbox.md describes each one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

# Content kinds whose posts come back as urn:li:ugcPost (linkedin-api.md 4.3, unverified rule).
DEFAULT_UGC_CONTENT = ("video", "document", "multiImage", "poll")
# LinkedIn's uploadInstructions cut a video into parts of 4 MiB, the last one shorter
# (docs/sandbox.md, initializeUpload). Clients must follow the instructions, not assume it.
VIDEO_PART_BYTES = 4 * 1024 * 1024
CONTENT_KINDS = ("text", "image", "video", "document", "multiImage", "article", "poll",
                 "celebration", "reference")


@dataclass
class Options:
    strict_little_text: bool = False        # unescaped reserved character: 400 instead of a cut
    commentary_on_read: str = "shown"       # GET returns the commentary "shown" or "received"
    duplicate_window_seconds: float = 600.0
    duplicate_match: str = "content"        # what makes a duplicate: "content" or "text"
    member_daily_limit: int = 100_000       # calls per member, app and resource per UTC day
    app_daily_limit: int = 1_000_000        # calls per app and resource per UTC day
    active_versions: list[str] | None = None    # None: the 12 months up to the clock's month
    ugc_post_content: list[str] = field(default_factory=lambda: list(DEFAULT_UGC_CONTENT))
    media_processing_seconds: float = 0.0   # sandbox-clock seconds from upload to AVAILABLE
    media_processing_polls: int = 0         # status reads that still answer PROCESSING
    strict_restli: bool = True              # reject percent-encoded structure, literal ':'
    require_protocol_header: bool = True    # X-Restli-Protocol-Version: 2.0.0 on /rest
    finder_total: bool = False              # add paging.total to the posts finder
    upload_url_ttl_seconds: float = 86_400.0
    video_part_bytes: int = VIDEO_PART_BYTES    # the size of a video part in uploadInstructions

    def update(self, changes: Mapping[str, Any]) -> None:
        """Apply changes, refusing unknown names and wrong values with ValueError; a refused
        change leaves every option as it was."""
        known = {f.name for f in fields(self)}
        trial = replace(self)
        for name, value in changes.items():
            if name not in known:
                raise ValueError(f"unknown sandbox option {name!r}; known: {sorted(known)}")
            setattr(trial, name, _checked(name, value, getattr(trial, name)))
        trial._check()
        for name in changes:
            setattr(self, name, getattr(trial, name))

    def _check(self) -> None:
        if self.commentary_on_read not in ("received", "shown"):
            raise ValueError("commentary_on_read must be 'received' or 'shown'")
        if self.duplicate_match not in ("content", "text"):
            raise ValueError("duplicate_match must be 'content' or 'text'")
        if self.video_part_bytes < 1:
            raise ValueError("video_part_bytes must be at least 1")
        unknown = set(self.ugc_post_content) - set(CONTENT_KINDS)
        if unknown:
            raise ValueError(f"ugc_post_content: unknown content kinds {sorted(unknown)}")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _checked(name: str, value: Any, current: Any) -> Any:
    if name == "active_versions":
        if value is None or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            return value
        raise ValueError("active_versions must be null or a list of 'YYYYMM' strings")
    if isinstance(current, bool):
        if not isinstance(value, bool):
            raise ValueError(f"{name} must be true or false")
        return value
    if isinstance(current, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{name} must be an integer")
        return value
    if isinstance(current, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{name} must be a number")
        return float(value)
    if isinstance(current, list):
        if not isinstance(value, list | tuple):
            raise ValueError(f"{name} must be a list")
        return list(value)
    if not isinstance(value, type(current)):
        raise ValueError(f"{name} must be a {type(current).__name__}")
    return value


def options_from(mapping: Mapping[str, Any]) -> Options:
    options = Options()
    options.update(mapping)
    return options
