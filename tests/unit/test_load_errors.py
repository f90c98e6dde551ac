"""The loader's messages: each names the file, the field and the problem, in staff words."""

from __future__ import annotations

from pathlib import Path

import pytest

from carjunction.catalogue import load_vehicles
from carjunction.file_memo import FileMemo
from carjunction.site import catalogue_cache
from carjunction.site.catalogue_cache import load_vehicles_for_build
from tests.support.factories import TODAY, vehicle_data, write_vehicle

CASES: list[tuple[dict[str, object], str]] = [
    ({"mileage_km": "85,000km"}, 'mileage_km: must be a whole number of km, got "85,000km"'),
    ({"price_usd": 14800.5}, "price_usd: must be a whole number of US dollars, got 14800.5"),
    ({"price_usd": 0}, "price_usd: must be at least 1 US dollars, got 0"),
    ({"doors": 9}, "doors: must be at most 6, got 9"),
    (
        {"fuel": "gasoline"},
        "fuel: must be one of 'petrol', 'diesel', 'hybrid', 'plug_in_hybrid', 'electric' or 'lpg', got \"gasoline\"",
    ),
    ({"registration": "03/2019"}, 'registration: must be a year and month written YYYY-MM, got "03/2019"'),
    ({"registration": "2019-00"}, 'registration: month must be 01 to 12, got "2019-00"'),
    ({"manufacture": "2019-05"}, "manufacture: must not be later than registration"),
    ({"was_price_usd": 100}, "was_price_usd: must be higher than price_usd (it is shown as the earlier price)"),
    ({"added": "last week"}, 'added: must be a date written YYYY-MM-DD, got "last week"'),
    ({"colour": ""}, "colour: must not be empty"),
    (
        {"options": "Air conditioning"},
        "options: must be a list, one entry per line starting with '- ', got \"Air conditioning\"",
    ),
    ({"options": ["Navigation", 5]}, "options[1]: must be text, got 5"),
    (
        {"chassis_no": "gdh 201"},
        'chassis_no: must be 5 to 25 upper-case letters, digits or dashes, e.g. TRJ150-0123456, got "gdh 201"',
    ),
    ({"milage_km": 1000}, "milage_km: is not a known field (check the spelling)"),
]


@pytest.mark.parametrize(("changes", "message"), CASES, ids=[next(iter(c)) for c, _ in CASES])
def test_a_bad_field_is_named_with_its_problem(tmp_path: Path, changes: dict[str, object], message: str) -> None:
    # Given a vehicle file with one bad field
    data = vehicle_data(**changes)
    path = write_vehicle(tmp_path / "vehicles", data)
    # When the stock is loaded
    vehicles, problems = load_vehicles(tmp_path / "vehicles", root=tmp_path, today=TODAY)
    # Then that one problem is reported, naming the file and the field
    assert vehicles == []
    assert [str(p) for p in problems] == [f"vehicles/{path.name}: {message}"]


def test_a_missing_field_is_named(tmp_path: Path) -> None:
    data = vehicle_data()
    del data["yard"]
    write_vehicle(tmp_path, data)
    _, problems = load_vehicles(tmp_path, root=tmp_path, today=TODAY)
    assert [str(p) for p in problems] == [f"{data['stock_no']}.yaml: yard: is required"]


def test_every_problem_in_every_file_is_reported_in_one_run(tmp_path: Path) -> None:
    # Given one good file and three broken ones, one of them broken twice
    good = write_vehicle(tmp_path, vehicle_data())
    first = write_vehicle(tmp_path, vehicle_data(mileage_km="lots", fuel="steam"))
    second = write_vehicle(tmp_path, vehicle_data(), name="WRONGNAME")
    third = tmp_path / "TS99999.yaml"
    third.write_text("stock_no: TS99999\nmake: [Toyota\n", encoding="utf-8")
    # When the stock is loaded
    vehicles, problems = load_vehicles(tmp_path, root=tmp_path, today=TODAY)
    # Then the good one loads, and all four problems across three files are listed
    assert [v.stock_no for v in vehicles] == [good.stem]
    assert {p.path for p in problems} == {first.name, second.name, third.name}
    assert len(problems) == 4
    assert any(p.field == "stock_no" and "must match the file name" in p.message for p in problems)
    assert any(p.path == third.name and p.message.startswith("is not valid YAML: line 3") for p in problems)


def test_a_listed_photo_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    data = vehicle_data(photos=["01.jpg", "02.jpg"])
    write_vehicle(tmp_path / "vehicles", data)
    (tmp_path / "vehicles" / str(data["stock_no"]) / "02.jpg").unlink()
    _, problems = load_vehicles(tmp_path / "vehicles", root=tmp_path, today=TODAY)
    stock_no = data["stock_no"]
    assert [str(p) for p in problems] == [
        f"vehicles/{stock_no}.yaml: photos[1]: file vehicles/{stock_no}/02.jpg does not exist"
    ]


def test_a_stock_number_used_twice_is_an_error(tmp_path: Path) -> None:
    # Given two files that claim the same stock number (one of them misnamed)
    data = vehicle_data()
    write_vehicle(tmp_path, data)
    write_vehicle(tmp_path, data, name="OTHER1")
    _, problems = load_vehicles(tmp_path, root=tmp_path, today=TODAY)
    assert f'OTHER1.yaml: stock_no: must match the file name "OTHER1", got "{data["stock_no"]}"' in [
        str(p) for p in problems
    ]


def test_a_file_that_is_not_a_record_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "TS00001.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    (tmp_path / "TS00002.yml").write_text("stock_no: TS00002\n", encoding="utf-8")
    (tmp_path / "TS00003.yaml").write_bytes(b"make: \xff\xfe\n")
    _, problems = load_vehicles(tmp_path, root=tmp_path, today=TODAY)
    assert [str(p) for p in problems] == [
        'TS00001.yaml: must be a list of \'field: value\' lines, got ["just", "a list"]',
        "TS00002.yml: vehicle files must end in .yaml, not .yml",
        "TS00003.yaml: is not UTF-8 text; save it as UTF-8",
    ]


def test_the_builds_load_in_forked_processes_finds_what_the_catalogue_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a stock of good files, broken files, a .yml file and a file named for another stock number
    stock = tmp_path / "vehicles"
    for number in range(12):
        write_vehicle(stock, vehicle_data(price_usd=1000 + number, photos=["01.jpg", "02.jpg"][: number % 3]))
    write_vehicle(stock, vehicle_data(price_usd=0))
    write_vehicle(stock, vehicle_data(doors=9))
    (stock / "broken.yaml").write_text("make: [Toyota\n", encoding="utf-8")
    (stock / "old.yml").write_text("make: Toyota\n", encoding="utf-8")
    twin = vehicle_data()
    write_vehicle(stock, twin)
    write_vehicle(stock, twin, name="ZZ-copy")
    # When the pure catalogue loads it, and the build loads it in three forked processes (a process for every
    # two files, for the test) keeping the parsed files in a memo
    alone = load_vehicles(stock, root=tmp_path, today=TODAY)
    monkeypatch.setattr(catalogue_cache, "FILES_PER_PROCESS", 2)
    memo = tmp_path / "parsed.pickle"
    forked = load_vehicles_for_build(stock, tmp_path, TODAY, FileMemo(memo, kind=("test",)), processes=3)
    # Then both give the same vehicles in the same order, and the same problems
    assert [v.model_dump() for v in forked[0]] == [v.model_dump() for v in alone[0]]
    assert [str(p) for p in forked[1]] == [str(p) for p in alone[1]]
    assert len(alone[0]) == 13
    assert len(alone[1]) == 5
    # and a load from the memo the processes filled finds the same again
    again = load_vehicles_for_build(stock, tmp_path, TODAY, FileMemo(memo, kind=("test",)), processes=1)
    assert [v.model_dump() for v in again[0]] == [v.model_dump() for v in alone[0]]
    assert [str(p) for p in again[1]] == [str(p) for p in alone[1]]
