"""The `carjunction` command that staff and CI run."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from carjunction.catalogue import CatalogueError, load_catalogue
from carjunction.catalogue.schema import write_schemas
from carjunction.ops.commands import add_commands
from carjunction.photos.cli import add_photos_publish


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


def openapi(args: argparse.Namespace) -> int:
    from carjunction.api.openapi import render_openapi  # noqa: PLC0415 - keeps the other commands fast

    text = render_openapi()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
        if current != text:
            print(f"{args.out} is out of date; run `carjunction openapi` and commit it.", file=sys.stderr)
            return 1
        print(f"{args.out} is current.")
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
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

    api = commands.add_parser("openapi", help="write the API's OpenAPI document, generated from the code")
    api.add_argument("--out", type=Path, default=Path("openapi.json"), help="file to write (default: openapi.json)")
    api.add_argument("--check", action="store_true", help="only check that the file is current")
    api.set_defaults(run=openapi)
    add_commands(commands)
    add_photos_publish(commands)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    code: int = args.run(args)
    return code


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
