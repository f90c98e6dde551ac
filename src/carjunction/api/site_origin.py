"""The address the site is served from: what the Origin check accepts and where the links in mails point.

With a domain, SITE_ORIGIN names it. Without one, the functions cannot be told the distribution's dXXXX.cloudfront.net
address by CloudFormation (the distribution depends on the API, which depends on them), so CloudFront tells them on
each request: its viewer-request function copies the viewer's Host into X-Viewer-Host. That header is believed only
on a request that carries the origin secret: such a request came through our distribution, which answers only to
its own names, so the host is one of them (a viewer's own X-Viewer-Host is overwritten at the edge).
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

VIEWER_HOST = "x-viewer-host"
ORIGIN_VERIFY = "x-origin-verify"
_HOST = re.compile(r"[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?")
# The origin the current request was served by, for the links its logic mails; set by the Origin check only.
_current: ContextVar[str] = ContextVar("served_origin", default="")


def served_origin(headers: Mapping[str, str], origin_secret: Callable[[], str]) -> str:
    """``https://<host>`` for a request that provably came through our distribution, else ""."""
    host = (headers.get(VIEWER_HOST) or "").strip().lower()
    presented = headers.get(ORIGIN_VERIFY)
    if not presented or not _HOST.fullmatch(host):
        return ""
    # The secret is read (cached) only when a request claims to come through CloudFront.
    secret = origin_secret()
    if secret and hmac.compare_digest(presented.encode(), secret.encode()):
        return f"https://{host}"
    return ""


@contextmanager
def serving(origin: str) -> Iterator[None]:
    """While a request is handled: the origin its links are made with (a context variable, so threads and
    requests never see each other's)."""
    token = _current.set(origin)
    try:
        yield
    finally:
        _current.reset(token)


def link_origin(site_origin: str) -> str:
    """Where a link in a mail points: the configured site, else the address the current request came by."""
    return site_origin or _current.get()
