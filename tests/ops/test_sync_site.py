"""sync_site against moto's S3: changed files only, right headers, removed files deleted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from carjunction.ops.sync_site import IMMUTABLE, SHORT, SyncError, cache_control, content_type, sync_site
from tests.support.aws_ops import client, new_bucket

pytestmark = pytest.mark.usefixtures("aws")

BUNDLE = "assets/javascripts/bundle.f55a23d4.min.js"
MAIN_CSS = "assets/stylesheets/main.8608ea7d.min.css"


def build_site(root: Path, files: dict[str, str]) -> Path:
    for key, text in files.items():
        (root / key).parent.mkdir(parents=True, exist_ok=True)
        (root / key).write_text(text, encoding="utf-8")
    return root


def a_site(tmp_path: Path) -> Path:
    return build_site(
        tmp_path / "site",
        {
            "index.html": "<h1>Stock</h1>",
            "vehicles/CJ1/index.html": "<h1>CJ1</h1>",
            "stock.json": "[]",
            "feed.xml": "<rss/>",
            "site.webmanifest": "{}",
            BUNDLE: "console.log(1)",
            MAIN_CSS: "body{}",
            "vehicles/CJ1/01-480.webp": "RIFF",
            "fonts/inter.woff2": "wOF2",
        },
    )


def head(s3: Any, bucket: str, key: str) -> dict[str, Any]:
    response: dict[str, Any] = s3.head_object(Bucket=bucket, Key=key)
    return response


def test_first_sync_uploads_everything_with_types_and_cache_headers(tmp_path: Path) -> None:
    # Given a built site and an empty bucket
    site, s3 = a_site(tmp_path), client("s3")
    bucket = new_bucket(s3)
    # When synced
    result = sync_site(s3, bucket, site)
    # Then every file is uploaded with its content type and cache policy
    assert len(result.uploaded) == 9
    assert result.deleted == ()
    page = head(s3, bucket, "vehicles/CJ1/index.html")
    assert page["ContentType"] == "text/html; charset=utf-8"
    assert page["CacheControl"] == SHORT
    bundle = head(s3, bucket, BUNDLE)
    assert bundle["ContentType"] == "text/javascript; charset=utf-8"
    assert bundle["CacheControl"] == IMMUTABLE
    assert head(s3, bucket, MAIN_CSS)["CacheControl"] == IMMUTABLE
    assert head(s3, bucket, "stock.json")["ContentType"] == "application/json"
    assert head(s3, bucket, "site.webmanifest")["ContentType"] == "application/manifest+json"
    assert head(s3, bucket, "vehicles/CJ1/01-480.webp")["ContentType"] == "image/webp"
    assert head(s3, bucket, "fonts/inter.woff2")["ContentType"] == "font/woff2"


def test_second_sync_uploads_only_what_changed_and_deletes_removed_files(tmp_path: Path) -> None:
    # Given a synced site
    site, s3 = a_site(tmp_path), client("s3")
    bucket = new_bucket(s3)
    sync_site(s3, bucket, site)
    # When one page changes, one is removed and one is added
    (site / "index.html").write_text("<h1>Stock, updated</h1>", encoding="utf-8")
    (site / "feed.xml").unlink()
    build_site(site, {"vehicles/CJ2/index.html": "<h1>CJ2</h1>"})
    result = sync_site(s3, bucket, site)
    # Then only those are touched
    assert sorted(result.uploaded) == ["index.html", "vehicles/CJ2/index.html"]
    assert result.deleted == ("feed.xml",)
    assert result.unchanged == 7
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert "feed.xml" not in keys
    body = s3.get_object(Bucket=bucket, Key="index.html")["Body"].read()
    assert body == b"<h1>Stock, updated</h1>"


def test_unchanged_site_syncs_nothing(tmp_path: Path) -> None:
    site, s3 = a_site(tmp_path), client("s3")
    bucket = new_bucket(s3)
    sync_site(s3, bucket, site)
    result = sync_site(s3, bucket, site)
    assert result.changed_keys == ()
    assert result.unchanged == 9


def test_an_unbuilt_site_is_refused_before_anything_is_deleted(tmp_path: Path) -> None:
    # Given a synced bucket and an empty site folder (the build did not run)
    site, s3 = a_site(tmp_path), client("s3")
    bucket = new_bucket(s3)
    sync_site(s3, bucket, site)
    empty = tmp_path / "empty"
    empty.mkdir()
    # When synced, Then it refuses and the bucket keeps its files
    with pytest.raises(SyncError, match="build the site"):
        sync_site(s3, bucket, empty)
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 9


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("assets/javascripts/workers/search.973d3a69.min.js", IMMUTABLE),
        ("assets/stylesheets/palette.06af60db.min.css", IMMUTABLE),
        ("assets/javascripts/bundle.a5f9d56c.min.js.map", IMMUTABLE),
        ("vehicles/CJ1/01-960.3fa9c2d1e0.webp", IMMUTABLE),
        ("photos/0a960841fb8e20e46736/640.webp", IMMUTABLE),
        ("assets/javascripts/calculator.js", "public, max-age=86400"),
        ("vehicles/CJ1/01.jpg", "public, max-age=86400"),
        ("404.html", SHORT),
        ("sitemap.xml", SHORT),
        ("robots.txt", SHORT),
    ],
)
def test_cache_policy_by_name(key: str, expected: str) -> None:
    assert cache_control(key) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [("a.svg", "image/svg+xml"), ("favicon.ico", "image/x-icon"), ("robots.txt", "text/plain; charset=utf-8")],
)
def test_content_types_do_not_depend_on_the_host(key: str, expected: str) -> None:
    assert content_type(key) == expected
