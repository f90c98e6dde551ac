"""`carjunction photos`: real Pillow images in, clean numbered masters and an updated photos list out."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from PIL import ExifTags, Image

from carjunction.ops.ingest_photos import PhotoError, ingest_photos
from carjunction.ops.progress import Progress
from tests.support.factories import vehicle_data, write_vehicle
from tests.support.photo_factory import BLUE, GREEN, RED, close_to, colour_at, phone_photo, plain


def a_vehicle(tmp_path: Path, photos: list[str] | None = None) -> tuple[Path, Path]:
    data = vehicle_data(photos=photos or [])
    path = write_vehicle(tmp_path / "vehicles", data, photos=False)
    folder = path.with_suffix("")
    folder.mkdir()
    return path, folder


def listed(path: Path) -> list[str]:
    photos: list[str] = yaml.safe_load(path.read_text(encoding="utf-8"))["photos"]
    return photos


def test_phone_photo_is_turned_upright_and_loses_gps_and_all_metadata(tmp_path: Path) -> None:
    # Given a phone photo stored sideways, tagged with GPS, orientation, camera, XMP and ICC
    path, folder = a_vehicle(tmp_path)
    original = phone_photo(folder / "IMG_4021.JPG")
    with Image.open(original) as before:
        assert before.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    # When ingested
    result = ingest_photos(path)
    # Then it is 01.jpg, upright (rotated: the left half of the stored pixels is now on top)
    master = folder / "01.jpg"
    assert result.photos == ["01.jpg"]
    assert not original.exists()
    with Image.open(master) as after:
        assert after.format == "JPEG"
        assert after.size == (200, 300)
        # ...and carries no EXIF (so no GPS, no orientation), no XMP, no ICC profile
        assert len(after.getexif()) == 0
        assert not {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile"} & set(after.info)
    assert b"Exif\x00\x00" not in master.read_bytes()
    assert b"PhoneMaker" not in master.read_bytes()
    assert close_to(colour_at(master, (100, 30)), RED)
    assert close_to(colour_at(master, (100, 270)), BLUE)
    assert listed(path) == ["01.jpg"]


def test_large_transparent_png_is_capped_and_flattened(tmp_path: Path) -> None:
    path, folder = a_vehicle(tmp_path)
    Image.new("RGBA", (3000, 1000), (0, 0, 0, 0)).save(folder / "studio.png")
    ingest_photos(path, max_side=2048)
    with Image.open(folder / "01.jpg") as master:
        assert master.size == (2048, 683)
    assert close_to(colour_at(folder / "01.jpg", (10, 10)), (255, 255, 255), tolerance=5)


def test_listed_order_comes_first_then_new_files_in_natural_order(tmp_path: Path) -> None:
    # Given two listed photos (b before a) and two new ones named IMG_2 and IMG_10
    path, folder = a_vehicle(tmp_path, photos=["b.jpg", "a.jpg"])
    plain(folder / "a.jpg", RED)
    plain(folder / "b.jpg", BLUE)
    plain(folder / "IMG_10.jpg", GREEN)
    plain(folder / "IMG_2.png", (250, 250, 250), fmt="PNG")
    # When ingested
    result = ingest_photos(path)
    # Then the listed order is kept and the new ones follow, IMG_2 before IMG_10
    assert result.photos == ["01.jpg", "02.jpg", "03.jpg", "04.jpg"]
    assert sorted(p.name for p in folder.iterdir()) == result.photos
    colours = [colour_at(folder / name, (5, 5)) for name in result.photos]
    for actual, expected in zip(colours, [BLUE, RED, (250, 250, 250), GREEN], strict=True):
        assert close_to(actual, expected)
    assert listed(path) == result.photos


def test_running_twice_changes_nothing(tmp_path: Path) -> None:
    # Given photos ingested once
    path, folder = a_vehicle(tmp_path)
    phone_photo(folder / "IMG_1.jpg")
    plain(folder / "IMG_2.jpg", GREEN)
    ingest_photos(path)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    text = path.read_text(encoding="utf-8")
    # When run again
    result = ingest_photos(path)
    # Then no file and no line changed
    assert not result.changed
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert path.read_text(encoding="utf-8") == text


def test_clean_webp_masters_keep_their_bytes_and_follow_a_reordered_list(tmp_path: Path) -> None:
    # Given clean WebP masters, as in the sample stock, and a list a staff member reordered
    path, folder = a_vehicle(tmp_path, photos=["02.webp", "01.webp"])
    plain(folder / "01.webp", RED, fmt="WEBP")
    plain(folder / "02.webp", BLUE, fmt="WEBP")
    second = (folder / "02.webp").read_bytes()
    # When ingested
    result = ingest_photos(path)
    # Then they are renamed, not re-encoded
    assert result.encoded == []
    assert result.renamed == [("02.webp", "01.webp"), ("01.webp", "02.webp")]
    assert (folder / "01.webp").read_bytes() == second
    assert listed(path) == ["01.webp", "02.webp"]


def test_comments_and_other_fields_survive_the_list_update(tmp_path: Path) -> None:
    path, folder = a_vehicle(tmp_path, photos=["gone.jpg"])
    text = path.read_text(encoding="utf-8")
    text = "# yaml-language-server: $schema=../../schemas/vehicle.schema.json\n" + text.replace(
        "yard: Yokohama", "yard: Yokohama  # moved from Kobe in October"
    )
    path.write_text(text, encoding="utf-8")
    plain(folder / "new.jpg", RED)
    result = ingest_photos(path)
    after = path.read_text(encoding="utf-8")
    assert result.dropped == ["gone.jpg"]
    assert after.startswith("# yaml-language-server: $schema=")
    assert "yard: Yokohama  # moved from Kobe in October" in after
    assert "photos:\n  - 01.jpg\n" in after
    assert after.replace("photos:\n  - 01.jpg\n", "") == text.replace("photos:\n- gone.jpg\n", "")


def test_an_unreadable_photo_stops_before_anything_changes(tmp_path: Path) -> None:
    # Given a good photo and a file that only claims to be a JPEG
    path, folder = a_vehicle(tmp_path)
    phone_photo(folder / "good.jpg")
    (folder / "broken.jpg").write_bytes(b"not a jpeg")
    text = path.read_text(encoding="utf-8")
    # When ingested, Then the error names the file and nothing was touched
    with pytest.raises(PhotoError, match=r"broken\.jpg: is not an image"):
        ingest_photos(path)
    assert sorted(p.name for p in folder.iterdir()) == ["broken.jpg", "good.jpg"]
    assert path.read_text(encoding="utf-8") == text


def test_variants_hook_gets_the_final_photos_in_order(tmp_path: Path) -> None:
    path, folder = a_vehicle(tmp_path)
    plain(folder / "x.jpg", RED)
    plain(folder / "y.jpg", BLUE)
    calls: list[list[Path]] = []
    ingest_photos(path, make_variants=lambda paths: calls.append(list(paths)))
    assert calls == [[folder / "01.jpg", folder / "02.jpg"]]


def test_progress_bar_draws_on_a_terminal_stream(tmp_path: Path) -> None:
    path, folder = a_vehicle(tmp_path)
    for n in range(3):
        plain(folder / f"p{n}.jpg", GREEN)
    stream = io.StringIO()
    ingest_photos(path, progress=Progress(3, "photos", stream=stream, enabled=True))
    drawn = stream.getvalue()
    assert "3/3" in drawn
    assert "#" * 30 in drawn
    assert drawn.endswith("\n")


def test_missing_vehicle_file_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(PhotoError, match="carjunction new-vehicle"):
        ingest_photos(tmp_path / "vehicles" / "NOPE1.yaml")
