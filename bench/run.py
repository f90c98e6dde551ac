"""`make bench`: measure the DESIGN.md §6 targets and write bench/RESULTS.md (and print the headline table).

.venv/bin/python bench/run.py            # full: 1,000 and 10,000 vehicles in 1 and 6 languages, 5 runs, Lighthouse
.venv/bin/python bench/run.py --quick    # 200 and 1,000 vehicles, 1 run each, filtering on 1,000
.venv/bin/python bench/run.py --languages 6   # the builds in the site's six languages only
.venv/bin/python bench/run.py --only alerts   # the saved searches' matching alone, printed (RESULTS.md untouched)
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import measure_alert_job
import measure_alerts
from build_site import WORK
from make_stock import ROOT

from carjunction.site.languages import LANGUAGES, SOURCE

OTHER_CODES = [code for code in LANGUAGES if code != SOURCE]

FUNCTIONS = ["inquiry", "register", "order", "release"]
IMPORT = "import time; t = time.perf_counter(); import functions.{name}.app; print(time.perf_counter() - t)"


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")  # noqa: PTH123, SIM115
    load = os.getloadavg()[0]
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()} "
        f"{platform.release()}, load average {load:.1f} at start, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    )


def cold_imports(rounds: int) -> dict[str, float]:
    result = {}
    for name in FUNCTIONS:
        samples = []
        for _ in range(rounds):
            out = subprocess.run(
                [sys.executable, "-c", IMPORT.format(name=name)], cwd=ROOT, capture_output=True, text=True, check=True
            )
            samples.append(float(out.stdout.strip()) * 1000)
        result[name] = statistics.median(samples)
    return result


def api_warm() -> list[list[str]]:
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "api_warm.py")], capture_output=True, text=True, check=True
    )
    return [line.split("\t") for line in out.stdout.splitlines() if "\t" in line]


def build_real_site() -> Path:
    site = WORK / "site-real"
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(ROOT / "mkdocs.yml"), "-d", str(site)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=True,
        capture_output=True,
    )
    return site


def kb(n: float) -> str:
    return f"{n / 1024:.1f} KB"


def main() -> None:  # noqa: PLR0915 - one report, written top to bottom
    parser = argparse.ArgumentParser(description="Measure the DESIGN.md §6 targets")
    parser.add_argument("--quick", action="store_true", help="small stocks and one run each, for a quick look")
    parser.add_argument("--no-lighthouse", action="store_true", help="skip Lighthouse (needs npm the first time)")
    parser.add_argument("--readme-only", action="store_true", help="copy bench/RESULTS.md's headline to README.md")
    parser.add_argument("--photos", action="store_true", help="add the photo figures (bench/measure_photos.py)")
    parser.add_argument(
        "--only",
        choices=["alerts"],
        help="measure only this part and print its figures, without writing bench/RESULTS.md or the README",
    )
    parser.add_argument(
        "--languages",
        type=int,
        nargs="+",
        default=[1, 6],
        help="language counts to build each size in (1: English only; 6: the site's six, as it is deployed)",
    )
    args = parser.parse_args()
    if args.readme_only:
        update_readme((ROOT / "bench" / "RESULTS.md").read_text(encoding="utf-8"))
        return
    if args.only == "alerts":
        alerts = measure_alerts.figures()
        print("\n".join([*measure_alerts.headline_rows(alerts), "", *measure_alerts.section(alerts)]))
        print("\n" + "\n".join(measure_alert_job.section(measure_alert_job.figures())))
        return
    from measure_browser import chromium, page_weight, serve, stock_filtering  # noqa: PLC0415
    from measure_build import clear_outputs, measure  # noqa: PLC0415

    WORK.mkdir(parents=True, exist_ok=True)
    clear_outputs(WORK)  # left by an interrupted run
    started = time.perf_counter()
    sizes, runs = ([200, 1000], 1) if args.quick else ([1000, 10_000], 5)
    command = "make bench" + (" ARGS=--quick" if args.quick else "")
    about = machine()
    print(about)
    builds = []
    for languages in args.languages:
        for size in sizes:
            row = measure(size, runs, WORK, with_hugo=size == sizes[-1], languages=languages)
            builds.append(row)
            print(f"build {size} x {languages} languages: {row}")
    largest = sizes[-1]
    # The stock index is English's (at the root) in every build; the filtering is timed on the first largest.
    largest_site = Path(str(next(row["site"] for row in builds if row["vehicles"] == largest)))
    index = (largest_site / "stock" / "stock.json").read_bytes()
    per_vehicle = len(gzip.compress(index, 9)) / len(json.loads(index)["no"])

    real = build_real_site()
    first = sorted(p.name for p in (real / "vehicles").iterdir() if (p / "index.html").is_file())[0]
    with chromium() as browser:
        with serve(real) as origin:
            paths = ["/", "/stock/", f"/vehicles/{first}/", *(f"/{code}/vehicles/{first}/" for code in OTHER_CODES)]
            weights = [page_weight(browser, origin, path) for path in paths]
        with serve(largest_site) as origin:
            filtering = stock_filtering(browser, origin)
    clear_outputs(WORK)
    print(f"weights: {weights}\nfiltering: {filtering}")
    cold = cold_imports(10)
    warm = api_warm()
    print(f"cold imports: {cold}\nwarm: {warm}")
    alerts, alert_job = measure_alerts.figures(), measure_alert_job.figures()
    print(f"alerts: {alerts}\nalert job: {alert_job}")
    lighthouse: dict[str, Any] = {}
    lighthouse_error = "skipped (--no-lighthouse)" if args.no_lighthouse else ""
    if not args.no_lighthouse:
        from measure_lighthouse import scores  # noqa: PLC0415

        try:
            english = ["/", "/stock/", f"/vehicles/{first}/", f"/order/?stock_no={first}"]
            others = ["/fr/", f"/fr/vehicles/{first}/", "/sw/", f"/sw/vehicles/{first}/"]  # two other languages
            lighthouse = scores([*english, *others])
        except (OSError, subprocess.CalledProcessError, SystemExit) as error:
            lighthouse_error = f"could not run: {error}"
    print(f"lighthouse: {lighthouse or lighthouse_error}")

    vehicle_weight = weights[2]
    heaviest = max(weights[2:], key=lambda w: w["gzip"])  # the vehicle page in each language
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {about}.",
        f"Reproduce: `{command}` (driver: `bench/run.py`; took {time.perf_counter() - started:.0f} s).",
        "The machine is shared with other work, so absolute seconds vary with its load; ratios measured in one",
        "run (ours / Hugo, handler / bare call) are the figures to compare.",
        "",
        "## Headline",
        "",
        "| target (DESIGN.md §6) | measured | goal | met |",
        "|---|---|---|---|",
        *headline_build_rows(builds),
        f"| vehicle page first view, gzip (no photos) | {kb(vehicle_weight['gzip'])} | ≤ 80 KB | "
        f"{'yes' if vehicle_weight['gzip'] <= 80 * 1024 else 'no'} |",
        f"| … the heaviest language's ({heaviest['path']}) | {kb(heaviest['gzip'])} | ≤ 80 KB | "
        f"{'yes' if heaviest['gzip'] <= 80 * 1024 else 'no'} |",
        f"| … of which the page's own HTML/CSS/JS | {kb(vehicle_weight['own_gzip'])} | ≤ 20 KB | "
        f"{'yes' if vehicle_weight['own_gzip'] <= 20 * 1024 else 'no'} |",
        f"| main photo at phone width (412 px, DPR 1.75) | {kb(vehicle_weight['photo_bytes'])} | ≤ 120 KB | "
        f"{'yes' if vehicle_weight['photo_bytes'] <= 120 * 1024 else 'no'} |",
        f"| stock index at {largest:,}, gzip per vehicle | {per_vehicle:.1f} B | ≤ 40 B | "
        f"{'yes' if per_vehicle <= 40 else 'no'} |",
        f"| stock filtering at {largest:,} (median / worst of {filtering['changes']}) | "
        f"{filtering['median_ms']:.1f} / {filtering['worst_ms']:.1f} ms | < 50 ms | "
        f"{'yes' if filtering['worst_ms'] < 50 else 'no'} |",
        f"| cold import, slowest handler module | {max(cold.values()):.0f} ms | ≤ 300 ms | "
        f"{'yes' if max(cold.values()) <= 300 else 'no'} |",
    ]
    lines += [
        f"| warm {route}, handler / bare {calls} | {h} / {b} ms = **{r}** | ≤ 1.5 | "
        f"{'yes' if float(r) <= 1.5 else 'no'} |"
        for route, h, calls, b, r in warm
    ]
    lines += measure_alerts.headline_rows(alerts)
    lines += [
        "",
        f"## Build at scale (median of {runs} run(s) each, each into a new empty folder, caches warm)",
        "",
        *build_table(builds),
        "",
        "Pages: vehicle + per-make + other (hand-written pages and their translations), in every language built.",
        "CPU: user + system seconds of the build and every process it started (medians), steadier than the wall",
        "clock on a shared machine. Ours is `mkdocs build` of the whole site (hand-written pages, search index,",
        "stock index, feed, photo variants hard-linked from `.cache/photos`, vehicle and per-make pages rendered",
        "in forked processes), in each language (English at the root, the others under /<code>/). Hugo builds the",
        "vehicle and per-make pages from the same YAML in the same languages with `bench/hugo/layouts` (same",
        "fields, labels through `T` from i18n files written from our catalogues, numbers through",
        "`lang.FormatNumber`; a minimal header/footer, no photo processing): `bench/hugo_site.py`. Runs of the two",
        "alternate, each into a folder of its own, after one untimed run of each; `bench/measure_build.py` says",
        "why. The runs parsed afresh (the parsed-YAML memo removed first, as in the first build of a fresh",
        "checkout, or CI's) alternate with them too.",
        "",
        "## Page weight (built real site, Chromium at 412×823, DPR 1.75; photos and /api excluded; gzip -6)",
        "",
        "| page | files | raw | gzip | own HTML/CSS/JS gzip | theme bundle gzip | own files |",
        "|---|---|---|---|---|---|---|",
    ]
    for w in weights:
        lines.append(
            f"| `{w['path']}` | {w['files']} | {kb(w['raw'])} | {kb(w['gzip'])} | {kb(w['own_gzip'])} | "
            f"{kb(w['theme_gzip'])} | {', '.join(f'`{f}`' for f in w['own_files'])} |"
        )
    lines += [
        "",
        f"Main photo chosen by Chromium on the vehicle page: `{vehicle_weight['photo']}`, "
        f"{kb(vehicle_weight['photo_bytes'])}.",
        "",
        "## API",
        "",
        "Cold import of each function's handler module (fresh interpreter, median of 10): "
        + ", ".join(f"`functions/{n}/app.py` {ms:.0f} ms" for n, ms in cold.items())
        + ".",
        "",
        "Warm requests (medians; GETs of 300, POST /api/orders of one order per free car; one moto server on "
        "loopback, `bench/api_warm.py`):",
        "",
        "| route | through the handler | bare boto3 calls | bare | ratio |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {route} | {h} ms | {calls} | {b} ms | {r} |" for route, h, calls, b, r in warm]
    lines += ["", *measure_alerts.section(alerts), "", *measure_alert_job.section(alert_job)]
    lines += [
        "",
        "## Lighthouse (mobile, npm `lighthouse@12` with Debian's chromium, against `make serve PORT=8021`)",
        "",
    ]
    if lighthouse:
        lines += [
            "Medians of three runs per page; Performance of each run in brackets; binary audits any run failed.",
            "",
            "| page | Performance | Accessibility | Best Practices | SEO | binary audits failed |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| `{path}` | {r['performance']} ({', '.join(map(str, r['runs']))}) | {r['accessibility']} | "
            f"{r['best-practices']} | {r['seo']} | {', '.join(r['failed']) or '–'} |"
            for path, r in lighthouse.items()
        ]
    else:
        lines.append(f"Lighthouse {lighthouse_error}.")
    if args.photos:  # issue 16's figures, on bench/make_photos.py's stock (made once, ~7 GB, under nice)
        photos = WORK / "photos-figures.md"
        for script in ("make_photos.py", "measure_photos.py"):
            subprocess.run(["nice", "-n", "19", sys.executable, str(ROOT / "bench" / script)], check=True)
        lines += ["", photos.read_text(encoding="utf-8")]
    lines += ["", Path(__file__).with_name("NOTES.md").read_text(encoding="utf-8")]
    report = "\n".join(lines) + "\n"
    (ROOT / "bench" / "RESULTS.md").write_text(report, encoding="utf-8")
    update_readme(report)
    print("\n".join(lines[7 : lines.index("", 9)]))
    print(f"\nwrote bench/RESULTS.md and the README's figures in {time.perf_counter() - started:.0f} s")


def headline_build_rows(builds: list[dict[str, Any]]) -> list[str]:
    """The build target's rows: ours / Hugo at the largest size measured with Hugo, per language count."""
    rows = []
    for big in (row for row in builds if "hugo_seconds" in row):
        hugo, fresh, ours = float(big["hugo_seconds"]), float(big["fresh_parse_seconds"]), float(big["seconds"])
        what = f"{big['vehicles']:,} vehicles" + (
            f" × {big['languages']} languages ({big['pages']['vehicle']:,} vehicle pages)"
            if big["languages"] > 1
            else ""
        )
        rows += [
            f"| build {what}, ours / Hugo (rebuild: photo and parsed-YAML caches warm) | "
            f"{ours:.1f} s / {hugo:.1f} s = **{ours / hugo:.2f}** | ≤ 1.0 | {'yes' if ours <= hugo else 'no'} |",
            f"| … first build: every YAML file parsed afresh (memo removed) | {fresh:.1f} s / {hugo:.1f} s "
            f"= **{fresh / hugo:.2f}** | ≤ 1.0 | {'yes' if fresh <= hugo else 'no'} |",
        ]
    return rows


def pages(counts: dict[str, int]) -> str:
    return f"{sum(counts.values()):,} ({counts['vehicle']:,} + {counts['make']:,} + {counts['other']:,})"


def build_table(builds: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| vehicles × languages | pages | seconds (each run) | CPU s | ms / vehicle page | peak RSS | site/ size "
        "| Hugo pages | Hugo seconds (each run) | Hugo CPU s | Hugo peak RSS | ours / Hugo (seconds; CPU) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in builds:
        hugo = (
            f"{pages(row['hugo_pages'])} | {row['hugo_seconds']:.1f} ({', '.join(map(str, row['hugo_all_seconds']))})"
            f" | {row['hugo_cpu_seconds']:.1f} | {row['hugo_peak_mb']:.0f} MB | "
            f"**{row['seconds'] / row['hugo_seconds']:.2f}** (CPU {row['cpu_seconds'] / row['hugo_cpu_seconds']:.2f})"
            if "hugo_seconds" in row
            else "– | – | – | – | –"
        )
        lines.append(
            f"| {row['vehicles']:,} × {row['languages']} | {pages(row['pages'])} | {row['seconds']:.1f} "
            f"({', '.join(map(str, row['all_seconds']))}) | {row['cpu_seconds']:.1f} | "
            f"{1000 * row['seconds'] / row['pages']['vehicle']:.2f} | "
            f"{row['peak_mb']:.0f} MB | {row['site_mb']:.0f} MB | {hugo} |"
        )
        if "fresh_parse_seconds" in row:
            lines.append(
                f"| … parsed afresh | | {row['fresh_parse_seconds']:.1f} "
                f"({', '.join(map(str, row['fresh_parse_all_seconds']))}) | {row['fresh_parse_cpu_seconds']:.1f} "
                f"| | | | | | | | **{row['fresh_parse_seconds'] / row['hugo_seconds']:.2f}** "
                f"(CPU {row['fresh_parse_cpu_seconds'] / row['hugo_cpu_seconds']:.2f}) |"
            )
    return lines


README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"


def update_readme(report: str) -> None:
    """Put the report's machine line, headline table and Lighthouse table between the README's markers."""
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    before, start, rest = text.partition(README_START)
    _, end, after = rest.partition(README_END)
    if not start or not end:
        raise SystemExit(f"README.md lacks the {README_START} … {README_END} markers")
    sections = report.split("\n## ")
    machine = next(line for line in sections[0].splitlines() if line.startswith("Machine:"))
    block = [f"Last `make bench`: {machine.removeprefix('Machine: ')}", ""]
    for section in sections[1:]:
        title, _, body = section.partition("\n")
        if title == "Headline" or title.startswith("Lighthouse"):
            block += [f"{title}:", ""] if title != "Headline" else []
            block += [line for line in body.strip().splitlines() if line.startswith("|")] + [""]
    block.append("Every figure, its method and what is not met: `bench/RESULTS.md`.")
    readme.write_text(before + start + "\n" + "\n".join(block) + "\n" + end + after, encoding="utf-8")


if __name__ == "__main__":
    main()
