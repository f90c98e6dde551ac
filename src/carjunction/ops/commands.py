"""Staff subcommands of `carjunction`: new-vehicle, photos, deploy, smoke (and admin, from admin_cli).

Only argparse wiring lives here; boto3 and Pillow are imported inside the command functions so that
`carjunction validate` (run on every commit by pre-commit) starts fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from carjunction.ops.ingest_photos import VariantMaker


def deploy_command(args: argparse.Namespace) -> int:
    import boto3  # noqa: PLC0415 - heavy, and only deploy needs it
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

    from carjunction.ops.deploy import (  # noqa: PLC0415
        Clients,
        DeployError,
        DeploySettings,
        deploy,
        load_plan,
        sync_catalogue_to_table,
    )

    settings = DeploySettings.from_env(
        os.environ,
        stack_name=args.stack,
        region=args.region,
        bucket=args.bucket,
        distribution_id=args.distribution_id,
        table_name=args.table,
        content_dir=args.content,
        site_dir=args.site,
        skip_build=args.skip_build or None,
        skip_sam=args.skip_sam or None,
        settings_file=args.settings,
        strict=args.strict or None,
        photos=args.photos or args.photo_limit is not None or None,
        photo_limit=args.photo_limit,
    )
    try:
        # Read first, so that the clients are made in the region the settings file names.
        plan = load_plan(settings, required=False)
        settings = settings.with_file(plan.file if plan else None)
        session = boto3.Session(region_name=settings.region)
        clients = Clients(
            s3=session.client("s3"),
            cloudfront=session.client("cloudfront"),
            cloudformation=session.client("cloudformation"),
            dynamodb=session.client("dynamodb"),
            ssm=session.client("ssm"),
            secretsmanager=session.client("secretsmanager"),
            sesv2=session.client("sesv2"),
            lambda_=session.client("lambda"),
        )
        report = deploy(settings, clients, catalogue_sync=sync_catalogue_to_table, plan=plan)
    except DeployError as error:
        print(f"deploy stopped: {error}", file=sys.stderr)
        return 1
    except (BotoCoreError, ClientError) as error:  # no credentials, no permission, throttled
        print(f"deploy stopped: AWS refused a request: {error}", file=sys.stderr)
        return 1
    changed = len(report.site.changed_keys) if report.site else 0
    print(f"deployed: {changed} site files changed, {report.vehicles_synced or 0} vehicles synced")
    if report.mail_warnings:
        print(f"{len(report.mail_warnings)} mail warning(s) above: fix them so that buyers get their mail")
    if report.site_url:
        print(f"site: {report.site_url}; check it with `carjunction smoke --url {report.site_url}`")
        github_output = os.environ.get("GITHUB_OUTPUT")
        if github_output:  # a later workflow step runs the smoke check against it
            with Path(github_output).open("a", encoding="utf-8") as out:
                out.write(f"site_url={report.site_url}\n")
    return 0


def add_deploy(commands: Any) -> None:
    sub = commands.add_parser(
        "deploy",
        help="validate, build, deploy the stack (with SAM), sync site and catalogue, invalidate the CDN",
        description="Does the first deploy too: the stack's parameters come from the settings file (copy "
        "deploy/settings.example.toml to deploy/settings.toml), missing secrets are created and SES is checked "
        "before `sam deploy`, which never prompts. Targets come from the CloudFormation stack's outputs unless "
        "given as options or CARJUNCTION_STACK_NAME, CARJUNCTION_BUCKET, CARJUNCTION_DISTRIBUTION_ID, "
        "CARJUNCTION_TABLE_NAME.",
    )
    sub.add_argument("--stack", help="CloudFormation stack name (default: the settings file's, else carjunction)")
    sub.add_argument(
        "--region",
        help="AWS region (default: AWS_REGION, else the settings file's; when both are given they must agree)",
    )
    sub.add_argument("--settings", type=Path, help="settings file (default: deploy/settings.toml)")
    sub.add_argument("--strict", action="store_true", help="stop before `sam deploy` if SES cannot deliver mail yet")
    sub.add_argument("--bucket", help="site bucket, instead of the stack's SiteBucketName output")
    sub.add_argument("--distribution-id", help="CloudFront distribution, instead of the DistributionId output")
    sub.add_argument("--table", help="DynamoDB table, instead of the DataTableName output")
    sub.add_argument("--content", type=Path, help="content folder (default: content)")
    sub.add_argument("--site", type=Path, help="built site folder (default: site)")
    sub.add_argument("--skip-build", action="store_true", help="sync the site/ already built")
    sub.add_argument("--skip-sam", action="store_true", help="do not run sam build/deploy even if installed")
    sub.add_argument(
        "--photos",
        action="store_true",
        help="publish the photos the bucket lacks before the site (as CARJUNCTION_PHOTOS=1); see photos-publish",
    )
    sub.add_argument(
        "--photo-limit",
        type=at_least_one,
        metavar="N",
        help="publish at most N missing photos, the rest in the next deploy (a first publication); implies --photos",
    )
    sub.set_defaults(run=deploy_command)


def at_least_one(text: str) -> int:
    """A whole number of 1 or more, for argparse (which then says what is wrong, instead of a traceback)."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, got {text!r}")
    return number


def smoke_command(args: argparse.Namespace) -> int:
    from carjunction.ops.smoke import run_smoke  # noqa: PLC0415

    try:
        results = run_smoke(args.url, timeout=args.timeout, say=lambda line: print(line, flush=True))
    except ValueError as error:  # not an address
        print(error, file=sys.stderr)
        return 2
    failed = [r for r in results if not r.ok]
    print(
        f"{len(results) - len(failed)} of {len(results)} checks passed" + (f", {len(failed)} failed" if failed else "")
    )
    return 1 if failed else 0


def add_smoke(commands: Any) -> None:
    sub = commands.add_parser(
        "smoke",
        help="check a deployed site: pages, 404, slash redirects, security headers, the public API, a refused POST",
        description="Read-only requests, plus one POST from another Origin that must be refused (403) before "
        "anything is stored. One line per check; the exit code is 1 if any failed.",
    )
    sub.add_argument("--url", required=True, help="the site's address, e.g. https://www.example.com")
    sub.add_argument("--timeout", type=float, default=15, help="seconds per request (default: 15)")
    sub.set_defaults(run=smoke_command)


def variant_maker(repository: Path) -> VariantMaker:
    """The site build's own variant code and cache (.cache/ beside mkdocs.yml), run ahead of the build."""
    from carjunction.site.photos import encode_ahead  # noqa: PLC0415 - Pillow and MkDocs only when needed
    from carjunction.site.plugin import cache_root  # noqa: PLC0415
    from carjunction.site.render_processes import render_processes  # noqa: PLC0415

    cache = cache_root(repository / "mkdocs.yml")
    return lambda paths: encode_ahead(paths, cache, workers=render_processes())


def photos_command(args: argparse.Namespace) -> int:
    from carjunction.ops.ingest_photos import PhotoError, ingest_photos, originals  # noqa: PLC0415
    from carjunction.ops.progress import Progress  # noqa: PLC0415

    vehicles = args.content / "vehicles"
    if args.all:
        files = sorted(vehicles.glob("*.yaml"))
    elif args.stock_no:
        files = [vehicles / f"{args.stock_no}.yaml"]
    else:
        print("give a stock number, or --all", file=sys.stderr)
        return 2
    total = sum(len(originals(path.with_suffix(""))) for path in files)
    progress = Progress(total, "photos")
    make_variants = variant_maker(args.content.resolve().parent)
    failed = 0
    for path in files:
        try:
            result = ingest_photos(path, max_side=args.max_side, progress=progress, make_variants=make_variants)
        except (PhotoError, ValueError) as error:
            print(f"{error}; nothing changed for {path.stem}", file=sys.stderr)
            failed += 1
            continue
        for name in result.dropped:
            print(f"{path.stem}: {name} was listed but is not in {path.with_suffix('')}; removed from the list")
        if result.changed or not args.all:
            if not result.changed:
                detail = "nothing to change"
            else:
                detail = f"{len(result.encoded)} cleaned and resized, {len(result.renamed)} renamed"
                detail += ", photos list updated" if result.yaml_changed else ""
            print(f"{path.stem}: {len(result.photos)} photos ({detail})")
    if failed:
        print(f"{failed} vehicle(s) not done; fix the files named above and run again", file=sys.stderr)
        return 1
    print("done; now run `carjunction validate` and commit" if total else "no photos found")
    return 0


def add_photos(commands: Any) -> None:
    sub = commands.add_parser(
        "photos",
        help="orient, strip metadata (GPS), resize and number the photos in content/vehicles/<stock_no>/",
    )
    sub.add_argument("stock_no", nargs="?", help="the vehicle whose folder to process")
    sub.add_argument("--all", action="store_true", help="process every vehicle's folder")
    sub.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    sub.add_argument("--max-side", type=int, default=2048, help="longest side in pixels (default: 2048)")
    sub.set_defaults(run=photos_command)


# Fields given as --<name>; options are repeated with --option.
VEHICLE_OPTIONS = (
    "stock_no", "make", "model", "grade", "model_code", "chassis_no", "registration", "manufacture",
    "mileage_km", "engine_cc", "fuel", "transmission", "drive", "steering", "body_type", "doors", "seats",
    "colour", "length_mm", "width_mm", "height_mm", "weight_kg", "condition_notes", "yard", "status",
    "price_usd", "was_price_usd", "added",
)  # fmt: skip


def prompt(name: str, default: str | None, allowed: tuple[str, ...]) -> str:
    from carjunction.ops.new_vehicle import describe_field  # noqa: PLC0415

    hint = f" ({'/'.join(allowed)})" if allowed else ""
    shown = f" [{default}]" if default else ""
    about = describe_field(name)
    return input(f"{name}{hint}{shown}{' - ' + about if about else ''}\n> ")


def new_vehicle_command(args: argparse.Namespace) -> int:
    from carjunction.ops.new_vehicle import build_vehicle, next_stock_no, write_new  # noqa: PLC0415

    vehicles = args.content / "vehicles"
    today = dt.date.today()
    if args.next_stock_no:
        print(next_stock_no(vehicles, today))
        return 0
    given = {name: getattr(args, name) for name in VEHICLE_OPTIONS}
    given["options"] = args.option or []
    interactive = sys.stdin.isatty() and not args.no_input
    try:
        vehicle, problems = build_vehicle(given, vehicles, today=today, ask=prompt if interactive else None)
    except (EOFError, KeyboardInterrupt):
        print("\nstopped; nothing was written", file=sys.stderr)
        return 1
    if vehicle is None:
        for problem in problems:
            option = (problem.field or "").replace("_", "-")
            flag = f" (give --{option})" if problem.message == "is required" else ""
            print(f"{problem}{flag}", file=sys.stderr)
        print("nothing was written", file=sys.stderr)
        return 1
    try:
        path = write_new(vehicles, vehicle)
    except FileExistsError:
        print(f"{vehicles}/{vehicle.stock_no}.yaml already exists; nothing was written", file=sys.stderr)
        return 1
    print(f"wrote {path}")
    print(f"next: put its photos in {path.with_suffix('')}/ and run `carjunction photos {vehicle.stock_no}`")
    return 0


def add_new_vehicle(commands: Any) -> None:
    sub = commands.add_parser(
        "new-vehicle",
        help="write a new vehicle file, asking for the fields (in a terminal) or taking them as options",
    )
    for name in VEHICLE_OPTIONS:
        sub.add_argument(f"--{name.replace('_', '-')}", dest=name, metavar=name.split("_")[-1].upper())
    sub.add_argument("--option", action="append", help="a fitted option; repeat for each")
    sub.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    sub.add_argument("--no-input", action="store_true", help="never ask; fail naming any missing field")
    sub.add_argument("--next-stock-no", action="store_true", help="print the next free stock number and stop")
    sub.set_defaults(run=new_vehicle_command)


def add_commands(commands: Any) -> None:
    from carjunction.ops.admin_cli import add_admin  # noqa: PLC0415 - argparse only; boto3 loads when it runs

    add_new_vehicle(commands)
    add_photos(commands)
    add_deploy(commands)
    add_smoke(commands)
    add_admin(commands)
