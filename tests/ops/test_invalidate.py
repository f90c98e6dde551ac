"""invalidate_paths against moto's CloudFront: only changed paths, folders as well as their index.html."""

from __future__ import annotations

import pytest

from carjunction.ops.invalidate import edge_paths, invalidate_paths, paths_to_invalidate
from tests.support.aws_ops import client, invalidated, new_bucket, new_distribution


@pytest.mark.usefixtures("aws")
def test_changed_pages_are_invalidated_as_folder_and_file() -> None:
    # Given a distribution
    cloudfront = client("cloudfront")
    distribution = new_distribution(cloudfront, new_bucket(client("s3")))
    # When two pages and an asset changed
    invalidation, paths = invalidate_paths(
        cloudfront, distribution, ["index.html", "vehicles/CJ1/index.html", "stock.json"]
    )
    # Then one invalidation holds exactly their URLs
    assert invalidation is not None
    expected = ["/", "/index.html", "/stock.json", "/vehicles/CJ1/", "/vehicles/CJ1/index.html"]
    assert paths == expected
    assert invalidated(cloudfront, distribution) == [expected]


@pytest.mark.usefixtures("aws")
def test_nothing_changed_means_no_invalidation() -> None:
    cloudfront = client("cloudfront")
    distribution = new_distribution(cloudfront, new_bucket(client("s3")))
    assert invalidate_paths(cloudfront, distribution, []) == (None, [])
    assert invalidated(cloudfront, distribution) == []


def test_many_changes_collapse_to_one_wildcard() -> None:
    keys = [f"vehicles/CJ{n}/index.html" for n in range(60)]
    assert paths_to_invalidate(keys, max_paths=100) == ["/*"]
    assert len(paths_to_invalidate(keys[:50], max_paths=100)) == 100


def test_unusual_characters_are_percent_encoded() -> None:
    assert edge_paths("docs/price list.pdf") == ["/docs/price%20list.pdf"]
