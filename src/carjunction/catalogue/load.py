"""Read the catalogue from content/: every vehicle file and the shipping data.

Every problem in every file is collected before failing, so a staff member fixes
them all in one pass rather than one build per typo.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import stat
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
from carjunction.catalogue.yaml_data import SafeLoader, load_data
from carjunction.file_memo import FileMemo, Stamp, file_stamp, stamp_of

# What a memo of parsed vehicle files holds (see carjunction.file_memo): another parser starts it afresh.
PARSED_KIND = ("parsed-yaml", 2, yaml.__version__, SafeLoader.__name__)

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
    try:
        with open(path, encoding="utf-8") as source:  # noqa: PTH123 - the loader passes plain strings
            text = source.read()
    except UnicodeDecodeError:
        return None, [Problem(shown_as, None, "is not UTF-8 text; save it as UTF-8")]
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
    path: str | Path,
    data: Any,
    shown_as: str,
    *,
    root: Path | None,
    today: dt.date,
    photo_stamps: dict[str, Stamp] | None = None,
) -> tuple[Vehicle | None, list[Problem]]:
    """The vehicle in a file's parsed ``data``, checked against its file name and photos.

    Each photo found is stamped into ``photo_stamps`` (by its path), so the photo step need not look again.
    """
    vehicle, problems = parse_record(Vehicle, data, shown_as, {"today": today})
    if vehicle is None:
        return None, problems
    # Plain strings and os calls: this runs once per vehicle and once per photo.
    folder, file_name = os.path.split(path)
    stem = suffix_split(file_name)[0]
    if vehicle.stock_no != stem:
        problems.append(Problem(shown_as, "stock_no", f'must match the file name "{stem}", got "{vehicle.stock_no}"'))
    for index, photo in enumerate(vehicle.photos):
        photo_path = f"{folder}/{vehicle.stock_no}/{photo}"
        try:
            facts = os.stat(photo_path)  # noqa: PTH116 - see above
        except OSError:
            facts = None
        if facts is None or not stat.S_ISREG(facts.st_mode):
            where = display_path(Path(folder) / vehicle.stock_no / photo, root)
            problems.append(Problem(shown_as, f"photos[{index}]", f"file {where} does not exist"))
        elif photo_stamps is not None:
            photo_stamps[photo_path] = stamp_of(facts)
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
    directory: Path,
    *,
    root: Path | None = None,
    today: dt.date | None = None,
    workers: int = 1,
    parsed: FileMemo | None = None,
    photo_stamps: dict[str, Stamp] | None = None,
) -> tuple[list[Vehicle], list[Problem]]:
    """All valid vehicles in ``directory``, sorted by stock number, and every problem found.

    Files ``parsed`` already holds unchanged are not parsed again; with ``workers`` > 1 and many files
    to parse, they are parsed in that many forked processes (parsing is most of the cost, and each file
    is independent). Every vehicle is validated here, in file order; ``photo_stamps`` gets the stamp of
    every photo found (see ``check_vehicle``).
    """
    # Names and plain strings, not Path objects: at 10,000 vehicles, sorting and relativising those showed.
    with os.scandir(directory) if directory.is_dir() else nullcontext(()) as listing:
        entries = sorted((entry.name, entry.is_file()) for entry in listing)
    shown_dir = display_path(directory, root)
    prefix = "" if shown_dir == "." else f"{shown_dir}/"
    folder = str(directory)
    files = {
        name: (f"{folder}/{name}", prefix + name) for name, is_file in entries if is_file and suffix(name) == ".yaml"
    }
    texts = parse_files(list(files.values()), workers, parsed)
    today = today or dt.date.today()
    problems: list[Problem] = []
    vehicles: list[tuple[Vehicle, str]] = []
    for name, _ in entries:
        if suffix(name) == ".yml":
            problems.append(Problem(prefix + name, None, "vehicle files must end in .yaml, not .yml"))
        if name not in files:
            continue
        path, shown_as = files[name]
        data, found = texts[path]
        vehicle, found = (
            (None, found)
            if found
            else check_vehicle(path, data, shown_as, root=root, today=today, photo_stamps=photo_stamps)
        )
        problems.extend(found)
        if vehicle is not None:
            vehicles.append((vehicle, shown_as))
    problems.extend(duplicate_problems(vehicles))
    return sorted((v for v, _ in vehicles), key=lambda v: v.stock_no), problems


def suffix(name: str) -> str:
    """A file name's extension, as ``PurePath.suffix`` gives it (none for ".yaml" itself)."""
    return suffix_split(name)[1]


def suffix_split(name: str) -> tuple[str, str]:
    return os.path.splitext(name)  # noqa: PTH122 - a name, not a path


def parse_files(
    files: list[tuple[str, str]], workers: int, parsed: FileMemo | None
) -> dict[str, tuple[Any, list[Problem]]]:
    """Each file's parsed data and parse problems, from ``parsed`` where the file is unchanged.

    ``files`` are (path, the path as problems show it).
    """
    texts: dict[str, tuple[Any, list[Problem]]] = {}
    stamps = {path: file_stamp(path) for path, _ in files} if parsed is not None else {}
    todo = []
    for path, shown_as in files:
        known, data = parsed.get(path, stamps[path]) if parsed is not None else (False, None)
        if known:
            texts[path] = (data, [])
        else:
            todo.append((path, shown_as))
    if workers > 1 and len(todo) >= PARALLEL_FROM and "fork" in multiprocessing.get_all_start_methods():
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(parse_some, [todo[k::workers] for k in range(workers)])
        fresh = {
            path: item for k, part in enumerate(parts) for (path, _), item in zip(todo[k::workers], part, strict=True)
        }
    else:
        fresh = {path: item for (path, _), item in zip(todo, parse_some(todo), strict=True)}
    texts.update(fresh)
    if parsed is not None:
        for path, (data, found) in fresh.items():
            if not found:
                parsed.put(path, stamps[path], data)
        parsed.keep_only({path for path, _ in files})
        parsed.save()
    return texts


def parse_some(files: list[tuple[str, str]]) -> list[tuple[Any, list[Problem]]]:
    """One process's share of the files: each one's parsed data and parse problems."""
    return [read_yaml(path, shown_as) for path, shown_as in files]


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


def load_catalogue(
    content_dir: Path,
    *,
    today: dt.date | None = None,
    workers: int = 1,
    parsed: FileMemo | None = None,
    photo_stamps: dict[str, Stamp] | None = None,
) -> Catalogue:
    """Load and validate everything under ``content_dir``; raise CatalogueError listing every problem.

    ``parsed`` and ``photo_stamps`` are the build's: see ``load_vehicles``.
    """
    root = content_dir.parent
    vehicles, problems = load_vehicles(
        content_dir / VEHICLES_DIR, root=root, today=today, workers=workers, parsed=parsed, photo_stamps=photo_stamps
    )
    shipping, shipping_problems = load_shipping(content_dir / SHIPPING_FILE, root=root)
    company, company_problems = load_record(Company, content_dir / COMPANY_FILE, root=root)
    problems.extend(shipping_problems + company_problems)
    if problems or shipping is None or company is None:
        raise CatalogueError(problems)
    return Catalogue(vehicles=tuple(vehicles), shipping=shipping, company=company)
