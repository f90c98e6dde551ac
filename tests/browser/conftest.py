"""The real local stack (built site, moto, the API functions) in a subprocess, and Debian's Chromium driven
by Playwright. Every context records the requests its pages make and the cookies it is given."""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from carjunction.local.dynamodb import free_port
from tests.support.browser import CHROMIUM, LAUNCH_ARGS, ROOT, LocalStack, QuietHandler, Visitor, wait_ready
from tests.support.privacy import check_after_the_test

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, real_site: Path) -> Iterator[LocalStack]:
    work = tmp_path_factory.mktemp("stack")
    site = real_site
    port = free_port()
    log = work / "stack.log"
    options = ["--state-dir", str(work / "state"), "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "carjunction.local", "--root", str(ROOT), "--site-dir", str(site), *options],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    origin = f"http://127.0.0.1:{port}"
    try:
        wait_ready(origin, process, log)
        yield LocalStack(origin=origin, state_dir=work / "state", log=log, process=process, site_dir=site)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        message = f"{CHROMIUM} is missing; install Debian's chromium (bash .ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def visitor_factory(browser: Any, stack: LocalStack, request: pytest.FixtureRequest) -> Iterator[Any]:
    visitors: list[Visitor] = []
    stack.forget_rate_limits()

    def only_our_origin_and_one_cookie() -> None:
        for visitor in visitors:
            # Then: pages talk to our own origin only, and the one cookie ever set is "member".
            strangers = [
                url for _, url, _ in visitor.requests if not url.startswith((stack.origin + "/", "blob:", "data:"))
            ]
            assert strangers == []
            assert {header.split("=", 1)[0] for header in visitor.set_cookies} <= {"member"}
            assert {c["name"] for c in visitor.context.cookies()} <= {"member"}

    check_after_the_test(request, only_our_origin_and_one_cookie)

    def make() -> Visitor:
        context = browser.new_context(base_url=stack.origin, accept_downloads=True)
        visitor = Visitor(context=context, origin=stack.origin, outbox=stack.outbox)
        context.on("request", lambda r: visitor.requests.append((r.method, r.url, r.post_data)))
        context.on(
            "response",
            lambda r: visitor.set_cookies.extend(v for k, v in r.headers_array() if k.lower() == "set-cookie"),
        )
        visitors.append(visitor)
        return visitor

    yield make
    for visitor in visitors:
        visitor.context.close()


# --- the static site alone (no API), for the site's own browser tests --------------------------------


@pytest.fixture(scope="session")
def site_url(real_site: Path) -> Iterator[str]:
    site = real_site
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


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
