"""Suite-wide: the `--full` option of the hardening tests, and the privacy promise about logs, held across
every test: no log line the code writes carries an e-mail address or a telephone number."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest

# The loggers the code writes to: its package, and each function's Powertools logger (named by service).
CODE_LOGGERS = ("carjunction", "inquiry", "register", "order", "release")
EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"\+\s*\d(?:[\s().-]*\d){6,}")
STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--full", action="store_true", default=False, help="hardening tests at full size (more fuzz cases, load)"
    )


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


@pytest.fixture(autouse=True)
def no_personal_data_in_logs() -> Iterator[None]:
    watch = PersonalDataWatch()
    for name in CODE_LOGGERS:
        logging.getLogger(name).addHandler(watch)
    try:
        yield
    finally:
        for name in CODE_LOGGERS:
            logging.getLogger(name).removeHandler(watch)
    assert not watch.offending, f"log lines with an e-mail address or telephone number: {watch.offending}"
