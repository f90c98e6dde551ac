"""`carjunction admin alerts run [--local]`: the alert job now, on the CLI's table, its digests on the mail queue the
stack's mail function sends from (the local stack's writes them to .local/outbox/). The same work as the hourly
AlertsFunction (carjunction.api.logic.alert_digest); running it twice, or beside the schedule, sends nothing twice.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from carjunction.api.logic.alert_digest import AlertRunSummary, MailQueueFailed, Sender, run_alert_job
from carjunction.ops.admin.context import AdminContext, AdminError


def run_alerts_command(context: AdminContext, args: argparse.Namespace) -> int:
    """Run the job and print its summary (JSON with --json); 1 if the mail queue failed part-way."""
    if not context.site_origin:
        raise AdminError("the stack has no site address (SITE_ORIGIN): the digests' links would lead nowhere")
    sender = Sender(context.db, context.mailer, context.secret, context.site_origin, context.company_name)
    if getattr(args, "local", False):
        # The local stack's moto answers requests in threads but its tables are not thread-safe: one at a time.
        sender.workers = 1
    try:
        summary = run_alert_job(sender, context.clock())
    except MailQueueFailed as failed:
        show(failed.summary, as_json=bool(getattr(args, "json", False)))
        raise AdminError(f"{failed} (the mail queue: {type(failed.__cause__).__name__})") from None
    show(summary, as_json=bool(getattr(args, "json", False)))
    return 0


def show(summary: AlertRunSummary, *, as_json: bool) -> None:
    # Counts only: nothing a member wrote reaches the terminal.
    if as_json:
        print(json.dumps(asdict(summary), indent=2), flush=True)
    else:
        print("\n".join(summary.lines()), flush=True)
