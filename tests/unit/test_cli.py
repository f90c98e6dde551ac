"""`carjunction validate`, as staff and CI run it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from carjunction.cli import main

CONTENT = Path(__file__).resolve().parents[2] / "content"


def test_valid_stock_prints_a_one_line_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", "--content", str(CONTENT)])
    out = capsys.readouterr().out
    assert code == 0
    assert out.count("\n") == 1
    assert out.startswith("OK: ")
    assert "vehicles" in out


def test_three_broken_files_are_all_listed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Given a copy of the stock with three files broken in different ways
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    files = sorted((content / "vehicles").glob("*.yaml"))[:3]
    for path, (old, new) in zip(
        files,
        [("mileage_km: ", 'mileage_km: "85,000km"  # '), ("fuel: ", "fuel: gasoline  # "), ("\nyard:", "\nyarrd:")],
        strict=True,
    ):
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    # When validated
    code = main(["validate", "--content", str(content)])
    err = capsys.readouterr().err
    # Then it fails and names each file with its field and problem
    assert code == 1
    assert f'vehicles/{files[0].name}: mileage_km: must be a whole number of km, got "85,000km"' in err
    assert f"vehicles/{files[1].name}: fuel: must be one of" in err
    assert f"vehicles/{files[2].name}: yarrd: is not a known field (check the spelling)" in err
    assert f"vehicles/{files[2].name}: yard: is required" in err
    assert "3 files have problems (4 in all)" in err


def test_schema_command_writes_current_schemas(tmp_path: Path) -> None:
    assert main(["schema", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "vehicle.schema.json").read_text() == (
        CONTENT.parent / "schemas/vehicle.schema.json"
    ).read_text()
