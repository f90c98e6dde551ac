"""Upload the built site to its S3 bucket: only what changed, with the right type and cache headers.

Unchanged files are recognised by comparing the local MD5 with the object's ETag. That holds because
every object is written with a single PutObject and the bucket uses SSE-S3 (AES256) encryption; a
multipart or SSE-KMS object has a different ETag and is simply uploaded again, which is safe.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carjunction.photos.bucket import VARIANT as PHOTO_VARIANT  # named by content: kept for good

# mimetypes depends on the host's /etc/mime.types; these must never vary between machines.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".pdf": "application/pdf",
    ".gz": "application/gzip",
}

# Material names its bundles assets/javascripts/bundle.<hash>.min.js and the like; a photo variant
# whose name carries a content hash (01-480.<hash>.webp) is just as safe to keep forever.
FINGERPRINTED = re.compile(r"\.[0-9a-f]{8,64}(\.min)?(\.[A-Za-z0-9]+)+$")  # also their .map files

IMMUTABLE = "public, max-age=31536000, immutable"
# Pages, the stock index and feeds: the edge copy is invalidated on every deploy, so this only bounds
# how old a browser's own copy can be. Five minutes saves slow mobile networks a round trip per page,
# and is harmless: availability comes live from /api/stock/status and the API re-quotes every order.
SHORT = "public, max-age=300"
# Anything else without a hash in its name (photos, icons): a day in the browser.
DAY = "public, max-age=86400"
SHORT_SUFFIXES = {".html", ".json", ".xml", ".rss", ".atom", ".webmanifest", ".txt", ".csv"}


class SyncError(Exception):
    """The bucket cannot be synced; the message says why. Nothing was deleted unless said so."""


@dataclass(frozen=True)
class SyncResult:
    uploaded: tuple[str, ...]
    deleted: tuple[str, ...]
    unchanged: int

    @property
    def changed_keys(self) -> tuple[str, ...]:
        """Every key whose content at the edge is now out of date: what to invalidate."""
        return self.uploaded + self.deleted


def content_type(key: str) -> str:
    suffix = Path(key).suffix.lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(key)
    return guessed or "application/octet-stream"


def cache_control(key: str) -> str:
    name = key.rsplit("/", 1)[-1]
    if FINGERPRINTED.search(name) or PHOTO_VARIANT.match(key):
        return IMMUTABLE
    if Path(name).suffix.lower() in SHORT_SUFFIXES:
        return SHORT
    return DAY


def local_files(site_dir: Path) -> dict[str, Path]:
    """Object key → file, for every file under ``site_dir`` (keys use '/' whatever the OS)."""
    return {path.relative_to(site_dir).as_posix(): path for path in sorted(site_dir.rglob("*")) if path.is_file()}


def remote_etags(s3_client: Any, bucket: str, prefix: str = "") -> dict[str, str]:
    etags: dict[str, str] = {}
    for page in s3_client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            etags[item["Key"]] = str(item["ETag"]).strip('"')
    return etags


def md5_of(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _batches(keys: list[str], size: int = 1000) -> Iterator[list[str]]:
    # DeleteObjects takes at most 1,000 keys a call.
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


def sync_site(
    s3_client: Any, bucket: str, site_dir: Path, *, delete: bool = True, workers: int = 10, keep: tuple[str, ...] = ()
) -> SyncResult:
    """Make the bucket hold exactly ``site_dir``: upload new and changed files, delete the rest.

    Keys starting with a prefix in ``keep`` are never deleted: another step owns them (photos/, carjunction.photos).
    """
    if not (site_dir / "index.html").is_file():
        raise SyncError(f"{site_dir}/index.html is missing: build the site before syncing it")
    files = local_files(site_dir)
    remote = remote_etags(s3_client, bucket)
    uploaded = [key for key, path in files.items() if remote.get(key) != md5_of(path)]

    def upload(key: str) -> None:
        s3_client.put_object(
            Bucket=bucket,
            Key=key,
            Body=files[key].read_bytes(),
            ContentType=content_type(key),
            CacheControl=cache_control(key),
        )

    # A first deploy of a large stock is tens of thousands of small PUTs: overlap their round trips.
    # boto3 clients are thread-safe, and keep 10 connections by default; list() re-raises the first failure.
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(upload, uploaded))
    stale = sorted(key for key in set(remote) - set(files) if not key.startswith(keep)) if delete else []
    for batch in _batches(stale):
        response = s3_client.delete_objects(
            Bucket=bucket, Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True}
        )
        if response.get("Errors"):
            first = response["Errors"][0]
            raise SyncError(f"could not delete {first.get('Key')}: {first.get('Message')}")
    return SyncResult(uploaded=tuple(uploaded), deleted=tuple(stale), unchanged=len(files) - len(uploaded))
