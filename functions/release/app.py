"""Scheduled entry point: release reservations whose payment deadline has passed."""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools import Logger, Metrics

from carjunction.api.logs import RedactingFormatter

logger = Logger(service="release", logger_formatter=RedactingFormatter())
metrics = Metrics(namespace="CarJunction", service="release")
state: dict[str, Any] = {}


@logger.inject_lambda_context
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    import boto3  # noqa: PLC0415 - nothing at import
    from aws_lambda_powertools.metrics import MetricUnit  # noqa: PLC0415

    from carjunction.api.logic.release_lapsed import release_lapsed  # noqa: PLC0415
    from carjunction.api.store.db import Db  # noqa: PLC0415
    from carjunction.clock import utc_now  # noqa: PLC0415

    if "db" not in state:
        state["db"] = Db(boto3.client("dynamodb"), os.environ["TABLE_NAME"])
    released = release_lapsed(state["db"], utc_now())
    metrics.add_metric(name="ReservationsReleased", unit=MetricUnit.Count, value=len(released))
    return {"released": released}
