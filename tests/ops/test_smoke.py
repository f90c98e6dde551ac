"""`carjunction smoke` against the real local stack (built site, API on moto, the edge's headers and redirects),
and against a site configured as production's was before issue 14 (S3's XML for missing pages, no redirect,
no security headers, any Origin accepted), which it must fail."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from carjunction.cli import main
from carjunction.local.dynamodb import free_port
from carjunction.local.stack import StackConfig, start_stack
from carjunction.ops import smoke

ROOT = Path(__file__).resolve().parents[2]
S3_DENIED = b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code></Error>'


# Module scope: the stack serves moto in this process; no other test may reset moto's backends while it runs.
@pytest.fixture(scope="module")
def local_site(tmp_path_factory: pytest.TempPathFactory, real_site: Path) -> Iterator[str]:
    work = tmp_path_factory.mktemp("smoke")
    config = StackConfig(ROOT, real_site, work / "state", port=free_port(), say=lambda line: None)
    stack = start_stack(config)
    thread = threading.Thread(target=stack.serve_forever, name="smoke-stack", daemon=True)
    thread.start()
    try:
        yield f"http://{config.host}:{config.port}"
    finally:
        stack.server.shutdown()
        thread.join(timeout=5)
        stack.stop()


class BareBucket(BaseHTTPRequestHandler):
    """A distribution in front of a bare S3 origin: no error pages, no redirects, no headers policy, no Origin check."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _answer(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path in {"/", "/stock/", "/404.html"}:
            self._answer(HTTPStatus.OK, "text/html", b"<!doctype html><title>page</title>")
        elif self.path == smoke.STOCK_INDEX_PATH:
            self._answer(HTTPStatus.OK, "application/json", b'{"no": ["CJ1"]}')
        elif self.path == smoke.SHIPPING_PATH:
            self._answer(HTTPStatus.OK, "application/json", b'{"ports": [{"code": "KEMBA"}]}')
        elif self.path == "/api/stock/status":
            self._answer(HTTPStatus.OK, "application/json", b'{"reserved": [], "sold": []}')
        else:
            self._answer(HTTPStatus.FORBIDDEN, "application/xml", S3_DENIED)

    def do_POST(self) -> None:
        self._answer(HTTPStatus.UNAUTHORIZED, "application/json", b'{"error": {"code": "invalid_token"}}')


@pytest.fixture
def bare_site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BareBucket)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def test_the_local_stack_passes_every_check(local_site: str, capsys: pytest.CaptureFixture[str]) -> None:
    # Given the local stack serving the built site, When the smoke check runs against it
    code = main(["smoke", "--url", local_site])
    # Then every check passes, one line each, and the command succeeds
    lines = capsys.readouterr().out.splitlines()
    checks = [line for line in lines if line.startswith(("ok", "FAIL"))]
    assert [line for line in checks if not line.startswith("ok")] == []
    assert len(checks) == 15
    assert lines[-1] == "15 of 15 checks passed"
    assert code == 0
    # And what it checked is what the issue asks for: pages, 404, redirects, headers, the API, a refused POST
    text = "\n".join(checks)
    for seen in (
        "GET /vehicles/CJ",
        "404 with the site's /404.html",
        "GET /stock 301 to /stock/",
        "Strict-Transport-Security: max-age=63072000",
        "GET /api/quote: CJ",
        "refused: 403 bad_origin",
    ):
        assert seen in text


def test_a_bare_bucket_site_fails_where_it_is_wrong(bare_site: str, capsys: pytest.CaptureFixture[str]) -> None:
    # Given a site with S3's errors, no redirects, no security headers and no Origin check
    code = main(["smoke", "--url", bare_site])
    lines = capsys.readouterr().out.splitlines()
    failed = {line.split(":", 1)[0].removeprefix("FAIL ") for line in lines if line.startswith("FAIL")}
    # Then each of those is a failed check, and the command fails
    assert code == 1
    assert {
        "missing page",
        "slash redirect (stock)",
        "slash redirect (vehicle)",
        "Content-Security-Policy",
        "Strict-Transport-Security",
        "X-Content-Type-Options",
        "X-Frame-Options",
        "Referrer-Policy",
        "cross-origin POST",
        "vehicle page",
        "GET /api/quote",
    } == failed
    assert any("GET /smoke-check-" in line and "gave 403, expected 404" in line for line in lines)
    assert lines[-1] == "4 of 15 checks passed, 11 failed"


def test_a_site_that_does_not_answer_fails_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["smoke", "--url", f"http://127.0.0.1:{free_port()}", "--timeout", "2"])
    assert code == 1
    assert capsys.readouterr().out.splitlines()[-1] == "0 of 15 checks passed, 15 failed"


def test_an_address_that_is_not_a_site_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["smoke", "--url", "ftp://example.com"]) == 2
    assert "not a site address" in capsys.readouterr().err


def test_the_paths_it_reads_are_the_ones_the_build_writes() -> None:
    from carjunction.site.generate import SHIPPING_PATH, STOCK_INDEX_PATH  # noqa: PLC0415

    assert (f"/{STOCK_INDEX_PATH}", f"/{SHIPPING_PATH}") == (smoke.STOCK_INDEX_PATH, smoke.SHIPPING_PATH)
