"""The generator against golden files: same fixed catalogue in, same pages and data files out.

After an intended change, run `UPDATE_GOLDEN=1 pytest tests/site` and review the diff of tests/site/golden/.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from carjunction.site import SiteBuild, generate
from tests.site.fixture_site import fixture_catalogue, fixture_photos, fixture_settings

GOLDEN = Path(__file__).parent / "golden"


def rendered(build: SiteBuild) -> dict[str, bytes]:
    """The build as files: data files as they are, pages and summary as indented JSON."""
    out = {f"files/{f.path}": f.content for f in build.files}
    for page in build.pages:
        record = {"template": page.template, "title": page.title, "description": page.description, "data": page.data}
        out[f"pages/{page.url}page.json"] = json.dumps(record, indent=1, ensure_ascii=False, sort_keys=True).encode()
    out["summary.json"] = json.dumps(build.summary, indent=1, ensure_ascii=False, sort_keys=True).encode()
    return out


def generated() -> dict[str, bytes]:
    catalogue = fixture_catalogue()
    return rendered(generate(catalogue, fixture_settings(), fixture_photos(catalogue)))


def test_the_generator_output_matches_the_golden_files() -> None:
    # Given the fixed fixture catalogue
    # When the site is generated
    actual = generated()
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, content in actual.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_bytes(content)
    # Then every file equals its golden copy, and there is no file more or less
    expected = {str(p.relative_to(GOLDEN)): p.read_bytes() for p in GOLDEN.rglob("*") if p.is_file()}
    assert sorted(actual) == sorted(expected)
    for name, content in actual.items():
        assert content == expected[name], f"{name} differs from tests/site/golden/{name}"


def test_the_generator_is_pure_same_input_same_output() -> None:
    # Given / When the generator runs twice on the same input
    # Then the outputs are identical
    assert generated() == generated()


def test_withdrawn_vehicles_get_nothing_and_sold_ones_keep_a_page_but_are_not_listed() -> None:
    # Given FX003 sold and FX004 withdrawn in the fixture
    catalogue = fixture_catalogue()
    build = generate(catalogue, fixture_settings(), fixture_photos(catalogue))
    urls = {p.url for p in build.pages}
    index = json.loads(next(f.content for f in build.files if f.path == "stock/stock.json"))
    # Then
    assert "vehicles/FX003/" in urls
    assert "vehicles/FX004/" not in urls
    assert index["no"] == ["FX001", "FX002"]
    assert {"stock/toyota/"} == {p.url for p in build.pages if p.template == "stock-make.html"}
