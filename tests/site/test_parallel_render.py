"""The fast ways of rendering generated pages (forked processes started early, one shared page shell per folder)
give exactly the bytes the theme gives when it renders every page whole, one after another; and a template the
fast way cannot share is rendered whole, with a warning."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.site_build import ROOT, build_site


def generated_pages(site: Path) -> list[Path]:
    pages = sorted((site / "vehicles").rglob("index.html")) + sorted((site / "stock").glob("*/index.html"))
    return [*pages, site / "sitemap.xml"]


def rendered(stderr: str) -> tuple[int, int, int]:
    """Pages, of which rendered whole, and processes, as the build reported them."""
    found = re.search(r"rendered (\d+) pages \((\d+) whole\) with (\d+) process", stderr)
    assert found, stderr
    pages, whole, processes = (int(n) for n in found.groups())
    return pages, whole, processes


def test_generated_pages_are_byte_identical_however_they_are_rendered(
    built_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the real site built the normal way (shared page shells; its small stock renders in one process)
    # When it is built again with the pages split over two processes forked while MkDocs reads the docs,
    monkeypatch.setenv("CARJUNCTION_RENDER_WORKERS", "2")
    parallel = build_site(tmp_path / "parallel")
    # and once more as the reference: one process, every page rendered whole by the theme
    monkeypatch.setenv("CARJUNCTION_RENDER_WORKERS", "1")
    monkeypatch.setenv("CARJUNCTION_PAGE_SHELL", "0")
    reference = build_site(tmp_path / "reference")
    # Then the builds said how they rendered: through shells in two processes, and whole for the reference
    pages = generated_pages(built_site)
    assert rendered(parallel.stderr) == (len(pages) - 1, 0, 2)
    assert rendered(reference.stderr) == (len(pages) - 1, len(pages) - 1, 1)
    # and every generated page and the sitemap are the same bytes
    assert len(pages) > 20
    for page in pages:
        relative = page.relative_to(built_site)
        expected = (tmp_path / "reference" / relative).read_bytes()
        assert page.read_bytes() == expected, relative
        assert (tmp_path / "parallel" / relative).read_bytes() == expected, relative


def test_a_vehicle_template_that_reads_the_navigation_in_its_blocks_is_rendered_whole_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the theme's vehicle template changed to show how many sections the site's navigation has,
    # which its own blocks are rendered without when the pages are made early
    overrides = tmp_path / "overrides"
    shutil.copytree(ROOT / "overrides", overrides)
    template = overrides / "vehicle.html"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("<h2>Specifications</h2>", "<p>{{ nav | length }} sections</p>"), "utf-8")
    config = tmp_path / "mkdocs.yml"
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("strict: true", "strict: false")
    text = text.replace("custom_dir: overrides", f"custom_dir: {overrides}")
    text = text.replace("src/carjunction/site/mkdocs_hooks.py", str(ROOT / "src/carjunction/site/mkdocs_hooks.py"))
    text = text.replace("docs_dir: content", f"docs_dir: {ROOT / 'content'}")
    config.write_text(text, encoding="utf-8")
    (ROOT / ".cache").mkdir(exist_ok=True)
    (tmp_path / ".cache").symlink_to(ROOT / ".cache")  # the photo variants the other builds made
    # When the site is built with two processes, without --strict
    monkeypatch.setenv("CARJUNCTION_RENDER_WORKERS", "2")
    result = build_site(tmp_path / "site", config, strict=False)
    # Then the build warned why, and rendered every vehicle page whole, each showing the navigation's size
    assert "reads the site's navigation in its own blocks" in result.stderr
    vehicles = sorted((tmp_path / "site/vehicles").rglob("index.html"))
    pages, whole, _ = rendered(result.stderr)
    assert whole == len(vehicles) > 10
    assert pages > whole  # the per-make pages still came from their shell
    for page in vehicles:
        assert "<p>5 sections</p>" in page.read_text(encoding="utf-8"), page
    # and under --strict the same template fails the build instead
    with pytest.raises(AssertionError, match="reads the site's navigation"):
        build_site(tmp_path / "strict", config)
