"""A file's format from its content: magic numbers, container directories, a text sniff.

``identify`` never trusts a name: it reads the first ``HEAD_BYTES`` and, for ZIP and OLE
containers, their directories, and returns a format code (a key of ``FORMATS``), or
``UNKNOWN:<hex bytes>``. ``describe`` names a code in a sentence.
"""

from __future__ import annotations

import codecs
import struct
from typing import BinaryIO

from publisher.formats.common import HEAD_BYTES, MediaKind
from publisher.formats.mp4 import BARE_QUICKTIME_BOXES, iso_media_format
from publisher.formats.ole import OLE_MAGIC, ole_format
from publisher.formats.srt import looks_like_srt
from publisher.formats.zipfiles import ZIP_MAGIC, zip_format

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


def describe(found: str) -> str:
    """How a message names a format code from `identify`, e.g. "a WEBP image"."""
    if found in FORMATS:
        return FORMATS[found][1]
    return f"a file of unknown type (first bytes: {found.removeprefix('UNKNOWN:')})"


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
_BMP_HEADER_SIZES = (12, 40, 52, 56, 64, 108, 124)


def identify(file: BinaryIO) -> str:
    """A format code for an open binary file (a key of FORMATS, or "UNKNOWN:<hex bytes>")."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    if not head:
        return "EMPTY"
    if head.startswith(ZIP_MAGIC):
        return zip_format(file)
    if head.startswith(OLE_MAGIC):
        return ole_format(file)
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
        return iso_media_format(head)
    if head[4:8] in BARE_QUICKTIME_BOXES:
        return "MOV"
    return "BMP" if _is_bmp(head) else None


def _is_bmp(head: bytes) -> bool:
    # "BM" alone would match any text starting with those letters; the DIB header size that
    # follows the 14-byte file header takes one of a few known values.
    return (head.startswith(b"BM") and len(head) >= 18
            and struct.unpack_from("<I", head, 14)[0] in _BMP_HEADER_SIZES)


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
    return "SRT" if looks_like_srt(start) else "TEXT"


_TEXT_STARTS = ((("<!doctype html", "<html"), "HTML"), (("webvtt",), "VTT"))
