"""A photo's identity: the SHA-256 of its bytes, read from the bytes or from the LFS pointer that stands for them.

Both give the same hash for the same photo (an LFS oid is the SHA-256 of the object), so a checkout
without LFS objects (CI, a clone for editing YAML) and one with them (a staff laptop) agree on every name.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from carjunction.photos.lfs import MAX_POINTER_SIZE, may_be_pointer, parse_pointer

BLOCK = 1 << 20


@dataclass(frozen=True)
class Identity:
    sha256: str
    size: int
    pointer: bool  # True: only the pointer is here; the bytes must be fetched before encoding


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def photo_identity(path: str | Path) -> Identity:
    """The identity of the photo at ``path``, a file with its bytes or an LFS pointer (PointerError if malformed)."""
    with open(path, "rb") as stream:  # noqa: PTH123 - called once per photo; a plain string path is welcome
        head = stream.read(MAX_POINTER_SIZE + 1)
        if may_be_pointer(head):
            pointer = parse_pointer(head, str(path))
            return Identity(pointer.sha256, pointer.size, pointer=True)
        digest = hashlib.sha256(head)
        size = len(head)
        for block in iter(lambda: stream.read(BLOCK), b""):
            digest.update(block)
            size += len(block)
    return Identity(digest.hexdigest(), size, pointer=False)
