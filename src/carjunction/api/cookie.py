"""The one cookie, ``member``: an opaque token signed with HMAC-SHA-256, holding no personal data.

Token: ``v1.<member id>.<issued at, unix s>.<session epoch>.<signature>``. The epoch is a counter kept on
the member; signing out bumps it, so every token issued before is refused (replay after sign-out).

Keys: the secret parameter holds one key, or two separated by white space: the first signs, every one of them
verifies. That lets staff rotate the key without signing anyone out (README, "Rotating the cookie key").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass

COOKIE_NAME = "member"
MAX_AGE_SECONDS = 365 * 24 * 3600
VERSION = "v1"
UNSUBSCRIBE_VERSION = "u1"
ALERT_UNSUBSCRIBE_VERSION = "a1"
MAX_TOKEN_ALERTS = 5  # as many alerts as a member may keep (logic.manage_alerts.MAX_ALERTS)
ALERT_ID_CHARACTERS = frozenset("0123456789abcdefghjkmnpqrstvwxyz")  # make_ids.ALPHABET, lower-case
ALERT_ID_LENGTH = 8


@dataclass(frozen=True)
class Claims:
    member_id: str
    issued_at: int
    epoch: int


def signing_keys(secret: bytes) -> tuple[bytes, ...]:
    """The keys in the secret parameter's value, the signing one first; the value itself if it has no white space."""
    return tuple(secret.split()) or (secret,)


def _sign(key: bytes, payload: str) -> str:
    digest = hmac.new(key, payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _signed_by_any(keys: Sequence[bytes], payload: str, signature: str) -> bool:
    # Every key is tried, so the time taken does not tell which one matched.
    matches = [hmac.compare_digest(_sign(key, payload), signature) for key in keys]
    return any(matches)


def issue(secret: bytes, member_id: str, epoch: int, now: int) -> str:
    if "." in member_id:
        raise ValueError("member ids never contain dots")
    payload = f"{VERSION}.{member_id}.{now}.{epoch}"
    return f"{payload}.{_sign(signing_keys(secret)[0], payload)}"


def verify(secret: bytes, token: str | None, now: int) -> Claims | None:
    """The claims of a genuine, unexpired token; None for anything else (never an error)."""
    if not token or len(token) > 200:
        return None
    parts = token.split(".")
    if len(parts) != 5 or parts[0] != VERSION:
        return None
    payload, signature = ".".join(parts[:4]), parts[4]
    if not _signed_by_any(signing_keys(secret), payload, signature):
        return None
    try:
        issued_at, epoch = int(parts[2]), int(parts[3])
    except ValueError:
        return None
    if not issued_at <= now < issued_at + MAX_AGE_SECONDS:
        return None
    return Claims(member_id=parts[1], issued_at=issued_at, epoch=epoch)


def read_cookie(cookies: list[str] | None) -> str | None:
    """The ``member`` value from an HTTP API v2 event's ``cookies`` list.

    Two ``member`` cookies mean anonymous: one may have been planted by a sibling subdomain (a cookie set for
    ``.example.com``), and picking either would let the planter choose whose session this is.
    """
    values = [value for name, _, value in (c.strip().partition("=") for c in cookies or []) if name == COOKIE_NAME]
    return values[0] if len(values) == 1 else None


def keyed_hash(secret: bytes, purpose: str, value: str) -> str:
    """A keyed hash (with the signing key) for values we must recognise but never store (addresses, tokens)."""
    return keyed_hashes(secret, purpose, value)[0]


def keyed_hashes(secret: bytes, purpose: str, value: str) -> list[str]:
    """The keyed hash under every key, the signing key's first: a token stored before a rotation is still found."""
    return [hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest() for key in signing_keys(secret)]


def unsubscribe_token(secret: bytes, member_id: str) -> str:
    """A link token that turns a member's updates off without signing in (RFC 8058 one-click)."""
    payload = f"{UNSUBSCRIBE_VERSION}.{member_id}"
    return f"{payload}.{_sign(signing_keys(secret)[0], 'unsubscribe:' + payload)}"


def unsubscribe_member(secret: bytes, token: str) -> str | None:
    """The member id of a genuine unsubscribe token; None for anything else."""
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != UNSUBSCRIBE_VERSION:
        return None
    payload = f"{parts[0]}.{parts[1]}"
    return parts[1] if _signed_by_any(signing_keys(secret), "unsubscribe:" + payload, parts[2]) else None


def _alert_ids_valid(alert_ids: Sequence[str]) -> bool:
    return 0 < len(alert_ids) <= MAX_TOKEN_ALERTS and all(
        len(alert_id) == ALERT_ID_LENGTH and set(alert_id) <= ALERT_ID_CHARACTERS for alert_id in alert_ids
    )


def alert_unsubscribe_token(secret: bytes, member_id: str, alert_ids: Sequence[str]) -> str:
    """A link token that pauses these alerts of this member without signing in: ``a1.<member>.<id>-<id>.<sig>``.

    The signature covers member and alerts together, so a token cannot be edited to reach another member's alert.
    Its purpose differs from the ``u1`` token's, so neither signature is ever valid for the other kind."""
    if "." in member_id or not member_id:
        raise ValueError("member ids are never empty and never contain dots")
    if not _alert_ids_valid(alert_ids):
        raise ValueError(f"one to {MAX_TOKEN_ALERTS} alert ids of {ALERT_ID_LENGTH} lower-case id characters")
    payload = f"{ALERT_UNSUBSCRIBE_VERSION}.{member_id}.{'-'.join(alert_ids)}"
    return f"{payload}.{_sign(signing_keys(secret)[0], 'unsubscribe-alerts:' + payload)}"


def alert_unsubscribe_claims(secret: bytes, token: str) -> tuple[str, tuple[str, ...]] | None:
    """(member id, alert ids) of a genuine alert unsubscribe token; None for anything else."""
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != ALERT_UNSUBSCRIBE_VERSION or not parts[1]:
        return None
    payload = ".".join(parts[:3])
    if not _signed_by_any(signing_keys(secret), "unsubscribe-alerts:" + payload, parts[3]):
        return None
    alert_ids = tuple(parts[2].split("-"))
    # A signature of ours over a malformed list cannot exist, but nothing downstream should have to rely on that.
    return (parts[1], alert_ids) if _alert_ids_valid(alert_ids) else None
