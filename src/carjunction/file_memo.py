"""Values worked out from files (parsed YAML, content hashes), kept between builds while each file is unchanged.

A value is reused while its file's size, modification time, change time and inode are all unchanged:
an edit, a replacement or a fresh checkout changes at least one of them. The build uses one memo for
the parsed vehicle YAML (parsing is most of the cost of loading a large stock) and one for the
photos' content hashes (hashing would otherwise read every original on every build).
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

Stamp = tuple[int, int, int, int]


def file_stamp(path: str | Path) -> Stamp:
    return stamp_of(os.stat(path))  # noqa: PTH116 - the build passes plain strings for its many files


def stamp_of(facts: os.stat_result) -> Stamp:
    return (facts.st_size, facts.st_mtime_ns, facts.st_ctime_ns, facts.st_ino)


class FileMemo:
    """Values by file path and stamp, read from and saved to one file.

    ``kind`` names what the values are and how they were made (e.g. the parser's version): a memo
    saved under another kind is ignored, so a change of maker starts it afresh.
    """

    def __init__(self, file: Path, kind: tuple[object, ...]) -> None:
        self._file, self._kind = file, kind
        self._entries: dict[str, tuple[Stamp, Any]] = {}
        self._changed = False
        try:
            with file.open("rb") as stored:
                # Written only by this class into the build's own .cache folder.
                saved = pickle.load(stored)  # noqa: S301
            if isinstance(saved, dict) and saved.get("kind") == kind:
                self._entries = saved["entries"]
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, KeyError, TypeError, ValueError):
            self._entries = {}

    def __contains__(self, path: str | Path) -> bool:
        """Whether a value is held for ``path``, for whatever stamp."""
        return str(path) in self._entries

    def get(self, path: str | Path, stamp: Stamp) -> tuple[bool, Any]:
        entry = self._entries.get(str(path))
        if entry is not None and entry[0] == stamp:
            return True, entry[1]
        return False, None

    def put(self, path: str | Path, stamp: Stamp, value: Any) -> None:
        self._entries[str(path)] = (stamp, value)
        self._changed = True

    def keep_only(self, paths: set[str]) -> None:
        """Forget files that are gone, so the memo does not grow with every removed one."""
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
            pickle.dump({"kind": self._kind, "entries": self._entries}, out, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(self._file)
        self._changed = False
