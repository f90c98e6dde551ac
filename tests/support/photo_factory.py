"""Real image files for the photo tests: phone-like JPEGs with GPS and orientation tags, PNGs, clean masters."""

from __future__ import annotations

from pathlib import Path

from PIL import ExifTags, Image, ImageCms

RED, BLUE, GREEN = (220, 20, 20), (20, 20, 220), (20, 200, 20)


def two_tone(size: tuple[int, int], left: tuple[int, int, int], right: tuple[int, int, int]) -> Image.Image:
    image = Image.new("RGB", size, left)
    image.paste(right, (size[0] // 2, 0, size[0], size[1]))
    return image


def phone_photo(path: Path, *, size: tuple[int, int] = (300, 200), orientation: int = 6) -> Path:
    """A JPEG as a phone writes it: sideways pixels plus an orientation tag, GPS position, camera, XMP, ICC."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (35.0, 47.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (139.0, 36.0, 1.0)
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    two_tone(size, RED, BLUE).save(path, "JPEG", exif=exif, xmp=xmp, icc_profile=srgb, quality=95)
    return path


def plain(path: Path, colour: tuple[int, int, int], size: tuple[int, int] = (120, 80), fmt: str = "JPEG") -> Path:
    Image.new("RGB", size, colour).save(path, fmt)
    return path


def colour_at(path: Path, xy: tuple[int, int]) -> tuple[int, int, int]:
    with Image.open(path) as image:
        pixel = image.convert("RGB").getpixel(xy)
    assert isinstance(pixel, tuple)
    return (int(pixel[0]), int(pixel[1]), int(pixel[2]))


def close_to(actual: tuple[int, int, int], expected: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))
