"""A video's thumbnail and captions: checked with the post, part of what it uploads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from publisher.config import load_config
from publisher.formats.srt import srt_problem
from publisher.mediarules import inspect_media
from publisher.post import load_post
from tests.builders import SRT, mp4, png_bytes

POST = "posts/p.md"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x00\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"


def post_with(video: str) -> str:
    return f"---\nvideo: {video}\n---\nA clip.\n"


def load(make_repo: Callable[..., Path], video: str, files: dict[str, str | bytes]):  # type: ignore[no-untyped-def]
    root = make_repo({POST: post_with(video), **files})
    (root / "posts" / "media").mkdir(exist_ok=True)
    mp4(root / "posts" / "media" / "clip.mp4", 100_000)
    return load_post(load_config(root, environ={}), POST)


def test_thumbnail_and_captions_are_part_of_the_video(make_repo: Callable[..., Path]) -> None:
    loaded = load(
        make_repo,
        "{path: media/clip.mp4, title: Clip, thumbnail: media/poster.png, captions: media/clip.srt}",
        {"posts/media/poster.png": png_bytes(), "posts/media/clip.srt": SRT},
    )
    assert loaded.diagnostics == []
    video = loaded.post.video
    assert video.thumbnail.path == "posts/media/poster.png"
    assert video.captions.path == "posts/media/clip.srt" and video.captions.info.cues == 2
    assert loaded.post.media == (video,)  # one upload: the extras go with the video
    assert video.upload_key != video.sha256  # another thumbnail is another upload
    assert video.fingerprint()[3:] == [video.thumbnail.sha256, video.captions.sha256]


def test_a_video_without_extras_keeps_its_content_hash(make_repo: Callable[..., Path]) -> None:
    """Posts published before extras existed must not look changed."""
    video = load(make_repo, "{path: media/clip.mp4, title: Clip}", {}).post.video
    assert video.upload_key == video.sha256
    assert video.fingerprint() == [video.sha256, None, "Clip"]


@pytest.mark.parametrize(("video", "files", "expected"), [
    ("{path: media/clip.mp4, title: C, thumbnail: media/poster.gif}",
     {"posts/media/poster.gif": GIF},
     "posts/p.md:2: error: posts/media/poster.gif: a video thumbnail must be a JPEG or PNG image"),
    ("{path: media/clip.mp4, title: C, thumbnail: media/none.png}", {},
     "posts/p.md:2: error: 'media/none.png' does not exist"),
    ("{path: media/clip.mp4, title: C, captions: media/clip.srt}",
     {"posts/media/clip.srt": "1\n00:00:00,500 --> 00:00:02,000\nHello.\n\n2\n00:00:03 --> 4\nBye.\n"},
     "posts/p.md:2: error: media/clip.srt: line 6: expected a timing like '00:00:01,000 --> "),
    ("{path: media/clip.mp4, title: C, captions: media/clip.vtt}",
     {"posts/media/clip.vtt": "WEBVTT\n\n00:00.500 --> 00:02.000\nHello.\n"},
     "posts/p.md:2: error: media/clip.vtt: is WebVTT captions; LinkedIn accepts SubRip (SRT) captions: convert them to SubRip (SRT)"),
    ("{path: media/clip.mp4, title: C, captions: media/poster.png}",
     {"posts/media/poster.png": png_bytes()},
     "posts/p.md:2: error: media/poster.png: is a PNG image, not captions"),
    ("{path: media/clip.mp4, title: C, captions: 3}", {},
     "posts/p.md:2: error: video captions must be a path to a file"),
    ("{path: media/clip.mp4, title: C, thumbnail: media/poster.png, subtitles: x}",
     {"posts/media/poster.png": png_bytes()},
     "posts/p.md:2: error: unknown key 'subtitles' in video"),
])
def test_bad_extras_are_errors_naming_the_line(
    make_repo: Callable[..., Path], video: str, files: dict[str, str | bytes], expected: str
) -> None:
    loaded = load(make_repo, video, files)
    assert loaded.post is None
    assert any(str(d).startswith(expected) for d in loaded.diagnostics), loaded.diagnostics


@pytest.mark.parametrize(("text", "problem", "cues"), [
    (SRT, "", 2),
    ("\ufeff" + SRT.replace("\n", "\r\n"), "", 2),  # inspect_media drops the BOM; CRLF
    ("1\n00:00:01,000 --> 00:00:02,000 X1:0 X2:100\nPositioned.\n", "", 1),
    ("", "has no captions", 0),
    ("1\n00:00:02,000 --> 00:00:01,000\nBackwards.\n", "line 2: the cue ends before it starts", 0),
    ("1\n00:00:01,000 --> 00:00:02,000\n\n2\n", "line 3: cue 1 has no text", 0),
    ("one\n00:00:01,000 --> 00:00:02,000\nText\n", "line 1: expected a cue number, found 'one'", 0),
    ("1\n00:00:01,000 --> 00:00:02,000\nA\n\n\n\n2\n00:00:03,000 --> 00:00:04,000\nB\n", "", 2),
    ("1\n00:00:01,000 --> 00:00:02,000\nA\n2\n00:00:03,000 --> 00:00:04,000\nB\n",
     "line 5: '-->' in the text of cue 1: put a blank line between cues", 0),
])
def test_srt_problems(text: str, problem: str, cues: int) -> None:
    found, counted = srt_problem(text.removeprefix("\ufeff"))
    assert found.startswith(problem) if problem else found == ""
    if not problem:
        assert counted == cues


def test_captions_must_be_utf8(tmp_path: Path) -> None:
    path = tmp_path / "c.srt"
    path.write_bytes("1\n00:00:01,000 --> 00:00:02,000\nCafé\n".encode("latin-1"))
    info, problems = inspect_media(path, "captions")
    assert info is None and problems == ["is not UTF-8 (byte 35): save the captions as UTF-8"]
