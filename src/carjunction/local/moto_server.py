"""moto for the local stack, on loopback and closed to browsers.

moto's own server (moto.server.ThreadedMotoServer) wraps every backend in flask_cors' CORS(app), so a page on any
website may read its answers: the local cookie secret from SSM, every table. Here moto's WSGI application is
served by our own threaded server behind a guard that answers only boto3-like clients: its own Host names (no DNS
rebinding), no CORS headers and no preflights (so a page on another site cannot read an answer), and no request
that a browser marks as coming from another site (so it cannot write either, e.g. a form POST to /moto-api/reset).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from carjunction.api.errors import error_body
from carjunction.local.hosts import HostAllowList

MOTO_HOST = "127.0.0.1"  # always loopback, whatever --host the site server is given
SDK_METHODS = "DELETE, GET, HEAD, PATCH, POST, PUT"  # what the AWS SDKs send; OPTIONS is a browser's preflight
# Sec-Fetch-Site values a browser sends for a request it was not led to by another site.
OWN_SITE = frozenset({"same-origin", "none"})

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def _refuse(
    start_response: StartResponse, status: HTTPStatus, code: str, message: str, *, allow: str | None = None
) -> list[bytes]:
    body = error_body(status, code, message).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body))), ("Cache-Control", "no-store")]
    if allow is not None:
        headers.append(("Allow", allow))
    start_response(f"{status.value} {status.phrase}", headers)
    return [body]


class BrowserGuard:
    """WSGI middleware in front of moto: the checks above, and every Access-Control-* header taken off."""

    def __init__(self, app: WsgiApp, hosts: HostAllowList) -> None:
        self.app = app
        self.hosts = hosts

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if not self.hosts.allows(environ.get("HTTP_HOST")):
            return _refuse(start_response, HTTPStatus.MISDIRECTED_REQUEST, "unknown_host", "Unknown Host.")
        if environ.get("REQUEST_METHOD") == "OPTIONS":
            return _refuse(
                start_response, HTTPStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "No CORS here.", allow=SDK_METHODS
            )
        origin = environ.get("HTTP_ORIGIN")
        fetch_site = environ.get("HTTP_SEC_FETCH_SITE")
        if (origin is not None and origin not in self.hosts.origins) or (
            fetch_site is not None and fetch_site not in OWN_SITE
        ):
            return _refuse(start_response, HTTPStatus.FORBIDDEN, "cross_site", "Requests from other sites are refused.")

        def without_cors(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            kept = [(name, value) for name, value in headers if not name.lower().startswith("access-control-")]
            return start_response(status, kept, exc_info)

        return self.app(environ, without_cors)


class LoopbackMoto:
    """moto's backends behind BrowserGuard, served by a threaded server on a free 127.0.0.1 port."""

    def __init__(self) -> None:
        from moto.moto_server.werkzeug_app import (  # noqa: PLC0415 - only the local stack needs moto
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server  # noqa: PLC0415

        moto_app = DomainDispatcherApplication(create_backend_app)
        # Port 0: the kernel picks a free port while binding, so no other process can take it in between.
        self._server = make_server(MOTO_HOST, 0, moto_app, threaded=True, request_handler=MotoRequestHandler)
        self.port: int = self._server.port
        self.hosts = HostAllowList.for_server(MOTO_HOST, self.port)
        self._server.app = BrowserGuard(moto_app, self.hosts)
        # stop() waits up to one poll interval for the serving loop to notice.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, name="moto", daemon=True
        )

    @property
    def endpoint(self) -> str:
        return f"http://{MOTO_HOST}:{self.port}"

    @property
    def address(self) -> tuple[str, int]:
        """The address the socket is bound to, as the kernel reports it."""
        host, port = self._server.socket.getsockname()[:2]
        return str(host), int(port)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()  # waits for serve_forever to return; it would wait forever if never started
            self._thread.join(timeout=5)
        self._server.server_close()
