"""The same variants for a local build (`make serve`, `make build`, CI): encoded into a cache on disk, no AWS.

The cache mirrors the bucket (``<cache>/photos/<sha256[:20]>/<width>.webp``), so the site adapter hard-links
each variant to the same URL the bucket serves in production. A photo's ``facts.json`` is written after its
variants: its presence means the photo is complete, as a completion marker does in the bucket.
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from carjunction.photos.bucket import PREFIX, photo_id, variant_key
from carjunction.photos.encode import Encoded, SourceError, encode_photo
from carjunction.photos.publish import Encoder
from carjunction.site.settings import Photo

FACTS = "facts.json"


def facts_file(cache_dir: Path, sha256: str) -> Path:
    return cache_dir / PREFIX / photo_id(sha256) / FACTS


def cached_facts(cache_dir: Path, sha256: str) -> Photo | None:
    facts = facts_file(cache_dir, sha256)
    return Photo.model_validate_json(facts.read_text()) if facts.is_file() else None


def store(cache_dir: Path, sha256: str, encoded: Encoded) -> Photo:
    if encoded.sha256 != sha256:
        raise SourceError(f"a photo changed while it was encoded (sha256 {encoded.sha256[:12]}…, not {sha256[:12]}…)")
    for width, data in encoded.variants.items():
        target = cache_dir / variant_key(sha256, width)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(target)
    photo = Photo(id=photo_id(sha256), width=encoded.width, height=encoded.height, widths=encoded.widths)
    facts_file(cache_dir, sha256).write_text(json.dumps(photo.model_dump(mode="json")))  # last: complete
    return photo


def local_photos(
    needed: Mapping[str, Path], cache_dir: Path, *, workers: int = 1, encode: Encoder = encode_photo
) -> dict[str, Photo]:
    """sha256 → Photo for every needed photo, encoding (on ``workers`` processes) those the cache lacks."""
    sizes = {sha: photo for sha in needed if (photo := cached_facts(cache_dir, sha)) is not None}
    missing = [sha for sha in needed if sha not in sizes]
    if workers <= 1 or len(missing) < 2:
        for sha in missing:
            sizes[sha] = store(cache_dir, sha, encode(needed[sha]))
        return sizes
    context = multiprocessing.get_context(
        "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    )
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for sha, encoded in zip(missing, pool.map(encode, [needed[sha] for sha in missing]), strict=True):
            sizes[sha] = store(cache_dir, sha, encoded)
    return sizes


def variant_files(sizes: Mapping[str, Photo], cache_dir: Path) -> list[tuple[str, str]]:
    """(cached file, path under the site root) for every variant: what the adapter links into site/."""
    return [
        (str(cache_dir / variant_key(sha, width)), variant_key(sha, width))
        for sha, photo in sizes.items()
        for width in photo.widths
    ]
