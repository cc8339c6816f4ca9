"""Media files checked by their content against what LinkedIn accepts.

A file is judged by its bytes, never by its name: a WEBP saved as `chart.png` or an HTML
error page saved as `deck.pdf` is found out here, before anything is uploaded. Each check
reads only what it needs (magic bytes, image headers, MP4 box headers, a ZIP directory, a
PDF page tree), so a 500 MB video or a 100-megapixel image costs milliseconds and little
memory.

`inspect_media` returns the facts about a file and every problem found, each a sentence
that says what was found, the limit, and the fix; the caller prefixes `path:line:`.
Limits are those of linkedin-api.md sections 6.4, 7.4 and 8. A video's captions file is
checked as SubRip (SRT) text, cue by cue, so a problem is reported with its line.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import math
import re
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Literal

if TYPE_CHECKING:
    from PIL import Image as PILImage

# Pillow and pypdf are imported where they are used: a no-op plan reads no media, and
# importing both costs more than the rest of that plan.

MediaKind = Literal["image", "video", "document", "captions"]

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

# Every format we can recognize: its kind (None for neither) and how a message names it.
FORMATS: dict[str, tuple[MediaKind | None, str]] = {
    "JPEG": ("image", "a JPEG image"),
    "PNG": ("image", "a PNG image"),
    "GIF": ("image", "a GIF image"),
    "WEBP": ("image", "a WEBP image"),
    "BMP": ("image", "a BMP image"),
    "TIFF": ("image", "a TIFF image"),
    "HEIC": ("image", "a HEIC image"),
    "AVIF": ("image", "an AVIF image"),
    "JXL": ("image", "a JPEG XL image"),
    "SVG": ("image", "an SVG image"),
    "PSD": ("image", "a Photoshop (PSD) image"),
    "MP4": ("video", "an MP4 video"),
    "MOV": ("video", "a QuickTime (MOV) video"),
    "3GP": ("video", "a 3GP video"),
    "WEBM": ("video", "a WebM or Matroska video"),
    "AVI": ("video", "an AVI video"),
    "FLV": ("video", "a Flash (FLV) video"),
    "WMV": ("video", "a Windows Media (WMV) file"),
    "M4A": (None, "an MPEG-4 audio file (M4A)"),
    "MP3": (None, "an MP3 audio file"),
    "WAV": (None, "a WAV audio file"),
    "OGG": (None, "an Ogg media file"),
    "PDF": ("document", "a PDF document"),
    "DOC": ("document", "a Word document (DOC)"),
    "DOCX": ("document", "a Word document (DOCX)"),
    "PPT": ("document", "a PowerPoint presentation (PPT)"),
    "PPTX": ("document", "a PowerPoint presentation (PPTX)"),
    "DOCM": ("document", "a macro-enabled Word document (DOCM)"),
    "DOTX": ("document", "a Word template (DOTX)"),
    "PPTM": ("document", "a macro-enabled PowerPoint presentation (PPTM)"),
    "PPSX": ("document", "a PowerPoint slide show (PPSX)"),
    "POTX": ("document", "a PowerPoint template (POTX)"),
    "XLS": ("document", "an Excel workbook (XLS)"),
    "XLSX": ("document", "an Excel workbook (XLSX)"),
    "XLSM": ("document", "a macro-enabled Excel workbook (XLSM)"),
    "ODT": ("document", "an OpenDocument text (ODT)"),
    "ODP": ("document", "an OpenDocument presentation (ODP)"),
    "ODS": ("document", "an OpenDocument spreadsheet (ODS)"),
    "RTF": ("document", "an RTF document"),
    "OOXML": ("document", "an Office file that is neither Word nor PowerPoint"),
    "OLE": ("document", "an Office (OLE) file that is neither Word nor PowerPoint"),
    "ZIP": (None, "a ZIP archive"),
    "GZIP": (None, "a gzip archive"),
    "SRT": ("captions", "SubRip captions (SRT)"),
    "VTT": ("captions", "WebVTT captions"),
    "HTML": (None, "an HTML page"),
    "TEXT": (None, "a text file"),
    "EMPTY": (None, "an empty file (0 bytes)"),
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

HEAD_BYTES = 4096  # enough for every magic number, MP4 brand list and text sniff below
_CHUNK = 1024 * 1024
_TEXT_LIMIT = 1024 * 1024  # the most we read of one ZIP member ([Content_Types].xml, app.xml)

# pypdf reports recoverable damage through the "pypdf" logger. Without a handler anywhere,
# Python's last-resort handler would write those lines to stderr; this library does not
# print, so it gives the logger a handler that drops them (an application that configures
# logging still receives them through propagation).
logging.getLogger("pypdf").addHandler(logging.NullHandler())


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


class _UnreadableError(Exception):
    """The file claims a format but its structure is broken; the message says where."""


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
    except _UnreadableError as error:
        return None, [_unreadable_archive(error)]
    if expected == "captions" and _maybe_text(path, found):
        found = "SRT"  # read it as SRT, so that a problem is named with its line or byte
    if found not in ACCEPTED[expected]:
        return None, [_wrong_format(found, expected)]
    try:
        return _INSPECT[expected](path, found, size)
    except OSError as error:
        return None, [f"cannot be read ({error.strerror}): check that it is a readable file"]
    except _UnreadableError as error:
        return None, [_unreadable_archive(error)]


def _unreadable_archive(error: _UnreadableError) -> str:
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


def describe(found: str) -> str:
    """How a message names a format code from `identify`, e.g. "a WEBP image"."""
    if found in FORMATS:
        return FORMATS[found][1]
    return f"a file of unknown type (first bytes: {found.removeprefix('UNKNOWN:')})"


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


# --- identifying a file by its content ------------------------------------------------------

_PREFIXES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"8BPS", "PSD"),
    (b"\xff\x0a", "JXL"),
    (b"\x00\x00\x00\x0cJXL \r\n\x87\n", "JXL"),
    (b"{\\rtf", "RTF"),
    (b"\x1a\x45\xdf\xa3", "WEBM"),
    (b"FLV\x01", "FLV"),
    (b"\x30\x26\xb2\x75\x8e\x66\xcf\x11", "WMV"),
    (b"ID3", "MP3"),
    (b"OggS", "OGG"),
    (b"\x1f\x8b", "GZIP"),
)
_RIFF_TYPES = {b"WEBP": "WEBP", b"AVI ": "AVI", b"WAVE": "WAV"}
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# QuickTime files from before the ISO "ftyp" box start straight with one of these boxes.
_BARE_QUICKTIME_BOXES = (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")
_BMP_HEADER_SIZES = (12, 40, 52, 56, 64, 108, 124)


def identify(file: BinaryIO) -> str:
    """A format code for an open binary file (a key of FORMATS, or "UNKNOWN:<hex bytes>")."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    if not head:
        return "EMPTY"
    if head.startswith(_ZIP_MAGIC):
        return _zip_format(file)
    if head.startswith(_OLE_MAGIC):
        return _ole_format(file)
    return _format_from_head(head) or _text_format(head) or "UNKNOWN:" + head[:8].hex(" ")


def _format_from_head(head: bytes) -> str | None:
    """Formats that the first few kilobytes tell apart on their own."""
    prefixed = next((code for prefix, code in _PREFIXES if head.startswith(prefix)), None)
    if prefixed:
        return prefixed
    # The PDF reference lets a header follow up to 1 KB of other bytes; readers accept it.
    if b"%PDF-" in head[:1024]:
        return "PDF"
    if head.startswith(b"RIFF"):
        return _RIFF_TYPES.get(head[8:12])
    if head[4:8] == b"ftyp":
        return _iso_media_format(head)
    if head[4:8] in _BARE_QUICKTIME_BOXES:
        return "MOV"
    return "BMP" if _is_bmp(head) else None


def _is_bmp(head: bytes) -> bool:
    # "BM" alone would match any text starting with those letters; the DIB header size that
    # follows the 14-byte file header takes one of a few known values.
    return (head.startswith(b"BM") and len(head) >= 18
            and struct.unpack_from("<I", head, 14)[0] in _BMP_HEADER_SIZES)


_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P ", b"F4A "}


def _iso_media_format(head: bytes) -> str:
    """MP4, MOV, 3GP, M4A, HEIC or AVIF: all ISO base media files told apart by brand."""
    box_size = struct.unpack(">I", head[:4])[0]
    major = head[8:12]
    brands = {major} | {head[i:i + 4] for i in range(16, min(box_size, len(head)) - 3, 4)}
    if major == b"qt  ":
        return "MOV"
    if brands & {b"avif", b"avis"}:  # before HEIF: AVIF files also carry the mif1 brand
        return "AVIF"
    if brands & _HEIF_BRANDS:
        return "HEIC"
    if major.startswith(b"3g"):
        return "3GP"
    if major in _AUDIO_BRANDS:
        return "M4A"
    return "MP4"


_OOXML_TYPES = {
    "wordprocessingml.document.main+xml": "DOCX",
    "ms-word.document.macroEnabled.main+xml": "DOCM",
    "wordprocessingml.template.main+xml": "DOTX",
    "presentationml.presentation.main+xml": "PPTX",
    "ms-powerpoint.presentation.macroEnabled.main+xml": "PPTM",
    "presentationml.slideshow.main+xml": "PPSX",
    "presentationml.template.main+xml": "POTX",
    "spreadsheetml.sheet.main+xml": "XLSX",
    "ms-excel.sheet.macroEnabled.main+xml": "XLSM",
}
_ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.oasis.opendocument.presentation": "ODP",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
}
_CONTENT_TYPE_ATTRIBUTE = re.compile(r'ContentType="([^"]+)"')


def _zip_format(file: BinaryIO) -> str:
    """DOCX, PPTX and their kin are ZIP files whose [Content_Types].xml names the main part."""
    try:
        with _open_zip(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = _read_member(archive, "mimetype").strip()
                return _ODF_TYPES.get(declared, "ZIP")
            if "[Content_Types].xml" not in names:
                return "ZIP"
            types = _CONTENT_TYPE_ATTRIBUTE.findall(_read_member(archive, "[Content_Types].xml"))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, EOFError):
        return "ZIP"
    for content_type in types:
        for suffix, code in _OOXML_TYPES.items():
            if content_type.endswith("." + suffix):
                return code
    return "OOXML"


def _open_zip(file: BinaryIO | Path) -> zipfile.ZipFile:
    """The archive; _UnreadableError when it is a ZIP that Python's reader cannot open."""
    try:
        return zipfile.ZipFile(file)
    except NotImplementedError as error:  # e.g. "zip file version 19.6"
        raise _UnreadableError(f"its ZIP structure uses a feature that cannot be read "
                               f"({error})") from None
    except (ValueError, struct.error, OSError) as error:
        # A member name flagged UTF-8 that is not (UnicodeDecodeError), an offset before the
        # file's start (OSError)...
        raise _UnreadableError(f"its ZIP directory is damaged ({type(error).__name__}: "
                               f"{error})") from None


def _read_member(archive: zipfile.ZipFile, name: str) -> str:
    """A member's first _TEXT_LIMIT bytes as text; _UnreadableError when it is encrypted,
    compressed with a method zipfile lacks (Deflate64), or damaged."""
    try:
        # Bounded read: a member that inflates to gigabytes is only decompressed this far.
        with archive.open(name) as member:
            return member.read(_TEXT_LIMIT).decode("utf-8", errors="replace")
    except _MEMBER_ERRORS as error:
        raise _UnreadableError(_member_problem(archive, name, error)) from None


# What zipfile raises for a member it cannot give back: encrypted (RuntimeError), an
# unknown compression (NotImplementedError), damaged data (zlib.error, BadZipFile for a bad
# CRC, EOFError or struct.error for a cut header, ValueError, OSError for a bad seek).
_MEMBER_ERRORS = (RuntimeError, NotImplementedError, zlib.error, zipfile.BadZipFile,
                  EOFError, struct.error, ValueError, OSError)
_COMPRESSION_NAMES = {9: "Deflate64", 14: "LZMA", 12: "BZIP2", 93: "Zstandard", 98: "PPMd"}


def _member_problem(archive: zipfile.ZipFile, name: str, error: Exception) -> str:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return f"its part '{name}' is missing"
    if info.flag_bits & 0x1:
        return f"its part '{name}' is encrypted (the file is protected by a password)"
    if isinstance(error, NotImplementedError):
        method = _COMPRESSION_NAMES.get(info.compress_type, f"method {info.compress_type}")
        return f"its part '{name}' is compressed with {method}, which cannot be read here"
    return f"its part '{name}' is damaged ({type(error).__name__}: {error})"


# Word, PowerPoint and Excel 97-2003 files are all OLE compound files; the name of the main
# stream in the file's directory tells them apart.
_OLE_STREAMS = {"WordDocument": "DOC", "PowerPoint Document": "PPT", "Workbook": "XLS",
                "Book": "XLS"}
_OLE_LAST_SECTOR = 0xFFFFFFF9  # larger sector numbers mark free sectors and chain ends
_OLE_MAX_DIRECTORY_SECTORS = 4096


def _ole_format(file: BinaryIO) -> str:
    try:
        names = _ole_entry_names(file)
    except (_UnreadableError, struct.error):
        return "OLE"
    return next((code for name, code in _OLE_STREAMS.items() if name in names), "OLE")


def _ole_entry_names(file: BinaryIO) -> set[str]:
    """The names in a compound file's directory (MS-CFB 2.2, 2.6), following its sector chain."""
    file.seek(0)
    header = file.read(512)
    shift = struct.unpack_from("<H", header, 30)[0]
    if shift not in (9, 12):
        raise _UnreadableError(f"sector size 2**{shift} is not 512 or 4096")
    sector_size = 1 << shift
    fat_sectors = _ole_fat_sectors(file, header, sector_size)
    names: set[str] = set()
    sector = struct.unpack_from("<I", header, 48)[0]
    for _ in range(_OLE_MAX_DIRECTORY_SECTORS):
        if sector > _OLE_LAST_SECTOR:
            return names
        data = _ole_sector(file, sector, sector_size)
        for offset in range(0, sector_size, 128):
            name_bytes = struct.unpack_from("<H", data, offset + 64)[0]
            if data[offset + 66] in (1, 2) and 2 <= name_bytes <= 64:
                names.add(data[offset:offset + name_bytes - 2].decode("utf-16-le", "replace"))
        sector = _ole_next_sector(file, fat_sectors, sector, sector_size)
    return names


def _ole_fat_sectors(file: BinaryIO, header: bytes, sector_size: int) -> list[int]:
    """Where the FAT lives: 109 sector numbers in the header, then a chain of DIFAT sectors."""
    fat = list(struct.unpack_from("<109I", header, 76))
    sector, count = struct.unpack_from("<II", header, 68)
    per_sector = sector_size // 4 - 1
    for _ in range(min(count, _OLE_MAX_DIRECTORY_SECTORS)):
        if sector > _OLE_LAST_SECTOR:
            break
        entries = struct.unpack(f"<{per_sector + 1}I", _ole_sector(file, sector, sector_size))
        fat.extend(entries[:per_sector])
        sector = entries[per_sector]
    return fat


def _ole_next_sector(file: BinaryIO, fat_sectors: list[int], sector: int, size: int) -> int:
    per_sector = size // 4
    index = sector // per_sector
    if index >= len(fat_sectors) or fat_sectors[index] > _OLE_LAST_SECTOR:
        raise _UnreadableError(f"sector {sector} is not in the allocation table")
    data = _ole_sector(file, fat_sectors[index], size)
    return int(struct.unpack_from("<I", data, (sector % per_sector) * 4)[0])


def _ole_sector(file: BinaryIO, sector: int, size: int) -> bytes:
    file.seek((sector + 1) * size)  # sector 0 follows the header, which fills one sector
    data = file.read(size)
    if len(data) != size:
        raise _UnreadableError(f"sector {sector} lies past the end of the file")
    return data


def _text_format(head: bytes) -> str | None:
    """SVG, HTML, captions (WebVTT, SubRip) or plain text when the start of the file is
    UTF-8 without NUL bytes."""
    if b"\x00" in head:
        return None
    try:
        # Not final: the 4 KB cut may fall inside a multi-byte character.
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return None
    start = text.lstrip("\ufeff \t\r\n").lower()
    if "<svg" in start and start.startswith(("<?xml", "<svg", "<!doctype svg", "<!--")):
        return "SVG"
    for beginnings, code in _TEXT_STARTS:
        if start.startswith(beginnings):
            return code
    return "SRT" if _SRT_START.match(start) else "TEXT"


_TEXT_STARTS = ((("<!doctype html", "<html"), "HTML"), (("webvtt",), "VTT"))
_SRT_START = re.compile(r"\d+\s*\n\s*\d+:\d\d:\d\d[,.]\d+\s*-->")


# --- images ---------------------------------------------------------------------------------

def _inspect_image(path: Path, found: str, size: int) -> tuple[MediaInfo | None, list[str]]:
    from PIL import Image, UnidentifiedImageError

    try:
        # Pillow warns from MAX_IMAGE_PIXELS (about 89 Mpx) and raises from twice that; both
        # are far above LinkedIn's limit, which the pixel check below reports in plain words.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path, formats=[found]) as image:  # reads the header only
                width, height = image.size
                frames = _gif_frames(image) if found == "GIF" else None
    except Image.DecompressionBombError:
        ceiling = 2 * (Image.MAX_IMAGE_PIXELS or 0)
        return None, [
            f"has more than {ceiling:,} pixels, too many to open safely; LinkedIn accepts "
            f"images of fewer than {MAX_IMAGE_PIXELS:,} pixels: resize it"
        ]
    except Exception as error:  # Pillow raises many types on damaged files
        # UnidentifiedImageError's text repeats the path, which the caller already shows.
        reason = ("its data is damaged" if isinstance(error, UnidentifiedImageError)
                  else str(error) or type(error).__name__)
        return None, [f"cannot be read as {describe(found)} ({reason}): export it again"]
    info = MediaInfo(
        kind="image", format=found, size=size, content_type=CONTENT_TYPES[found],
        width=width, height=height, frames=frames,
    )
    return info, _image_problems(info)


def _gif_frames(image: PILImage.Image) -> int:
    # Counting walks the frame headers without decoding pixels; n_frames is typed loosely.
    return int(getattr(image, "n_frames", 1))


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

@dataclass
class _Movie:
    """What the MP4 index (the 'moov' box) says about the video."""

    has_index: bool = False
    has_video_track: bool = False
    duration: float | None = None
    width: int | None = None
    height: int | None = None


def _inspect_video(path: Path, size: int) -> tuple[MediaInfo | None, list[str]]:
    try:
        with path.open("rb") as file:
            movie = _read_movie(file, size)
    except (_UnreadableError, struct.error) as error:
        return None, [f"cannot be read as an MP4 video ({error}): export it again"]
    info = MediaInfo(
        kind="video", format="MP4", size=size, content_type=CONTENT_TYPES["MP4"],
        width=movie.width, height=movie.height, duration=movie.duration,
    )
    return info, _video_problems(info, movie)


def _video_problems(info: MediaInfo, movie: _Movie) -> list[str]:
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


def _read_movie(file: BinaryIO, size: int) -> _Movie:
    """Walk the box headers (ISO/IEC 14496-12) by seeking; media data is never read."""
    movie = _Movie()
    for kind, start, end in _boxes(file, 0, size):
        if kind == "moov":
            movie.has_index = True
            _read_index(file, start, end, movie)
    return movie


def _read_index(file: BinaryIO, start: int, end: int, movie: _Movie) -> None:
    for kind, child_start, child_end in _boxes(file, start, end):
        if kind == "mvhd":
            fields = _header(file, kind, (child_start, child_end), (20, 32))
            movie.duration = _movie_duration(fields)
        elif kind == "trak":
            _read_track(file, child_start, child_end, movie)


def _read_track(file: BinaryIO, start: int, end: int, movie: _Movie) -> None:
    width = height = 0
    handler = b""
    for kind, child_start, child_end in _boxes(file, start, end):
        if kind == "tkhd":
            width, height = _track_size(_header(file, kind, (child_start, child_end), (84, 96)))
        elif kind == "mdia":
            for sub, sub_start, sub_end in _boxes(file, child_start, child_end):
                if sub == "hdlr":
                    handler = _header(file, sub, (sub_start, sub_end), (12, 12))[8:12]
    if handler == b"vide" and not movie.has_video_track:
        movie.has_video_track = True
        movie.width, movie.height = (width or None), (height or None)


def _movie_duration(mvhd: bytes) -> float | None:
    """Seconds from 'mvhd'; None when unknown (0, all ones, or a fragmented file)."""
    if mvhd[:1] == b"\x01":
        timescale, duration = struct.unpack_from(">IQ", mvhd, 20)
        unknown = 0xFFFFFFFFFFFFFFFF
    else:
        timescale, duration = struct.unpack_from(">II", mvhd, 12)
        unknown = 0xFFFFFFFF
    if not timescale or duration in (0, unknown):
        return None
    return float(duration) / float(timescale)


def _track_size(tkhd: bytes) -> tuple[int, int]:
    # Width and height close the box as 16.16 fixed-point numbers, after fields whose
    # length depends on the version byte (4 + 20 or 32 bytes, then 52 bytes).
    offset = 4 + (32 if tkhd[:1] == b"\x01" else 20) + 52
    width, height = struct.unpack_from(">II", tkhd, offset)
    return width >> 16, height >> 16


def _boxes(file: BinaryIO, start: int, end: int) -> Iterator[tuple[str, int, int]]:
    """(type, payload start, box end) of each box between start and end."""
    position = start
    while position + 8 <= end:
        file.seek(position)
        size, raw_kind = struct.unpack(">I4s", file.read(8))
        # Box types are four printable characters; a damaged one is shown escaped.
        kind = "".join(chr(b) if 0x20 <= b < 0x7F else f"\\x{b:02x}" for b in raw_kind)
        header = 8
        if size == 1:
            size = struct.unpack(">Q", file.read(8))[0]
            header = 16
        elif size == 0:  # the last box may run to the end of the file
            size = end - position
        if size < header:
            raise _UnreadableError(f"the '{kind}' box at byte {position:,} has an invalid size")
        if position + size > end:
            raise _UnreadableError(f"the '{kind}' box at byte {position:,} runs past the end; "
                              "the file is truncated")
        yield kind, position + header, position + size
        position += size


def _header(
    file: BinaryIO, kind: str, span: tuple[int, int], lengths: tuple[int, int]
) -> bytes:
    """The fixed fields that open a full box, `lengths` long in version 0 and version 1."""
    start, end = span
    file.seek(start)
    data = file.read(min(max(lengths), end - start))
    needed = lengths[1] if data[:1] == b"\x01" else lengths[0]
    if len(data) < needed:
        raise _UnreadableError(f"the '{kind}' box at byte {start:,} is too short")
    return data


# --- captions -------------------------------------------------------------------------------

_SRT_TIME = r"(\d{2,}):([0-5]\d):([0-5]\d),(\d{3})"
_SRT_TIMING = re.compile(rf"^{_SRT_TIME} --> {_SRT_TIME}(?: .*)?$")


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


def srt_problem(text: str) -> tuple[str, int]:
    """The first thing wrong with SubRip `text` ("" when none) and how many cues it has."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cues = 0
    index = 0
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        problem = _cue_problem(lines, index)
        if problem:
            return problem, cues
        cues += 1
        while index < len(lines) and lines[index].strip():
            index += 1
    if not cues:
        return "has no captions: a SubRip file is numbered cues, each a timing and text", 0
    return "", cues


def _cue_problem(lines: list[str], start: int) -> str:
    """What is wrong with the cue that starts at `start` (0-based), or ""."""
    number = start + 1  # line numbers as an editor shows them
    if not lines[start].strip().isdigit():
        return f"line {number}: expected a cue number, found {lines[start].strip()[:40]!r}"
    timing = lines[start + 1].strip() if start + 1 < len(lines) else ""
    match = _SRT_TIMING.match(timing)
    if match is None:
        return (f"line {number + 1}: expected a timing like '00:00:01,000 --> 00:00:03,500', "
                f"found {timing[:40]!r}")
    begin, end = _srt_seconds(match.groups()[:4]), _srt_seconds(match.groups()[4:])
    if end <= begin:
        return f"line {number + 1}: the cue ends before it starts ({timing})"
    if start + 2 >= len(lines) or not lines[start + 2].strip():
        return f"line {number + 2}: cue {lines[start].strip()} has no text"
    index = start + 2
    while index < len(lines) and lines[index].strip():
        if "-->" in lines[index]:  # the next cue's timing, with no blank line before it
            return (f"line {index + 1}: '-->' in the text of cue {lines[start].strip()}: "
                    "put a blank line between cues")
        index += 1
    return ""


def _srt_seconds(parts: tuple[str, ...]) -> float:
    hours, minutes, seconds, millis = (int(p) for p in parts)
    return hours * 3600 + minutes * 60 + seconds + millis / 1000


# --- documents ------------------------------------------------------------------------------

def _inspect_document(path: Path, found: str, size: int) -> tuple[MediaInfo | None, list[str]]:
    if size > MAX_DOCUMENT_BYTES:
        # Pages are not counted: the file is refused anyway and may be slow to parse.
        info = MediaInfo(kind="document", format=found, size=size,
                         content_type=CONTENT_TYPES[found])
        return info, [f"is {_bytes(size)}; LinkedIn accepts documents of up to "
                      f"{_bytes(MAX_DOCUMENT_BYTES)}: compress it or split it"]
    if found == "PDF":
        pages, problem = _pdf_pages(path)
        if problem:
            return None, [problem]
    elif found in ("PPTX", "DOCX"):
        pages = _office_pages(path, found)
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


def _pdf_pages(path: Path) -> tuple[int | None, str | None]:
    """The page count, or the reason the PDF cannot be read."""
    import pypdf

    try:
        with warnings.catch_warnings(), path.open("rb") as file:
            warnings.simplefilter("ignore")  # damage pypdf can repair is not our problem
            reader = pypdf.PdfReader(file)  # a file object: pypdf seeks instead of copying
            if reader.is_encrypted and not reader.decrypt(""):
                return None, ("is protected by a password, so LinkedIn cannot open it: "
                              "save a copy without a password")
            return len(reader.pages), None
    except Exception as error:  # pypdf raises many types on damaged files
        return None, (f"cannot be read as a PDF ({type(error).__name__}: {error}): "
                      "export it again from the program that made it")


_DOCX_PAGES = re.compile(r"<(?:\w+:)?Pages>(\d+)</(?:\w+:)?Pages>")
_SLIDE = re.compile(r"ppt/slides/slide\d+\.xml")


def _office_pages(path: Path, found: str) -> int | None:
    """Slides in a PPTX; pages of a DOCX as its editor last counted them (docProps/app.xml)."""
    try:
        with _open_zip(path) as archive:
            names = archive.namelist()
            if found == "PPTX":
                return sum(1 for name in names if _SLIDE.fullmatch(name))
            if "docProps/app.xml" not in names:
                return None
            match = _DOCX_PAGES.search(_read_member(archive, "docProps/app.xml"))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, EOFError):
        return None
    return int(match.group(1)) if match else None


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
