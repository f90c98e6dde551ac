"""The browser tests' helpers: the local stack as a subprocess serves it, a buyer's device (a Chromium context)
and the things a buyer does on it, and a quiet static file server."""

from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

from carjunction.catalogue import Status, load_catalogue
from carjunction.site.languages import LANGUAGES, SOURCE, prefix

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING = "/no/such/page/"


@dataclass
class LocalStack:
    origin: str
    state_dir: Path
    log: Path
    process: subprocess.Popen[bytes]
    site_dir: Path  # the built site it serves (the session's real_site, read-only)

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


def wait_ready(origin: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 90) -> None:
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


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def reserved_at_the_edge(origin: str, stock_no: str, within: float = 20) -> None:
    """Wait (at most the status's max-age and a little) until the edge's stock status lists ``stock_no``."""
    deadline = time.monotonic() + within
    while True:
        with urllib.request.urlopen(f"{origin}/api/stock/status", timeout=5) as response:  # noqa: S310 - loopback
            if stock_no in json.loads(response.read())["reserved"]:
                return
        assert time.monotonic() < deadline, f"{stock_no} not reserved at the edge after {within} s"
        time.sleep(0.5)


def site_pages(site: Path) -> list[str]:
    """Every hand-written page of the built site in every language, plus one generated page of each kind (in
    English) and a missing page."""
    catalogue = load_catalogue(ROOT / "content")
    car = next(v for v in catalogue.vehicles if v.status == Status.AVAILABLE and v.photos)
    generated = tuple(f"{prefix(code)}{kind}/" for code in LANGUAGES for kind in ("vehicles", "stock"))
    pages = sorted(
        "/" + page.parent.relative_to(site).as_posix().removeprefix(".") + ("/" if page.parent != site else "")
        for page in site.rglob("index.html")
        if not page.relative_to(site).as_posix().startswith(generated)  # every language's hand-written pages
    )
    pages += [f"/{prefix(code)}stock/" for code in LANGUAGES if code != SOURCE]
    pages = [p.replace("//", "/") for p in pages]
    make = car.make.lower().replace(" ", "-")
    extra = ["/stock/", f"/stock/{make}/", f"/vehicles/{car.stock_no}/", f"/ask/?stock_no={car.stock_no}"]
    return [*pages, *extra, f"/order/?stock_no={car.stock_no}", MISSING]
