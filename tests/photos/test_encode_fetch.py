"""The encoder's variants (sizes, draft decoding of large JPEGs, refusals) and the git-lfs fetch commands."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from pathlib import Path

import pytest
from PIL import Image

from carjunction.photos.encode import SourceError, encode_photo
from carjunction.photos.fetch import git_lfs_fetcher, pull_commands
from carjunction.photos.lfs import Pointer
from tests.photos.images import photo
from tests.support.photo_factory import BLUE, RED, close_to, phone_photo


def sizes(variants: dict[int, bytes]) -> dict[int, tuple[int, int]]:
    found = {}
    for width, data in variants.items():
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "WEBP"
            found[width] = image.size
    return found


def test_a_large_phone_photo_becomes_the_four_site_widths(tmp_path: Path) -> None:
    # Given a 4032×3024 JPEG, as a phone takes it (libjpeg may decode it at half scale: still ≥ 1280 wide)
    path = photo(tmp_path / "01.jpg", 1, size=(4032, 3024))
    # When it is encoded
    encoded = encode_photo(path)
    # Then it keeps its own size on record, and its variants have the site's widths at its aspect ratio
    assert (encoded.width, encoded.height) == (4032, 3024)
    assert sizes(encoded.variants) == {360: (360, 270), 640: (640, 480), 960: (960, 720), 1280: (1280, 960)}
    assert encoded.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_small_photo_is_never_enlarged(tmp_path: Path) -> None:
    encoded = encode_photo(photo(tmp_path / "01.webp", 2, size=(300, 200), fmt="WEBP"))
    assert sizes(encoded.variants) == {300: (300, 200)}


def test_a_pointer_whose_object_was_not_fetched_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "01.jpg"
    path.write_text(Pointer("a" * 64, 10).text())
    with pytest.raises(SourceError, match="still a Git LFS pointer"):
        encode_photo(path)


def test_a_file_that_is_no_image_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "01.jpg"
    path.write_bytes(b"\xff\xd8 not really a jpeg")
    with pytest.raises(SourceError, match=r"01\.jpg: is not an image"):
        encode_photo(path)


def test_git_lfs_pulls_only_the_pointers_by_path_in_batches(tmp_path: Path) -> None:
    # Given a checkout where two photos are pointers and one already has its bytes
    folder = tmp_path / "content" / "vehicles" / "CJ1"
    folder.mkdir(parents=True)
    (folder / "01.jpg").write_text(Pointer("a" * 64, 10).text())
    present = photo(folder / "02.jpg", 3)
    (folder / "03.jpg").write_text(Pointer("b" * 64, 10).text())
    ran: list[tuple[list[str], Path]] = []

    def run(command: Sequence[str], cwd: Path) -> None:
        ran.append((list(command), cwd))

    # When those three are fetched
    git_lfs_fetcher(tmp_path, run)([folder / "01.jpg", present, folder / "03.jpg"])
    # Then one `git lfs pull` names just the two pointers, relative to the repository
    include = "--include=content/vehicles/CJ1/01.jpg,content/vehicles/CJ1/03.jpg"
    assert ran == [(["git", "lfs", "pull", include, "--exclude="], tmp_path)]
    # And a long list is split so that no command line grows without bound
    many = [folder / f"p{n}.jpg" for n in range(450)]
    for path in many:
        path.write_text(Pointer("c" * 64, 1).text())
    assert [len(c[3].split(",")) for c in pull_commands(tmp_path, many)] == [200, 200, 50]


def test_a_sideways_phone_photo_is_made_upright_as_a_browser_shows_it(tmp_path: Path) -> None:
    # Given a photo stored as a phone stores it: 1600×1200 pixels, red left and blue right, tagged "turn clockwise"
    path = phone_photo(tmp_path / "IMG_1.jpg", size=(1600, 1200), orientation=6)
    # When it is encoded (as a photo uploaded from GitHub's web page is, never ingested)
    encoded = encode_photo(path)
    # Then it is on record and in its variants as it is seen: 1200 wide, 1600 tall, red on top
    assert (encoded.width, encoded.height) == (1200, 1600)
    assert sizes(encoded.variants) == {360: (360, 480), 640: (640, 853), 960: (960, 1280)}
    with Image.open(io.BytesIO(encoded.variants[360])) as upright:
        top, bottom = upright.convert("RGB").getpixel((180, 60)), upright.convert("RGB").getpixel((180, 420))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert close_to((top[0], top[1], top[2]), RED) and close_to((bottom[0], bottom[1], bottom[2]), BLUE)
