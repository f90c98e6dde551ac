"""The suite-wide log watch (tests/conftest.py) really catches personal data, before any redaction."""

from __future__ import annotations

import logging

import pytest

from tests.conftest import PersonalDataWatch


@pytest.mark.parametrize(
    ("message", "extra"),
    [
        ("sign-in link sent to %s", {}),
        ("notice failed", {"to": "buyer@example.com"}),
        ("call back", {"telephone": "+254 (0) 712-345-678"}),
    ],
)
def test_the_watch_sees_an_email_or_phone_anywhere_in_a_record(message: str, extra: dict[str, str]) -> None:
    # Given the watch on a logger
    watch = PersonalDataWatch()
    logger = logging.getLogger("hardening.test-watch")  # outside the suite-wide watch
    logger.addHandler(watch)
    logger.setLevel(logging.INFO)
    try:
        # When a line carries an address in its arguments or extra fields
        if "%s" in message:
            logger.info(message, "buyer@example.com", extra=extra)
        else:
            logger.info(message, extra=extra)
        logger.info("order CJ-2026-00042 reserved, 3 items, status 201")
    finally:
        logger.removeHandler(watch)
    # Then exactly that line is flagged, and the line of references and ids is not
    assert len(watch.offending) == 1
