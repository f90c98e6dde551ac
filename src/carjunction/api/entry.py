"""The shared body of the Lambda entry points in functions/: build once, then dispatch each event."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.metrics import MetricUnit

if TYPE_CHECKING:
    from aws_lambda_powertools import Logger, Metrics

    from carjunction.api.deps import Deps


def share_logging(logger: Logger) -> None:
    """The package's own loggers write through the function's Powertools logger (JSON, redacted)."""
    from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers  # noqa: PLC0415

    logging.getLogger("carjunction")
    copy_config_to_registered_loggers(source_logger=logger, include={"carjunction"})


class Function:
    """One Lambda function's resolver, built on the first event (nothing at import)."""

    def __init__(self, name: str, logger: Logger, metrics: Metrics) -> None:
        self.name = name
        self.logger = logger
        self.metrics = metrics
        self.deps: Deps | None = None
        self.app: Any = None

    def build(self, deps: Deps | None = None) -> None:
        # Imported here, not at module level: pydantic models and the catalogue cost ~150 ms that the import
        # of the entry point should not pay (the first event pays it, once).
        from carjunction.api.deps import build_deps  # noqa: PLC0415
        from carjunction.api.routes import build_app  # noqa: PLC0415
        from carjunction.api.settings import Settings  # noqa: PLC0415

        settings = Settings.from_env(os.environ)
        self.deps = deps or build_deps(settings, with_idempotency=self.name == "order")
        self.app = build_app(self.name, self.deps)
        share_logging(self.logger)

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        from carjunction.api.routes.common import dispatch  # noqa: PLC0415

        if self.app is None:
            self.build()
        result = dispatch(self.app, event, context)
        status = int(result.get("statusCode", 500))
        # The route template and the status only: never the path's values, the query or the body.
        self.logger.info("answered", extra={"route": event.get("routeKey"), "status": status})
        self.metrics.add_metric(name=f"Status{status // 100}xx", unit=MetricUnit.Count, value=1)
        return result
