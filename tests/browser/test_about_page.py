"""The "About us" page gives the address and the contact hours in Japan time from content/company.yaml, not from
its Markdown: another exporter running this software changes company.yaml, and About us follows."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from typing import Any

import pytest
import yaml

from tests.support.browser import QuietHandler
from tests.support.fixture_site import FIXTURE_CONTENT
from tests.support.site_build import ROOT, build_site, config_for

pytestmark = pytest.mark.browser

# Another exporter's details: nothing here is in the repository's company.yaml or about.md.
ANOTHER_EXPORTER = {
    "name": "Harbour Motors K.K.",
    "address": {
        "lines": ["3-7-21 Minato-mirai"],
        "city": "Yokohama-shi",
        "region": "Kanagawa-ken",
        "postcode": "220-0012",
        "country": "Japan",
    },
    "contact_hours": {"days": ["mon", "tue", "wed", "thu", "fri"], "opens": "08:30", "closes": "17:15"},
}


@pytest.fixture(scope="module")
def another_exporters_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture catalogue with the repository's about.md and another exporter's company.yaml, built and served."""
    work = tmp_path_factory.mktemp("about")
    content = work / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    shutil.copytree(ROOT / "content" / "assets", content / "assets")
    shutil.copy(ROOT / "content" / "about.md", content / "about.md")
    company = yaml.safe_load((ROOT / "content" / "company.yaml").read_text(encoding="utf-8"))
    (content / "company.yaml").write_text(yaml.safe_dump({**company, **ANOTHER_EXPORTER}), encoding="utf-8")
    for linked in ("stock.md", "how-to-buy.md", "invoices.md", "policy/privacy.md"):  # the pages about.md links to
        (content / linked).parent.mkdir(parents=True, exist_ok=True)
        (content / linked).write_text("# A page About us links to\n", encoding="utf-8")
    build_site(work / "site", config_for(content, work))
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(work / "site")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_about_us_shows_the_address_and_japan_time_hours_of_whichever_company_yaml_it_is_built_with(
    browser: Any, another_exporters_site: str
) -> None:
    # Given the About us page's Markdown, which names neither an address nor an hour
    markdown = (ROOT / "content" / "about.md").read_text(encoding="utf-8")
    assert "Asaka-shi" not in markdown and "351-0035" not in markdown and "09:00" not in markdown
    # When the site is built for another exporter and a phone opens About us
    context = browser.new_context(viewport={"width": 412, "height": 915})
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{another_exporters_site}about/")
    # Then it gives that exporter's address, line by line
    address = page.locator("[data-about='address']").inner_text().splitlines()
    assert [line.strip() for line in address] == [
        "Harbour Motors K.K.",
        "3-7-21 Minato-mirai",
        "Yokohama-shi, Kanagawa-ken 220-0012",
        "Japan",
    ]
    # And its hours, in Japan time
    hours = page.locator("[data-contact-hours]").inner_text()
    assert " ".join(hours.split()) == "Monday to Friday, 08:30 to 17:15 Japan time (UTC+9)"
    # And nothing of the repository's own company shows through
    body = page.locator("body").inner_text()
    assert "Asaka" not in page.locator("[data-about='address']").inner_text() and "09:00" not in body
    assert [url for url in requested if not url.startswith(another_exporters_site)] == []
    context.close()
