"""Time `mkdocs build` of synthetic stocks and report seconds, peak memory and the stock index size.

    python bench/build_site.py 200 1000 10000

Each size is generated (bench/make_stock.py), built once to warm the photo cache, then built
again and measured; the second figure is what a rebuild after a stock edit costs.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
from pathlib import Path

from make_stock import ROOT, make_stock

WORK = ROOT / "bench" / "work"


def config_for(content: Path, languages: list[str] | None = None) -> Path:
    return config_for_content(content, WORK, languages)


def config_for_content(content: Path, work: Path, languages: list[str] | None = None) -> Path:
    """A copy of mkdocs.yml in ``work`` that builds ``content`` with the repository's theme (and the carjunction
    plugin, installed with the package); its cache is ``work/.cache``. ``languages``: the plugin's languages
    option (the site's six by default; ``["en"]`` builds English only)."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("docs_dir: content", f"docs_dir: {content}")
    text = text.replace("custom_dir: overrides", f"custom_dir: {ROOT / 'overrides'}")
    name = content.name
    if languages is not None:
        plugin = "\n  - carjunction\n"
        if plugin not in text:
            raise SystemExit("mkdocs.yml no longer lists the carjunction plugin as `  - carjunction`")
        text = text.replace(plugin, f"\n  - carjunction:\n      languages: [{', '.join(languages)}]\n")
        name += f"-{len(languages)}lang"
    config = work / f"mkdocs-{name}.yml"
    config.write_text(text, encoding="utf-8")
    return config


def build(config: Path, site: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one build in a child process."""
    command = [sys.executable, "-c", BUILD, str(config), str(site)]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(result.stderr[-3000:])
    return seconds, float(result.stdout.strip()) / 1024


# The child reports its own peak RSS, so earlier builds do not count.
BUILD = """
import resource, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
build(load_config(sys.argv[1], site_dir=sys.argv[2]))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [200, 1000]
    WORK.mkdir(parents=True, exist_ok=True)
    print(
        f"{'vehicles':>9} {'first s':>8} {'rebuild s':>9} {'ms/vehicle':>10} {'peak MB':>8} {'index B/vehicle gz':>18}"
    )
    for size in sizes:
        content = make_stock(size, 1, WORK / f"content-{size}")
        config = config_for(content)
        site = WORK / f"site-{size}"
        first, _ = build(config, site)
        seconds, peak = build(config, site)
        index = (site / "stock" / "stock.json").read_bytes()
        per_vehicle = len(gzip.compress(index, 9)) / len(json.loads(index)["no"])
        print(
            f"{size:>9} {first:>8.1f} {seconds:>9.1f} {1000 * seconds / size:>10.2f} {peak:>8.0f} {per_vehicle:>18.1f}"
        )


if __name__ == "__main__":
    main()
