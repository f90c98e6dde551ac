"""Git LFS pointer files, read without git-lfs: the SHA-256 and size of a photo whose bytes are not here.

A pointer is what git stores for a file tracked by LFS (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md):

    version https://git-lfs.github.com/spec/v1
    oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393
    size 12345

One "key value" line each, LF-terminated; `version` first, the other keys in ascending order; at most
1,024 bytes. Anything else is refused with a message that says what is wrong, since a pointer that
git-lfs would not read must not become a photo's identity either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_POINTER_SIZE = 1024
VERSION = "https://git-lfs.github.com/spec/v1"
# git-lfs still reads pointers written by its alpha, under its old name.
VERSIONS = frozenset({VERSION, "https://hawser.github.com/spec/v1"})
KEY = re.compile(r"^[a-z0-9.-]+$")
OID = re.compile(r"^sha256:([0-9a-f]{64})$")
SIZE = re.compile(r"^(0|[1-9][0-9]*)$")


class PointerError(ValueError):
    """Not a valid Git LFS pointer; the message names the file and the problem."""


@dataclass(frozen=True)
class Pointer:
    sha256: str
    size: int

    def text(self) -> str:
        """The pointer as git-lfs writes it."""
        return f"version {VERSION}\noid sha256:{self.sha256}\nsize {self.size}\n"


def may_be_pointer(head: bytes) -> bool:
    """Whether a file starting with ``head`` is meant as a pointer (a photo never starts with these bytes)."""
    return head.startswith(b"version ")


def parse_pointer(data: bytes, name: str = "pointer") -> Pointer:
    """The pointer's oid and size; PointerError if ``data`` is not a pointer as the spec defines it."""
    if len(data) > MAX_POINTER_SIZE:
        raise PointerError(f"{name}: {len(data)} bytes, more than a pointer's {MAX_POINTER_SIZE}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PointerError(f"{name}: not UTF-8 text") from error
    if not text.endswith("\n"):
        raise PointerError(f"{name}: the last line does not end with a newline")
    values: dict[str, str] = {}
    keys: list[str] = []
    for number, line in enumerate(text[:-1].split("\n"), start=1):
        key, space, value = line.partition(" ")
        if not space or not KEY.match(key) or "\r" in value:
            raise PointerError(f"{name}: line {number} is not 'key value' (got {line[:60]!r})")
        if key in values:
            raise PointerError(f"{name}: key {key!r} appears twice")
        keys.append(key)
        values[key] = value
    if keys[0] != "version":
        raise PointerError(f"{name}: the first line must be the version, not {keys[0]!r}")
    if values["version"] not in VERSIONS:
        raise PointerError(f"{name}: unknown pointer version {values['version']!r}")
    if keys[1:] != sorted(keys[1:]):
        raise PointerError(f"{name}: keys after the version must be in ascending order, got {', '.join(keys[1:])}")
    for required in ("oid", "size"):
        if required not in values:
            raise PointerError(f"{name}: no {required} line")
    oid = OID.match(values["oid"])
    if not oid:
        raise PointerError(f"{name}: oid must be 'sha256:' and 64 lowercase hex digits, got {values['oid'][:80]!r}")
    if not SIZE.match(values["size"]):
        raise PointerError(f"{name}: size must be a whole number of bytes, got {values['size'][:40]!r}")
    return Pointer(sha256=oid.group(1), size=int(values["size"]))
