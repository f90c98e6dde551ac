"""The shop front's promises a buyer cannot see but pays for (DESIGN.md §5, §6 "Buyer's page"), measured in
Chromium through the local stack, which compresses as the CDN does:

- a vehicle page's first view, without its photos, is at most 80 KB compressed, and of that the page's own
  HTML, CSS and JS are at most 20 KB, beside the theme's shared bundle, which gets nothing added to it;
- a signed-in buyer walking the shop front holds one cookie, `member`, that no page can read, and no page asks
  another host for anything.

The weights measured are written to test-artifacts/budgets/vehicle-first-view.json for the issue's note."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import material
import pytest

from carjunction.catalogue import Status, load_catalogue
from tests.support.browser import Visitor, sign_up, unique_email
from tests.support.site_build import ROOT

pytestmark = pytest.mark.browser

PHONE = {"width": 412, "height": 915}
KB = 1024
# Material's shared bundle, as the theme ships it: cached across pages, and not ours to grow.
THEME_ASSETS = Path(material.__file__).parent / "templates"
THEME_BUNDLE = re.compile(
    r"^/assets/(javascripts/bundle\.[0-9a-f]+\.min\.js|stylesheets/(main|palette)\.[0-9a-f]+\.min\.css)$"
)
EDGE_COMPRESSES_FROM = 1000  # bytes: CloudFront sends smaller files as they are (the two tiny theme scripts)
PHOTO = re.compile(r"\.(webp|jpe?g|png|avif)$")
ARTIFACTS = ROOT / "test-artifacts" / "budgets"


def first_view(visitor: Visitor, path: str) -> list[dict[str, Any]]:
    """Every response a phone with an empty cache takes to open ``path``: its path, type and compressed size."""
    finished: list[Any] = []
    page = visitor.context.new_page()
    page.set_viewport_size(PHONE)
    page.on("requestfinished", lambda request: finished.append(request))  # noqa: PLW0108 - a bound method breaks Playwright
    page.goto(visitor.origin + path)
    page.wait_for_load_state("networkidle")
    measured = [
        {
            "path": urlparse(request.url).path,
            "type": request.resource_type,
            "bytes": request.sizes()["responseBodySize"],  # as sent: gzipped where the edge gzips
            "gzip": (request.response().headers.get("content-encoding") == "gzip"),
        }
        for request in finished
    ]
    page.close()  # after reading the sizes: a closed page's requests answer nothing
    return measured


def test_a_vehicle_pages_first_view_is_at_most_80_kb_and_its_own_files_at_most_20_kb(visitor_factory: Any) -> None:
    # Given the listed car with the most photos, opened on a phone with an empty cache
    catalogue = load_catalogue(ROOT / "content")
    car = max((v for v in catalogue.vehicles if v.status == Status.AVAILABLE), key=lambda v: len(v.photos))
    visitor: Visitor = visitor_factory()
    loaded = first_view(visitor, f"/vehicles/{car.stock_no}/")
    # When what it took is sorted into photos, the theme's shared bundle, and the page's own HTML, CSS and JS
    photos = [r for r in loaded if PHOTO.search(r["path"])]
    rest = [r for r in loaded if r not in photos]
    theme = [r for r in rest if THEME_BUNDLE.match(r["path"])]
    own = [r for r in rest if r not in theme and r["type"] in ("document", "stylesheet", "script")]
    weight = {
        "vehicle": car.stock_no,
        "first_view_without_photos": sum(r["bytes"] for r in rest),
        "own_html_css_js": sum(r["bytes"] for r in own),
        "theme_bundle": sum(r["bytes"] for r in theme),
        "photos": sum(r["bytes"] for r in photos),
        "responses": loaded,
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "vehicle-first-view.json").write_text(json.dumps(weight, indent=2), encoding="utf-8")
    # Then the page, its stylesheet and its script were all counted, compressed as the edge sends them
    kinds = {r["type"] for r in own}
    assert {"document", "stylesheet", "script"} <= kinds, loaded
    assert all(r["gzip"] or r["bytes"] < EDGE_COMPRESSES_FROM for r in own + theme), loaded
    assert {r["path"].rsplit("/", 1)[1].split(".")[0] for r in theme} == {"bundle", "main", "palette"}, loaded
    # And everything but the photos fits 80 KB, of which the page's own HTML, CSS and JS fit 20 KB
    assert weight["first_view_without_photos"] <= 80 * KB, weight
    assert weight["own_html_css_js"] <= 20 * KB, weight
    # And the theme's bundle is Material's own, byte for byte: nothing of ours rides in it
    for response in theme:
        served = visitor.context.request.get(visitor.origin + response["path"]).body()
        assert served == (THEME_ASSETS / response["path"].lstrip("/")).read_bytes(), response["path"]


SHOP_FRONT = (
    "/",
    "/stock/",
    "/vehicles/{car}/",
    "/order/?stock_no={car}",
    "/invoices/check/",
    "/how-to-buy/",
    "/about/",
)


def test_a_signed_in_buyer_holds_only_the_member_cookie_and_no_page_asks_another_host(visitor_factory: Any) -> None:
    # Given a buyer who has become a member on this device (the one moment a cookie is set)
    visitor: Visitor = visitor_factory()
    sign_up(visitor, unique_email())
    car = next(v.stock_no for v in load_catalogue(ROOT / "content").vehicles if v.status == Status.AVAILABLE)
    before = len(visitor.requests)
    # When they walk the shop front on a phone
    for path in SHOP_FRONT:
        page = visitor.context.new_page()
        page.set_viewport_size(PHONE)
        page.goto(visitor.origin + path.format(car=car))
        page.wait_for_load_state("networkidle")
        # Then no page can read a cookie
        assert page.evaluate("document.cookie") == "", path
        page.close()
    # And the only cookie they hold is "member", sent to the API alone and hidden from scripts
    cookies = visitor.context.cookies()
    assert [(c["name"], c["path"], c["httpOnly"], c["sameSite"]) for c in cookies] == [("member", "/api", True, "Lax")]
    # And every request the pages made went to our own origin
    walked = visitor.requests[before:]
    assert len(walked) > len(SHOP_FRONT)
    assert [url for _, url, _ in walked if not url.startswith(visitor.origin + "/")] == []
