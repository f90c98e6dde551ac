"""`carjunction deploy` with photos on: they are published before the pages are synced, and the sync keeps them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from carjunction.ops.deploy import Clients, DeploySettings, deploy
from carjunction.photos.bucket import MANIFEST_KEY, Bucket, Manifest
from carjunction.photos.identity import sha256_of
from carjunction.site.photos import MANIFEST_ENV
from tests.photos.images import sample_with
from tests.support.aws_ops import client, fake_aws, new_distribution


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clients]:
    with fake_aws(monkeypatch):
        yield Clients(s3=client("s3"), cloudfront=client("cloudfront"))


def no_fetch(paths: Sequence[Path]) -> None:
    """The sample's photos are plain blobs: nothing to fetch."""


def test_a_deploy_publishes_the_photos_and_its_sync_never_deletes_them(aws: Clients, tmp_path: Path) -> None:
    # Given a built site, the sample's first car, and CARJUNCTION_PHOTOS=1
    content = sample_with(tmp_path, {"CJ26001"})
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>stock</h1>", encoding="utf-8")
    bucket = f"site-{uuid.uuid4().hex[:10]}"
    aws.s3.create_bucket(Bucket=bucket)
    settings = DeploySettings.from_env(
        {"CARJUNCTION_PHOTOS": "1"},
        bucket=bucket,
        distribution_id=new_distribution(aws.cloudfront, bucket),
        content_dir=content,
        site_dir=site,
        skip_build=True,
        skip_sam=True,
    )
    lines: list[str] = []
    # When it is deployed twice
    first = deploy(settings, aws, sam_available=False, say=lines.append, fetch_photos=no_fetch)
    second = deploy(settings, aws, sam_available=False, say=lines.append, fetch_photos=no_fetch)
    # Then the first deploy publishes the car's photos, and the second finds them held and encodes none
    photos = len(list((content / "vehicles" / "CJ26001").glob("*.webp")))
    assert first.photos is not None and second.photos is not None
    assert (first.photos.encoded, second.photos.encoded, second.photos.held) == (photos, 0, photos)
    # And the site sync left every photo object and the manifest in place
    assert second.site is not None and not any(key.startswith("photos/") for key in second.site.deleted)
    assert len(Bucket(aws.s3, bucket).read_manifest().photos) == photos
    assert aws.s3.head_object(Bucket=bucket, Key=MANIFEST_KEY)
    assert any("publishing photos" in line for line in lines)


class BuildRecorder:
    """Stands in for `mkdocs build`: keeps the photo manifest the build was handed, and writes a tiny site."""

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir
        self.manifests: list[Manifest] = []

    def __call__(self, command: Sequence[str], /, env: Mapping[str, str] | None = None) -> None:
        assert "mkdocs" in command
        saved = Path((env or {})[MANIFEST_ENV])
        self.manifests.append(Manifest.model_validate_json(saved.read_bytes()))
        self.site_dir.mkdir(parents=True, exist_ok=True)
        (self.site_dir / "index.html").write_text("<h1>stock</h1>", encoding="utf-8")


def test_a_deploy_with_photos_builds_the_pages_after_publishing_from_the_bucket_s_manifest(
    aws: Clients, tmp_path: Path
) -> None:
    # Given the sample's first car, and a deploy with photos that builds the site
    content = sample_with(tmp_path, {"CJ26001"})
    bucket = f"site-{uuid.uuid4().hex[:10]}"
    aws.s3.create_bucket(Bucket=bucket)
    settings = DeploySettings(
        bucket=bucket,
        distribution_id=new_distribution(aws.cloudfront, bucket),
        content_dir=content,
        site_dir=tmp_path / "site",
        skip_sam=True,
        photos=True,
    )
    build = BuildRecorder(settings.site_dir)
    # When it is deployed
    deploy(settings, aws, run=build, sam_available=False, say=lambda _: None, fetch_photos=no_fetch)
    # Then the build ran once, after the publication, handed the bucket's manifest with every photo of the car
    published = Bucket(aws.s3, bucket).read_manifest()
    photos = {sha256_of(path.read_bytes()) for path in (content / "vehicles" / "CJ26001").glob("*.webp")}
    assert len(build.manifests) == 1
    assert set(build.manifests[0].photos) == set(published.photos) == photos
    # And the manifest it was handed was a temporary copy, gone once the build was done
    assert not list(tmp_path.glob("**/manifest.json"))
