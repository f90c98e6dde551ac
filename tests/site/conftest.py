from __future__ import annotations

from pathlib import Path

import pytest

from tests.site_build import build_site


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site")
    build_site(site)
    return site
