"""The vehicle files' YAML loader gives exactly what PyYAML's safe loader gives, values and errors alike."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import yaml

from carjunction.catalogue import load_vehicles
from carjunction.catalogue.yaml_data import SafeLoader, flat_mapping, load_data
from tests.support.factories import TODAY, vehicle_data, write_vehicle

ROOT = Path(__file__).parents[2]

DOCUMENTS = {
    "a vehicle": "stock_no: CJ1\nmileage_km: 85000\nprice_usd: 14800\nphotos:\n- 01.webp\n- 02.webp\n",
    "every scalar": (
        "a: 12\nb: 0x1F\nc: 0o17\nd: 1_000\ne: 1:20\nf: 3.5\ng: .inf\nh: -.INF\ni: 1e3\nj: yes\nk: Off\n"
        "l: ~\nm: null\nn:\no: 2026-08-17\np: 2026-08-17 10:20:30\nq: 2026-08-17T10:20:30+09:00\nr: '12'\n"
        's: "tab\\there"\nt: 2014-08\nu: true\nv: NO\nw: -0\nx: +12\n'
    ),
    "nested": "a:\n  b:\n    - c: 1\n      d: [x, y, {e: f}]\n  g: []\nh: {}\n",
    "block text": "notes: |\n  Line one\n  Line two\nfolded: >\n  one\n  two\n",
    "keys that are not text": "1: one\n2.5: two\nnull: three\ntrue: four\n2026-01-02: five\n",
    "a repeated key": "a: 1\na: 2\n",
    "unicode": "colour: 白\nnote: café\n",
    "an alias": "base: &b {doors: 5}\ncopy: *b\n",
    "a merge key": "base: &b {doors: 5}\ncar:\n  <<: *b\n  seats: 7\n",
    "a set": "!!set {a, b}\n",
    "an ordered map": "!!omap [a: 1, b: 2]\n",
    "binary": "data: !!binary aGVsbG8=\n",
    "a list at the top": "- 1\n- two\n",
    "a scalar at the top": "just text\n",
    "an empty document": "",
    "only a comment": "# nothing here\n",
    "an explicit tag": "a: !!str 12\nb: !!int '7'\nc: !!float '2'\n",
}


@pytest.mark.parametrize("text", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_the_same_values_as_pyyaml(text: str) -> None:
    expected = yaml.load(text, Loader=SafeLoader)  # noqa: S506 - a safe loader
    loaded = load_data(text)
    assert loaded == expected
    assert repr(loaded) == repr(expected)  # the same types too (1 == 1.0 == True otherwise)


def test_aliases_stay_one_object_as_in_pyyaml() -> None:
    loaded = load_data("base: &b {doors: 5}\ncopy: *b\n")
    assert loaded["copy"] is loaded["base"]


ERRORS = {
    "bad indentation": "a: 1\n b: 2\n",
    "an unclosed quote": 'a: "open\n',
    "a tab for indent": "a:\n\t- 1\n",
    "an unknown tag": "a: !!python/object:os.system x\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "a list as a key": "? [a, b]\n: c\n",
}


@pytest.mark.parametrize("text", ERRORS.values(), ids=ERRORS.keys())
def test_the_same_errors_as_pyyaml(text: str) -> None:
    with pytest.raises(yaml.YAMLError) as expected:
        yaml.load(text, Loader=SafeLoader)  # noqa: S506 - a safe loader
    with pytest.raises(yaml.YAMLError) as raised:
        load_data(text)
    assert str(raised.value) == str(expected.value)


def test_a_value_that_reads_as_a_date_but_is_none_is_an_error_that_says_where() -> None:
    # PyYAML itself raises a bare ValueError here, without saying where
    with pytest.raises(ValueError, match=re.escape("month must be in 1..12")):
        yaml.load("stock_no: CJ1\nadded: 2026-13-45\n", Loader=SafeLoader)  # noqa: S506 - a safe loader
    with pytest.raises(yaml.MarkedYAMLError) as raised:
        load_data("stock_no: CJ1\nadded: 2026-13-45\n")
    assert raised.value.problem == "month must be in 1..12"
    assert raised.value.problem_mark is not None
    assert (raised.value.problem_mark.line, raised.value.problem_mark.column) == (1, 7)


def test_every_vehicle_file_of_the_shop_loads_as_pyyaml_loads_it() -> None:
    files = sorted((ROOT / "content/vehicles").glob("*.yaml"))
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert load_data(text) == yaml.load(text, Loader=SafeLoader), path.name  # noqa: S506 - a safe loader


def test_a_staff_typo_in_a_date_is_a_problem_of_that_file_not_a_crash(tmp_path: Path) -> None:
    # Given a vehicle file whose date was typed with the month and day swapped
    path = write_vehicle(tmp_path / "vehicles", vehicle_data())
    text = re.sub(r"(?m)^added: .*$", "added: 2026-24-11", path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    # When the stock is loaded
    vehicles, problems = load_vehicles(tmp_path / "vehicles", root=tmp_path, today=TODAY)
    # Then that file's problem says where and what, and nothing is loaded from it
    assert vehicles == []
    line = path.read_text(encoding="utf-8").splitlines().index("added: 2026-24-11") + 1
    assert [str(p) for p in problems] == [
        f"vehicles/{path.name}: is not valid YAML: line {line}, column 8: month must be in 1..12"
    ]


def test_a_remembered_scalar_still_reads_by_its_quoting() -> None:
    # The loader remembers how "12" resolved when plain; quoted, the same text is still text
    assert load_data("a: 12\n") == {"a": 12}
    assert load_data("a: '12'\n") == {"a": "12"}
    assert load_data("a: 12\n") == {"a": 12}


def pyyaml(text: str) -> object:
    try:
        return yaml.load(text, Loader=SafeLoader)  # noqa: S506 - a safe loader
    except (yaml.YAMLError, ValueError) as error:
        return error


def test_the_shops_files_take_the_flat_reading_and_it_gives_pyyamls_values() -> None:
    files = sorted((ROOT / "content/vehicles").glob("*.yaml"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        flat = flat_mapping(text)
        assert flat is not None, path.name  # else every build pays for PyYAML's scanner
        assert repr(flat) == repr(pyyaml(text)), path.name


# Pieces of lines chosen to meet each rule of the flat reading: YAML's indicators first or inside, ": " and
# " #", quotes, the scalars YAML 1.1 resolves (yes, 1:20, 0x1F, dates, ~), tabs, trailing spaces, NEL.
SCALARS = [
    "a", "Toyota", "yes", "No", "on", "~", "null", "12", "+4", "0x1F", "1_000", "1:20", "3.5", ".inf", "2014-08",
    "2026-08-17", "2026-13-45", "2026-08-17 10:20:30", "C#", "a:b", "it's", "'q'", '"d"', "白", "café", "(x)",
]  # fmt: skip
HOSTILE = [
    "-3", "=", "<<", "'o", '"e\\n"', ": ", ":", " #", "#", " ", "  ", "\t", "-", "- ", "? ", "&x", "*x", "!!str",
    "|", ">", "[", "]", "{", "}", ",", "%", "@", "`", "\u0085", ";", "/", ".",
]  # fmt: skip


def random_document(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(1, 5)):
        key = rng.choice(["stock_no", "make", "yes", "null", "options", "a b", "x:", "_k", "1"])
        shape = rng.random()
        pieces = [rng.choice(HOSTILE if rng.random() < 0.15 else SCALARS) for _ in range(rng.randint(1, 2))]
        value = rng.choice([" ", ""]).join(pieces)
        if shape < 0.5:
            lines.append(f"{key}: {value}")
        elif shape < 0.8:
            indent = rng.choice(["", "  ", "  ", " ", "    "])
            lines.append(f"{key}:")
            lines.extend(f"{rng.choice([indent, indent, '  '])}- {value}" for _ in range(rng.randint(0, 3)))
        elif shape < 0.9:
            lines.append(rng.choice(["# note", "  # note", "", "---", f"{key}:{value}", f"  {key}: {value}"]))
    return "\n".join(lines) + rng.choice(["\n", "", "\n\n", "\r\n", "\n"])


def test_the_flat_reading_gives_pyyamls_values_or_leaves_the_document_to_pyyaml() -> None:
    # Given thousands of documents made of the pieces above (seeded: a failure names its document)
    rng = random.Random(1729)  # noqa: S311 - test data, not secrets
    read_flat = 0
    for _ in range(10_000):
        text = random_document(rng)
        # When the flat reading takes a document
        flat = flat_mapping(text)
        if flat is None:
            continue
        read_flat += 1
        # Then PyYAML reads the same values of the same types from it, and finds no error in it
        assert repr(flat) == repr(pyyaml(text)), text
    assert read_flat > 1500  # the pieces make flat documents often enough for this test to mean something


def test_a_vehicle_file_saved_on_windows_loads_as_the_same_file_with_unix_line_ends(tmp_path: Path) -> None:
    # Given the same vehicle file with Unix line ends and with Windows ones
    data = vehicle_data()
    unix = write_vehicle(tmp_path / "unix" / "vehicles", data)
    windows = write_vehicle(tmp_path / "windows" / "vehicles", data)
    windows.write_bytes(unix.read_bytes().replace(b"\n", b"\r\n"))
    assert b"\r\n" in windows.read_bytes()
    # When both stocks are loaded
    roots = (tmp_path / "unix", tmp_path / "windows")
    loaded = [load_vehicles(root / "vehicles", root=root, today=TODAY) for root in roots]
    # Then they hold the same vehicle, and neither has a problem
    assert loaded[0] == loaded[1]
    assert loaded[0][0] and loaded[0][1] == []
