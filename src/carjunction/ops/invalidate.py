"""Invalidate in CloudFront only the paths a deploy changed."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

# Each path beyond the first 1,000 a month is billed, and CloudFront allows 3,000 paths in progress
# per distribution; past this many, one wildcard is cheaper and well within the limits.
MAX_PATHS = 200


def edge_paths(key: str) -> list[str]:
    """The URLs a buyer may have fetched an object under: a folder's index.html is also served as the folder."""
    path = "/" + quote(key, safe="/~-._")
    if key == "index.html":
        return ["/", path]
    if key.endswith("/index.html"):
        return [path[: -len("index.html")], path]
    return [path]


def paths_to_invalidate(changed_keys: Iterable[str], max_paths: int = MAX_PATHS) -> list[str]:
    paths = sorted({path for key in changed_keys for path in edge_paths(key)})
    if len(paths) > max_paths:
        return ["/*"]
    return paths


def invalidate_paths(
    cloudfront_client: Any, distribution_id: str, changed_keys: Iterable[str], *, max_paths: int = MAX_PATHS
) -> tuple[str | None, list[str]]:
    """Create one invalidation for the changed keys; returns its id (None when nothing changed) and the paths."""
    paths = paths_to_invalidate(changed_keys, max_paths)
    if not paths:
        return None, []
    # CloudFront needs a reference unique to each request.
    reference = hashlib.sha256("\n".join(paths).encode()).hexdigest()[:16] + f"-{time.time_ns()}"
    response = cloudfront_client.create_invalidation(
        DistributionId=distribution_id,
        InvalidationBatch={"Paths": {"Quantity": len(paths), "Items": paths}, "CallerReference": reference},
    )
    return str(response["Invalidation"]["Id"]), paths
