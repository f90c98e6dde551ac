"""Scheduled entry point of the alert job (hourly, and once by each deploy after its catalogue sync): new cars matched
against the members' saved searches, one digest per member put on the mail queue (carjunction.api.logic.alert_digest).
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any

from aws_lambda_powertools import Logger, Metrics

from carjunction.api.logs import RedactingFormatter

logger = Logger(service="alerts", logger_formatter=RedactingFormatter())
metrics = Metrics(namespace="CarJunction", service="alerts")
state: dict[str, Any] = {}


@logger.inject_lambda_context
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    from carjunction.api.deps import build_deps  # noqa: PLC0415 - nothing at import
    from carjunction.api.entry import share_logging  # noqa: PLC0415
    from carjunction.api.logic.alert_digest import run_alerts  # noqa: PLC0415
    from carjunction.api.settings import Settings  # noqa: PLC0415

    if "deps" not in state:
        # MAIL_QUEUE_URL is set (template.yaml's Globals): the digests are queued, and the mail function sends them.
        state["deps"] = build_deps(Settings.from_env(os.environ))
        share_logging(logger)
    counts = summary_counts(run_alerts(state["deps"]))
    publish(counts)
    logger.info("alerts run", extra=counts)
    return counts


def summary_counts(summary: Any) -> dict[str, int]:
    """The run's summary as its whole-number fields (counts only: the summary names no member)."""
    is_instance = dataclasses.is_dataclass(summary) and not isinstance(summary, type)
    values = dataclasses.asdict(summary) if is_instance else dict(vars(summary))
    return {name: value for name, value in values.items() if isinstance(value, int) and not isinstance(value, bool)}


def publish(counts: dict[str, int]) -> None:
    """Each count as a metric Alerts<Name>: members_matched → AlertsMembersMatched."""
    from aws_lambda_powertools.metrics import MetricUnit  # noqa: PLC0415

    for name, value in counts.items():
        metric = "Alerts" + "".join(part.capitalize() for part in name.split("_"))
        metrics.add_metric(name=metric, unit=MetricUnit.Count, value=value)
