"""`carjunction admin notify`, `admin demand` and `admin alerts run`: argparse wiring and printing only; the work is
in carjunction.ops.admin.notify, .demand and .run_alerts. Registered by admin_cli.add_admin."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from carjunction.api.mail import Email
    from carjunction.ops.admin.context import AdminContext
    from carjunction.ops.admin.notify import NotifyResult

Leaf = Callable[[Any, str, Callable[["AdminContext", argparse.Namespace], int], str], argparse.ArgumentParser]
DEMAND_COLUMNS = (
    ("make", "MAKE", 16),
    ("model", "MODEL", 24),
    ("body", "BODY", 11),
    ("budget", "BUDGET US$", 10),
    ("years", "YEARS", 9),
    ("country", "CTRY", 5),
    ("searches", "SEARCHES", 8),
    ("searches_matched", "IN STOCK", 8),
    ("inquiries", "INQUIRIES", 9),
    ("inquiries_matched", "IN STOCK", 8),
)


def say(text: str) -> None:
    print(text, flush=True)


def duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes = seconds / 60
    return f"{minutes:.0f} min" if minutes < 90 else f"{minutes / 60:.1f} h"


def show_mail(email: Email) -> None:
    """The mail as its reader's client shows it: header fields, a blank line, the text (made safe to print)."""
    from carjunction.ops.admin.render_text import safe  # noqa: PLC0415

    fields = [("To", email.to), ("Subject", email.subject), *email.headers.items(), ("X-Once", email.once or "-")]
    say("\n".join(f"{name}: {safe(value)}" for name, value in fields))
    say("\n" + safe(email.body, keep_newlines=True))


def summary(result: NotifyResult) -> dict[str, Any]:
    from carjunction.ops.admin.notify import SES_PER_SECOND  # noqa: PLC0415

    return {
        "notice_id": result.notice_id,
        "members": result.members,
        "queued": result.queued,
        "already": result.already,
        "failed": result.failed,
        "left": result.left,
        "ses_seconds": round(result.ses_seconds(), 1),
        "ses_per_second": SES_PER_SECOND,
    }


def notify(context: AdminContext, args: argparse.Namespace) -> int:
    from carjunction.ops.admin.notify import SES_PER_SECOND, Pace, notify, read_notice  # noqa: PLC0415
    from carjunction.ops.admin_cli import print_json  # noqa: PLC0415
    from carjunction.ops.progress import Progress  # noqa: PLC0415

    notice = read_notice(args.subject, args.body_file, args.id)
    if args.dry_run:
        result = notify(context, notice, pace=Pace(args.rate or SES_PER_SECOND), dry_run=True)
        if args.json:
            print_json({**summary(result), "dry_run": True, "to_send": result.to_send})
            return 0
        say(
            f"notice {notice.notice_id}: {result.members} member(s) opted in, {result.already} already have it, "
            f"{result.to_send} would be sent (SES: about {duration(result.to_send / SES_PER_SECOND)})"
        )
        if result.first is not None:
            say("\nThe first mail:\n")
            show_mail(result.first)
        return 0

    def progress(total: int) -> Callable[[int], None]:
        bar = Progress(total, f"notice {notice.notice_id}")

        def advance(count: int) -> None:
            for _ in range(count):
                bar.advance()

        return advance

    result = notify(context, notice, pace=Pace(args.rate or SES_PER_SECOND), progress=progress)
    if args.json:
        print_json(summary(result))
    else:
        say(
            f"notice {notice.notice_id}: {result.queued} queued, {result.already} already had it, "
            f"{result.failed} failed" + (f", {result.left} not tried" if result.left else "")
        )
        say(f"SES sends {result.queued} mail(s) in about {duration(result.ses_seconds())} at {SES_PER_SECOND}/s")
    if result.failed or result.left:
        print("the mail queue failed: run the same command again to send the rest", file=sys.stderr)
        return 1
    return 0


def demand(context: AdminContext, args: argparse.Namespace) -> int:
    from carjunction.ops.admin.demand import DIMENSIONS, demand_rows  # noqa: PLC0415
    from carjunction.ops.admin.render_text import table  # noqa: PLC0415
    from carjunction.ops.admin_cli import print_json  # noqa: PLC0415

    by = tuple(name for name in DIMENSIONS if name in set(args.by)) if args.by else DIMENSIONS
    rows = demand_rows(context, days=args.days, by=by)
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        say(f"no active saved searches and no inquiries in the last {args.days} days")
        return 0
    say(table(rows, [column for column in DEMAND_COLUMNS if column[0] not in DIMENSIONS or column[0] in by]))
    searches = sum(row["searches"] for row in rows)
    inquiries = sum(row["inquiries"] for row in rows)
    say(
        f"\n{searches} active saved search(es), {inquiries} inquiry(ies) in the last {args.days} days; "
        "IN STOCK: how many of them a car on offer today matches"
    )
    return 0


def alerts_run(context: AdminContext, args: argparse.Namespace) -> int:
    from carjunction.ops.admin.run_alerts import run_alerts_command  # noqa: PLC0415 - the alert job's own command

    return run_alerts_command(context, args)


def positive_rate(text: str) -> float:
    try:
        rate = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < rate <= 1000:
        raise argparse.ArgumentTypeError("mails per second must be above 0 and at most 1000")
    return rate


def day_count(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 3650:
        raise argparse.ArgumentTypeError("days must be a whole number from 1 to 3650")
    return int(text)


def add_updates(topics: Any, leaf: Leaf) -> None:
    """The parsers only: this runs on every `carjunction` start, so it imports nothing heavy."""
    send = leaf(topics, "notify", notify, "mail a staff notice to every member who opted in to updates (resumable)")
    send.add_argument("--subject", required=True, help="the mail's subject, one line")
    send.add_argument("--body-file", required=True, type=Path, help="the notice's text, UTF-8, at most 20 KB")
    send.add_argument("--id", help="the notice's id (default: made from subject and body; a re-run sends nothing new)")
    send.add_argument(
        "--rate",
        type=positive_rate,
        help="mails queued per second at most (default: the SES quota the mail function sends at, 14)",
    )
    send.add_argument("--dry-run", action="store_true", help="count the members and show the first mail; send none")

    wanted = leaf(topics, "demand", demand, "what buyers look for: saved searches and inquiries, no personal data")
    wanted.add_argument("--days", type=day_count, default=30, help="inquiries of the last N days (default 30)")
    wanted.add_argument(
        "--by",
        nargs="+",
        choices=("make", "model", "body", "budget", "years", "country"),
        help="group by these only (default: all)",
    )

    alerts = topics.add_parser("alerts", help="members' saved searches").add_subparsers(dest="action", required=True)
    leaf(alerts, "run", alerts_run, "run the alert job now: mail each member the new cars matching their searches")
