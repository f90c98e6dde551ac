"""`mkdocs build --strict` in a subprocess, each build with a cache folder of its own (never the repository's
`.cache`, so a developer's build cannot change a test). The real site is built once per session, by the
`real_site` fixture in tests/conftest.py; tests that build other content (fixtures, synthetic stocks) use this."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The build's cache folder (photo variants, parsed YAML, compiled templates); read by the site adapter.
CACHE_ENV = "CARJUNCTION_CACHE_DIR"


def build_site(
    site_dir: Path,
    config: Path = ROOT / "mkdocs.yml",
    *,
    strict: bool = True,
    cache_dir: Path | None = None,
    extra_env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` of ``config`` into ``site_dir``; raises with MkDocs' output when it fails.
    The cache is ``cache_dir``, by default a new folder beside ``site_dir``."""
    cache = cache_dir or site_dir.with_name(f"{site_dir.name}-cache")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", CACHE_ENV: str(cache), **(extra_env or {})}
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


def config_for(content: Path, work: Path, overrides: Path = ROOT / "overrides") -> Path:
    """A copy of mkdocs.yml in ``work`` that builds ``content`` with the repository's theme and site adapter
    (its paths made absolute, since the copy lives elsewhere), without the real site's nav, in English only
    (``content`` has no translation catalogues)."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\nnav:")[0]
    text = text.replace("\n  - carjunction\n", "\n  - carjunction:\n      languages: [en]\n")
    text = text.replace("docs_dir: content", f"docs_dir: {content}")
    text = text.replace("custom_dir: overrides", f"custom_dir: {overrides}")
    text = text.replace("- src/carjunction/", f"- {ROOT / 'src/carjunction'}/")  # a hooks file, while there is one
    config = work / "mkdocs.yml"
    config.write_text(text, encoding="utf-8")
    return config
