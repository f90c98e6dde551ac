"""The suite-wide log watch (tests/support/privacy.py) really catches personal data, before any redaction, and
fails the test that logged it."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.privacy import PersonalDataWatch
from tests.support.site_build import ROOT


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


LEAKING_TESTS = """
import logging

def test_that_logs_an_address():
    logging.getLogger("carjunction.example").warning("link sent to %s", "buyer@example.com")

def test_that_logs_references_only():
    logging.getLogger("carjunction.example").warning("order CJ-2026-00042 reserved")
"""


def test_a_log_line_with_an_address_fails_the_test_that_logged_it(tmp_path: Path) -> None:
    # Given a test that logs an e-mail address through the code's logger, beside one that logs none
    (tmp_path / "test_leaks.py").write_text(LEAKING_TESTS, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    # When pytest runs them with the suite's privacy plugin
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.support.privacy", "-p", "no:cacheprovider", "-q", "-rfE"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    # Then that test FAILED (its own result, not an ERROR in a teardown), naming the line; the other passed
    summary = result.stdout.strip().splitlines()[-1]
    assert result.returncode == 1, result.stdout
    assert summary.startswith("1 failed, 1 passed"), result.stdout
    assert "error" not in summary
    assert "FAILED test_leaks.py::test_that_logs_an_address - " in result.stdout
    assert "log lines with an e-mail address or telephone number" in result.stdout
