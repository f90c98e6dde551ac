"""AWS services for the deploy tests: moto, in process, with fake credentials (never the network). The clients
and buckets they use are made by tests/support/aws_ops.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.aws_ops import fake_aws

if TYPE_CHECKING:
    from tests.support.admin_world import World


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with fake_aws(monkeypatch):
        yield


@pytest.fixture
def world(aws: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> World:
    """The API's tables on moto, for the admin tests; data is made through the API's own handlers."""
    from tests.support.admin_world import T0, World  # noqa: PLC0415
    from tests.support.api import make_api  # noqa: PLC0415 - only the admin tests need the API

    world = World(make_api(tmp_path), capsys)
    world.at(T0)
    return world
