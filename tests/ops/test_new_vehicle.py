"""`carjunction new-vehicle`: a valid file or nothing, never an overwrite."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from carjunction.catalogue import Vehicle, load_vehicle
from carjunction.cli import main
from carjunction.ops.new_vehicle import SCHEMA_LINE, build_vehicle, next_stock_no
from tests.support.factories import TODAY, unique_stock_no, vehicle_data, write_vehicle


def options(stock_no: str) -> list[str]:
    return [
        *("--stock-no", stock_no, "--make", "Toyota", "--model", "Land Cruiser Prado", "--grade", "TX L Package"),
        *("--model-code", "TRJ150W", "--chassis-no", "TRJ150-0123456", "--registration", "2018-06"),
        *("--mileage-km", "92,000", "--engine-cc", "2693", "--fuel", "diesel", "--body-type", "suv"),
        *("--colour", "Pearl White", "--length-mm", "4760", "--width-mm", "1885", "--height-mm", "1850"),
        *("--weight-kg", "2060", "--yard", "Yokohama", "--price-usd", "23500", "--option", "Sunroof"),
        "--no-input",
    ]


def test_options_give_a_valid_file_with_the_schema_line_in_readable_order(tmp_path: Path) -> None:
    # Given every main field as an option
    stock_no = unique_stock_no()
    content = tmp_path / "content"
    # When the command runs
    code = main(["new-vehicle", *options(stock_no), "--content", str(content)])
    # Then the file loads as a valid vehicle, with defaults filled in
    path = content / "vehicles" / f"{stock_no}.yaml"
    assert code == 0
    vehicle, problems = load_vehicle(path)
    assert problems == []
    assert vehicle is not None
    assert (vehicle.mileage_km, vehicle.fuel.value, vehicle.steering.value) == (92000, "diesel", "right")
    assert vehicle.manufacture == "2018-06"
    assert vehicle.options == ["Sunroof"]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == SCHEMA_LINE
    keys = [line.split(":")[0] for line in lines[1:] if not line.startswith(" ")]
    assert keys == [name for name in Vehicle.model_fields if name in keys]
    assert keys[:3] == ["stock_no", "make", "model"]


def test_an_existing_vehicle_is_never_overwritten(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Given a vehicle file already written for a stock number
    stock_no = unique_stock_no()
    path = write_vehicle(tmp_path / "content" / "vehicles", vehicle_data(stock_no=stock_no))
    before = path.read_text(encoding="utf-8")
    # When a new vehicle is made with the same stock number
    code = main(["new-vehicle", *options(stock_no), "--content", str(tmp_path / "content")])
    # Then it is refused and the file is as it was
    assert code == 1
    assert "stock_no: is already in use" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == before


def test_bad_input_names_the_field_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stock_no = unique_stock_no()
    args = options(stock_no)
    args[args.index("--fuel") + 1] = "gasoline"
    args.remove("--yard")
    args.remove("Yokohama")
    code = main(["new-vehicle", *args, "--content", str(tmp_path / "content")])
    err = capsys.readouterr().err
    assert code == 1
    assert "fuel: must be one of" in err
    assert "yard: is required (give --yard)" in err
    assert "nothing was written" in err
    assert not (tmp_path / "content" / "vehicles" / f"{stock_no}.yaml").exists()


class Answers:
    """A staff member at the keyboard: answers by field name, a wrong one first where given a list."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    def __call__(self, name: str, default: str | None, allowed: tuple[str, ...]) -> str:
        self.asked.append(name)
        answer = self.answers.get(name, "")
        if isinstance(answer, list):
            return str(answer.pop(0))
        return str(answer)


def test_interactive_answers_take_defaults_and_re_ask_only_what_was_wrong(tmp_path: Path) -> None:
    # Given answers for the required fields, with a typo in the mileage at first
    data = vehicle_data()
    answers = {name: data[name] for name in ("make", "model", "model_code", "chassis_no", "registration")}
    answers |= {name: data[name] for name in ("engine_cc", "body_type", "colour", "yard", "price_usd")}
    answers |= {name: data[name] for name in ("length_mm", "width_mm", "height_mm", "weight_kg")}
    answers["mileage_km"] = ["85.000 km", "85000"]
    ask = Answers(answers)
    # When built interactively (Enter on every other question takes its default)
    lines: list[str] = []
    vehicle, problems = build_vehicle({}, tmp_path / "vehicles", today=TODAY, ask=ask, say=lines.append)
    # Then the vehicle is valid, only the mileage was asked twice, and the problem was shown
    assert problems == []
    assert vehicle is not None
    assert vehicle.mileage_km == 85000
    assert vehicle.stock_no == "CJ26001"
    assert vehicle.transmission.value == "automatic"
    assert ask.asked.count("mileage_km") == 2
    assert len(ask.asked) == len(set(ask.asked)) + 1
    assert any("mileage_km: must be a whole number of km" in line for line in lines)


def test_next_stock_number_follows_the_highest_in_use(tmp_path: Path) -> None:
    vehicles = tmp_path / "vehicles"
    assert next_stock_no(vehicles, TODAY) == "CJ26001"
    for stock_no in ("CJ26007", "CJ26012", "CJ26009", "OLD-1"):
        write_vehicle(vehicles, vehicle_data(stock_no=stock_no))
    assert next_stock_no(vehicles, TODAY) == "CJ26013"
