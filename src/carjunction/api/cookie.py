"""The one cookie, ``member``: an opaque token signed with HMAC-SHA-256, holding no personal data.

Token: ``v1.<member id>.<issued at, unix s>.<session epoch>.<signature>``. The epoch is a counter kept on
the member; signing out bumps it, so every token issued before is refused (replay after sign-out).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

COOKIE_NAME = "member"
MAX_AGE_SECONDS = 365 * 24 * 3600
VERSION = "v1"


@dataclass(frozen=True)
class Claims:
    member_id: str
    issued_at: int
    epoch: int


def _sign(secret: bytes, payload: str) -> str:
    digest = hmac.new(secret, payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def issue(secret: bytes, member_id: str, epoch: int, now: int) -> str:
    if "." in member_id:
        raise ValueError("member ids never contain dots")
    payload = f"{VERSION}.{member_id}.{now}.{epoch}"
    return f"{payload}.{_sign(secret, payload)}"


def verify(secret: bytes, token: str | None, now: int) -> Claims | None:
    """The claims of a genuine, unexpired token; None for anything else (never an error)."""
    if not token or len(token) > 200:
        return None
    parts = token.split(".")
    if len(parts) != 5 or parts[0] != VERSION:
        return None
    payload, signature = ".".join(parts[:4]), parts[4]
    if not hmac.compare_digest(_sign(secret, payload), signature):
        return None
    try:
        issued_at, epoch = int(parts[2]), int(parts[3])
    except ValueError:
        return None
    if not issued_at <= now < issued_at + MAX_AGE_SECONDS:
        return None
    return Claims(member_id=parts[1], issued_at=issued_at, epoch=epoch)


def read_cookie(cookies: list[str] | None) -> str | None:
    """The ``member`` value from an HTTP API v2 event's ``cookies`` list."""
    for cookie in cookies or []:
        name, _, value = cookie.strip().partition("=")
        if name == COOKIE_NAME:
            return value
    return None


def keyed_hash(secret: bytes, purpose: str, value: str) -> str:
    """A keyed hash for values we must recognise but never store (IP addresses, sign-in tokens)."""
    return hmac.new(secret, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()
