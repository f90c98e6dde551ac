"""A pytest plugin (tests/conftest.py loads it) for the privacy promises held across every test: no log line the
code writes carries an e-mail address or a telephone number, and whatever else a fixture asks to be checked
once the test has run.

Such checks run at the end of the test's call phase, not in a fixture's teardown, so that a broken promise
reports as the test's FAILURE (a teardown can only report an ERROR, which reads as broken test machinery)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator

import pytest

# The loggers the code writes to: its package, and each function's Powertools logger (named by service; the mail
# and alert functions handle addresses and saved searches, so they are watched as closely as the forms).
CODE_LOGGERS = ("carjunction", "inquiry", "register", "order", "release", "mail", "alerts")
EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"\+\s*\d(?:[\s().-]*\d){6,}")
STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

AFTER_THE_TEST = pytest.StashKey[list[Callable[[], None]]]()


def check_after_the_test(request: pytest.FixtureRequest, check: Callable[[], None]) -> None:
    """Run ``check`` when the test function has returned; an AssertionError from it fails the test."""
    request.node.stash.setdefault(AFTER_THE_TEST, []).append(check)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    yield  # a test that failed by itself is reported as it failed; its checks would add nothing
    for check in item.stash.get(AFTER_THE_TEST, []):
        check()


class PersonalDataWatch(logging.Handler):
    """Looks at every record before any formatter (so before the redacting safety net): message, arguments,
    extra fields and traceback."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.offending: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        extra = {key: value for key, value in vars(record).items() if key not in STANDARD}
        text = " ".join([record.getMessage(), repr(extra), record.exc_text or "", str(record.exc_info or "")])
        if EMAIL.search(text) or PHONE.search(text):
            self.offending.append(f"{record.name}: {text[:300]}")

    def check(self) -> None:
        offending, self.offending = self.offending, []  # each line is reported once
        assert not offending, f"log lines with an e-mail address or telephone number: {offending}"


@pytest.fixture(autouse=True)
def no_personal_data_in_logs(request: pytest.FixtureRequest) -> Iterator[None]:
    # Watches the fixtures' setup and the test (checked as the test's result), then the teardowns (checked last,
    # where only an error can be reported: a line logged while tearing down belongs to no test's result).
    watch = PersonalDataWatch()
    for name in CODE_LOGGERS:
        logging.getLogger(name).addHandler(watch)
    check_after_the_test(request, watch.check)
    try:
        yield
    finally:
        for name in CODE_LOGGERS:
            logging.getLogger(name).removeHandler(watch)
    watch.check()
