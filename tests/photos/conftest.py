from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.aws_ops import client, fake_aws


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """An S3 client on moto (tests/support/aws_ops.py)."""
    with fake_aws(monkeypatch):
        yield client("s3")
