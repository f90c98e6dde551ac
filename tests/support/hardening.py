"""The hardening tests' client of the real local stack (moto, the three API functions, the one-origin server)
started in this process on loopback by tests/hardening/conftest.py: a small HTTP client that can speak from
any 127.x.y.z address.

The API rate-limits by the caller's address (the source IP on the local stack, as on API Gateway without
CloudFront's origin secret). Loopback is a whole /8 on Linux, so tests that need many "buyers" give each one
its own source address instead of switching the limit off: the limit stays exactly as deployed."""

from __future__ import annotations

import http.client
import itertools
import json
import re
import time
import uuid
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any

from carjunction.local.stack import TABLES, Stack

ROOT = Path(__file__).resolve().parents[2]
_addresses = itertools.count(1)
LINK_TOKEN = re.compile(r"#token=([A-Za-z0-9_.-]+)")


def fresh_address() -> str:
    """A loopback address no other test in this session has used (127.1.0.1, 127.1.0.2, …)."""
    n = next(_addresses)
    return f"127.{1 + n // 65025}.{(n // 255) % 255}.{1 + n % 255}"


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    raw: bytes

    @property
    def body(self) -> Any:
        return json.loads(self.raw) if self.raw else None

    @property
    def cookies(self) -> list[str]:
        return self.headers.get_all("Set-Cookie") or []


@dataclass
class Api:
    host: str
    port: int
    stack: Stack

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        cookie: str | None = None,
        source: str | None = None,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 60,
    ) -> Answer:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        sent = {"Content-Type": "application/json", **(headers or {})}
        if cookie:
            sent["Cookie"] = cookie
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=timeout, source_address=(source or fresh_address(), 0)
        )
        try:
            connection.request(method, path, body=data, headers=sent)
            answer = connection.getresponse()
            return Answer(answer.status, answer.headers, answer.read())
        finally:
            connection.close()

    def sign_up(self, **overrides: Any) -> tuple[str, dict[str, Any]]:
        """A new, confirmed member, the way a buyer becomes one: sign up, open the mailed link, confirm it.
        Returns their cookie (``member=…``) and what they signed up with."""
        tag = uuid.uuid4().hex[:10]
        member = {
            "name": f"Hardening Buyer {tag}",
            "telephone": "+254 712 345678",
            "email": f"buyer-{tag}@example.com",
            "country": "KE",
            "port": "KEMBA",
            **overrides,
        }
        answer = self.call("POST", "/api/members", member)
        assert answer.status == HTTPStatus.ACCEPTED, answer.raw
        confirmed = self.call("POST", "/api/session", {"token": self.link_token(member["email"])})
        assert confirmed.status == HTTPStatus.OK, confirmed.raw
        return confirmed.cookies[0].split(";", 1)[0], member

    def mails_to(self, address: str) -> list[dict[str, Any]]:
        """Every e-mail the stack wrote to its outbox for ``address``, oldest first."""
        mails = []
        for path in sorted(self.stack.config.outbox.glob("*.json"), key=lambda p: p.stat().st_mtime_ns):
            try:
                mail = json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                continue  # still being written
            if mail["to"] == address:
                mails.append(mail)
        return mails

    def link_token(self, address: str, timeout: float = 10) -> str:
        """The token of the newest link mailed to ``address`` (waiting for it: mail may leave after the answer)."""
        deadline = time.monotonic() + timeout
        while True:
            tokens: list[str] = [t for mail in self.mails_to(address) for t in LINK_TOKEN.findall(mail["body"])]
            if tokens:
                return tokens[-1]
            assert time.monotonic() < deadline, f"no link was mailed to {address}"
            time.sleep(0.05)

    def items(self, table: str = "DataTable") -> list[dict[str, Any]]:
        """Every item of one table (a full scan: tests only)."""
        pages = self.stack.dynamodb.get_paginator("scan").paginate(TableName=TABLES[table])
        return [item for page in pages for item in page["Items"]]


# The fuzz test's size is fixed when its module is imported (Schemathesis builds the tests then), so the option
# is read into RUN by tests/hardening/conftest.py's pytest_configure, which runs before that import. Its case
# counts are reported at the end of the run.
RUN = {"full": False}
FUZZ_CASES: dict[str, int] = {}  # by operation
FUZZ_KINDS: dict[str, int] = {}  # by phase, and the cases sent with a method the path does not take
