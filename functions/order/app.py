"""Lambda entry point of the order function; routes in carjunction.api.routes.order."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging import correlation_paths

from carjunction.api.entry import Function
from carjunction.api.logs import RedactingFormatter

logger = Logger(service="order", logger_formatter=RedactingFormatter())
metrics = Metrics(namespace="CarJunction", service="order")
function = Function("order", logger, metrics)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return function(event, context)
