"""The count of mails an API function could not put on the mail queue, for the alarm in template.yaml.

A mail that is not queued is lost (the request that wanted it has already succeeded), so it is counted the moment it
happens: one CloudWatch embedded-metric (EMF) line, printed at once by Powertools' ``single_metric``, needing no
handler decorator to flush it. The metric has the one dimension ``service`` (set by POWERTOOLS_SERVICE_NAME), so
that the alarm can name it; the mail's kind rides along as metadata, searchable in the log, never as a dimension.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

log = logging.getLogger(__name__)

NOT_QUEUED = "MailsNotQueued"


def count_not_queued(kind: str, environ: Mapping[str, str] | None = None) -> None:
    """Count one mail not queued. Without a metrics namespace (tests, the local stack) there is no CloudWatch to
    tell, and nothing is printed. A metric that cannot be written never fails the request."""
    environ = os.environ if environ is None else environ
    namespace = environ.get("POWERTOOLS_METRICS_NAMESPACE")
    if not namespace:
        return
    from aws_lambda_powertools.metrics import MetricUnit, single_metric  # noqa: PLC0415 - nothing at import

    try:
        service = {"service": environ.get("POWERTOOLS_SERVICE_NAME") or "unknown"}
        with single_metric(NOT_QUEUED, MetricUnit.Count, 1, namespace=namespace, default_dimensions=service) as metric:
            metric.add_metadata(key="kind", value=kind)
    except Exception as error:  # a metric is worth less than the answer the buyer is waiting for
        log.warning("mail metric not written", extra={"error_type": type(error).__name__})
