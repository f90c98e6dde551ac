"""A one-line progress bar on stderr, drawn only when stderr is a terminal (never into logs or CI output)."""

from __future__ import annotations

import sys
from typing import TextIO

WIDTH = 30


class Progress:
    def __init__(self, total: int, label: str, *, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.total, self.label, self.done = total, label, 0
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled

    def advance(self, note: str = "") -> None:
        self.done += 1
        if not self.enabled or self.total <= 0:
            return
        filled = WIDTH * self.done // self.total
        bar = "#" * filled + "." * (WIDTH - filled)
        # \r and a padded tail redraw the line in place; the newline comes once, at the end.
        self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total} {note[:30]:<30}")
        if self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()
