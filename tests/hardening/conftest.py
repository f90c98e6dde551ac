"""The real local stack (moto, the three API functions, the one-origin server) started in this process on
loopback for the hardening tests, and their `--full` size. Its client is tests/support/hardening.py."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from carjunction.local.dynamodb import free_port
from carjunction.local.stack import StackConfig, start_stack
from tests.support.hardening import FUZZ_CASES, FUZZ_KINDS, ROOT, RUN, Api


@pytest.fixture(scope="session")
def full(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--full"))


def pytest_configure(config: pytest.Config) -> None:
    RUN["full"] = bool(config.getoption("--full"))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if FUZZ_CASES:
        size = "full" if RUN["full"] else "default"
        terminalreporter.write_sep("-", f"Schemathesis: {sum(FUZZ_CASES.values())} cases ({size} size)")
        for label, count in [*sorted(FUZZ_CASES.items()), *sorted(FUZZ_KINDS.items())]:
            terminalreporter.write_line(f"{count:6d}  {label}")


# Package scope: moto's backends are shared by the whole process, so this stack must be gone before other
# packages' tests start and reset them.
@pytest.fixture(scope="package")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    work = tmp_path_factory.mktemp("hardening-stack")
    site = work / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>Car Junction</title>", encoding="utf-8")
    config = StackConfig(ROOT, site, work / "state", port=free_port(), say=lambda line: None)
    stack = start_stack(config)
    thread = threading.Thread(target=stack.serve_forever, name="hardening-stack", daemon=True)
    thread.start()
    try:
        yield Api(config.host, config.port, stack)
    finally:
        stack.server.shutdown()
        thread.join(timeout=5)
        stack.stop()
