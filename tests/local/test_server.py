"""The local origin: static files from site/, /api/* handed to the functions as payload 2.0 events."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest

from carjunction.local.dynamodb import free_port
from carjunction.local.server import make_server


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
    (tmp_path / "photo.webp").write_bytes(b"RIFF")
    return tmp_path


@pytest.fixture
def origin(site: Path) -> Iterator[tuple[str, RecordingApi]]:
    api = RecordingApi()
    server = make_server(site, api, port=free_port(), log=lambda line: None)
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
    status, _, body = fetch(f"{base}/%2e%2e/%2e%2e/etc/passwd")
    assert status == HTTPStatus.NOT_FOUND
    assert b"root:" not in body


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
