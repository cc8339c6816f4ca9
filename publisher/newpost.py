"""`publish new`: a valid post skeleton at posts/YYYY/MM/slug.md."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from publisher.config import Config
from publisher.errors import PublisherError
from publisher.schedule import TimeError, parse_time

SKELETON = """\
---
{author_line}
{schedule_line}
status: draft                 # remove this line when the post is ready to publish
---
{title}

Write the post here. To mention someone, type an at sign and a handle from [mentions]
in publish.toml; add #hashtags; keep the hook in the first two lines: LinkedIn folds
the rest.
"""


def slugify(title: str) -> str:
    """'Hello, World: v2!' -> 'hello-world-v2'."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:60].rstrip("-") or "post"


def create(
    config: Config,
    title: str,
    author: str | None = None,
    schedule: str | None = None,
    date_text: str | None = None,
) -> str:
    """Write the skeleton; return its path from the repo root."""
    if not title.strip():
        raise PublisherError('the title is empty: publish new "What we shipped"')
    if author is not None and config.author_urn(author) is None:
        known = ", ".join(sorted(config.authors)) or "none"
        raise PublisherError(f"unknown author '{author}': use an alias from [authors] ({known})")
    day = _day(date_text, schedule, config)
    relative = f"{config.posts_dir}/{day:%Y}/{day:%m}/{slugify(title)}.md"
    target = config.root / relative
    if target.exists():
        raise PublisherError(f"{relative} exists already: choose another title")
    target.parent.mkdir(parents=True, exist_ok=True)
    author_line = (
        f"author: {author}"
        if author
        else "# author: alias from [authors]; default [defaults].author"
    )
    schedule_line = (
        f"schedule: {schedule}"
        if schedule
        else "# schedule: 2026-12-01 09:00   # absent: publish on the next sync"
    )
    target.write_text(
        SKELETON.format(author_line=author_line, schedule_line=schedule_line, title=title.strip()),
        encoding="utf-8",
    )
    return relative


def _day(date_text: str | None, schedule: str | None, config: Config) -> date:
    zone = config.defaults.zone
    if date_text:
        try:
            return date.fromisoformat(date_text)
        except ValueError:
            raise PublisherError(f"--date '{date_text}' is not a date like 2026-12-01") from None
    if schedule:
        try:
            return parse_time(schedule, config.defaults.timezone).utc.astimezone(zone).date()
        except TimeError as error:
            raise PublisherError(f"--schedule: {error}") from None
    return datetime.now(zone).date()
