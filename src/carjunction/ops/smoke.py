"""`carjunction smoke --url …`: is the deployed site answering as it should?

Only reads, plus one POST from another Origin that must be refused (403): a sign-in confirmation with a random,
well-formed link token, so that even a site that failed to refuse it would answer 401 and change nothing (a
body that fails validation would not do: validation answers 422 before the Origin check runs). Redirects are not
followed (a 301 is one of the things checked). The stock number and the port come from the site itself (its
stock index and shipping data), so the check needs nothing but the address.
"""

from __future__ import annotations

import functools
import http.client
import json
import secrets
import ssl
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode, urlsplit

# Paths the site build writes (carjunction.site.generate; a test keeps them equal).
STOCK_INDEX_PATH = "/stock/stock.json"
SHIPPING_PATH = "/assets/data/shipping.json"
NOT_FOUND_PAGE = "/404.html"
FOREIGN_ORIGIN = "https://smoke-check.invalid"
HSTS_MIN_SECONDS = 31_536_000  # a year: what browsers' preload lists ask for


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Result:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'} {self.name}: {self.detail}"


class Site:
    """One request at a time to the site's origin; nothing followed, nothing decoded (Accept-Encoding: identity)."""

    def __init__(self, url: str, timeout: float) -> None:
        parts = urlsplit(url if "://" in url else f"https://{url}")
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError(f"not a site address: {url!r}")
        self.scheme, self.host, self.port, self.timeout = parts.scheme, parts.hostname, parts.port, timeout

    def request(self, method: str, path: str, *, headers: dict[str, str] | None = None, body: bytes = b"") -> Reply:
        connection: http.client.HTTPConnection
        if self.scheme == "https":
            context = ssl.create_default_context()
            connection = http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout, context=context)
        else:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        sent = {"Accept-Encoding": "identity", "User-Agent": "carjunction-smoke", **(headers or {})}
        try:
            connection.request(method, path, body=body or None, headers=sent)
            answer = connection.getresponse()
            return Reply(answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read())
        finally:
            connection.close()


class CheckFailed(Exception):
    """What a check saw that it should not have."""


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def hsts_long_enough(value: str) -> bool:
    ages = [part.split("=", 1)[1] for part in value.replace(" ", "").split(";") if part.lower().startswith("max-age=")]
    return bool(ages) and ages[0].isdigit() and int(ages[0]) >= HSTS_MIN_SECONDS


# Security headers on the home page: name, what is accepted, what was expected.
HEADERS: tuple[tuple[str, Callable[[str], bool], str], ...] = (
    ("Content-Security-Policy", lambda v: "default-src" in v, "a policy with default-src"),
    ("Strict-Transport-Security", hsts_long_enough, f"max-age of at least {HSTS_MIN_SECONDS}"),
    ("X-Content-Type-Options", lambda v: v.strip().lower() == "nosniff", "nosniff"),
    ("X-Frame-Options", lambda v: v.strip().upper() in {"DENY", "SAMEORIGIN"}, "DENY or SAMEORIGIN"),
    ("Referrer-Policy", lambda v: bool(v.strip()), "a policy"),
)


@dataclass
class Smoke:
    site: Site
    say: Callable[[str], None]
    results: list[Result] = field(default_factory=list)
    stock_no: str | None = None
    port: str | None = None
    _home: Reply | None = None

    def check(self, name: str, test: Callable[[], str]) -> None:
        """Run one check: ``test`` returns what it saw, or raises CheckFailed saying what was wrong."""
        try:
            result = Result(name, True, test())
        except CheckFailed as error:
            result = Result(name, False, str(error))
        except (OSError, http.client.HTTPException, ValueError, LookupError, TypeError, AttributeError) as error:
            result = Result(name, False, f"{type(error).__name__}: {error}")
        self.results.append(result)
        self.say(result.line())

    def get(self, path: str, status: int = HTTPStatus.OK) -> Reply:
        reply = self.site.request("GET", path)
        expect(reply.status == status, f"GET {path} gave {reply.status}, expected {status}")
        return reply

    def home(self) -> Reply:
        if self._home is None:
            self._home = self.get("/")
        return self._home

    def vehicle_path(self) -> str:
        expect(self.stock_no is not None, "no stock number to try (the stock index check failed)")
        return f"/vehicles/{self.stock_no}"

    # --- the checks -------------------------------------------------------------------------------------
    def page(self, path: str) -> str:
        reply = self.get(path)
        kind = reply.headers.get("content-type", "")
        expect(kind.startswith("text/html"), f"GET {path} is {kind or 'untyped'}, not text/html")
        return f"GET {path} 200, {len(reply.body)} bytes"

    def redirect(self, path: str) -> str:
        reply = self.get(path, HTTPStatus.MOVED_PERMANENTLY)
        location = reply.headers.get("location", "")
        expect(urlsplit(location).path == f"{path}/", f"GET {path} redirects to {location!r}, not to {path}/")
        return f"GET {path} 301 to {location}"

    def header(self, name: str, accept: Callable[[str], bool], want: str) -> str:
        value = self.home().headers.get(name.lower())
        expect(value is not None, f"{name} missing on the home page")
        expect(accept(value or ""), f"{name}: {value!r}, expected {want}")
        shown = value or ""
        return f"{shown[:60]}{'…' if len(shown) > 60 else ''}"

    def pick(self) -> str:
        """A free vehicle and a port, from what the site itself publishes."""
        index = self.get(STOCK_INDEX_PATH).json()
        status = self.get("/api/stock/status").json()
        taken = set(status["reserved"]) | set(status["sold"])
        free = [no for no in index["no"] if no not in taken]
        expect(bool(free), f"{STOCK_INDEX_PATH} lists no vehicle that is free")
        ports = self.get(SHIPPING_PATH).json()["ports"]
        expect(bool(ports), f"{SHIPPING_PATH} lists no port")
        self.stock_no, self.port = str(free[0]), str(ports[0]["code"])
        return f"{len(index['no'])} vehicles listed, {len(taken)} reserved or sold; using {free[0]} to {self.port}"

    def not_found(self) -> str:
        path = f"/smoke-check-{uuid.uuid4().hex[:12]}/"
        reply = self.get(path, HTTPStatus.NOT_FOUND)
        page = self.get(NOT_FOUND_PAGE)
        expect(not reply.body.lstrip().startswith(b"<?xml"), f"GET {path} gave XML (S3's own error), not the 404 page")
        expect(reply.body == page.body, f"GET {path} is not the site's {NOT_FOUND_PAGE}")
        return f"GET {path} 404 with the site's {NOT_FOUND_PAGE}"

    def stock_status(self) -> str:
        body = self.get("/api/stock/status").json()
        expect(isinstance(body.get("reserved"), list), "no reserved list")
        expect(isinstance(body.get("sold"), list), "no sold list")
        return f"200, {len(body['reserved'])} reserved, {len(body['sold'])} sold"

    def quote(self) -> str:
        expect(self.port is not None, "no stock number and port to try (the stock index check failed)")
        query = urlencode({"stock_no": self.stock_no, "port": self.port})
        body = self.get(f"/api/quote?{query}").json()
        expect(body.get("stock_no") == self.stock_no, f"the quote is for {body.get('stock_no')!r}")
        expect(isinstance(body.get("total_usd"), int), "no total_usd in the quote")
        return f"{self.stock_no} to {self.port}: {body.get('incoterm')} USD {body['total_usd']}"

    def foreign_post(self) -> str:
        headers = {"Origin": FOREIGN_ORIGIN, "Content-Type": "application/json"}
        body = json.dumps({"token": secrets.token_urlsafe(32)}).encode()
        reply = self.site.request("POST", "/api/session", headers=headers, body=body)
        expect(reply.status == HTTPStatus.FORBIDDEN, f"POST /api/session from {FOREIGN_ORIGIN} gave {reply.status}")
        code = reply.json().get("error", {}).get("code")
        return f"POST /api/session from {FOREIGN_ORIGIN} refused: 403 {code}"


def run_smoke(url: str, *, timeout: float = 15, say: Callable[[str], None] = print) -> list[Result]:
    """Every check, in order, one line each; later checks still run when one fails."""
    smoke = Smoke(Site(url, timeout), say)
    smoke.check("home page", lambda: smoke.page("/"))
    smoke.check("stock page", lambda: smoke.page("/stock/"))
    smoke.check("stock index and ports", smoke.pick)
    smoke.check("vehicle page", lambda: smoke.page(f"{smoke.vehicle_path()}/"))
    smoke.check("missing page", smoke.not_found)
    smoke.check("slash redirect (stock)", lambda: smoke.redirect("/stock"))
    smoke.check("slash redirect (vehicle)", lambda: smoke.redirect(smoke.vehicle_path()))
    for name, accept, want in HEADERS:
        smoke.check(name, functools.partial(smoke.header, name, accept, want))
    smoke.check("GET /api/stock/status", smoke.stock_status)
    smoke.check("GET /api/quote", smoke.quote)
    smoke.check("cross-origin POST", smoke.foreign_post)
    return smoke.results
