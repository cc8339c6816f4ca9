"""Media checks: each file is built in tmp_path and judged by its bytes, never its name."""

from __future__ import annotations

import hashlib
import io
import struct
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from publisher.formats.common import MediaKind
from publisher.formats.sniff import identify
from publisher.mediarules import MediaInfo, inspect_media, sha256_file
from tests.builders import box, mp4, mp4_head, pdf_bytes, png_header

MB = 1000 * 1000
Build = Callable[[Path], Path]


# --- builders: each writes one file and returns its path ------------------------------------

def _image(fmt: str, size: tuple[int, int] = (40, 30), name: str | None = None) -> Build:
    def build(folder: Path) -> Path:
        path = folder / (name or f"picture.{fmt.lower()}")
        Image.new("RGB", size, "#2266aa").save(path, format=fmt)
        return path
    return build


def _gif(frames: int) -> Build:
    def build(folder: Path) -> Path:
        # Alternate colours: Pillow merges identical consecutive frames into one.
        images = [Image.new("L", (4, 4), 255 * (i % 2)) for i in range(frames)]
        path = folder / "anim.gif"
        images[0].save(path, save_all=True, append_images=images[1:], duration=40)
        return path
    return build


def _png_header(width: int, height: int) -> Build:
    """A PNG that declares any size: Pillow reads the header without the pixel data."""
    return _bytes(png_header(width, height), "huge.png")


def _bytes(content: bytes, name: str) -> Build:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(content)
        return path
    return build


def _mp4(media_bytes: int = 100_000, seconds: float = 10.0, handler: bytes = b"vide",
         version: int = 0) -> Build:
    def build(folder: Path) -> Path:
        path = folder / "clip.mp4"
        boxes = mp4_head(seconds=seconds, handler=handler, version=version)
        path.write_bytes(boxes + box(b"mdat", bytes(media_bytes)))
        return path
    return build


def _sparse_mp4(total: int) -> Build:
    """A valid MP4 of `total` bytes that takes no disk space: its mdat is a hole."""
    def build(folder: Path) -> Path:
        return mp4(folder / "long.mp4", total)
    return build


def _pdf(pages: int, name: str = "deck.pdf") -> Build:
    return _bytes(pdf_bytes(pages), name)


def _encrypted_pdf(folder: Path) -> Path:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    path = folder / "locked.pdf"
    writer.write(path)
    return path


def _sparse(build: Build, total: int) -> Build:
    def grow(folder: Path) -> Path:
        path = build(folder)
        with path.open("r+b") as file:
            file.truncate(total)
        return path
    return grow


_MAIN_PARTS = {
    "DOCX": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "PPTX": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "DOCM": "application/vnd.ms-word.document.macroEnabled.main+xml",
}


def _office_zip(fmt: str, name: str, members: dict[str, str] | None = None) -> Build:
    def build(folder: Path) -> Path:
        types = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                 'package/2006/content-types"><Default Extension="xml" '
                 'ContentType="application/xml"/><Override PartName="/main.xml" '
                 f'ContentType="{_MAIN_PARTS[fmt]}"/></Types>')
        path = folder / name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", types)
            for member, text in (members or {}).items():
                archive.writestr(member, text)
        return path
    return build


def _slides(count: int) -> dict[str, str]:
    return {f"ppt/slides/slide{i}.xml": "<p:sld/>" for i in range(1, count + 1)}


def _app_pages(count: int) -> dict[str, str]:
    return {"docProps/app.xml": f"<Properties><Pages>{count}</Pages></Properties>"}


def _zip_with(members: dict[str, str], name: str) -> Build:
    def build(folder: Path) -> Path:
        path = folder / name
        with zipfile.ZipFile(path, "w") as archive:
            for member, text in members.items():
                archive.writestr(member, text)
        return path
    return build


def _ole(stream: str, name: str) -> Build:
    """A minimal compound file (MS-CFB, version 3): header, one FAT sector, one directory sector."""
    def build(folder: Path) -> Path:
        free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
        header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
                  + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
                  + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
                  + struct.pack("<109I", 0, *[free] * 108))
        fat = struct.pack("<128I", fat_sector, end, *[free] * 126)

        def entry(entry_name: str, kind: int, child: int) -> bytes:
            encoded = entry_name.encode("utf-16-le") + b"\x00\x00"
            return (encoded.ljust(64, b"\x00") + struct.pack("<HBB", len(encoded), kind, 1)
                    + struct.pack("<III", free, free, child) + bytes(16 + 4 + 16)
                    + struct.pack("<IQ", end, 0))
        directory = (entry("Root Entry", 5, 1) + entry(stream, 2, free)).ljust(512, b"\x00")
        path = folder / name
        path.write_bytes(header + fat + directory)
        return path
    return build


def _ftyp(brand: bytes, *compatible: bytes, pad: int = 64) -> bytes:
    return box(b"ftyp", brand + bytes(4) + b"".join(compatible)) + bytes(pad)


# --- accepted files: what inspect_media finds -----------------------------------------------

ACCEPTED: list[tuple[str, Build, MediaKind, dict[str, object]]] = [
    ("jpeg", _image("JPEG"), "image",
     {"format": "JPEG", "content_type": "image/jpeg", "width": 40, "height": 30}),
    ("png", _image("PNG", (1200, 627)), "image",
     {"format": "PNG", "content_type": "image/png", "width": 1200, "height": 627}),
    ("gif of one frame", _image("GIF"), "image", {"format": "GIF", "frames": 1}),
    ("gif of 250 frames", _gif(250), "image", {"format": "GIF", "frames": 250}),
    ("jpeg named .png", _image("JPEG", name="photo.png"), "image",
     {"format": "JPEG", "content_type": "image/jpeg"}),
    ("image just under the pixel limit", _png_header(6012, 6013), "image",
     {"width": 6012, "height": 6013}),
    ("mp4", _mp4(), "video",
     {"format": "MP4", "content_type": "video/mp4", "width": 1280, "height": 720,
      "duration": 10.0}),
    ("mp4, version 1 headers", _mp4(version=1, seconds=1799), "video", {"duration": 1799.0}),
    ("mp4 of exactly 75 KiB", _sparse(_mp4(media_bytes=0), 75 * 1024), "video",
     {"size": 76_800}),
    ("mp4 of exactly 500 MB", _sparse_mp4(500 * MB), "video", {"size": 500 * MB}),
    ("pdf", _pdf(3), "document",
     {"format": "PDF", "content_type": "application/pdf", "pages": 3}),
    ("pdf of 300 pages", _pdf(300), "document", {"pages": 300}),
    ("pdf named .docx", _pdf(2, "report.docx"), "document", {"format": "PDF", "pages": 2}),
    ("pptx", _office_zip("PPTX", "deck.pptx", _slides(4)), "document",
     {"format": "PPTX", "pages": 4, "content_type":
      "application/vnd.openxmlformats-officedocument.presentationml.presentation"}),
    ("docx", _office_zip("DOCX", "memo.docx", _app_pages(7)), "document",
     {"format": "DOCX", "pages": 7}),
    ("docx without page count", _office_zip("DOCX", "memo.docx"), "document",
     {"format": "DOCX", "pages": None}),
    ("doc", _ole("WordDocument", "memo.doc"), "document",
     {"format": "DOC", "content_type": "application/msword"}),
    ("ppt", _ole("PowerPoint Document", "deck.ppt"), "document",
     {"format": "PPT", "content_type": "application/vnd.ms-powerpoint"}),
]


@pytest.mark.parametrize(("build", "kind", "expected"),
                         [case[1:] for case in ACCEPTED], ids=[case[0] for case in ACCEPTED])
def test_accepted_files(
    tmp_path: Path, build: Build, kind: MediaKind, expected: dict[str, object]
) -> None:
    path = build(tmp_path)
    info, problems = inspect_media(path, kind)
    assert problems == []
    assert info is not None
    assert info.kind == kind
    assert info.size == path.stat().st_size
    for field, value in expected.items():
        assert getattr(info, field) == value, field


# --- refused files: the problem names what was found, the limit and the fix -----------------

REFUSED: list[tuple[str, Build, MediaKind, str]] = [
    # wrong format, same kind: convert it
    ("webp", _image("WEBP", name="chart.png"), "image",
     "is a WEBP image; LinkedIn accepts JPEG, PNG or GIF images: convert it to PNG or JPEG"),
    ("bmp", _image("BMP"), "image", "is a BMP image; LinkedIn accepts JPEG, PNG or GIF"),
    ("tiff", _image("TIFF"), "image", "is a TIFF image;"),
    ("heic", _bytes(_ftyp(b"heic", b"mif1", b"heic"), "photo.jpg"), "image", "is a HEIC image;"),
    ("avif", _bytes(_ftyp(b"avif", b"mif1", b"avif"), "photo.png"), "image",
     "is an AVIF image;"),
    ("svg", _bytes(b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
                   "logo.png"), "image", "is an SVG image;"),
    ("mov", _bytes(_ftyp(b"qt  ", b"qt  ") + bytes(100_000), "clip.mp4"), "video",
     "is a QuickTime (MOV) video; LinkedIn accepts MP4 videos: convert it to MP4"),
    ("webm", _bytes(b"\x1a\x45\xdf\xa3" + bytes(100), "clip.mp4"), "video",
     "is a WebM or Matroska video;"),
    ("avi", _bytes(b"RIFF\x00\x00\x00\x00AVI LIST" + bytes(100), "clip.mp4"), "video",
     "is an AVI video;"),
    ("xlsx", _office_zip("XLSX", "numbers.pdf"), "document",
     "is an Excel workbook (XLSX); LinkedIn accepts PDF, PPT, PPTX, DOC or DOCX documents: "
     "save or export it as PDF"),
    ("docm", _office_zip("DOCM", "memo.docx"), "document",
     "is a macro-enabled Word document (DOCM);"),
    ("xls", _ole("Workbook", "numbers.doc"), "document", "is an Excel workbook (XLS);"),
    ("other ole file", _ole("Contents", "thing.doc"), "document",
     "is an Office (OLE) file that is neither Word nor PowerPoint;"),
    ("odt", _zip_with({"mimetype": "application/vnd.oasis.opendocument.text"}, "memo.docx"),
     "document", "is an OpenDocument text (ODT);"),
    # a different kind: say which key takes it
    ("pdf as image", _pdf(1, "deck.png"), "image",
     "is a PDF document, not an image; LinkedIn accepts JPEG, PNG or GIF images here: "
     "to post a document, use 'document:' instead"),
    ("png as document", _image("PNG", name="slide.pdf"), "document",
     "is a PNG image, not a document; LinkedIn accepts PDF, PPT, PPTX, DOC or DOCX documents "
     "here: to post an image, use 'images:' instead"),
    ("mp4 as image", _mp4(), "image", "is an MP4 video, not an image;"),
    # neither kind: point at the right file
    ("text named .png", _bytes(b"hello, this is not a picture\n", "photo.png"), "image",
     "is a text file, not an image; LinkedIn accepts JPEG, PNG or GIF images here: "
     "point the path at a file in one of those formats"),
    ("html error page", _bytes(b"<!DOCTYPE html><html><body>404</body></html>", "deck.pdf"),
     "document", "is an HTML page, not a document;"),
    ("empty file", _bytes(b"", "photo.jpg"), "image", "is an empty file (0 bytes), not an image"),
    ("zip", _zip_with({"a.txt": "a"}, "deck.pptx"), "document", "is a ZIP archive, not a document"),
    ("m4a", _bytes(_ftyp(b"M4A ", b"M4A ", b"isom") + bytes(100_000), "talk.mp4"), "video",
     "is an MPEG-4 audio file (M4A), not a video"),
    ("unknown bytes", _bytes(bytes(range(256)) * 4, "x.gif"), "image",
     "is a file of unknown type (first bytes: 00 01 02 03 04 05 06 07), not an image"),
    # limits
    ("too many pixels", _png_header(8000, 6000), "image",
     "is 8000 x 6000 pixels (48,000,000 in all); LinkedIn accepts images of fewer than "
     "36,152,320 pixels: resize it, for example to 6942 x 5207"),
    ("exactly the pixel limit", _png_header(36_152_320, 1), "image",
     "LinkedIn accepts images of fewer than 36,152,320 pixels"),
    ("decompression bomb", _png_header(20_000, 20_000), "image",
     "too many to open safely; LinkedIn accepts images of fewer than 36,152,320 pixels: "
     "resize it"),
    ("gif of 251 frames", _gif(251), "image",
     "is a GIF of 251 frames; LinkedIn accepts up to 250: shorten the animation or drop frames"),
    ("damaged png", _bytes(b"\x89PNG\r\n\x1a\n" + bytes(40), "broken.png"), "image",
     "cannot be read as a PNG image ("),
    ("video under 75 KiB", _mp4(media_bytes=10_000), "video",
     "is only 10.1 KB (10,304 bytes); LinkedIn accepts videos of 75.0 KB (76,800 bytes) to "
     "500.0 MB (500,000,000 bytes): export a longer clip or at a higher quality"),
    ("video one byte under 75 KiB", _sparse(_mp4(media_bytes=0), 75 * 1024 - 1), "video",
     "(76,799 bytes)"),
    ("video over 500 MB", _sparse_mp4(500 * MB + 1), "video",
     "is 500.0 MB (500,000,001 bytes); LinkedIn accepts videos of 75.0 KB (76,800 bytes) to "
     "500.0 MB (500,000,000 bytes): shorten it or export it at a lower bitrate"),
    ("video under 3 seconds", _mp4(seconds=2.5), "video",
     "is 2.5 seconds long; LinkedIn accepts videos of 3 seconds to 30 minutes: "
     "use a longer clip"),
    ("video over 30 minutes", _mp4(seconds=1801, version=1), "video",
     "is 30 min 1 s long; LinkedIn accepts videos of 3 seconds to 30 minutes: shorten it"),
    ("audio-only mp4", _mp4(handler=b"soun"), "video", "has no video track"),
    ("mp4 without moov", _bytes(_ftyp(b"isom", pad=0) + box(b"mdat", bytes(100_000)),
                                "clip.mp4"),
     "video", "has no 'moov' box"),
    ("truncated mp4", _bytes(_ftyp(b"isom", pad=0) + struct.pack(">I4s", 999_999, b"mdat")
                             + bytes(100_000), "clip.mp4"),
     "video", "cannot be read as an MP4 video (the 'mdat' box at byte 16 runs past the end"),
    ("pdf over 100 MB", _sparse(_pdf(1), 100 * MB + 1), "document",
     "is 100.0 MB (100,000,001 bytes); LinkedIn accepts documents of up to "
     "100.0 MB (100,000,000 bytes): compress it or split it"),
    ("pdf of 301 pages", _pdf(301), "document",
     "has 301 pages; LinkedIn accepts documents of up to 300 pages: "
     "split it or leave pages out"),
    ("pptx of 301 slides", _office_zip("PPTX", "deck.pptx", _slides(301)), "document",
     "has 301 pages;"),
    ("docx of 400 pages", _office_zip("DOCX", "memo.docx", _app_pages(400)), "document",
     "has 400 pages;"),
    ("pdf without pages", _pdf(0), "document",
     "has no pages, so LinkedIn would show an empty document: export it again with its content"),
    ("pptx without slides", _office_zip("PPTX", "deck.pptx"), "document", "has no pages"),
    ("pdf header only", _bytes(b"%PDF-1.7\n%garbage, no objects\n", "deck.pdf"), "document",
     "cannot be read as a PDF ("),
    ("password-protected pdf", _encrypted_pdf, "document",
     "is protected by a password, so LinkedIn cannot open it: save a copy without a password"),
]


@pytest.mark.parametrize(("build", "kind", "expected"),
                         [case[1:] for case in REFUSED], ids=[case[0] for case in REFUSED])
@pytest.mark.filterwarnings("error")  # Pillow's and pypdf's warnings must not escape
def test_refused_files(tmp_path: Path, build: Build, kind: MediaKind, expected: str) -> None:
    path = build(tmp_path)
    _, problems = inspect_media(path, kind)
    assert len(problems) == 1, problems
    assert expected in problems[0]
    assert str(path) not in problems[0] and path.name not in problems[0]


def test_format_problems_come_without_info(tmp_path: Path) -> None:
    info, problems = inspect_media(_image("WEBP")(tmp_path), "image")
    assert info is None
    assert problems


def test_limit_problems_come_with_info(tmp_path: Path) -> None:
    path = _pdf(301)(tmp_path)
    info, problems = inspect_media(path, "document")
    assert problems
    assert info == MediaInfo(
        kind="document", format="PDF", size=path.stat().st_size,
        content_type="application/pdf", pages=301,
    )


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    _, problems = inspect_media(_mp4(media_bytes=1000, seconds=1)(tmp_path), "video")
    assert [p.split(";")[0] for p in problems] == [
        "is only 1.3 KB (1,304 bytes)", "is 1.0 seconds long",
    ]


def test_pixel_warning_range_is_a_problem_not_a_warning(tmp_path: Path) -> None:
    # 100 Mpx lies between Pillow's warning (89 Mpx) and error (179 Mpx) thresholds.
    path = _png_header(10_000, 10_000)(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        info, problems = inspect_media(path, "image")
    assert caught == []
    assert info is not None and (info.width, info.height) == (10_000, 10_000)
    assert problems[0].startswith("is 10000 x 10000 pixels")


def test_missing_file_is_a_problem(tmp_path: Path) -> None:
    info, problems = inspect_media(tmp_path / "gone.png", "image")
    assert info is None
    assert problems == [
        "cannot be read (No such file or directory): check that it is a readable file"
    ]


def test_a_huge_video_is_not_read_into_memory(tmp_path: Path) -> None:
    # 5 GB of hole: reading it would take seconds and gigabytes; walking boxes takes neither.
    info, problems = inspect_media(_sparse_mp4(5000 * MB)(tmp_path), "video")
    assert info is not None and info.size == 5000 * MB
    assert problems[0].startswith("is 5,000.0 MB")


@pytest.mark.parametrize(("content", "expected"), [
    (b"%PDF-1.4", "PDF"),
    (b"\x00" * 100 + b"%PDF-1.4", "PDF"),
    (b"GIF87a", "GIF"),
    (b"BM" + bytes(12) + struct.pack("<I", 40) + bytes(40), "BMP"),
    (b"BMW drivers love this post", "TEXT"),
    (b"\xef\xbb\xbf  <svg xmlns='http://www.w3.org/2000/svg'/>", "SVG"),
    (b"<html><body>hi</body></html>", "HTML"),
    (_ftyp(b"mp42", b"isom"), "MP4"),
    (_ftyp(b"3gp5"), "3GP"),
    (bytes(4) + b"moov" + bytes(8), "MOV"),
    (b"ID3\x04", "MP3"),
    (b"\xff\xfe\x00\x00 binary", "UNKNOWN:ff fe 00 00 20 62 69 6e"),
])
def test_identify(content: bytes, expected: str) -> None:
    assert identify(io.BytesIO(content)) == expected


def test_sha256_file_matches_hashlib(tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    content = bytes(range(256)) * 10_000  # larger than one read chunk
    path.write_bytes(content)
    assert sha256_file(path) == "sha256:" + hashlib.sha256(content).hexdigest()


def test_sha256_file_of_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty"
    path.write_bytes(b"")
    assert sha256_file(path) == (
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
