"""`mkdocs build --strict` of the real content: every vehicle has a page, none is in the nav or search index,
nothing is fetched from another host, and the originals are not published."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

from carjunction.catalogue import Status, load_catalogue
from tests.support.fixture_site import FIXTURE_CONTENT
from tests.support.site_build import ROOT, build_site, config_for

CONTENT = ROOT / "content"
# Hosts that may be named without being fetched: the site itself, and identifiers in XML namespaces / JSON-LD.
ALLOWED_HOSTS = {"www.carjunction.com", "schema.org", "www.w3.org", "www.sitemaps.org"}
URL = re.compile(r"""(?:https?:)?//([a-z0-9.-]+\.[a-z]{2,})""", re.IGNORECASE)


def published_vehicles() -> list[str]:
    return [v.stock_no for v in load_catalogue(CONTENT).vehicles if v.status != Status.WITHDRAWN]


def test_every_published_vehicle_has_a_page_with_its_stock_number(real_site: Path) -> None:
    # Given the sample stock
    stock_nos = published_vehicles()
    assert len(stock_nos) > 20
    # When built, then each vehicle's page names it in the title and the JSON-LD offer
    for stock_no in stock_nos:
        html = (real_site / "vehicles" / stock_no / "index.html").read_text(encoding="utf-8")
        assert f"({stock_no})" in html.split("</title>")[0]
        assert '"@type": "Car"' in html or '"@type":"Car"' in html
        assert '<meta name="description" content="' in html


def test_no_vehicle_page_is_in_the_nav_or_the_search_index(real_site: Path) -> None:
    # Given the built site
    index = json.loads((real_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = [doc["location"] for doc in index["docs"]]
    home = (real_site / "index.html").read_text(encoding="utf-8")
    nav = home.split('data-md-type="navigation"')[1].split("</nav>")[0]
    # Then
    assert locations, "the search index is empty"
    assert not [loc for loc in locations if loc.startswith("vehicles/") or re.match(r"stock/[a-z]", loc)]
    assert "vehicles/" not in nav


def test_no_page_references_a_third_party_host(real_site: Path) -> None:
    # Given every HTML, CSS, JS, XML and JSON file we publish (Material's own bundle is checked in the browser)
    own = [
        p
        for p in real_site.rglob("*")
        if p.suffix in {".html", ".css", ".js", ".json", ".xml"}
        and "assets/javascripts" not in p.as_posix()
        and "assets/stylesheets" not in p.as_posix()
    ]
    # When every absolute URL in them is collected
    hosts = {m.group(1).lower() for p in own for m in URL.finditer(p.read_text(encoding="utf-8", errors="replace"))}
    # Then each is the site itself or a bare identifier
    assert hosts - ALLOWED_HOSTS == set()
    assert "fonts.googleapis.com" not in (real_site / "index.html").read_text(encoding="utf-8")


def test_originals_and_vehicle_yaml_are_not_published(real_site: Path) -> None:
    # Then a vehicle's folder holds its page only, photos are WebP variants named by content, and no YAML is published
    assert not list(real_site.rglob("*.yaml"))
    assert {p.name for p in (real_site / "vehicles").glob("*/*")} == {"index.html"}
    photos = [p.relative_to(real_site).as_posix() for p in (real_site / "photos").rglob("*") if p.is_file()]
    assert photos
    assert all(re.fullmatch(r"photos/[0-9a-f]{20}/\d+\.webp", name) for name in photos)


def test_the_published_stock_index_holds_every_listed_vehicle(real_site: Path) -> None:
    index = json.loads((real_site / "stock" / "stock.json").read_bytes())
    listed = [v.stock_no for v in load_catalogue(CONTENT).vehicles if v.status == Status.AVAILABLE]
    assert index["no"] == listed
    assert all(len(index[column]) == len(listed) for column in ("md", "yr", "km", "usd", "f", "b"))


def test_staff_text_is_escaped_and_the_sitemap_lists_vehicle_pages(real_site: Path) -> None:
    sitemap = (real_site / "sitemap-en.xml").read_text(encoding="utf-8")
    first = published_vehicles()[0]
    assert f"https://www.carjunction.com/vehicles/{first}/" in sitemap
    assert urlparse("https://www.carjunction.com/stock/").path in sitemap
    assert (real_site / "404.html").is_file()
    assert (real_site / "feed.xml").read_text(encoding="utf-8").count("<entry>") >= 10


def test_every_page_has_the_company_footer(real_site: Path) -> None:
    pages = [real_site / "index.html", real_site / "stock/index.html", real_site / "policy/privacy/index.html"]
    pages.append(real_site / "vehicles" / published_vehicles()[0] / "index.html")
    for page in pages:
        html = page.read_text(encoding="utf-8")
        footer = html.split('class="md-footer cj-footer"')[1]
        assert "info@carjunction.com" in footer and "351-0035" in footer
        assert "Privacy policy</a>" in footer and "Contact us</a>" in footer


def test_staff_typed_text_is_escaped_on_vehicle_pages(tmp_path: Path) -> None:
    # Given a site of the fixture catalogue, whose FX003 notes contain HTML
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    (content / "index.md").write_text("# Test shop\n", encoding="utf-8")
    config = config_for(content, tmp_path)
    # When built
    build_site(tmp_path / "site", config)
    # Then the markup typed by staff shows as text
    html = (tmp_path / "site/vehicles/FX003/index.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;Like new&lt;/b&gt; &amp; clean" in html
    assert "<b>Like new" not in html


def test_a_vehicle_page_own_html_css_and_js_weigh_at_most_20_kb_compressed(real_site: Path) -> None:
    # Given a vehicle page with the most photos, every stylesheet and script it names but Material's own
    # (its cached bundle is counted in the 80 KB first view instead), and the data its calculator fetches
    stock_no = max(published_vehicles(), key=lambda no: len(list((real_site / "vehicles" / no).glob("*.webp"))))
    page = real_site / "vehicles" / stock_no / "index.html"
    named = re.findall(r'<(?:script[^>]*\ssrc|link rel="stylesheet" href)="\.\./\.\./([^"]+)"', page.read_text())
    theme = ("assets/javascripts/", "assets/stylesheets/")
    own = [page, real_site / "assets/data/shipping.json"]
    own += [real_site / path for path in named if not path.startswith(theme)]
    assert {"site.css", "vehicle.js", "theme-base.js"} <= {p.name for p in own}
    # When each is compressed as the CDN sends it
    weight = sum(len(gzip.compress(p.read_bytes(), 9)) for p in own)
    # Then together they stay within the budget
    assert weight <= 20 * 1024, f"{weight} bytes"


def test_no_page_has_a_link_that_makes_the_theme_fetch_the_sitemap(real_site: Path) -> None:
    # Material's script downloads sitemap.xml for every <link rel="alternate">; with the full stock it is large
    for page in (real_site / "index.html", real_site / "vehicles" / published_vehicles()[0] / "index.html"):
        assert 'rel="alternate"' not in page.read_text(encoding="utf-8")


def test_every_script_but_the_two_early_theme_files_is_deferred(real_site: Path) -> None:
    # Given every page's external scripts
    pages = [real_site / "index.html", real_site / "stock" / "index.html", real_site / "404.html"]
    pages += [real_site / "vehicles" / published_vehicles()[0] / "index.html", real_site / "contact" / "index.html"]
    early = {"theme-base.js", "theme-palette.js"}  # they must run while the page is parsed (palette before paint)
    for page in pages:
        tags = re.findall(r"<script\b[^>]*\bsrc=[^>]*>", page.read_text(encoding="utf-8"))
        # Then only the early theme files block the parser; Material's bundle and ours wait for the parse
        blocking = {re.sub(r".*/", "", re.search(r'src="([^"]+)"', t).group(1)) for t in tags if " defer" not in t}  # type: ignore[union-attr]
        assert blocking == early, page
        assert any("bundle." in t and " defer" in t for t in tags), page
