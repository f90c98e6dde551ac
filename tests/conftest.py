"""Suite-wide: the `--full` option of the hardening tests; the privacy promise about logs, held across every test
(tests/support/privacy.py); moto for the API's tests; and the real site, built once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.site_build import build_site

pytest_plugins = ("tests.support.privacy",)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--full", action="store_true", default=False, help="hardening tests at full size (more fuzz cases, load)"
    )


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`mkdocs build --strict` of the repository's mkdocs.yml and content, once per session, into a temporary
    folder with a cache folder of its own. Read-only: a test that must change the site copies it first."""
    work = tmp_path_factory.mktemp("real-site")
    build_site(work / "site", cache_dir=work / "cache")
    return work / "site"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto for every AWS call, with fake credentials in the API's region (never the network)."""
    from moto import mock_aws  # noqa: PLC0415 - only the tests on AWS pay for importing moto

    from tests.support.api import REGION  # noqa: PLC0415

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield
