"""Lighthouse (npm's, run with Debian's chromium) mobile scores against `make serve` on loopback.

npm installs lighthouse into bench/work/ on first use (not committed).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "work"
CHROME_FLAGS = " ".join(
    [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def lighthouse_binary() -> Path:
    binary = WORK / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        npm = shutil.which("npm") or "npm"
        subprocess.run([npm, "install", "--prefix", str(WORK), "--no-audit", "--no-fund", "lighthouse@12"], check=True)
    return binary


def wait_for(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    raise SystemExit(f"make serve did not listen on port {port}")


def scores(paths: list[str], port: int = 8021, runs: int = 3) -> dict[str, dict[str, Any]]:
    """Each page's median scores of ``runs`` Lighthouse runs (Lighthouse's own advice: one run varies with the
    machine), with every run's Performance and the binary audits any run failed."""
    binary = lighthouse_binary()
    server = subprocess.Popen(
        ["make", "serve", f"PORT={port}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for(port, 180)
        return {path: median_of_runs(binary, port, path, runs) for path in paths}
    finally:
        os.killpg(server.pid, signal.SIGINT)  # the stack saves its tables on Ctrl-C
        server.wait(timeout=30)


def median_of_runs(binary: Path, port: int, path: str, runs: int) -> dict[str, Any]:
    name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
    found: list[dict[str, int]] = []
    failed: set[str] = set()
    for run in range(1, runs + 1):
        report = WORK / f"lighthouse-{name}-{run}.json"
        subprocess.run(
            [
                str(binary),
                f"http://127.0.0.1:{port}{path}",
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                f"--only-categories={','.join(CATEGORIES)}",
                f"--chrome-flags={CHROME_FLAGS}",
                "--form-factor=mobile",
            ],
            env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
            check=True,
            capture_output=True,
        )
        data = json.loads(report.read_text(encoding="utf-8"))
        found.append({c: round(100 * (data["categories"][c]["score"] or 0)) for c in CATEGORIES})
        failed |= {
            a["id"]
            for a in data["audits"].values()
            if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") == "binary"
        }
    result: dict[str, Any] = {c: round(statistics.median(run[c] for run in found)) for c in CATEGORIES}
    result["runs"] = [run["performance"] for run in found]
    result["failed"] = sorted(failed)
    return result
