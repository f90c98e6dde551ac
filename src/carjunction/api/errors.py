"""Domain errors and the ONE mapping from errors to HTTP status codes and the error shape.

Every error response is ``{"error": {"code": ..., "message": ..., "fields": {...}}}``. Codes are
stable identifiers a client can branch on; messages are for developers (the site shows its own words).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 16 * 1024
RETRY_AFTER_SECONDS = "2"

# DynamoDB answers that mean "try again shortly", never "your input is wrong".
TRANSIENT_DYNAMODB_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "LimitExceededException",
        "TransactionInProgressException",
    }
)
# Per-item reasons of a cancelled transaction that say "busy, try again", not "your request cannot succeed".
# Nothing of a cancelled transaction was written, so a retry with the same idempotency key is safe.
TRANSIENT_CANCELLATION_CODES = frozenset(
    {"ThrottlingError", "TransactionConflict", "ProvisionedThroughputExceeded", "RequestLimitExceeded"}
)


class ApiError(Exception):
    status = HTTPStatus.BAD_REQUEST
    code = "bad_request"

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class BadRequest(ApiError):
    status, code = HTTPStatus.BAD_REQUEST, "bad_request"


class NotSignedIn(ApiError):
    status, code = HTTPStatus.UNAUTHORIZED, "not_signed_in"


class InvalidToken(ApiError):
    status, code = HTTPStatus.UNAUTHORIZED, "invalid_token"


class Forbidden(ApiError):
    status, code = HTTPStatus.FORBIDDEN, "forbidden"


class NotFound(ApiError):
    status, code = HTTPStatus.NOT_FOUND, "not_found"


# The one answer to a path no route has: from the local router (carjunction.local.routing), and from a resolver
# given a path its function does not serve.
NO_SUCH_ROUTE = (HTTPStatus.NOT_FOUND, NotFound.code, "There is no such API route.")


class Conflict(ApiError):
    status, code = HTTPStatus.CONFLICT, "conflict"


class VehicleUnavailable(Conflict):
    code = "vehicle_unavailable"


class ReservationLimitReached(Conflict):
    code = "reservation_limit"


class TooManyAlerts(Conflict):
    code = "too_many_alerts"


class TooLarge(ApiError):
    status, code = HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "body_too_large"


class Invalid(ApiError):
    status, code = HTTPStatus.UNPROCESSABLE_ENTITY, "invalid_fields"


class RateLimited(ApiError):
    status, code = HTTPStatus.TOO_MANY_REQUESTS, "rate_limited"


class Unavailable(ApiError):
    status, code = HTTPStatus.SERVICE_UNAVAILABLE, "unavailable"


def error_body(status: HTTPStatus, code: str, message: str, fields: dict[str, str] | None = None) -> str:
    return json.dumps({"error": {"code": code, "message": message, "fields": fields or {}}})


def error_response(
    status: HTTPStatus,
    code: str,
    message: str,
    fields: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    from aws_lambda_powertools.event_handler import Response  # noqa: PLC0415 - lazy: cold import budget

    all_headers = {"Cache-Control": "no-store", **(headers or {})}
    return Response(
        status_code=status,
        content_type="application/json",
        body=error_body(status, code, message, fields),
        headers=all_headers,
    )


def raw_error(status: HTTPStatus, code: str, message: str) -> dict[str, Any]:
    """An API Gateway v2 response dict, for errors found before the resolver runs (size, encoding)."""
    return {
        "statusCode": int(status),
        "headers": {"Content-Type": "application/json", "Cache-Control": "no-store"},
        "body": error_body(status, code, message),
        "isBase64Encoded": False,
    }


def field_name(location: tuple[Any, ...]) -> str:
    # ("body", "consignee", "name") → "consignee.name"; the "body"/"query" prefix is noise to a client.
    parts = [str(p) for p in location if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or "body"


def validation_fields(errors: Any) -> tuple[bool, dict[str, str]]:
    """(is_bad_json, field → reason) from pydantic-style error dicts."""
    fields: dict[str, str] = {}
    bad_json = False
    for error in errors:
        if error.get("type") in ("json_invalid", "json_type"):
            bad_json = True
            continue
        fields.setdefault(field_name(tuple(error.get("loc", ()))), str(error.get("msg", "is not valid")))
    return bad_json, fields


def register_error_handlers(app: APIGatewayHttpResolver) -> None:
    from aws_lambda_powertools.event_handler.exceptions import ServiceError  # noqa: PLC0415
    from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError  # noqa: PLC0415
    from aws_lambda_powertools.utilities.idempotency.exceptions import (  # noqa: PLC0415
        IdempotencyAlreadyInProgressError,
        IdempotencyPersistenceLayerError,
        IdempotencyValidationError,
    )
    from botocore.exceptions import ClientError, HTTPClientError  # noqa: PLC0415
    from botocore.exceptions import ConnectionError as BotoConnectionError  # noqa: PLC0415

    from carjunction.api.accepts import allowed_methods  # noqa: PLC0415 - it imports this module

    def no_route(_: Exception) -> Response[Any]:
        # API Gateway sends every method of an ANY route here; a path that exists with other methods is a 405.
        allowed = allowed_methods(app, app.current_event.path)
        if allowed:
            return error_response(
                HTTPStatus.METHOD_NOT_ALLOWED,
                "method_not_allowed",
                f"This route takes {', '.join(allowed)}.",
                headers={"Allow": ", ".join(allowed)},
            )
        return error_response(*NO_SUCH_ROUTE)

    def service_error(error: ServiceError) -> Response[Any]:
        status = HTTPStatus(error.status_code)
        return error_response(status, status.phrase.lower().replace(" ", "_"), str(error.msg))

    def api_error(error: ApiError) -> Response[Any]:
        headers = {"Retry-After": RETRY_AFTER_SECONDS} if error.status == HTTPStatus.SERVICE_UNAVAILABLE else None
        return error_response(error.status, error.code, error.message, error.fields, headers)

    def invalid(error: RequestValidationError) -> Response[Any]:
        bad_json, fields = validation_fields(error.errors())
        if bad_json and not fields:
            return error_response(HTTPStatus.BAD_REQUEST, "bad_json", "The body is not valid JSON.")
        return error_response(HTTPStatus.UNPROCESSABLE_ENTITY, Invalid.code, "Some fields are not valid.", fields)

    def in_progress(_: Exception) -> Response[Any]:
        return error_response(
            HTTPStatus.CONFLICT,
            "in_progress",
            "The same request is being processed; retry shortly.",
            headers={"Retry-After": RETRY_AFTER_SECONDS},
        )

    def key_reused(_: Exception) -> Response[Any]:
        return error_response(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "This idempotency key was used for a different order.",
            {"idempotency_key": "was used for another order"},
        )

    def aws_error(error: ClientError) -> Response[Any]:
        code = str(error.response.get("Error", {}).get("Code", ""))
        reasons = {str(reason.get("Code") or "") for reason in error.response.get("CancellationReasons") or []}
        if code in TRANSIENT_DYNAMODB_CODES or reasons & TRANSIENT_CANCELLATION_CODES:
            log.warning("storage busy", extra={"aws_error_code": code})
            return unavailable()
        log.error("unexpected AWS error", extra={"aws_error_code": code})
        return error_response(HTTPStatus.INTERNAL_SERVER_ERROR, "internal_error", "Something went wrong on our side.")

    def unreachable(error: Exception) -> Response[Any]:
        log.warning("storage unreachable", extra={"error_type": type(error).__name__})
        return unavailable()

    def unexpected(error: Exception) -> Response[Any]:
        # A bug: the type is logged (never the message, which might quote input) and the client gets the shape.
        log.error("unexpected error", extra={"error_type": type(error).__name__})
        return error_response(HTTPStatus.INTERNAL_SERVER_ERROR, "internal_error", "Something went wrong on our side.")

    app.not_found(no_route)
    # Powertools picks the handler of the nearest class in the exception's MRO, so the specific ones win.
    handlers: list[tuple[type[Exception], Callable[[Any], Response[Any]]]] = [
        (ServiceError, service_error),
        (ApiError, api_error),
        (RequestValidationError, invalid),
        (IdempotencyAlreadyInProgressError, in_progress),
        (IdempotencyValidationError, key_reused),
        # The idempotency table could not be read or written: as busy as a throttled table.
        (IdempotencyPersistenceLayerError, unreachable),
        (ClientError, aws_error),
        (BotoConnectionError, unreachable),
        (HTTPClientError, unreachable),
        (Exception, unexpected),
    ]
    for exception, handler in handlers:
        app.exception_handler(exception)(handler)


def unavailable() -> Response[Any]:
    return error_response(
        HTTPStatus.SERVICE_UNAVAILABLE,
        Unavailable.code,
        "The service is busy; retry shortly with the same request.",
        headers={"Retry-After": RETRY_AFTER_SECONDS},
    )
