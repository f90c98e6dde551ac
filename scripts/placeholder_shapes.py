"""Shapes and colours for scripts/draw_placeholder_photos.py: data, kept apart so the drawing code stays short."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import ImageFont

RGB = tuple[int, int, int]
Point = tuple[float, float]
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

BACKGROUND: RGB = (226, 230, 236)
GROUND: RGB = (176, 180, 186)
INK: RGB = (40, 44, 52)
SOFT_INK: RGB = (96, 102, 112)
GLASS: RGB = (58, 72, 88)
TYRE: RGB = (34, 34, 36)
RIM: RGB = (150, 154, 160)
HEADLIGHT: RGB = (246, 238, 200)
TAIL_LIGHT: RGB = (200, 40, 40)

# Longest match wins, so "dark blue" beats "blue" and "pearl white" beats "white".
COLOURS: dict[str, RGB] = {
    "white": (244, 244, 242),
    "pearl": (240, 238, 230),
    "pearl white": (240, 238, 230),
    "silver": (192, 196, 200),
    "grey": (128, 132, 138),
    "gray": (128, 132, 138),
    "dark grey": (80, 84, 90),
    "gunmetal": (84, 88, 94),
    "black": (28, 28, 30),
    "blue": (44, 92, 170),
    "light blue": (130, 170, 210),
    "dark blue": (28, 44, 92),
    "navy": (24, 36, 78),
    "red": (190, 30, 36),
    "wine": (110, 24, 40),
    "wine red": (110, 24, 40),
    "maroon": (110, 24, 40),
    "green": (40, 120, 70),
    "dark green": (28, 70, 46),
    "khaki": (150, 140, 100),
    "beige": (214, 200, 170),
    "champagne": (206, 192, 160),
    "gold": (196, 164, 84),
    "brown": (110, 78, 52),
    "bronze": (140, 100, 60),
    "yellow": (240, 200, 40),
    "orange": (232, 120, 30),
    "purple": (96, 60, 120),
}
FALLBACK_COLOUR: RGB = (150, 150, 150)

VIEWS = ("front 3/4", "rear 3/4", "side", "interior", "engine bay", "front", "rear", "dashboard", "load space")


@dataclass(frozen=True)
class Shape:
    """A body type drawn side-on: x runs 0 (front) to 1 (rear), y 0 (ground) to 1 (roof)."""

    body: tuple[tuple[Point, ...], ...]
    glass: tuple[tuple[Point, ...], ...]
    wheels: tuple[float, ...]
    wheel_radius_mm: int
    nose: float  # height of the front face (bonnet line) used in the 3/4 views


def _pts(*values: float) -> tuple[Point, ...]:
    return tuple(zip(values[0::2], values[1::2], strict=True))


SHAPES: dict[str, Shape] = {
    "sedan": Shape(
        body=(_pts(0, 0.16, 0, 0.44, 0.04, 0.5, 0.28, 0.56, 0.4, 0.96, 0.66, 0.96, 0.82, 0.6, 1, 0.56, 1, 0.16),),
        glass=(_pts(0.31, 0.58, 0.42, 0.9, 0.52, 0.9, 0.52, 0.58), _pts(0.54, 0.58, 0.54, 0.9, 0.64, 0.9, 0.77, 0.6)),
        wheels=(0.17, 0.79),
        wheel_radius_mm=310,
        nose=0.52,
    ),
    "hatchback": Shape(
        body=(_pts(0, 0.16, 0, 0.46, 0.05, 0.52, 0.3, 0.6, 0.46, 0.97, 0.9, 0.97, 1, 0.74, 1, 0.16),),
        glass=(
            _pts(0.33, 0.62, 0.47, 0.9, 0.62, 0.9, 0.62, 0.62),
            _pts(0.64, 0.62, 0.64, 0.9, 0.88, 0.9, 0.95, 0.7, 0.95, 0.62),
        ),
        wheels=(0.17, 0.82),
        wheel_radius_mm=290,
        nose=0.52,
    ),
    "wagon": Shape(
        body=(_pts(0, 0.16, 0, 0.44, 0.04, 0.5, 0.26, 0.56, 0.39, 0.96, 0.95, 0.96, 1, 0.8, 1, 0.16),),
        glass=(
            _pts(0.3, 0.58, 0.41, 0.9, 0.56, 0.9, 0.56, 0.58),
            _pts(0.58, 0.58, 0.58, 0.9, 0.93, 0.9, 0.97, 0.76, 0.97, 0.58),
        ),
        wheels=(0.17, 0.8),
        wheel_radius_mm=310,
        nose=0.5,
    ),
    "coupe": Shape(
        body=(_pts(0, 0.16, 0, 0.42, 0.05, 0.48, 0.32, 0.55, 0.46, 0.95, 0.62, 0.95, 0.86, 0.58, 1, 0.52, 1, 0.16),),
        glass=(_pts(0.35, 0.57, 0.47, 0.89, 0.61, 0.89, 0.76, 0.6),),
        wheels=(0.18, 0.8),
        wheel_radius_mm=320,
        nose=0.48,
    ),
    "convertible": Shape(
        body=(
            _pts(0, 0.16, 0, 0.45, 0.05, 0.52, 0.33, 0.6, 1, 0.6, 1, 0.16),
            _pts(0.36, 0.6, 0.44, 0.92, 0.46, 0.92, 0.4, 0.6),
        ),
        glass=(),
        wheels=(0.18, 0.8),
        wheel_radius_mm=310,
        nose=0.52,
    ),
    "suv": Shape(
        body=(_pts(0, 0.2, 0, 0.55, 0.04, 0.6, 0.22, 0.64, 0.35, 0.97, 0.95, 0.97, 1, 0.85, 1, 0.2),),
        glass=(
            _pts(0.26, 0.67, 0.37, 0.91, 0.58, 0.91, 0.58, 0.67),
            _pts(0.6, 0.67, 0.6, 0.91, 0.93, 0.91, 0.96, 0.8, 0.96, 0.67),
        ),
        wheels=(0.17, 0.8),
        wheel_radius_mm=370,
        nose=0.6,
    ),
    "minivan": Shape(
        body=(_pts(0, 0.15, 0, 0.5, 0.05, 0.55, 0.15, 0.62, 0.3, 0.98, 0.97, 0.98, 1, 0.9, 1, 0.15),),
        glass=(
            _pts(0.19, 0.64, 0.31, 0.93, 0.45, 0.93, 0.45, 0.64),
            _pts(0.47, 0.64, 0.47, 0.93, 0.72, 0.93, 0.72, 0.64),
            _pts(0.74, 0.64, 0.74, 0.93, 0.95, 0.93, 0.97, 0.86, 0.97, 0.64),
        ),
        wheels=(0.16, 0.82),
        wheel_radius_mm=320,
        nose=0.55,
    ),
    "van": Shape(
        body=(_pts(0, 0.15, 0, 0.6, 0.03, 0.9, 0.07, 0.98, 0.98, 0.98, 1, 0.94, 1, 0.15),),
        glass=(_pts(0.04, 0.62, 0.07, 0.92, 0.2, 0.92, 0.2, 0.62), _pts(0.22, 0.62, 0.22, 0.92, 0.4, 0.92, 0.4, 0.62)),
        wheels=(0.16, 0.78),
        wheel_radius_mm=320,
        nose=0.6,
    ),
    "pickup": Shape(
        body=(_pts(0, 0.18, 0, 0.5, 0.04, 0.56, 0.2, 0.6, 0.31, 0.96, 0.58, 0.96, 0.6, 0.6, 1, 0.6, 1, 0.18),),
        glass=(_pts(0.23, 0.63, 0.33, 0.9, 0.44, 0.9, 0.44, 0.63), _pts(0.46, 0.63, 0.46, 0.9, 0.57, 0.9, 0.57, 0.63)),
        wheels=(0.17, 0.77),
        wheel_radius_mm=380,
        nose=0.56,
    ),
    "truck": Shape(
        body=(
            _pts(0, 0.16, 0, 0.88, 0.02, 0.98, 0.23, 0.98, 0.23, 0.16),
            _pts(0.25, 0.3, 0.25, 0.42, 1, 0.42, 1, 0.3),
        ),
        glass=(_pts(0.02, 0.6, 0.03, 0.92, 0.2, 0.92, 0.2, 0.6),),
        wheels=(0.12, 0.68),
        wheel_radius_mm=420,
        nose=0.98,
    ),
    "bus": Shape(
        body=(_pts(0, 0.12, 0, 0.86, 0.02, 0.98, 0.99, 0.98, 1, 0.9, 1, 0.12),),
        glass=(
            _pts(0.02, 0.5, 0.03, 0.9, 0.1, 0.9, 0.1, 0.5),
            _pts(0.16, 0.6, 0.16, 0.9, 0.96, 0.9, 0.96, 0.6),
        ),
        wheels=(0.15, 0.75),
        wheel_radius_mm=400,
        nose=0.98,
    ),
}
