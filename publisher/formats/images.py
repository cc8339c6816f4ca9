"""Raster images (JPEG, PNG, GIF): size and frame count from the header, through Pillow
(imported when an image is read, not before); pixels are never decoded."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from publisher.formats.common import UnreadableError

if TYPE_CHECKING:
    from PIL import Image as PILImage


@dataclass(frozen=True)
class ImageHeader:
    width: int
    height: int
    frames: int | None  # GIF only


class TooManyPixelsError(UnreadableError):
    """More pixels than Pillow opens safely; ``ceiling`` is that count."""

    def __init__(self, ceiling: int) -> None:
        super().__init__(f"more than {ceiling:,} pixels")
        self.ceiling = ceiling


def image_header(path: Path, found: str) -> ImageHeader:
    """Width, height and (for a GIF) frames of an image of format `found`; TooManyPixelsError,
    or UnreadableError naming what is damaged."""
    from PIL import Image, UnidentifiedImageError

    try:
        # Pillow warns from MAX_IMAGE_PIXELS (about 89 Mpx) and raises from twice that; both
        # are far above LinkedIn's limit, which the caller reports in plain words.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path, formats=[found]) as image:  # reads the header only
                width, height = image.size
                frames = _gif_frames(image) if found == "GIF" else None
    except Image.DecompressionBombError:
        raise TooManyPixelsError(2 * (Image.MAX_IMAGE_PIXELS or 0)) from None
    except Exception as error:  # Pillow raises many types on damaged files
        # UnidentifiedImageError's text repeats the path, which the caller already shows.
        reason = ("its data is damaged" if isinstance(error, UnidentifiedImageError)
                  else str(error) or type(error).__name__)
        raise UnreadableError(reason) from None
    return ImageHeader(width, height, frames)


def _gif_frames(image: PILImage.Image) -> int:
    # Counting walks the frame headers without decoding pixels; n_frames is typed loosely.
    return int(getattr(image, "n_frames", 1))
