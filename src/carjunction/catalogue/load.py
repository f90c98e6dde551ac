"""Read the catalogue from content/: every vehicle file and the shipping data.

Every problem in every file is collected before failing, so a staff member fixes
them all in one pass rather than one build per typo.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from carjunction.catalogue.company import Company
from carjunction.catalogue.ports import Shipping
from carjunction.catalogue.problems import CatalogueError, Problem, problems_from, shown
from carjunction.catalogue.vehicle import Vehicle
from carjunction.catalogue.yaml_data import load_data

VEHICLES_DIR = "vehicles"
SHIPPING_FILE = "shipping/ports.yaml"
COMPANY_FILE = "company.yaml"

Record = TypeVar("Record", bound=BaseModel)


@dataclass(frozen=True)
class Catalogue:
    """The validated stock and shipping data; what the build, the API and the tools share."""

    vehicles: tuple[Vehicle, ...]
    shipping: Shipping
    company: Company

    @cached_property
    def by_stock_no(self) -> dict[str, Vehicle]:
        return {vehicle.stock_no: vehicle for vehicle in self.vehicles}

    def vehicle(self, stock_no: str) -> Vehicle:
        """The vehicle with this stock number; KeyError if there is none."""
        return self.by_stock_no[stock_no]


def display_path(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.relative_to(root))
        except ValueError:
            pass
    return str(path)


def read_yaml(path: str | Path, shown_as: str) -> tuple[Any, list[Problem]]:
    # Read as bytes and decoded here: a text-mode file object costs three times the reading (10,000 files a build).
    with open(path, "rb") as source:  # noqa: PTH123 - the loader passes plain strings
        data = source.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None, [Problem(shown_as, None, "is not UTF-8 text; save it as UTF-8")]
    if "\r" in text:  # a file saved on Windows: its line ends as text mode reads them, so it takes the flat reading
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        return load_data(text), []
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        return None, [Problem(shown_as, None, f"is not valid YAML: {where}{error.problem}")]
    except (yaml.YAMLError, ValueError, OverflowError) as error:  # the last two from PyYAML's own constructor
        return None, [Problem(shown_as, None, f"is not valid YAML: {error}")]


def parse_record(
    model: type[Record], data: Any, shown_as: str, context: dict[str, Any]
) -> tuple[Record | None, list[Problem]]:
    if not isinstance(data, dict):
        return None, [Problem(shown_as, None, f"must be a list of 'field: value' lines, got {shown(data)}")]
    try:
        return model.model_validate(data, context=context), []
    except ValidationError as error:
        return None, problems_from(error, shown_as, model)


def load_vehicle(
    path: Path, *, root: Path | None = None, today: dt.date | None = None
) -> tuple[Vehicle | None, list[Problem]]:
    shown_as = display_path(path, root)
    data, problems = read_yaml(path, shown_as)
    if problems:
        return None, problems
    return check_vehicle(path, data, shown_as, root=root, today=today or dt.date.today())


def check_vehicle(
    path: str | Path, data: Any, shown_as: str, *, root: Path | None, today: dt.date
) -> tuple[Vehicle | None, list[Problem]]:
    """The vehicle in a file's parsed ``data``, checked against its file name and photos."""
    vehicle, problems = parse_record(Vehicle, data, shown_as, {"today": today})
    if vehicle is None:
        return None, problems
    # Plain strings and os calls: this runs once per vehicle and once per photo.
    folder, file_name = os.path.split(path)
    stem = suffix_split(file_name)[0]
    if vehicle.stock_no != stem:
        problems.append(Problem(shown_as, "stock_no", f'must match the file name "{stem}", got "{vehicle.stock_no}"'))
    for index, photo in enumerate(vehicle.photos):
        if not os.path.isfile(f"{folder}/{vehicle.stock_no}/{photo}"):  # noqa: PTH113 - see above
            where = display_path(Path(folder) / vehicle.stock_no / photo, root)
            problems.append(Problem(shown_as, f"photos[{index}]", f"file {where} does not exist"))
    return (None if problems else vehicle), problems


def duplicate_problems(vehicles: Iterable[tuple[Vehicle, str]]) -> list[Problem]:
    first_seen: dict[str, str] = {}
    problems = []
    for vehicle, shown_as in vehicles:
        if vehicle.stock_no in first_seen:
            problems.append(
                Problem(shown_as, "stock_no", f'"{vehicle.stock_no}" is also used by {first_seen[vehicle.stock_no]}')
            )
        else:
            first_seen[vehicle.stock_no] = shown_as
    return problems


@dataclass(frozen=True)
class VehicleFile:
    path: str  # a plain string: at 10,000 vehicles, Path objects in the per-file loops showed
    shown_as: str  # the path as problems name it
    problems: tuple[Problem, ...] = ()  # about its name, found by listing the folder


def vehicle_files(directory: Path, *, root: Path | None = None) -> list[VehicleFile]:
    """The vehicle files in ``directory`` by name; a misnamed one carries its problem and no path."""
    with os.scandir(directory) if directory.is_dir() else nullcontext(()) as listing:
        entries = sorted((entry.name, entry.is_file()) for entry in listing)
    shown_dir = display_path(directory, root)
    prefix = "" if shown_dir == "." else f"{shown_dir}/"
    found = []
    for name, is_file in entries:
        if suffix(name) == ".yml":
            problem = Problem(prefix + name, None, "vehicle files must end in .yaml, not .yml")
            found.append(VehicleFile("", prefix + name, (problem,)))
        elif is_file and suffix(name) == ".yaml":
            found.append(VehicleFile(f"{directory}/{name}", prefix + name))
    return found


Checked = tuple[Vehicle | None, list[Problem]]


def check_file(file: VehicleFile, *, root: Path | None, today: dt.date) -> Checked:
    """One vehicle file read, parsed and checked."""
    if not file.path:
        return None, list(file.problems)
    data, problems = read_yaml(file.path, file.shown_as)
    return (None, problems) if problems else check_vehicle(file.path, data, file.shown_as, root=root, today=today)


def gather_vehicles(files: list[VehicleFile], checked: Iterable[Checked]) -> tuple[list[Vehicle], list[Problem]]:
    """Each file's result (``checked``, in the order of ``files``): the valid vehicles by stock number, and
    every problem in file order, then stock numbers used twice."""
    problems: list[Problem] = []
    vehicles: list[tuple[Vehicle, str]] = []
    for file, (vehicle, found) in zip(files, checked, strict=True):
        problems.extend(found)
        if vehicle is not None:
            vehicles.append((vehicle, file.shown_as))
    problems.extend(duplicate_problems(vehicles))
    return sorted((v for v, _ in vehicles), key=lambda v: v.stock_no), problems


def load_vehicles(
    directory: Path, *, root: Path | None = None, today: dt.date | None = None
) -> tuple[list[Vehicle], list[Problem]]:
    """All valid vehicles in ``directory``, sorted by stock number, and every problem found."""
    files = vehicle_files(directory, root=root)
    day = today or dt.date.today()
    return gather_vehicles(files, (check_file(file, root=root, today=day) for file in files))


def suffix(name: str) -> str:
    """A file name's extension, as ``PurePath.suffix`` gives it (none for ".yaml" itself)."""
    return suffix_split(name)[1]


def suffix_split(name: str) -> tuple[str, str]:
    return os.path.splitext(name)  # noqa: PTH122 - a name, not a path


def load_record(model: type[Record], path: Path, *, root: Path | None = None) -> tuple[Record | None, list[Problem]]:
    """One YAML file holding one record, such as the shipping data or the company details."""
    shown_as = display_path(path, root)
    if not path.is_file():
        return None, [Problem(shown_as, None, "is missing")]
    data, problems = read_yaml(path, shown_as)
    if problems:
        return None, problems
    return parse_record(model, data, shown_as, {})


def load_shipping(path: Path, *, root: Path | None = None) -> tuple[Shipping | None, list[Problem]]:
    return load_record(Shipping, path, root=root)


def load_catalogue(content_dir: Path, today: dt.date | None = None) -> Catalogue:
    """Load and validate everything under ``content_dir``; raise CatalogueError listing every problem."""
    root = content_dir.parent
    vehicles, problems = load_vehicles(content_dir / VEHICLES_DIR, root=root, today=today)
    return catalogue_of(content_dir, vehicles, problems)


def catalogue_of(content_dir: Path, vehicles: list[Vehicle], problems: list[Problem]) -> Catalogue:
    """The catalogue of ``vehicles`` (loaded from ``content_dir``, with ``problems``) and its data files."""
    root = content_dir.parent
    shipping, shipping_problems = load_shipping(content_dir / SHIPPING_FILE, root=root)
    company, company_problems = load_record(Company, content_dir / COMPANY_FILE, root=root)
    problems = problems + shipping_problems + company_problems
    if problems or shipping is None or company is None:
        raise CatalogueError(problems)
    return Catalogue(vehicles=tuple(vehicles), shipping=shipping, company=company)
