"""What `sam build` puts in each function's artefact, whatever else the working tree holds.

SAM copies a function's CodeUri into a scratch folder (following links) and runs the Makefile's build-<Function>
there. The CodeUri is lambda/: links to the package, the entry points and the two data files. These tests make
that copy the same way and run the Makefile's recipe without the wheels (lambda-code; lambda-deps only adds the
pip-installed dependencies for arm64, which needs the network)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from carjunction.api.tables import load_template
from tests.support.api import ROOT

DATA_FILES = {"content/company.yaml", "content/shipping/ports.yaml"}


def functions() -> dict[str, dict[str, Any]]:
    template = load_template(ROOT / "template.yaml")
    return {k: v for k, v in template["Resources"].items() if v["Type"] == "AWS::Serverless::Function"}


def code_uri(logical_id: str) -> Path:
    template = load_template(ROOT / "template.yaml")
    uri = functions()[logical_id]["Properties"].get("CodeUri", template["Globals"]["Function"]["CodeUri"])
    return ROOT / str(uri)


def make(target: str, cwd: Path, artifacts: Path, *flags: str) -> str:
    ran = subprocess.run(
        ["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), *flags, target, f"ARTIFACTS_DIR={artifacts}"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return ran.stdout


@pytest.fixture(scope="module")
def artefact(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The order function's artefact, built as `sam build` does, from a working tree with clutter in it."""
    scratch = tmp_path_factory.mktemp("scratch") / "src"
    # As aws-lambda-builders' CopySourceAction: the CodeUri copied with its links followed
    shutil.copytree(code_uri("OrderFunction"), scratch, symlinks=False)
    built = tmp_path_factory.mktemp("artefact")
    make("lambda-code", scratch, built)
    return built


def files_of(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_every_function_builds_from_the_small_code_folder_with_the_root_makefile() -> None:
    for logical_id, resource in functions().items():
        assert code_uri(logical_id) == ROOT / "lambda", logical_id
        assert resource["Metadata"]["BuildMethod"] == "makefile"
        assert resource["Metadata"]["ContextPath"] == "."


def test_the_code_folder_holds_only_links_to_the_package_the_entry_points_and_the_data_files() -> None:
    # Given lambda/ with its links followed
    folder = ROOT / "lambda"
    entries = {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_symlink() or p.is_file()}
    # Then it is links only, each into the working tree, to the four things an artefact holds
    assert all(p.is_symlink() for p in entries.values())
    assert set(entries) == {"src/carjunction", "functions", *DATA_FILES}
    for name, link in entries.items():
        assert link.resolve() == (ROOT / name).resolve(), name
    # And it is small, however many photos, builds and virtualenvs the tree holds
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    assert size < 2_000_000


def test_the_artefact_holds_the_package_the_entry_points_and_the_two_data_files(artefact: Path) -> None:
    listed = files_of(artefact)
    # The package, whole (its e-mail texts included), and no compiled leftovers
    assert "carjunction/__init__.py" in listed and "carjunction/api/entry.py" in listed
    assert any(name.startswith("carjunction/api/emails/") and name.endswith(".txt") for name in listed)
    assert not [name for name in listed if "__pycache__" in name or name.endswith(".pyc")]
    # Each function's entry point
    for resource in functions().values():
        module = resource["Properties"]["Handler"].rsplit(".", 1)[0]
        assert module.replace(".", "/") + ".py" in listed, module
    # The two data files, and nothing else of content/
    assert {name for name in listed if name.startswith("content/")} == DATA_FILES
    # Nothing of the working tree's clutter
    assert {name.split("/", 1)[0] for name in listed} == {"carjunction", "functions", "content"}
    assert not [name for name in listed if name.endswith((".jpg", ".jpeg", ".png", ".webp"))]


def test_the_entry_points_import_from_the_artefact_alone(artefact: Path) -> None:
    # Given the artefact first on the path (the dependencies come from this venv, as the wheels would in Lambda)
    modules = [r["Properties"]["Handler"].rsplit(".", 1)[0] for r in functions().values()]
    script = "import importlib, carjunction\n" + "".join(f"importlib.import_module({m!r})\n" for m in modules)
    script += "print(carjunction.__file__)"
    ran = subprocess.run(
        [sys.executable, "-c", script],
        cwd=artefact,
        env={**os.environ, "PYTHONPATH": str(artefact)},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    # Then the package is the artefact's copy
    assert Path(ran.stdout.strip()).is_relative_to(artefact)


def test_each_build_target_adds_the_arm64_wheels_to_the_code(tmp_path: Path) -> None:
    # When make shows what build-<Function> would run (a dry run: no download)
    for logical_id in functions():
        plan = make(f"build-{logical_id}", ROOT, tmp_path, "-n")
        # Then it installs the wheels for Lambda's platform and copies the code
        assert "--platform manylinux2014_aarch64" in plan and "--python-version 3.13" in plan, logical_id
        assert "cp -r src/carjunction functions" in plan and "content/shipping/ports.yaml" in plan, logical_id
