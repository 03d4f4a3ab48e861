"""OpenAPI 3.1 document built from the routes registered with `chalicelib.http.Api`.

Built on request (never at import): JSON Schemas come from the pydantic models each route
declares for its body, query string and answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

if TYPE_CHECKING:
    from chalicelib.http import Api, Endpoint

_REF = "#/components/schemas/{model}"

_DESCRIPTIONS = {
    200: "Correcto",
    201: "Creado",
    202: "Aceptado",
    204: "Sin contenido",
    302: "Redirige a la dirección de `Location`",
    400: "Solicitud mal formada (`bad_request`)",
    401: "Falta la sesión o no es válida (`unauthorized`)",
    403: "El rol no permite esta acción (`forbidden`)",
    404: "No existe o no es tuyo (`not_found`)",
    409: "Conflicto con el estado actual",
    413: "Contenido demasiado grande",
    415: "El cuerpo debe ser JSON (`unsupported_media_type`)",
    422: "Datos inválidos (`validation_error`, con `details` por campo)",
    429: "Demasiados intentos (`too_many_attempts`)",
    500: "Error inesperado (`internal_error`, con `correlation_id`)",
    503: "AWS sigue ocupado tras los reintentos (`service_unavailable`, con `Retry-After`)",
}


def build_document(api: Api) -> dict[str, Any]:
    from chalicelib.http import ErrorResponse

    wanted: list[tuple[type[BaseModel], JsonSchemaMode]] = [(ErrorResponse, "serialization")]
    for endpoint in api.endpoints:
        if endpoint.body is not None:
            wanted.append((endpoint.body, "validation"))
        if endpoint.response is not None:
            wanted.append((endpoint.response, "serialization"))
    unique = list(dict.fromkeys(wanted))
    refs, definitions = models_json_schema(unique, ref_template=_REF)

    def ref(model: type[BaseModel], mode: Literal["validation", "serialization"]) -> dict[str, Any]:
        return dict(refs[(model, mode)])

    paths: dict[str, dict[str, Any]] = {}
    for endpoint in api.endpoints:
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = _operation(
            endpoint, ref, ref(ErrorResponse, "serialization")
        )

    return {
        "openapi": "3.1.0",
        "info": {"title": api.title, "version": api.version},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": definitions.get("$defs", {}),
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }


def _operation(endpoint: Endpoint, ref: Any, error_ref: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": endpoint.name,
        "summary": endpoint.summary,
        "tags": list(endpoint.tags),
    }
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in endpoint.path_params
    ]
    if endpoint.query is not None:
        schema = endpoint.query.model_json_schema(ref_template=_REF)
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            parameters.append(
                {
                    "name": name,
                    "in": "query",
                    "required": name in required,
                    "schema": _without_null(prop),
                }
            )
    if parameters:
        operation["parameters"] = parameters
    if endpoint.body is not None:
        operation["requestBody"] = {
            "required": _body_required(endpoint.body),
            "content": {"application/json": {"schema": ref(endpoint.body, "validation")}},
        }
    if endpoint.authenticated:
        operation["security"] = [{"bearerAuth": []}]
        operation["x-roles"] = list(endpoint.roles)
        if endpoint.duty is not None:
            # One duty, or the list of which any one will do.
            operation["x-duty"] = (
                endpoint.duty if isinstance(endpoint.duty, str) else list(endpoint.duty)
            )

    responses: dict[str, Any] = {}
    success: dict[str, Any] = {"description": _DESCRIPTIONS.get(endpoint.status, "Correcto")}
    if endpoint.response is not None and endpoint.status != 204:
        success["content"] = {
            "application/json": {"schema": ref(endpoint.response, "serialization")}
        }
    responses[str(endpoint.status)] = success

    # Any route may find AWS throttling or down once botocore's retries are spent. The edge
    # gives the other generic answers to any route of a kind, whatever its view declares: a
    # body (not JSON, wrong media type, invalid), a query string (invalid, a tampered cursor),
    # an id in the path (invalid, not there or not yours), a session (missing, wrong role).
    error_statuses = set(endpoint.errors) | {500, 503}
    if endpoint.body is not None:
        error_statuses |= {400, 415, 422}
    if endpoint.query is not None:
        error_statuses |= {400, 422}
    if endpoint.path_params:
        error_statuses |= {404, 422}
    if endpoint.authenticated:
        error_statuses |= {401, 403}
    for status in sorted(error_statuses):
        responses[str(status)] = {
            "description": _DESCRIPTIONS.get(status, "Error"),
            "content": {"application/json": {"schema": error_ref}},
        }
    operation["responses"] = responses
    return operation


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query string cannot carry null: `str | None = None` is an optional string."""
    branches = schema.get("anyOf")
    if not isinstance(branches, list):
        return schema
    kept = [branch for branch in branches if branch != {"type": "null"}]
    if len(kept) != 1 or len(kept) == len(branches):
        return schema
    rest = {k: v for k, v in schema.items() if k != "anyOf" and not (k == "default" and v is None)}
    return {**rest, **kept[0]}


def _body_required(model: type[BaseModel]) -> bool:
    """Whether a request may leave the body out: the edge reads a missing body as `{}`, so
    a body whose every field is optional (PATCH /v1/me) may be left out."""
    from pydantic import RootModel

    if issubclass(model, RootModel):
        return True
    return any(field.is_required() for field in model.model_fields.values())


def undocumented_routes(routes: dict[str, dict[str, Any]], document: dict[str, Any]) -> list[str]:
    """`METHOD path` of every Chalice route (`app.routes`) that the document does not describe."""
    described = {
        (path, method.upper())
        for path, operations in document.get("paths", {}).items()
        for method in operations
    }
    return sorted(
        f"{method} {path}"
        for path, methods in routes.items()
        for method in methods
        if (path, method) not in described
    )
