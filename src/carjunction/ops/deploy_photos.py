"""The deploy's photos: publish the variants the bucket lacks before the pages are built, then build the pages from
the bucket's photo manifest (carjunction/photos, README "Photos")."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from carjunction.photos.bucket import PREFIX as PHOTOS_PREFIX

if TYPE_CHECKING:
    from carjunction.catalogue import Catalogue
    from carjunction.ops.deploy import DeploySettings, Runner
    from carjunction.photos.publish import Fetcher, PublishReport


class PhotosNotPublished(Exception):
    """A photo could not be read, fetched or uploaded; what finished is kept."""


def publish_stock_photos(
    settings: DeploySettings,
    s3_client: Any,
    bucket: str,
    catalogue: Catalogue,
    say: Callable[[str], None],
    *,
    fetch: Fetcher | None,
) -> PublishReport:
    """Encode and upload only the photos the bucket lacks (LFS objects fetched for just those), before the pages."""
    from carjunction.photos.bucket import Bucket, ManifestError  # noqa: PLC0415 - Pillow, pool: only when publishing
    from carjunction.photos.encode import SourceError  # noqa: PLC0415
    from carjunction.photos.fetch import git_lfs_fetcher  # noqa: PLC0415
    from carjunction.photos.lfs import PointerError  # noqa: PLC0415
    from carjunction.photos.publish import Options, publish_photos  # noqa: PLC0415
    from carjunction.photos.stock import needed_photos, photo_identities, published_vehicles  # noqa: PLC0415

    content = settings.content_dir
    say(f"    publishing photos to s3://{bucket}/{PHOTOS_PREFIX}")
    try:
        needed = needed_photos(photo_identities(published_vehicles(catalogue), content), content)
        report = publish_photos(
            Bucket(s3_client, bucket),
            needed,
            fetch=fetch or git_lfs_fetcher(content.resolve().parent),
            options=Options(workers=os.cpu_count() or 1, limit=settings.photo_limit),
        )
    except (PointerError, SourceError, ManifestError, OSError) as error:
        raise PhotosNotPublished(f"photos: {error}; what finished is kept, deploy again to go on") from error
    say(
        f"    {report.needed} photos: {report.held} held, {report.encoded} encoded "
        f"({report.photos_per_second:.1f}/s), {len(report.deleted)} unused deleted, {len(report.marked_unused)} "
        "marked unused" + (f", {report.left} left for the next deploy" if report.left else "")
    )
    return report


BUILD = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"]


def build_with_published_photos(s3_client: Any, bucket: str, run: Runner) -> None:
    """Build the pages from the bucket's photo manifest (carjunction.site.photos): no photo is read or linked,
    and a photo not published yet is left off its page."""
    from carjunction.photos.bucket import Bucket  # noqa: PLC0415 - only a deploy with photos needs it
    from carjunction.site.photos import MANIFEST_ENV  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="carjunction-photos-") as folder:
        saved = Path(folder) / "manifest.json"
        saved.write_text(Bucket(s3_client, bucket).read_manifest().model_dump_json(), encoding="utf-8")
        run(BUILD, env={MANIFEST_ENV: str(saved)})
