"""Draw honest placeholder photos for the sample stock in content/vehicles/.

There are no real photos of the sample vehicles, so this draws, for every photo a
vehicle file lists, a flat picture that says what it is: a simple silhouette of the
body type in the vehicle's colour, the view the real photo would show, and a caption
with the stock number and the words "placeholder photo".

The output is deterministic (the same YAML gives the same bytes) and small (a few KB
per file). An existing file is never overwritten unless --force is given, so a real
photo that staff have added is never clobbered.

    python scripts/draw_placeholder_photos.py            # draw missing photos
    python scripts/draw_placeholder_photos.py --force    # redraw every photo
    python scripts/draw_placeholder_photos.py CJ26001    # only these stock numbers
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from PIL import Image, ImageDraw, ImageFont
from placeholder_shapes import (
    BACKGROUND,
    COLOURS,
    FALLBACK_COLOUR,
    GLASS,
    GROUND,
    HEADLIGHT,
    INK,
    RGB,
    RIM,
    SHAPES,
    SOFT_INK,
    TAIL_LIGHT,
    TYRE,
    VIEWS,
    Font,
    Point,
)

WIDTH, HEIGHT = 1200, 900
JPEG_QUALITY = 60
DEFAULT_DIR = Path(__file__).resolve().parent.parent / "content" / "vehicles"

DEFAULT_SIZE_MM = (4500, 1750, 1500)  # length, width, height when a file leaves them out


@dataclass(frozen=True)
class Vehicle:
    """The few fields of a vehicle file that the drawing needs."""

    stock_no: str
    make: str
    model: str
    body_type: str
    colour: str
    steering: str
    fuel: str
    length_mm: int
    height_mm: int
    photos: tuple[str, ...]

    @classmethod
    def from_yaml(cls, data: dict[str, Any], path: Path) -> Vehicle:
        def whole(key: str, default: int) -> int:
            value = data.get(key)
            return value if isinstance(value, int) and value > 0 else default

        return cls(
            stock_no=str(data.get("stock_no") or path.stem),
            make=str(data.get("make") or ""),
            model=str(data.get("model") or ""),
            body_type=str(data.get("body_type") or "sedan"),
            colour=str(data.get("colour") or ""),
            steering=str(data.get("steering") or "right"),
            fuel=str(data.get("fuel") or "petrol"),
            length_mm=whole("length_mm", DEFAULT_SIZE_MM[0]),
            height_mm=whole("height_mm", DEFAULT_SIZE_MM[2]),
            photos=tuple(str(p) for p in data.get("photos") or ()),
        )


def colour_rgb(name: str) -> RGB:
    """The RGB for a colour name such as "Pearl White"; grey when the name is unknown."""
    words = " ".join(name.lower().replace("-", " ").split())
    matches = [key for key in COLOURS if key in words]
    return COLOURS[max(matches, key=len)] if matches else FALLBACK_COLOUR


def shade(colour: RGB, factor: float) -> RGB:
    """Darker (factor < 1) or lighter (factor > 1) version of a colour."""
    if factor <= 1:
        r, g, b = (round(c * factor) for c in colour)
    else:
        r, g, b = (round(c + (255 - c) * (factor - 1)) for c in colour)
    return (r, g, b)


def view_name(index: int) -> str:
    return VIEWS[index] if index < len(VIEWS) else f"photo {index + 1}"


def font(size: int) -> Font:
    return ImageFont.load_default(size=size)


class Canvas:
    """Maps the unit shape onto the picture, with an optional shear for the 3/4 views."""

    def __init__(self, draw: ImageDraw.ImageDraw, left: float, base: float, length: float, height: float) -> None:
        self.draw, self.left, self.base, self.length, self.height = draw, left, base, length, height
        self.rise = 0.0  # how far the rear end is lifted, in pixels (perspective for the 3/4 views)
        self.mirror = False

    def at(self, x: float, y: float) -> Point:
        px = self.left + x * self.length
        py = self.base - y * self.height - x * self.rise
        return (WIDTH - px if self.mirror else px, py)

    def polygon(self, points: Sequence[Point], fill: RGB, outline: RGB | None = INK) -> None:
        self.draw.polygon([self.at(x, y) for x, y in points], fill=fill, outline=outline, width=3)


def draw_exterior(draw: ImageDraw.ImageDraw, vehicle: Vehicle, paint: RGB, view: str) -> None:
    shape = SHAPES.get(vehicle.body_type, SHAPES["sedan"])
    three_quarter = view in {"front 3/4", "rear 3/4"}
    end_on = view in {"front", "rear"}
    scale = min(880 / vehicle.length_mm, 440 / vehicle.height_mm)
    length, height = vehicle.length_mm * scale, vehicle.height_mm * scale
    wheel = shape.wheel_radius_mm * scale
    base = 660.0
    # Ground shadow.
    draw.ellipse((WIDTH / 2 - length / 2 - 40, base - 16, WIDTH / 2 + length / 2 + 40, base + 16), fill=GROUND)
    if end_on:
        draw_end_on(draw, paint, height=height, wheel=wheel, base=base, rear=view == "rear")
        return
    side_length = length * (0.8 if three_quarter else 1.0)
    face = length * 0.14 if three_quarter else 0.0
    left = (WIDTH - side_length - face) / 2 + face
    canvas = Canvas(draw, left, base, side_length, height)
    if three_quarter:
        canvas.rise = 0.08 * height
        canvas.mirror = view == "rear 3/4"
        nose = shape.nose * height
        lamp = HEADLIGHT if view == "front 3/4" else TAIL_LIGHT
        x0, x1 = left - face, left
        corners = [
            (x0, base - 0.16 * height + 12),
            (x1, base - 0.16 * height),
            (x1, base - nose),
            (x0, base - nose + 12),
        ]
        if canvas.mirror:
            corners = [(WIDTH - x, y) for x, y in corners]
        draw.polygon(corners, fill=shade(paint, 0.85), outline=INK, width=3)
        lamp_y = base - nose + 0.14 * height
        for fraction in (0.12, 0.72):
            lx = x0 + fraction * face
            box = [lx, lamp_y, lx + 0.16 * face, lamp_y + 0.07 * height]
            if canvas.mirror:
                box = [WIDTH - box[2], box[1], WIDTH - box[0], box[3]]
            draw.rectangle(box, fill=lamp, outline=INK, width=2)
    for part in shape.body:
        canvas.polygon(part, paint)
    for pane in shape.glass:
        canvas.polygon(pane, GLASS, outline=None)
    for x in shape.wheels:
        cx, cy = canvas.at(x, 0)
        cy -= wheel
        draw.ellipse((cx - wheel, cy - wheel, cx + wheel, cy + wheel), fill=TYRE)
        draw.ellipse((cx - wheel * 0.55, cy - wheel * 0.55, cx + wheel * 0.55, cy + wheel * 0.55), fill=RIM)


def draw_end_on(draw: ImageDraw.ImageDraw, paint: RGB, *, height: float, wheel: float, base: float, rear: bool) -> None:
    width = min(height * 1.1, 520.0)
    cx = WIDTH / 2
    for side in (-1, 1):
        x = cx + side * width * 0.36
        draw.rectangle((x - wheel * 0.45, base - wheel * 1.6, x + wheel * 0.45, base), fill=TYRE)
    top = base - height
    body = [(cx - width / 2, base - 0.16 * height), (cx + width / 2, base - 0.16 * height)]
    body += [(cx + width / 2 * 0.86, top), (cx - width / 2 * 0.86, top)]
    draw.polygon(body, fill=paint, outline=INK, width=3)
    glass_bottom = base - 0.6 * height
    draw.rectangle((cx - width * 0.38, top + 0.06 * height, cx + width * 0.38, glass_bottom), fill=GLASS)
    lamp = TAIL_LIGHT if rear else HEADLIGHT
    lamp_y = glass_bottom + 0.08 * height
    for side in (-1, 1):
        x = cx + side * width * 0.34
        draw.rectangle((x - width * 0.09, lamp_y, x + width * 0.09, lamp_y + 0.07 * height), fill=lamp, outline=INK)
    plate_y = base - 0.3 * height
    draw.rectangle((cx - width * 0.12, plate_y, cx + width * 0.12, plate_y + 0.07 * height), fill=(250, 250, 250))


def draw_interior(draw: ImageDraw.ImageDraw, vehicle: Vehicle, paint: RGB) -> None:
    # Dashboard across the picture, a steering wheel on the driver's side, two seat backs.
    draw.rectangle((0, 140, WIDTH, 200), fill=GLASS)
    draw.rectangle((0, 200, WIDTH, 380), fill=(70, 70, 74), outline=INK, width=3)
    draw.rectangle((520, 230, 680, 330), fill=(30, 30, 34), outline=RIM, width=3)  # centre screen
    driver = 830 if vehicle.steering == "right" else 370
    passenger = 370 if vehicle.steering == "right" else 830
    draw.ellipse((driver - 150, 250, driver + 150, 550), outline=(24, 24, 26), width=26)
    draw.line((driver - 130, 400, driver + 130, 400), fill=(24, 24, 26), width=22)
    for x in (driver, passenger):
        draw.rounded_rectangle((x - 170, 560, x + 170, 860), radius=60, fill=(54, 54, 58), outline=INK, width=3)
    # A strip of body colour along the door cards.
    draw.rectangle((0, 420, 90, 900), fill=paint, outline=INK, width=3)
    draw.rectangle((WIDTH - 90, 420, WIDTH, 900), fill=paint, outline=INK, width=3)


def draw_engine_bay(draw: ImageDraw.ImageDraw, vehicle: Vehicle, paint: RGB) -> None:
    # The open bonnet at the top, the bay below with the engine (or motor) block and a battery.
    draw.polygon([(200, 120), (1000, 120), (1080, 260), (120, 260)], fill=paint, outline=INK, width=3)
    draw.rectangle((160, 260, 1040, 760), fill=(60, 62, 66), outline=INK, width=3)
    block = (76, 80, 88) if vehicle.fuel == "electric" else (110, 112, 118)
    draw.rounded_rectangle((380, 360, 820, 660), radius=30, fill=block, outline=INK, width=3)
    for i in range(4):
        x = 430 + i * 100
        draw.ellipse((x, 400, x + 60, 460), fill=(140, 144, 150), outline=INK, width=2)
    draw.rectangle((220, 320, 340, 420), fill=(30, 30, 34), outline=RIM, width=3)  # battery
    draw.ellipse((880, 320, 990, 430), fill=(210, 200, 120), outline=INK, width=3)  # reservoir
    draw.rectangle((160, 760, 1040, 820), fill=paint, outline=INK, width=3)  # front panel


def draw_photo(vehicle: Vehicle, index: int) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    paint = colour_rgb(vehicle.colour)
    view = view_name(index)
    draw.rectangle((0, 660, WIDTH, 780), fill=(206, 210, 216))
    if view in {"interior", "dashboard"}:
        draw_interior(draw, vehicle, paint)
    elif view == "engine bay":
        draw_engine_bay(draw, vehicle, paint)
    else:
        draw_exterior(draw, vehicle, paint, view)
    # Labels: the view at the top, the caption in a band at the bottom.
    draw.rectangle((0, 0, WIDTH, 96), fill=BACKGROUND)
    draw.text((40, 24), view.upper(), fill=INK, font=font(48))
    counter = f"{index + 1} / {len(vehicle.photos)}"
    draw.text((WIDTH - 40, 34), counter, fill=SOFT_INK, font=font(34), anchor="ra")
    draw.rectangle((0, 790, WIDTH, HEIGHT), fill=INK)
    title = f"{vehicle.stock_no}  {vehicle.make} {vehicle.model}".strip()
    draw.text((40, 806), title, fill=(250, 250, 250), font=font(38))
    note = f"placeholder photo - {vehicle.colour or 'colour not given'}"
    draw.text((40, 852), note, fill=(200, 204, 210), font=font(28))
    return image


def save(image: Image.Image, path: Path) -> None:
    # The format follows the file name. Lossless WebP suits these flat drawings best (about 8 KB,
    # against about 30 KB for a JPEG at quality 60, whose 8x8 blocks choke on the sharp outlines).
    if path.suffix.lower() == ".webp":
        image.save(path, "WEBP", lossless=True, quality=100, method=4)
    elif path.suffix.lower() == ".png":
        image.quantize(colors=32).save(path, "PNG", optimize=True)
    else:
        image.save(path, "JPEG", quality=JPEG_QUALITY, optimize=True)


def read_vehicle(path: Path) -> Vehicle | None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        print(f"{path}: not a vehicle file, skipped", file=sys.stderr)
        return None
    return Vehicle.from_yaml(data, path)


def draw_vehicle(vehicle: Vehicle, directory: Path, *, force: bool) -> tuple[int, int]:
    """Draw this vehicle's photos; return (written, skipped because a file already exists)."""
    folder = directory / vehicle.stock_no
    written = skipped = 0
    for index, name in enumerate(vehicle.photos):
        target = folder / name
        if target.exists() and not force:
            skipped += 1
            continue
        folder.mkdir(parents=True, exist_ok=True)
        save(draw_photo(vehicle, index), target)
        written += 1
    return written, skipped


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("stock_nos", nargs="*", help="only these stock numbers (default: every vehicle file)")
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="vehicle files directory (default: %(default)s)")
    parser.add_argument("--force", action="store_true", help="overwrite photos that already exist")
    args = parser.parse_args(argv)
    directory: Path = args.dir
    wanted = set(args.stock_nos)
    written = skipped = 0
    for path in sorted(directory.glob("*.yaml")):
        if wanted and path.stem not in wanted:
            continue
        vehicle = read_vehicle(path)
        if vehicle is None:
            continue
        done, kept = draw_vehicle(vehicle, directory, force=args.force)
        written, skipped = written + done, skipped + kept
    print(f"wrote {written} photo(s); kept {skipped} existing (use --force to redraw)")


if __name__ == "__main__":
    main()
