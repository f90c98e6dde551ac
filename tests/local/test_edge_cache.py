"""The edge keeps the public reads as template.yaml's cache policies say: a flood of GET /api/stock/status through
the local edge reaches the function once per cache lifetime (its max-age), keyed by nothing a client can vary;
a quote is keyed by stock_no, port and incoterm only. CloudFront's TTL rule is checked on its own."""

from __future__ import annotations

import threading
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest

from carjunction.api.routes import build_app
from carjunction.api.routes.common import dispatch
from carjunction.api.tables import load_template
from carjunction.local.edge_cache import EdgeCache, cache_key, lifetime, origin_query
from carjunction.local.edge_policy import CachePolicy, cache_policy, edge_policy
from carjunction.local.server import LocalContext, make_server
from tests.support.api import Api, make_api

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = load_template(ROOT / "template.yaml")
EDGE = edge_policy(TEMPLATE)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CountingFunction:
    """The real inquiry function (it owns the stock status route), counting the events that reach it."""

    def __init__(self, api: Api) -> None:
        self.app = build_app("inquiry", api.deps)
        self.events: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        with self.lock:
            self.events.append(event)
            return dispatch(self.app, event, LocalContext())


@pytest.fixture
def edge(aws: None, tmp_path: Path) -> Iterator[tuple[str, CountingFunction, Clock]]:
    function, clock = CountingFunction(make_api(tmp_path)), Clock()
    server = make_server(tmp_path, function, port=0, edge=EDGE, log=lambda line: None, cache=EdgeCache(clock))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", function, clock
    server.shutdown()
    server.server_close()


def get(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback only
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
        return response.status, dict(response.headers), response.read()


def test_a_flood_of_stock_status_reaches_the_function_once_per_max_age(
    edge: tuple[str, CountingFunction, Clock],
) -> None:
    base, function, clock = edge
    # Given the route's own max-age, within the cache policy's MaxTTL
    first = get(f"{base}/api/stock/status", {})
    assert first[0] == HTTPStatus.OK
    max_age = int(first[1]["Cache-Control"].split("max-age=")[1])
    assert 0 < max_age <= EDGE.for_path("/api/stock/status").cache.max_ttl  # type: ignore[union-attr]

    # When 300 requests arrive at once, each with its own cookie, query string and headers
    def one(index: int) -> tuple[int, bytes]:
        status, _, body = get(
            f"{base}/api/stock/status?bust={index}",
            {"Cookie": f"member=m{index}", "Accept-Encoding": "identity", "X-Client": str(index)},
        )
        return status, body

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(one, range(300)))
    # Then all got the same answer, and the function saw one request in all (the first), with no cookie
    assert {status for status, _ in answers} == {HTTPStatus.OK}
    assert {body for _, body in answers} == {first[2]}
    assert len(function.events) == 1
    assert "cookies" not in function.events[0] and function.events[0]["rawQueryString"] == ""
    # When the lifetime has passed, the next request reaches it once more, and then the cache again
    clock.now += max_age - 1
    get(f"{base}/api/stock/status", {})
    assert len(function.events) == 1
    clock.now += 1
    for _ in range(20):
        get(f"{base}/api/stock/status", {})
    assert len(function.events) == 2


def test_a_kept_answer_says_its_age(edge: tuple[str, CountingFunction, Clock]) -> None:
    base, _, clock = edge
    get(f"{base}/api/stock/status", {})
    clock.now += 7
    assert get(f"{base}/api/stock/status", {})[1]["Age"] == "7"


def test_a_quote_is_keyed_by_stock_port_and_incoterm_only() -> None:
    policy = EDGE.for_path("/api/quote").cache
    assert policy is not None
    # The same three values, with other query strings around them: one key, and the origin is asked those only
    a = cache_key(policy, "/api/quote", "stock_no=CJ1&port=KEMBA&utm=x&incoterm=CIF")
    b = cache_key(policy, "/api/quote", "stock_no=CJ1&port=KEMBA&incoterm=CIF&_=123")
    assert a == b
    assert origin_query(a) == "stock_no=CJ1&port=KEMBA&incoterm=CIF"
    # Another port or term: another key
    assert cache_key(policy, "/api/quote", "stock_no=CJ1&port=TZDAR&incoterm=CIF") != a
    assert cache_key(policy, "/api/quote", "stock_no=CJ1&port=KEMBA&incoterm=CFR") != a


def test_the_rest_of_the_api_is_never_kept() -> None:
    for path in ("/api/me", "/api/orders", "/api/invoices/ABC", "/api/inquiries"):
        assert EDGE.for_path(path).cache is None


POLICY = CachePolicy(min_ttl=0, default_ttl=0, max_ttl=300)


@pytest.mark.parametrize(
    ("cache_control", "seconds"),
    [
        ("public, max-age=15", 15),
        ("public, max-age=60, s-maxage=5", 5),
        ("max-age=86400", 300),
        ("no-store", 0),
        ("private, max-age=60", 0),
        ("no-cache, max-age=60", 0),
        (None, 0),
        ("max-age=soon", 0),
    ],
)
def test_the_lifetime_is_cloudfront_s(cache_control: str | None, seconds: int) -> None:
    assert lifetime(POLICY, cache_control) == seconds


def test_the_template_s_cache_policies_are_what_the_local_edge_reads() -> None:
    status = cache_policy(TEMPLATE["Resources"]["StockStatusCachePolicy"])
    quote = cache_policy(TEMPLATE["Resources"]["QuoteCachePolicy"])
    assert (status.min_ttl, status.default_ttl, status.query_strings) == (0, 0, ())
    assert (quote.min_ttl, quote.default_ttl) == (0, 0)
    assert set(quote.query_strings) == {"stock_no", "port", "incoterm"}
