"""Portal Médico API: routes and event handlers only. Each is an adapter to a service."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from chalice.app import Chalice

from chalicelib.config import get_settings
from chalicelib.http import Api
from chalicelib.system import service as system
from chalicelib.system.schemas import HealthOut

settings = get_settings()
app = Chalice(app_name="portal-medico")
api = Api(app, title="Portal Médico API", version=settings.version, cors_origin=settings.site_url)


@api.route("/v1/health", summary="Estado del servicio", response=HealthOut, tags=("sistema",))
def health() -> HealthOut:
    return system.health()


@lru_cache(maxsize=1)
def _openapi() -> dict[str, Any]:
    return api.openapi()


@api.route("/v1/openapi.json", summary="Documento OpenAPI 3.1 de esta API", tags=("sistema",))
def openapi_document() -> dict[str, Any]:
    return _openapi()
