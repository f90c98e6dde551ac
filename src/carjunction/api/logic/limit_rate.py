"""Rate limits. A client is known only by a keyed hash of its network, a mail's destination by a keyed hash of it."""

from __future__ import annotations

import ipaddress

from carjunction.api.cookie import keyed_hash
from carjunction.api.deps import Deps
from carjunction.api.errors import RateLimited
from carjunction.api.store import rate_limits

HOUR = 3600
# One IPv6 subscriber gets a /64 at least: counting by /128 would give one visitor 2^64 addresses.
IPV6_PREFIX = 64


def client_network(address: str) -> str:
    """What one visitor is counted as: an IPv4 address, the /64 of an IPv6 one (an IPv4-mapped one as IPv4)."""
    try:
        parsed = ipaddress.ip_address(address.strip().strip("[]").split("%", 1)[0])
    except ValueError:
        return address  # not an address (a test's or a proxy's label): counted as it is
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, IPV6_PREFIX), strict=False))
    return str(parsed)


def _take(deps: Deps, bucket: str, who: str, per_hour: int) -> bool:
    who_hash = keyed_hash(deps.secret(), "client", who)[:32]
    now = int(deps.clock().timestamp())
    return rate_limits.take(deps.db, bucket, who_hash, limit=per_hour, window_seconds=HOUR, now=now)


def limit_rate(deps: Deps, bucket: str, client_address: str, per_hour: int) -> None:
    if not _take(deps, bucket, client_network(client_address), per_hour):
        raise RateLimited("Too many requests from this address; try again later.")


def limit_member(deps: Deps, bucket: str, member_id: str, per_hour: int) -> None:
    if not _take(deps, f"{bucket}-member", member_id, per_hour):
        raise RateLimited("Too many requests from this membership; try again later.")


def limit_mail_to(deps: Deps, email_key: str) -> None:
    """Every link mail counts against its destination, whoever asks for it and from wherever: one address
    cannot be flooded from many networks. The answer is the same for members and strangers."""
    if not _take(deps, "mail-to", email_key, deps.settings.mails_per_address_per_hour):
        raise RateLimited("Too many e-mails to this address; try again later.", {"email": "too many e-mails"})
