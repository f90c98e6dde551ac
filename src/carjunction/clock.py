"""The one clock and the one way a moment is written down (UTC, to the second), for the API and the staff tools."""

from __future__ import annotations

import datetime as dt

ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime(ISO_FORMAT)


def parse_iso(text: str) -> dt.datetime:
    """The inverse of ``iso``."""
    return dt.datetime.strptime(text, ISO_FORMAT).replace(tzinfo=dt.UTC)
