"""Generated pages are rendered one way, page shells filled in N processes: whatever N, every page is the bytes
the theme gives when it renders the page whole; and a template that breaks the contract written at its top
fails the build, naming it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.fixture_site import FIXTURE_CONTENT
from tests.support.site_build import ROOT, build_site, config_for

# The build in a child process, then every generated page rendered whole by the theme, as the plugin's shell
# check renders a shell's first pages: the reference the shells must match.
BUILD_AND_RENDER_WHOLE = """
import logging, sys
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
logging.basicConfig(level=logging.INFO)
config = load_config(sys.argv[1], site_dir=sys.argv[2])
build(config)
plugin = config.plugins["carjunction"]
for page in plugin.pages:
    target = Path(sys.argv[3]) / page.path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(plugin.theme.whole(page), encoding="utf-8")
"""


def generated_pages(site: Path) -> list[Path]:
    return sorted((site / "vehicles").rglob("index.html")) + sorted((site / "stock").glob("*/index.html"))


def processes_used(stderr: str) -> int:
    found = re.search(r"rendered \d+ pages with (\d+) process", stderr)
    assert found, stderr
    return int(found.group(1))


def test_generated_pages_are_the_theme_s_whole_rendering_with_one_process_or_several(
    real_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the real site, built the normal way (a process for each core), and its photo cache
    cache = real_site.parent / "cache"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CARJUNCTION_CACHE_DIR": str(cache)}
    # When it is built in the build's own process, and every generated page is also rendered whole
    one = subprocess.run(
        [sys.executable, "-c", BUILD_AND_RENDER_WHOLE, str(ROOT / "mkdocs.yml"), tmp_path / "one", tmp_path / "whole"],
        env={**env, "CARJUNCTION_RENDER_PROCESSES": "1"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert one.returncode == 0, one.stderr[-3000:]
    # and again in three forked processes
    monkeypatch.setenv("CARJUNCTION_RENDER_PROCESSES", "3")
    three = build_site(tmp_path / "three", cache_dir=cache)
    # Then each build rendered with the processes it was given
    assert processes_used(one.stderr) == 1
    assert processes_used(three.stderr) == 3
    # and every generated page is the same bytes in each, and the same as its whole rendering
    pages = generated_pages(real_site)
    assert len(pages) > 20
    for page in pages:
        relative = page.relative_to(real_site)
        whole = (tmp_path / "whole" / relative).read_bytes()
        assert page.read_bytes() == whole, relative
        assert (tmp_path / "one" / relative).read_bytes() == whole, relative
        assert (tmp_path / "three" / relative).read_bytes() == whole, relative
    # and the sitemap lists them in the same order
    sitemap = (real_site / "sitemap.xml").read_bytes()
    assert (tmp_path / "one" / "sitemap.xml").read_bytes() == sitemap
    assert (tmp_path / "three" / "sitemap.xml").read_bytes() == sitemap


def fixture_site_content(content: Path) -> Path:
    """The fixture catalogue as a site's content: with a home page and the site's own script modules."""
    shutil.copytree(FIXTURE_CONTENT, content)
    shutil.copytree(ROOT / "content" / "assets", content / "assets")
    (content / "index.md").write_text("# Test shop\n", encoding="utf-8")
    return content


BREAKS = {
    "blocks read the navigation": (
        "vehicle.html",
        ('<h2>{{ _("Specifications") }}</h2>', "<p>{{ nav | length }} sections</p>"),
        "reads the site's navigation",
    ),
    "page data outside the page's blocks": (
        "vehicle.html",
        ("{% block content %}", "{% block footer %}{{ item.stock_no }}{% endblock %}\n{% block content %}"),
        "uses the page's data outside its blocks",
    ),
    "no title block of its own": (
        "stock-make.html",
        ("{% block htmltitle %}", "{% block unused %}"),
        "must define its own htmltitle",
    ),
}


@pytest.mark.parametrize(("template", "change", "message"), BREAKS.values(), ids=BREAKS.keys())
def test_a_template_that_breaks_the_contract_fails_the_build_naming_it(
    tmp_path: Path, template: str, change: tuple[str, str], message: str
) -> None:
    # Given the theme's overrides with one generated page's template changed against its contract
    overrides = tmp_path / "overrides"
    shutil.copytree(ROOT / "overrides", overrides)
    text = (overrides / template).read_text(encoding="utf-8")
    assert change[0] in text
    (overrides / template).write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    content = fixture_site_content(tmp_path / "content")
    config = config_for(content, tmp_path, overrides)
    # When the site is built, even without --strict
    with pytest.raises(AssertionError) as failed:
        build_site(tmp_path / "site", config, strict=False)
    # Then the build failed with an error that names the template and what it did
    assert f"template {template} breaks the contract written at its top" in str(failed.value)
    assert message in str(failed.value)
