"""System routes: health and the API's own OpenAPI document."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from chalicelib.http import Routes
from chalicelib.system import schemas as sys_schemas
from chalicelib.system import service as system

routes = Routes(__name__, tags=("sistema",))


@lru_cache(maxsize=1)
def _document() -> dict[str, Any]:
    return routes.api.openapi()


@routes.route("/v1/health")
def health() -> sys_schemas.HealthOut:
    """Estado del servicio"""
    return system.health()


@routes.route("/v1/openapi.json")
def openapi_document() -> dict[str, Any]:
    """Documento OpenAPI 3.1 de esta API"""
    return _document()
