"""One loopback origin, like CloudFront in production: static files from site/, and /api/* to the functions,
each response compressed and given the security headers as the distribution in template.yaml would."""

from __future__ import annotations

import contextlib
import logging
import socket
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from carjunction.api.errors import error_body
from carjunction.local.edge_cache import EdgeCache, cache_key, origin_query
from carjunction.local.edge_policy import EdgePolicy
from carjunction.local.edge_request import Redirect, page_request
from carjunction.local.edge_response import at_the_edge, header
from carjunction.local.hosts import HostAllowList
from carjunction.local.http_event import LocalRequest, LocalResponse, from_result, to_event
from carjunction.local.vetting import Refusal, body_length, vet_host, vet_target
from carjunction.ops.sync_site import IMMUTABLE, cache_control, content_type

logger = logging.getLogger(__name__)
ApiHandler = Callable[[dict[str, Any], Any], dict[str, Any]]
API_PREFIX = "/api/"
PAGE_METHODS = "GET, HEAD"
MAX_REQUEST_LINE = 65_536  # http.server's own limit
READ_TIMEOUT_SECONDS = 60
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


def static_file(site_dir: Path, uri: str) -> Path | None:
    """The bucket's object for a path the edge forwards (folders are already .../index.html), or None."""
    relative = unquote(uri).lstrip("/")
    try:
        candidate = (site_dir / relative).resolve()
        root = site_dir.resolve()
        if root not in candidate.parents:
            return None
        return candidate if candidate.is_file() else None
    except (OSError, ValueError):  # a name too long for the file system, say: no such page
        return None


def make_handler(
    site_dir: Path,
    api: ApiHandler,
    edge: EdgePolicy,
    hosts: HostAllowList,
    log: Callable[[str], None],
    *,
    read_timeout: float = READ_TIMEOUT_SECONDS,
    cache: EdgeCache | None = None,
) -> type[BaseHTTPRequestHandler]:
    kept = cache or EdgeCache()  # the answers of the behaviours whose cache policy keeps them

    class Handler(BaseHTTPRequestHandler):
        server_version = "carjunction-local"
        sys_version = ""
        protocol_version = "HTTP/1.1"
        # A client that stops sending (a body shorter than its Content-Length) frees its thread after this long.
        timeout = read_timeout
        _expects_continue = False
        _answered = False

        def log_message(self, format: str, *args: Any) -> None:
            # Only method, path and status: the local log holds no client address, like production.
            return

        def handle_one_request(self) -> None:
            """http.server's loop for one request, with every method routed (no HTML 501) and the request
            vetted (Host, target, body framing) before anything is served."""
            self._answered = self._expects_continue = False
            # Nothing of the previous request on this connection may stand in for this one's.
            self.path = ""
            vars(self).pop("headers", None)
            try:
                self.raw_requestline = self.rfile.readline(MAX_REQUEST_LINE + 1)
                if len(self.raw_requestline) > MAX_REQUEST_LINE:
                    self.requestline = self.request_version = self.command = ""
                    self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
                    return
                if not self.raw_requestline:
                    self.close_connection = True
                    return
                if not self.parse_request():  # the request line and headers; it answered any error itself
                    return
                length, framing = body_length(self.headers)
                refusal = vet_host(self.headers, hosts)
                if refusal is None and self.command == "CONNECT" and not self.path.startswith("/"):
                    # A proxy's tunnel to host:port: this server is no proxy.
                    self._refuse(
                        Refusal(HTTPStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "Not a proxy."), PAGE_METHODS
                    )
                    return
                refusal = refusal or vet_target(self.path) or framing
                if refusal is not None:
                    self._refuse(refusal)
                    return
                self._route(length)
                self.wfile.flush()
            except TimeoutError:
                self.close_connection = True  # the client stopped sending: drop it, as http.server does
            except ConnectionError:
                self.close_connection = True  # the client went away
            except Exception:
                # A bug here, not in a function (routing.py answers those): the developer gets the traceback,
                # the client the error shape rather than a dropped connection.
                logger.exception("the local server failed on %s %s", self.command, getattr(self, "path", ""))
                self.close_connection = True
                if not self._answered:
                    with contextlib.suppress(OSError):
                        failed = Refusal(HTTPStatus.INTERNAL_SERVER_ERROR, "internal_error", "Internal Server Error")
                        self._refuse(failed)

        def handle_expect_100(self) -> bool:
            # "100 Continue" only once the request has been vetted (see _api), not as soon as headers arrive.
            self._expects_continue = True
            return True

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            """http.server's own errors (a bad request line, headers too long) in the error shape, not HTML."""
            status = HTTPStatus(code)
            if self.request_version == "HTTP/0.9":  # not known yet: answer with a status line all the same
                self.request_version = self.protocol_version
            self._refuse(Refusal(status, status.phrase.lower().replace(" ", "_").replace("-", "_"), status.phrase))

        def _is_api(self) -> bool:
            # The path, or before it is parsed (an error in the request line), the line's second word.
            words = str(getattr(self, "requestline", "")).split()
            target = self.path or (words[1] if len(words) > 1 else "")
            return target.startswith(API_PREFIX)

        def _refuse(self, refusal: Refusal, allow: str | None = None) -> None:
            """An error the server answers itself, then the connection closed: a body it did not read may follow.
            /api gets the one JSON error shape; pages get a line of text."""
            self.close_connection = True
            headers = [("Cache-Control", "no-store")] + ([("Allow", allow)] if allow else [])
            if self._is_api():
                body = error_body(refusal.status, refusal.code, refusal.message).encode()
                headers.append(("Content-Type", "application/json"))
            else:
                body = f"{refusal.status.value} {refusal.status.phrase}: {refusal.message}\n".encode()
                headers.append(("Content-Type", "text/plain; charset=utf-8"))
            self._send(LocalResponse(refusal.status, headers, body), head=self.command == "HEAD")

        def _send(self, response: LocalResponse, *, head: bool = False, static: bool = False) -> None:
            path = urlsplit(self.path).path
            request_headers = self.headers.items() if getattr(self, "headers", None) else []
            response = at_the_edge(edge.for_path(path), request_headers, response, static=static)
            self._answered = True
            self.send_response(response.status)
            for name, value in response.headers:
                if name.lower() not in {"content-length", "connection"}:
                    self.send_header(name, value)
            if response.status not in BODILESS:
                self.send_header("Content-Length", str(len(response.body)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if not head and response.status not in BODILESS:
                self.wfile.write(response.body)
            log(f"{self.command or '-'} {path} {response.status}")

        def _api(self, length: int) -> None:
            if self._expects_continue and length:
                self.send_response_only(HTTPStatus.CONTINUE)
                self.end_headers()
            body = self._body(length)
            if body is None:
                return
            request = LocalRequest(
                method=self.command,
                target=self.path,
                headers=list(self.headers.items()),
                body=body,
                source_ip=self.client_address[0],
            )
            policy = edge.for_path(urlsplit(self.path).path).cache
            if policy is not None and self.command in {"GET", "HEAD"}:
                # A cached behaviour, as CloudFront: the origin gets the key's query strings and no cookie.
                split = urlsplit(self.path)
                key = cache_key(policy, split.path, split.query)
                query = origin_query(key)
                forwarded = LocalRequest(
                    method=self.command,
                    target=split.path + (f"?{query}" if query else ""),
                    headers=[(k, v) for k, v in request.headers if k.lower() != "cookie"],
                    body=b"",
                    source_ip=request.source_ip,
                )

                def ask_origin() -> LocalResponse:
                    return from_result(api(to_event(forwarded), LocalContext()))

                # A HEAD is answered from a kept GET, else passed on as a HEAD (and not kept).
                head = self.command == "HEAD"
                answer = (kept.peek(key) or ask_origin()) if head else kept.fetch(policy, key, ask_origin)
                self._send(answer, head=head)
                return
            self._send(from_result(api(to_event(request), LocalContext())), head=self.command == "HEAD")

        def _body(self, length: int) -> bytes | None:
            """The body as announced, or None once the client stopped short (408 if it is still there)."""
            try:
                body = self.rfile.read(length) if length else b""
            except TimeoutError:
                self._refuse(Refusal(HTTPStatus.REQUEST_TIMEOUT, "request_timeout", "The body did not arrive."))
                return None
            if len(body) < length:  # the client closed before sending all it announced
                self.close_connection = True
                return None
            return body

        def _static(self, *, head: bool) -> None:
            split = urlsplit(self.path)
            # The distribution's viewer-request function (PageRequestFunction); the local stack has no domain.
            outcome = page_request(split.path, split.query if "?" in self.path else None, self.headers["Host"] or "")
            if isinstance(outcome, Redirect):
                moved = [("Location", outcome.location), ("Cache-Control", "max-age=3600")]
                self._send(LocalResponse(HTTPStatus.MOVED_PERMANENTLY, moved, b""), head=head)
                return
            status = HTTPStatus.OK
            path = static_file(site_dir, outcome.uri)
            if path is None:
                # The bucket's 404 (it may list), as the pages' distribution answers it (its CustomErrorResponses).
                status = HTTPStatus.NOT_FOUND
                page = edge.error_page(status)
                path = static_file(site_dir, page.page_path) if page else None
                status = HTTPStatus(page.response_code) if page else status
            if path is None:
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

        def _route(self, length: int) -> None:
            """/api/* in any method to the functions (routing.py answers 404 or 405 with Allow); pages are read
            with GET and HEAD only."""
            if self._is_api():
                self._api(length)
            elif self.command in {"GET", "HEAD"}:
                # A page request's body means nothing, but must not be read as the next request.
                if self._body(length) is not None:
                    self._static(head=self.command == "HEAD")
            else:
                refusal = Refusal(HTTPStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "Pages are read-only.")
                self._refuse(refusal, allow=PAGE_METHODS)

    return Handler


class LocalHTTPServer(ThreadingHTTPServer):
    # socketserver's default listen backlog of 5 resets connections when a page (or a test) opens many at once.
    request_queue_size = 128


class LocalHTTPServer6(LocalHTTPServer):
    address_family = socket.AF_INET6


def make_server(
    site_dir: Path,
    api: ApiHandler,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    edge: EdgePolicy,
    log: Callable[[str], None] | None = None,
    read_timeout: float = READ_TIMEOUT_SECONDS,
    cache: EdgeCache | None = None,
) -> ThreadingHTTPServer:
    """A server bound to loopback; call serve_forever() (or run it in a thread) and shutdown() to stop.
    ``edge`` is the distribution's behaviour (compression, security headers): see edge_policy.edge_policy().
    It answers only requests whose Host is its own (hosts.py): 127.0.0.1, localhost or ``host``, with its port."""
    server_class = LocalHTTPServer6 if ":" in host else LocalHTTPServer
    server = server_class((host, port), BaseHTTPRequestHandler)
    # The handler is made once bound, so the allow-list has the real port (0 asks the kernel for a free one).
    hosts = HostAllowList.for_server(host, server.server_address[1])
    say = log or (lambda line: print(line, file=sys.stderr))
    server.RequestHandlerClass = make_handler(site_dir, api, edge, hosts, say, read_timeout=read_timeout, cache=cache)
    server.daemon_threads = True
    return server
