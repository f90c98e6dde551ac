"""Turn a local HTTP request into the API Gateway HTTP API (payload 2.0) event that Lambda receives,
and the function's result back into an HTTP response.

Why an adapter rather than another web framework: the functions then run exactly the code path
they run on AWS — the same Powertools resolver, the same event parsing, the same cookie handling.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

TEXT_TYPES = ("application/json", "text/", "application/xml", "application/x-www-form-urlencoded")


@dataclass(frozen=True)
class LocalResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


@dataclass(frozen=True)
class LocalRequest:
    method: str
    target: str  # path and query, as on the request line
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str = "127.0.0.1"
    received: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))


def _is_text(content_type: str) -> bool:
    return content_type == "" or content_type.startswith(TEXT_TYPES)


def _joined_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    # API Gateway lower-cases header names and joins repeated ones with commas.
    joined: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        if key == "cookie":
            continue
        joined[key] = f"{joined[key]},{value}" if key in joined else value
    return joined


def to_event(request: LocalRequest) -> dict[str, Any]:
    url = urlsplit(request.target)
    query = parse_qsl(url.query, keep_blank_values=True)
    params: dict[str, str] = {}
    for name, value in query:
        params[name] = f"{params[name]},{value}" if name in params else value
    headers = _joined_headers(request.headers)
    cookies = [
        part.strip()
        for name, value in request.headers
        if name.lower() == "cookie"
        for part in value.split(";")
        if part.strip()
    ]
    text = _is_text(headers.get("content-type", ""))
    try:
        body: str | None = request.body.decode("utf-8") if text else None
    except UnicodeDecodeError:
        body = None
    encoded = body is None and bool(request.body)
    if encoded:
        body = base64.b64encode(request.body).decode("ascii")
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": url.path,
        "rawQueryString": url.query,
        "headers": headers,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": headers.get("host", "127.0.0.1"),
            "domainPrefix": "local",
            "http": {
                "method": request.method,
                "path": url.path,
                "protocol": "HTTP/1.1",
                "sourceIp": request.source_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": request.received.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(request.received.timestamp() * 1000),
        },
        "body": body if request.body else None,
        "isBase64Encoded": encoded,
    }
    if cookies:
        event["cookies"] = cookies
    if params:
        event["queryStringParameters"] = params
    return event


def from_result(result: dict[str, Any]) -> LocalResponse:
    """An HTTP API payload 2.0 result as the client would receive it through API Gateway."""
    headers = [(str(k), str(v)) for k, v in (result.get("headers") or {}).items()]
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers.extend((str(name), str(v)) for v in values)
    headers.extend(("Set-Cookie", str(cookie)) for cookie in result.get("cookies") or [])
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode("utf-8")
    return LocalResponse(status=int(result.get("statusCode", 200)), headers=headers, body=body)
