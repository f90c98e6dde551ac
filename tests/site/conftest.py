from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def built_site(real_site: Path) -> Path:
    """The session's one real site (`real_site`, tests/conftest.py), under the name the render tests know."""
    return real_site
