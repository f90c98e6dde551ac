"""The deploy's photo plan on moto S3: only what the bucket lacks is fetched, encoded and uploaded; names are
content hashes cached immutable; a shared photo is stored once; unused photos go after the grace period only;
an interrupted publication is resumed without redoing a finished photo."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from carjunction.photos.bucket import IMMUTABLE, MANIFEST_KEY, MARKERS, Bucket, Manifest, ManifestError, variant_key
from carjunction.photos.encode import Encoded, encode_photo
from carjunction.photos.identity import photo_identity
from carjunction.photos.publish import Options, publish_photos
from carjunction.photos.stock import needed_photos, published_sizes
from carjunction.site.settings import Photo
from tests.photos.images import photo

T0 = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
QUIET = Options(workers=1)


@pytest.fixture
def bucket(s3: Any) -> Bucket:
    name = f"site-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return Bucket(s3, name)


class CountingEncoder:
    """The real encoder, counting the photos it is given; ``fail_after`` makes it stop as a killed run would."""

    def __init__(self, fail_after: int | None = None) -> None:
        self.paths: list[Path] = []
        self.fail_after = fail_after

    def __call__(self, path: Path) -> Encoded:
        if self.fail_after is not None and len(self.paths) >= self.fail_after:
            raise KeyboardInterrupt  # as Ctrl-C or a cancelled job would
        self.paths.append(path)
        return encode_photo(path)


class CountingFetcher:
    def __init__(self) -> None:
        self.paths: list[Path] = []

    def __call__(self, paths: Sequence[Path]) -> None:
        self.paths += paths


class Killed(BaseException):
    """The process dying: nothing after it runs."""


class KilledBucket(Bucket):
    """The bucket of a run killed before its first checkpoint: variants and markers are written, the manifest never."""

    def write_manifest(self, manifest: Manifest) -> None:
        raise Killed


def stock(root: Path, cars: dict[str, list[int]]) -> dict[str, Path]:
    """Photo files for each car (seed → content; one seed in two cars is one photo), and the needed map."""
    identities = {}
    for stock_no, seeds in cars.items():
        for number, seed in enumerate(seeds, start=1):
            path = root / "vehicles" / stock_no / f"{number:02d}.jpg"
            if not path.exists():
                photo(path, seed)
            identities[(stock_no, path.name)] = photo_identity(path).sha256
    return needed_photos(identities, root)


def keys(s3: Any, bucket: Bucket, prefix: str = "photos/") -> set[str]:
    listed = s3.list_objects_v2(Bucket=bucket.name, Prefix=prefix).get("Contents", [])
    return {str(item["Key"]) for item in listed}


def test_first_publication_stores_each_photo_once_by_content_hash_cached_immutable(
    s3: Any, bucket: Bucket, tmp_path: Path
) -> None:
    # Given three cars, two of which share a photo (seed 1), five distinct photos in all
    needed = stock(tmp_path, {"CJ1": [1, 2], "CJ2": [3, 1], "CJ3": [4, 5]})
    encoder = CountingEncoder()
    # When the photos are published to an empty bucket
    report = publish_photos(bucket, needed, encode=encoder, options=QUIET)
    # Then each distinct photo is encoded once, and stored under its content hash at each variant width
    assert len(needed) == 5
    assert (report.encoded, len(encoder.paths)) == (5, 5)
    expected = {variant_key(sha, width) for sha in needed for width in (360, 640)}
    assert keys(s3, bucket) == expected | {MANIFEST_KEY}
    sha = next(iter(needed))
    assert variant_key(sha, 640) == f"photos/{sha[:20]}/640.webp"
    head = s3.head_object(Bucket=bucket.name, Key=variant_key(sha, 640))
    assert head["CacheControl"] == IMMUTABLE == "public, max-age=31536000, immutable"
    assert head["ContentType"] == "image/webp"
    # And the page build learns every photo's size from the manifest alone
    assert published_sizes(bucket) == {
        sha: Photo(id=sha[:20], width=700, height=525, widths=(360, 640)) for sha in needed
    }


def test_a_deploy_after_a_price_change_fetches_encodes_and_uploads_nothing(
    s3: Any, bucket: Bucket, tmp_path: Path
) -> None:
    # Given a published stock
    needed = stock(tmp_path, {"CJ1": [1, 2], "CJ2": [3]})
    publish_photos(bucket, needed, options=QUIET)
    manifest_before = s3.head_object(Bucket=bucket.name, Key=MANIFEST_KEY)["ETag"]
    # When the next deploy has the same photos (a YAML edit changed a price)
    encoder, fetcher = CountingEncoder(), CountingFetcher()
    report = publish_photos(bucket, needed, encode=encoder, fetch=fetcher, options=QUIET)
    # Then no photo is fetched, encoded or uploaded, and the manifest is not rewritten
    assert (encoder.paths, fetcher.paths, report.uploaded) == ([], [], 0)
    assert (report.held, report.missing) == (3, 0)
    assert s3.head_object(Bucket=bucket.name, Key=MANIFEST_KEY)["ETag"] == manifest_before


def test_adding_a_car_fetches_encodes_and_uploads_only_its_photos(s3: Any, bucket: Bucket, tmp_path: Path) -> None:
    # Given a published stock of two cars
    publish_photos(bucket, stock(tmp_path, {"CJ1": [1, 2], "CJ2": [3, 4]}), options=QUIET)
    before = keys(s3, bucket)
    # When a car with three new photos is added
    needed = stock(tmp_path, {"CJ1": [1, 2], "CJ2": [3, 4], "CJ3": [5, 6, 7]})
    new = {sha: path for sha, path in needed.items() if "CJ3" in path.parts}
    encoder, fetcher = CountingEncoder(), CountingFetcher()
    report = publish_photos(bucket, needed, encode=encoder, fetch=fetcher, options=QUIET)
    # Then exactly its photos are fetched and encoded, and only their variants are new in the bucket
    assert sorted(fetcher.paths) == sorted(encoder.paths) == sorted(new.values())
    assert keys(s3, bucket) - before == {variant_key(sha, w) for sha in new for w in (360, 640)}
    assert report.uploaded == 3 * (2 + 1)  # two variants and a completion marker each
    assert not keys(s3, bucket, MARKERS)  # the markers are folded into the manifest at the end


def test_an_unused_photo_is_deleted_only_after_the_grace_period(s3: Any, bucket: Bucket, tmp_path: Path) -> None:
    # Given two published cars
    both = stock(tmp_path, {"CJ1": [1], "CJ2": [2]})
    publish_photos(bucket, both, options=QUIET, now=lambda: T0)
    kept = stock(tmp_path, {"CJ1": [1]})
    (gone,) = set(both) - set(kept)
    week = Options(workers=1, grace=dt.timedelta(days=7))
    # When CJ2 is sold and removed, then its photo is only marked unused
    report = publish_photos(bucket, kept, options=week, now=lambda: T0)
    assert report.marked_unused == [gone]
    assert bucket.read_manifest().photos[gone].unused_since == T0
    # And a day before the grace period ends, its variants are still there (a cached page may link them)
    report = publish_photos(bucket, kept, options=week, now=lambda: T0 + dt.timedelta(days=6, hours=23))
    assert report.deleted == []
    assert variant_key(gone, 360) in keys(s3, bucket)
    # When the grace period has passed, its variants and its manifest entry are gone; the kept car's stay
    report = publish_photos(bucket, kept, options=week, now=lambda: T0 + dt.timedelta(days=7))
    assert report.deleted == [gone]
    assert not {k for k in keys(s3, bucket) if gone[:20] in k}
    assert set(bucket.read_manifest().photos) == set(kept)
    assert variant_key(next(iter(kept)), 360) in keys(s3, bucket)


def test_a_photo_used_again_within_the_grace_period_is_kept_and_not_encoded(
    s3: Any, bucket: Bucket, tmp_path: Path
) -> None:
    # Given a photo marked unused when its car was removed
    both = stock(tmp_path, {"CJ1": [1], "CJ2": [2]})
    publish_photos(bucket, both, options=QUIET, now=lambda: T0)
    publish_photos(bucket, stock(tmp_path, {"CJ1": [1]}), options=QUIET, now=lambda: T0)
    # When the car comes back three days later
    encoder = CountingEncoder()
    later = T0 + dt.timedelta(days=3)
    report = publish_photos(bucket, both, encode=encoder, options=QUIET, now=lambda: later)
    # Then its photo is un-marked, not encoded again, and survives past the old deadline
    assert encoder.paths == []
    assert len(report.used_again) == 1
    report = publish_photos(bucket, both, options=QUIET, now=lambda: T0 + dt.timedelta(days=30))
    assert report.deleted == []
    assert all(photo.unused_since is None for photo in bucket.read_manifest().photos.values())


def test_an_interrupted_publication_resumes_without_redoing_a_finished_photo(bucket: Bucket, tmp_path: Path) -> None:
    # Given a first publication of eight photos that stops after three (Ctrl-C, a cancelled job)
    needed = stock(tmp_path, {"CJ1": [1, 2, 3, 4], "CJ2": [5, 6, 7, 8]})
    stopped = CountingEncoder(fail_after=3)
    with pytest.raises(KeyboardInterrupt):
        publish_photos(bucket, needed, encode=stopped, options=QUIET)
    # When it is run again
    resumed = CountingEncoder()
    report = publish_photos(bucket, needed, encode=resumed, options=QUIET)
    # Then only the five unfinished photos are encoded, and every photo is published
    assert set(resumed.paths) == set(needed.values()) - set(stopped.paths)
    assert (report.held, report.encoded) == (3, 5)
    assert set(bucket.read_manifest().photos) == set(needed)


def test_a_killed_publication_resumes_from_its_completion_markers(s3: Any, bucket: Bucket, tmp_path: Path) -> None:
    # Given a run killed before it could write any manifest: only variants and completion markers remain
    needed = stock(tmp_path, {"CJ1": [1, 2, 3], "CJ2": [4, 5, 6]})
    killed = CountingEncoder(fail_after=4)
    with pytest.raises(Killed):
        publish_photos(KilledBucket(bucket.s3, bucket.name), needed, encode=killed, options=QUIET)
    assert MANIFEST_KEY not in keys(s3, bucket)
    assert len(keys(s3, bucket, MARKERS)) == 4
    # When the publication is run again
    resumed = CountingEncoder()
    report = publish_photos(bucket, needed, encode=resumed, options=QUIET)
    # Then the four finished photos are taken from their markers; only the other two are encoded
    assert report.resumed == 4
    assert set(resumed.paths) == set(needed.values()) - set(killed.paths)
    assert set(bucket.read_manifest().photos) == set(needed)
    assert not keys(s3, bucket, MARKERS)


def test_a_limit_leaves_the_rest_for_the_next_run(bucket: Bucket, tmp_path: Path) -> None:
    # Given five missing photos and a run limited to two
    needed = stock(tmp_path, {"CJ1": [1, 2, 3, 4, 5]})
    first = publish_photos(bucket, needed, options=Options(workers=1, limit=2))
    # When the next run has no limit, then it does the other three
    second = publish_photos(bucket, needed, encode=(encoder := CountingEncoder()), options=QUIET)
    assert (first.encoded, first.left, second.encoded, len(encoder.paths)) == (2, 3, 3, 3)


def test_all_cores_encode_in_worker_processes(s3: Any, bucket: Bucket, tmp_path: Path) -> None:
    # Given photos of two sizes, one wider than the largest variant
    needed = stock(tmp_path, {"CJ1": [1, 2, 3]})
    wide = photo(tmp_path / "vehicles" / "CJ2" / "01.jpg", 9, size=(1500, 1000))
    needed[photo_identity(wide).sha256] = wide
    # When they are published by a pool of two processes, in chunks of two
    report = publish_photos(bucket, needed, options=Options(workers=2, chunk=2))
    # Then every photo is published, the wide one at every width up to 1280
    assert report.encoded == 4
    assert bucket.read_manifest().photos[photo_identity(wide).sha256].widths == (360, 640, 960, 1280)
    assert variant_key(photo_identity(wide).sha256, 1280) in keys(s3, bucket)


class RefusingBucket(Bucket):
    """S3 refusing one photo's variants (throttled, say); every other write goes through."""

    def __init__(self, bucket: Bucket, refused: str) -> None:
        super().__init__(bucket.s3, bucket.name)
        self.refused = refused

    def put_variant(self, sha256: str, width: int, data: bytes) -> None:
        if sha256 == self.refused:
            raise OSError("SlowDown: please reduce your request rate")
        super().put_variant(sha256, width, data)


def test_a_failed_upload_stops_the_run_and_only_that_photo_is_done_again(bucket: Bucket, tmp_path: Path) -> None:
    # Given four photos, one of which S3 refuses
    needed = stock(tmp_path, {"CJ1": [1, 2, 3, 4]})
    refused = list(needed)[1]
    # When they are published, then the run fails, naming the refusal
    with pytest.raises(OSError, match="SlowDown"):
        publish_photos(RefusingBucket(bucket, refused), needed, options=QUIET)
    # And the refused photo is not in the manifest, so the next run does it, and only it
    assert refused not in bucket.read_manifest().photos
    encoder = CountingEncoder()
    publish_photos(bucket, needed, encode=encoder, options=QUIET)
    assert encoder.paths == [needed[refused]]


def test_a_manifest_that_is_not_ours_is_refused_not_overwritten(s3: Any, bucket: Bucket, tmp_path: Path) -> None:
    # Given a bucket whose manifest was damaged (a hand edit, a truncated upload)
    s3.put_object(Bucket=bucket.name, Key=MANIFEST_KEY, Body=b'{"photos": {"abc": {"width": "wide"}}}')
    # When photos are published, then the run stops naming the manifest, and leaves it as it was
    with pytest.raises(ManifestError, match=r"photos/manifest\.json is not a photo manifest"):
        publish_photos(bucket, stock(tmp_path, {"CJ1": [1]}), options=QUIET)
    assert (
        s3.get_object(Bucket=bucket.name, Key=MANIFEST_KEY)["Body"].read() == b'{"photos": {"abc": {"width": "wide"}}}'
    )
