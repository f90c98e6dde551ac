"""What the local server checks in a request before it serves it: the Host (DNS rebinding), the request target
(no control characters, valid percent-encoding) and how the body is framed (one plain Content-Length, as API
Gateway needs). Each check answers None, or the Refusal the server sends instead; none reads the body."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from email.message import Message
from http import HTTPStatus
from urllib.parse import unquote_to_bytes

from carjunction.local.hosts import HostAllowList

MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's own payload limit; the functions enforce their smaller one
# Digits only: int() would also take "-1", "+5", " 5", "1_0" and "٣".
CONTENT_LENGTH = re.compile(r"[0-9]{1,20}")
BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# A request target in origin-form is printable ASCII without "#" (browsers percent-encode everything else).
TARGET_CHARACTERS = re.compile(r"/[\x21-\x22\x24-\x7e]*")


@dataclass(frozen=True)
class Refusal:
    status: HTTPStatus
    code: str  # the error shape's stable code
    message: str  # fixed words: never an echo of the request


def vet_host(headers: Message, hosts: HostAllowList) -> Refusal | None:
    values = headers.get_all("Host") or []
    if len(values) != 1:
        return Refusal(HTTPStatus.BAD_REQUEST, "bad_host", "A request needs exactly one Host header.")
    if not hosts.allows(values[0]):
        return Refusal(HTTPStatus.MISDIRECTED_REQUEST, "unknown_host", "This server answers only its own address.")
    return None


def vet_target(target: str) -> Refusal | None:
    """The request target: a path (and query) of printable ASCII, every "%" starting a valid escape, and a path
    that decodes to UTF-8 text without control characters (a NUL among them)."""
    if not TARGET_CHARACTERS.fullmatch(target) or BAD_PERCENT.search(target):
        return Refusal(HTTPStatus.BAD_REQUEST, "bad_path", "The request path is not a valid URL path.")
    path = target.partition("?")[0]
    try:
        decoded = unquote_to_bytes(path).decode("utf-8")
    except UnicodeDecodeError:
        return Refusal(HTTPStatus.BAD_REQUEST, "bad_path", "The request path is not UTF-8.")
    if any(unicodedata.category(character) == "Cc" for character in decoded):
        return Refusal(HTTPStatus.BAD_REQUEST, "bad_path", "The request path has control characters.")
    return None


def body_length(headers: Message) -> tuple[int, Refusal | None]:
    """The body's length from one Content-Length of digits (0 without one), and why it cannot be read, if so."""
    if headers.get_all("Transfer-Encoding"):
        # API Gateway needs the length up front; a chunked body is also the classic way to smuggle a request.
        return 0, Refusal(HTTPStatus.LENGTH_REQUIRED, "length_required", "Send the body with a Content-Length.")
    values = {value.strip(" \t") for value in headers.get_all("Content-Length") or []}
    if not values:
        return 0, None
    value = values.pop()
    if values or not CONTENT_LENGTH.fullmatch(value):
        return 0, Refusal(HTTPStatus.BAD_REQUEST, "bad_content_length", "Content-Length must be one number of bytes.")
    length = int(value)
    if length > MAX_BODY_BYTES:
        return 0, Refusal(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "body_too_large", "The request body is too large.")
    return length, None
