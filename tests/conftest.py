"""Suite-wide options: `--full` runs the hardening tests at the sizes of the issue instead of the quick default."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--full", action="store_true", default=False, help="hardening tests at full size (more fuzz cases, load)"
    )
