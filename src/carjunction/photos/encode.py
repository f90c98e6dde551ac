"""A photo's WebP variants, made in one decode: the encoder the publisher runs in its worker processes.

The variants are those the site links: widths from ``variant_widths`` (360, 640, 960, 1280; never wider
than the original), WebP at quality 72 and method 4, as the site build's own encoder has made them.
Two savings over resizing the full picture four times, both measured (bench/measure_photos.py):
- each variant is resized from the next larger one (a step of at most 2×, so LANCZOS keeps its sharpness);
- a JPEG at least twice as wide as the largest variant is decoded at 1/2, 1/4 or 1/8 scale by libjpeg
  (``Image.draft``): a 4032×3024 phone photo never ingested by `carjunction photos`, for example.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from carjunction.photos.lfs import may_be_pointer
from carjunction.site.settings import variant_widths

QUALITY = 72
METHOD = 4
ORIENTATION = 0x0112  # the EXIF tag
SIDEWAYS = frozenset({5, 6, 7, 8})  # orientations that swap width and height


class SourceError(Exception):
    """A photo's bytes cannot be encoded; the message names the file."""


@dataclass(frozen=True)
class Encoded:
    sha256: str  # of the bytes that were read, so the caller can check they are the photo it planned
    width: int
    height: int
    variants: dict[int, bytes]  # width → WebP bytes, widest first

    @property
    def widths(self) -> tuple[int, ...]:
        return tuple(sorted(self.variants))


def variant_height(width: int, height: int, variant: int) -> int:
    return max(1, round(height * variant / width))


def encode_photo(path: str | Path) -> Encoded:
    """Read the photo at ``path`` and make its variants; top-level so that a process pool can run it."""
    from PIL import Image, ImageOps, UnidentifiedImageError  # noqa: PLC0415 - Pillow only where photos are encoded

    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise SourceError(f"{path}: cannot be read: {error}") from error
    if may_be_pointer(data[:16]):
        raise SourceError(f"{path}: is still a Git LFS pointer; its object was not fetched")
    try:
        with Image.open(io.BytesIO(data)) as image:
            # A phone photo uploaded as taken (from GitHub's web page, say) is stored sideways with an EXIF
            # orientation; its variants are made upright, as a browser shows the original.
            turned = image.getexif().get(ORIENTATION, 1) in SIDEWAYS
            width, height = (image.height, image.width) if turned else image.size
            widths = variant_widths(width)
            largest = (widths[-1], variant_height(width, height, widths[-1]))
            # draft() only ever picks a scale whose result is at least the size asked for.
            image.draft("RGB", largest[::-1] if turned else largest)
            image.load()
            picture = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError) as error:
        raise SourceError(f"{path}: is not an image Pillow can read: {error}") from error
    variants: dict[int, bytes] = {}
    source = picture
    for variant in reversed(widths):
        size = (variant, variant_height(width, height, variant))
        resized = source if source.size == size else source.resize(size, Image.Resampling.LANCZOS)
        out = io.BytesIO()
        resized.save(out, "WEBP", quality=QUALITY, method=METHOD)
        variants[variant] = out.getvalue()
        source = resized
    return Encoded(hashlib.sha256(data).hexdigest(), width, height, variants)
