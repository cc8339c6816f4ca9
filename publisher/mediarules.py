"""Media files checked by their content against what LinkedIn accepts.

A file is judged by its bytes, never by its name: a WEBP saved as `chart.png` or an HTML
error page saved as `deck.pdf` is found out here, before anything is uploaded. The bytes
are read by ``publisher.formats`` (magic bytes, image headers, MP4 box headers, a ZIP
directory, a PDF page tree), so a 500 MB video or a 100-megapixel image costs
milliseconds and little memory; this module holds LinkedIn's limits and the wording.

`inspect_media` returns the facts about a file and every problem found, each a sentence
that says what was found, the limit, and the fix; the caller prefixes `path:line:`.
Limits are those of linkedin-api.md sections 6.4, 7.4 and 8. A video's captions file is
checked as SubRip (SRT) text, cue by cue, so a problem is reported with its line.
"""

from __future__ import annotations

import hashlib
import math
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from publisher.formats.common import HEAD_BYTES, MediaKind, UnreadableError
from publisher.formats.images import TooManyPixelsError, image_header
from publisher.formats.mp4 import Movie, read_movie
from publisher.formats.pdf import PasswordProtectedError, pdf_pages
from publisher.formats.sniff import FORMATS, describe, identify
from publisher.formats.srt import srt_problem
from publisher.formats.zipfiles import office_pages

# LinkedIn states sizes as "75kb", "500MB" and "100MB" without saying whether a KB is 1000
# or 1024 bytes. We take the stricter reading at each bound (75 KiB as the minimum, decimal
# MB as the maxima), so a file that passes here is within the limit under either reading.
MIN_VIDEO_BYTES = 75 * 1024
MAX_VIDEO_BYTES = 500 * 1000 * 1000
MAX_DOCUMENT_BYTES = 100 * 1000 * 1000
MIN_VIDEO_SECONDS = 3
MAX_VIDEO_SECONDS = 30 * 60
MAX_DOCUMENT_PAGES = 300
MAX_IMAGE_PIXELS = 36_152_320  # "less than 36,152,320 pixels": this many is already too many
MAX_GIF_FRAMES = 250
# LinkedIn states no limit for a captions file; a 30-minute video's captions are tens of
# kilobytes, so anything this large is the wrong file.
MAX_CAPTIONS_BYTES = 10 * 1000 * 1000

ACCEPTED: dict[MediaKind, tuple[str, ...]] = {
    "image": ("JPEG", "PNG", "GIF"),
    "video": ("MP4",),
    "document": ("PDF", "PPT", "PPTX", "DOC", "DOCX"),
    "captions": ("SRT",),
}
CONTENT_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "MP4": "video/mp4",
    "PDF": "application/pdf",
    "PPT": "application/vnd.ms-powerpoint",
    "PPTX": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "DOC": "application/msword",
    "DOCX": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "SRT": "application/x-subrip",
}

_KIND_NAMES: dict[MediaKind, tuple[str, str, str]] = {
    # kind -> (a-noun, key in a post, how to convert a file of the same kind)
    "image": ("an image", "images", "convert it to PNG or JPEG"),
    "video": ("a video", "video", "convert it to MP4 (H.264 video, AAC audio)"),
    "document": ("a document", "document", "save or export it as PDF"),
    "captions": ("captions", "video: captions", "convert them to SubRip (SRT)"),
}
_ACCEPTED_TEXT: dict[MediaKind, str] = {
    "image": "JPEG, PNG or GIF images",
    "video": "MP4 videos",
    "document": "PDF, PPT, PPTX, DOC or DOCX documents",
    "captions": "SubRip (SRT) captions",
}


@dataclass(frozen=True)
class MediaInfo:
    """What a media file is, as found in its content."""

    kind: MediaKind
    format: str  # "JPEG" | "PNG" | "GIF" | "MP4" | "PDF" | "PPT" | "PPTX" | "DOC" | "DOCX"
    size: int  # bytes
    content_type: str  # MIME type to send when uploading
    width: int | None = None
    height: int | None = None
    frames: int | None = None  # GIF only
    pages: int | None = None  # PDF, PPTX (slides), DOCX (as its editor counted them)
    cues: int | None = None  # captions
    duration: float | None = None  # video, in seconds, when the file states it


def sha256_file(path: Path) -> str:
    """The file's SHA-256 as "sha256:<hex>", read in chunks so size does not matter."""
    with path.open("rb") as file:
        return "sha256:" + hashlib.file_digest(file, "sha256").hexdigest()


def inspect_media(path: Path, expected: MediaKind) -> tuple[MediaInfo | None, list[str]]:
    """The facts about `path` and every reason LinkedIn would refuse it as `expected`.

    The info is None when the file is not of an accepted format or cannot be read; it is
    returned together with problems when the format is right but a limit is exceeded.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as file:
            found = identify(file)
    except OSError as error:
        return None, [f"cannot be read ({error.strerror}): check that it is a readable file"]
    except UnreadableError as error:
        return None, [_unreadable_archive(error)]
    if expected == "captions" and _maybe_text(path, found):
        found = "SRT"  # read it as SRT, so that a problem is named with its line or byte
    if found not in ACCEPTED[expected]:
        return None, [_wrong_format(found, expected)]
    try:
        return _INSPECT[expected](path, found, size)
    except OSError as error:
        return None, [f"cannot be read ({error.strerror}): check that it is a readable file"]
    except UnreadableError as error:
        return None, [_unreadable_archive(error)]


def _unreadable_archive(error: UnreadableError) -> str:
    return (f"cannot be read: {error}: save it again from the program that made it "
            "(without a password)")


def _maybe_text(path: Path, found: str) -> bool:
    """Plain text, or text in another encoding than UTF-8 (no NUL bytes)."""
    if found == "TEXT":
        return True
    if not found.startswith("UNKNOWN:"):
        return False
    with path.open("rb") as file:
        return b"\x00" not in file.read(HEAD_BYTES)


def _wrong_format(found: str, expected: MediaKind) -> str:
    kind = FORMATS.get(found, (None, ""))[0]
    accepted = _ACCEPTED_TEXT[expected]
    if kind == expected:
        return f"is {describe(found)}; LinkedIn accepts {accepted}: {_KIND_NAMES[expected][2]}"
    if kind is None:
        fix = "point the path at a file in one of those formats"
    else:
        noun, key, _ = _KIND_NAMES[kind]
        fix = f"to post {noun}, use '{key}:' instead"
    return (f"is {describe(found)}, not {_KIND_NAMES[expected][0]}; "
            f"LinkedIn accepts {accepted} here: {fix}")

# --- images ---------------------------------------------------------------------------------


def _inspect_image(path: Path, found: str, size: int) -> tuple[MediaInfo | None, list[str]]:
    try:
        header = image_header(path, found)
    except TooManyPixelsError as error:
        return None, [
            f"has more than {error.ceiling:,} pixels, too many to open safely; LinkedIn "
            f"accepts images of fewer than {MAX_IMAGE_PIXELS:,} pixels: resize it"
        ]
    except UnreadableError as error:
        return None, [f"cannot be read as {describe(found)} ({error}): export it again"]
    info = MediaInfo(
        kind="image", format=found, size=size, content_type=CONTENT_TYPES[found],
        width=header.width, height=header.height, frames=header.frames,
    )
    return info, _image_problems(info)


def _image_problems(info: MediaInfo) -> list[str]:
    problems = []
    width, height = info.width or 0, info.height or 0
    pixels = width * height
    if pixels >= MAX_IMAGE_PIXELS:
        scale = math.sqrt((MAX_IMAGE_PIXELS - 1) / pixels)
        problems.append(
            f"is {width} x {height} pixels ({pixels:,} in all); LinkedIn accepts images of "
            f"fewer than {MAX_IMAGE_PIXELS:,} pixels: resize it, for example to "
            f"{math.floor(width * scale)} x {math.floor(height * scale)}"
        )
    if info.frames is not None and info.frames > MAX_GIF_FRAMES:
        problems.append(
            f"is a GIF of {info.frames} frames; LinkedIn accepts up to {MAX_GIF_FRAMES}: "
            "shorten the animation or drop frames"
        )
    return problems

# --- videos ---------------------------------------------------------------------------------


def _inspect_video(path: Path, size: int) -> tuple[MediaInfo | None, list[str]]:
    try:
        with path.open("rb") as file:
            movie = read_movie(file, size)
    except (UnreadableError, struct.error) as error:
        return None, [f"cannot be read as an MP4 video ({error}): export it again"]
    info = MediaInfo(
        kind="video", format="MP4", size=size, content_type=CONTENT_TYPES["MP4"],
        width=movie.width, height=movie.height, duration=movie.duration,
    )
    return info, _video_problems(info, movie)


def _video_problems(info: MediaInfo, movie: Movie) -> list[str]:
    problems = []
    limits = f"LinkedIn accepts videos of {_bytes(MIN_VIDEO_BYTES)} to {_bytes(MAX_VIDEO_BYTES)}"
    if info.size < MIN_VIDEO_BYTES:
        problems.append(f"is only {_bytes(info.size)}; {limits}: "
                        "export a longer clip or at a higher quality")
    if info.size > MAX_VIDEO_BYTES:
        problems.append(f"is {_bytes(info.size)}; {limits}: "
                        "shorten it or export it at a lower bitrate")
    if not movie.has_index:
        problems.append("has no 'moov' box, the index a player needs, so the file is incomplete: "
                        "export or download it again")
    elif not movie.has_video_track:
        problems.append("has no video track (only audio or data); LinkedIn needs a picture: "
                        "export it with its video")
    duration = movie.duration
    if duration is not None and not MIN_VIDEO_SECONDS <= duration <= MAX_VIDEO_SECONDS:
        fix = "use a longer clip" if duration < MIN_VIDEO_SECONDS else "shorten it"
        problems.append(f"is {_seconds(duration)} long; LinkedIn accepts videos of "
                        f"{MIN_VIDEO_SECONDS} seconds to {MAX_VIDEO_SECONDS // 60} minutes: {fix}")
    return problems

# --- captions -------------------------------------------------------------------------------


def _inspect_captions(path: Path, size: int) -> tuple[MediaInfo | None, list[str]]:
    """SubRip: numbered cues of a timing line and text, separated by blank lines."""
    if size > MAX_CAPTIONS_BYTES:
        return None, [f"is {size:,} bytes, too large for a captions file "
                      f"(at most {MAX_CAPTIONS_BYTES:,}): check that it is the right file"]
    try:
        text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        return None, [f"is not UTF-8 (byte {error.start}): save the captions as UTF-8"]
    problem, cues = srt_problem(text)
    if problem:
        return None, [problem]
    return MediaInfo(kind="captions", format="SRT", size=size,
                     content_type=CONTENT_TYPES["SRT"], cues=cues), []

# --- documents ------------------------------------------------------------------------------


def _inspect_document(path: Path, found: str, size: int) -> tuple[MediaInfo | None, list[str]]:
    if size > MAX_DOCUMENT_BYTES:
        # Pages are not counted: the file is refused anyway and may be slow to parse.
        info = MediaInfo(kind="document", format=found, size=size,
                         content_type=CONTENT_TYPES[found])
        return info, [f"is {_bytes(size)}; LinkedIn accepts documents of up to "
                      f"{_bytes(MAX_DOCUMENT_BYTES)}: compress it or split it"]
    if found == "PDF":
        pages, problem = _pdf_problem(path)
        if problem:
            return None, [problem]
    elif found in ("PPTX", "DOCX"):
        pages = office_pages(path, found)
    else:
        pages = None  # DOC and PPT keep their page counts in binary streams we do not parse
    info = MediaInfo(kind="document", format=found, size=size,
                     content_type=CONTENT_TYPES[found], pages=pages)
    if pages is not None and pages > MAX_DOCUMENT_PAGES:
        return info, [f"has {pages} pages; LinkedIn accepts documents of up to "
                      f"{MAX_DOCUMENT_PAGES} pages: split it or leave pages out"]
    if pages == 0:
        return info, ["has no pages, so LinkedIn would show an empty document: "
                      "export it again with its content"]
    return info, []


def _pdf_problem(path: Path) -> tuple[int | None, str | None]:
    """The page count, or the reason the PDF cannot be read."""
    try:
        return pdf_pages(path), None
    except PasswordProtectedError:
        return None, ("is protected by a password, so LinkedIn cannot open it: "
                      "save a copy without a password")
    except UnreadableError as error:
        return None, (f"cannot be read as a PDF ({error}): "
                      "export it again from the program that made it")


# --- wording --------------------------------------------------------------------------------

def _bytes(count: int) -> str:
    """A size as people read it, with the exact count for comparing against a limit."""
    if count >= 1_000_000:
        return f"{count / 1_000_000:,.1f} MB ({count:,} bytes)"
    if count >= 1000:
        return f"{count / 1024:,.1f} KB ({count:,} bytes)"
    return f"{count:,} bytes"


def _seconds(value: float) -> str:
    if value < 60:
        return f"{value:.1f} seconds"
    return f"{int(value // 60)} min {int(value % 60)} s"


Inspector = Callable[[Path, str, int], tuple[MediaInfo | None, list[str]]]
_INSPECT: dict[MediaKind, Inspector] = {
    "image": _inspect_image,
    "video": lambda path, _found, size: _inspect_video(path, size),
    "document": _inspect_document,
    "captions": lambda path, _found, size: _inspect_captions(path, size),
}
