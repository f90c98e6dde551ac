"""The generator against golden files: same fixed catalogue in, same pages and data files out, in any process.

The test only compares. After an intended change, run `make golden` and review the diff of tests/site/golden/.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from carjunction.site import generate
from tests.support.fixture_site import fixture_catalogue, fixture_photos, fixture_settings
from tests.support.golden import GOLDEN, generated, golden
from tests.support.site_build import ROOT


def test_the_generator_output_matches_the_golden_files() -> None:
    # The goldens are written by `make golden` only: a test that wrote them would pass against what it wrote
    if os.environ.get("UPDATE_GOLDEN"):
        pytest.fail("UPDATE_GOLDEN is no longer read by the tests: write the goldens with `make golden`")
    # Given the fixed fixture catalogue
    # When the site is generated
    actual = generated()
    # Then every file equals its golden copy, and there is no file more or less
    expected = golden()
    assert sorted(actual) == sorted(expected)
    for name, content in actual.items():
        assert content == expected[name], f"{name} differs from {GOLDEN.relative_to(ROOT)}/{name}"


# A set of two strings keeps its order under about half of the hash seeds, so one pair of processes could miss
# it; against three other seeds the chance of missing it is about 1 in 8, and it shrinks fast as sets grow.
HASH_SEEDS = (1, 2, 3, 4)


def digests_by_hash_seed() -> dict[int, list[list[str]]]:
    """Each output's name and digest, in the generator's order, from a fresh interpreter per hash seed
    (run side by side)."""
    command = [sys.executable, "-m", "tests.support.golden", "--digest"]
    children = {
        seed: subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in HASH_SEEDS
    }
    outputs = {}
    for seed, child in children.items():
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err[-3000:]
        outputs[seed] = json.loads(out)
    return outputs


def test_the_generator_is_pure_same_input_same_output_in_any_process() -> None:
    # Given interpreters that hash strings differently (the order of a set differs between them)
    # When each generates the site from the same catalogue
    first, *others = digests_by_hash_seed().values()
    # Then they all produced the same files, in the same order, with the same bytes
    assert len(first) > 5
    for other in others:
        assert [name for name, _ in other] == [name for name, _ in first]
        assert [name for (name, one), (_, two) in zip(first, other, strict=True) if one != two] == []


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
