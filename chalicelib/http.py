"""The HTTP edge: request parsing, responses, the one error-mapping decorator and OpenAPI.

Each context declares its routes on a `Routes` (a Chalice blueprint) in its `routes.py`;
app.py hands them to `Api.register`, which (1) registers the Chalice route, (2) wraps the
view in `map_errors` so domain errors and validation errors become the JSON error shape of
API.md, and (3) records the request and response models for the one `/v1/openapi.json`.
`Api.route` does the same for a route declared on the app itself.
"""

from __future__ import annotations

import functools
import json
import re
import sys
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, TypeVar

from aws_lambda_powertools.metrics import MetricUnit
from chalice.app import (
    AuthRequest,
    AuthResponse,
    Blueprint,
    Chalice,
    CORSConfig,
    Request,
    Response,
)
from pydantic import BaseModel, ConfigDict, Field, RootModel, ValidationError

from chalicelib import errors, json_body
from chalicelib.auth import ROLES, Principal, principal_from_context, require_role
from chalicelib.errors import DomainError, ErrorDetail
from chalicelib.observability import end_aws_tally, logger, metrics, start_aws_tally
from chalicelib.schema import Schema

M = TypeVar("M", bound=BaseModel)
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
# asks, so no browser or proxy keeps a copy; and no browser reads it as another type than the
# one declared (a JSON error echoing input is never run as HTML or script).
ANSWER_HEADERS: Mapping[str, str] = MappingProxyType(
    {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
)

# The roles of a route any signed-in person may call.
ANY_ROLE: tuple[str, ...] = ROLES

_CORRELATION_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_PATH_PARAM = re.compile(r"{([A-Za-z_][A-Za-z0-9_]*)}")

# Spanish messages for pydantic's error types; validators raising ValueError("…") supply
# their own message.
_VALIDATION_MESSAGES: dict[str, str] = {
    "missing": "Este campo es obligatorio.",
    "extra_forbidden": "Este campo no se admite.",
    "string_type": "Debe ser un texto.",
    "string_too_short": "El texto es demasiado corto.",
    "string_too_long": "El texto es demasiado largo.",
    "string_pattern_mismatch": "El formato no es válido.",
    "int_type": "Debe ser un número entero.",
    "int_parsing": "Debe ser un número entero.",
    "bool_type": "Debe ser verdadero o falso.",
    "bool_parsing": "Debe ser verdadero o falso.",
    "decimal_parsing": "Debe ser una cantidad decimal.",
    "decimal_type": "Debe ser una cantidad decimal.",
    "date_from_datetime_parsing": "Debe ser una fecha con formato AAAA-MM-DD.",
    "date_parsing": "Debe ser una fecha con formato AAAA-MM-DD.",
    "date_type": "Debe ser una fecha con formato AAAA-MM-DD.",
    "literal_error": "El valor no está entre las opciones permitidas.",
    "enum": "El valor no está entre las opciones permitidas.",
    "list_type": "Debe ser una lista.",
    "too_short": "La lista tiene muy pocos elementos.",
    "too_long": "La lista tiene demasiados elementos.",
    "model_type": "Debe ser un objeto JSON.",
    "dict_type": "Debe ser un objeto JSON.",
    "greater_than": "El valor es demasiado pequeño.",
    "greater_than_equal": "El valor es demasiado pequeño.",
    "less_than": "El valor es demasiado grande.",
    "less_than_equal": "El valor es demasiado grande.",
    "value_error": "El valor no es válido.",
}


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


class _EmptyObject(Schema):
    pass


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
    """One detail per error; `skip` drops leading location parts (a union's tag)."""
    details = []
    for item in exc.errors(include_url=False, include_input=False):
        kind = item["type"]
        message = _VALIDATION_MESSAGES.get(kind, "El valor no es válido.")
        context = item.get("ctx") or {}
        if kind == "value_error" and "error" in context:
            message = str(context["error"])
        location = ".".join(str(part) for part in item["loc"][skip:])
        details.append(ErrorDetail(field=location or "body", code=kind, message=message))
    return details


# --- parsing -------------------------------------------------------------------------------


def parse(model: type[M], request: Request) -> M:
    """The request's JSON body as `model`; raises BadRequest or pydantic's ValidationError."""
    raw = request.raw_body
    data: Any = json_body.load(raw) if raw else {}
    if issubclass(model, RootModel):
        # A tagged union reports errors under the tag ("MX.rfc"); name the field only.
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            tagged = (
                isinstance(data, dict)
                and bool(exc.errors())
                and all(
                    len(e["loc"]) > 1 and e["loc"][0] == data.get(_tag(model)) for e in exc.errors()
                )
            )
            skip = 1 if tagged else 0
            raise errors.InvalidInput(details=validation_details(exc, skip=skip)) from None
    return model.model_validate(data)


def _tag(model: type[BaseModel]) -> str | None:
    field = model.model_fields.get("root")
    discriminator = field.discriminator if field else None
    return discriminator if isinstance(discriminator, str) else None


def caller_ip(request: Request | None) -> str | None:
    """The caller's IP as API Gateway saw it (rate limits per IP, the audit record)."""
    identity = ((request.context or {}) if request else {}).get("identity") or {}
    source = identity.get("sourceIp")
    return str(source) if source else None


def parse_query(model: type[M], request: Request) -> M:
    """The request's query string as `model`."""
    return model.model_validate(dict(request.query_params or {}))


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


def _unavailable(route: str) -> Response:
    """503 with a Spanish message, and when to try again (the failure is logged, not hidden)."""
    logger.warning("aws unavailable after retries", extra={"route": route}, exc_info=True)
    metrics.add_metric(name="AwsUnavailable", unit=MetricUnit.Count, value=1)
    metrics.flush_metrics()
    unavailable = errors.ServiceUnavailable()
    return json_response(
        error_body(unavailable.error_code, unavailable.error_message), 503, {"Retry-After": "5"}
    )


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
                status = status_for(exc)
                response = json_response(
                    error_body(exc.error_code, exc.error_message, exc.details),
                    status,
                    {"Retry-After": "5"} if status == 503 else None,
                )
            except ValidationError as exc:
                status = 422
                response = json_response(
                    error_body(
                        "validation_error", "Revisa los datos marcados.", validation_details(exc)
                    ),
                    status,
                )
            except Exception as exc:
                if aws_unavailable(exc):
                    status = 503
                    response = _unavailable(view.__name__)
                else:
                    logger.exception("unhandled error", extra={"route": view.__name__})
                    metrics.add_metric(name="UnhandledErrors", unit=MetricUnit.Count, value=1)
                    metrics.flush_metrics()
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
    "BadRequestError": ("bad_request", "La solicitud no es válida."),
    "NotFoundError": ("not_found", "No encontramos lo que buscas."),
    "UnauthorizedError": ("unauthorized", "Inicia sesión para continuar."),
    "ForbiddenError": ("forbidden", "No tienes permiso para realizar esta acción."),
    "TooManyRequestsError": ("too_many_attempts", "Demasiadas solicitudes. Espera unos segundos."),
    "ChaliceViewError": ("internal_error", "Ocurrió un error inesperado. Intenta más tarde."),
}


def _every_answer(event: Any, get_response: Callable[[Any], Response]) -> Response:
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
    response.headers.update(ANSWER_HEADERS)
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


# --- routes and their description ----------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    path: str
    method: str
    name: str
    summary: str
    tags: tuple[str, ...]
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    authenticated: bool
    errors: tuple[int, ...]
    roles: tuple[str, ...] = ()

    @property
    def path_params(self) -> list[str]:
        return _PATH_PARAM.findall(self.path)


def _endpoint(
    path: str,
    method: str,
    view: View,
    *,
    summary: str,
    body: type[BaseModel] | None,
    query: type[BaseModel] | None,
    response: type[BaseModel] | None,
    status: int,
    roles: tuple[str, ...],
    errors: tuple[int, ...],
    tags: tuple[str, ...],
) -> Endpoint:
    return Endpoint(
        path=path,
        method=method.upper(),
        name=view.__name__,
        summary=summary,
        tags=tags,
        body=body,
        query=query,
        response=response,
        status=status,
        authenticated=bool(roles),
        errors=errors,
        roles=roles,
    )


class Routes:
    """One context's routes: a Chalice blueprint and the description of each route.

    `route` takes the same arguments as `Api.route` and only records the route; `Api.register`
    puts them on the app (with the app's authorizer on the protected ones) and in the app's
    one OpenAPI document. A blueprint belongs to the last app it was registered to, so these
    routes are registered once, by app.py.
    """

    def __init__(self, import_name: str) -> None:
        self.name = import_name
        self.blueprint = Blueprint(import_name)
        self.views: list[tuple[Endpoint, View]] = []
        self._api: Api | None = None

    def route(
        self,
        path: str,
        method: str = "GET",
        *,
        summary: str,
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        response: type[BaseModel] | None = None,
        status: int = 200,
        roles: tuple[str, ...] = (),
        errors: tuple[int, ...] = (),
        tags: tuple[str, ...] = (),
    ) -> Callable[[View], View]:
        """Record `view` for `method path` (see `Api.route` for what the view receives)."""

        def decorate(view: View) -> View:
            endpoint = _endpoint(
                path,
                method,
                view,
                summary=summary,
                body=body,
                query=query,
                response=response,
                status=status,
                roles=roles,
                errors=errors,
                tags=tags,
            )
            self.views.append((endpoint, view))
            return view

        return decorate

    @property
    def api(self) -> Api:
        """The Api these routes are registered on."""
        if self._api is None:
            raise RuntimeError("these routes are not registered on an app yet")
        return self._api

    @property
    def current_request(self) -> Request | None:
        """The request being answered (views that read the raw body or the caller's IP)."""
        return self.api.app.current_request


@dataclass
class Api:
    """Registers routes on a Chalice app and describes them in OpenAPI 3.1."""

    app: Chalice
    title: str
    version: str
    cors_origin: str | None = None
    authorizer: Any = None
    endpoints: list[Endpoint] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.app.register_middleware(_every_answer, "http")
        if self.cors_origin:
            # On the app: a blueprint has no CORS of its own, its routes take the app's.
            self.app.api.cors = CORSConfig(
                allow_origin=self.cors_origin,
                allow_headers=["Authorization", "Content-Type", "X-Correlation-Id"],
                expose_headers=["X-Correlation-Id"],
                max_age=600,
            )

    def route(
        self,
        path: str,
        method: str = "GET",
        *,
        summary: str,
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        response: type[BaseModel] | None = None,
        status: int = 200,
        roles: tuple[str, ...] = (),
        errors: tuple[int, ...] = (),
        tags: tuple[str, ...] = (),
    ) -> Callable[[View], View]:
        """Register `view` for `method path` on the app itself.

        The view receives the path parameters, `body=` (when `body` is given), `query=`
        (when `query` is given) and `principal=` (when `roles` is given: the route then needs
        a valid token of one of those roles) as keyword arguments, and returns a pydantic
        model, a dict, None (204) or a Chalice Response.
        """

        def decorate(view: View) -> View:
            endpoint = _endpoint(
                path,
                method,
                view,
                summary=summary,
                body=body,
                query=query,
                response=response,
                status=status,
                roles=roles,
                errors=errors,
                tags=tags,
            )
            self._add(endpoint, view, self.app.route)
            return view

        return decorate

    def register(self, routes: Routes) -> None:
        """Put a context's routes on the app, in this API's description, and register its
        blueprint (under the views' own names: a prefix would rename Lambda functions)."""
        if routes._api is not None:
            raise RuntimeError(f"{routes.name} is registered on an app already")
        for endpoint, view in routes.views:
            self._add(endpoint, view, routes.blueprint.route)
        routes._api = self
        self.app.register_blueprint(routes.blueprint)

    def _add(self, endpoint: Endpoint, view: View, register: Callable[..., Any]) -> None:
        roles = endpoint.roles
        if roles and self.authorizer is None:
            raise RuntimeError("set Api.authorizer before registering protected routes")
        self.endpoints.append(endpoint)

        def adapter(**path_params: str) -> Any:
            request = self.app.current_request
            assert request is not None  # Chalice sets it before calling a view
            kwargs: dict[str, Any] = dict(path_params)
            if roles:
                principal = principal_from_context(request.context)
                require_role(principal, *roles)
                kwargs["principal"] = principal
            if endpoint.body is not None:
                kwargs["body"] = parse(endpoint.body, request)
            if endpoint.query is not None:
                kwargs["query"] = parse_query(endpoint.query, request)
            return to_response(view(**kwargs), endpoint.status)

        adapter.__name__ = view.__name__
        route_options: dict[str, Any] = {"methods": [endpoint.method], "name": view.__name__}
        if roles:
            route_options["authorizer"] = self.authorizer
        register(endpoint.path, **route_options)(map_errors(self.app)(adapter))

    def openapi(self) -> dict[str, Any]:
        from chalicelib.openapi import build_document

        return build_document(self)


def to_response(result: Any, status: int) -> Response:
    if isinstance(result, Response):
        return result
    if result is None:
        return Response(body="", status_code=204)
    if isinstance(result, BaseModel):
        return json_response(result.model_dump(mode="json"), status)
    return json_response(result, status)


def authorize_request(
    request: AuthRequest, verify: Callable[[str], Principal]
) -> AuthResponse | dict[str, Any]:
    """The built-in authorizer's answer: allow every route for a verified token (API Gateway
    caches the policy per token for all routes; roles are checked in the routes), an explicit
    deny for anything else (the gateway then answers 401, see GATEWAY_RESPONSES)."""
    raw = (request.token or "").strip()
    if raw.lower().startswith("bearer "):
        raw = raw[7:].strip()
    try:
        principal = verify(raw) if raw else None
    except errors.Unauthorized:
        principal = None
    if principal is None:
        return {
            "principalId": "anonymous",
            "policyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Action": "execute-api:Invoke",
                        "Effect": "Deny",
                        "Resource": [request.method_arn],
                    }
                ],
            },
        }
    return AuthResponse(
        routes=["*"], principal_id=principal.account_id, context=principal.as_context()
    )
