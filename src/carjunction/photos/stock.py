"""What the stock needs (photo hashes, from files or pointers) and what the site build reads back (sizes by hash).

The site adapter's side of the contract, for a build whose photos live in the bucket:

    identities = photo_identities(vehicles, content_dir)        # (stock_no, name) → sha256; pointers suffice
    sizes = published_sizes(Bucket(s3, bucket))                 # sha256 → Photo(id, width, height, widths)
    url = variant_key(identities[key], width)                   # photos/<sha256[:20]>/<width>.webp

and `publish_photos(bucket, needed_photos(identities, content_dir), ...)` runs before the pages are synced.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from carjunction.catalogue import Catalogue, Status, Vehicle
from carjunction.photos.bucket import Bucket, Manifest, photo_id
from carjunction.photos.identity import photo_identity
from carjunction.site.settings import Photo

PhotoKey = tuple[str, str]  # (stock_no, photo file name), as the site keys photos
VEHICLES_DIR = "vehicles"


def published_vehicles(catalogue: Catalogue) -> list[Vehicle]:
    """The vehicles whose pages are built: as the site adapter chooses them (a withdrawn car has no page)."""
    return [vehicle for vehicle in catalogue.vehicles if vehicle.status != Status.WITHDRAWN]


def photo_path(content_dir: Path, stock_no: str, name: str) -> Path:
    return content_dir / VEHICLES_DIR / stock_no / name


def photo_identities(vehicles: Iterable[Vehicle], content_dir: Path) -> dict[PhotoKey, str]:
    """Each listed photo's sha256, from its bytes or its LFS pointer (PointerError names a malformed one)."""
    return {
        (vehicle.stock_no, name): photo_identity(photo_path(content_dir, vehicle.stock_no, name)).sha256
        for vehicle in vehicles
        for name in vehicle.photos
    }


def needed_photos(identities: Mapping[PhotoKey, str], content_dir: Path) -> dict[str, Path]:
    """sha256 → one path that holds (or points to) it: a photo two cars share is published once."""
    needed: dict[str, Path] = {}
    for (stock_no, name), sha in identities.items():
        needed.setdefault(sha, photo_path(content_dir, stock_no, name))
    return needed


def photo_sizes(manifest: Manifest) -> dict[str, Photo]:
    """sha256 → the site's Photo (width, height, widths) for every published photo."""
    return {
        sha: Photo(id=photo_id(sha), width=photo.width, height=photo.height, widths=photo.widths)
        for sha, photo in manifest.photos.items()
    }


def published_sizes(bucket: Bucket) -> dict[str, Photo]:
    """What the page build needs of the bucket's photos: one GET of the manifest, no photo's bytes."""
    return photo_sizes(bucket.read_manifest())
