"""Rendering vehicle pages in forked processes gives the same bytes as rendering them in one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.site_build import build_site


def test_pages_rendered_by_two_processes_equal_those_rendered_by_one(
    built_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the real site built the normal way (its small stock renders in one process)
    # When the same content is built with the pages split over two forked processes
    monkeypatch.setenv("CARJUNCTION_RENDER_WORKERS", "2")
    result = build_site(tmp_path / "site")
    # Then it said so, and every generated page and the sitemap are byte-identical
    assert "with 2 process(es)" in result.stderr
    generated = sorted((built_site / "vehicles").rglob("index.html")) + sorted(
        (built_site / "stock").rglob("index.html")
    )
    assert len(generated) > 20
    for page in [*generated, built_site / "sitemap.xml"]:
        twin = tmp_path / "site" / page.relative_to(built_site)
        assert twin.read_bytes() == page.read_bytes(), page.relative_to(built_site)
