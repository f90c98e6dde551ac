"""One loopback origin, like CloudFront in production: static files from site/, and /api/* to the functions,
each response compressed and given the security headers as the distribution in template.yaml would."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from carjunction.local.edge_policy import EdgePolicy
from carjunction.local.edge_response import at_the_edge, header
from carjunction.local.http_event import LocalRequest, LocalResponse, from_result, to_event
from carjunction.ops.sync_site import IMMUTABLE, cache_control, content_type

ApiHandler = Callable[[dict[str, Any], Any], dict[str, Any]]
API_PREFIX = "/api/"
MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's own payload limit; the functions enforce their smaller one
# Statuses whose response has no body, and so no Content-Length of its own.
BODILESS = {HTTPStatus.NO_CONTENT, HTTPStatus.NOT_MODIFIED}


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


def local_cache_control(name: str) -> str:
    """Production's Cache-Control (ops/sync_site.py) for fingerprinted files, whose bytes never change under their
    name. Every other file changes with each local build under the same name, so the browser revalidates it (ETag)
    instead of keeping it 5 minutes (pages) or a day (photos, our own CSS and JS) as production lets it."""
    production = cache_control(name)
    return production if production == IMMUTABLE else "no-cache"


def entity_tag(path: Path) -> str:
    stat = path.stat()
    return f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'


def not_modified(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match's weak comparison: W/"x" and "x" name the same content."""
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags


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


def make_handler(
    site_dir: Path, api: ApiHandler, edge: EdgePolicy, log: Callable[[str], None]
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "carjunction-local"
        sys_version = ""
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            # Only method, path and status: the local log holds no client address, like production.
            return

        def _send(self, response: LocalResponse, *, head: bool = False, static: bool = False) -> None:
            path = urlsplit(self.path).path
            response = at_the_edge(edge.for_path(path), self.headers.items(), response, static=static)
            self.send_response(response.status)
            for name, value in response.headers:
                if name.lower() not in {"content-length", "connection"}:
                    self.send_header(name, value)
            if response.status not in BODILESS:
                self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if not head and response.status not in BODILESS:
                self.wfile.write(response.body)
            log(f"{self.command} {path} {response.status}")

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
            if not path.is_file():
                self._send(LocalResponse(status, [("Content-Type", "text/plain; charset=utf-8")], b"Not found"))
                return
            etag = entity_tag(path)
            headers = [("Content-Type", content_type(path.name)), ("Cache-Control", local_cache_control(path.name))]
            if status == HTTPStatus.OK:
                headers.append(("ETag", etag))
                if not_modified(header(self.headers.items(), "If-None-Match"), etag):
                    # The validators a 200 would carry, without the body (the edge still adds Vary and the CSP).
                    kept = [(k, v) for k, v in headers if k != "Content-Type"]
                    self._send(LocalResponse(HTTPStatus.NOT_MODIFIED, kept, b""), head=head)
                    return
            self._send(LocalResponse(status, headers, path.read_bytes()), head=head, static=True)

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
    edge: EdgePolicy,
    log: Callable[[str], None] | None = None,
) -> ThreadingHTTPServer:
    """A server bound to loopback; call serve_forever() (or run it in a thread) and shutdown() to stop.
    ``edge`` is the distribution's behaviour (compression, security headers): see edge_policy.edge_policy()."""
    server = LocalHTTPServer(
        (host, port), make_handler(site_dir, api, edge, log or (lambda line: print(line, file=sys.stderr)))
    )
    server.daemon_threads = True
    return server
