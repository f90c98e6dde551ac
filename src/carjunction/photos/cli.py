"""`carjunction photos-publish`: publish the stock's photos to the site bucket (see carjunction.photos)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the command's modules load when it runs, so `carjunction validate` starts fast
    from carjunction.photos.publish import PublishReport


def describe(report: PublishReport, workers: int) -> list[str]:
    lines = [
        f"{report.needed} photos needed: {report.held} already published, {report.resumed} finished by an "
        f"interrupted run, {report.missing} missing",
    ]
    if report.encoded or report.fetched:
        lines.append(
            f"{report.fetched} fetched, {report.encoded} encoded ({report.photos_per_second:.2f} photos/s on "
            f"{workers} worker(s)), {report.uploaded} objects uploaded"
        )
    if report.marked_unused or report.used_again or report.deleted:
        lines.append(
            f"unused: {len(report.marked_unused)} newly, {len(report.used_again)} used again, "
            f"{len(report.deleted)} deleted after the grace period"
        )
    if report.left:
        lines.append(f"{report.left} photos left for the next run (--limit)")
    lines.append(f"done in {report.seconds:.1f} s")
    return lines


def publish_command(args: argparse.Namespace) -> int:
    import boto3  # noqa: PLC0415 - boto3 and Pillow only when this command runs
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

    from carjunction.catalogue import CatalogueError, load_catalogue  # noqa: PLC0415
    from carjunction.photos.bucket import Bucket, ManifestError  # noqa: PLC0415
    from carjunction.photos.encode import SourceError  # noqa: PLC0415
    from carjunction.photos.fetch import git_lfs_fetcher  # noqa: PLC0415
    from carjunction.photos.lfs import PointerError  # noqa: PLC0415
    from carjunction.photos.publish import Options, no_fetch, publish_photos  # noqa: PLC0415
    from carjunction.photos.stock import needed_photos, photo_identities, published_vehicles  # noqa: PLC0415

    bucket_name = args.bucket or os.environ.get("CARJUNCTION_BUCKET")
    if not bucket_name:
        print("give --bucket (or CARJUNCTION_BUCKET): the site bucket", file=sys.stderr)
        return 2
    try:
        catalogue = load_catalogue(args.content)
        identities = photo_identities(published_vehicles(catalogue), args.content)
    except CatalogueError:
        print("the stock has problems; run `carjunction validate` and fix them first", file=sys.stderr)
        return 1
    except PointerError as error:
        print(f"photos-publish stopped: {error}", file=sys.stderr)
        return 1
    fetch = no_fetch if args.no_fetch else git_lfs_fetcher(args.content.resolve().parent)
    options = Options(workers=args.workers, grace=dt.timedelta(days=args.grace_days), limit=args.limit)
    bucket = Bucket(boto3.Session(region_name=args.region).client("s3"), bucket_name)
    try:
        report = publish_photos(bucket, needed_photos(identities, args.content), fetch=fetch, options=options)
    except (SourceError, PointerError, ManifestError, OSError) as error:
        print(f"photos-publish stopped: {error}; what finished is kept, run again to go on", file=sys.stderr)
        return 1
    except (BotoCoreError, ClientError) as error:
        print(f"photos-publish stopped: AWS refused a request: {error}", file=sys.stderr)
        return 1
    for line in describe(report, args.workers):
        print(line)
    return 0


def add_photos_publish(commands: Any) -> None:
    sub = commands.add_parser(
        "photos-publish",
        help="encode and upload the photos the bucket lacks (content-addressed, immutable); remove unused ones",
        description="Reads each listed photo's SHA-256 from its file or Git LFS pointer, asks the bucket's "
        "photos/manifest.json what is published, fetches (git lfs pull) and encodes only the rest, on every "
        "core, and uploads their WebP variants. A killed run continues where it stopped. Photos no vehicle "
        "uses are deleted once unused for --grace-days.",
    )
    sub.add_argument("--bucket", help="the site bucket (default: CARJUNCTION_BUCKET)")
    sub.add_argument("--region", help="AWS region (default: AWS_REGION)")
    sub.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    sub.add_argument("--grace-days", type=float, default=7, help="days an unused photo is kept (default: 7)")
    sub.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="encoding processes (default: cores)")
    sub.add_argument("--limit", type=int, help="publish at most this many missing photos; the rest next time")
    sub.add_argument("--no-fetch", action="store_true", help="the photos' bytes are on disk; never run git lfs")
    sub.set_defaults(run=publish_command)
