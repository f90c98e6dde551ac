""".gitattributes: a new car's photos go to Git LFS; the sample's placeholders, the YAML and the site's images do not.

Asked of git itself (`git check-attr`, which needs no git-lfs), in a fresh repository holding only a copy of the
file, so no global or system git setting of the machine running the tests can change the answer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LFS = {"filter": "lfs", "diff": "lfs", "merge": "lfs", "text": "unset"}


@pytest.fixture
def attributes(tmp_path: Path) -> dict[str, str]:
    """An environment for git that reads no setting but the repository's own."""
    shutil.copy(ROOT / ".gitattributes", tmp_path / ".gitattributes")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "no-config")  # core.attributesFile's default lives there
    subprocess.run(["git", "init", "-q", str(tmp_path)], env=env, check=True)
    return env


def check_attr(repository: Path, env: dict[str, str], paths: list[str]) -> dict[str, dict[str, str]]:
    """path -> {attribute: value} for filter, diff, merge and text, as `git check-attr` says."""
    result = subprocess.run(
        ["git", "check-attr", "-z", "filter", "diff", "merge", "text", "--", *paths],
        cwd=repository,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    fields = result.stdout.split("\0")[:-1]  # -z: path NUL attribute NUL value NUL, repeated
    found: dict[str, dict[str, str]] = {path: {} for path in paths}
    for at in range(0, len(fields), 3):
        path, attribute, value = fields[at : at + 3]
        found[path][attribute] = value
    return found


def test_a_new_cars_photos_are_lfs_objects(tmp_path: Path, attributes: dict[str, str]) -> None:
    # Given the photo types a phone, a camera or `carjunction photos` writes, in a car's folder outside the sample
    paths = [f"content/vehicles/CJ26050/01.{ext}" for ext in ("jpg", "jpeg", "webp", "png", "JPG", "JPEG")]
    paths += ["content/vehicles/CJ27001/01.webp", "content/vehicles/CJ26001/05.jpg"]  # a real JPEG in a sample car
    # When git is asked how it stores them
    found = check_attr(tmp_path, attributes, paths)
    # Then every one goes through the LFS filter, as a binary
    assert found == dict.fromkeys(paths, LFS)


def test_the_sample_photos_the_yaml_and_the_sites_images_stay_plain(tmp_path: Path, attributes: dict[str, str]) -> None:
    # Given every placeholder photo of the 49-car sample as it is in the repository, and files that are not photos
    sample = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "content" / "vehicles").glob("*/*.webp"))
    assert len(sample) >= 49
    other = ["content/vehicles/CJ26050.yaml", "content/assets/images/brand.png", "bench/photos/CJ26050/01.jpg"]
    # When git is asked how it stores them
    found = check_attr(tmp_path, attributes, sample + other)
    # Then the sample's photos are plain blobs (no filter: a clone builds them with no git-lfs and no LFS object)
    for path in sample:
        assert found[path]["filter"] == "unset", path
        assert found[path]["diff"] == "unset", path
    # And nothing else is touched by the LFS lines
    for path in other:
        assert found[path] == dict.fromkeys(("filter", "diff", "merge", "text"), "unspecified"), path
