"""Small media files made on the spot: a PNG, a one-page PDF, and MP4s of any size."""

from __future__ import annotations

import io
import struct
from pathlib import Path

from PIL import Image


def png(path: Path, size: tuple[int, int] = (64, 48), color: str = "steelblue") -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def pdf(path: Path) -> Path:
    path.write_bytes(
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n")
    return path


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4(path: Path, size: int, seconds: int = 10) -> Path:
    """An MP4 that a parser accepts (ftyp, moov/mvhd with a duration), padded to ``size``.

    The padding is an ``mdat`` box of zeros left as a hole in the file, so even a large
    file takes no disk space and is never built in memory.
    """
    timescale = 1000
    mvhd = struct.pack(">B3xIIII", 0, 0, 0, timescale, seconds * timescale) + bytes(80)
    head = _box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41") + _box(b"moov", _box(b"mvhd", mvhd))
    mdat_size = size - len(head)
    with path.open("wb") as file:
        file.write(head)
        file.write(struct.pack(">I", mdat_size) + b"mdat")
        file.truncate(size)
    return path
