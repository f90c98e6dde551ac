"""What every resolver shares: creation, the size and encoding guard, the Origin check, who is asking."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.shared.cookies import Cookie, SameSite

from carjunction.api import cookie
from carjunction.api.accepts import canonical_content_type, unsupported_body
from carjunction.api.deps import Deps
from carjunction.api.errors import MAX_BODY_BYTES, NotSignedIn, error_response, raw_error, register_error_handlers
from carjunction.api.logic.sign_in import identify_member
from carjunction.api.site_origin import served_origin, serving
from carjunction.api.store.db import Item

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# OpenAPI: routes that need the member cookie say so (the scheme is declared in api/openapi.py).
MEMBER_ONLY: list[dict[str, list[str]]] = [{"memberCookie": []}]


def security_schemes() -> dict[str, Any]:
    """What MEMBER_ONLY refers to, for every OpenAPI document made from these resolvers."""
    from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn  # noqa: PLC0415

    return {"memberCookie": APIKey.model_validate({"in": APIKeyIn.cookie, "name": "member"})}


def parse_json(text: str) -> Any:
    """json.loads, with nesting too deep for the parser reported as bad JSON (400) rather than a crash."""
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text, 0) from None


class SiteResolver(APIGatewayHttpResolver):
    """A resolver that knows the site it serves, so that ``dispatch`` refuses a write from another site before
    anything else answers: a 413, 415 or 422 would already tell another site something about the route."""

    def __init__(self, site_origin: str, origin_secret: Callable[[], str]) -> None:
        super().__init__(enable_validation=True, json_body_deserializer=parse_json)
        self.site_origin = site_origin
        self.origin_secret = origin_secret

    def from_elsewhere(self, method: str, headers: Mapping[str, str]) -> tuple[bool, str]:
        """(refused, the origin the request was served at).

        Browsers always send Origin on cross-site POST/PATCH/DELETE; a request without Origin comes from a
        non-browser client, which holds no victim's cookie, so it is let through. The site is ``site_origin`` and,
        on a request that provably came through CloudFront, the address it was served at (api/site_origin.py): a
        stack without a domain is served only at its dXXXX.cloudfront.net address, which no setting can name.
        """
        if method not in UNSAFE_METHODS:
            return False, ""
        origin = headers.get("origin")
        same = origin is None or origin == self.site_origin
        served = "" if same and self.site_origin else served_origin(headers, self.origin_secret)
        return (not same and origin != served), served


def new_resolver(deps: Deps) -> SiteResolver:
    app = SiteResolver(deps.settings.site_origin, deps.origin_secret)
    register_error_handlers(app)
    app.use(middlewares=[origin_guard(app)])
    return app


def origin_guard(app: SiteResolver) -> Callable[[APIGatewayHttpResolver, NextMiddleware], Response[Any]]:
    """Refuse state-changing requests that a browser sent from another site (CSRF), for callers that resolve
    without ``dispatch``; and make the links this request mails with the address the site is served at."""

    def guard(_: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[Any]:
        event = app.current_event
        refused, served = app.from_elsewhere(event.http_method, event.headers)
        if refused:
            return error_response(HTTPStatus.FORBIDDEN, "bad_origin", "Requests must come from the site itself.")
        with serving(app.site_origin or served):  # the links this request mails
            return next_middleware(app)

    return guard


def dispatch(app: APIGatewayHttpResolver, event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Refuse writes from another site (403), oversize and non-UTF-8 bodies, and bodies of a type the route does
    not take (415), then resolve."""
    if isinstance(app, SiteResolver):
        method = str(event.get("requestContext", {}).get("http", {}).get("method", ""))
        if app.from_elsewhere(method.upper(), event.get("headers") or {})[0]:
            return raw_error(HTTPStatus.FORBIDDEN, "bad_origin", "Requests must come from the site itself.")
    body = event.get("body") or ""
    try:
        raw = base64.b64decode(body, validate=True) if event.get("isBase64Encoded") else body.encode("utf-8")
    except (binascii.Error, UnicodeEncodeError):
        return raw_error(HTTPStatus.BAD_REQUEST, "bad_body", "The body could not be read.")
    if len(raw) > MAX_BODY_BYTES:
        return raw_error(
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "body_too_large", f"Bodies are limited to {MAX_BODY_BYTES} bytes."
        )
    refused = unsupported_body(app, event, has_body=bool(raw))
    if refused is not None:
        return refused
    event = canonical_content_type(event)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw_error(HTTPStatus.BAD_REQUEST, "bad_encoding", "The body is not UTF-8 text.")
    if event.get("isBase64Encoded"):
        event = {**event, "body": text, "isBase64Encoded": False}
    return app.resolve(event, context)


def client_address(app: APIGatewayHttpResolver, deps: Deps) -> str:
    """The buyer's address: CloudFront's viewer address when the request provably came through our
    distribution (it carries the origin secret), else the caller's own address."""
    event = app.current_event
    viewer = event.headers.get("cloudfront-viewer-address")
    presented = event.headers.get("x-origin-verify")
    # The secret is read (cached) only when the request claims to come through CloudFront.
    if viewer and presented:
        secret = deps.origin_secret()
        if secret and hmac.compare_digest(presented.encode(), secret.encode()):
            return viewer.rsplit(":", 1)[0]
    return str(event.request_context.http.source_ip)


def current_member(app: APIGatewayHttpResolver, deps: Deps) -> Item | None:
    return identify_member(deps, cookie.read_cookie(app.current_event.cookies))


def require_member(app: APIGatewayHttpResolver, deps: Deps, message: str) -> Item:
    """The signed-in member, or 401 with ``message``."""
    member = current_member(app, deps)
    if member is None:
        raise NotSignedIn(message)
    return member


def member_cookie(deps: Deps, token: str, max_age: int = cookie.MAX_AGE_SECONDS) -> Cookie:
    return Cookie(
        name=cookie.COOKIE_NAME,
        value=token,
        path="/api",
        secure=deps.settings.cookie_secure,
        http_only=True,
        same_site=SameSite.LAX_MODE,
        max_age=max_age,
    )


def documented(status: HTTPStatus, description: str, model: type[Any] | None = None) -> dict[int, Any]:
    """The success response of a route that does not answer 200, for the OpenAPI document."""
    response: dict[str, Any] = {"description": description}
    if model is not None:
        response["content"] = {"application/json": {"model": model}}
    return {int(status): response}


def json_response(
    status: HTTPStatus, body: Any, cookies: list[Cookie] | None = None, cache: str = "no-store"
) -> Response[Any]:
    return Response(
        status_code=status,
        content_type="application/json",
        body=body,
        headers={"Cache-Control": cache},
        cookies=cookies or [],
    )
