"""What CloudFront does to a response on its way to the browser, done locally: gzip for the types it compresses
when the browser accepts it, and the response headers policy (the production CSP)."""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from functools import lru_cache

from carjunction.local.edge_policy import Behaviour
from carjunction.local.http_event import LocalResponse

# The edge compresses objects of these sizes only (CloudFront's documented limits).
MIN_COMPRESS_BYTES = 1_000
MAX_COMPRESS_BYTES = 10_000_000
# The media types CloudFront compresses (its documented list, less the font and video types a static site here
# never serves). application/manifest+json and application/atom+xml are not on it, so they go as they are.
COMPRESSIBLE = frozenset(
    {
        "application/javascript",
        "application/json",
        "application/rss+xml",
        "application/wasm",
        "application/xhtml+xml",
        "application/xml",
        "application/x-javascript",
        "image/svg+xml",
        "text/css",
        "text/csv",
        "text/html",
        "text/javascript",
        "text/js",
        "text/plain",
        "text/richtext",
        "text/tab-separated-values",
        "text/xml",
        "text/x-component",
        "text/x-script",
    }
)


def header(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    """The first value of a header, by case-insensitive name."""
    wanted = name.lower()
    return next((value for key, value in headers if key.lower() == wanted), None)


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding value allows gzip ("gzip", "*", not refused with q=0)."""
    quality: dict[str, float] = {}
    for item in (accept_encoding or "").split(","):
        coding, _, params = item.strip().partition(";")
        q = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value)
            except ValueError:
                q = 0.0
        if coding:
            quality[coding.strip().lower()] = q
    return quality.get("gzip", quality.get("*", 0.0)) > 0


def is_compressible(content_type: str | None) -> bool:
    return (content_type or "").split(";")[0].strip().lower() in COMPRESSIBLE


@lru_cache(maxsize=256)
def gzipped(body: bytes) -> bytes:
    # Static files are compressed once per content; mtime=0 keeps the bytes (and so the length) stable.
    return gzip.compress(body, compresslevel=6, mtime=0)


def _with_security_headers(behaviour: Behaviour, headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    result = list(headers)
    for added in behaviour.headers:
        present = header(result, added.name) is not None
        if present and not added.override:
            continue  # the origin's own value stands
        result = [(k, v) for k, v in result if k.lower() != added.name.lower()]
        result.append((added.name, added.value))
    return result


def at_the_edge(
    behaviour: Behaviour,
    request_headers: Iterable[tuple[str, str]],
    response: LocalResponse,
    *,
    static: bool = False,
) -> LocalResponse:
    """``response`` as the browser receives it through this cache behaviour. ``static``: the body is a file's,
    worth keeping compressed (an API answer is compressed afresh and not kept: it may be a member's details)."""
    headers = list(response.headers)
    body = response.body
    content_type = header(headers, "Content-Type")
    if behaviour.compress and is_compressible(content_type) and header(headers, "Content-Encoding") is None:
        # Varies whether or not this request gets it compressed: a shared cache must not mix the two.
        vary = header(headers, "Vary")
        if vary is None:
            headers.append(("Vary", "Accept-Encoding"))
        elif "accept-encoding" not in vary.lower():
            headers = [(k, f"{v}, Accept-Encoding" if k.lower() == "vary" else v) for k, v in headers]
        if accepts_gzip(header(request_headers, "Accept-Encoding")) and (
            MIN_COMPRESS_BYTES <= len(body) <= MAX_COMPRESS_BYTES
        ):
            body = gzipped(body) if static else gzip.compress(body, compresslevel=6, mtime=0)
            headers.append(("Content-Encoding", "gzip"))
            # As CloudFront does, a strong validator becomes weak once the bytes are re-encoded.
            headers = [(k, f"W/{v}" if k.lower() == "etag" and not v.startswith("W/") else v) for k, v in headers]
    return LocalResponse(response.status, _with_security_headers(behaviour, headers), body)
