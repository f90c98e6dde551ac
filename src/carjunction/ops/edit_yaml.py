"""Text-level edits of a vehicle file, so that a staff member's comments and layout survive a tool's change.

PyYAML cannot write a file back with its comments, and one list is all the tools change, so the
`photos:` block is replaced in the text and the result is checked by parsing it again.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from carjunction.catalogue.yaml_data import SafeLoader

PHOTOS_KEY = re.compile(r"^photos:(?P<value>[^#\n]*?)(?P<comment>\s+#[^\n]*)?$")
# A line that still belongs to a top-level key's block value: indented, or a '- item' at column 0.
CONTINUES = re.compile(r"^(\s+\S|-(\s|$))")


def render_photos(photos: list[str], comment: str = "") -> list[str]:
    if not photos:
        return [f"photos: []{comment}"]
    return [f"photos:{comment}", *(f"  - {name}" for name in photos)]


def replace_photos(text: str, photos: list[str]) -> str:
    """``text`` with its top-level ``photos:`` value set to ``photos``; everything else kept as written."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if PHOTOS_KEY.match(line)), None)
    if start is None:
        # No photos yet: put them just before `added:` (the readable order), or at the end.
        at = next((i for i, line in enumerate(lines) if line.startswith("added:")), len(lines))
        new_lines = lines[:at] + render_photos(photos) + lines[at:]
    else:
        match = PHOTOS_KEY.match(lines[start])
        assert match is not None  # noqa: S101 - found by the same pattern just above
        end = start + 1
        if not match.group("value").strip():
            while end < len(lines) and (
                CONTINUES.match(lines[end]) or (not lines[end].strip() and _block_goes_on(lines, end))
            ):
                end += 1
        new_lines = lines[:start] + render_photos(photos, match.group("comment") or "") + lines[end:]
    result = "\n".join(new_lines) + ("\n" if text.endswith("\n") or not text else "")
    _check_only_photos_changed(text, result, photos)
    return result


def _block_goes_on(lines: list[str], index: int) -> bool:
    # A blank line inside the list, rather than after it.
    following = next((line for line in lines[index:] if line.strip()), "")
    return bool(CONTINUES.match(following))


def _check_only_photos_changed(before: str, after: str, photos: list[str]) -> None:
    old: dict[str, Any] = yaml.load(before, Loader=SafeLoader) or {}  # noqa: S506 - a safe loader
    new: dict[str, Any] = yaml.load(after, Loader=SafeLoader) or {}  # noqa: S506
    old["photos"] = photos
    if new != old:
        raise ValueError("the photos list could not be rewritten without changing other fields; edit it by hand")


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` so that ``path`` holds either the old or the new content, never half of it."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
