"""Read the catalogue from content/: every vehicle file and the shipping data.

Every problem in every file is collected before failing, so a staff member fixes
them all in one pass rather than one build per typo.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import pickle
import stat
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
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
PARSED_KIND = ("parsed-yaml-pickled", 3, yaml.__version__, SafeLoader.__name__)

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

    Every vehicle is validated, in file order. Files ``parsed`` holds unchanged are not parsed again; with
    ``workers`` > 1 and many files to parse, they are parsed and checked in that many forked processes
    (parsing is most of the cost, and each file is independent). ``photo_stamps`` gets the stamp of every
    photo found (see ``check_vehicle``).
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
    check = FileCheck(root=root, today=today or dt.date.today(), keep_data=parsed is not None)
    checked = check_files(list(files.values()), check, workers, parsed)
    problems: list[Problem] = []
    vehicles: list[tuple[Vehicle, str]] = []
    for name, _ in entries:
        if suffix(name) == ".yml":
            problems.append(Problem(prefix + name, None, "vehicle files must end in .yaml, not .yml"))
        if name not in files:
            continue
        path, shown_as = files[name]
        result = checked[path]
        problems.extend(result.problems)
        if photo_stamps is not None:
            photo_stamps.update(result.photo_stamps)
        if result.vehicle is not None:
            vehicles.append((result.vehicle, shown_as))
    problems.extend(duplicate_problems(vehicles))
    return sorted((v for v, _ in vehicles), key=lambda v: v.stock_no), problems


def suffix(name: str) -> str:
    """A file name's extension, as ``PurePath.suffix`` gives it (none for ".yaml" itself)."""
    return suffix_split(name)[1]


def suffix_split(name: str) -> tuple[str, str]:
    return os.path.splitext(name)  # noqa: PTH122 - a name, not a path


@dataclass(frozen=True)
class CheckedFile:
    """One vehicle file, read and checked."""

    vehicle: Vehicle | None  # None when the file has problems
    problems: list[Problem]
    # The parsed YAML as pickled bytes, when the file is valid YAML and the memo keeps it: from a checking
    # process to the memo's file and back, it is unpickled only when a later build uses it.
    kept: bytes | None = None
    stamp: Stamp | None = None  # the file's, taken before it was read, when its data is kept
    photo_stamps: dict[str, Stamp] = field(default_factory=dict)


def kept_form(data: Any) -> bytes:
    """Parsed YAML as the memo of parsed files keeps it."""
    return pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)


@dataclass(frozen=True)
class FileCheck:
    """How to check vehicle files: sent along to the processes that check many files in parallel."""

    root: Path | None
    today: dt.date
    keep_data: bool

    def data(self, path: str, shown_as: str, data: Any, stamp: Stamp | None = None) -> CheckedFile:
        stamps: dict[str, Stamp] = {}
        vehicle, problems = check_vehicle(path, data, shown_as, root=self.root, today=self.today, photo_stamps=stamps)
        kept = kept_form(data) if self.keep_data else None
        return CheckedFile(vehicle, problems, kept, stamp, stamps)

    def file(self, path: str, shown_as: str) -> CheckedFile:
        stamp = file_stamp(path) if self.keep_data else None  # before reading: a later edit changes it
        data, problems = read_yaml(path, shown_as)
        return CheckedFile(None, problems) if problems else self.data(path, shown_as, data, stamp)

    def files(self, files: list[tuple[str, str]]) -> list[CheckedFile]:
        return [self.file(path, shown_as) for path, shown_as in files]


def check_files(
    files: list[tuple[str, str]], check: FileCheck, workers: int, parsed: FileMemo | None
) -> dict[str, CheckedFile]:
    """Each file (path, the path as problems show it) checked; parsed again only where ``parsed`` lacks it."""
    checked: dict[str, CheckedFile] = {}
    todo = []
    for path, shown_as in files:
        # Only a file the memo holds is stamped here; the others are stamped where they are read.
        known, kept = parsed.get(path, file_stamp(path)) if parsed is not None and path in parsed else (False, None)
        if known and isinstance(kept, bytes):
            # Written only by this loader into the build's own .cache folder.
            checked[path] = check.data(path, shown_as, pickle.loads(kept))  # noqa: S301
        else:
            todo.append((path, shown_as))
    if workers > 1 and len(todo) >= PARALLEL_FROM and "fork" in multiprocessing.get_all_start_methods():
        # Checked there too: the processes send back vehicles, and the parent has no second pass to make.
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(check.files, [todo[k::workers] for k in range(workers)])
        fresh = {
            path: item for k, part in enumerate(parts) for (path, _), item in zip(todo[k::workers], part, strict=True)
        }
    else:
        fresh = {path: item for (path, _), item in zip(todo, check.files(todo), strict=True)}
    checked.update(fresh)
    if parsed is not None:
        for path, result in fresh.items():
            if result.kept is not None and result.stamp is not None:
                parsed.put(path, result.stamp, result.kept)
        parsed.keep_only({path for path, _ in files})
        parsed.save()
    return checked


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
