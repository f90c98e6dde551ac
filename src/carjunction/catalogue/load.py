"""Read the catalogue from content/: every vehicle file and the shipping data.

Every problem in every file is collected before failing, so a staff member fixes
them all in one pass rather than one build per typo.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Iterable
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

# libyaml is about ten times faster than the pure-Python parser; at 10,000 files it matters.
SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

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


def read_yaml(path: Path, shown_as: str) -> tuple[Any, list[Problem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [Problem(shown_as, None, "is not UTF-8 text; save it as UTF-8")]
    try:
        return yaml.load(text, Loader=SafeLoader), []  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        return None, [Problem(shown_as, None, f"is not valid YAML: {where}{error.problem}")]
    except yaml.YAMLError as error:
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
    vehicle, problems = parse_record(Vehicle, data, shown_as, {"today": today or dt.date.today()})
    if vehicle is None:
        return None, problems
    if vehicle.stock_no != path.stem:
        problems.append(
            Problem(shown_as, "stock_no", f'must match the file name "{path.stem}", got "{vehicle.stock_no}"')
        )
    for index, photo in enumerate(vehicle.photos):
        if not (path.parent / vehicle.stock_no / photo).is_file():
            where = display_path(path.parent / vehicle.stock_no / photo, root)
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


PARALLEL_FROM = 2000  # files; below this, starting processes costs more than parsing saves


def load_vehicles(
    directory: Path, *, root: Path | None = None, today: dt.date | None = None, workers: int = 1
) -> tuple[list[Vehicle], list[Problem]]:
    """All valid vehicles in ``directory``, sorted by stock number, and every problem found.

    With ``workers`` > 1 and a large stock, the files are parsed in that many forked processes:
    YAML parsing is most of the cost, and each file is independent.
    """
    entries = sorted(directory.iterdir()) if directory.is_dir() else []
    paths = [path for path in entries if path.suffix == ".yaml" and path.is_file()]
    today = today or dt.date.today()
    if workers > 1 and len(paths) >= PARALLEL_FROM and "fork" in multiprocessing.get_all_start_methods():
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(load_some, [(paths[k::workers], root, today) for k in range(workers)])
        loaded = {
            path: item for k, part in enumerate(parts) for path, item in zip(paths[k::workers], part, strict=True)
        }
    else:
        loaded = dict(zip(paths, load_some((paths, root, today)), strict=True))
    # Problems in file order, whichever process found them.
    problems: list[Problem] = []
    vehicles: list[tuple[Vehicle, str]] = []
    for path in entries:
        if path.suffix == ".yml":
            problems.append(Problem(display_path(path, root), None, "vehicle files must end in .yaml, not .yml"))
        if path in loaded:
            vehicle, found, shown_as = loaded[path]
            problems.extend(found)
            if vehicle is not None:
                vehicles.append((vehicle, shown_as))
    problems.extend(duplicate_problems(vehicles))
    return sorted((v for v, _ in vehicles), key=lambda v: v.stock_no), problems


def load_some(
    job: tuple[list[Path], Path | None, dt.date],
) -> list[tuple[Vehicle | None, list[Problem], str]]:
    """Each file's vehicle (or None), its problems and how it is named to staff; one process's share."""
    paths, root, today = job
    results = []
    for path in paths:
        vehicle, found = load_vehicle(path, root=root, today=today)
        results.append((vehicle, found, display_path(path, root)))
    return results


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


def load_catalogue(content_dir: Path, *, today: dt.date | None = None, workers: int = 1) -> Catalogue:
    """Load and validate everything under ``content_dir``; raise CatalogueError listing every problem."""
    root = content_dir.parent
    vehicles, problems = load_vehicles(content_dir / VEHICLES_DIR, root=root, today=today, workers=workers)
    shipping, shipping_problems = load_shipping(content_dir / SHIPPING_FILE, root=root)
    company, company_problems = load_record(Company, content_dir / COMPANY_FILE, root=root)
    problems.extend(shipping_problems + company_problems)
    if problems or shipping is None or company is None:
        raise CatalogueError(problems)
    return Catalogue(vehicles=tuple(vehicles), shipping=shipping, company=company)
