"""What the tests build: media files, content repositories, and `publish` run in process.

Media come as bytes (`*_bytes`, for the sandbox's upload URLs and for tables of cases)
and as files (`png`, `pdf`, `mp4`, written where a post points). They are the smallest
files that pass the checks of publisher.mediarules and of the sandbox, made on the spot.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from click.testing import CliRunner
from PIL import Image
from pypdf import PdfWriter

from publisher.cli import cli
from tests.support import CONFIG, Files, commit_all, git, write_files

# Two cues of SubRip, the captions format LinkedIn takes.
SRT = "1\n00:00:00,500 --> 00:00:02,000\nHello.\n\n2\n00:00:02,500 --> 00:00:04,000\nBye.\n"


# --- media as bytes ---------------------------------------------------------------------------

def png_bytes(width: int = 64, height: int = 48, color: str = "#3366cc") -> bytes:
    """A real PNG, drawn by Pillow."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares any size without its pixels: readers look at the header only."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b""))
            + chunk(b"IEND", b""))


def gif_bytes(frames: int) -> bytes:
    """A GIF of `frames` frames of one pixel each, written by hand (fast for hundreds)."""
    data = b"GIF89a" + struct.pack("<HHBBB", 1, 1, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    for _ in range(frames):
        data += b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0) + b"\x02\x02\x44\x01\x00"
    return data + b"\x3b"


def pdf_bytes(pages: int = 1) -> bytes:
    """A PDF of blank letter-size pages, written by pypdf (so every PDF reader opens it)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def box(kind: bytes, payload: bytes) -> bytes:
    """One ISO BMFF (MP4) box."""
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4_head(seconds: float = 10.0, handler: bytes = b"vide", brand: bytes = b"isom",
             version: int = 0) -> bytes:
    """ftyp and a moov with one 1280x720 track: the fields a player and the checks read."""
    ftyp = box(b"ftyp", brand + b"\x00\x00\x02\x00" + b"isomiso2avc1mp41")
    ticks = int(seconds * 1000)
    if version == 1:
        mvhd = bytes([1, 0, 0, 0]) + struct.pack(">QQIQ", 0, 0, 1000, ticks) + bytes(80)
        times = struct.pack(">QQIIQ", 0, 0, 1, 0, ticks)
    else:
        mvhd = bytes(4) + struct.pack(">IIII", 0, 0, 1000, ticks) + bytes(80)
        times = struct.pack(">IIIII", 0, 0, 1, 0, ticks)
    tkhd = (bytes([version, 0, 0, 3]) + times + bytes(52)
            + struct.pack(">II", 1280 << 16, 720 << 16))
    hdlr = box(b"hdlr", bytes(8) + handler + bytes(12) + b"Handler\x00")
    trak = box(b"trak", box(b"tkhd", tkhd) + box(b"mdia", hdlr))
    return ftyp + box(b"moov", box(b"mvhd", mvhd) + trak)


def mdat_header(head: bytes, size: int) -> bytes:
    """The header of the mdat box that brings a file starting with `head` to `size` bytes
    (64-bit when it must be)."""
    rest = size - len(head)
    assert rest >= 16, f"an MP4 of {size} bytes cannot hold its {len(head)} bytes of boxes"
    if rest < 2**32:
        return struct.pack(">I4s", rest, b"mdat")
    return struct.pack(">I4sQ", 1, b"mdat", rest)


def mp4_bytes(seconds: float = 10.0, size: int = 100_000) -> bytes:
    """An MP4 of `seconds` and exactly `size` bytes, in memory."""
    head = mp4_head(seconds)
    start = head + mdat_header(head, size)
    return start + bytes(size - len(start))


# --- media as files ---------------------------------------------------------------------------

def png(path: Path, size: tuple[int, int] = (64, 48), color: str = "steelblue") -> Path:
    path.write_bytes(png_bytes(*size, color=color))
    return path


def pdf(path: Path, pages: int = 1) -> Path:
    path.write_bytes(pdf_bytes(pages))
    return path


def mp4(path: Path, size: int, seconds: float = 10) -> Path:
    """An MP4 of exactly `size` bytes whose media is a hole in the file, so even a large
    one takes no disk space and is never built in memory."""
    head = mp4_head(seconds)
    with path.open("wb") as file:
        file.write(head + mdat_header(head, size))
        file.truncate(size)
    return path


# --- repositories and the CLI -----------------------------------------------------------------

def repository(root: Path, files: Files | None = None, config: str = CONFIG,
               commit: bool = True) -> Path:
    """A git repository at `root` with publish.toml and `files`, committed unless told not."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    # Written, not `git config`: two processes fewer for every repository of the suite.
    with (root / ".git" / "config").open("a", encoding="utf-8") as gitconfig:
        gitconfig.write("[user]\n\temail = test@example.com\n\tname = Test\n")
    write_files(root, {"publish.toml": config, **(files or {})})
    if commit:
        commit_all(root)
    return root


class Run(NamedTuple):
    code: int
    output: str


def publish(*args: str, repo: Path | None = None, env: Mapping[str, str] | None = None) -> Run:
    """`publish [--repo REPO] ARGS` in this process, as a user types it; stdout and stderr
    together. An exception other than the exit is raised: a traceback is never an answer."""
    argv = [*(["--repo", str(repo)] if repo is not None else []), *args]
    result = CliRunner().invoke(cli, argv, env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.output)
