"""The local origin against a hostile client, spoken to in raw bytes: only its own Host names are answered (DNS
rebinding), a bad Content-Length, path or framing gets a 400-class answer in the error shape instead of a hung
thread or a dropped connection, and every undeclared method gets 405 with Allow. After each, it still serves."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest

from carjunction.api.tables import load_template
from carjunction.local.edge_policy import edge_policy
from carjunction.local.routing import EDGE_METHODS, route_handler, routed_functions, routes_from_template
from carjunction.local.server import make_server

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = load_template(ROOT / "template.yaml")


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def error(self) -> dict[str, Any]:
        assert self.headers["content-type"] == "application/json"
        error: dict[str, Any] = json.loads(self.body)["error"]
        assert set(error) == {"code", "message", "fields"}
        return error


@dataclass
class Origin:
    port: int
    calls: list[str]  # "function METHOD path" for each event a function was given

    def send(self, raw: bytes, *, timeout: float = 5) -> Reply:
        """``raw`` on a new connection; the one reply, read until the server closes or the body is complete."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as connection:
            connection.sendall(raw)
            received = b""
            while b"\r\n\r\n" not in received:
                chunk = connection.recv(65536)
                assert chunk, f"the connection was dropped without an answer: {received!r}"
                received += chunk
            head, _, body = received.partition(b"\r\n\r\n")
            status_line, *lines = head.decode("latin-1").split("\r\n")
            headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
            length = int(headers.get("content-length", "0"))
            while len(body) < length and not raw.startswith(b"HEAD"):
                chunk = connection.recv(65536)
                if not chunk:
                    break
                body += chunk
            return Reply(int(status_line.split()[1]), headers, body)

    def request(
        self, method: str, target: str, *, host: str | None = None, extra: str = "", body: bytes = b""
    ) -> Reply:
        host_line = f"Host: {host or f'127.0.0.1:{self.port}'}\r\n" if host != "" else ""
        head = f"{method} {target} HTTP/1.1\r\n{host_line}{extra}Connection: close\r\n\r\n"
        return self.send(head.encode("latin-1") + body)

    def still_serves(self) -> bool:
        return self.request("GET", "/").status == HTTPStatus.OK


@pytest.fixture
def origin(tmp_path: Path) -> Iterator[Origin]:
    (tmp_path / "index.html").write_text("<h1>home</h1>")
    calls: list[str] = []

    def function(name: str) -> Any:
        def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
            calls.append(f"{name} {event['requestContext']['http']['method']} {event['rawPath']}")
            return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": "{}"}

        return handle

    routes = routes_from_template(TEMPLATE)
    api = route_handler(routes, {n: function(n) for n in routed_functions(routes)})
    server = make_server(tmp_path, api, port=0, edge=edge_policy(TEMPLATE), log=lambda line: None, read_timeout=0.5)
    # A short poll interval: shutdown() waits for it, and this fixture starts a server for each test.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield Origin(server.server_address[1], calls)
    server.shutdown()
    server.server_close()


# --- Host: DNS rebinding ---------------------------------------------------------------------------------------


def test_a_rebound_name_is_refused_on_pages_and_on_the_api(origin: Origin) -> None:
    # Given a page on evil.example whose name now points at 127.0.0.1 (the browser sends its own name as Host)
    rebound = f"evil.example:{origin.port}"
    # When it asks for a page and for the member's data
    page = origin.request("GET", "/", host=rebound)
    api = origin.request("GET", "/api/me", host=rebound)
    # Then neither is served: 421, the API's in the error shape, and no function ran
    assert page.status == api.status == HTTPStatus.MISDIRECTED_REQUEST
    assert page.headers["content-type"].startswith("text/plain")
    assert b"<h1>home</h1>" not in page.body
    assert api.error["code"] == "unknown_host"
    assert origin.calls == []
    assert origin.still_serves()


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}"])
def test_its_own_names_are_served(origin: Origin, host: str) -> None:
    assert origin.request("GET", "/", host=host.format(port=origin.port)).status == HTTPStatus.OK


@pytest.mark.parametrize("host", ["127.0.0.1:1", "127.0.0.1", "localhost.evil.example:{port}", "127.0.0.1:{port}@x"])
def test_another_port_or_name_is_refused(origin: Origin, host: str) -> None:
    assert origin.request("GET", "/", host=host.format(port=origin.port)).status == HTTPStatus.MISDIRECTED_REQUEST


def test_a_request_without_exactly_one_host_is_refused(origin: Origin) -> None:
    assert origin.request("GET", "/", host="").status == HTTPStatus.BAD_REQUEST
    twice = origin.request("GET", "/", extra=f"Host: evil.example:{origin.port}\r\n")
    assert twice.status == HTTPStatus.BAD_REQUEST


# --- Content-Length, Transfer-Encoding -------------------------------------------------------------------------


@pytest.mark.parametrize("length", ["-1", "abc", "+5", "0x10", "1e3", "5, 5", "", "99999999999999999999999"])
def test_a_content_length_that_is_not_digits_gets_400_at_once(origin: Origin, length: str) -> None:
    # When a body is announced with a length that is not a plain number (-1 once hung a thread; abc dropped it)
    reply = origin.request("POST", "/api/inquiries", extra=f"Content-Length: {length}\r\n", body=b"{}")
    # Then it is refused in the error shape, within the client's 5 s, and no function ran
    assert reply.status == HTTPStatus.BAD_REQUEST
    assert reply.error["code"] == "bad_content_length"
    assert origin.calls == []
    assert origin.still_serves()


def test_two_different_lengths_are_refused(origin: Origin) -> None:
    extra = "Content-Length: 2\r\nContent-Length: 20\r\n"
    reply = origin.request("POST", "/api/inquiries", extra=extra, body=b"{}")
    assert reply.status == HTTPStatus.BAD_REQUEST
    assert origin.calls == []


def test_a_body_over_the_limit_is_refused_before_it_is_read(origin: Origin) -> None:
    reply = origin.request("POST", "/api/inquiries", extra="Content-Length: 10485761\r\n")
    assert reply.status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert reply.error["code"] == "body_too_large"
    assert origin.still_serves()


def test_a_chunked_api_body_needs_a_length(origin: Origin) -> None:
    # When a body comes chunked (API Gateway needs its length; chunks are also how requests are smuggled)
    extra = "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
    reply = origin.request("POST", "/api/inquiries", extra=extra, body=b"2\r\n{}\r\n0\r\n\r\n")
    # Then 411 in the error shape, and the function never saw it
    assert reply.status == HTTPStatus.LENGTH_REQUIRED
    assert reply.error["code"] == "length_required"
    assert origin.calls == []
    assert origin.still_serves()


def test_a_body_that_stops_short_frees_its_thread_with_408(origin: Origin) -> None:
    # When a client announces 10 bytes, sends 2 and waits (the server's read timeout is 0.5 s here, 60 s served)
    reply = origin.request("POST", "/api/inquiries", extra="Content-Length: 10\r\n", body=b"{}")
    # Then it is told so, and no function saw the half body
    assert reply.status == HTTPStatus.REQUEST_TIMEOUT
    assert reply.error["code"] == "request_timeout"
    assert origin.calls == []
    assert origin.still_serves()


def test_continue_is_sent_only_for_a_request_that_will_be_served(origin: Origin) -> None:
    expect = "Content-Length: 2\r\nExpect: 100-continue\r\n"
    # A rebound name gets its refusal at once, never an invitation to send the body
    refused = origin.request("POST", "/api/inquiries", host="evil.example", extra=expect)
    assert refused.status == HTTPStatus.MISDIRECTED_REQUEST
    # A good request is invited, sends its body, and is served
    with socket.create_connection(("127.0.0.1", origin.port), timeout=5) as connection:
        head = f"POST /api/inquiries HTTP/1.1\r\nHost: 127.0.0.1:{origin.port}\r\n{expect}Connection: close\r\n\r\n"
        connection.sendall(head.encode())
        assert connection.recv(65536).startswith(b"HTTP/1.1 100 Continue\r\n")
        connection.sendall(b"{}")
        assert connection.recv(65536).startswith(b"HTTP/1.1 200 OK\r\n")
    assert origin.calls == ["inquiry POST /api/inquiries"]


def test_a_declared_body_is_passed_on_and_the_connection_kept(origin: Origin) -> None:
    # Given two requests on one connection, the first with a body
    first = f"POST /api/inquiries HTTP/1.1\r\nHost: 127.0.0.1:{origin.port}\r\nContent-Length: 2\r\n\r\n{{}}"
    second = f"GET /api/orders HTTP/1.1\r\nHost: 127.0.0.1:{origin.port}\r\nConnection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", origin.port), timeout=5) as connection:
        connection.sendall((first + second).encode())
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    # Then both are answered, each by its function
    assert received.count(b"HTTP/1.1 200 OK") == 2
    assert origin.calls == ["inquiry POST /api/inquiries", "order GET /api/orders"]


# --- the request target ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target", ["/api/me%00", "/%00", "/stock/%0a/", "/api/%1b", "/api/me%7f", "/%c2%85", "/%zz", "/a%2", "/%ff"]
)
def test_a_path_with_control_characters_or_bad_escapes_gets_400(origin: Origin, target: str) -> None:
    # When the path decodes to a NUL or another control character, or is not valid percent-encoding or UTF-8
    reply = origin.request("GET", target)
    # Then 400 (it used to drop the connection), in the error shape on /api
    assert reply.status == HTTPStatus.BAD_REQUEST
    if target.startswith("/api/"):
        assert reply.error["code"] == "bad_path"
    assert origin.calls == []
    assert origin.still_serves()


def test_raw_control_bytes_in_the_request_line_get_400(origin: Origin) -> None:
    reply = origin.send(f"GET /a\x01b HTTP/1.1\r\nHost: 127.0.0.1:{origin.port}\r\n\r\n".encode())
    assert reply.status == HTTPStatus.BAD_REQUEST
    assert origin.still_serves()


def test_a_name_too_long_for_the_file_system_is_just_not_found(origin: Origin) -> None:
    assert origin.request("GET", "/" + "a" * 300 + "/").status == HTTPStatus.NOT_FOUND
    assert origin.still_serves()


def test_http_servers_own_errors_come_in_the_error_shape(origin: Origin) -> None:
    # A request line of http.server's "bad version" kind, on the API
    reply = origin.send(b"GET /api/me HTTP/1.x\r\n\r\n")
    assert reply.status == HTTPStatus.BAD_REQUEST
    assert reply.error["code"] == "bad_request"
    assert b"<html" not in reply.body.lower()


# --- methods -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["TRACE", "OPTIONS", "FOO", "POST", "PUT", "DELETE", "PATCH"])
def test_pages_answer_other_methods_with_405_and_allow(origin: Origin, method: str) -> None:
    reply = origin.request(method, "/")
    assert reply.status == HTTPStatus.METHOD_NOT_ALLOWED
    assert reply.headers["allow"] == "GET, HEAD"
    assert b"<html" not in reply.body.lower()  # no longer http.server's HTML 501
    assert origin.still_serves()


def test_connect_gets_405_not_a_tunnel(origin: Origin) -> None:
    reply = origin.request("CONNECT", "example.com:443")
    assert reply.status == HTTPStatus.METHOD_NOT_ALLOWED
    assert reply.headers["allow"] == "GET, HEAD"


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/api/orders", "GET, POST"),
        ("TRACE", "/api/orders", "GET, POST"),
        ("OPTIONS", "/api/orders/CJ-ABCDEFGH", "GET"),
        ("DELETE", "/api/inquiries", "POST"),
        ("HEAD", "/api/quote", "GET"),
        ("FOO", "/api/session", "DELETE, POST"),
        # /api/me is ANY: every method the edge passes on goes to the function; others stop here
        ("TRACE", "/api/me", ", ".join(sorted(EDGE_METHODS))),
    ],
)
def test_api_paths_answer_undeclared_methods_with_405_and_the_declared_ones(
    origin: Origin, method: str, path: str, allow: str
) -> None:
    # When a path of the API is asked with a method template.yaml does not declare for it
    reply = origin.request(method, path)
    # Then 405 in the error shape, Allow listing the declared methods, and no function ran
    assert reply.status == HTTPStatus.METHOD_NOT_ALLOWED
    assert reply.headers["allow"] == allow
    if method != "HEAD":
        assert reply.error["code"] == "method_not_allowed"
    assert reply.body == b"" or method != "HEAD"
    assert origin.calls == []


def test_an_unknown_api_path_is_still_404(origin: Origin) -> None:
    reply = origin.request("PUT", "/api/nothing")
    assert reply.status == HTTPStatus.NOT_FOUND
    assert reply.error["code"] == "not_found"


def test_any_routes_pass_the_edge_methods_to_their_function(origin: Origin) -> None:
    assert origin.request("OPTIONS", "/api/me").status == HTTPStatus.OK
    assert origin.calls == ["register OPTIONS /api/me"]


def test_the_edge_methods_are_the_templates(origin: Origin) -> None:
    behaviours = TEMPLATE["Resources"]["Distribution"]["Properties"]["DistributionConfig"]["CacheBehaviors"]
    api = [b for b in behaviours if b["PathPattern"].startswith("/api/")]
    assert "/api/*" in {b["PathPattern"] for b in api}
    assert all(set(b["AllowedMethods"]) == EDGE_METHODS for b in api)
