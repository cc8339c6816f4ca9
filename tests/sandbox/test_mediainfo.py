"""Reading just enough of uploaded bytes to apply LinkedIn's media limits."""

from __future__ import annotations

import struct

import pytest

from publisher.sandbox import mediainfo
from tests.builders import gif_bytes, mp4_bytes, pdf_bytes, png_header


@pytest.mark.parametrize(("data", "expected"), [
    (png_header(1200, 627), mediainfo.ImageInfo("png", 1200, 627)),
    (gif_bytes(4), mediainfo.ImageInfo("gif", 1, 1, 4)),
    (b"\xff\xd8\xff\xc0\x00\x11\x08\x02\x58\x03\x20\x03\x01\x22\x00", mediainfo.ImageInfo(
        "jpeg", 800, 600)),
    (b"\x89PNG\r\n\x1a\n", None),
    (b"RIFF....WEBP", None),
])
def test_sniff_image(data: bytes, expected: mediainfo.ImageInfo | None) -> None:
    assert mediainfo.sniff_image(data) == expected


def test_pixel_limit_is_strictly_below() -> None:
    assert mediainfo.image_failure(png_header(6000, 6000)) is None             # 36,000,000 pixels
    assert mediainfo.image_failure(png_header(36_152_320, 1)) is not None
    assert mediainfo.image_failure(png_header(36_152_319, 1)) is None


def test_document_size_limit() -> None:
    big = b"%PDF-1.4\n" + bytes(100 * 1024 * 1024)
    assert mediainfo.document_failure(big) == (
        f"Document is {len(big)} bytes; the limit is 104857600 (100 MB)")
    assert mediainfo.document_failure(pdf_bytes(300)) is None


def test_mp4_duration_versions() -> None:
    assert mediainfo.mp4_duration(mp4_bytes(12.5, 1000)) == 12.5
    payload = struct.pack(">B3xQQIQ", 1, 0, 0, 600, 600 * 90) + bytes(80)
    mvhd = struct.pack(">I4s", 8 + len(payload), b"mvhd") + payload
    moov = struct.pack(">I4s", 8 + len(mvhd), b"moov") + mvhd
    ftyp = struct.pack(">I4s4sI", 16, b"ftyp", b"isom", 0)
    assert mediainfo.mp4_duration(ftyp + moov) == 90.0
    assert mediainfo.mp4_duration(b"\x00\x00\x00\x08free") is None
