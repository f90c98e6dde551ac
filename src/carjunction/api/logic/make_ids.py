"""Random identifiers: unguessable, unambiguous when read aloud or typed from paper."""

from __future__ import annotations

import secrets

# Crockford's base32 without I, L, O, U: nothing to confuse on a printed invoice.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def random_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def member_id() -> str:
    return random_code(16).lower()


def inquiry_reference() -> str:
    return f"Q-{random_code(8)}"


def order_no() -> str:
    return f"CJ-{random_code(8)}"


def invoice_code() -> str:
    """80 random bits in four groups of four, e.g. 7KQ2-M9DX-3RTA-V0PZ."""
    code = random_code(16)
    return "-".join(code[i : i + 4] for i in range(0, 16, 4))


def normalise_email(email: str) -> str:
    return email.strip().lower()
