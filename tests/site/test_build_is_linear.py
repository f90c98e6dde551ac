"""The build does the same work per vehicle at any stock size (DESIGN.md §6: nav and per-page lookups once
went quadratic). Counted in Python function calls, not timed, so a busy machine cannot make it fail."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from carjunction.sample_stock import make_stock
from tests.support.site_build import ROOT, config_for

# The child builds with cProfile on and prints how many Python function calls the build made. Summed over the
# profiler's own entries, one per code object: pstats keys them by file, line and name, and the theme's templates
# are compiled once in each of two Jinja environments, so it would keep one of each pair, whichever came last.
COUNT_CALLS = """
import cProfile, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config(sys.argv[1], site_dir=sys.argv[2])
profile = cProfile.Profile()
profile.runcall(build, config)
print(sum(entry.callcount for entry in profile.getstats()))
"""


def build_calls(size: int, tmp_path: Path) -> int:
    # Each size in a folder of its own, so each build starts with empty caches (photos, compiled templates)
    work = tmp_path / str(size)
    content = make_stock(size, seed=size, out=work / f"content-{size}", source=ROOT / "content")
    config = config_for(content, work)
    # One process renders, so the profile sees every call; the cache is this size's own
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "CARJUNCTION_RENDER_PROCESSES": "1",
        "CARJUNCTION_CACHE_DIR": str(work / "cache"),
    }
    result = subprocess.run(
        [sys.executable, "-c", COUNT_CALLS, str(config), str(work / f"site-{size}")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return int(result.stdout.split()[-1])


def test_each_added_vehicle_costs_the_same_work_from_100_to_500_vehicles(tmp_path: Path) -> None:
    # Given synthetic stocks of 100, 300 and 500 vehicles
    # When each is built, counting the function calls
    small, middle, large = (build_calls(size, tmp_path) for size in (100, 300, 500))
    # Then the 200 vehicles added second cost no more than 1.25 × the 200 added first (quadratic work doubles it)
    first, second = middle - small, large - middle
    assert first > 0
    assert second <= 1.25 * first, f"per-vehicle calls grew from {first / 200:.0f} to {second / 200:.0f}"
