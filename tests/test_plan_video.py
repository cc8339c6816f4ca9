"""The plan names a video's thumbnail and captions, or says they are not set: in the
Markdown plan a reviewer reads in the pull request, and in the verbose text plan."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from publisher.cli import cli
from tests.builders import mp4, png_bytes
from tests.support import commit_all

SRT = "1\n00:00:00,500 --> 00:00:02,000\nHello.\n\n2\n00:00:02,500 --> 00:00:04,000\nBye.\n"
WITH = "{path: media/clip.mp4, title: The clip, thumbnail: media/poster.png, captions: media/clip.srt}"
WITHOUT = "{path: media/clip.mp4, title: Bare clip}"


def repo(make_repo: Callable[..., Path]) -> Path:
    root = make_repo({
        "posts/a-extras.md": f"---\nauthor: acme\nvideo: {WITH}\n---\nA clip with extras.\n",
        "posts/b-bare.md": f"---\nauthor: acme\nvideo: {WITHOUT}\n---\nA clip without.\n",
        "posts/media/poster.png": png_bytes(),
        "posts/media/clip.srt": SRT,
    })
    mp4(root / "posts/media/clip.mp4", 100_000)
    commit_all(root, "the clip")
    return root


def plan(root: Path, *options: str) -> str:
    result = CliRunner().invoke(cli, ["--repo", str(root), "--dry-run", *options,
                                      "--now", "2026-12-01T10:00Z"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def section(output: str, post: str) -> str:
    return output.split(f"### `{post}` — create")[1].split("### ", maxsplit=1)[0]


def test_the_markdown_plan_lists_thumbnail_and_captions(make_repo: Callable[..., Path]) -> None:
    output = plan(repo(make_repo), "--format", "markdown")
    extras = section(output, "posts/a-extras.md")
    assert "- 🎞 `posts/media/clip.mp4` — `The clip`\n" in extras
    assert "  - thumbnail: `posts/media/poster.png` (set)\n" in extras
    assert "  - captions: `posts/media/clip.srt` (set, 2 cues)\n" in extras
    bare = section(output, "posts/b-bare.md")
    assert "  - thumbnail: not set (LinkedIn shows a frame of the video)\n" in bare
    assert "  - captions: not set\n" in bare


def test_the_verbose_text_plan_lists_them_too(make_repo: Callable[..., Path]) -> None:
    output = plan(repo(make_repo), "--verbose")
    assert ("      video posts/media/clip.mp4 (The clip)\n"
            "        thumbnail: posts/media/poster.png (set)\n"
            "        captions: posts/media/clip.srt (set, 2 cues)\n") in output
    assert "        captions: not set\n" in output
