"""Parsed YAML kept between builds, so a rebuild parses only the files that changed.

Parsing is most of the cost of loading a large stock (PyYAML builds every value in Python, even with
libyaml). A file's parsed data is reused while its size, modification time, change time and inode are
all unchanged: an edit, a replacement or a fresh checkout changes at least one of them. Only the parse
is kept; every vehicle is validated again on every build, so rule changes always apply.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

import yaml

Stamp = tuple[int, int, int, int]
# A new PyYAML, or a new layout of this file, starts the cache afresh.
FORMAT = ("parsed-yaml", 1, yaml.__version__)


def file_stamp(path: Path) -> Stamp:
    facts = path.stat()
    return (facts.st_size, facts.st_mtime_ns, facts.st_ctime_ns, facts.st_ino)


class ParsedFiles:
    """The parsed data of YAML files by path and stamp, read from and saved to one file."""

    def __init__(self, file: Path) -> None:
        self._file = file
        self._entries: dict[str, tuple[Stamp, Any]] = {}
        self._changed = False
        try:
            with file.open("rb") as stored:
                # Written only by this class into the build's own .cache folder, like the photo cache.
                saved = pickle.load(stored)  # noqa: S301
            if isinstance(saved, dict) and saved.get("format") == FORMAT:
                self._entries = saved["entries"]
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, KeyError, TypeError, ValueError):
            self._entries = {}

    def get(self, path: Path, stamp: Stamp) -> tuple[bool, Any]:
        entry = self._entries.get(str(path))
        if entry is not None and entry[0] == stamp:
            return True, entry[1]
        return False, None

    def put(self, path: Path, stamp: Stamp, data: Any) -> None:
        self._entries[str(path)] = (stamp, data)
        self._changed = True

    def keep_only(self, paths: set[str]) -> None:
        """Forget files that are gone, so the cache does not grow with every removed vehicle."""
        gone = self._entries.keys() - paths
        for path in gone:
            del self._entries[path]
        self._changed = self._changed or bool(gone)

    def save(self) -> None:
        if not self._changed:
            return
        self._file.parent.mkdir(parents=True, exist_ok=True)
        partial = self._file.with_suffix(f".{os.getpid()}.part")  # two builds at once never share a half-file
        with partial.open("wb") as out:
            pickle.dump({"format": FORMAT, "entries": self._entries}, out, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(self._file)
        self._changed = False
