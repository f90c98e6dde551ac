"""WebP variants of the vehicle photos, made once per original and kept in a cache outside site/.

The cache is keyed by the original's content hash, the width and the quality, so a
rebuild only processes photos it has not seen; renaming or moving a photo costs nothing.
Originals are never published, only their variants.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from carjunction.catalogue import Vehicle
from carjunction.file_memo import FileMemo, file_stamp
from carjunction.site.settings import Photo, variant_widths
from carjunction.site.vehicle_pages import PhotoKey, variant_url

QUALITY = 72
DIGESTS_KIND = ("photo-content-hash", 1)
VEHICLES_DIR = "vehicles"


@dataclass(frozen=True)
class PreparedPhotos:
    photos: dict[PhotoKey, Photo]
    # (cached variant, path under the site root) for every variant to publish
    variants: list[tuple[str, str]]


def content_hash(path: str | Path) -> str:
    with open(path, "rb") as original:  # noqa: PTH123 - a plain string path, as the build's loop has it
        return hashlib.sha256(original.read()).hexdigest()[:32]


def make_variants(original: Path, digest: str, cache_dir: Path) -> Photo:
    """Read the facts of a cached original, or make its variants and record them."""
    facts_file = cache_dir / f"{digest}.json"
    if facts_file.is_file():
        return Photo.model_validate_json(facts_file.read_text())
    from PIL import Image  # noqa: PLC0415 - only a build with new photos needs Pillow (~25 ms to import)

    with Image.open(original) as image:
        image.load()
        picture = image.convert("RGB")
    photo = Photo(width=picture.width, height=picture.height, widths=variant_widths(picture.width))
    for width in photo.widths:
        height = max(1, round(picture.height * width / picture.width))
        resized = picture if width == picture.width else picture.resize((width, height), Image.Resampling.LANCZOS)
        target = cached_variant(cache_dir, digest, width)
        partial = target.with_suffix(f".{os.getpid()}.part")  # two builds at once never share a half-file
        resized.save(partial, "WEBP", quality=QUALITY, method=4)
        partial.replace(target)
    # Written last: its presence means every variant is complete.
    facts_file.write_text(json.dumps(photo.model_dump(mode="json")))
    return photo


def make_variants_ahead(originals: Iterable[Path], cache_dir: Path) -> int:
    """Fill the build's cache for these originals now (`carjunction photos`), so the next build skips them."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    count = 0
    for original in originals:
        make_variants(original, content_hash(original), cache_dir)
        count += 1
    return count


def known_digest(original: str, digests: FileMemo) -> str:
    """The original's content hash, from ``digests`` while the file is unchanged (else read and recorded)."""
    stamp = file_stamp(original)
    known, digest = digests.get(original, stamp)
    if not known:
        digest = content_hash(original)
        digests.put(original, stamp, digest)
    return str(digest)


def prepare_photos(vehicles: Iterable[Vehicle], content_dir: Path, cache_dir: Path) -> PreparedPhotos:
    """Each photo's facts and variants, made where the cache lacks them."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    photos: dict[PhotoKey, Photo] = {}
    variants: list[tuple[str, str]] = []
    seen: dict[str, Photo] = {}  # one photo used by several vehicles is read once
    # Hashing every original on every build would read every photo: gigabytes for a real stock.
    digests = FileMemo(cache_dir / "originals.pickle", kind=DIGESTS_KIND)
    # Plain strings in this loop: it runs once per photo, and pathlib's objects were most of its cost.
    originals, cache = str(content_dir / VEHICLES_DIR), str(cache_dir)
    for vehicle in vehicles:
        for name in vehicle.photos:
            original = f"{originals}/{vehicle.stock_no}/{name}"
            digest = known_digest(original, digests)
            photo = seen.get(digest) or seen.setdefault(digest, make_variants(Path(original), digest, cache_dir))
            photos[(vehicle.stock_no, name)] = photo
            variants += [
                (f"{cache}/{variant_name(digest, w)}", variant_url(vehicle.stock_no, name, w)) for w in photo.widths
            ]
    digests.save()
    return PreparedPhotos(photos=photos, variants=variants)


def variant_name(digest: str, width: int) -> str:
    return f"{digest}-q{QUALITY}-{width}.webp"


def cached_variant(cache_dir: Path, digest: str, width: int) -> Path:
    return cache_dir / variant_name(digest, width)


def publish_variants(
    variants: Iterable[tuple[str | Path, str]], site_dir: str | Path, made: set[str] | None = None
) -> int:
    """Hard-link (or copy, across file systems) each variant into the site; returns how many.

    ``made`` holds folders known to exist (the build's page folders, as strings); it is added to.
    Plain string paths: this runs 30,000 times for 10,000 vehicles, where pathlib's objects showed.
    """
    count = 0
    made = set() if made is None else made
    root = str(site_dir)
    for cached, url in variants:
        target = f"{root}/{url}"
        folder = target.rpartition("/")[0]
        if folder not in made:
            os.makedirs(folder, exist_ok=True)  # noqa: PTH103 - plain strings in this loop
            made.add(folder)
        try:
            os.link(cached, target)
        except FileExistsError:  # a dirty build (`mkdocs serve`): replace it; a clean one saves the unlink
            os.unlink(target)  # noqa: PTH108 - plain strings in this loop
            os.link(cached, target)
        except OSError:  # another file system, or the file system's limit of links to one file
            shutil.copyfile(cached, target)
        count += 1
    return count
