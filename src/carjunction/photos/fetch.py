"""Fetching originals that are only LFS pointers in the working tree: `git lfs pull` for just those paths.

CI checks out with LFS objects off, so a deploy downloads nothing it does not encode. Not run by the
tests (they pass real photos on disk); the command it builds is.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

from carjunction.photos.identity import photo_identity
from carjunction.photos.publish import Fetcher

Run = Callable[[Sequence[str], Path], None]
# Paths per `git lfs pull`: well under any command-line limit, and few enough round trips.
BATCH = 200


def run_in(command: Sequence[str], cwd: Path) -> None:
    subprocess.run(list(command), cwd=cwd, check=True)  # noqa: S603 - a fixed git command, no shell


def pull_commands(repository: Path, paths: Sequence[Path]) -> list[list[str]]:
    """`git lfs pull` for the paths that are still pointers, ``BATCH`` at a time."""
    pointers = [path for path in paths if photo_identity(path).pointer]
    relative = [path.resolve().relative_to(repository.resolve()).as_posix() for path in pointers]
    return [
        # --exclude="" overrides any lfs.fetchexclude the checkout set; --include names exactly these files.
        ["git", "lfs", "pull", f"--include={','.join(relative[start : start + BATCH])}", "--exclude="]
        for start in range(0, len(relative), BATCH)
    ]


def git_lfs_fetcher(repository: Path, run: Run = run_in) -> Fetcher:
    """A fetcher for a checkout at ``repository`` (needs git-lfs installed there)."""

    def fetch(paths: Sequence[Path]) -> None:
        for command in pull_commands(repository, paths):
            run(command, repository)

    return fetch
