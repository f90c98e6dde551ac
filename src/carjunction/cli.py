"""The `carjunction` command that staff and CI run."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from carjunction.catalogue import CatalogueError, load_catalogue
from carjunction.catalogue.schema import write_schemas
from carjunction.ops.commands import add_commands


def validate(args: argparse.Namespace) -> int:
    try:
        catalogue = load_catalogue(args.content)
    except CatalogueError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        files = len({p.path for p in error.problems})
        noun = "file has" if files == 1 else "files have"
        print(f"{files} {noun} problems ({len(error.problems)} in all); nothing was published.", file=sys.stderr)
        return 1
    statuses = Counter(v.status.value for v in catalogue.vehicles)
    detail = ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
    print(
        f"OK: {len(catalogue.vehicles)} vehicles ({detail or 'none'}), "
        f"{len(catalogue.shipping.ports)} ports in {len(catalogue.shipping.countries)} countries."
    )
    return 0


def schema(args: argparse.Namespace) -> int:
    for path in write_schemas(args.out):
        print(f"wrote {path}")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="carjunction", description="Car Junction storefront tools.")
    commands = root.add_subparsers(dest="command", required=True)

    check = commands.add_parser("validate", help="check every vehicle file and the shipping data")
    check.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    check.set_defaults(run=validate)

    gen = commands.add_parser("schema", help="write the JSON Schemas for the files staff edit")
    gen.add_argument("--out", type=Path, default=Path("schemas"), help="folder to write to (default: schemas)")
    gen.set_defaults(run=schema)

    add_commands(commands)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    code: int = args.run(args)
    return code


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
