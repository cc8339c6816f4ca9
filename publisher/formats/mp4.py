"""ISO base media files (MP4, MOV, 3GP, M4A, HEIC, AVIF): brands, and the movie index.

``read_movie`` walks the box headers (ISO/IEC 14496-12) by seeking: media data is never
read, so a 500 MB video costs a few reads.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from publisher.formats.common import UnreadableError

# QuickTime files from before the ISO "ftyp" box start straight with one of these boxes.
BARE_QUICKTIME_BOXES = (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")

_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P ", b"F4A "}


def iso_media_format(head: bytes) -> str:
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


@dataclass
class Movie:
    """What the MP4 index (the 'moov' box) says about the video."""

    has_index: bool = False
    has_video_track: bool = False
    duration: float | None = None
    width: int | None = None
    height: int | None = None


def read_movie(file: BinaryIO, size: int) -> Movie:
    """Walk the box headers (ISO/IEC 14496-12) by seeking; media data is never read."""
    movie = Movie()
    for kind, start, end in _boxes(file, 0, size):
        if kind == "moov":
            movie.has_index = True
            _read_index(file, start, end, movie)
    return movie


def _read_index(file: BinaryIO, start: int, end: int, movie: Movie) -> None:
    for kind, child_start, child_end in _boxes(file, start, end):
        if kind == "mvhd":
            fields = _header(file, kind, (child_start, child_end), (20, 32))
            movie.duration = _movie_duration(fields)
        elif kind == "trak":
            _read_track(file, child_start, child_end, movie)


def _read_track(file: BinaryIO, start: int, end: int, movie: Movie) -> None:
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
            raise UnreadableError(f"the '{kind}' box at byte {position:,} has an invalid size")
        if position + size > end:
            raise UnreadableError(f"the '{kind}' box at byte {position:,} runs past the end; "
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
        raise UnreadableError(f"the '{kind}' box at byte {start:,} is too short")
    return data
