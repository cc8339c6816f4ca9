"""Just enough reading of uploaded bytes to apply LinkedIn's media limits.

Images: JPG, GIF and PNG, fewer than 36,152,320 pixels, GIFs up to 250 frames (section 6.4).
Documents: PDF, PPT(X), DOC(X), at most 100 MB and 300 pages (section 8).
Videos: MP4, 75 KB to 500 MB, 3 seconds to 30 minutes (section 7.4).
Each check returns a failure reason, or None when the media would process fine.

A video's thumbnail (JPEG or PNG) and captions (SubRip) are refused at upload instead, so
their checks name the problem for the 400: the thumbnail's format, the captions' first bad
line.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

MAX_IMAGE_PIXELS = 36_152_320
MAX_GIF_FRAMES = 250
MAX_DOCUMENT_BYTES = 100 * 1024 * 1024
MAX_DOCUMENT_PAGES = 300
MIN_VIDEO_BYTES = 75 * 1024
MAX_VIDEO_BYTES = 500 * 1024 * 1024
MIN_VIDEO_SECONDS = 3.0
MAX_VIDEO_SECONDS = 30 * 60.0

_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


@dataclass(frozen=True)
class ImageInfo:
    format: str
    width: int
    height: int
    frames: int = 1


def sniff_image(data: bytes) -> ImageInfo | None:
    try:
        if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
            width, height = struct.unpack(">II", data[16:24])
            return ImageInfo("png", width, height)
        if data.startswith((b"GIF87a", b"GIF89a")):
            width, height = struct.unpack("<HH", data[6:10])
            return ImageInfo("gif", width, height, _gif_frames(data))
        if data.startswith(b"\xff\xd8"):
            return _jpeg(data)
    except (struct.error, IndexError):
        return None
    return None


def _jpeg(data: bytes) -> ImageInfo | None:
    position = 2
    while position + 9 < len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            position += 2
            continue
        (length,) = struct.unpack(">H", data[position + 2:position + 4])
        if marker in _JPEG_SOF:
            height, width = struct.unpack(">HH", data[position + 5:position + 9])
            return ImageInfo("jpeg", width, height)
        position += 2 + length
    return None


def _gif_frames(data: bytes) -> int:
    """Count image descriptors by walking the GIF block structure."""
    flags = data[10]
    position = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    frames = 0
    while position < len(data):
        block = data[position]
        if block == 0x3B:                       # trailer
            break
        if block == 0x21:                       # extension: label, then sub-blocks
            position = _skip_sub_blocks(data, position + 2)
        elif block == 0x2C:                     # image descriptor
            frames += 1
            local = data[position + 9]
            position += 10 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0)
            position = _skip_sub_blocks(data, position + 1)   # skip LZW minimum code size
        else:
            break
    return frames


def _skip_sub_blocks(data: bytes, position: int) -> int:
    while position < len(data) and data[position] != 0:
        position += data[position] + 1
    return position + 1


def image_failure(data: bytes) -> str | None:
    info = sniff_image(data)
    if info is None:
        return "Unsupported file format: images must be JPG, GIF or PNG"
    if info.width * info.height >= MAX_IMAGE_PIXELS:
        return (f"Image has {info.width * info.height} pixels; "
                f"images must have fewer than {MAX_IMAGE_PIXELS}")
    if info.frames > MAX_GIF_FRAMES:
        return f"GIF has {info.frames} frames; at most {MAX_GIF_FRAMES} are supported"
    return None


_PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def document_failure(data: bytes) -> str | None:
    if len(data) > MAX_DOCUMENT_BYTES:
        return f"Document is {len(data)} bytes; the limit is {MAX_DOCUMENT_BYTES} (100 MB)"
    if data.startswith(b"%PDF"):
        pages = len(_PDF_PAGE.findall(data))
        if pages > MAX_DOCUMENT_PAGES:
            return f"Document has {pages} pages; the limit is {MAX_DOCUMENT_PAGES}"
        return None
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
        return None                             # DOCX/PPTX (zip) or DOC/PPT (OLE)
    return "Unsupported file format: documents must be PDF, PPT, PPTX, DOC or DOCX"


def mp4_duration(data: bytes) -> float | None:
    """Seconds from the movie header, or None when the bytes are not an MP4 with one."""
    boxes = dict(_boxes(data, 0, len(data)))
    if "ftyp" not in boxes or "moov" not in boxes:
        return None
    start, end = boxes["moov"]
    inner = dict(_boxes(data, start, end))
    if "mvhd" not in inner:
        return None
    offset, _ = inner["mvhd"]
    version = data[offset]
    if version == 1:
        timescale, duration = struct.unpack(">IQ", data[offset + 20:offset + 32])
    else:
        timescale, duration = struct.unpack(">II", data[offset + 12:offset + 20])
    return duration / timescale if timescale else None


def _boxes(data: bytes, start: int, end: int) -> list[tuple[str, tuple[int, int]]]:
    """(type, (payload start, payload end)) of the boxes between start and end."""
    found = []
    position = start
    while position + 8 <= end:
        size, kind = struct.unpack(">I4s", data[position:position + 8])
        header = 8
        if size == 1 and position + 16 <= end:
            (size,) = struct.unpack(">Q", data[position + 8:position + 16])
            header = 16
        elif size == 0:
            size = end - position
        if size < header:
            break
        found.append((kind.decode("latin-1"), (position + header, min(end, position + size))))
        position += size
    return found


def video_failure(data: bytes) -> str | None:
    if not MIN_VIDEO_BYTES <= len(data) <= MAX_VIDEO_BYTES:
        return f"Video is {len(data)} bytes; videos must be between 75 KB and 500 MB"
    duration = mp4_duration(data)
    if duration is None:
        return "Unsupported file format: videos must be MP4 with a movie header"
    if not MIN_VIDEO_SECONDS <= duration <= MAX_VIDEO_SECONDS:
        return f"Video lasts {duration:g} s; videos must last from 3 seconds to 30 minutes"
    return None


# -- a video's thumbnail and captions ---------------------------------------------------------

THUMBNAIL_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}
_THUMBNAIL_MAGIC = {b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG"}


def thumbnail_format(data: bytes) -> str | None:
    """"JPEG" or "PNG" from the magic bytes, or None for anything else."""
    return next((name for magic, name in _THUMBNAIL_MAGIC.items() if data.startswith(magic)),
                None)


def thumbnail_failure(data: bytes) -> str | None:
    if thumbnail_format(data) is not None:
        return None
    message = "Unsupported file format: video thumbnails must be JPG or PNG"
    if not data:
        return f"{message}; the body is empty"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return f"{message}; this is a GIF image"
    return message


_SRT_TIME = r"([0-9]{2,}):([0-5][0-9]):([0-5][0-9]),([0-9]{3})"
# Text after the end time is allowed: some tools write SubRip positions (X1:... Y2:...) there.
_SRT_TIMING = re.compile(rf"{_SRT_TIME}[ \t]+-->[ \t]+{_SRT_TIME}(?:[ \t].*)?")
SRT_TIMING_EXAMPLE = "00:00:01,000 --> 00:00:02,500"


@dataclass(frozen=True)
class SubRip:
    cues: int
    failure: str | None = None  # the first problem, naming its line


def read_srt(data: bytes) -> SubRip:
    """Check SubRip captions: UTF-8 (a BOM allowed), numbered cues, each a timing line and
    text, separated by blank lines; CRLF or LF."""
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        return SubRip(0, f"Line {line}: captions must be UTF-8 text "
                         f"(byte {error.start} is not UTF-8)")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cues = 0
    index = 0
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        failure = _cue_failure(lines, index, cues + 1)
        if failure:
            return SubRip(cues, failure)
        cues += 1
        index += 2
        while index < len(lines) and lines[index].strip():
            index += 1
    if not cues:
        return SubRip(0, "Captions have no cues: SubRip captions are numbered cues, each a "
                         "timing line and text")
    return SubRip(cues)


def _cue_failure(lines: list[str], start: int, number: int) -> str | None:
    """What is wrong with the cue whose number line is lines[start], or None."""
    found = lines[start].strip()
    if not (found.isascii() and found.isdigit()):
        return f"Line {start + 1}: expected the number of cue {number}, found {found[:40]!r}"
    timing = lines[start + 1].strip() if start + 1 < len(lines) else ""
    match = _SRT_TIMING.fullmatch(timing)
    if match is None:
        shown = repr(timing[:60]) if timing else "nothing"
        return f"Line {start + 2}: expected a timing like {SRT_TIMING_EXAMPLE}, found {shown}"
    begin, end = _srt_ms(match.groups()[:4]), _srt_ms(match.groups()[4:])
    if end <= begin:
        return f"Line {start + 2}: cue {number} must end after it starts ({timing!r})"
    if start + 2 >= len(lines) or not lines[start + 2].strip():
        return f"Line {start + 3}: cue {number} has no text"
    position = start + 2
    while position < len(lines) and lines[position].strip():
        if "-->" in lines[position]:    # most often a blank line missing before the next cue
            return (f"Line {position + 1}: cue text cannot contain '-->'; "
                    "a blank line must separate cues")
        position += 1
    return None


def _srt_ms(parts: tuple[str, ...]) -> int:
    hours, minutes, seconds, millis = (int(p) for p in parts)
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis
