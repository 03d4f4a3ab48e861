"""What the API answers: JSON responses, the headers on every answer, API.md's error shape,
and the mapping of every failure into it.

`map_errors` wraps each view (`chalicelib.http.Api` applies it to every route it registers):
domain errors get their status, pydantic's validation errors a 422 with Spanish details, AWS
still busy after the retries a 503 with `Retry-After`, anything else a 500 with a
correlation id. `every_answer` is the http middleware around all of them: Chalice's own
errors in the same shape and `ANSWER_HEADERS` on every answer.
"""

from __future__ import annotations

import functools
import json
import re
import sys
import time
import uuid
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from chalice.app import Chalice, Request, Response
from pydantic import ConfigDict, Field, ValidationError

from chalicelib import errors, field_messages
from chalicelib.errors import DomainError, ErrorDetail
from chalicelib.observability import end_aws_tally, logger, metrics, start_aws_tally
from chalicelib.schema import Schema

View = Callable[..., Any]

STATUS_BY_ERROR: dict[type[DomainError], int] = {
    errors.BadRequest: 400,
    errors.Unauthorized: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.PayloadTooLarge: 413,
    errors.InvalidInput: 422,
    errors.TooManyAttempts: 429,
    errors.ServiceUnavailable: 503,
}

# Error codes AWS answers while it sheds load; botocore's standard retry mode already retried
# them (chalicelib/aws.py, PynamoDB's settings), so reaching a view means they persisted.
_AWS_BUSY_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "LimitExceededException",
        "SlowDown",
        "TransactionInProgressException",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "KMSInternalException",
        "DependencyTimeoutException",
        "InternalServerError",
        "InternalFailure",
    }
)

# On every answer of the API, errors included: what it says is personal or depends on who
# asks, so no browser or proxy keeps a copy (unless a view sets its own Cache-Control on a
# successful answer: only public, impersonal ones do); and no browser reads it as another
# type than the one declared (a JSON error echoing input is never run as HTML or script).
ANSWER_HEADERS: Mapping[str, str] = MappingProxyType(
    {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
)

_CORRELATION_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

# --- error and response shapes (also published in the OpenAPI document) -----------------


class ErrorDetailOut(Schema):
    field: str
    code: str
    message: str


class ErrorOut(Schema):
    code: str
    message: str
    details: list[ErrorDetailOut] = Field(default_factory=list)
    correlation_id: str | None = None


class ErrorResponse(Schema):
    model_config = ConfigDict(title="Error")
    error: ErrorOut


def aws_unavailable(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it: PynamoDB wraps botocore's errors) is AWS being busy
    or down after the retries, rather than a bug: the person can simply try again later."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 6:
        seen.append(current)
        response = getattr(current, "response", None)
        if isinstance(response, dict):
            code = str((response.get("Error") or {}).get("Code") or "")
            status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
            if code in _AWS_BUSY_CODES or (isinstance(status, int) and status >= 500):
                return True
        # botocore is loaded whenever an AWS call failed; never import it here.
        exceptions = sys.modules.get("botocore.exceptions")
        if exceptions is not None and isinstance(
            current, (exceptions.ConnectionError, exceptions.HTTPClientError)
        ):
            return True
        cause = getattr(current, "cause", None)
        current = (
            cause if isinstance(cause, BaseException) else current.__cause__ or current.__context__
        )
    return False


def status_for(error: DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 400


def json_response(
    body: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    return Response(
        body=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status_code=status,
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )


def error_body(
    code: str,
    message: str,
    details: list[ErrorDetail] | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    error: dict[str, Any] = {
        "code": code,
        "message": message,
        "details": [d.as_dict() for d in details or []],
    }
    if correlation_id:
        error["correlation_id"] = correlation_id
    return {"error": error}


def validation_details(exc: ValidationError, *, skip: int = 0) -> list[ErrorDetail]:
    """One detail per refused field, at the request's dotted path, said for a person
    (`chalicelib.field_messages`); `skip` drops leading location parts (a union's tag)."""
    return field_messages.details(exc.errors(include_url=False), skip=skip)


# --- the error-mapping decorator -----------------------------------------------------------


def correlation_id_for(request: Request | None) -> str:
    if request is not None:
        supplied = str(request.headers.get("x-correlation-id") or "")
        if _CORRELATION_ID.match(supplied):
            return supplied
        request_id = (request.context or {}).get("requestId")
        if isinstance(request_id, str) and _CORRELATION_ID.match(request_id):
            return request_id
    return str(uuid.uuid4())


def _error_response(error: DomainError) -> Response:
    """A domain error in API.md's shape with its status (and when to try again, for a 503)."""
    status = status_for(error)
    return json_response(
        error_body(error.error_code, error.error_message, error.details),
        status,
        {"Retry-After": "5"} if status == 503 else None,
    )


def _count(metric: str) -> None:
    metrics.add_metric(name=metric, unit=MetricUnit.Count, value=1)
    metrics.flush_metrics()


def _unavailable(route: str) -> Response:
    """503 with a Spanish message, and when to try again (the failure is logged, not hidden)."""
    logger.warning("aws unavailable after retries", extra={"route": route}, exc_info=True)
    _count("AwsUnavailable")
    return _error_response(errors.ServiceUnavailable())


def map_errors(app: Chalice) -> Callable[[View], View]:
    """Turn domain errors and validation errors into API.md's JSON errors; 500 otherwise.

    Chalice's REST middleware never sees exceptions, so every route is wrapped in this.
    """

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Response:
            request = app.current_request
            correlation_id = correlation_id_for(request)
            logger.set_correlation_id(correlation_id)
            headers = {"X-Correlation-Id": correlation_id}
            tally, tally_token = start_aws_tally()
            started = time.perf_counter()
            status = 500
            try:
                response: Response = view(*args, **kwargs)
                status = response.status_code
            except DomainError as exc:
                response = _error_response(exc)
                status = response.status_code
            except ValidationError as exc:
                response = _error_response(errors.InvalidInput(details=validation_details(exc)))
                status = response.status_code
            except Exception as exc:
                if aws_unavailable(exc):
                    status = 503
                    response = _unavailable(view.__name__)
                else:
                    logger.exception("unhandled error", extra={"route": view.__name__})
                    _count("UnhandledErrors")
                    response = json_response(
                        error_body(
                            "internal_error",
                            "Ocurrió un error inesperado. Intenta de nuevo más tarde; si persiste, "
                            "comunícate con soporte e indica el código de seguimiento.",
                            correlation_id=correlation_id,
                        ),
                        status,
                    )
            finally:
                elapsed_ms = round((time.perf_counter() - started) * 1000, 2)
                end_aws_tally(tally_token)
                # duration_ms - aws_ms is the project's own time; aws_ms is the services'.
                logger.info(
                    "request",
                    extra={
                        "route": view.__name__,
                        "method": getattr(request, "method", None),
                        "status": status,
                        "duration_ms": elapsed_ms,
                        "aws_ms": tally.ms,
                        "aws_calls": tally.calls,
                    },
                )
            response.headers.update(headers)
            return response

        return wrapper

    return decorate


# Chalice answers some requests itself before any view runs (a body that is not JSON, a
# method the path does not have) with `{"Code", "Message"}`; they get API.md's shape too.
_CHALICE_ERRORS: dict[str, tuple[str, str]] = {
    "UnsupportedMediaType": (
        "unsupported_media_type",
        "Envía el contenido en formato JSON (Content-Type: application/json).",
    ),
    "MethodNotAllowedError": ("method_not_allowed", "Esta operación no existe para esta ruta."),
    "BadRequestError": (errors.BadRequest.code, errors.BadRequest.message),
    "NotFoundError": (errors.NotFound.code, errors.NotFound.message),
    "UnauthorizedError": (errors.Unauthorized.code, errors.Unauthorized.message),
    "ForbiddenError": (errors.Forbidden.code, errors.Forbidden.message),
    "TooManyRequestsError": ("too_many_attempts", "Demasiadas solicitudes. Espera unos segundos."),
    "ChaliceViewError": ("internal_error", "Ocurrió un error inesperado. Intenta más tarde."),
}


def every_answer(event: Any, get_response: Callable[[Any], Response]) -> Response:
    """The http middleware, around every answer of the API: Chalice's own errors in API.md's
    shape, and ANSWER_HEADERS on all of them (the gateway's own answers get the same headers
    from infrastructure/definition.py)."""
    try:
        response = _chalice_errors_in_our_shape(get_response(event))
    except Exception:
        # Only a failure outside every view gets here (map_errors answers the views' own).
        logger.exception("unhandled error outside the views")
        response = json_response(
            error_body(*_CHALICE_ERRORS["ChaliceViewError"], correlation_id=str(uuid.uuid4())),
            500,
        )
    own_cache = response.headers.get("Cache-Control") if response.status_code < 400 else None
    response.headers.update(ANSWER_HEADERS)
    if own_cache:
        # A view that sets its own caching (the insurer's public logo) keeps it.
        response.headers["Cache-Control"] = own_cache
    return response


def _chalice_errors_in_our_shape(response: Response) -> Response:
    body: Any = response.body
    if response.status_code < 400:
        return response
    if isinstance(body, (str, bytes)):
        try:
            body = json.loads(body)
        except ValueError:
            return response
    if not isinstance(body, dict) or set(body) != {"Code", "Message"}:
        return response
    code, message = _CHALICE_ERRORS.get(
        str(body["Code"]),
        (
            "internal_error" if response.status_code >= 500 else "bad_request",
            "La solicitud no se pudo procesar.",
        ),
    )
    headers = {k: v for k, v in response.headers.items() if isinstance(v, str)}
    return json_response(error_body(code, message), response.status_code, headers)
