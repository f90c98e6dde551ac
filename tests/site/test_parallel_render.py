"""The fast ways of rendering generated pages (forked processes, one shared page shell per folder) give exactly
the bytes the theme gives when it renders every page whole, one after another."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.site_build import build_site


def generated_pages(site: Path) -> list[Path]:
    pages = sorted((site / "vehicles").rglob("index.html")) + sorted((site / "stock").glob("*/index.html"))
    return [*pages, site / "sitemap.xml"]


def test_generated_pages_are_byte_identical_however_they_are_rendered(
    built_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the real site built the normal way (shared page shells; its small stock renders in one process)
    # When it is built again with the pages split over two forked processes,
    monkeypatch.setenv("CARJUNCTION_RENDER_WORKERS", "2")
    parallel = build_site(tmp_path / "parallel")
    # and once more as the reference: one process, every page rendered whole by the theme
    monkeypatch.setenv("CARJUNCTION_RENDER_WORKERS", "1")
    monkeypatch.setenv("CARJUNCTION_PAGE_SHELL", "0")
    build_site(tmp_path / "reference")
    # Then the builds said how they rendered, and every generated page and the sitemap are the same bytes
    assert "with 2 process(es)" in parallel.stderr
    pages = generated_pages(built_site)
    assert len(pages) > 20
    for page in pages:
        relative = page.relative_to(built_site)
        reference = (tmp_path / "reference" / relative).read_bytes()
        assert page.read_bytes() == reference, relative
        assert (tmp_path / "parallel" / relative).read_bytes() == reference, relative
