"""`carjunction admin …`: argparse wiring and printing only; the work is in carjunction.ops.admin.

boto3 and the API package are imported when a command runs, so `carjunction validate` stays fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from carjunction.ops.admin.context import AdminContext

Command = Callable[["AdminContext", argparse.Namespace], int]

INQUIRY_COLUMNS = (
    ("reference", "REF", 12),
    ("received_at", "RECEIVED (UTC)", 20),
    ("hours_waiting", "HOURS", 6),
    ("flag", "FLAG", 18),
    ("status", "STATUS", 8),
    ("country", "CTRY", 4),
    ("stock_no", "STOCK", 10),
    ("name", "NAME", 24),
    ("message", "MESSAGE", 40),
)
ORDER_COLUMNS = (
    ("order_no", "ORDER", 12),
    ("status", "STATUS", 9),
    ("created_at", "CREATED (UTC)", 20),
    ("stock_no", "STOCK", 10),
    ("vehicle", "VEHICLE", 30),
    ("port", "PORT", 6),
    ("incoterm", "TERM", 4),
    ("total_usd", "USD", 8),
    ("consignee", "CONSIGNEE", 24),
)
MEMBER_COLUMNS = (("name", "NAME", 40), ("email", "E-MAIL", 50), ("country", "COUNTRY", 7))


def say(text: str) -> None:
    print(text, flush=True)


def print_json(value: Any) -> None:
    # ensure_ascii escapes every control character, so stored text cannot drive the terminal.
    say(json.dumps(value, indent=2, ensure_ascii=True))


def inquiries_list(context: AdminContext, args: argparse.Namespace) -> int:
    from carjunction.ops.admin.answer_inquiries import list_inquiries  # noqa: PLC0415
    from carjunction.ops.admin.render_text import table  # noqa: PLC0415

    rows = list_inquiries(context, include_answered=args.all)
    if args.json:
        print_json(rows)
    elif not rows:
        say("no inquiries" if args.all else "no unanswered inquiries")
    else:
        say(table(rows, INQUIRY_COLUMNS))
        late = sum(1 for row in rows if row["flag"].startswith("late"))
        say(f"\n{len(rows)} shown, {late} past the {context.answer_within_hours} h promise")
    return 0


def show_inquiry_row(row: dict[str, Any]) -> None:
    from carjunction.ops.admin.render_text import details  # noqa: PLC0415

    pairs = [
        ("Reference", row["reference"]),
        ("Status", row["status"] + (f" at {row['answered_at']}" if row.get("answered_at") else "")),
        ("Received", f"{row['received_at']} ({row['hours_waiting']} h{', ' + row['flag'] if row['flag'] else ''})"),
        ("Name", row["name"]),
        ("E-mail", row["email"]),
        ("Telephone", row["telephone"] or "-"),
        ("Country", row["country"]),
        ("Vehicle", row["stock_no"] or "(general inquiry)"),
    ]
    if row.get("answer_note"):
        pairs.append(("Note", row["answer_note"]))
    pairs.append(("Message", row["message"]))
    say(details(pairs))


def inquiries_show(context: AdminContext, args: argparse.Namespace) -> int:
    from carjunction.ops.admin.answer_inquiries import show_inquiry  # noqa: PLC0415

    row = show_inquiry(context, args.reference)
    if args.json:
        print_json(row)
    else:
        show_inquiry_row(row)
    return 0


def inquiries_answer(context: AdminContext, args: argparse.Namespace) -> int:
    from carjunction.ops.admin.answer_inquiries import answer_inquiry  # noqa: PLC0415
    from carjunction.ops.admin.render_text import safe  # noqa: PLC0415

    row = answer_inquiry(context, args.reference, args.note)
    if args.json:
        print_json(row)
    else:
        say(f"inquiry {safe(row['reference'])} marked answered at {row['answered_at']}")
    return 0


def party(value: Any) -> str:
    if not value:
        return "-"
    return ", ".join(str(value[name]) for name in ("name", "address", "telephone") if value.get(name))


def orders_list(context: AdminContext, args: argparse.Namespace) -> int:
    from carjunction.ops.admin.move_orders import list_orders  # noqa: PLC0415
    from carjunction.ops.admin.render_text import table  # noqa: PLC0415

    rows = list_orders(context, status=args.status)
    if args.json:
        print_json(rows)
    elif not rows:
        say("no orders" + (f" with status {args.status}" if args.status else ""))
    else:
        say(table([{**row, "consignee": (row["consignee"] or {}).get("name")} for row in rows], ORDER_COLUMNS))
    return 0


def show_order_row(row: dict[str, Any]) -> None:
    from carjunction.ops.admin.render_text import details  # noqa: PLC0415

    shipment = row.get("shipment") or {}
    pairs = [
        ("Order", row["order_no"]),
        ("Status", row["status"]),
        ("Created", row["created_at"]),
        ("Reserved until", row["reserved_until"]),
        ("Vehicle", f"{row['stock_no']} {row['vehicle']}"),
        ("Route", f"{row['incoterm']} {row['port']}"),
        ("Total USD", row["total_usd"]),
        ("Consignee", party(row["consignee"])),
        ("Notify party", party(row["notify_party"])),
        (
            "Shipment",
            f"vessel {shipment['vessel']}, voyage {shipment['voyage']}, B/L {shipment['bl_no']}" if shipment else "-",
        ),
        ("History", "\n".join(f"{change['at']}  {change['status']}" for change in row["history"])),
    ]
    say(details(pairs))


def orders_show(context: AdminContext, args: argparse.Namespace) -> int:
    from carjunction.ops.admin.move_orders import show_order  # noqa: PLC0415

    row = show_order(context, args.order_no)
    if args.json:
        print_json(row)
    else:
        show_order_row(row)
    return 0


def orders_move(context: AdminContext, args: argparse.Namespace) -> int:
    from carjunction.ops.admin.move_orders import move_order  # noqa: PLC0415

    row = move_order(context, args.order_no, args.to)
    if args.json:
        print_json(row)
    else:
        effect = {"cancelled": "; the car is free again", "paid": "; the site shows the car sold"}
        say(f"order {row['order_no']} is now {row['status']}{effect.get(row['status'], '')}")
    return 0


def orders_ship(context: AdminContext, args: argparse.Namespace) -> int:
    from carjunction.ops.admin.move_orders import ship_order  # noqa: PLC0415
    from carjunction.ops.admin.render_text import safe  # noqa: PLC0415

    row = ship_order(context, args.order_no, vessel=args.vessel, voyage=args.voyage, bl_no=args.bl)
    if args.json:
        print_json(row)
    else:
        shipment = row["shipment"]
        say(
            f"order {row['order_no']}: vessel {safe(shipment['vessel'])}, voyage {safe(shipment['voyage'])}, "
            f"B/L {safe(shipment['bl_no'])} recorded"
        )
    return 0


def manifest(context: AdminContext, args: argparse.Namespace) -> int:
    from carjunction.ops.admin.export_manifest import manifest_csv, manifest_rows  # noqa: PLC0415

    rows = manifest_rows(context, args.order_numbers)
    if args.json:
        print_json(rows)
    elif args.out:
        args.out.write_text(manifest_csv(rows), encoding="utf-8", newline="")
        print(f"wrote {args.out}: {len(rows)} vehicle(s)", file=sys.stderr)
    else:
        sys.stdout.write(manifest_csv(rows))
    return 0


def members_opted_in(context: AdminContext, args: argparse.Namespace) -> int:
    from carjunction.ops.admin.list_members import list_opted_in  # noqa: PLC0415
    from carjunction.ops.admin.render_text import table  # noqa: PLC0415

    rows = list_opted_in(context)
    if args.json:
        print_json(rows)
    elif not rows:
        say("no member has asked for update notices")
    else:
        say(table(rows, MEMBER_COLUMNS))
    return 0


def make_context(args: argparse.Namespace) -> AdminContext:
    """The table (local stack or deployed), the promise in company.yaml and the ports, for every command."""
    import boto3  # noqa: PLC0415 - heavy, and only admin needs it here
    from botocore.config import Config  # noqa: PLC0415

    from carjunction.api.store.db import Db  # noqa: PLC0415
    from carjunction.catalogue.company import Company  # noqa: PLC0415
    from carjunction.catalogue.load import COMPANY_FILE, SHIPPING_FILE, load_record, load_shipping  # noqa: PLC0415
    from carjunction.ops.admin.connect_table import deployed_target, local_target, sending_connector  # noqa: PLC0415
    from carjunction.ops.admin.context import AdminContext  # noqa: PLC0415

    config = Config(connect_timeout=3, read_timeout=10, retries={"max_attempts": 3, "mode": "standard"})
    if args.local:
        target = local_target(args.state_dir)
        # moto takes any credentials; these keep a real AWS profile out of it.
        session = boto3.session.Session(
            aws_access_key_id="local",
            aws_secret_access_key="local",  # noqa: S106 - not a secret
            region_name=target.region,
        )
    else:
        region = args.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or None
        session = boto3.session.Session(region_name=region)
        cloudformation = None
        if not (args.table or os.environ.get("CARJUNCTION_TABLE_NAME")):
            cloudformation = session.client("cloudformation", config=config, endpoint_url=args.endpoint_url)
        target = deployed_target(
            os.environ,
            table=args.table,
            stack=args.stack,
            region=args.region,
            endpoint_url=args.endpoint_url,
            cloudformation=cloudformation,
        )
    client = session.client("dynamodb", config=config, endpoint_url=target.endpoint_url, region_name=target.region)
    company, _ = load_record(Company, args.content / COMPANY_FILE)
    shipping, _ = load_shipping(args.content / SHIPPING_FILE)
    context = AdminContext(db=Db(client, target.table), shipping=shipping)
    if company is not None:
        context.answer_within_hours = company.answer_within_hours
        context.company_name = company.name
    # Made on first use: only the commands that mail members need SSM and SQS rights.
    context.connect_sending = sending_connector(target, args, session, config)
    return context


def run_admin(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError  # noqa: PLC0415

    from carjunction.ops.admin.context import AdminError  # noqa: PLC0415

    command: Command = args.admin_run
    try:
        return command(make_context(args), args)
    except AdminError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except NoRegionError:
        print("error: no AWS region: give --region or set AWS_REGION (or --local for `make serve`)", file=sys.stderr)
        return 1
    except NoCredentialsError:
        print(
            "error: no AWS credentials: sign in (e.g. `aws sso login`), or use --local for `make serve`",
            file=sys.stderr,
        )
        return 1
    except (BotoCoreError, ClientError) as error:  # unreachable endpoint, no credentials, no such table
        print(f"error: the table could not be read or written: {error}", file=sys.stderr)
        return 1


def common_options() -> argparse.ArgumentParser:
    """Where the data is and how to print it; accepted after any admin command."""
    common = argparse.ArgumentParser(add_help=False)
    where = common.add_argument_group("which table (default: the deployed stack's, from its outputs)")
    where.add_argument("--local", action="store_true", help="the local stack that `make serve` runs")
    where.add_argument("--state-dir", type=Path, default=Path(".local"), help="the local stack's folder (.local)")
    where.add_argument("--table", help="DynamoDB table name (or CARJUNCTION_TABLE_NAME)")
    where.add_argument("--stack", help="CloudFormation stack to read the table from (default: carjunction)")
    where.add_argument("--region", help="AWS region (default: AWS_REGION or your AWS config)")
    where.add_argument("--endpoint-url", help="a DynamoDB endpoint other than AWS's")
    common.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    common.add_argument("--json", action="store_true", help="print JSON instead of a table")
    return common


def add_admin(commands: Any) -> None:
    common = common_options()
    admin = commands.add_parser(
        "admin",
        help="inquiries, orders, the shipping manifest, members, notices and demand, in the live tables",
        description="Staff commands on the deployed tables, or the local stack's with --local.",
    )
    topics = admin.add_subparsers(dest="topic", required=True)

    def leaf(group: Any, name: str, run: Command, help_text: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = group.add_parser(name, parents=[common], help=help_text)
        parser.set_defaults(run=run_admin, admin_run=run)
        return parser

    inquiries = topics.add_parser("inquiries", help="buyers' inquiries").add_subparsers(dest="action", required=True)
    listing = leaf(inquiries, "list", inquiries_list, "unanswered inquiries, oldest first, with hours waiting")
    listing.add_argument("--all", action="store_true", help="answered ones too")
    leaf(inquiries, "show", inquiries_show, "one inquiry in full").add_argument("reference", help="e.g. Q-7KQ2M9DX")
    answer = leaf(inquiries, "answer", inquiries_answer, "mark an inquiry answered")
    answer.add_argument("reference")
    answer.add_argument("--note", help="how it was answered, for colleagues")

    orders = topics.add_parser("orders", help="orders and their status").add_subparsers(dest="action", required=True)
    listing = leaf(orders, "list", orders_list, "orders, oldest first")
    listing.add_argument("--status", help="only orders in this status, e.g. reserved")
    leaf(orders, "show", orders_show, "one order in full, with its history").add_argument("order_no")
    move = leaf(orders, "move", orders_move, "move an order to its next status, or cancel it (frees the car)")
    move.add_argument("order_no")
    move.add_argument("--to", required=True, choices=("invoiced", "paid", "shipped", "delivered", "cancelled"))
    ship = leaf(orders, "ship", orders_ship, "record vessel, voyage and bill of lading")
    ship.add_argument("order_no")
    ship.add_argument("--vessel", required=True)
    ship.add_argument("--voyage", required=True)
    ship.add_argument("--bl", required=True, help="bill of lading number")

    export = leaf(topics, "manifest", manifest, "CSV for the shipping agent: what clearing the cars needs")
    export.add_argument("order_numbers", nargs="+", metavar="ORDER_NO")
    export.add_argument("--out", type=Path, help="write the CSV to this file (default: print it)")

    members = topics.add_parser("members", help="members").add_subparsers(dest="action", required=True)
    leaf(members, "opted-in", members_opted_in, "members who asked for update notices: name, e-mail, country")

    from carjunction.ops.admin_updates_cli import add_updates  # noqa: PLC0415 - its parsers only; nothing heavy

    add_updates(topics, leaf)
