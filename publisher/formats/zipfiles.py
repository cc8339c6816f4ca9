"""ZIP containers: Office Open XML (DOCX, PPTX, ...) and OpenDocument told apart, and
the pages a DOCX or PPTX states. Members are read bounded, so a ZIP bomb costs nothing."""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from publisher.formats.common import TEXT_LIMIT, UnreadableError

ZIP_MAGIC = b"PK\x03\x04"

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


def zip_format(file: BinaryIO) -> str:
    """DOCX, PPTX and their kin are ZIP files whose [Content_Types].xml names the main part."""
    try:
        with open_zip(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = read_member(archive, "mimetype").strip()
                return _ODF_TYPES.get(declared, "ZIP")
            if "[Content_Types].xml" not in names:
                return "ZIP"
            types = _CONTENT_TYPE_ATTRIBUTE.findall(read_member(archive, "[Content_Types].xml"))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, EOFError):
        return "ZIP"
    for content_type in types:
        for suffix, code in _OOXML_TYPES.items():
            if content_type.endswith("." + suffix):
                return code
    return "OOXML"


def open_zip(file: BinaryIO | Path) -> zipfile.ZipFile:
    """The archive; UnreadableError when it is a ZIP that Python's reader cannot open."""
    try:
        return zipfile.ZipFile(file)
    except NotImplementedError as error:  # e.g. "zip file version 19.6"
        raise UnreadableError(f"its ZIP structure uses a feature that cannot be read "
                               f"({error})") from None
    except (ValueError, struct.error, OSError) as error:
        # A member name flagged UTF-8 that is not (UnicodeDecodeError), an offset before the
        # file's start (OSError)...
        raise UnreadableError(f"its ZIP directory is damaged ({type(error).__name__}: "
                               f"{error})") from None


def read_member(archive: zipfile.ZipFile, name: str) -> str:
    """A member's first TEXT_LIMIT bytes as text; UnreadableError when it is encrypted,
    compressed with a method zipfile lacks (Deflate64), or damaged."""
    try:
        # Bounded read: a member that inflates to gigabytes is only decompressed this far.
        with archive.open(name) as member:
            return member.read(TEXT_LIMIT).decode("utf-8", errors="replace")
    except _MEMBER_ERRORS as error:
        raise UnreadableError(_member_problem(archive, name, error)) from None


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


_DOCX_PAGES = re.compile(r"<(?:\w+:)?Pages>(\d+)</(?:\w+:)?Pages>")
_SLIDE = re.compile(r"ppt/slides/slide\d+\.xml")


def office_pages(path: Path, found: str) -> int | None:
    """Slides in a PPTX; pages of a DOCX as its editor last counted them (docProps/app.xml)."""
    try:
        with open_zip(path) as archive:
            names = archive.namelist()
            if found == "PPTX":
                return sum(1 for name in names if _SLIDE.fullmatch(name))
            if "docProps/app.xml" not in names:
                return None
            match = _DOCX_PAGES.search(read_member(archive, "docProps/app.xml"))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, EOFError):
        return None
    return int(match.group(1)) if match else None
