"""Photo variants: made once per content hash, never upscaled, published without the originals."""

from __future__ import annotations

import os
from pathlib import Path

from PIL import Image

from carjunction.site.photos import prepare_photos, publish_variants
from tests.support.fixture_site import FIXTURE_CONTENT, fixture_catalogue


def test_variants_are_made_at_standard_widths_but_never_wider_than_the_original(tmp_path: Path) -> None:
    # Given FX001's photos: 800 px and 300 px wide
    vehicles = [v for v in fixture_catalogue().vehicles if v.stock_no == "FX001"]
    # When prepared
    prepared = prepare_photos(vehicles, FIXTURE_CONTENT, tmp_path / "cache")
    # Then
    assert prepared.photos[("FX001", "01.jpg")].widths == (360, 640)
    assert prepared.photos[("FX001", "02.jpg")].widths == (300,)
    for cached, url in prepared.variants:
        with Image.open(cached) as image:
            assert image.format == "WEBP"
            assert url.endswith(f"-{image.width}.webp")


def test_a_second_build_reuses_the_cache_and_a_changed_photo_is_remade(tmp_path: Path) -> None:
    # Given a content folder whose photos were prepared once
    content = tmp_path / "content"
    (content / "vehicles" / "FX001").mkdir(parents=True)
    for name in ("01.jpg", "02.jpg"):
        (content / "vehicles/FX001" / name).write_bytes((FIXTURE_CONTENT / "vehicles/FX001" / name).read_bytes())
    vehicles = [v for v in fixture_catalogue().vehicles if v.stock_no == "FX001"]
    cache = tmp_path / "cache"
    prepare_photos(vehicles, content, cache)
    made = {p: p.stat().st_mtime_ns for p in cache.iterdir()}
    # When built again unchanged, then no cached file is rewritten
    prepare_photos(vehicles, content, cache)
    assert {p: p.stat().st_mtime_ns for p in cache.iterdir()} == made
    # When one photo changes, then only its variants are added
    Image.new("RGB", (500, 400), (200, 10, 10)).save(content / "vehicles/FX001/02.jpg")
    again = prepare_photos(vehicles, content, cache)
    added = set(cache.iterdir()) - set(made)
    assert again.photos[("FX001", "02.jpg")].widths == (360,)
    assert len([p for p in added if p.suffix == ".webp"]) == 1


def test_published_variants_are_linked_into_the_site_under_the_vehicle(tmp_path: Path) -> None:
    vehicles = [v for v in fixture_catalogue().vehicles if v.stock_no == "FX001"]
    prepared = prepare_photos(vehicles, FIXTURE_CONTENT, tmp_path / "cache")
    count = publish_variants(prepared.variants, tmp_path / "site")
    published = sorted(p.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site").rglob("*.webp"))
    assert count == 3
    assert published == ["vehicles/FX001/01-360.webp", "vehicles/FX001/01-640.webp", "vehicles/FX001/02-300.webp"]


def test_a_photo_replaced_under_its_old_name_size_and_times_is_hashed_again(tmp_path: Path) -> None:
    # Given an original whose content hash the cache has recorded
    content = tmp_path / "content"
    folder = content / "vehicles" / "FX001"
    folder.mkdir(parents=True)
    (folder / "01.jpg").write_bytes((FIXTURE_CONTENT / "vehicles/FX001/01.jpg").read_bytes())
    (folder / "02.jpg").write_bytes((FIXTURE_CONTENT / "vehicles/FX001/02.jpg").read_bytes())
    vehicles = [v for v in fixture_catalogue().vehicles if v.stock_no == "FX001"]
    cache = tmp_path / "cache"
    first = prepare_photos(vehicles, content, cache)
    before = (folder / "01.jpg").stat()
    # When another picture of the same byte size replaces it (padded after its end), with the old times put back
    Image.new("RGB", (800, 600), (10, 200, 10)).save(tmp_path / "new.jpg", quality=10)
    data = (tmp_path / "new.jpg").read_bytes()
    assert len(data) < before.st_size
    (tmp_path / "new.jpg").write_bytes(data.ljust(before.st_size, b"\0"))
    (tmp_path / "new.jpg").replace(folder / "01.jpg")
    os.utime(folder / "01.jpg", ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (folder / "01.jpg").stat().st_size == before.st_size
    again = prepare_photos(vehicles, content, cache)
    # Then its variants come from the new picture, not from the recorded hash
    old = {url: cached for cached, url in first.variants}
    new = {url: cached for cached, url in again.variants}
    assert new["vehicles/FX001/01-360.webp"] != old["vehicles/FX001/01-360.webp"]
    assert new["vehicles/FX001/02-300.webp"] == old["vehicles/FX001/02-300.webp"]
