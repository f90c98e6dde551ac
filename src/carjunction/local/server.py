"""One loopback origin, like CloudFront in production: static files from site/, and /api/* to the functions."""

from __future__ import annotations

import mimetypes
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from carjunction.local.http_event import LocalRequest, LocalResponse, from_result, to_event

ApiHandler = Callable[[dict[str, Any], Any], dict[str, Any]]
API_PREFIX = "/api/"
MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's own payload limit; the functions enforce their smaller one
EXTRA_TYPES = {".webp": "image/webp", ".webmanifest": "application/manifest+json", ".xml": "application/xml"}


@dataclass
class LocalContext:
    """The attributes of a Lambda context object that Powertools reads."""

    function_name: str = "carjunction-local"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:local:000000000000:function:carjunction-local"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/local"
    log_stream_name: str = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def content_type(path: Path) -> str:
    guessed = EXTRA_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") or guessed.endswith(("json", "xml")) else guessed


def resolve_static(site_dir: Path, url_path: str) -> tuple[Path | None, str | None]:
    """The file for a URL path, or a redirect target for a folder named without its slash."""
    relative = unquote(url_path).lstrip("/")
    candidate = (site_dir / relative).resolve()
    root = site_dir.resolve()
    if candidate != root and root not in candidate.parents:
        return None, None
    if candidate.is_dir():
        if not url_path.endswith("/"):
            return None, url_path + "/"
        candidate = candidate / "index.html"
    return (candidate if candidate.is_file() else None), None


def make_handler(site_dir: Path, api: ApiHandler, log: Callable[[str], None]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "carjunction-local"
        sys_version = ""
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            # Only method, path and status: the local log holds no client address, like production.
            return

        def _send(self, response: LocalResponse, *, head: bool = False) -> None:
            self.send_response(response.status)
            for name, value in response.headers:
                if name.lower() not in {"content-length", "connection"}:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if not head:
                self.wfile.write(response.body)
            log(f"{self.command} {urlsplit(self.path).path} {response.status}")

        def _api(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                body = b'{"error":{"code":"too_large","message":"The request body is too large.","fields":{}}}'
                self.close_connection = True
                self._send(LocalResponse(413, [("Content-Type", "application/json")], body))
                return
            request = LocalRequest(
                method=self.command,
                target=self.path,
                headers=list(self.headers.items()),
                body=self.rfile.read(length) if length else b"",
                source_ip=self.client_address[0],
            )
            self._send(from_result(api(to_event(request), LocalContext())))

        def _static(self, *, head: bool) -> None:
            path, redirect = resolve_static(site_dir, urlsplit(self.path).path)
            if redirect:
                self._send(LocalResponse(HTTPStatus.MOVED_PERMANENTLY, [("Location", redirect)], b""), head=head)
                return
            status = HTTPStatus.OK
            if path is None:
                status, path = HTTPStatus.NOT_FOUND, site_dir / "404.html"
            body = path.read_bytes() if path.is_file() else b"Not found"
            headers = [("Content-Type", content_type(path)), ("Cache-Control", "no-cache")]
            self._send(LocalResponse(status, headers, body), head=head)

        def _route(self, *, head: bool = False) -> None:
            if urlsplit(self.path).path.startswith(API_PREFIX):
                self._api()
            elif self.command in {"GET", "HEAD"}:
                self._static(head=head)
            else:
                self._send(LocalResponse(HTTPStatus.METHOD_NOT_ALLOWED, [("Allow", "GET, HEAD")], b""))

        def do_GET(self) -> None:
            self._route()

        def do_HEAD(self) -> None:
            self._route(head=True)

        def do_POST(self) -> None:
            self._route()

        def do_PATCH(self) -> None:
            self._route()

        def do_PUT(self) -> None:
            self._route()

        def do_DELETE(self) -> None:
            self._route()

    return Handler


class LocalHTTPServer(ThreadingHTTPServer):
    # socketserver's default listen backlog of 5 resets connections when a page (or a test) opens many at once.
    request_queue_size = 128


def make_server(
    site_dir: Path,
    api: ApiHandler,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    log: Callable[[str], None] | None = None,
) -> ThreadingHTTPServer:
    """A server bound to loopback; call serve_forever() (or run it in a thread) and shutdown() to stop."""
    server = LocalHTTPServer(
        (host, port), make_handler(site_dir, api, log or (lambda line: print(line, file=sys.stderr)))
    )
    server.daemon_threads = True
    return server
