"""The build's photos: named by content, encoded once, linked once however many cars share them; a deploy's
build takes sizes from the bucket's manifest and reads no photo."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from PIL import Image

from carjunction.catalogue import Vehicle
from carjunction.photos.bucket import Manifest, ManifestError, PublishedPhoto
from carjunction.photos.lfs import Pointer
from carjunction.site.photos import prepare_photos, publish_variants
from tests.support.fixture_site import FIXTURE_CONTENT, fixture_catalogue


def fx001() -> list[Vehicle]:
    return [v for v in fixture_catalogue().vehicles if v.stock_no == "FX001"]


def sha_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def copied_content(tmp_path: Path) -> Path:
    """FX001's folder with its two photos (800 px and 300 px wide), in a content folder of the test's own."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT / "vehicles" / "FX001", content / "vehicles" / "FX001")
    return content


def webps(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*.webp")}


def test_variants_are_named_by_content_at_standard_widths_never_wider_than_the_original(tmp_path: Path) -> None:
    # Given FX001's photos: 800 px and 300 px wide
    # When prepared for a local build
    prepared = prepare_photos(fx001(), FIXTURE_CONTENT, tmp_path / "cache")
    # Then each is named by the start of its SHA-256, with variants at the standard widths it can fill
    first, second = (sha_of(FIXTURE_CONTENT / "vehicles/FX001" / name) for name in ("01.jpg", "02.jpg"))
    assert prepared.photos[("FX001", "01.jpg")].id == first[:20]
    assert prepared.photos[("FX001", "01.jpg")].widths == (360, 640)
    assert prepared.photos[("FX001", "02.jpg")].widths == (300,)
    assert sorted(url for _, url in prepared.variants) == [
        f"photos/{first[:20]}/360.webp",
        f"photos/{first[:20]}/640.webp",
        f"photos/{second[:20]}/300.webp",
    ]
    for cached, url in prepared.variants:
        with Image.open(cached) as image:
            assert image.format == "WEBP"
            assert url.endswith(f"/{image.width}.webp")
    assert prepared.left_out == []


def test_a_second_build_encodes_nothing_and_a_changed_photo_only_itself(tmp_path: Path) -> None:
    # Given a content folder whose photos were prepared once
    content = copied_content(tmp_path)
    cache = tmp_path / "cache"
    prepare_photos(fx001(), content, cache)
    made = webps(cache)
    # When built again unchanged, then no cached variant is rewritten
    prepare_photos(fx001(), content, cache)
    assert webps(cache) == made
    # When one photo changes, then only its variant is added, and the other photo's are untouched
    Image.new("RGB", (500, 400), (200, 10, 10)).save(content / "vehicles/FX001/02.jpg")
    again = prepare_photos(fx001(), content, cache)
    assert again.photos[("FX001", "02.jpg")].widths == (360,)
    added = webps(cache).keys() - made.keys()
    assert added == {f"photos/{sha_of(content / 'vehicles/FX001/02.jpg')[:20]}/360.webp"}
    assert {name: stamp for name, stamp in webps(cache).items() if name in made} == made


def test_a_photo_two_cars_share_is_encoded_and_linked_once(tmp_path: Path) -> None:
    # Given a second car whose folder holds the same two photos under other names
    content = copied_content(tmp_path)
    shutil.copytree(content / "vehicles/FX001", content / "vehicles/FX009")
    (content / "vehicles/FX009/01.jpg").rename(content / "vehicles/FX009/front.jpg")
    other = fx001()[0].model_copy(update={"stock_no": "FX009", "photos": ["front.jpg", "02.jpg"]})
    # When prepared and linked into a site
    prepared = prepare_photos([*fx001(), other], content, tmp_path / "cache")
    count = publish_variants(prepared.variants, tmp_path / "site")
    # Then both cars show the same published photo, and the site holds one set of variants
    assert prepared.photos[("FX009", "front.jpg")] == prepared.photos[("FX001", "01.jpg")]
    assert count == 3
    assert len(webps(tmp_path / "site")) == 3
    assert all(name.startswith("photos/") for name in webps(tmp_path / "site"))


def test_a_photo_replaced_under_its_old_name_size_and_times_is_hashed_again(tmp_path: Path) -> None:
    # Given an original whose content hash the cache has recorded
    content = copied_content(tmp_path)
    folder = content / "vehicles" / "FX001"
    cache = tmp_path / "cache"
    first = prepare_photos(fx001(), content, cache)
    before = (folder / "01.jpg").stat()
    # When another picture of the same byte size replaces it (padded after its end), with the old times put back
    Image.new("RGB", (800, 600), (10, 200, 10)).save(tmp_path / "new.jpg", quality=10)
    data = (tmp_path / "new.jpg").read_bytes()
    assert len(data) < before.st_size
    (tmp_path / "new.jpg").write_bytes(data.ljust(before.st_size, b"\0"))
    (tmp_path / "new.jpg").replace(folder / "01.jpg")
    os.utime(folder / "01.jpg", ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (folder / "01.jpg").stat().st_size == before.st_size
    again = prepare_photos(fx001(), content, cache)
    # Then the page links the new picture, not the recorded hash
    assert again.photos[("FX001", "01.jpg")].id == sha_of(folder / "01.jpg")[:20]
    assert again.photos[("FX001", "01.jpg")] != first.photos[("FX001", "01.jpg")]
    assert again.photos[("FX001", "02.jpg")] == first.photos[("FX001", "02.jpg")]


def test_a_local_build_leaves_off_a_photo_checked_out_only_as_its_lfs_pointer(tmp_path: Path) -> None:
    # Given a checkout where one photo's bytes were not fetched: its file is the LFS pointer
    content = copied_content(tmp_path)
    original = content / "vehicles/FX001/02.jpg"
    original.write_text(Pointer(sha256=sha_of(original), size=original.stat().st_size).text(), encoding="utf-8")
    # When prepared for a local build
    prepared = prepare_photos(fx001(), content, tmp_path / "cache")
    # Then the page shows the photo it has, and leaves the other off rather than link a missing image
    assert list(prepared.photos) == [("FX001", "01.jpg")]
    assert prepared.left_out == [("FX001", "02.jpg")]
    assert all("02" not in url for _, url in prepared.variants)


def test_a_deploy_build_takes_sizes_from_the_manifest_and_reads_no_photo(tmp_path: Path) -> None:
    # Given a checkout of pointers only, and the bucket's manifest holding one of the two photos
    content = copied_content(tmp_path)
    shas = {}
    for name in ("01.jpg", "02.jpg"):
        path = content / "vehicles/FX001" / name
        shas[name] = sha_of(path)
        path.write_text(Pointer(sha256=shas[name], size=path.stat().st_size).text(), encoding="utf-8")
    manifest = tmp_path / "manifest.json"
    held = Manifest(photos={shas["01.jpg"]: PublishedPhoto(width=1600, height=1200, widths=(360, 640, 960, 1280))})
    manifest.write_text(held.model_dump_json(), encoding="utf-8")
    # When prepared with it
    prepared = prepare_photos(fx001(), content, tmp_path / "cache", manifest=manifest)
    # Then the page has the published photo's sizes, nothing is encoded or linked, and the other is left off
    photo = prepared.photos[("FX001", "01.jpg")]
    assert (photo.id, photo.width, photo.height, photo.widths) == (
        shas["01.jpg"][:20],
        1600,
        1200,
        (360, 640, 960, 1280),
    )
    assert prepared.variants == []
    assert prepared.left_out == [("FX001", "02.jpg")]
    assert not (tmp_path / "cache" / "photos" / shas["01.jpg"][:20]).exists()


def test_a_manifest_that_is_not_one_fails_the_build_with_its_name(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    manifest.write_text('{"photos": {"abc": {"width": "wide"}}}', encoding="utf-8")
    with pytest.raises(ManifestError, match=r"manifest\.json is not a photo manifest"):
        prepare_photos(fx001(), FIXTURE_CONTENT, tmp_path / "cache", manifest=manifest)
