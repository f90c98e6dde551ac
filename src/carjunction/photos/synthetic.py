"""Photo-like JPEGs of a phone photo's size and weight (300–500 KB), made from a seed: for the benchmark's synthetic
stock (bench/make_photos.py) and the browser tests, which may not import bench/.

A photo is a smooth colour field (gradients) with a dozen shapes on it and grain over all of it, at 2048×1536
or 1600×1200: content a JPEG and a WebP encoder find about as hard as a phone photo of a car, with bytes that
differ per seed, so that every photo has its own content hash. About 0.1 s of one core each.
"""

from __future__ import annotations

import io
import random

SIZES = ((2048, 1536), (1600, 1200))
# (grain, JPEG quality) per size, tuned so that the files land between 300 and 500 KB.
TUNING = {(2048, 1536): (0.10, 80), (1600, 1200): (0.12, 88)}
LOW, HIGH = 300_000, 500_000


def photo_bytes(seed: int) -> bytes:
    """One photo-like JPEG, the same for a seed (even seeds 2048×1536, odd 1600×1200); its size is nudged into
    LOW..HIGH."""
    from PIL import Image, ImageDraw  # noqa: PLC0415 - Pillow only where photos are made

    rnd = random.Random(seed)  # noqa: S311 - test pictures, repeatable by seed; nothing secret
    size = SIZES[seed % 2]
    width, height = size
    field = Image.frombytes("RGB", (8, 6), rnd.randbytes(8 * 6 * 3))
    picture = field.resize((width // 4, height // 4), Image.Resampling.BICUBIC).resize(size, Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(picture)
    for _ in range(12):
        x, y = rnd.randrange(width), rnd.randrange(height)
        box = (x, y, x + rnd.randrange(50, width // 2), y + rnd.randrange(50, height // 2))
        colour = (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))
        (draw.ellipse if rnd.random() < 0.5 else draw.rectangle)(box, fill=colour)
    grain = Image.frombytes("RGB", (width // 2, height // 2), rnd.randbytes(width * height * 3 // 4))
    amount, quality = TUNING[size]
    picture = Image.blend(picture, grain.resize(size, Image.Resampling.BILINEAR), amount)
    for _ in range(6):
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=quality)
        data = out.getvalue()
        if LOW <= len(data) <= HIGH:
            break
        quality += 4 if len(data) < LOW else -4
    return data
