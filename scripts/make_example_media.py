"""Draw the images and the PDF deck that the example posts under posts/ use.

Run from anywhere: `python scripts/make_example_media.py`. The output is deterministic
(no randomness, no dates, Pillow's bundled font), so regenerating gives the same pictures.
Everything is drawn from code so the examples carry no third-party artwork.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

MEDIA = Path(__file__).resolve().parent.parent / "posts" / "media"

Color = tuple[int, int, int]
NAVY: Color = (15, 27, 61)
NAVY_LIGHT: Color = (36, 52, 99)
TEAL: Color = (25, 195, 166)
CORAL: Color = (255, 122, 89)
AMBER: Color = (255, 190, 70)
INK: Color = (24, 32, 52)
MUTED: Color = (110, 120, 140)
LINE: Color = (226, 231, 240)
PAPER: Color = (238, 242, 248)
WHITE: Color = (255, 255, 255)

# Impressions per day over 30 days: a steady climb with weekend dips, drawn in every chart.
IMPRESSIONS = (
    31, 34, 33, 38, 41, 29, 27, 40, 44, 47, 45, 52, 36, 33, 51, 55, 58, 56, 63,
    44, 41, 60, 66, 69, 71, 74, 55, 52, 78, 83,
)


def font(size: int) -> ImageFont.FreeTypeFont:
    """Pillow's bundled sans-serif: the same on every machine, no font files to ship."""
    loaded = ImageFont.load_default(size)
    assert isinstance(loaded, ImageFont.FreeTypeFont), "Pillow was built without FreeType"
    return loaded


def text(draw: ImageDraw.ImageDraw, xy: tuple[float, float], words: str, size: int,
         fill: Color, *, bold: bool = False) -> None:
    # The bundled font has one weight. Drawing it again a little to the right thickens the
    # stems like a bold face does, without the blobs an outline stroke makes of small dots.
    x, y = xy
    for shift in range(1 + (max(1, size // 24) if bold else 0)):
        draw.text((x + shift, y), words, font=font(size), fill=fill)


def check_mark(draw: ImageDraw.ImageDraw, x: float, y: float, size: float, fill: Color) -> None:
    points = [(x, y + size * 0.55), (x + size * 0.38, y + size * 0.9), (x + size, y + size * 0.1)]
    draw.line(points, fill=fill, width=max(3, int(size / 6)), joint="curve")


def line_chart(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int],
               values: Sequence[int], color: Color, fill: Color) -> None:
    """A filled area chart with a few grid lines, scaled into box."""
    left, top, right, bottom = box
    for step in range(4):
        y = top + (bottom - top) * step / 3
        draw.line([(left, y), (right, y)], fill=LINE, width=2)
    peak = max(values) * 1.1
    points = [
        (left + (right - left) * i / (len(values) - 1), bottom - (bottom - top) * v / peak)
        for i, v in enumerate(values)
    ]
    draw.polygon([(left, bottom), *points, (right, bottom)], fill=fill)
    draw.line(points, fill=color, width=5, joint="curve")
    last_x, last_y = points[-1]
    draw.ellipse([last_x - 9, last_y - 9, last_x + 9, last_y + 9], fill=WHITE, outline=color,
                 width=5)


def tint(color: Color, amount: float) -> Color:
    """color mixed with white: amount 0 is white, 1 is the color."""
    r, g, b = (round(255 - (255 - c) * amount) for c in color)
    return (r, g, b)


# --- the launch post: 1200 x 627, LinkedIn's link and single-image size -------------------

def launch_image() -> Image.Image:
    image = Image.new("RGB", (1200, 627), NAVY)
    draw = ImageDraw.Draw(image)
    draw.ellipse([820, -260, 1460, 380], fill=NAVY_LIGHT)
    draw.rounded_rectangle([70, 150, 178, 190], radius=20, fill=TEAL)
    text(draw, (92, 157), "NEW", 24, NAVY, bold=True)
    text(draw, (68, 212), "Acme Sync 3.0", 76, WHITE, bold=True)
    text(draw, (70, 318), "Posts as code: reviewed, scheduled,", 32, tint(TEAL, 0.35))
    text(draw, (70, 360), "published exactly once.", 32, tint(TEAL, 0.35))
    text(draw, (70, 520), "example.com  ·  December 2026", 22, (150, 165, 200))

    card = (650, 130, 1130, 500)
    draw.rounded_rectangle(card, radius=24, fill=WHITE)
    text(draw, (685, 160), "Impressions, last 30 days", 22, MUTED)
    text(draw, (685, 195), "1,592", 48, INK, bold=True)
    draw.rounded_rectangle([830, 205, 930, 240], radius=17, fill=tint(TEAL, 0.2))
    text(draw, (845, 210), "+38%", 22, (12, 130, 110), bold=True)
    line_chart(draw, (685, 280, 1095, 460), IMPRESSIONS, TEAL, tint(TEAL, 0.18))

    draw.rounded_rectangle([560, 430, 800, 500], radius=35, fill=CORAL)
    check_mark(draw, 585, 450, 28, WHITE)
    text(draw, (628, 449), "Published", 28, WHITE, bold=True)
    return image


# --- the dashboard tour: three 1080 x 1080 screens ------------------------------------------

def screen(number: int, caption: str, title: str) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    """A window on a soft background, with the tour caption above it."""
    image = Image.new("RGB", (1080, 1080), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([60, 56, 150, 100], radius=22, fill=NAVY)
    text(draw, (78, 63), f"{number} / 3", 26, WHITE, bold=True)
    text(draw, (172, 60), caption, 34, INK, bold=True)
    draw.rounded_rectangle([60, 140, 1020, 1020], radius=28, fill=WHITE)
    draw.rounded_rectangle([60, 140, 1020, 220], radius=28, fill=NAVY)
    draw.rectangle([60, 190, 1020, 220], fill=NAVY)
    for i, color in enumerate((CORAL, AMBER, TEAL)):
        draw.ellipse([95 + i * 32, 170, 115 + i * 32, 190], fill=color)
    text(draw, (210, 163), f"Acme Sync  ·  {title}", 28, WHITE)
    return image, draw


def tile(draw: ImageDraw.ImageDraw, x: int, label: str, value: str, accent: Color) -> None:
    draw.rounded_rectangle([x, 260, x + 280, 420], radius=20, fill=tint(accent, 0.12))
    draw.rounded_rectangle([x, 260, x + 12, 420], radius=6, fill=accent)
    text(draw, (x + 36, 285), label, 24, MUTED)
    text(draw, (x + 36, 330), value, 56, INK, bold=True)


def overview_screen() -> Image.Image:
    image, draw = screen(1, "Everything at a glance", "Overview")
    tile(draw, 100, "Posts published", "128", TEAL)
    tile(draw, 400, "Avg. reach", "4.2k", AMBER)
    tile(draw, 700, "Failed posts", "0", CORAL)
    text(draw, (100, 470), "Impressions, last 30 days", 28, INK, bold=True)
    line_chart(draw, (100, 540, 980, 960), IMPRESSIONS, TEAL, tint(TEAL, 0.16))
    return image


ALERTS = (
    (CORAL, "Token for jane expires in 5 days", "Run publish login to renew it"),
    (AMBER, "holiday-support is scheduled", "Tue, Dec 15 at 09:00 Berlin time"),
    (TEAL, "All 9 posts are valid", "Checked on the last pull request"),
    (TEAL, "12 of 150 API calls used today", "Plenty of room for launches"),
)


def alerts_screen() -> Image.Image:
    image, draw = screen(2, "Know before it breaks", "Alerts")
    draw.rounded_rectangle([100, 260, 980, 380], radius=20, fill=tint(TEAL, 0.14))
    draw.ellipse([130, 285, 200, 355], fill=TEAL)
    check_mark(draw, 148, 304, 34, WHITE)
    text(draw, (230, 283), "All clear", 40, INK, bold=True)
    text(draw, (230, 333), "Nothing needs you right now", 24, MUTED)
    for row, (color, headline, detail) in enumerate(ALERTS):
        top = 420 + row * 140
        draw.rounded_rectangle([100, top, 980, top + 116], radius=18, outline=LINE, width=3)
        draw.ellipse([132, top + 44, 160, top + 72], fill=color)
        text(draw, (190, top + 24), headline, 30, INK, bold=True)
        text(draw, (190, top + 66), detail, 24, MUTED)
    return image


CLICKS = (("Launch: Sync 3.0", 412), ("Dashboard tour", 318), ("Globex story", 274),
          ("Release checklist", 231), ("Holiday support", 96))
REACTIONS = ((TEAL, "Like", 61), (CORAL, "Celebrate", 22), (AMBER, "Insightful", 17))


def reports_screen() -> Image.Image:
    image, draw = screen(3, "Numbers you can act on", "Reports")
    text(draw, (100, 260), "Clicks by post", 28, INK, bold=True)
    longest = max(count for _, count in CLICKS)
    for row, (label, count) in enumerate(CLICKS):
        top = 320 + row * 62
        text(draw, (100, top + 6), label, 24, MUTED)
        width = int(380 * count / longest)
        draw.rounded_rectangle([340, top, 340 + width, top + 40], radius=10, fill=NAVY)
        text(draw, (352 + width, top + 6), str(count), 24, INK, bold=True)
    text(draw, (100, 680), "Reactions by type", 28, INK, bold=True)
    start = -90.0
    for color, _, share in REACTIONS:
        end = start + 360 * share / 100
        draw.pieslice([100, 740, 340, 980], start, end, fill=color)
        start = end
    draw.ellipse([170, 810, 270, 910], fill=WHITE)
    for row, (color, label, share) in enumerate(REACTIONS):
        top = 780 + row * 60
        draw.rounded_rectangle([400, top, 428, top + 28], radius=6, fill=color)
        text(draw, (448, top - 2), f"{label}  {share}%", 28, INK)
    return image


# --- the article cover: JPEG, as a photo-like thumbnail would be ----------------------------

def article_cover() -> Image.Image:
    # A diagonal blend from navy to teal, built at 1/8 size and scaled up so it stays smooth.
    small = Image.new("RGB", (150, 79))
    pixels = small.load()
    assert pixels is not None
    for x in range(150):
        for y in range(79):
            mix = min(1.0, (x + y * 1.4) / 260)
            pixels[x, y] = tuple(round(a + (b - a) * mix) for a, b in zip(NAVY, TEAL, strict=True))
    image = small.resize((1200, 627), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    text(draw, (80, 90), "CUSTOMER STORY", 26, tint(TEAL, 0.4), bold=True)
    text(draw, (76, 150), "From three days", 80, WHITE, bold=True)
    text(draw, (76, 250), "to three hours.", 80, WHITE, bold=True)
    text(draw, (80, 380), "How Globex Corporation ships its release", 32, (220, 235, 245))
    text(draw, (80, 424), "announcements with Acme Sync.", 32, (220, 235, 245))
    draw.line([(80, 520), (200, 520)], fill=CORAL, width=6)
    text(draw, (80, 540), "example.com/customers/globex", 24, (200, 215, 235))

    draw.rounded_rectangle([760, 170, 1120, 470], radius=24, fill=WHITE)
    text(draw, (795, 200), "Release prep time", 24, MUTED)
    for row, (label, length, color) in enumerate(
        (("Before", 290, CORAL), ("With Acme Sync", 28, TEAL))
    ):
        top = 260 + row * 105
        text(draw, (795, top), label, 22, INK, bold=True)
        draw.rounded_rectangle([795, top + 36, 795 + length, top + 70], radius=10, fill=color)
        value = "3 days" if row == 0 else "3 hours"
        text(draw, (795 + length + 14 if row else 805, top + 40), value, 22,
             INK if row else WHITE, bold=True)
    return image


# --- the document post: a three-page 16:9 deck, drawn as vector PDF -------------------------

PAGE_WIDTH, PAGE_HEIGHT = 960, 540  # points

DECK = (
    ("The release checklist", (
        "Nine checks we run before and after every Acme release.",
    )),
    ("Before you merge", (
        "Post drafted in posts/ and reviewed in the pull request",
        "publish check passes: links, mentions, alt text, length",
        "Preview read aloud once. Does the first line earn the click?",
        "Schedule set in the audience's time zone",
        "Images under 36 megapixels; documents under 300 pages",
    )),
    ("After you ship", (
        "Post URN written back to the repository",
        "First comment added with the full story",
        "Metrics pulled after 48 hours into analytics/",
        "What worked goes into the next post's brief",
    )),
)


def _rgb(color: Color) -> str:
    return " ".join(f"{c / 255:.3f}" for c in color)


def _pdf_text(x: float, y: float, size: int, words: str, bold: bool = False) -> str:
    escaped = words.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return f"BT /{'F2' if bold else 'F1'} {size} Tf {x} {y} Td ({escaped}) Tj ET\n"


def _page_frame(number: int) -> str:
    ops = f"{_rgb(WHITE)} rg 0 0 {PAGE_WIDTH} {PAGE_HEIGHT} re f\n"
    ops += f"{_rgb(TEAL)} rg 0 0 18 {PAGE_HEIGHT} re f\n"
    ops += f"{_rgb(MUTED)} rg\n" + _pdf_text(60, 34, 12, "Acme Corp  |  The release checklist")
    ops += _pdf_text(PAGE_WIDTH - 80, 34, 12, f"{number} / {len(DECK)}")
    return ops


def _cover_page(title: str, lines: Sequence[str]) -> str:
    ops = f"{_rgb(NAVY)} rg 0 0 {PAGE_WIDTH} {PAGE_HEIGHT} re f\n"
    ops += f"{_rgb(TEAL)} rg 60 330 70 8 re f\n"
    ops += f"{_rgb(WHITE)} rg\n" + _pdf_text(60, 260, 56, title, bold=True)
    ops += f"{_rgb(tint(TEAL, 0.4))} rg\n" + _pdf_text(60, 215, 22, lines[0])
    ops += f"{_rgb((150, 165, 200))} rg\n" + _pdf_text(60, 60, 14, "Acme Corp  |  December 2026")
    # A checklist card on the right, drawn with the same boxes and ticks as the pages.
    ops += f"{_rgb(NAVY_LIGHT)} rg 670 130 250 280 re f\n"
    for row, length in enumerate((150, 120, 135)):
        y = 340 - row * 80
        ops += f"{_rgb(TEAL)} rg 700 {y - 6} 30 30 re f\n"
        ops += f"{_rgb(NAVY)} RG 3 w 1 J 1 j 707 {y + 9} m 713 {y + 2} l 724 {y + 18} l S\n"
        ops += f"{_rgb((120, 135, 175))} rg 745 {y + 4} {length} 10 re f\n"
    return ops


def _checklist_page(number: int, title: str, items: Sequence[str]) -> str:
    ops = _page_frame(number)
    ops += f"{_rgb(INK)} rg\n" + _pdf_text(60, 440, 40, title, bold=True)
    for row, item in enumerate(items):
        y = 360 - row * 58
        ops += f"{_rgb(tint(TEAL, 0.15))} rg 60 {y - 6} 30 30 re f\n"
        ops += f"{_rgb(TEAL)} RG 3 w 1 J 1 j 67 {y + 9} m 73 {y + 2} l 84 {y + 18} l S\n"
        ops += f"{_rgb(INK)} rg\n" + _pdf_text(110, y + 2, 20, item)
    return ops


def checklist_pdf() -> bytes:
    """A small PDF 1.4 file: standard fonts (not embedded), one compressed stream per page."""
    pages = [_cover_page(*DECK[0])]
    pages += [_checklist_page(number, title, items)
              for number, (title, items) in enumerate(DECK[1:], start=2)]
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [{kids}] /Count {count} >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        "<< /Title (The release checklist) /Author (Acme Corp) >>",
    ]
    streams: dict[int, bytes] = {}
    kids = []
    for content in pages:
        page_id = len(objects) + 1
        kids.append(f"{page_id} 0 R")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
            f"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {page_id + 1} 0 R >>"
        )
        streams[page_id + 1] = zlib.compress(content.encode("latin-1"), 9)
        objects.append("")
    objects[1] = objects[1].format(kids=" ".join(kids), count=len(kids))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode()
        if number in streams:
            data = streams[number]
            out += f"<< /Length {len(data)} /Filter /FlateDecode >>\nstream\n".encode()
            out += data + b"\nendstream"
        else:
            out += body.encode("latin-1")
        out += b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 5 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


def main() -> None:
    MEDIA.mkdir(parents=True, exist_ok=True)
    pngs = {
        "launch.png": launch_image(),
        "dashboard-overview.png": overview_screen(),
        "dashboard-alerts.png": alerts_screen(),
        "dashboard-reports.png": reports_screen(),
    }
    for name, image in pngs.items():
        # A 64-colour palette keeps flat illustrations sharp at a fraction of the size.
        image.quantize(64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            MEDIA / name, optimize=True
        )
    article_cover().save(MEDIA / "globex-story.jpg", quality=85, optimize=True, progressive=True)
    (MEDIA / "release-checklist.pdf").write_bytes(checklist_pdf())
    for path in sorted(MEDIA.iterdir()):
        print(f"{path.relative_to(MEDIA.parent.parent)}  {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
