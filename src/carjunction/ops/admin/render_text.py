"""Printing stored text in a terminal safely, and plain padded tables.

Buyers type the names and messages staff read here: a message holding ``ESC [2J`` would clear the screen, and
other escapes can rewrite what is shown or the terminal's title. Every control character (C0, DEL, C1), and
the Unicode controls that reorder or break lines, is shown as a visible ``\\xNN``/``\\uNNNN`` escape instead.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

BIDI_AND_LINE_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def safe(value: Any, *, keep_newlines: bool = False) -> str:
    if value is None:
        return ""
    out = []
    for char in str(value):
        if char == "\n" and keep_newlines:
            out.append(char)
        elif char in "\n\t":
            out.append(" ")
        elif unicodedata.category(char) == "Cc" or char in BIDI_AND_LINE_CONTROLS:
            out.append(f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return "".join(out)


def width(text: str) -> int:
    """Columns the text takes: East Asian wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in text)


def clip(text: str, limit: int) -> str:
    if width(text) <= limit:
        return text
    while width(text) > limit - 1:
        text = text[:-1]
    return text + "…"


def table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str, int]]) -> str:
    """``columns``: (key, heading, widest). Cells are made safe, clipped, and padded to a common width."""
    cells = [[clip(safe(row.get(name)), widest) for name, _, widest in columns] for row in rows]
    headings = [heading for _, heading, _ in columns]
    widths = [max([width(h)] + [width(line[i]) for line in cells]) for i, h in enumerate(headings)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v + " " * (w - width(v)) for v, w in zip(values, widths, strict=True)).rstrip()

    return "\n".join([line(headings), line(["-" * w for w in widths]), *(line(c) for c in cells)])


def details(pairs: Sequence[tuple[str, Any]]) -> str:
    """``label: value`` lines; a multi-line value (a message) is indented under its label."""
    label_width = max(len(label) for label, _ in pairs)
    lines = []
    for label, value in pairs:
        text = safe(value, keep_newlines=True)
        first, *rest = text.split("\n") or [""]
        lines.append(f"{label + ':':<{label_width + 1}} {first}")
        lines.extend(" " * (label_width + 2) + more for more in rest)
    return "\n".join(lines)
