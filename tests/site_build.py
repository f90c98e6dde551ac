"""Build the real site once into a temporary folder, for the build tests and the browser tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def build_site(
    site_dir: Path, config: Path = ROOT / "mkdocs.yml", *, strict: bool = True
) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` of ``config`` into ``site_dir``; raises with MkDocs' output when it fails."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(site_dir)]
    result = subprocess.run(
        [*command, "--strict"] if strict else command,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"mkdocs build failed:\n{result.stdout}\n{result.stderr}")
    return result
