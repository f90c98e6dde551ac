"""The local origin: static files from site/, /api/* handed to the functions as payload 2.0 events, and both sent
as CloudFront sends them (compressed, cache headers, the security headers of template.yaml)."""

from __future__ import annotations

import gzip
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest

from carjunction.api.tables import load_template
from carjunction.local.dynamodb import free_port
from carjunction.local.edge_policy import edge_policy
from carjunction.local.server import make_server

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = load_template(ROOT / "template.yaml")
PRODUCTION_CSP = next(
    r["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]["ContentSecurityPolicy"]
    for r in TEMPLATE["Resources"].values()
    if r["Type"] == "AWS::CloudFront::ResponseHeadersPolicy"
)["ContentSecurityPolicy"]
STYLES = ("body { color: #123456; }\n" * 200).encode()  # compressible, well over the edge's 1,000-byte floor


class RecordingApi:
    """A small fake of the functions: answers with what it was given."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.events.append(event)
        return {
            "statusCode": 201,
            "headers": {"Content-Type": "application/json"},
            "cookies": ["member=token; HttpOnly; Path=/api"],
            "body": json.dumps({"path": event["rawPath"], "request_id": context.aws_request_id}),
        }


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "stock" / "toyota").mkdir(parents=True)
    (tmp_path / "index.html").write_text("<h1>home</h1>")
    (tmp_path / "stock" / "toyota" / "index.html").write_text("<h1>toyota</h1>")
    (tmp_path / "404.html").write_text("<h1>not here</h1>")
    (tmp_path / "photo.webp").write_bytes(b"RIFF" * 400)
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "main.0123abcd.min.css").write_bytes(STYLES)
    (tmp_path / "assets" / "site.css").write_bytes(STYLES)
    return tmp_path


@pytest.fixture
def origin(site: Path) -> Iterator[tuple[str, RecordingApi]]:
    api = RecordingApi()
    server = make_server(site, api, port=free_port(), edge=edge_policy(TEMPLATE), log=lambda line: None)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", api
    server.shutdown()
    server.server_close()


def fetch(url: str, **kwargs: Any) -> tuple[int, dict[str, str], bytes]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kw: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, **kwargs), timeout=5) as response:  # noqa: S310 - loopback only
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_folders_serve_their_index(origin: tuple[str, RecordingApi]) -> None:
    base, _ = origin
    status, headers, body = fetch(f"{base}/stock/toyota/")
    assert status == HTTPStatus.OK
    assert body == b"<h1>toyota</h1>"
    assert headers["Content-Type"].startswith("text/html")


def test_a_folder_without_its_slash_redirects(origin: tuple[str, RecordingApi]) -> None:
    base, _ = origin
    status, headers, _ = fetch(f"{base}/stock/toyota")
    assert status == HTTPStatus.MOVED_PERMANENTLY
    assert headers["Location"] == "/stock/toyota/"


def test_a_missing_page_gets_the_friendly_404(origin: tuple[str, RecordingApi]) -> None:
    base, _ = origin
    status, _, body = fetch(f"{base}/no/such/page/")
    assert status == HTTPStatus.NOT_FOUND
    assert body == b"<h1>not here</h1>"


def test_paths_cannot_escape_the_site(origin: tuple[str, RecordingApi]) -> None:
    base, _ = origin
    # A name with a dot is a file to the edge (without one, it would first be redirected to its slash)
    for escape in ("/%2e%2e/%2e%2e/etc/ld.so.conf", "/%2e%2e/%2e%2e/etc/passwd/"):
        status, _, body = fetch(f"{base}{escape}")
        assert status == HTTPStatus.NOT_FOUND
        assert b"root:" not in body and b"include" not in body


def test_webp_has_its_content_type(origin: tuple[str, RecordingApi]) -> None:
    base, _ = origin
    assert fetch(f"{base}/photo.webp")[1]["Content-Type"] == "image/webp"


def test_api_requests_reach_the_functions_with_cookies_and_body(origin: tuple[str, RecordingApi]) -> None:
    base, api = origin
    # Given a POST with a JSON body and the member cookie
    status, headers, body = fetch(
        f"{base}/api/inquiries?x=1",
        data=b'{"message": "hello"}',
        method="POST",
        headers={"Content-Type": "application/json", "Cookie": "member=old"},
    )
    # Then the function got a payload 2.0 event and its answer came back as it was
    assert status == HTTPStatus.CREATED
    assert headers["Set-Cookie"] == "member=token; HttpOnly; Path=/api"
    assert json.loads(body)["path"] == "/api/inquiries"
    (event,) = api.events
    assert event["body"] == '{"message": "hello"}'
    assert event["cookies"] == ["member=old"]
    assert event["queryStringParameters"] == {"x": "1"}


def test_static_paths_refuse_writes(origin: tuple[str, RecordingApi]) -> None:
    base, api = origin
    status, _, _ = fetch(f"{base}/index.html", data=b"x", method="POST")
    assert status == HTTPStatus.METHOD_NOT_ALLOWED
    assert api.events == []


def test_css_is_gzipped_for_a_browser_that_accepts_it_with_the_right_length(origin: tuple[str, RecordingApi]) -> None:
    base, _ = origin
    # When a browser that accepts gzip asks for a stylesheet
    status, headers, body = fetch(f"{base}/assets/site.css", headers={"Accept-Encoding": "gzip, deflate"})
    # Then it gets the file gzipped, with the compressed length and Vary
    assert status == HTTPStatus.OK
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == STYLES
    assert int(headers["Content-Length"]) == len(body) < len(STYLES)
    assert headers["Vary"] == "Accept-Encoding"
    assert headers["Content-Type"] == "text/css; charset=utf-8"


def test_without_accept_encoding_the_file_goes_as_it_is(origin: tuple[str, RecordingApi]) -> None:
    base, _ = origin
    _, headers, body = fetch(f"{base}/assets/site.css")
    assert body == STYLES
    assert "Content-Encoding" not in headers
    assert int(headers["Content-Length"]) == len(STYLES)
    # Photos are never compressed again
    _, photo_headers, _ = fetch(f"{base}/photo.webp", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in photo_headers


def test_head_gives_the_headers_of_get_without_a_body(origin: tuple[str, RecordingApi]) -> None:
    base, _ = origin
    accept = {"Accept-Encoding": "gzip"}
    _, got, got_body = fetch(f"{base}/assets/site.css", headers=accept)
    status, headed, head_body = fetch(f"{base}/assets/site.css", headers=accept, method="HEAD")
    assert status == HTTPStatus.OK
    assert head_body == b""
    for name in ("Content-Length", "Content-Encoding", "Content-Type", "ETag", "Cache-Control"):
        assert headed[name] == got[name]
    assert int(headed["Content-Length"]) == len(got_body)


def test_fingerprinted_assets_are_kept_a_year_and_the_rest_revalidated(origin: tuple[str, RecordingApi]) -> None:
    base, _ = origin
    assert fetch(f"{base}/assets/main.0123abcd.min.css")[1]["Cache-Control"] == "public, max-age=31536000, immutable"
    assert fetch(f"{base}/assets/site.css")[1]["Cache-Control"] == "no-cache"
    assert fetch(f"{base}/stock/toyota/")[1]["Cache-Control"] == "no-cache"


def test_an_unchanged_file_is_answered_304_without_a_body(origin: tuple[str, RecordingApi], site: Path) -> None:
    base, _ = origin
    # Given the validator of a stylesheet the browser holds (gzipped, so a weak one)
    _, first, _ = fetch(f"{base}/assets/site.css", headers={"Accept-Encoding": "gzip"})
    etag = first["ETag"]
    assert etag.startswith('W/"')
    # When it revalidates
    status, headers, body = fetch(f"{base}/assets/site.css", headers={"If-None-Match": etag})
    # Then the answer is 304 with no body
    assert status == HTTPStatus.NOT_MODIFIED
    assert body == b""
    assert headers["ETag"] == etag.removeprefix("W/")
    # And after a rebuild changes it, the new bytes come back
    (site / "assets" / "site.css").write_bytes(STYLES + b"p { margin: 0; }\n")
    status, _, body = fetch(f"{base}/assets/site.css", headers={"If-None-Match": etag})
    assert status == HTTPStatus.OK
    assert body.endswith(b"p { margin: 0; }\n")


def test_every_answer_carries_the_production_security_headers(origin: tuple[str, RecordingApi]) -> None:
    base, _ = origin
    # Given a page, a redirect, a missing page and an API answer
    answers = [
        fetch(f"{base}/stock/toyota/"),
        fetch(f"{base}/stock/toyota"),
        fetch(f"{base}/no/such/page/"),
        fetch(f"{base}/api/inquiries", data=b"{}", method="POST", headers={"Content-Type": "application/json"}),
    ]
    # Then each has template.yaml's CSP (no 'unsafe-inline') and the other security headers
    for status, headers, _ in answers:
        assert headers["Content-Security-Policy"] == PRODUCTION_CSP, status
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert headers["Strict-Transport-Security"].startswith("max-age=")
