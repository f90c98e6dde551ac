"""LFS pointers read without git-lfs: the photo's identity from the pointer equals the one from its bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from carjunction.photos.identity import photo_identity
from carjunction.photos.lfs import Pointer, PointerError, parse_pointer
from tests.photos.images import photo as make_photo

OID = "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393"
GOOD = f"version https://git-lfs.github.com/spec/v1\noid sha256:{OID}\nsize 12345\n"


def test_a_pointer_gives_the_oid_and_size() -> None:
    # Given a pointer as git-lfs writes it
    # When it is parsed
    pointer = parse_pointer(GOOD.encode())
    # Then its oid and size are read, and it writes back the same text
    assert pointer == Pointer(sha256=OID, size=12345)
    assert pointer.text() == GOOD


def test_extension_keys_in_order_are_accepted() -> None:
    text = f"version https://git-lfs.github.com/spec/v1\next-0-foo sha256:{OID}\noid sha256:{OID}\nsize 1\n"
    assert parse_pointer(text.encode()).size == 1


def test_the_identity_of_a_pointer_is_that_of_the_photo_it_stands_for(tmp_path: Path) -> None:
    # Given a photo's bytes, and in another checkout the pointer git-lfs would commit for them
    photo = make_photo(tmp_path / "01.jpg", seed=1)
    data = photo.read_bytes()
    pointer_file = tmp_path / "pointer.jpg"
    pointer_file.write_text(Pointer(hashlib.sha256(data).hexdigest(), len(data)).text())
    # When each one's identity is taken (no git-lfs anywhere)
    from_bytes, from_pointer = photo_identity(photo), photo_identity(pointer_file)
    # Then both name the same photo; only the pointer says its bytes are elsewhere
    assert from_bytes.sha256 == from_pointer.sha256 == hashlib.sha256(data).hexdigest()
    assert from_bytes.size == from_pointer.size == len(data)
    assert (from_bytes.pointer, from_pointer.pointer) == (False, True)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (f"oid sha256:{OID}\nversion https://git-lfs.github.com/spec/v1\nsize 1\n", "first line must be the version"),
        (f"version https://git-lfs.github.com/spec/v1\nsize 1\noid sha256:{OID}\n", "ascending order"),
        ("version https://git-lfs.github.com/spec/v1\nsize 1\n", "no oid line"),
        (f"version https://git-lfs.github.com/spec/v1\noid sha256:{OID}\n", "no size line"),
        (f"version https://git-lfs.github.com/spec/v1\noid sha256:{OID.upper()}\nsize 1\n", "64 lowercase hex"),
        (f"version https://git-lfs.github.com/spec/v1\noid md5:{OID[:32]}\nsize 1\n", "oid must be"),
        (f"version https://git-lfs.github.com/spec/v1\noid sha256:{OID}\nsize -1\n", "whole number"),
        (f"version https://git-lfs.github.com/spec/v1\noid sha256:{OID}\nsize 1", "newline"),
        (f"version https://git-lfs.github.com/spec/v1\r\noid sha256:{OID}\r\nsize 1\r\n", "not 'key value'"),
        (f"version https://example.com/spec/v9\noid sha256:{OID}\nsize 1\n", "unknown pointer version"),
        (f"version https://git-lfs.github.com/spec/v1\noid sha256:{OID}\noid sha256:{OID}\nsize 1\n", "twice"),
        (GOOD + "x-pad " + "a" * 1024 + "\n", "more than a pointer's 1024"),
    ],
)
def test_a_malformed_pointer_is_refused_with_its_problem(text: str, problem: str) -> None:
    # Given a pointer that breaks the spec
    # When it is parsed
    with pytest.raises(PointerError) as refused:
        parse_pointer(text.encode(), "content/vehicles/CJ1/01.jpg")
    # Then it is refused, naming the file and what is wrong
    assert str(refused.value).startswith("content/vehicles/CJ1/01.jpg: ")
    assert problem in str(refused.value)


def test_a_photo_file_holding_a_broken_pointer_has_no_identity(tmp_path: Path) -> None:
    # Given a photo file that is a pointer with its keys out of order (a hand-edited merge, say)
    path = tmp_path / "01.jpg"
    path.write_text(f"version https://git-lfs.github.com/spec/v1\nsize 1\noid sha256:{OID}\n")
    # When its identity is asked for, then it is refused rather than hashed as if it were a photo
    with pytest.raises(PointerError, match="ascending order"):
        photo_identity(path)
