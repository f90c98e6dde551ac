"""Where published photos live in the site bucket, and the manifest that says which are there.

    photos/<sha256[:20]>/<width>.webp     a variant; its name never changes meaning, so it is cached immutable
    photos/manifest.json                  every published photo: sha256 → width, height, widths, unused_since
    photos/done/<sha256>_<w>x<h>_<widths> a photo whose variants are all uploaded, not yet in the manifest

The manifest is what a deploy reads (one GET) to learn what the bucket holds. A completion marker is
written after a photo's last variant and folded into the manifest at the next checkpoint; its facts are
in its key, so a resumed run learns every finished photo from a listing, without a GET per photo.
Twenty hex digits (80 bits) of the hash name a photo: a collision among a yard's photos is not a risk.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

PREFIX = "photos/"
MANIFEST_KEY = f"{PREFIX}manifest.json"
MARKERS = f"{PREFIX}done/"
ID_LENGTH = 20
IMMUTABLE = "public, max-age=31536000, immutable"
VARIANT = re.compile(rf"^{PREFIX}[0-9a-f]{{{ID_LENGTH}}}/\d+\.webp$")  # what variant_path names
MARKER = re.compile(r"^([0-9a-f]{64})_(\d+)x(\d+)_(\d+(?:-\d+)*)$")


class ManifestError(ValueError):
    """The bucket's photos/manifest.json is not a manifest this code wrote; nothing was changed."""


class PublishedPhoto(BaseModel):
    model_config = ConfigDict(extra="forbid")

    width: int = Field(gt=0)
    height: int = Field(gt=0)
    widths: tuple[int, ...] = Field(min_length=1)
    # Set when no published car uses the photo any more; its variants go once the grace period has passed.
    unused_since: dt.datetime | None = None


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = 1
    photos: dict[str, PublishedPhoto] = Field(default_factory=dict)


def photo_id(sha256: str) -> str:
    return sha256[:ID_LENGTH]


def variant_key(sha256: str, width: int) -> str:
    """The variant's key in the bucket, which is also its path from the site's root."""
    return variant_path(photo_id(sha256), width)


def variant_path(photo: str, width: int | str) -> str:
    """The one naming scheme of a variant, by the photo's id: for the bucket, the pages and the stock page's cards
    (whose script fills ``{ph}`` and ``{tw}`` placeholders in it)."""
    return f"{PREFIX}{photo}/{width}.webp"


def marker_key(sha256: str, photo: PublishedPhoto) -> str:
    widths = "-".join(str(w) for w in photo.widths)
    return f"{MARKERS}{sha256}_{photo.width}x{photo.height}_{widths}"


def _batches(keys: list[str], size: int = 1000) -> Iterator[list[str]]:
    for start in range(0, len(keys), size):  # DeleteObjects takes at most 1,000 keys a call
        yield keys[start : start + size]


class Bucket:
    """The photos part of the site bucket, through a boto3 S3 client the caller made."""

    def __init__(self, s3_client: Any, name: str) -> None:
        self.s3, self.name = s3_client, name

    def read_manifest(self) -> Manifest:
        try:
            body = self.s3.get_object(Bucket=self.name, Key=MANIFEST_KEY)["Body"].read()
        except self.s3.exceptions.NoSuchKey:
            return Manifest()  # nothing published yet
        try:
            return Manifest.model_validate_json(body)
        except ValidationError as error:
            # Never overwritten blindly: a new manifest would forget every published photo and re-encode them all.
            raise ManifestError(f"s3://{self.name}/{MANIFEST_KEY} is not a photo manifest: {error}") from error

    def write_manifest(self, manifest: Manifest) -> None:
        self.s3.put_object(
            Bucket=self.name,
            Key=MANIFEST_KEY,
            Body=manifest.model_dump_json(exclude_none=True).encode(),
            ContentType="application/json",
            CacheControl="no-store",  # read by deploys, never by buyers; never cached stale
        )

    def put_variant(self, sha256: str, width: int, data: bytes) -> None:
        self.s3.put_object(
            Bucket=self.name,
            Key=variant_key(sha256, width),
            Body=data,
            ContentType="image/webp",
            CacheControl=IMMUTABLE,
        )

    def put_marker(self, sha256: str, photo: PublishedPhoto) -> None:
        self.s3.put_object(Bucket=self.name, Key=marker_key(sha256, photo), Body=b"")

    def markers(self) -> dict[str, tuple[str, PublishedPhoto]]:
        """Finished photos not yet in the manifest: sha256 → (marker key, facts)."""
        found: dict[str, tuple[str, PublishedPhoto]] = {}
        for key in self._keys(MARKERS):
            match = MARKER.match(key[len(MARKERS) :])
            if match:  # anything else under done/ is not ours to read
                sha, width, height, widths = match.groups()
                photo = PublishedPhoto(
                    width=int(width), height=int(height), widths=tuple(int(w) for w in widths.split("-"))
                )
                found[sha] = (key, photo)
        return found

    def delete(self, keys: Iterable[str]) -> None:
        for batch in _batches(list(keys)):
            response = self.s3.delete_objects(
                Bucket=self.name, Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True}
            )
            if response.get("Errors"):
                first = response["Errors"][0]
                raise OSError(f"could not delete s3://{self.name}/{first.get('Key')}: {first.get('Message')}")

    def _keys(self, prefix: str) -> Iterator[str]:
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.name, Prefix=prefix):
            for item in page.get("Contents", []):
                yield str(item["Key"])
