"""`carjunction photos` from the command line: one vehicle, --all, and a clear error."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from carjunction.cli import main
from tests.support.factories import vehicle_data, write_vehicle
from tests.support.photo_factory import GREEN, RED, phone_photo, plain


def test_all_vehicles_are_processed_and_a_broken_one_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given two vehicles with new photos, and a third with a broken one
    vehicles = tmp_path / "content" / "vehicles"
    good = [write_vehicle(vehicles, vehicle_data(), photos=False) for _ in range(2)]
    bad = write_vehicle(vehicles, vehicle_data(), photos=False)
    for path in good:
        path.with_suffix("").mkdir()
    phone_photo(good[0].with_suffix("") / "IMG_1.jpg")
    plain(good[1].with_suffix("") / "IMG_1.jpg", GREEN)
    bad.with_suffix("").mkdir()
    (bad.with_suffix("") / "x.jpg").write_bytes(b"\x00")
    # When run for all
    code = main(["photos", "--all", "--content", str(tmp_path / "content")])
    out, err = capsys.readouterr()
    # Then the good ones are done, the broken one is named, and the exit code says so
    assert code == 1
    for path in good:
        assert f"{path.stem}: 1 photos (1 cleaned and resized, 0 renamed, photos list updated)" in out
        assert (path.with_suffix("") / "01.jpg").is_file()
    assert f"x.jpg: is not an image Pillow can read; nothing changed for {bad.stem}" in err


def test_one_vehicle_twice_reports_nothing_to_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_vehicle(tmp_path / "content" / "vehicles", vehicle_data(), photos=False)
    path.with_suffix("").mkdir()
    plain(path.with_suffix("") / "a.jpg", RED)
    assert main(["photos", path.stem, "--content", str(tmp_path / "content")]) == 0
    assert main(["photos", path.stem, "--content", str(tmp_path / "content")]) == 0
    assert f"{path.stem}: 1 photos (nothing to change)" in capsys.readouterr().out


def test_the_published_variants_are_made_ahead_into_the_build_cache(tmp_path: Path) -> None:
    # Given a new vehicle with one photo from a phone
    path = write_vehicle(tmp_path / "content" / "vehicles", vehicle_data(), photos=False)
    path.with_suffix("").mkdir()
    phone_photo(path.with_suffix("") / "IMG_1.jpg")
    # When its photos are ingested
    assert main(["photos", path.stem, "--content", str(tmp_path / "content")]) == 0
    # Then the build's cache beside content/ already holds the photo's facts and WebP variants, named by content
    sha = hashlib.sha256((path.with_suffix("") / "01.jpg").read_bytes()).hexdigest()
    cached = tmp_path / ".cache" / "photos" / sha[:20]
    assert (cached / "facts.json").is_file()
    assert list(cached.glob("*.webp"))
