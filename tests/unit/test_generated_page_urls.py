"""A generated page gets from the build the URLs MkDocs would give it, however the site's URL is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page

from carjunction.site.render import PartsMaker


def config_with(site_url: str | None, tmp_path: Path) -> MkDocsConfig:
    (tmp_path / "docs").mkdir(exist_ok=True)
    config = MkDocsConfig(config_file_path=str(tmp_path / "mkdocs.yml"))
    config.load_dict({"site_name": "Car Junction", "docs_dir": str(tmp_path / "docs"), "site_url": site_url})
    errors, _ = config.validate()
    assert not errors
    return config


@pytest.mark.parametrize(
    "site_url", ["https://www.carjunction.com/", "https://www.carjunction.com", "https://example.org/shop", None]
)
@pytest.mark.parametrize(
    "url", ["vehicles/CJ26001/", "stock/toyota/", "stock/land-rover_2.0/", "vehicles/a b/", "stock/../odd/", ""]
)
def test_a_generated_page_has_the_urls_mkdocs_gives_the_same_page(
    site_url: str | None, url: str, tmp_path: Path
) -> None:
    # Given the site's config, and MkDocs' own page at a URL
    config = config_with(site_url, tmp_path)
    source = File(url.rstrip("/") + ".md", None, config.site_dir, config.use_directory_urls)
    expected = Page("Title", source, config)
    # When the build makes its page for the same URL
    page = PartsMaker(Environment(autoescape=True), config, {}, {}).page(url, "Title", "About")
    # Then every URL the theme prints is the same
    assert (page.url, page.canonical_url, page.abs_url, page.edit_url) == (
        expected.url,
        expected.canonical_url,
        expected.abs_url,
        expected.edit_url,
    )
    assert page.file.dest_uri == expected.file.dest_uri
