"""Imports routes: an insurer's staff import CSV or Excel files of each kind.

The duty depends on the kind (`administracion` for rosters, conditions, hospitals, the
affiliates' registry and clinics; `finanzas` for care orders and transactions): the routes
admit an operator holding either, and the service checks the kind's own duty."""

from __future__ import annotations

from chalicelib.auth import Principal
from chalicelib.http import Routes
from chalicelib.imports import schemas as imp
from chalicelib.imports import service as imports
from chalicelib.imports import templates
from chalicelib.schema import ListQuery

# Either duty opens the routes; the kind's own is checked by the service.
routes = Routes(
    __name__, tags=("importaciones",), roles=("operador",), duty=("administracion", "finanzas")
)


@routes.route("/v1/operator/imports", "POST", status=201, errors=(404, 409, 413))
def request_import(principal: Principal, body: imp.ImportRequest) -> imp.ImportCreated:
    """Importar un archivo (CSV o Excel): validar o aplicar; devuelve dónde subirlo"""
    return imports.request_import(principal, body)


@routes.route("/v1/operator/imports", errors=(404,))
def list_imports(principal: Principal, query: imp.ImportsQuery) -> imp.ImportsPage:
    """Importaciones de la aseguradora (la más reciente primero)"""
    return imports.imports(principal, query)


@routes.route("/v1/operator/imports/{import_id}", errors=(404,))
def read_import(principal: Principal, import_id: str) -> imp.ImportOut:
    """Una importación: avance, resumen, reporte de errores y motivos de rechazo"""
    return imports.get_import(principal, import_id)


@routes.route("/v1/operator/imports/{import_id}/apply", "POST", status=202, errors=(404, 409))
def apply_import(principal: Principal, import_id: str, body: imp.ImportScope) -> imp.ImportApplied:
    """Aplicar una importación validada, sobre el mismo archivo, sin volver a subirlo"""
    return imports.apply_import(principal, import_id, body)


@routes.route("/v1/operator/imports/kinds")
def import_kinds(principal: Principal, query: ListQuery) -> imp.KindsOut:
    """Tipos de archivo que el operador puede importar, con sus columnas y un ejemplo"""
    return templates.kinds_for(principal, query)


@routes.route("/v1/operator/imports/templates/{kind}", errors=(404,))
def import_template(principal: Principal, kind: str, query: imp.TemplateQuery) -> imp.ReportLink:
    """Plantilla de un tipo de importación (CSV o Excel): encabezados y una fila de ejemplo"""
    return templates.template_link(principal, kind, query.format)
