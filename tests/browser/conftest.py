"""The real local stack (built site, moto, the API functions) in a subprocess, and Debian's Chromium driven
by Playwright. Every context records the requests its pages make and the cookies it is given."""

from __future__ import annotations

import functools
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from carjunction.local.dynamodb import free_port
from tests.site_build import build_site

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@dataclass
class LocalStack:
    origin: str
    state_dir: Path
    log: Path
    process: subprocess.Popen[bytes]

    @property
    def outbox(self) -> Path:
        return self.state_dir / "outbox"

    def sign_in_link(self, email: str, timeout: float = 30) -> str:
        """The newest sign-in (or sign-up confirmation) link e-mailed to ``email``."""
        return mail_link(self.outbox, email, "/members/sign-in/", timeout)

    def forget_rate_limits(self) -> None:
        """Start a new rate-limit window: every page of the suite comes from 127.0.0.1, which the limits count as
        one visitor, while a real network spreads these sign-ups and orders over many buyers and hours."""
        stack = json.loads((self.state_dir / "stack.json").read_text(encoding="utf-8"))
        client = local_client(stack["endpoint"], stack["region"])
        pages = client.get_paginator("scan").paginate(
            TableName=stack["table"],
            FilterExpression="begins_with(pk, :rate)",
            ExpressionAttributeValues={":rate": {"S": "RATE#"}},
            ProjectionExpression="pk, sk",
        )
        for page in pages:
            for item in page["Items"]:
                client.delete_item(TableName=stack["table"], Key=item)


def local_client(endpoint: str, region: str) -> Any:
    import boto3  # noqa: PLC0415 - only the tests that need the stack's tables pay for it

    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 - moto accepts anything
    )


def mail_link(outbox: Path, email: str, page: str, timeout: float = 30) -> str:
    """The newest link to ``page`` e-mailed to ``email``. The outbox is where the stack "sends" mail; mail goes
    through a queue, so it is waited for."""
    pattern = re.compile(rf"http://\S+{re.escape(page)}#token=\S+")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        paths = sorted(outbox.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True) if outbox.is_dir() else []
        for path in paths:
            try:
                mail = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # still being written
            found = pattern.search(mail["body"])
            if mail["to"] == email and found:
                return found.group(0)
        time.sleep(0.1)
    raise AssertionError(f"no {page} link for {email} in {outbox}")


def _wait_ready(origin: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the local stack exited early:\n{log.read_text(encoding='utf-8')}")
        try:
            with urllib.request.urlopen(f"{origin}/api/stock/status", timeout=2) as answer:  # noqa: S310 - loopback
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"the local stack did not start:\n{log.read_text(encoding='utf-8')}")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    work = tmp_path_factory.mktemp("stack")
    site = work / "site"
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
        cwd=ROOT,
        check=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
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
        _wait_ready(origin, process, log)
        yield LocalStack(origin=origin, state_dir=work / "state", log=log, process=process)
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


@dataclass
class Visitor:
    """One browser context (one buyer's device) and what its pages sent and received."""

    context: Any
    origin: str
    outbox: Path
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)  # method, url, body
    set_cookies: list[str] = field(default_factory=list)

    def page(self, path: str) -> Any:
        page = self.context.new_page()
        page.goto(self.origin + path)
        page.wait_for_selector("html[data-forms-ready]", state="attached")
        return page

    def posts(self, path: str) -> list[dict[str, Any]]:
        return [
            json.loads(body or "null")
            for method, url, body in self.requests
            if method == "POST" and url == self.origin + path
        ]


@pytest.fixture
def visitor_factory(browser: Any, stack: LocalStack) -> Iterator[Any]:
    visitors: list[Visitor] = []
    stack.forget_rate_limits()

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
        cookies = {c["name"] for c in visitor.context.cookies()}
        visitor.context.close()
        # Then: pages talk to our own origin only, and the one cookie ever set is "member".
        strangers = [
            url for _, url, _ in visitor.requests if not url.startswith((stack.origin + "/", "blob:", "data:"))
        ]
        assert strangers == []
        assert {header.split("=", 1)[0] for header in visitor.set_cookies} <= {"member"}
        assert cookies <= {"member"}


def unique_email() -> str:
    return f"buyer-{uuid.uuid4().hex[:10]}@example.com"


def join(visitor: Visitor, email: str, name: str = "Amani Buyer", updates: bool = False) -> Any:
    """Send the sign-up form; the page then says to check the mail."""
    page = visitor.page("/members/join/")
    page.get_by_label("Your name", exact=True).fill(name)
    page.get_by_label("Contact number", exact=True).fill("+254 712 345678")
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Country", exact=True).select_option("KE")
    page.get_by_label("Port of discharge", exact=True).select_option("KEMBA")
    if updates:
        page.get_by_label("E-mail me when the site has news", exact=False).check()
    page.get_by_role("button", name="Become a member").click()
    page.locator("[data-say]", has_text="Check your e-mail").wait_for()
    return page


def sign_up(visitor: Visitor, email: str, name: str = "Amani Buyer", updates: bool = False) -> Any:
    """Become a member the whole way: the form, then the link from the mail, confirmed on this device; the
    account page, signed in."""
    join(visitor, email, name, updates)
    link = mail_link(visitor.outbox, email, "/members/sign-in/")
    page = visitor.page(link.removeprefix(visitor.origin))
    page.get_by_role("button", name="Confirm my membership").click()
    page.wait_for_url("**/members/account/")
    page.wait_for_selector("html[data-forms-ready]", state="attached")
    return page


# --- the static site alone (no API), for the site's own browser tests --------------------------------


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


def reserved_at_the_edge(origin: str, stock_no: str, within: float = 20) -> None:
    """Wait (at most the status's max-age and a little) until the edge's stock status lists ``stock_no``."""
    deadline = time.monotonic() + within
    while True:
        with urllib.request.urlopen(f"{origin}/api/stock/status", timeout=5) as response:  # noqa: S310 - loopback
            if stock_no in json.loads(response.read())["reserved"]:
                return
        assert time.monotonic() < deadline, f"{stock_no} not reserved at the edge after {within} s"
        time.sleep(0.5)
