"""Lambda entry point of the mail function: sends the e-mails the API functions queued (carjunction.api.send_mail)."""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

from aws_lambda_powertools import Logger, Metrics

from carjunction.api.logs import RedactingFormatter

logger = Logger(service="mail", logger_formatter=RedactingFormatter())
metrics = Metrics(namespace="CarJunction", service="mail")
# Built on the first event and kept while the instance is warm: the SES client, the claims' table client, and the
# pacer, whose last send carries over to the next batch.
state: dict[str, Any] = {}


@logger.inject_lambda_context
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    from aws_lambda_powertools.metrics import MetricUnit  # noqa: PLC0415 - nothing at import

    from carjunction.api.entry import share_logging  # noqa: PLC0415
    from carjunction.api.send_mail import OUTCOMES, MailSettings, Pacer, once_claims, send_batch, ses_mailer  # noqa: PLC0415

    if "mailer" not in state:
        settings = MailSettings.from_env(os.environ)
        state["mailer"] = ses_mailer(settings)
        state["claims"] = once_claims(settings)
        state["pacer"] = Pacer(settings.sends_per_second)
        share_logging(logger)
    tally: Counter[str] = Counter()
    answer = send_batch(event, state["mailer"], context, tally, claims=state["claims"], pacer=state["pacer"])
    for outcome in OUTCOMES:
        metrics.add_metric(name=f"Mails{outcome.capitalize()}", unit=MetricUnit.Count, value=tally[outcome])
    return answer
