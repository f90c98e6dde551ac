"""The build's way of loading the catalogue: the pure loader's steps, with a memo of parsed files and forks.

The catalogue (``carjunction.catalogue``) reads and checks one file at a time and knows nothing of caches
or processes. The build adds two things, both only for speed, neither changing what a load finds
(tests/unit/test_parsed_cache.py):

- the parsed YAML of each file unchanged since the last build, kept in a memo (``PARSED_KIND``); every
  vehicle is still validated on every build;
- the files left to parse, parsed and checked in forked processes when there are many.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from carjunction.catalogue import Catalogue, Problem, Vehicle
from carjunction.catalogue.load import (
    VEHICLES_DIR,
    Checked,
    VehicleFile,
    catalogue_of,
    check_vehicle,
    gather_vehicles,
    read_yaml,
    vehicle_files,
)
from carjunction.catalogue.yaml_data import SafeLoader
from carjunction.file_memo import FileMemo, Stamp, file_stamp

# What the memo of parsed vehicle files holds (see carjunction.file_memo): another parser starts it afresh.
PARSED_KIND = ("parsed-yaml-pickled", 3, yaml.__version__, SafeLoader.__name__)
# A process is forked for each this many files left to parse (up to the cores): below it, forking costs more
# than the parsing it shares. A rebuild parses only the files changed since the last one.
FILES_PER_PROCESS = 500


@dataclass(frozen=True)
class ParsedFile:
    """One vehicle file, read and checked, with its parsed YAML as the memo keeps it."""

    checked: Checked
    # Pickled bytes, from a checking process to the memo's file and back: unpickled only when a later build uses it.
    kept: bytes | None = None
    stamp: Stamp | None = None  # the file's, taken before it was read


@dataclass(frozen=True)
class Parser:
    """How to parse and check vehicle files; sent along to the processes that share them."""

    root: Path
    today: dt.date

    def file(self, file: VehicleFile) -> ParsedFile:
        if not file.path:
            return ParsedFile((None, list(file.problems)))
        stamp = file_stamp(file.path)  # before reading: a later edit changes it
        data, problems = read_yaml(file.path, file.shown_as)
        if problems:
            return ParsedFile((None, problems))
        checked = check_vehicle(file.path, data, file.shown_as, root=self.root, today=self.today)
        return ParsedFile(checked, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL), stamp)

    def files(self, files: list[VehicleFile]) -> list[ParsedFile]:
        return [self.file(file) for file in files]

    def from_memo(self, file: VehicleFile, data: Any) -> Checked:
        return check_vehicle(file.path, data, file.shown_as, root=self.root, today=self.today)


def load_catalogue_for_build(content_dir: Path, today: dt.date, memo: FileMemo | None, processes: int) -> Catalogue:
    """``carjunction.catalogue.load_catalogue``'s result, parsing only what ``memo`` lacks, in up to
    ``processes`` forked processes. Raises CatalogueError as it does."""
    root = content_dir.parent
    vehicles, problems = load_vehicles_for_build(content_dir / VEHICLES_DIR, root, today, memo, processes)
    return catalogue_of(content_dir, vehicles, problems)


def load_vehicles_for_build(
    directory: Path, root: Path, today: dt.date, memo: FileMemo | None, processes: int
) -> tuple[list[Vehicle], list[Problem]]:
    """``carjunction.catalogue.load_vehicles``'s result, the same way."""
    files = vehicle_files(directory, root=root)
    parser = Parser(root, today)
    checked: dict[int, Checked] = {}
    todo: list[tuple[int, VehicleFile]] = []
    for number, file in enumerate(files):
        # Only a file the memo holds is stamped here; the others are stamped where they are read.
        known, kept = memo.get(file.path, file_stamp(file.path)) if memo and file.path in memo else (False, None)
        if known and isinstance(kept, bytes):
            checked[number] = parser.from_memo(file, pickle.loads(kept))  # noqa: S301 - our own cache file
        else:
            todo.append((number, file))
    parsed = parse(parser, [file for _, file in todo], min(processes, len(todo) // FILES_PER_PROCESS))
    for (number, file), result in zip(todo, parsed, strict=True):
        checked[number] = result.checked
        if memo is not None and result.kept is not None and result.stamp is not None:
            memo.put(file.path, result.stamp, result.kept)
    if memo is not None:
        memo.keep_only({file.path for file in files})
        memo.save()
    return gather_vehicles(files, (checked[number] for number in range(len(files))))


def parse(parser: Parser, files: list[VehicleFile], processes: int) -> list[ParsedFile]:
    """Each file parsed and checked, in order: in ``processes`` forked processes when more than one."""
    if processes <= 1:
        return parser.files(files)
    # Checked there too: the processes send back vehicles, and the parent has no second pass to make.
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        shares = pool.map(parser.files, [files[k::processes] for k in range(processes)])
    merged: list[ParsedFile] = [ParsedFile((None, []))] * len(files)
    for k, share in enumerate(shares):
        merged[k::processes] = share
    return merged
