"""A repository of posts with every card the preview draws: each image layout, document,
video, article, a folded text with mentions and hashtags, a missing alt text, a text over
LinkedIn's limit. The preview tests and the browser tests both build it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.builders import mp4, pdf, png_bytes, repository
from tests.support import commit_all

NOW = datetime(2026, 11, 30, 11, 0, tzinfo=UTC)
COLORS = ["#1f4e79", "#7a2e2e", "#2e6b3a", "#5b3a7a", "#7a5b1f", "#1f6b6b"]

FOLDED = """\
Big news from @acme today, and thanks to @jane for the help.

A second paragraph that pushes the third line past the fold, so a reader has to click.

The third paragraph stays behind "see more" with its #Launch hashtag.
"""


CAPTIONS = ("1\n00:00:00,000 --> 00:00:03,000\nWelcome to Acme Sync.\n\n"
            "2\n00:00:03,500 --> 00:00:06,000\nTwo minutes & <i>no</i> more.\n")


def _images(count: int, *, missing_alt: int | None = None) -> str:
    lines = ["images:"]
    for index in range(count):
        lines.append(f"  - path: media/img{index}.png")
        if index != missing_alt:
            lines.append(f"    alt: Picture {index + 1} of {count}, a plain colored block")
    return "\n".join(lines)


def _post(front: str, body: str, day: int) -> str:
    return f"---\nschedule: 2026-12-{day:02d} 09:00\n{front}\n---\n{body}"


def gallery_files() -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        f"posts/media/img{index}.png": png_bytes(640, 480, color)
        for index, color in enumerate(COLORS)
    }
    files["posts/media/thumb.png"] = png_bytes(1200, 627, "#0a66c2")
    files["posts/folded.md"] = _post("author: jane", FOLDED, 1)
    for day, count in ((2, 1), (3, 2), (4, 3), (5, 4), (6, 6)):
        files[f"posts/images-{count}.md"] = _post(_images(count), f"{count} images here.", day)
    files["posts/no-alt.md"] = _post(_images(2, missing_alt=1), "One image lacks alt text.", 7)
    files["posts/document.md"] = _post(
        "document: {path: media/checklist.pdf, title: The release checklist}", "Read it.", 8)
    files["posts/video.md"] = _post(
        "video: {path: media/clip.mp4, title: Two minutes of Acme Sync, "
        "thumbnail: media/thumb.png, captions: media/clip.srt}", "Watch it.", 9)
    files["posts/media/clip.srt"] = CAPTIONS
    files["posts/article.md"] = _post(
        "article:\n  url: https://example.com/story\n  title: How Globex ships\n"
        "  thumbnail: media/thumb.png", "Read the story.", 10)
    files["posts/too-long.md"] = _post("", "word " * 620, 11)
    files["posts/next-sync.md"] = "---\nauthor: acme\n---\nNo schedule: out on the next sync.\n"
    return files


def build_gallery(root: Path) -> Path:
    """The gallery as a committed git repository in `root` (created); returns `root`."""
    repository(root, gallery_files(), commit=False)
    pdf(root / "posts/media/checklist.pdf", pages=3)
    mp4(root / "posts/media/clip.mp4", size=80_000, seconds=125)
    commit_all(root)
    return root
