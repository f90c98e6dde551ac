"""Per-client rate limits: the client is known only by a keyed hash of its address."""

from __future__ import annotations

from carjunction.api.cookie import keyed_hash
from carjunction.api.deps import Deps
from carjunction.api.errors import RateLimited
from carjunction.api.store import rate_limits

HOUR = 3600


def limit_rate(deps: Deps, bucket: str, client_address: str, per_hour: int) -> None:
    client_hash = keyed_hash(deps.secret(), "client", client_address)[:32]
    now = int(deps.clock().timestamp())
    if not rate_limits.take(deps.db, bucket, client_hash, limit=per_hour, window_seconds=HOUR, now=now):
        raise RateLimited("Too many requests from this address; try again later.")
