"""The site's JavaScript calculator against the shared quote vectors, run under node."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support.site_build import ROOT

QUOTE_JS = ROOT / "content" / "assets" / "js" / "quote.js"
VECTORS = ROOT / "tests" / "vectors" / "quote.json"
# The module as the build joins it: its top-level functions, in a scope of its own.
RUNNER = """
const source = require("fs").readFileSync(process.argv[1], "utf8");
const q = require("vm").runInNewContext(`"use strict"; ${source}; ({ landedCost, basisPoints });`);
const cases = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
const out = cases.map((c) => q.landedCost(
  c.vehicle,
  { freight_usd_per_m3: c.port.freight_usd_per_m3, insurance_bp: q.basisPoints(c.port.insurance_rate_pct) },
  c.inspection_fee_usd, c.incoterm));
process.stdout.write(JSON.stringify(out));
"""


def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.fail("node is not installed; .ci/run installs it (apt-get install nodejs)")
    return found


def run_calculator(vectors: Path) -> list[dict[str, Any]]:
    result = subprocess.run(
        [node(), "-e", RUNNER, str(QUOTE_JS), str(vectors)], capture_output=True, text=True, check=True, timeout=30
    )
    answer: list[dict[str, Any]] = json.loads(result.stdout)
    return answer


def test_the_js_calculator_passes_every_shared_vector() -> None:
    # Given the vectors the Python quote passes
    cases = json.loads(VECTORS.read_text(encoding="utf-8"))
    # When the JavaScript computes each one
    results = run_calculator(VECTORS)
    # Then every component equals the expected figure
    assert len(results) == len(cases) >= 30
    for case, result in zip(cases, results, strict=True):
        assert result == case["expected"], case["name"]


def test_a_wrong_expectation_is_caught(tmp_path: Path) -> None:
    # Given one vector with a total off by a dollar
    cases = json.loads(VECTORS.read_text(encoding="utf-8"))[:1]
    cases[0]["expected"]["total_usd"] += 1
    path = tmp_path / "vectors.json"
    path.write_text(json.dumps(cases), encoding="utf-8")
    # When / Then the comparison the test above makes fails
    assert run_calculator(path)[0] != cases[0]["expected"]
