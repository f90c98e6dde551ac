"""moto-backed fixtures of the API tests: the API over a fresh moto account, and signed-up members.
The helpers they use live in tests/support/api.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.api import Api, confirm_sign_up, make_api, member_body


@pytest.fixture
def api(aws: None, tmp_path: Path) -> Api:
    return make_api(tmp_path)


@pytest.fixture
def signed_up(api: Api) -> Callable[..., tuple[str, dict[str, Any]]]:
    """Sign a new member up and confirm their address; (cookie, the details they gave)."""

    def sign_up(**changes: Any) -> tuple[str, dict[str, Any]]:
        body = member_body(**changes)
        return confirm_sign_up(api, body), body

    return sign_up
