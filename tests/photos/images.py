"""Real, distinct image files for the photo tests (a photo's content decides its name, so each must differ)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[2]


def photo(path: Path, seed: int, size: tuple[int, int] = (700, 525), fmt: str = "JPEG") -> Path:
    """A JPEG (or WebP) with a colour field and shapes that depend on ``seed``."""
    rnd = random.Random(seed)  # noqa: S311 - test pictures, not secrets
    image = Image.new("RGB", size, (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rnd.randrange(size[0]), rnd.randrange(size[1])
        colour = (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))
        draw.ellipse((x, y, x + rnd.randrange(20, 200), y + rnd.randrange(20, 200)), fill=colour)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, fmt, quality=85)
    return path


def sample_with(tmp_path: Path, keep: set[str]) -> Path:
    """The sample content, with only the vehicles in ``keep``."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    for yaml in (content / "vehicles").glob("*.yaml"):
        if yaml.stem not in keep:
            yaml.unlink()
            shutil.rmtree(yaml.with_suffix(""), ignore_errors=True)
    return content
