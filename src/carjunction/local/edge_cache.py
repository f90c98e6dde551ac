"""CloudFront's cache for the behaviours whose cache policy keeps answers (template.yaml's StockStatusCachePolicy
and QuoteCachePolicy), done locally and kept small: a GET's 200 is kept for the time CloudFront would keep it, under
the key the policy names, and a flood of requests for one key reaches the origin once per lifetime.

CloudFront's rule, with the policy's MinTTL of 0: no-store, no-cache or private keep nothing; s-maxage, else
max-age, is the lifetime, held between MinTTL and MaxTTL; an answer without either is kept for DefaultTTL."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import parse_qsl, urlencode

from carjunction.local.edge_policy import CachePolicy
from carjunction.local.edge_response import header
from carjunction.local.http_event import LocalResponse

MAX_ENTRIES = 512
CacheKey = tuple[str, tuple[tuple[str, str], ...]]


def cache_key(policy: CachePolicy, path: str, raw_query: str) -> CacheKey:
    """The path and the policy's query strings, in the order sent; nothing else (no cookie, no header)."""
    pairs = parse_qsl(raw_query, keep_blank_values=True)
    kept = tuple((name, value) for name, value in pairs if name in policy.query_strings)
    return path, kept


def origin_query(key: CacheKey) -> str:
    """What the origin is sent: the key's query strings only (no origin request policy adds others)."""
    return urlencode(key[1])


def lifetime(policy: CachePolicy, cache_control: str | None) -> float:
    """Seconds CloudFront keeps an answer with this Cache-Control (0: not kept)."""
    directives: dict[str, str] = {}
    for item in (cache_control or "").split(","):
        name, _, value = item.strip().partition("=")
        if name:
            directives[name.lower()] = value.strip('"')
    if policy.min_ttl == 0 and {"no-store", "no-cache", "private"} & directives.keys():
        return 0
    for name in ("s-maxage", "max-age"):
        if name in directives:
            try:
                seconds = int(directives[name])
            except ValueError:
                return 0
            return max(policy.min_ttl, min(seconds, policy.max_ttl))
    return policy.default_ttl


@dataclass
class _Entry:
    response: LocalResponse
    stored: float
    expires: float


class EdgeCache:
    """Kept answers, the oldest dropped past ``max_entries``. A miss holds the key's lock while the origin answers,
    so concurrent requests for it wait for that one answer (CloudFront collapses them the same way)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, max_entries: int = MAX_ENTRIES) -> None:
        self._clock = clock
        self._max = max_entries
        self._entries: OrderedDict[CacheKey, _Entry] = OrderedDict()
        self._locks: dict[CacheKey, threading.Lock] = {}
        self._guard = threading.Lock()

    def _fresh(self, key: CacheKey) -> LocalResponse | None:
        with self._guard:
            entry = self._entries.get(key)
            if entry is None or entry.expires <= self._clock():
                return None
            age = int(self._clock() - entry.stored)
            kept = [(k, v) for k, v in entry.response.headers if k.lower() != "age"]
            return LocalResponse(entry.response.status, [*kept, ("Age", str(age))], entry.response.body)

    def peek(self, key: CacheKey) -> LocalResponse | None:
        """The kept answer for ``key``, if it is still fresh."""
        return self._fresh(key)

    def fetch(self, policy: CachePolicy, key: CacheKey, origin: Callable[[], LocalResponse]) -> LocalResponse:
        """The kept answer for ``key``, or the origin's, kept if CloudFront would keep it."""
        hit = self._fresh(key)
        if hit is not None:
            return hit
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            hit = self._fresh(key)  # another request filled it while this one waited
            if hit is not None:
                return hit
            response = origin()
            seconds = lifetime(policy, header(response.headers, "Cache-Control"))
            if response.status == HTTPStatus.OK and seconds > 0:
                now = self._clock()
                with self._guard:
                    self._entries[key] = _Entry(response, now, now + seconds)
                    self._entries.move_to_end(key)
                    while len(self._entries) > self._max:
                        dropped, _ = self._entries.popitem(last=False)
                        self._locks.pop(dropped, None)
            return response
