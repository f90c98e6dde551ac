"""A local build's variants: encoded once into a cache laid out as the bucket, at the same URLs, without AWS."""

from __future__ import annotations

from pathlib import Path

from carjunction.photos.encode import Encoded, encode_photo
from carjunction.photos.identity import photo_identity
from carjunction.photos.local import local_photos, variant_files
from carjunction.site.settings import Photo
from tests.photos.images import photo


class Counting:
    def __init__(self) -> None:
        self.paths: list[Path] = []

    def __call__(self, path: Path) -> Encoded:
        self.paths.append(path)
        return encode_photo(path)


def test_a_local_build_encodes_each_photo_once_into_the_bucket_layout(tmp_path: Path) -> None:
    # Given two photos on disk and an empty cache
    paths = [photo(tmp_path / "CJ1" / "01.jpg", 1), photo(tmp_path / "CJ1" / "02.jpg", 2, size=(1000, 750))]
    needed = {photo_identity(path).sha256: path for path in paths}
    cache = tmp_path / "cache"
    first = Counting()
    # When the build asks for their sizes twice
    sizes = local_photos(needed, cache, encode=first)
    again = Counting()
    assert local_photos(needed, cache, encode=again) == sizes
    # Then each is encoded once, and its variants sit at the bucket's paths for the site to link
    assert sorted(first.paths) == sorted(paths) and again.paths == []
    wide = photo_identity(paths[1]).sha256
    assert sizes[wide] == Photo(id=wide[:20], width=1000, height=750, widths=(360, 640, 960))
    files = variant_files(sizes, cache)
    assert (str(cache / "photos" / wide[:20] / "960.webp"), f"photos/{wide[:20]}/960.webp") in files
    assert all(Path(cached).is_file() for cached, _ in files)
    assert len(files) == 2 + 3


def test_a_local_build_can_encode_on_every_core(tmp_path: Path) -> None:
    paths = [photo(tmp_path / f"{n:02d}.jpg", n) for n in range(1, 4)]
    needed = {photo_identity(path).sha256: path for path in paths}
    sizes = local_photos(needed, tmp_path / "cache", workers=2)
    assert set(sizes) == set(needed)
