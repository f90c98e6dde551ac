"""The build's photos: each listed photo's published name and size, from the local cache or the bucket's manifest.

A photo is named by the SHA-256 of its bytes (carjunction.photos), read from the file or from the Git LFS
pointer that stands for it, and remembered by file stamp so that no build reads a photo twice. Its variants
are ``photos/<id>/<width>.webp`` from the site's root, one set per distinct photo however many cars use it.

- **Local** (``make build``, ``make serve``, CI): the variants the cache lacks are encoded on the build's
  cores (carjunction.photos.local) into a cache laid out as the bucket, and linked into site/photos/.
  A photo whose bytes are not checked out (an LFS pointer) is left off its page, with a note.
- **Published** (a deploy, ``CARJUNCTION_PHOTO_MANIFEST``): the bucket's manifest, saved by the deploy
  after it published the photos, gives every size. No photo is read or written; the bucket serves them.
  A photo the manifest lacks (a first publication split across runs) is left off its page, with a note.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from carjunction.catalogue import Vehicle
from carjunction.file_memo import FileMemo, file_stamp
from carjunction.photos.bucket import PREFIX, Manifest, ManifestError
from carjunction.photos.identity import photo_identity
from carjunction.photos.stock import PhotoKey, needed_photos, photo_path, photo_sizes
from carjunction.site.settings import Photo

log = logging.getLogger("mkdocs.plugins.carjunction")

MANIFEST_ENV = "CARJUNCTION_PHOTO_MANIFEST"  # a saved photos/manifest.json: build with the bucket's photos
IDENTITIES_FILE = "identities.pickle"
IDENTITIES_KIND = ("photo-identity", 1)


@dataclass(frozen=True)
class Identified:
    sha256: dict[PhotoKey, str]
    pointers: set[str] = field(default_factory=set)  # hashes known only from an LFS pointer here


@dataclass(frozen=True)
class PreparedPhotos:
    photos: dict[PhotoKey, Photo]  # the photos the pages show
    variants: list[tuple[str, str]]  # (cached file, path under the site root) to link into site/; none if published
    left_out: list[PhotoKey]  # listed photos without variants: not shown


def identify(vehicles: Iterable[Vehicle], content_dir: Path, memo: FileMemo) -> Identified:
    """Each listed photo's SHA-256, read only from files that changed since the memo saw them."""
    identified = Identified(sha256={})
    for vehicle in vehicles:
        for name in vehicle.photos:
            path = str(photo_path(content_dir, vehicle.stock_no, name))
            stamp = file_stamp(path)
            known, value = memo.get(path, stamp)
            if not known:
                identity = photo_identity(path)
                value = (identity.sha256, identity.pointer)
                memo.put(path, stamp, value)
            sha256, pointer = value
            identified.sha256[(vehicle.stock_no, name)] = sha256
            if pointer:
                identified.pointers.add(sha256)
    memo.keep_only({str(photo_path(content_dir, no, name)) for no, name in identified.sha256})
    memo.save()
    return identified


def prepare_photos(
    vehicles: Iterable[Vehicle], content_dir: Path, cache_dir: Path, *, workers: int = 1, manifest: Path | None = None
) -> PreparedPhotos:
    """The pages' photos: from ``manifest`` (a deploy), else encoded into the build's ``cache_dir`` where it lacks
    them (its photos/ folder is laid out as the bucket's)."""
    memo = FileMemo(cache_dir / PREFIX / IDENTITIES_FILE, kind=IDENTITIES_KIND)
    identified = identify(vehicles, content_dir, memo)
    if manifest is not None:
        try:
            sizes = photo_sizes(Manifest.model_validate_json(manifest.read_bytes()))
        except ValidationError as error:
            raise ManifestError(f"{manifest} is not a photo manifest: {error}") from error
        variants: list[tuple[str, str]] = []
    else:
        from carjunction.photos.local import local_photos, variant_files  # noqa: PLC0415 - Pillow, for local builds

        needed = needed_photos(identified.sha256, content_dir)
        on_disk = {sha: path for sha, path in needed.items() if sha not in identified.pointers}
        sizes = local_photos(on_disk, cache_dir, workers=workers)
        variants = variant_files(sizes, cache_dir)
    photos = {key: sizes[sha] for key, sha in identified.sha256.items() if sha in sizes}
    left_out = [key for key in identified.sha256 if key not in photos]
    if left_out:
        why = "not in the photo manifest" if manifest is not None else "Git LFS pointers without their bytes"
        log.info("carjunction: %d photos left off their pages (%s), e.g. %s", len(left_out), why, left_out[0])
    return PreparedPhotos(photos=photos, variants=variants, left_out=left_out)


def encode_ahead(originals: Iterable[Path], cache_dir: Path, *, workers: int = 1) -> int:
    """Fill the build's cache for these originals now (`carjunction photos`), so the next build links them at once."""
    from carjunction.photos.local import local_photos  # noqa: PLC0415 - Pillow, only when encoding

    needed = {photo_identity(path).sha256: path for path in originals}
    return len(local_photos(needed, cache_dir, workers=workers))


def manifest_file() -> Path | None:
    """The saved manifest a deploy builds with (``CARJUNCTION_PHOTO_MANIFEST``), or None for a local build."""
    chosen = os.environ.get(MANIFEST_ENV, "")
    return Path(chosen) if chosen else None


def publish_variants(variants: Iterable[tuple[str | Path, str]], site_dir: str | Path) -> int:
    """Hard-link (or copy, across file systems) each variant into the site; returns how many."""
    count = 0
    made: set[str] = set()
    root = str(site_dir)
    for cached, url in variants:
        target = f"{root}/{url}"
        folder = target.rpartition("/")[0]
        if folder not in made:
            os.makedirs(folder, exist_ok=True)  # noqa: PTH103 - plain strings: a local stock has many thousands
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
