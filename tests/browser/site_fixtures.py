"""Build the site once, serve it on loopback, and drive it with Debian's Chromium through Playwright.

Imported by the site's browser tests (not a conftest), so that it sits beside the local stack's
browser fixtures without either overriding the other.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.site_build import build_site

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def browser_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("browser-site")
    build_site(site)
    return site


@pytest.fixture(scope="session")
def site_url(browser_site: Path) -> Iterator[str]:
    site = browser_site
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser(site_url: str) -> Iterator[Any]:
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}; .ci/run installs Debian's chromium package"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only browser tests need it

    with sync_playwright() as playwright:
        # The site is built (site_url) before Chromium starts, so the build does not compete with it.
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, timeout=60_000)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, site_url: str) -> Iterator[Any]:
    """A phone-sized page that records every request to a host other than the test server."""
    context = browser.new_context(viewport={"width": 412, "height": 900})
    opened = context.new_page()
    opened.foreign_requests = []
    opened.errors = []
    opened.on("request", lambda r: r.url.startswith(site_url) or opened.foreign_requests.append(r.url))
    opened.on("pageerror", lambda e: opened.errors.append(str(e)))
    yield opened
    context.close()
