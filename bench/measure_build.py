"""Build at scale: our `mkdocs build` and Hugo on the same synthetic stock, each into an empty folder.

The output folder is removed before each timed run (not timed), so neither builder pays for deleting
the previous site; the photo cache is warmed by one untimed build first, as on a staff machine.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from build_site import config_for
from hugo_site import hugo_site
from make_stock import make_stock

# The child reports its own peak RSS (KB), so the driver's memory does not count.
BUILD = """
import resource, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
build(load_config(sys.argv[1], site_dir=sys.argv[2]))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def folder_bytes(folder: Path) -> int:
    """Bytes of the distinct files (hard-linked photo variants count once)."""
    seen: set[int] = set()
    total = 0
    for path in folder.rglob("*"):
        info = path.stat()
        if path.is_file() and info.st_ino not in seen:
            seen.add(info.st_ino)
            total += info.st_size
    return total


def ours_once(config: Path, site: Path) -> tuple[float, float]:
    shutil.rmtree(site, ignore_errors=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", BUILD, str(config), str(site)], capture_output=True, text=True, env=env, check=False
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(result.stderr[-3000:])
    own, children = (float(x) / 1024 for x in result.stdout.split()[-2:])
    return seconds, max(own, children)


def hugo_binary() -> str:
    found = shutil.which("hugo")
    if found:
        return found
    # DESIGN.md §6: the peer is Debian's hugo; install it if this machine lacks it.
    subprocess.run(["apt-get", "install", "-y", "-q", "hugo"], check=True, capture_output=True)
    return shutil.which("hugo") or "hugo"


def hugo_once(project: Path, public: Path) -> tuple[float, float]:
    shutil.rmtree(public, ignore_errors=True)
    command = ["/usr/bin/time", "-f", "%M", hugo_binary(), "--quiet", "-s", str(project), "-d", str(public)]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(result.stderr[-3000:])
    return seconds, float(result.stderr.split()[-1]) / 1024


def measure(size: int, runs: int, work: Path, with_hugo: bool) -> dict[str, object]:
    content = make_stock(size, 1, work / f"content-{size}")
    config = config_for(content)
    site = work / f"site-{size}"
    ours_once(config, site)  # warms .cache/photos
    ours = [ours_once(config, site) for _ in range(runs)]
    row: dict[str, object] = {
        "vehicles": size,
        "runs": runs,
        "seconds": statistics.median(s for s, _ in ours),
        "peak_mb": max(m for _, m in ours),
        "site_mb": folder_bytes(site) / 1e6,
        "pages": sum(1 for _ in (site / "vehicles").glob("*/index.html")),
    }
    if with_hugo:
        project = hugo_site(content, work / f"hugo-{size}")
        public = work / f"hugo-public-{size}"
        hugo_once(project, public)  # warm the OS file cache as ours was
        hugo = [hugo_once(project, public) for _ in range(runs)]
        row["hugo_seconds"] = statistics.median(s for s, _ in hugo)
        row["hugo_peak_mb"] = max(m for _, m in hugo)
        row["hugo_pages"] = sum(1 for _ in (public / "vehicles").glob("*/index.html"))
    return row
